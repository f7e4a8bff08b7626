"""Read queries of the static-site builder (:mod:`masthead.publish`), mixed into
:class:`~masthead.store.sqlite.SQLiteStore`.

A site build needs every document's catalogue row together with its current revision's hash, its
issue and the times it was added and last changed: :meth:`PublishingMixin.publish_catalogue` reads
them in one query. An incremental build first asks which documents changed since the last build
(:meth:`PublishingMixin.document_stamps`, one index scan) and then reads only those
(:meth:`PublishingMixin.publish_catalogue` with ``ids``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

_CATALOGUE = """SELECT d.id, d.title, d.subtitle, d.writers, p.title, d.periodical_slug, i.volume, i.number,
    d.date, d.page_start, d.page_end, d.current_revision, d.words, d.created, d.updated, d.issue_id, i.label
    FROM documents d
    LEFT JOIN periodicals p ON p.slug = d.periodical_slug
    LEFT JOIN issues i ON i.id = d.issue_id"""
_SEASON_RANK = """CASE lower(i.season) WHEN 'winter' THEN 1 WHEN 'spring' THEN 2 WHEN 'summer' THEN 3
    WHEN 'autumn' THEN 4 WHEN 'fall' THEN 4 ELSE 5 END"""
_ISSUE_ORDER = f"i.date IS NULL, i.date, {_SEASON_RANK}, i.volume, i.number, i.id"
_ISSUE_COLS = "i.id, i.periodical_slug, i.volume, i.number, i.date, i.label"
"""As in :mod:`masthead.store.sqlite` (the order of :meth:`SQLiteStore.issues`)."""
_ORDER = "d.date IS NULL, d.date, d.page_start IS NULL, d.page_start, d.title, d.id"
"""The order of :meth:`SQLiteStore.list_documents` (and of the ``documents_in_order`` index)."""


class PublishingMixin:
    """Publishing reads for :class:`~masthead.store.sqlite.SQLiteStore` (which provides ``_reading``)."""

    def publish_catalogue(self, ids: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
        """Every document (or those with ``ids``) in :meth:`list_documents` order, as rows of: the thirteen
        summary columns (see :func:`~masthead.store.catalogue.summary_row`), then ``created``, ``updated``,
        ``issue_id`` and the issue's label. Within one issue the rows are in page order (an issue's
        documents share its date), as :meth:`issues` lists them."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            if ids is None:
                return conn.execute(f"{_CATALOGUE} ORDER BY {_ORDER}").fetchall()
            rows: list[tuple[Any, ...]] = []
            wanted = list(dict.fromkeys(ids))
            for at in range(0, len(wanted), 500):
                chunk = wanted[at : at + 500]
                marks = ",".join("?" * len(chunk))
                rows += conn.execute(f"{_CATALOGUE} WHERE d.id IN ({marks}) ORDER BY {_ORDER}", chunk).fetchall()
            return rows

    def issue_heads(self) -> list[tuple[Any, ...]]:
        """Every issue as ``(id, periodical_slug, volume, number, date, label)``, grouped by periodical and
        in :meth:`issues` order within each (issues with no documents included)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            return conn.execute(
                f"SELECT {_ISSUE_COLS} FROM issues i ORDER BY i.periodical_slug, {_ISSUE_ORDER}"
            ).fetchall()

    def document_stamps(self) -> dict[str, tuple[int, str]]:
        """Each document's ``(current revision, updated)``: what changes whenever the document is saved."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute("SELECT id, current_revision, updated FROM documents").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def publish_mentions(self) -> list[tuple[str, str, int, int, str]]:
        """Every mention of an accepted glossary entry in the documents' current revisions as ``(document
        id, entry id, start, end, surface)``, by document and position: what the planner hashes into the
        fingerprints of the article pages (their links) and of the glossary's pages (the articles naming
        each entry). Empty when the archive has no glossary tables."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'mentions'").fetchone():
                return []
            return conn.execute(
                """SELECT m.document_id, m.entry_id, m.span_start, m.span_end, m.surface FROM mentions m
                   JOIN documents d ON d.id = m.document_id AND d.current_revision = m.revision
                   JOIN entries e ON e.id = m.entry_id AND e.status = 'accepted'
                   ORDER BY m.document_id, m.span_start, m.span_end, m.entry_id"""
            ).fetchall()

    def mentions_by_document(self, ids: Sequence[str]) -> dict[str, list[Any]]:
        """The mentions of accepted entries in these documents' current revisions (as :meth:`mentions_in`
        gives them, but a static site has no page for another entry to link to), per document id, in a
        query per 500 ids rather than two per document; documents without any are left out."""
        from masthead.glossary.entries import Mention

        out: dict[str, list[Any]] = {}
        wanted = list(dict.fromkeys(ids))
        with self._reading() as conn:  # type: ignore[attr-defined]
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'mentions'").fetchone():
                return out
            for at in range(0, len(wanted), 500):
                chunk = wanted[at : at + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"""SELECT m.document_id, m.span_start, m.span_end, m.surface, m.entry_id, e.type,
                           m.confidence, m.alternatives
                       FROM mentions m JOIN documents d ON d.id = m.document_id AND d.current_revision = m.revision
                       JOIN entries e ON e.id = m.entry_id AND e.status = 'accepted'
                       WHERE m.document_id IN ({marks}) ORDER BY m.document_id, m.span_start""",
                    chunk,
                ).fetchall()
                for r in rows:
                    mention = Mention(r[1], r[2], r[3], r[4], r[5], r[6], tuple(json.loads(r[7])))
                    out.setdefault(r[0], []).append(mention)
        return out
