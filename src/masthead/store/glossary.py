"""Glossary tables of the SQLite store: entries, the editors' queue of proposed entries, and mentions.

A mixin for :class:`~masthead.store.sqlite.SQLiteStore` (which provides ``_reading`` and ``_writing``).
The store never parses text: mentions arrive already found (:func:`masthead.glossary.link_document`)
and are kept per document revision, so a document saved again hides its old mentions until it is
linked again. Every write is one transaction.

Merging entry ``a`` into ``b`` moves ``a``'s names into ``b``'s aliases and every mention of ``a`` to
``b`` in the same transaction; ``a`` stays as a ``merged`` row pointing at ``b`` so that its old
address redirects: no link is ever lost.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from masthead.glossary.entries import Entry, Mention
from masthead.store import DocumentSummary, StoreError
from masthead.store.catalogue import now_utc, summary_row
from masthead.store.changes import record_change

_ENTRY_COLS = "id, type, name, aliases, date_from, date_to, description, links, sources, related, status, merged_into"
_UPSERT = f"""INSERT INTO entries ({_ENTRY_COLS}, evidence, created, updated)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name, aliases = excluded.aliases,
        date_from = excluded.date_from, date_to = excluded.date_to, description = excluded.description,
        links = excluded.links, sources = excluded.sources, related = excluded.related,
        status = excluded.status, merged_into = excluded.merged_into, updated = excluded.updated"""
_SUMMARY = """d.id, d.title, d.subtitle, d.writers, p.title, d.periodical_slug, i.volume, i.number,
    d.date, d.page_start, d.page_end, d.current_revision, d.words"""
_MENTIONS_OF = f"""SELECT {_SUMMARY}, m.span_start, m.span_end, m.surface, m.confidence, m.alternatives
    FROM mentions m JOIN documents d ON d.id = m.document_id AND d.current_revision = m.revision
    LEFT JOIN periodicals p ON p.slug = d.periodical_slug
    LEFT JOIN issues i ON i.id = d.issue_id
    WHERE m.entry_id = ?
    ORDER BY d.date IS NULL, d.date, d.title, d.id, m.span_start"""


def _dumps(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def entry_row(r: Sequence[Any]) -> Entry:
    """An :class:`Entry` from the :data:`_ENTRY_COLS` columns."""
    return Entry(
        id=r[0],
        type=r[1],
        name=r[2],
        aliases=tuple(json.loads(r[3])),
        date_from=r[4],
        date_to=r[5],
        description=r[6],
        links=tuple(json.loads(r[7])),
        sources=tuple(json.loads(r[8])),
        related=tuple(json.loads(r[9])),
        status=r[10],
        merged_into=r[11],
    )


def _values(e: Entry, evidence: dict[str, Any] | None, now: str) -> tuple[Any, ...]:
    return (
        e.id,
        e.type,
        e.name,
        _dumps(e.aliases),
        e.date_from,
        e.date_to,
        e.description,
        _dumps(e.links),
        _dumps(e.sources),
        _dumps(e.related),
        e.status,
        e.merged_into,
        json.dumps(evidence or {}, ensure_ascii=False),
        now,
        now,
    )


class GlossaryMixin:
    """Glossary methods of the SQLite store (see the module docstring)."""

    # -- entries -----------------------------------------------------------------------------------
    def save_entries(self, entries: Iterable[Entry]) -> dict[str, int]:
        """Insert or update entries by id in one transaction; returns counts of new / changed / unchanged."""
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        now = now_utc()
        with self._writing() as conn:  # type: ignore[attr-defined]
            for e in entries:
                old = _get(conn, e.id)
                if old == e:
                    counts["unchanged"] += 1
                    continue
                conn.execute(_UPSERT, _values(e, None, now))
                counts["new" if old is None else "changed"] += 1
                if old is not None and (old.name, old.status) != (e.name, e.status):
                    requeue_mentioning(conn, [e.id], now)
        return counts

    def save_entry(self, entry: Entry) -> str:
        """Insert or update one entry; returns ``new``, ``changed`` or ``unchanged``."""
        counts = self.save_entries([entry])
        return next(k for k, v in counts.items() if v)

    def get_entry(self, entry_id: str) -> Entry | None:
        """The entry with this id, whatever its status (a merged one points at its successor)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            return _get(conn, entry_id)

    def resolve_entry(self, entry_id: str) -> Entry | None:
        """The entry with this id, following merges to the entry it now lives in."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            e = _get(conn, entry_id)
            hops = 0
            while e is not None and e.status == "merged" and e.merged_into and hops < 32:
                e = _get(conn, e.merged_into)
                hops += 1
            return e

    def list_entries(self, *, status: str | None = "accepted", type: str | None = None) -> list[Entry]:
        """Entries by name (``status=None`` for every status; ``type`` to keep one kind)."""
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if type is not None:
            where.append("type = ?")
            params.append(type)
        sql = f"SELECT {_ENTRY_COLS} FROM entries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY name COLLATE NOCASE, id"
        with self._reading() as conn:  # type: ignore[attr-defined]
            return [entry_row(r) for r in conn.execute(sql, params)]

    def entry_evidence(self, entry_id: str) -> dict[str, Any]:
        """What the proposer saw for a proposed entry (document count, examples)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute("SELECT evidence FROM entries WHERE id = ?", (entry_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def mention_counts(self) -> dict[str, tuple[int, int]]:
        """``entry id -> (mentions, documents)`` over the current revisions."""
        sql = """SELECT m.entry_id, COUNT(*), COUNT(DISTINCT m.document_id) FROM mentions m
            JOIN documents d ON d.id = m.document_id AND d.current_revision = m.revision GROUP BY m.entry_id"""
        with self._reading() as conn:  # type: ignore[attr-defined]
            return {r[0]: (r[1], r[2]) for r in conn.execute(sql)}

    # -- the editors' queue ------------------------------------------------------------------------
    def propose_entries(self, proposals: Iterable[tuple[Entry, dict[str, Any]]]) -> int:
        """Queue proposed entries with their evidence; ids already known (any status, rejected ones
        included) are left alone, so a rejected proposal does not come back. Returns how many were queued."""
        added = 0
        now = now_utc()
        with self._writing() as conn:  # type: ignore[attr-defined]
            for e, evidence in proposals:
                if conn.execute("SELECT 1 FROM entries WHERE id = ?", (e.id,)).fetchone():
                    continue
                conn.execute(_UPSERT, _values(e.replace(status="proposed"), evidence, now))
                added += 1
        return added

    def set_entry_status(self, entry_id: str, status: str) -> Entry:
        """Accept or reject a proposed entry (``accepted`` / ``rejected``)."""
        if status not in ("accepted", "rejected", "proposed"):
            raise StoreError(f"cannot set entry status to {status!r}")
        with self._writing() as conn:  # type: ignore[attr-defined]
            e = _get(conn, entry_id)
            if e is None:
                raise StoreError(f"no glossary entry {entry_id!r}; `masthead glossary list --status all` shows ids")
            if e.status == "merged":
                raise StoreError(f"entry {entry_id!r} was merged into {e.merged_into!r}; change that entry instead")
            now = now_utc()
            conn.execute("UPDATE entries SET status = ?, updated = ? WHERE id = ?", (status, now, entry_id))
            if e.status != status:
                requeue_mentioning(conn, [entry_id], now)
            return e.replace(status=status)

    def merge_entries(self, src_id: str, dst_id: str) -> Entry:
        """Merge entry ``src_id`` into ``dst_id`` in one transaction (see the module docstring).

        ``dst`` gains ``src``'s names as aliases, its links, sources and related ids, and any dates it
        lacked; every mention of ``src`` becomes a mention of ``dst``; entries merged into ``src``
        earlier and entries that list ``src`` as related now point at ``dst``. Returns the new ``dst``."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            return merge_in(conn, src_id, dst_id)

    # -- mentions ----------------------------------------------------------------------------------
    def replace_mentions(self, doc_id: str, revision: int, mentions: Iterable[Mention]) -> int:
        """Set the mentions of a document's revision (replacing the document's earlier ones) in one
        transaction; mentions of unknown entries are skipped. Returns how many were stored."""
        rows = [
            (doc_id, revision, m.start, m.end, m.surface, m.entry_id, m.confidence, _dumps(m.alternatives))
            for m in mentions
        ]
        with self._writing() as conn:  # type: ignore[attr-defined]
            current = conn.execute("SELECT current_revision FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if current is None:
                raise StoreError(f"no document {doc_id!r} to record mentions for")
            before = {r[0] for r in conn.execute(_NAMED, (doc_id,))}
            conn.execute("DELETE FROM mentions WHERE document_id = ?", (doc_id,))
            known = {r[0] for r in conn.execute("SELECT id FROM entries WHERE status = 'accepted'")} if rows else set()
            rows = [r for r in rows if r[5] in known]
            conn.executemany(
                """INSERT OR REPLACE INTO mentions (document_id, revision, span_start, span_end, surface,
                   entry_id, confidence, alternatives) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                rows,
            )
            after = {r[5] for r in rows} if revision == current[0] else set()
            if after != before:  # the search index's entity field
                record_change(conn, doc_id, "upsert", revision, now_utc())
        return len(rows)

    def mentions_in(self, doc_id: str, *, revision: int | None = None) -> list[Mention]:
        """The mentions recorded for a document (its current revision unless ``revision``), in order;
        empty when that revision was not linked."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            if revision is None:
                row = conn.execute("SELECT current_revision FROM documents WHERE id = ?", (doc_id,)).fetchone()
                if row is None:
                    return []
                revision = int(row[0])
            rows = conn.execute(
                """SELECT m.span_start, m.span_end, m.surface, m.entry_id, e.type, m.confidence, m.alternatives
                   FROM mentions m JOIN entries e ON e.id = m.entry_id
                   WHERE m.document_id = ? AND m.revision = ? ORDER BY m.span_start""",
                (doc_id, revision),
            ).fetchall()
        return [Mention(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6]))) for r in rows]

    def entity_names(self, doc_id: str | None = None) -> dict[str, list[str]]:
        """``document id -> names of the accepted entries its current revision mentions`` (one document,
        or every document), for the search index's ``entity`` field and facet."""
        sql = """SELECT DISTINCT m.document_id, e.name FROM mentions m
            JOIN documents d ON d.id = m.document_id AND d.current_revision = m.revision
            JOIN entries e ON e.id = m.entry_id WHERE e.status = 'accepted'"""
        params: tuple[str, ...] = ()
        if doc_id is not None:
            sql += " AND m.document_id = ?"
            params = (doc_id,)
        out: dict[str, list[str]] = {}
        with self._reading() as conn:  # type: ignore[attr-defined]
            for d, name in conn.execute(sql + " ORDER BY m.document_id, e.name", params):
                out.setdefault(d, []).append(name)
        return out

    def mentions_of(self, entry_id: str) -> list[tuple[DocumentSummary, list[Mention]]]:
        """Every current document that mentions an entry, in date order, with its mentions."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            e = _get(conn, entry_id)
            if e is None:
                return []
            rows = conn.execute(_MENTIONS_OF, (entry_id,)).fetchall()
        out: list[tuple[DocumentSummary, list[Mention]]] = []
        for r in rows:
            if not out or out[-1][0].id != r[0]:
                out.append((summary_row(r[:13]), []))
            out[-1][1].append(Mention(r[13], r[14], r[15], entry_id, e.type, r[16], tuple(json.loads(r[17]))))
        return out


_NAMED = """SELECT DISTINCT m.entry_id FROM mentions m
    JOIN documents d ON d.id = m.document_id AND d.current_revision = m.revision
    JOIN entries e ON e.id = m.entry_id WHERE e.status = 'accepted' AND m.document_id = ?"""
"""The accepted entries a document's current revision mentions (whose names are its search ``entity`` field)."""


def requeue_mentioning(conn: sqlite3.Connection, entry_ids: Iterable[str], now: str) -> None:
    """Queue an upsert for every document whose current revision mentions one of ``entry_ids``: an
    entry's name or status changed, so the search index's ``entity`` field of those documents did."""
    for entry_id in entry_ids:
        conn.execute(
            """INSERT INTO changes (document_id, op, revision, created)
               SELECT DISTINCT d.id, 'upsert', d.current_revision, ? FROM mentions m
               JOIN documents d ON d.id = m.document_id AND d.current_revision = m.revision
               WHERE m.entry_id = ?""",
            (now, entry_id),
        )


def merge_in(conn: sqlite3.Connection, src_id: str, dst_id: str) -> Entry:
    """:meth:`GlossaryMixin.merge_entries` inside the caller's write transaction ``conn``."""
    src, dst = _get(conn, src_id), _get(conn, dst_id)
    if src is None or dst is None:
        missing = src_id if src is None else dst_id
        raise StoreError(f"no glossary entry {missing!r}; `masthead glossary list` shows ids")
    if dst.status == "merged":
        raise StoreError(f"entry {dst_id!r} was itself merged into {dst.merged_into!r}; merge into that")
    if src.id == dst.id:
        raise StoreError(f"cannot merge entry {src_id!r} into itself")
    if src.status == "merged":
        raise StoreError(f"entry {src_id!r} was already merged into {src.merged_into!r}")
    aliases = tuple(n for n in dict.fromkeys((*dst.aliases, *src.names())) if n != dst.name)
    merged = dst.replace(
        aliases=aliases,
        links=tuple(dict.fromkeys((*dst.links, *src.links))),
        sources=tuple(dict.fromkeys((*dst.sources, *src.sources))),
        related=tuple(r for r in dict.fromkeys((*dst.related, *src.related)) if r not in (src.id, dst.id)),
        date_from=dst.date_from if dst.date_from is not None else src.date_from,
        date_to=dst.date_to if dst.date_to is not None else src.date_to,
        description=dst.description or src.description,
        status="accepted" if dst.status == "proposed" else dst.status,
    )
    now = now_utc()
    requeue_mentioning(conn, [src.id, dst.id] if dst.status != merged.status else [src.id], now)
    conn.execute(_UPSERT, _values(merged, None, now))
    conn.execute("UPDATE mentions SET entry_id = ? WHERE entry_id = ?", (dst.id, src.id))
    conn.execute(
        "UPDATE entries SET status = 'merged', merged_into = ?, updated = ? WHERE id = ?", (dst.id, now, src.id)
    )
    conn.execute("UPDATE entries SET merged_into = ?, updated = ? WHERE merged_into = ?", (dst.id, now, src.id))
    needle = json.dumps(src.id)
    like = f"%{needle}%"
    for row in conn.execute(f"SELECT {_ENTRY_COLS} FROM entries WHERE related LIKE ?", (like,)).fetchall():
        other = entry_row(row)
        rel = tuple(dict.fromkeys(dst.id if r == src.id else r for r in other.related))
        rel = tuple(r for r in rel if r != other.id)
        conn.execute("UPDATE entries SET related = ?, updated = ? WHERE id = ?", (_dumps(rel), now, other.id))
    return merged


def _get(conn: sqlite3.Connection, entry_id: str) -> Entry | None:
    row = conn.execute(f"SELECT {_ENTRY_COLS} FROM entries WHERE id = ?", (entry_id,)).fetchone()
    return entry_row(row) if row else None
