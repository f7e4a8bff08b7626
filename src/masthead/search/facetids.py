"""Numbers for facet values: each periodical, writer and glossary entry gets a small number, per facet,
that the index rows carry in a fast field (``writer_id`` and the like) for the facet counts.

Why numbers: tantivy counts a field of strings by term ordinals of each segment, then looks up the text
of every counted ordinal in each segment's dictionary; on an index of several segments that look-up is
most of the writer facet's cost (hundreds of writers, each looked up in every segment). A field of
small numbers is counted into an array, and the numbers are turned into names once, here, from memory.
``bench/search.py`` prints what a faceted search costs against a bare query.

The numbers live in a small SQLite file beside the index (``facets.sqlite``). A value's number is
given once and never changes (a rebuild keeps them), and it is written to the file, in a transaction of
its own, before any row carrying it reaches the index: so a number found in the index is always in the
file, whichever process wrote it. Several processes may write the index in turn (the index's own lock
lets one at a time): a number is taken inside a write transaction, so two processes never give one
number to two values. A process that reads a number it does not know (given by another process since
it last looked) reads the file again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

__all__ = ["FacetIds"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS facet_ids (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    id INTEGER NOT NULL,
    PRIMARY KEY (facet, value),
    UNIQUE (facet, id)
);
"""


class FacetIds:
    """The numbers of facet values, on disk at ``path`` (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._ids: dict[str, dict[str, int]] = {}
        self._values: dict[str, dict[int, str]] = {}
        self._load()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _load(self) -> None:
        ids: dict[str, dict[str, int]] = {}
        for facet, value, n in self._db.execute("SELECT facet, value, id FROM facet_ids"):
            ids.setdefault(facet, {})[value] = n
        self._ids = ids
        self._values = {facet: {n: v for v, n in m.items()} for facet, m in ids.items()}

    def ids(self, facet: str, values: Iterable[str]) -> list[int]:
        """The numbers of ``values`` of ``facet``, giving (and saving) numbers to values not seen before."""
        known = self._ids.get(facet, {})
        out = []
        for v in values:
            n = known.get(v)
            if n is None:
                n = self._give(facet, v)
                known = self._ids[facet]
            out.append(n)
        return out

    def _give(self, facet: str, value: str) -> int:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")  # the write lock first: no other process takes a number meanwhile
            try:
                row = db.execute("SELECT id FROM facet_ids WHERE facet = ? AND value = ?", (facet, value)).fetchone()
                if row is None:
                    sql = "SELECT coalesce(max(id), 0) + 1 FROM facet_ids WHERE facet = ?"
                    n = db.execute(sql, (facet,)).fetchone()[0]
                    db.execute("INSERT INTO facet_ids(facet, value, id) VALUES (?, ?, ?)", (facet, value, n))
                else:
                    n = row[0]
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._ids.setdefault(facet, {})[value] = n
            self._values.setdefault(facet, {})[n] = value
            return n

    def value(self, facet: str, n: int) -> str | None:
        """The value numbered ``n`` in ``facet`` (None for a number no process has given)."""
        v = self._values.get(facet, {}).get(n)
        if v is None:
            with self._lock:
                self._load()  # given by another process since this one last read the file
            v = self._values.get(facet, {}).get(n)
        return v
