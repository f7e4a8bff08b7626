"""The embedded SQLite backend of the :class:`~masthead.store.Store` protocol.

One file holds every document's revisions (the full canonical JSON of each) and first-class catalogue
rows (periodicals, issues, writers, document-writer links), so that web pages are indexed queries.
The database runs in WAL mode: one writer connection (guarded by a lock) and a pool of read-only
connections, so reads from a web server's threadpool proceed while a document is being saved. An
in-memory store (``":memory:"``) uses its single connection for everything, under the lock.

Every save is one ``BEGIN IMMEDIATE`` transaction; any error rolls it back, so a failed save leaves
nothing half-written. The schema is versioned by :mod:`masthead.store.migrations`.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from masthead.model import Document, ModelError
from masthead.store import (
    DocumentSummary,
    IssueSummary,
    PeriodicalSummary,
    Revision,
    SaveResult,
    StoreError,
    WriterSummary,
)
from masthead.store.accounts import AccountsMixin
from masthead.store.catalogue import (
    clean,
    iso_date,
    issue_label,
    now_utc,
    periodical_row,
    prepare,
    summary_row,
)
from masthead.store.catalogue_edit import CatalogueEditMixin
from masthead.store.changes import BatchMixin, ChangeFeedMixin, record_change
from masthead.store.glossary import GlossaryMixin
from masthead.store.glossary_edits import GlossaryEditsMixin
from masthead.store.migrations import migrate, user_version
from masthead.store.publishing import PublishingMixin
from masthead.store.review import ReviewMixin
from masthead.store.sources import SourcesMixin

__all__ = ["SQLiteStore"]


# -- SQL -----------------------------------------------------------------------------------------------
_SUMMARY_COLS = """d.id, d.title, d.subtitle, d.writers, p.title, d.periodical_slug, i.volume, i.number,
    d.date, d.page_start, d.page_end, d.current_revision, d.words"""
_SUMMARY_FROM = """FROM documents d
    LEFT JOIN periodicals p ON p.slug = d.periodical_slug
    LEFT JOIN issues i ON i.id = d.issue_id"""
_DOC_ORDER = "d.date IS NULL, d.date, d.page_start IS NULL, d.page_start, d.title, d.id"
_SEASON_RANK = """CASE lower(i.season) WHEN 'winter' THEN 1 WHEN 'spring' THEN 2 WHEN 'summer' THEN 3
    WHEN 'autumn' THEN 4 WHEN 'fall' THEN 4 ELSE 5 END"""
_ISSUE_ORDER = f"i.date IS NULL, i.date, {_SEASON_RANK}, i.volume, i.number, i.id"
_ISSUE_COLS = "i.id, i.periodical_slug, i.volume, i.number, i.date, i.label"

_FIND_ISSUE = """SELECT id, label FROM issues WHERE periodical_slug = ?
    AND COALESCE(volume, -1) = COALESCE(?, -1) AND COALESCE(number, -1) = COALESCE(?, -1)
    AND COALESCE(date, '') = COALESCE(?, '') AND COALESCE(season, '') = COALESCE(?, '')"""
_CURRENT = """SELECT d.current_revision, r.sha256, d.periodical_slug, d.issue_id
    FROM documents d JOIN revisions r ON r.document_id = d.id AND r.number = d.current_revision
    WHERE d.id = ?"""
_INSERT_DOC = """INSERT INTO documents (id, source_path, source_sha256, title, subtitle, date, periodical_slug,
    issue_id, page_start, page_end, writers, current_revision, words, created, updated)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_UPDATE_DOC = """UPDATE documents SET source_path = ?, source_sha256 = ?, title = ?, subtitle = ?, date = ?,
    periodical_slug = ?, issue_id = ?, page_start = ?, page_end = ?, writers = ?, current_revision = ?,
    words = ?, updated = ? WHERE id = ?"""
_INSERT_REVISION = """INSERT INTO revisions (document_id, number, sha256, json, created, author, message)
    VALUES (?, ?, ?, ?, ?, ?, ?)"""
_INSERT_ISSUE = """INSERT INTO issues (periodical_slug, volume, number, date, season, label)
    VALUES (?, ?, ?, ?, ?, ?)"""
_NEXT_REVISION = "SELECT MAX(number) + 1 FROM revisions WHERE document_id = ?"
_WRITER_SLUGS = "SELECT writer_slug FROM document_writers WHERE document_id = ?"
_REVISIONS = """SELECT number, sha256, created, author, message FROM revisions
    WHERE document_id = ? ORDER BY number"""
_PRUNE_ISSUE = "DELETE FROM issues WHERE id = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE issue_id = ?)"
_PRUNE_PERIODICAL = """DELETE FROM periodicals WHERE slug = ?
    AND NOT EXISTS (SELECT 1 FROM documents WHERE periodical_slug = ?)
    AND NOT EXISTS (SELECT 1 FROM issues WHERE periodical_slug = ?)"""
_PRUNE_WRITER = """DELETE FROM writers WHERE slug = ?
    AND NOT EXISTS (SELECT 1 FROM document_writers WHERE writer_slug = ?)"""


class SQLiteStore(
    ChangeFeedMixin,
    BatchMixin,
    ReviewMixin,
    AccountsMixin,
    GlossaryMixin,
    GlossaryEditsMixin,
    CatalogueEditMixin,
    PublishingMixin,
    SourcesMixin,
):
    """A :class:`~masthead.store.Store` in one SQLite file (or ``":memory:"``).

    Opening creates the file if needed and applies pending schema migrations. Raises
    :class:`StoreError` for a missing parent folder, a file that is not a SQLite database, a SQLite
    database that is not a Masthead store, or a store written by a newer Masthead.
    """

    def __init__(self, path: str, *, timeout: float = 10.0) -> None:
        self.path = str(path)
        self._timeout = timeout
        self._memory = self.path in ("", ":memory:") or self.path.startswith("file::memory:")
        self._lock = threading.RLock()
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._pool_lock = threading.Lock()  # orders returning a reader to the pool against close()
        self._closed = False
        self._batch_thread: int | None = None
        self._batch_every = 0
        self._batch_pending = 0
        if not self._memory:
            parent = os.path.dirname(os.path.abspath(self.path))
            if not os.path.isdir(parent):
                raise StoreError(
                    f"cannot open store {self.path}: folder {parent} does not exist; create it or choose another path"
                )
            if os.path.isdir(self.path):
                raise StoreError(
                    f"{self.path} is a folder; give a store file path such as {os.path.join(self.path, 'masthead.db')}"
                )
        try:
            self._conn = self._connect(writer=True)
        except sqlite3.DatabaseError as exc:
            raise self._open_error(exc) from exc
        try:
            migrate(self._conn, label=self.path or ":memory:")
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise self._open_error(exc) from exc
        except StoreError:
            self._conn.close()
            raise

    # -- connections -------------------------------------------------------------------------------
    def _open_error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        if "not a database" in text or "malformed" in text or "encrypted" in text:
            return StoreError(
                f"{self.path} is not a SQLite database ({text}); choose another path or move the file aside"
            )
        return StoreError(f"cannot open store {self.path}: {text}")

    def _connect(self, *, writer: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=False,
            cached_statements=256,
            uri=self.path.startswith("file:"),
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            if writer and not self._memory:
                conn.execute("PRAGMA journal_mode = WAL")
                # Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: fewer stalls on ingest.
                conn.execute("PRAGMA wal_autocheckpoint = 10000")
            conn.execute("PRAGMA synchronous = NORMAL")
            if not writer:
                conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"store {self.path} is closed; open it again")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection inside a read transaction (one consistent snapshot for several queries)."""
        self._check_open()
        if self._batch_thread == threading.get_ident():  # inside batch(): see its uncommitted saves
            with self._lock:
                yield self._conn
            return
        if self._memory:
            with self._lock:
                yield from self._read_txn(self._conn)
            return
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            try:
                conn = self._connect(writer=False)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read store {self.path}: {exc}") from exc
        try:
            yield from self._read_txn(conn)
        finally:
            with self._pool_lock:
                if self._closed:
                    conn.close()
                else:
                    self._pool.put(conn)

    def _read_txn(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        try:
            conn.execute("BEGIN")
            yield conn
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read store {self.path}: {exc}") from exc
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The writer connection inside ``BEGIN IMMEDIATE``; commits on success, rolls back on any error."""
        self._check_open()
        with self._lock:
            conn = self._conn
            if self._batch_thread == threading.get_ident():
                yield from self._savepoint(conn)
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreError(f"cannot write store {self.path}: {exc}") from exc

    def close(self) -> None:
        """Close every connection; later calls raise :class:`StoreError`. Closing twice is harmless."""
        with self._lock, self._pool_lock:
            if self._closed:
                return
            self._closed = True
            while True:
                try:
                    self._pool.get_nowait().close()
                except queue.Empty:
                    break
            self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open database (always :data:`~masthead.store.migrations.LATEST`)."""
        with self._reading() as conn:
            return user_version(conn)

    # -- writes ------------------------------------------------------------------------------------
    def save(
        self, doc: Document, *, author: str = "ingest", message: str = "", prepared: tuple[str, str, int] | None = None
    ) -> SaveResult:
        """Insert or update ``doc`` by id in one transaction.

        Same canonical JSON as the current revision -> ``unchanged``; otherwise a new revision is stored
        (``new`` for revision 1, else ``changed``) and the catalogue rows are refreshed to match it;
        periodicals, issues and writers that no document uses any more are removed. ``prepared``:
        :func:`~masthead.store.catalogue.prepare` of ``doc`` when the caller already made it.
        """
        prepared = prepared or prepare(doc)  # validation and JSON outside the write lock
        with self._writing() as conn:
            return self._save_in(conn, doc, prepared, author, message)

    def _save_in(
        self, conn: sqlite3.Connection, doc: Document, prepared: tuple[str, str, int], author: str, message: str
    ) -> SaveResult:
        """:meth:`save`'s writes in the transaction open on ``conn`` (callers may write more in it)."""
        text, digest, words = prepared
        now = now_utc()
        row = conn.execute(_CURRENT, (doc.id,)).fetchone()
        if row is not None and row[1] == digest:
            return SaveResult(doc.id, "unchanged", row[0])
        old_writers = [r[0] for r in conn.execute(_WRITER_SLUGS, (doc.id,))] if row is not None else []
        periodical_slug = self._upsert_periodical(conn, doc)  # title variants: see catalogue_edit.py
        issue_id = self._upsert_issue(conn, periodical_slug, doc) if periodical_slug else None
        writers = self._upsert_writers(conn, doc)  # aliases, splits: see catalogue_edit.py
        src = doc.source
        names = json.dumps([name for _, name in writers], ensure_ascii=False)
        revision = 1 if row is None else int(conn.execute(_NEXT_REVISION, (doc.id,)).fetchone()[0])
        values = (doc.provenance.path, doc.provenance.sha256, doc.title, doc.subtitle, iso_date(src.date))
        values += (periodical_slug, issue_id)
        values += (src.page_start, src.page_end, names, revision, words)
        if row is None:
            conn.execute(_INSERT_DOC, (doc.id, *values, now, now))
        else:
            conn.execute(_UPDATE_DOC, (*values, now, doc.id))
        self._link_writers(conn, doc.id, writers, new=row is None)
        self._insert_revision(conn, doc.id, revision, digest, text, now, author, message)
        record_change(conn, doc.id, "upsert", revision, now)
        if row is not None:
            self._prune(conn, periodicals=[row[2]], issues=[row[3]], writers=old_writers)
        return SaveResult(doc.id, "new" if revision == 1 else "changed", revision)

    def _upsert_issue(self, conn: sqlite3.Connection, periodical_slug: str, doc: Document) -> int:
        src = doc.source
        date, season = iso_date(src.date), clean(src.season)
        if season and date and len(date) > 4:
            season = None  # a month or day is more precise than a season
        key = (periodical_slug, src.volume, src.issue, date, season)
        label = issue_label(src.volume, src.issue, date, season)
        found = conn.execute(_FIND_ISSUE, key).fetchone()
        if found is not None:
            if found[1] != label:
                conn.execute("UPDATE issues SET label = ? WHERE id = ?", (label, found[0]))
            return int(found[0])
        cur = conn.execute(_INSERT_ISSUE, (*key, label))
        return int(cur.lastrowid or 0)

    def _link_writers(
        self, conn: sqlite3.Connection, doc_id: str, writers: Sequence[tuple[str, str]], *, new: bool = False
    ) -> None:
        if not new:  # a new document has no links yet
            conn.execute("DELETE FROM document_writers WHERE document_id = ?", (doc_id,))
        if writers:
            conn.executemany(
                "INSERT INTO document_writers (document_id, writer_slug, position) VALUES (?, ?, ?)",
                [(doc_id, slug, pos) for pos, (slug, _) in enumerate(writers)],
            )

    def _insert_revision(
        self,
        conn: sqlite3.Connection,
        doc_id: str,
        number: int,
        digest: str,
        text: str,
        created: str,
        author: str,
        message: str,
    ) -> None:
        conn.execute(_INSERT_REVISION, (doc_id, number, digest, text, created, author, message))

    def _prune(
        self,
        conn: sqlite3.Connection,
        *,
        periodicals: Sequence[str | None],
        issues: Sequence[int | None],
        writers: Sequence[str],
    ) -> None:
        for issue_id in issues:
            if issue_id is not None:
                conn.execute(_PRUNE_ISSUE, (issue_id, issue_id))
        for slug in periodicals:
            if slug is not None:
                conn.execute(_PRUNE_PERIODICAL, (slug, slug, slug))
        for slug in writers:
            conn.execute(_PRUNE_WRITER, (slug, slug))

    def delete(self, doc_id: str) -> bool:
        """Remove a document with its revisions and writer links; prune catalogue rows left unused.

        Returns False when there was no such document."""
        with self._writing() as conn:
            row = conn.execute("SELECT periodical_slug, issue_id FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                return False
            writers = [r[0] for r in conn.execute(_WRITER_SLUGS, (doc_id,))]
            conn.execute("DELETE FROM document_writers WHERE document_id = ?", (doc_id,))
            conn.execute("DELETE FROM revisions WHERE document_id = ?", (doc_id,))
            conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            record_change(conn, doc_id, "delete", None, now_utc())
            self._prune(conn, periodicals=[row[0]], issues=[row[1]], writers=writers)
        return True

    # -- documents ---------------------------------------------------------------------------------
    def get(self, doc_id: str, *, revision: int | None = None) -> Document | None:
        """The current document (or revision ``revision`` of it); None when either does not exist."""
        with self._reading() as conn:
            row = conn.execute(
                """SELECT r.json FROM documents d JOIN revisions r
                   ON r.document_id = d.id AND r.number = COALESCE(?, d.current_revision) WHERE d.id = ?""",
                (revision, doc_id),
            ).fetchone()
        if row is None:
            return None
        try:
            return Document.from_json(row[0])
        except ModelError as exc:
            raise StoreError(f"{self.path}: stored document {doc_id!r} is damaged ({exc})") from exc

    def revisions(self, doc_id: str) -> list[Revision]:
        """Every revision of a document, oldest first (empty for an unknown id)."""
        with self._reading() as conn:
            rows = conn.execute(_REVISIONS, (doc_id,)).fetchall()
        return [Revision(*r) for r in rows]

    def _filter(self, periodical: str | None, writer: str | None) -> tuple[str, list[Any]]:
        where, params = [], []
        if periodical is not None:
            where.append("d.periodical_slug = ?")
            params.append(periodical)
        if writer is not None:
            where.append("d.id IN (SELECT document_id FROM document_writers WHERE writer_slug = ?)")
            params.append(writer)
        return (" WHERE " + " AND ".join(where) if where else ""), params

    def list_documents(
        self,
        *,
        periodical: str | None = None,
        writer: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[DocumentSummary]:
        """Document summaries by date, then first page, then title (undated last); ``periodical`` and
        ``writer`` filter by slug."""
        where, params = self._filter(periodical, writer)
        # Page through the ordering index alone (rowids), then join only the rows of this page.
        sql = f"""SELECT {_SUMMARY_COLS} {_SUMMARY_FROM} WHERE d.rowid IN (
            SELECT d.rowid FROM documents d{where} ORDER BY {_DOC_ORDER} LIMIT ? OFFSET ?)
            ORDER BY {_DOC_ORDER}"""
        with self._reading() as conn:
            rows = conn.execute(sql, (*params, -1 if limit is None else limit, offset)).fetchall()
        return [summary_row(r) for r in rows]

    def documents_by_writer(self, slug: str) -> list[DocumentSummary]:
        """All documents a writer is credited on (``list_documents(writer=slug)``)."""
        return self.list_documents(writer=slug)

    def count_documents(self, *, periodical: str | None = None, writer: str | None = None) -> int:
        """How many documents (optionally of one periodical and/or writer, by slug)."""
        where, params = self._filter(periodical, writer)
        with self._reading() as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM documents d{where}", params).fetchone()[0])

    # -- catalogue ---------------------------------------------------------------------------------
    _PERIODICAL_SQL = """SELECT p.slug, p.title, COUNT(d.id),
        MIN(substr(d.date, 1, 4)), MAX(substr(d.date, 1, 4))
        FROM periodicals p LEFT JOIN documents d ON d.periodical_slug = p.slug"""

    def periodicals(self) -> list[PeriodicalSummary]:
        """Every periodical with its document count and first/last year, by title."""
        with self._reading() as conn:
            rows = conn.execute(
                f"{self._PERIODICAL_SQL} GROUP BY p.slug ORDER BY p.title COLLATE NOCASE, p.slug"
            ).fetchall()
        return [periodical_row(r) for r in rows]

    def periodical(self, slug: str) -> PeriodicalSummary | None:
        """One periodical by slug, or None."""
        with self._reading() as conn:
            row = conn.execute(f"{self._PERIODICAL_SQL} WHERE p.slug = ? GROUP BY p.slug", (slug,)).fetchone()
        return periodical_row(row) if row else None

    def issues(self, periodical_slug: str, *, year: int | None = None) -> list[IssueSummary]:
        """A periodical's issues by date (the ``Undated`` issue last), each with its documents in page
        order; ``year`` keeps the issues dated in that year."""
        where, params = "i.periodical_slug = ?", [periodical_slug]
        if year is not None:
            where += " AND i.date >= ? AND i.date < ?"
            params += [f"{year:04d}", f"{year + 1:04d}"]
        with self._reading() as conn:
            return _issue_rows(conn, where, params)

    def issue_outlines(self, periodical_slug: str) -> list[tuple[tuple[Any, ...], tuple[str, ...]]]:
        """A periodical's issues in :meth:`issues` order, each as its head ``(id, periodical_slug, volume,
        number, date, label)`` and its document ids in page order: :meth:`issues` without building a
        summary per document (for callers that already hold the summaries, such as the site builder)."""
        sql = f"""SELECT {_ISSUE_COLS}, d.id FROM issues i JOIN documents d ON d.issue_id = i.id
            WHERE i.periodical_slug = ?
            ORDER BY {_ISSUE_ORDER}, d.page_start IS NULL, d.page_start, d.title, d.id"""
        with self._reading() as conn:
            rows = conn.execute(sql, (periodical_slug,)).fetchall()
        out: list[tuple[tuple[Any, ...], tuple[str, ...]]] = []
        ids: list[str] = []
        head: tuple[Any, ...] | None = None
        for r in rows:
            if head is None or head[0] != r[0]:
                if head is not None:
                    out.append((head, tuple(ids)))
                head, ids = tuple(r[:6]), []
            ids.append(r[6])
        if head is not None:
            out.append((head, tuple(ids)))
        return out

    def issue(self, issue_id: int) -> IssueSummary | None:
        """One issue with its documents in page order, or None."""
        with self._reading() as conn:
            found = _issue_rows(conn, "i.id = ?", [issue_id])
        return found[0] if found else None

    def issue_for_document(self, doc_id: str) -> IssueSummary | None:
        """The issue a document is filed under (None when it has no periodical or does not exist)."""
        with self._reading() as conn:
            found = _issue_rows(conn, "i.id = (SELECT issue_id FROM documents WHERE id = ?)", [doc_id])
        return found[0] if found else None

    def adjacent_issues(self, issue_id: int) -> tuple[IssueSummary | None, IssueSummary | None]:
        """The previous and next issue of the same periodical, in the order :meth:`issues` lists them."""
        with self._reading() as conn:
            row = conn.execute("SELECT periodical_slug FROM issues WHERE id = ?", (issue_id,)).fetchone()
            if row is None:
                return None, None
            sql = f"SELECT i.id FROM issues i WHERE i.periodical_slug = ? ORDER BY {_ISSUE_ORDER}"
            ids = [r[0] for r in conn.execute(sql, (row[0],))]
            at = ids.index(issue_id)
            prev_id = ids[at - 1] if at > 0 else None
            next_id = ids[at + 1] if at + 1 < len(ids) else None
            wanted = [-1 if i is None else i for i in (prev_id, next_id)]
            found = {s.id: s for s in _issue_rows(conn, "i.id IN (?, ?)", wanted)}
        return found.get(wanted[0]), found.get(wanted[1])

    def years(self, periodical_slug: str) -> list[tuple[int, int]]:
        """``(year, document count)`` for each year a periodical has dated documents, in order."""
        with self._reading() as conn:
            rows = conn.execute(
                """SELECT CAST(substr(date, 1, 4) AS INTEGER) AS y, COUNT(*) FROM documents
                   WHERE periodical_slug = ? AND date IS NOT NULL GROUP BY y ORDER BY y""",
                (periodical_slug,),
            ).fetchall()
        return [(int(y), int(n)) for y, n in rows]

    _WRITER_SQL = """SELECT w.slug, w.name, COUNT(dw.document_id) FROM writers w
        LEFT JOIN document_writers dw ON dw.writer_slug = w.slug"""

    def writers(self) -> list[WriterSummary]:
        """Every writer with a document count, by name."""
        with self._reading() as conn:
            sql = f"{self._WRITER_SQL} GROUP BY w.slug ORDER BY w.name COLLATE NOCASE, w.slug"
            rows = conn.execute(sql).fetchall()
        return [WriterSummary(*r) for r in rows]

    def writer(self, slug: str) -> WriterSummary | None:
        """One writer by slug, or None."""
        with self._reading() as conn:
            row = conn.execute(f"{self._WRITER_SQL} WHERE w.slug = ? GROUP BY w.slug", (slug,)).fetchone()
        return WriterSummary(*row) if row else None

    def documents_updated_between(
        self, from_: str | None = None, until: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[tuple[str, str]]:
        """``(id, updated)`` of documents with ``from_ <= updated <= until`` (ISO strings compared as text;
        either bound may be None), oldest change first: what an OAI-PMH harvest pages through."""
        sql = "SELECT id, updated FROM documents WHERE updated >= ? AND updated <= ? ORDER BY updated, id"
        with self._reading() as conn:
            rows = conn.execute(f"{sql} LIMIT ? OFFSET ?", (from_ or "", until or "\uffff", limit, offset))
            return [(r[0], r[1]) for r in rows.fetchall()]


def _issue_rows(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> list[IssueSummary]:
    """Issues matching ``where`` (over alias ``i``) in issue order, each with its documents in page order."""
    rows = conn.execute(
        f"""SELECT {_ISSUE_COLS}, {_SUMMARY_COLS} FROM issues i
            JOIN documents d ON d.issue_id = i.id
            LEFT JOIN periodicals p ON p.slug = d.periodical_slug
            WHERE {where}
            ORDER BY {_ISSUE_ORDER}, d.page_start IS NULL, d.page_start, d.title, d.id""",
        params,
    ).fetchall()
    out: list[IssueSummary] = []
    head: Sequence[Any] | None = None
    docs: list[DocumentSummary] = []
    for r in rows:
        if head is None or head[0] != r[0]:
            if head is not None:
                out.append(IssueSummary(*head[:6], documents=tuple(docs)))
            head, docs = r, []
        docs.append(summary_row(r[6:]))
    if head is not None:
        out.append(IssueSummary(*head[:6], documents=tuple(docs)))
    return out
