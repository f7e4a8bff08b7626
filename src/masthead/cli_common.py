"""What every command of the command line shares: the consoles, the --archive option, one-line
errors, and opening an archive. Kept apart from ``cli.py`` so that command modules (``cli_publish.py``)
can import it without importing the main app."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

DEFAULT_ARCHIVE = "masthead.db"
ArchiveOpt = Annotated[
    str,
    typer.Option(
        "--archive",
        "-a",
        envvar="MASTHEAD_ARCHIVE",
        help="Archive to use: a SQLite file path.",
        show_default=True,
    ),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    err.print(f"masthead: error: {message}", markup=False)
    return typer.Exit(code)


def open_archive(archive: str, *, create: bool = False):  # noqa: ANN201 - returns a Store
    """Open the archive; a missing one is an error unless the command creates it."""
    from masthead.store import StoreError, open_store

    if not create and "://" not in archive and archive != ":memory:" and not os.path.exists(archive):
        raise fail(f"{archive}: no archive here; create one with: masthead ingest PATH --archive {archive}")
    try:
        return open_store(archive)
    except StoreError as exc:
        raise fail(str(exc)) from None


@contextmanager
def archive_session(archive: str, *, create: bool = False) -> Iterator:
    """The open archive for a command's work: a store error inside becomes a one-line error (and the
    store's own transaction has rolled back); the archive is closed whatever happens."""
    from masthead.store import StoreError

    store = open_archive(archive, create=create)
    try:
        yield store
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


EditorOpt = Annotated[
    str | None,
    typer.Option(
        "--editor", envvar="MASTHEAD_EDITOR", help="Who decides (recorded with the decision).", show_default=False
    ),
]


def editor_name(name: str | None) -> str:
    """Who an editing command acts for: ``--editor``, else ``$MASTHEAD_EDITOR``, else the login name."""
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): say how to give one
        raise fail("say who is deciding: --editor NAME (or set MASTHEAD_EDITOR)") from None
