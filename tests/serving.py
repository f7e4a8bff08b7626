"""A real server for the tests that need one: a free port, and uvicorn in a subprocess until it answers."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(proc: subprocess.Popen[str], base: str, deadline: float) -> None:
    """Wait until the server ``proc`` answers ``base/healthz`` (an AssertionError if it exits first or
    ``deadline``, a ``time.monotonic()`` value, passes)."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early ({proc.returncode}): {proc.communicate()[1][-2000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError("server did not answer /healthz in time")


@contextmanager
def server_process(script: str, *args: str, port: int | None = None, timeout: float = 20) -> Iterator[str]:
    """Run ``python -c script *args PORT`` and yield its base URL once ``/healthz`` answers; stop it after."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args, str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(proc, base, time.monotonic() + timeout)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
