"""The real server: uvicorn in a subprocess on a free port, every page type fetched over HTTP with httpx.

The archive is built in this process and closed; the server process opens the SQLite file itself, as
``masthead serve`` does. Shutdown is by SIGTERM and must be graceful: uvicorn finishes, the store is
closed, the process exits 0, and nothing is logged as a traceback.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from serving import free_port, wait_until_up
from test_web import ARTICLE_ID, EVIL_ESCAPED, TITLE, build_archive

SERVER = """
import signal, sys
import uvicorn
from masthead.store.sqlite import SQLiteStore
from masthead.web import create_app

# uvicorn re-raises SIGTERM after its graceful shutdown; a no-op handler lets the script close the store.
signal.signal(signal.SIGTERM, lambda *args: None)
store = SQLiteStore(sys.argv[1])
try:
    app = create_app(store)
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="info", access_log=False)
finally:
    store.close()
print("store closed", flush=True)
"""


def test_real_server_serves_every_page_type(tmp_path: Path) -> None:
    started = time.monotonic()
    db = tmp_path / "archive.db"
    store = build_archive(db)
    issue = next(i.id for i in store.issues("labor-action") if i.number == 10)
    store.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(db), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(proc, base, started + 8)
        with httpx.Client(base_url=base, timeout=5) as http:
            expect = {
                "/": "Labor Action",
                "/articles": "After Prague",
                "/periodicals/labor-action": "Vol. 12 No. 10, 8 March 1948",
                "/periodicals/labor-action/1948": "Vol. 12 No. 11, 15 March 1948",
                f"/issues/{issue}": "The Czech Coup",
                "/writers/irving-howe": "After Prague",
                f"/articles/{ARTICLE_ID}": TITLE,
                "/articles/evil/1949/01/01/script": EVIL_ESCAPED,
                "/static/masthead.css": "@media print",
            }
            for path, needle in expect.items():
                r = http.get(path)
                assert r.status_code == 200, path
                assert needle in r.text, path
            assert "<script" not in http.get("/articles/evil/1949/01/01/script").text

            assert http.get("/healthz").json() == {"ok": True, "documents": 7}
            assert len(http.get("/api/documents").json()["documents"]) == 7
            assert http.get(f"/api/documents/{ARTICLE_ID}").json()["title"] == TITLE
            assert http.get("/api/periodicals").json()["periodicals"][0]["slug"] == "labor-action"
            assert any(w["slug"] == "irving-howe" for w in http.get("/api/writers").json()["writers"])
            assert http.get("/openapi.json").status_code == 200

            missing = http.get("/articles/no/such/thing")
            assert missing.status_code == 404 and "There is no article" in missing.text
            assert http.get("/api/documents/no/such/thing").json()["status"] == 404

        # Concurrent readers: the threadpool serves pages from the store's read connections at once.
        paths = [f"/articles/{ARTICLE_ID}", "/periodicals/labor-action", "/writers/irving-howe", "/"] * 5
        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(lambda p: httpx.get(base + p, timeout=5).status_code, paths))
        assert codes == [200] * len(paths)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"server did not shut down on SIGTERM: {err[-2000:]}") from None

    assert proc.returncode == 0, err[-2000:]
    assert "Application shutdown complete" in err
    assert "store closed" in out
    assert "Traceback" not in err
    assert time.monotonic() - started < 10
