"""The change feed (outbox), and group commit: every save and delete queues a change in the same transaction.

A consumer such as the search index reads ``changes_since(seq)``, applies them in order, remembers the
last ``seq`` it applied, and may ``prune_changes(seq)``. Applying a change is idempotent (an upsert
re-reads the document's current revision; a delete of an absent document does nothing), so a crash
between the store's commit and the consumer's is repaired by replaying from the consumer's last seq.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from masthead.model import Document
from masthead.store import StoreError

_RECORD = "INSERT INTO changes (document_id, op, revision, created) VALUES (?, ?, ?, ?)"


@dataclass(frozen=True, slots=True)
class Change:
    """One queued change: ``op`` is ``upsert`` (with the revision saved) or ``delete``."""

    seq: int
    document_id: str
    op: str
    revision: int | None


def record_change(conn: sqlite3.Connection, doc_id: str, op: str, revision: int | None, when: str) -> None:
    """Queue a change; call inside the transaction that makes the change."""
    conn.execute(_RECORD, (doc_id, op, revision, when))


class ChangeFeedMixin:
    """Change-feed methods for :class:`~masthead.store.sqlite.SQLiteStore` (which provides
    ``_reading`` and ``_writing`` connection contexts)."""

    def changes_since(self, seq: int, *, limit: int = 1000) -> list[Change]:
        """Changes after ``seq``, oldest first, at most ``limit``."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                "SELECT seq, document_id, op, revision FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [Change(*r) for r in rows]

    def last_change(self) -> int:
        """The newest change's seq (0 when none was ever queued)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()
            seq = int(row[0])
            if seq == 0:  # pruned to empty: AUTOINCREMENT keeps the high-water mark
                row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").fetchone()
                seq = int(row[0]) if row else 0
        return seq

    def prune_changes(self, upto: int) -> int:
        """Forget changes up to and including ``upto`` (already applied everywhere); returns how many."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            return conn.execute("DELETE FROM changes WHERE seq <= ?", (upto,)).rowcount

    def iter_documents(self, *, batch: int = 200) -> Iterator[Document]:
        """Every current document, in id order, read ``batch`` at a time (memory stays flat)."""
        for _, text in self.iter_document_json(batch=batch):
            yield Document.from_json(text)

    def iter_document_json(self, *, batch: int = 500) -> Iterator[tuple[str, str]]:
        """Every current document as ``(id, canonical JSON)``, in id order, ``batch`` at a time: a caller
        that wants some of them parses only those."""
        after = ""
        while True:
            with self._reading() as conn:  # type: ignore[attr-defined]
                rows = conn.execute(
                    """SELECT d.id, r.json FROM documents d JOIN revisions r
                       ON r.document_id = d.id AND r.number = d.current_revision
                       WHERE d.id > ? ORDER BY d.id LIMIT ?""",
                    (after, batch),
                ).fetchall()
            if not rows:
                return
            yield from rows
            after = rows[-1][0]


class BatchMixin:
    """Group commit for :class:`~masthead.store.sqlite.SQLiteStore` (which provides ``_lock``, ``_conn``,
    ``_check_open``, ``path`` and the ``_batch_*`` fields): many documents per transaction, each one
    still all-or-nothing inside its own savepoint."""

    def _savepoint(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """One document's write inside :meth:`batch`: a savepoint in the batch's open transaction."""
        try:
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            conn.execute("SAVEPOINT document")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK TO document")
                conn.execute("RELEASE document")
                raise
            conn.execute("RELEASE document")
            self._batch_pending += 1
            if self._batch_pending >= self._batch_every:
                conn.execute("COMMIT")
                self._batch_pending = 0
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write store {self.path}: {exc}") from exc

    @contextmanager
    def batch(self, *, every: int = 100) -> Iterator[BatchMixin]:
        """Group the writes made inside (by this thread) into transactions of up to ``every`` documents.

        Each document stays all-or-nothing: it is written inside its own savepoint, so a failed save
        rolls back only itself and the batch goes on. A crash loses at most the documents of the group
        not yet committed, never part of a document. Reads in the batch see its uncommitted writes.
        Other threads and processes see a group when it commits."""
        self._check_open()
        with self._lock:
            if self._batch_thread is not None:  # nested: the outer batch commits
                yield self
                return
            self._batch_thread, self._batch_every, self._batch_pending = threading.get_ident(), every, 0
            try:
                yield self
            finally:
                self._batch_thread = None
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")
