"""Proofreading review in the store: findings, editors' decisions, accepted edits and reverts.

Findings are kept per document with the revision whose view text (:mod:`masthead.textview`) their
offsets point into, and a status: ``open`` (in the queue), ``accepted``, ``rejected``, or ``stale`` (the
text under the finding changed, so it can no longer be applied). Every decision an editor makes goes
into ``decisions``, an append-only log: a key with a decision is never stored as open again, which is
how a rejected span is never flagged twice.

Accepting a finding edits the *current* revision and stores the result as a new revision (author: the
editor; message: the finding and the reason), records the decision, and moves the other open findings
of the document to the new text (or marks them stale), all in one transaction. A revert stores an old
revision's content as a new revision, so no revision is ever lost.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from masthead.model import Document, ModelError
from masthead.store import SaveResult, StoreError
from masthead.store.catalogue import now_utc, prepare
from masthead.textview import EditError, TextView, apply_edit, text_view

if TYPE_CHECKING:
    from masthead.proofread.findings import Finding

STATUSES = ("open", "accepted", "rejected", "stale")

_COLS = """document_id, key, revision, start, "end", line, col, text, kind, message, suggestions, confidence,
    rule, status"""
_INSERT = f"INSERT OR IGNORE INTO findings ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')"
_DECISION_COLS = """id, document_id, key, action, text, replacement, editor, created, revision_before,
    revision_after, reason"""
_INSERT_DECISION = """INSERT INTO decisions (document_id, key, action, text, replacement, editor, created,
    revision_before, revision_after, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_CURRENT_DOC = """SELECT d.current_revision, r.json FROM documents d JOIN revisions r
    ON r.document_id = d.id AND r.number = d.current_revision WHERE d.id = ?"""


class ReviewError(StoreError):
    """A review action the store refuses (unknown finding, stale finding, already decided...)."""


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A finding as stored: the document, the revision its offsets point into, and its status."""

    document_id: str
    revision: int
    status: str
    finding: Finding

    @property
    def key(self) -> str:
        return self.finding.key


@dataclass(frozen=True, slots=True)
class Decision:
    """One editor's decision on a finding: ``action`` is accepted, custom (own text) or rejected."""

    id: int
    document_id: str
    key: str
    action: str
    text: str
    replacement: str | None
    editor: str
    created: str
    revision_before: int | None
    revision_after: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A document waiting for review: how many findings are open on it."""

    document_id: str
    title: str
    date: str | None
    open: int


def relocate(text: str, finding: Finding) -> Finding | None:
    """:func:`masthead.review.relocate` (imported when first needed)."""
    from masthead.review import relocate as _relocate

    return _relocate(text, finding)


def _stored(row: Sequence[object]) -> StoredFinding:
    from masthead.proofread.findings import Finding  # the proofreader's package loads only when needed

    doc_id, key, revision, start, end, line, col, text, kind, message, sugg, conf, rule, status = row
    finding = Finding(
        start=int(start),  # type: ignore[arg-type]
        end=int(end),  # type: ignore[arg-type]
        line=int(line),  # type: ignore[arg-type]
        col=int(col),  # type: ignore[arg-type]
        text=str(text),
        kind=str(kind),
        message=str(message),
        suggestions=tuple(json.loads(str(sugg))),
        confidence=float(conf),  # type: ignore[arg-type]
        rule=str(rule),
        key=str(key),
    )
    return StoredFinding(str(doc_id), int(revision), str(status), finding)  # type: ignore[arg-type]


def _is_live(view: TextView, f: Finding) -> bool:
    """Whether the finding's text is still at its offsets in ``view``."""
    return 0 <= f.start <= f.end <= len(view.text) and view.text[f.start : f.end] == f.text


class ReviewMixin:
    """Review methods for :class:`~masthead.store.sqlite.SQLiteStore` (which provides ``_reading``,
    ``_writing`` and ``_save_in``)."""

    # -- findings ----------------------------------------------------------------------------------------
    def replace_findings(self, doc_id: str, revision: int, findings: Iterable[Finding]) -> int:
        """Store the proofreader's findings for revision ``revision`` of a document, replacing its open and
        stale ones; a finding whose key already has a decision is left out (decisions are kept). Returns
        how many findings are open now. Raises :class:`ReviewError` for an unknown document or a finding
        without a key."""
        rows, seen = [], set()
        for f in findings:
            if not f.key:
                raise ReviewError(f"{doc_id}: finding at line {f.line}, column {f.col} has no key")
            if f.key in seen:
                continue
            seen.add(f.key)
            rows.append(
                (doc_id, f.key, revision, f.start, f.end, f.line, f.col, f.text, f.kind, f.message)
                + (json.dumps(list(f.suggestions), ensure_ascii=False), f.confidence, f.rule)
            )
        with self._writing() as conn:  # type: ignore[attr-defined]
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
                raise ReviewError(f"there is no document {doc_id!r} to store findings for")
            decided = self._decided(conn, doc_id)
            conn.execute("DELETE FROM findings WHERE document_id = ? AND status IN ('open', 'stale')", (doc_id,))
            conn.executemany(_INSERT, [r for r in rows if r[1] not in decided])
            return int(
                conn.execute(
                    "SELECT COUNT(*) FROM findings WHERE document_id = ? AND status = 'open'", (doc_id,)
                ).fetchone()[0]
            )

    def findings(self, doc_id: str, *, status: str | None = "open") -> list[StoredFinding]:
        """A document's findings in text order, those with ``status`` (every one when None)."""
        sql = f"SELECT {_COLS} FROM findings WHERE document_id = ?"
        params: list[object] = [doc_id]
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(sql + ' ORDER BY start, "end", key', params).fetchall()
        return [_stored(r) for r in rows]

    def finding(self, doc_id: str, key: str) -> StoredFinding | None:
        """One finding by document and key, whatever its status."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute(f"SELECT {_COLS} FROM findings WHERE document_id = ? AND key = ?", (doc_id, key))
            found = row.fetchone()
        return _stored(found) if found else None

    def review_queue(self, *, limit: int = 100, offset: int = 0) -> list[QueueEntry]:
        """Documents with open findings, most open findings first (then by title)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                """SELECT d.id, d.title, d.date, COUNT(*) AS n FROM findings f JOIN documents d ON d.id = f.document_id
                   WHERE f.status = 'open' GROUP BY d.id ORDER BY n DESC, d.title, d.id LIMIT ? OFFSET ?""",
                (limit, offset),
            ).fetchall()
        return [QueueEntry(*r) for r in rows]

    def count_open_findings(self) -> int:
        """Open findings in the whole archive."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            return int(conn.execute("SELECT COUNT(*) FROM findings WHERE status = 'open'").fetchone()[0])

    def decided_keys(self, doc_id: str) -> frozenset[str]:
        """Keys of a document's findings that an editor accepted or rejected (never to be flagged again)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            return self._decided(conn, doc_id)

    def decisions(self, doc_id: str | None = None, *, limit: int = 100) -> list[Decision]:
        """Decisions, newest first (of one document when ``doc_id`` is given)."""
        sql = f"SELECT {_DECISION_COLS} FROM decisions"
        params: list[object] = []
        if doc_id is not None:
            sql += " WHERE document_id = ?"
            params.append(doc_id)
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
        return [Decision(*r) for r in rows]

    def edited_after_ingest(self, doc_id: str, *, ingest_author: str = "ingest") -> tuple[int, str] | None:
        """When the current revision of a document was made by someone other than ``ingest_author`` (an
        accepted finding, a revert): its number and the SHA-256 of the source file its text came from;
        None for an unknown document or one whose current revision is an ingest. Lets a re-ingest of an
        unchanged file keep the editors' corrections."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute(
                """SELECT r.number, CASE WHEN r.author = ? THEN NULL
                   ELSE COALESCE(json_extract(r.json, '$.provenance.sha256'), '') END
                   FROM documents d JOIN revisions r ON r.document_id = d.id AND r.number = d.current_revision
                   WHERE d.id = ?""",
                (ingest_author, doc_id),
            ).fetchone()
        return None if row is None or row[1] is None else (int(row[0]), str(row[1]))

    @staticmethod
    def _decided(conn: sqlite3.Connection, doc_id: str) -> frozenset[str]:
        """Rejected keys, and accepted ones whose correction no revert has undone."""
        rows = conn.execute(
            "SELECT DISTINCT key FROM decisions WHERE document_id = ? AND (action = 'rejected' OR undone_by IS NULL)",
            (doc_id,),
        )
        return frozenset(r[0] for r in rows)

    # -- decisions ---------------------------------------------------------------------------------------
    def _current(self, conn: sqlite3.Connection, doc_id: str) -> tuple[int, Document]:
        row = conn.execute(_CURRENT_DOC, (doc_id,)).fetchone()
        if row is None:
            raise ReviewError(f"there is no document {doc_id!r} in this archive")
        try:
            return int(row[0]), Document.from_json(row[1])
        except ModelError as exc:
            raise ReviewError(f"stored document {doc_id!r} is damaged ({exc})") from exc

    def _open_finding(self, conn: sqlite3.Connection, doc_id: str, key: str) -> StoredFinding:
        row = conn.execute(f"SELECT {_COLS} FROM findings WHERE document_id = ? AND key = ?", (doc_id, key)).fetchone()
        if row is None:
            raise ReviewError(f"{doc_id}: there is no finding {key!r}; list them with: masthead review {doc_id}")
        stored = _stored(row)
        if stored.status in ("accepted", "rejected"):
            raise ReviewError(f"{doc_id}: finding {key} was already {stored.status}")
        return stored

    def accept_finding(
        self, doc_id: str, key: str, editor: str, *, replacement: str | None = None, reason: str = ""
    ) -> SaveResult:
        """Apply a finding to the current revision as a new revision by ``editor``, in one transaction.

        ``replacement`` defaults to the finding's first suggestion (action ``accepted``); other text is a
        ``custom`` decision. Raises :class:`ReviewError`, changing nothing, when the finding is unknown,
        already decided, has no suggestion and no replacement was given, or cannot be applied; a finding
        whose text is no longer at its offsets is marked stale and refused."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            current, doc = self._current(conn, doc_id)
            stored = self._open_finding(conn, doc_id, key)
            f = stored.finding
            view = text_view(doc)
            moved = relocate(view.text, f) if stored.status == "open" else None
            if moved is None:
                conn.execute("UPDATE findings SET status = 'stale' WHERE document_id = ? AND key = ?", (doc_id, key))
            else:
                return self._accept(conn, doc_id, current, doc, view, moved, editor, replacement, reason)
        raise ReviewError(
            f"{doc_id}: finding {key} is stale: {f.text!r} is no longer at line {f.line}, column {f.col} "
            "of the current revision; proofread the document again"
        )

    def _accept(
        self,
        conn: sqlite3.Connection,
        doc_id: str,
        current: int,
        doc: Document,
        view: TextView,
        f: Finding,
        editor: str,
        replacement: str | None,
        reason: str,
    ) -> SaveResult:
        action = "accepted"
        if replacement is None:
            if not f.suggestions:
                raise ReviewError(f"{doc_id}: finding {f.key} has no suggestion; give the replacement text")
            replacement = f.suggestions[0]
        elif replacement not in f.suggestions:
            action = "custom"
        if replacement == f.text:
            raise ReviewError(f"{doc_id}: the replacement is the text itself; reject the finding instead")
        try:
            new_doc = apply_edit(doc, f.start, f.end, replacement, view=view)
        except EditError as exc:
            raise ReviewError(f"{doc_id}: finding {f.key} cannot be applied: {exc}") from exc
        message = f"proofreading: {f.text!r} -> {replacement!r} ({f.kind}, finding {f.key})"
        if reason:
            message += f": {reason}"
        result: SaveResult = self._save_in(conn, new_doc, prepare(new_doc), editor, message)  # type: ignore[attr-defined]
        now = now_utc()
        conn.execute(
            _INSERT_DECISION,
            (doc_id, f.key, action, f.text, replacement, editor, now, current, result.revision, reason),
        )
        conn.execute("UPDATE findings SET status = 'accepted' WHERE document_id = ? AND key = ?", (doc_id, f.key))
        delta = len(replacement) - (f.end - f.start)
        self._rebase(conn, doc_id, view, text_view(new_doc), result.revision, edit=(f.start, f.end, delta))
        return result

    def _rebase(
        self,
        conn: sqlite3.Connection,
        doc_id: str,
        old: TextView,
        new: TextView,
        revision: int,
        *,
        edit: tuple[int, int, int] | None = None,
    ) -> None:
        """Move the open findings of a document from view ``old`` to view ``new`` (of ``revision``).

        With ``edit`` (start, end, length change), offsets after the edited span shift and findings that
        overlap it go stale. A finding whose text is then not at its offsets is looked for by its key
        (:func:`masthead.review.relocate`) and goes stale when it is nowhere."""
        e_start, e_end, delta = edit if edit is not None else (0, 0, 0)
        # line breaks the edit added (or removed): findings after it move by as many lines
        lines = new.text.count("\n", e_start, e_end + delta) - old.text.count("\n", e_start, e_end) if edit else 0
        moved_rows, stale = [], []
        for stored in self._open_rows(conn, doc_id):
            f = stored.finding
            span: tuple[int, int] | None = (f.start, f.end)
            line = f.line
            if edit is not None and _is_live(old, f):
                if f.start >= e_end:
                    span, line = (f.start + delta, f.end + delta), f.line + lines
                elif f.end > e_start:
                    span = None  # overlaps the edit: its text is gone
            if span is not None and new.text[span[0] : span[1]] != f.text:
                found = relocate(new.text, f)  # the text moved some other way: find it by its key
                span, line = ((found.start, found.end), found.line) if found is not None else (None, 0)
            if span is None:
                stale.append((doc_id, f.key))
                continue
            start, end = span
            col = start - (new.text.rfind("\n", 0, start) + 1) + 1
            moved_rows.append((revision, start, end, line, col, doc_id, f.key))
        conn.executemany("UPDATE findings SET status = 'stale' WHERE document_id = ? AND key = ?", stale)
        conn.executemany(
            """UPDATE findings SET revision = ?, start = ?, "end" = ?, line = ?, col = ?
               WHERE document_id = ? AND key = ?""",
            moved_rows,
        )

    @staticmethod
    def _open_rows(conn: sqlite3.Connection, doc_id: str) -> list[StoredFinding]:
        rows = conn.execute(f"SELECT {_COLS} FROM findings WHERE document_id = ? AND status = 'open'", (doc_id,))
        return [_stored(r) for r in rows.fetchall()]

    def reject_finding(self, doc_id: str, key: str, editor: str, *, reason: str = "") -> Decision:
        """Reject a finding: it leaves the queue and its key is never stored as open again. Raises
        :class:`ReviewError` for an unknown or already decided finding."""
        now = now_utc()
        with self._writing() as conn:  # type: ignore[attr-defined]
            current, _ = self._current(conn, doc_id)
            f = self._open_finding(conn, doc_id, key).finding
            cur = conn.execute(
                _INSERT_DECISION, (doc_id, key, "rejected", f.text, None, editor, now, current, None, reason)
            )
            conn.execute("UPDATE findings SET status = 'rejected' WHERE document_id = ? AND key = ?", (doc_id, key))
        row_id = int(cur.lastrowid or 0)
        return Decision(row_id, doc_id, key, "rejected", f.text, None, editor, now, current, None, reason)

    def revert(self, doc_id: str, to_revision: int, editor: str, *, reason: str = "") -> SaveResult:
        """Store revision ``to_revision``'s content as a new revision by ``editor`` (every revision is
        kept); ``unchanged`` when the current revision already has that content. Open findings whose text
        is not at their offsets in the restored text go stale. Raises :class:`ReviewError` for an unknown
        document or revision."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            current, doc = self._current(conn, doc_id)
            row = conn.execute(
                "SELECT json FROM revisions WHERE document_id = ? AND number = ?", (doc_id, to_revision)
            ).fetchone()
            if row is None:
                raise ReviewError(f"{doc_id}: there is no revision {to_revision}; list them with: masthead history")
            old = Document.from_json(row[0])
            message = f"revert to revision {to_revision}" + (f": {reason}" if reason else "")
            result: SaveResult = self._save_in(conn, old, prepare(old), editor, message)  # type: ignore[attr-defined]
            if result.status != "unchanged":
                self._reopen_undone(conn, doc_id, to_revision, result.revision)
                self._rebase(conn, doc_id, text_view(doc), text_view(old), result.revision)
            return result

    @staticmethod
    def _reopen_undone(conn: sqlite3.Connection, doc_id: str, to_revision: int, revision: int) -> None:
        """A revert to ``to_revision`` undoes the corrections accepted after it: mark their decisions
        undone (by ``revision``) and open their findings again, to be found in the restored text by
        :meth:`_rebase` (or go stale). Rejections stand: a rejected span is never flagged again."""
        undone = conn.execute(
            """SELECT id, key FROM decisions WHERE document_id = ? AND action IN ('accepted', 'custom')
               AND undone_by IS NULL AND revision_after > ?""",
            (doc_id, to_revision),
        ).fetchall()
        for decision_id, key in undone:
            conn.execute("UPDATE decisions SET undone_by = ? WHERE id = ?", (revision, decision_id))
            conn.execute(
                "UPDATE findings SET status = 'open' WHERE document_id = ? AND key = ? AND status = 'accepted'",
                (doc_id, key),
            )
