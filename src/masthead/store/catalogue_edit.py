"""Editing the catalogue: periodical title variants, writer aliases, merges and splits, calendar rows.

A mixin of :class:`~masthead.store.sqlite.SQLiteStore` (which provides ``_reading`` and ``_writing``).
At save time :meth:`CatalogueEditMixin._upsert_periodical` files a document under the periodical its
title variant belongs to ("LABOR ACTION", "Labor Action (New York)" -> ``labor-action``) and
:meth:`CatalogueEditMixin._upsert_writers` files each byline under its writer: a split's per-document
override first, then an alias (a merged name or pen name), then the byline's own name.

Merges and splits run in one transaction each, move every document link, rewrite the documents'
listed writer names, remember the decision (an alias, or per-document overrides) so a re-ingest files
the documents the same way, and queue a change per document so the search index follows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from masthead.catalogue.calendar import DocumentDates, IssueRecord
from masthead.catalogue.titles import display_title, periodical_key, split_place
from masthead.model import Document
from masthead.store import StoreError, WriterSummary
from masthead.store.catalogue import catalogue_slug, clean, now_utc
from masthead.store.changes import record_change

__all__ = ["CatalogueEditMixin"]

_VARIANT = "SELECT periodical_slug, periodical_title FROM periodical_variants WHERE variant = ? LIMIT 1"
_ADD_VARIANT = """INSERT INTO periodical_variants (variant, title, periodical_slug, periodical_title)
    VALUES (?, ?, ?, ?) ON CONFLICT (title) DO NOTHING"""
_UNVARIED = """SELECT slug, title FROM periodicals
    WHERE NOT EXISTS (SELECT 1 FROM periodical_variants v WHERE v.periodical_slug = periodicals.slug)"""
_KNOWN_TITLE = """SELECT v.periodical_slug, EXISTS (SELECT 1 FROM periodicals p WHERE p.slug = v.periodical_slug)
    FROM periodical_variants v WHERE v.title = ?"""
_FILED_AS = """SELECT writer_slug, writer_name FROM (
    SELECT writer_slug, writer_name, 0 AS k FROM writer_overrides WHERE document_id = ? AND byline_slug = ?
    UNION ALL SELECT writer_slug, writer_name, 1 FROM writer_aliases WHERE alias_slug = ?) ORDER BY k LIMIT 1"""
_DOCS_OF_WRITER = "SELECT document_id FROM document_writers WHERE writer_slug = ?"
_PRUNE_WRITER = (
    "DELETE FROM writers WHERE slug = ? AND NOT EXISTS (SELECT 1 FROM document_writers WHERE writer_slug = ?)"
)
_UPSERT_WRITER = """INSERT INTO writers (slug, name) VALUES (?, ?)
    ON CONFLICT (slug) DO UPDATE SET name = excluded.name WHERE name <> excluded.name"""
_RENAME_LISTED = """UPDATE documents SET writers = (
        SELECT json_group_array(name) FROM (
            SELECT w.name AS name FROM document_writers dw JOIN writers w ON w.slug = dw.writer_slug
            WHERE dw.document_id = documents.id ORDER BY dw.position))
    WHERE id = ?"""
_CALENDAR = """SELECT i.id, i.periodical_slug, i.volume, i.number, i.date, i.season, i.label, p.title,
        d.id, d.date, json_extract(r.json, '$.date_line')
    FROM issues i JOIN periodicals p ON p.slug = i.periodical_slug
    LEFT JOIN documents d ON d.issue_id = i.id
    LEFT JOIN revisions r ON r.document_id = d.id AND r.number = d.current_revision"""


class CatalogueEditMixin:
    """Catalogue editing for :class:`~masthead.store.sqlite.SQLiteStore`."""

    # -- resolution at save time (called by SQLiteStore.save inside its transaction) -----------------
    def _upsert_periodical(self, conn: sqlite3.Connection, doc: Document) -> str | None:
        """The slug of the periodical ``doc``'s title variant belongs to, creating it when new."""
        title = clean(doc.source.periodical)
        if title is None:
            return None
        known = conn.execute(_KNOWN_TITLE, (title,)).fetchone()
        if known is not None and known[1]:  # the usual case: this exact title was met before
            return str(known[0])
        key = periodical_key(title)
        found = conn.execute(_VARIANT, (key,)).fetchone()
        if found is not None:
            slug, shown = found
            conn.execute("INSERT INTO periodicals (slug, title) VALUES (?, ?) ON CONFLICT DO NOTHING", (slug, shown))
            conn.execute(_ADD_VARIANT, (key, title, slug, shown))
            place = split_place(title)[1]
            if place:
                conn.execute("UPDATE periodicals SET place = COALESCE(place, ?) WHERE slug = ?", (place, slug))
            return str(slug)
        shown, place = display_title(title), split_place(title)[1]
        slug = catalogue_slug(shown)
        # A periodical stored before title variants existed has no variant rows: match it by its key.
        for old_slug, old_title in conn.execute(_UNVARIED).fetchall():
            if periodical_key(old_title) == key:
                slug = old_slug
                break
        conn.execute(
            """INSERT INTO periodicals (slug, title, place) VALUES (?, ?, ?)
               ON CONFLICT (slug) DO UPDATE SET place = COALESCE(place, excluded.place)""",
            (slug, shown, place),
        )
        shown = conn.execute("SELECT title FROM periodicals WHERE slug = ?", (slug,)).fetchone()[0]
        conn.execute(_ADD_VARIANT, (key, title, slug, shown))
        return slug

    def _lookup_writer(self, conn: sqlite3.Connection, doc_id: str, name: str) -> tuple[str, str]:
        """``(slug, name)`` of the writer a byline ``name`` on document ``doc_id`` is filed under."""
        slug = catalogue_slug(name)
        found = conn.execute(_FILED_AS, (doc_id, slug, slug)).fetchone()
        return (str(found[0]), str(found[1])) if found else (slug, name)

    def _upsert_writers(self, conn: sqlite3.Connection, doc: Document) -> list[tuple[str, str]]:
        """The writers of ``doc`` as ``(slug, name)`` in byline order, created when new."""
        seen: dict[str, str] = {}
        for raw in doc.writers:
            name = clean(raw)
            if name is None:
                continue
            slug, shown = self._lookup_writer(conn, doc.id, name)
            if slug in seen:
                continue
            seen[slug] = shown
            if shown == name:
                conn.execute(_UPSERT_WRITER, (slug, name))
            else:  # an alias or override: the writer keeps its own name
                conn.execute("INSERT INTO writers (slug, name) VALUES (?, ?) ON CONFLICT DO NOTHING", (slug, shown))
                shown = conn.execute("SELECT name FROM writers WHERE slug = ?", (slug,)).fetchone()[0]
                seen[slug] = shown
        return list(seen.items())

    # -- writers -------------------------------------------------------------------------------------
    def writer_links(self, doc_id: str, names: Iterable[str]) -> list[tuple[str, WriterSummary | None]]:
        """Each byline name of a document with the writer it is filed under (None if none is)."""
        out: list[tuple[str, WriterSummary | None]] = []
        with self._reading() as conn:  # type: ignore[attr-defined]
            for name in names:
                if not name.strip():
                    continue
                slug, _ = self._lookup_writer(conn, doc_id, name.strip())
                row = conn.execute(
                    """SELECT w.slug, w.name, COUNT(dw.document_id) FROM writers w
                       LEFT JOIN document_writers dw ON dw.writer_slug = w.slug WHERE w.slug = ? GROUP BY w.slug""",
                    (slug,),
                ).fetchone()
                out.append((name, WriterSummary(*row) if row else None))
        return out

    def alias_writers(self) -> dict[str, str]:
        """Every alias (merged writer, pen name) as ``alias slug -> name of the writer it files under``."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            return dict(conn.execute("SELECT alias_slug, writer_name FROM writer_aliases").fetchall())

    def writer_aliases(self, slug: str) -> list[str]:
        """The other names (merged writers, pen names) a writer is known by, sorted."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                "SELECT alias_name FROM writer_aliases WHERE writer_slug = ? ORDER BY alias_name COLLATE NOCASE",
                (slug,),
            ).fetchall()
        return [r[0] for r in rows]

    def _writer_row(self, conn: sqlite3.Connection, slug: str) -> tuple[str, str]:
        row = conn.execute("SELECT slug, name FROM writers WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            raise StoreError(f"there is no writer {slug!r}; list them with: masthead writers list")
        return str(row[0]), str(row[1])

    def _touch(self, conn: sqlite3.Connection, doc_ids: Iterable[str], when: str) -> None:
        for doc_id in doc_ids:
            conn.execute(_RENAME_LISTED, (doc_id,))
            conn.execute("UPDATE documents SET updated = ? WHERE id = ?", (when, doc_id))
            rev = conn.execute("SELECT current_revision FROM documents WHERE id = ?", (doc_id,)).fetchone()
            record_change(conn, doc_id, "upsert", rev[0] if rev else None, when)

    def merge_writers(self, src: str, dst: str) -> int:
        """File every document of writer ``src`` under ``dst`` (slugs) and make ``src``'s name (and its
        own aliases) aliases of ``dst``, so a later ingest of that byline goes to ``dst`` too. One
        transaction; returns how many documents moved. Raises :class:`StoreError` for an unknown
        writer or ``src == dst``."""
        if src == dst:
            raise StoreError(f"cannot merge writer {src!r} into itself; give two different writers")
        with self._writing() as conn:  # type: ignore[attr-defined]
            src_slug, src_name = self._writer_row(conn, src)
            dst_slug, dst_name = self._writer_row(conn, dst)
            docs = [
                r[0] for r in conn.execute("SELECT document_id FROM document_writers WHERE writer_slug = ?", (src,))
            ]
            conn.execute(
                """DELETE FROM document_writers WHERE writer_slug = ? AND document_id IN
                   (SELECT document_id FROM document_writers WHERE writer_slug = ?)""",
                (src, dst),
            )
            conn.execute("UPDATE document_writers SET writer_slug = ? WHERE writer_slug = ?", (dst, src))
            conn.execute(
                "UPDATE writer_overrides SET writer_slug = ?, writer_name = ? WHERE writer_slug = ?",
                (dst_slug, dst_name, src),
            )
            conn.execute(
                "UPDATE writer_aliases SET writer_slug = ?, writer_name = ? WHERE writer_slug = ?",
                (dst_slug, dst_name, src),
            )
            conn.execute(
                """INSERT INTO writer_aliases (alias_slug, alias_name, writer_slug, writer_name) VALUES (?, ?, ?, ?)
                   ON CONFLICT (alias_slug) DO UPDATE SET writer_slug = excluded.writer_slug,
                   writer_name = excluded.writer_name""",
                (src_slug, src_name, dst_slug, dst_name),
            )
            conn.execute("DELETE FROM writer_aliases WHERE alias_slug = ?", (dst_slug,))
            conn.execute("DELETE FROM writers WHERE slug = ?", (src,))
            self._touch(conn, docs, now_utc())
        return len(docs)

    def add_writer_alias(self, alias: str, slug: str) -> int:
        """Declare ``alias`` (a name: a pen name, another spelling) as writer ``slug``. When the archive
        already has a writer by that name, it is merged into ``slug``; returns how many documents moved."""
        name = clean(alias)
        if name is None:
            raise StoreError("an alias needs a name; give the other name in quotes")
        alias_slug = catalogue_slug(name)
        with self._reading() as conn:  # type: ignore[attr-defined]
            exists = conn.execute("SELECT 1 FROM writers WHERE slug = ?", (alias_slug,)).fetchone() is not None
        if exists:
            return self.merge_writers(alias_slug, slug)
        with self._writing() as conn:  # type: ignore[attr-defined]
            dst_slug, dst_name = self._writer_row(conn, slug)
            conn.execute(
                """INSERT INTO writer_aliases (alias_slug, alias_name, writer_slug, writer_name) VALUES (?, ?, ?, ?)
                   ON CONFLICT (alias_slug) DO UPDATE SET alias_name = excluded.alias_name,
                   writer_slug = excluded.writer_slug, writer_name = excluded.writer_name""",
                (alias_slug, name, dst_slug, dst_name),
            )
        return 0

    def split_writer(self, slug: str, new_name: str, doc_ids: Sequence[str]) -> str:
        """File documents ``doc_ids`` of writer ``slug`` under a writer named ``new_name`` (created when
        new), remembering it per document so a re-ingest keeps the split. One transaction; returns the
        new writer's slug. Raises :class:`StoreError` for an unknown writer, a document that writer is
        not credited on, or no documents."""
        name = clean(new_name)
        if name is None:
            raise StoreError("a split needs the new writer's name (--name)")
        if not doc_ids:
            raise StoreError("a split needs the documents to move (--doc ID, one or more)")
        new_slug = catalogue_slug(name)
        if new_slug == slug:
            raise StoreError(f"{name!r} is the name of writer {slug!r} itself; choose another name")
        with self._writing() as conn:  # type: ignore[attr-defined]
            self._writer_row(conn, slug)
            conn.execute("INSERT INTO writers (slug, name) VALUES (?, ?) ON CONFLICT DO NOTHING", (new_slug, name))
            new_name_stored = conn.execute("SELECT name FROM writers WHERE slug = ?", (new_slug,)).fetchone()[0]
            for doc_id in doc_ids:
                linked = conn.execute(
                    "SELECT position FROM document_writers WHERE document_id = ? AND writer_slug = ?", (doc_id, slug)
                ).fetchone()
                if linked is None:
                    raise StoreError(f"document {doc_id!r} is not credited to writer {slug!r}; nothing was changed")
                conn.execute(
                    "DELETE FROM document_writers WHERE document_id = ? AND writer_slug = ?", (doc_id, new_slug)
                )
                conn.execute(
                    "UPDATE document_writers SET writer_slug = ? WHERE document_id = ? AND writer_slug = ?",
                    (new_slug, doc_id, slug),
                )
                for byline in self._bylines(conn, doc_id):
                    if self._lookup_writer(conn, doc_id, byline)[0] == slug:
                        conn.execute(
                            """INSERT INTO writer_overrides (document_id, byline_slug, writer_slug, writer_name)
                               VALUES (?, ?, ?, ?) ON CONFLICT (document_id, byline_slug) DO UPDATE SET
                               writer_slug = excluded.writer_slug, writer_name = excluded.writer_name""",
                            (doc_id, catalogue_slug(byline), new_slug, new_name_stored),
                        )
            conn.execute(_PRUNE_WRITER, (slug, slug))
            self._touch(conn, dict.fromkeys(doc_ids), now_utc())
        return new_slug

    def _bylines(self, conn: sqlite3.Connection, doc_id: str) -> list[str]:
        row = conn.execute(
            """SELECT json_extract(r.json, '$.writers') FROM documents d JOIN revisions r
               ON r.document_id = d.id AND r.number = d.current_revision WHERE d.id = ?""",
            (doc_id,),
        ).fetchone()
        return [n.strip() for n in json.loads(row[0] or "[]") if n.strip()] if row else []

    # -- periodicals ---------------------------------------------------------------------------------
    def periodical_variants(self, slug: str) -> list[str]:
        """The title variants met (or declared) for a periodical, sorted."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                "SELECT DISTINCT title FROM periodical_variants WHERE periodical_slug = ? ORDER BY title", (slug,)
            ).fetchall()
        return [r[0] for r in rows]

    def periodical_details(self, slug: str) -> dict[str, str | None]:
        """A periodical's ``place`` and recorded ``frequency`` (None where unknown)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute("SELECT place, frequency FROM periodicals WHERE slug = ?", (slug,)).fetchone()
        return {"place": row[0], "frequency": row[1]} if row else {"place": None, "frequency": None}

    def set_periodical_frequencies(self, frequencies: dict[str, str]) -> None:
        """Record each periodical's learned frequency (what ``masthead check`` found), in one transaction."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            conn.executemany(
                "UPDATE periodicals SET frequency = ? WHERE slug = ?", [(f, s) for s, f in frequencies.items()]
            )

    def alias_periodical(self, variant: str, slug: str) -> int:
        """Declare title ``variant`` a title of periodical ``slug``: later documents with that title are
        filed under it, and the documents and issues of a periodical already filed under the variant
        move to ``slug`` (same-numbered issues become one). One transaction; returns documents moved."""
        title = clean(variant)
        if title is None:
            raise StoreError("a variant needs a title; give it in quotes")
        key = periodical_key(title)
        with self._writing() as conn:  # type: ignore[attr-defined]
            row = conn.execute("SELECT title FROM periodicals WHERE slug = ?", (slug,)).fetchone()
            if row is None:
                raise StoreError(f"there is no periodical {slug!r}; list them with: masthead periodicals list")
            old = conn.execute(_VARIANT, (key,)).fetchone()
            conn.execute(
                """INSERT INTO periodical_variants (variant, title, periodical_slug, periodical_title)
                   VALUES (?, ?, ?, ?) ON CONFLICT (title) DO UPDATE SET variant = excluded.variant,
                   periodical_slug = excluded.periodical_slug, periodical_title = excluded.periodical_title""",
                (key, title, slug, row[0]),
            )
            conn.execute(
                "UPDATE periodical_variants SET periodical_slug = ?, periodical_title = ? WHERE variant = ?",
                (slug, row[0], key),
            )
            src = old[0] if old and old[0] != slug else None
            if src is None and catalogue_slug(title) != slug:
                exists = conn.execute("SELECT 1 FROM periodicals WHERE slug = ?", (catalogue_slug(title),)).fetchone()
                src = catalogue_slug(title) if exists else None
            if src is None:
                return 0
            return self._move_periodical(conn, src, slug, row[0])

    def _move_periodical(self, conn: sqlite3.Connection, src: str, dst: str, dst_title: str) -> int:
        docs = [r[0] for r in conn.execute("SELECT id FROM documents WHERE periodical_slug = ?", (src,))]
        for issue_id, vol, no, date, season in conn.execute(
            "SELECT id, volume, number, date, season FROM issues WHERE periodical_slug = ?", (src,)
        ).fetchall():
            same = conn.execute(
                """SELECT id FROM issues WHERE periodical_slug = ? AND COALESCE(volume, -1) = COALESCE(?, -1)
                   AND COALESCE(number, -1) = COALESCE(?, -1) AND COALESCE(date, '') = COALESCE(?, '')
                   AND COALESCE(season, '') = COALESCE(?, '')""",
                (dst, vol, no, date, season),
            ).fetchone()
            if same is None:
                conn.execute("UPDATE issues SET periodical_slug = ? WHERE id = ?", (dst, issue_id))
            else:
                conn.execute("UPDATE documents SET issue_id = ? WHERE issue_id = ?", (same[0], issue_id))
                conn.execute("DELETE FROM issues WHERE id = ?", (issue_id,))
        conn.execute("UPDATE documents SET periodical_slug = ? WHERE periodical_slug = ?", (dst, src))
        conn.execute(
            "UPDATE periodical_variants SET periodical_slug = ?, periodical_title = ? WHERE periodical_slug = ?",
            (dst, dst_title, src),
        )
        conn.execute("DELETE FROM periodicals WHERE slug = ?", (src,))
        when = now_utc()
        for doc_id in docs:
            conn.execute("UPDATE documents SET updated = ? WHERE id = ?", (when, doc_id))
            rev = conn.execute("SELECT current_revision FROM documents WHERE id = ?", (doc_id,)).fetchone()
            record_change(conn, doc_id, "upsert", rev[0], when)
        return len(docs)

    # -- calendar ------------------------------------------------------------------------------------
    def calendar_rows(self, periodical: str | None = None) -> tuple[list[IssueRecord], list[DocumentDates]]:
        """Every issue (of one periodical, or all) with its documents, and each document's citation
        date and date line: what :func:`masthead.catalogue.calendar.check_archive` reads."""
        sql, params = _CALENDAR, ()
        if periodical is not None:
            sql, params = sql + " WHERE i.periodical_slug = ?", (periodical,)
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(sql + " ORDER BY i.id, d.page_start, d.id", params).fetchall()
        issues: list[IssueRecord] = []
        docs: list[DocumentDates] = []
        head = None
        ids: list[str] = []
        for r in rows:
            if head is None or head[0] != r[0]:
                if head is not None:
                    issues.append(_record(head, ids))
                head, ids = r, []
            if r[8] is not None:
                ids.append(r[8])
                docs.append(DocumentDates(r[8], r[1], r[6], r[9], r[10]))
        if head is not None:
            issues.append(_record(head, ids))
        return issues, docs


def _record(r: Sequence[object], ids: list[str]) -> IssueRecord:
    return IssueRecord(
        periodical=str(r[1]),
        volume=r[2],  # type: ignore[arg-type]
        number=r[3],  # type: ignore[arg-type]
        date=r[4],  # type: ignore[arg-type]
        label=str(r[6]),
        documents=tuple(ids),
        season=r[5],  # type: ignore[arg-type]
        title=str(r[7]),
    )
