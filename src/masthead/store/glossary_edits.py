"""Editors' decisions on the glossary, each recorded with who and when: the web queue's accept, merge
and reject, and edits of an entry's description, aliases, dates and type.

A mixin for :class:`~masthead.store.sqlite.SQLiteStore` beside :mod:`masthead.store.glossary`. Every
method changes the entry and writes its ``glossary_edits`` row in one transaction, so the log never
names a change that did not happen (nor misses one that did).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from masthead.glossary.entries import Entry
from masthead.store import StoreError
from masthead.store.catalogue import now_utc
from masthead.store.glossary import _ENTRY_COLS, _UPSERT, _get, _values, entry_row, merge_in, requeue_mentioning

EDIT_ACTIONS = ("accepted", "rejected", "merged", "edited")
"""What a ``glossary_edits`` row records."""

EDITABLE = ("name", "type", "aliases", "date_from", "date_to", "description")
"""The fields an editor may change on the web (the rest come from glossary files)."""


@dataclass(frozen=True, slots=True)
class GlossaryEdit:
    """One recorded decision: ``detail`` holds what changed (``{"field": [old, new]}``) or the merge target."""

    id: int
    entry_id: str
    editor: str
    action: str
    detail: dict[str, Any]
    created: str


def _changes(old: Entry, new: Entry) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in EDITABLE:
        a, b = getattr(old, f), getattr(new, f)
        if a != b:
            out[f] = [list(a) if isinstance(a, tuple) else a, list(b) if isinstance(b, tuple) else b]
    return out


def _log(conn: sqlite3.Connection, entry_id: str, editor: str, action: str, detail: dict[str, Any], now: str) -> None:
    conn.execute(
        "INSERT INTO glossary_edits (entry_id, editor, action, detail, created) VALUES (?, ?, ?, ?, ?)",
        (entry_id, editor, action, json.dumps(detail, ensure_ascii=False), now),
    )


def _proposed(conn: sqlite3.Connection, entry_id: str) -> Entry:
    e = _get(conn, entry_id)
    if e is None:
        raise StoreError(f"no glossary entry {entry_id!r}")
    if e.status != "proposed":
        raise StoreError(f"entry {entry_id!r} is not waiting in the queue (it is {e.status})")
    return e


def _evidence(conn: sqlite3.Connection, entry_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT evidence FROM entries WHERE id = ?", (entry_id,)).fetchone()
    return json.loads(row[0]) if row else None


class GlossaryEditsMixin:
    """The editors' glossary decisions (see the module docstring)."""

    def proposals(self, *, limit: int | None = None) -> list[tuple[Entry, dict[str, Any]]]:
        """Proposed entries with their evidence, best first: by documents naming them, then occurrences."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(f"SELECT {_ENTRY_COLS}, evidence FROM entries WHERE status = 'proposed'").fetchall()
        found = [(entry_row(r[:12]), json.loads(r[12] or "{}")) for r in rows]

        def rank(item: tuple[Entry, dict[str, Any]]) -> tuple[int, int, str]:
            e, ev = item
            return (-int(ev.get("documents") or 0), -int(ev.get("occurrences") or 0), e.name.casefold())

        found.sort(key=rank)
        return found[:limit] if limit is not None else found

    def accept_proposal(self, entry_id: str, editor: str, *, changes: Entry | None = None) -> Entry:
        """Accept a proposed entry, optionally as ``changes`` (the same id with another type, preferred
        name or description). The proposed name stays an alias when the preferred name changes, so the
        articles that gave rise to the proposal still link to it. Returns the accepted entry."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            old = _proposed(conn, entry_id)
            new = old if changes is None else changes
            if new.id != old.id:
                raise StoreError(f"cannot change the id of entry {entry_id!r} while accepting it")
            if new.name != old.name and old.name not in new.aliases:
                new = new.replace(aliases=(*new.aliases, old.name))
            new = new.replace(status="accepted", merged_into=None)
            now = now_utc()
            conn.execute(_UPSERT, _values(new, _evidence(conn, entry_id), now))
            _log(conn, entry_id, editor, "accepted", _changes(old, new), now)
            return new

    def reject_proposal(self, entry_id: str, editor: str) -> Entry:
        """Reject a proposed entry (remembered: it is not proposed again)."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            old = _proposed(conn, entry_id)
            now = now_utc()
            conn.execute("UPDATE entries SET status = 'rejected', updated = ? WHERE id = ?", (now, entry_id))
            _log(conn, entry_id, editor, "rejected", {}, now)
            return old.replace(status="rejected")

    def merge_proposal(self, entry_id: str, target_id: str, editor: str) -> Entry:
        """Merge a proposed entry into an accepted one (its name becomes an alias of the target, its
        mentions move; see :meth:`merge_entries`). Returns the target as it now is."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            _proposed(conn, entry_id)
            target = _get(conn, target_id)
            if target is None:
                raise StoreError(f"no glossary entry {target_id!r} to merge into")
            if target.status != "accepted":
                where = f" (merged into {target.merged_into!r})" if target.status == "merged" else ""
                raise StoreError(f"entry {target_id!r} is {target.status}{where}: merge into an accepted entry")
            merged = merge_in(conn, entry_id, target_id)
            now = now_utc()
            _log(conn, entry_id, editor, "merged", {"into": target_id}, now)
            _log(conn, target_id, editor, "edited", {"merged": entry_id, **_changes(target, merged)}, now)
            return merged

    def edit_entry(self, entry: Entry, editor: str) -> tuple[Entry, dict[str, list[Any]]]:
        """Save an editor's changes to an accepted entry's :data:`EDITABLE` fields (the others are kept
        as stored). Returns the entry and what changed (nothing is written or logged when nothing did)."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            old = _get(conn, entry.id)
            if old is None:
                raise StoreError(f"no glossary entry {entry.id!r}")
            if old.status != "accepted":
                raise StoreError(f"entry {entry.id!r} is {old.status}: only accepted entries are edited here")
            new = old.replace(**{f: getattr(entry, f) for f in EDITABLE})
            changed = _changes(old, new)
            if changed:
                now = now_utc()
                conn.execute(_UPSERT, _values(new, _evidence(conn, entry.id), now))
                _log(conn, entry.id, editor, "edited", changed, now)
                if "name" in changed:  # the search index's entity field of the articles naming it
                    requeue_mentioning(conn, [entry.id], now)
            return new, changed

    def glossary_edits(self, entry_id: str | None = None, *, limit: int = 50) -> list[GlossaryEdit]:
        """The latest recorded decisions, newest first (one entry's, or all)."""
        sql = "SELECT id, entry_id, editor, action, detail, created FROM glossary_edits"
        params: tuple[Any, ...] = ()
        if entry_id is not None:
            sql += " WHERE entry_id = ?"
            params = (entry_id,)
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
        return [GlossaryEdit(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]
