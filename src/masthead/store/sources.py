"""Source-file lookups for re-ingest: which document a source file became, and from which bytes.

A re-ingest asks, per file, for :meth:`SourcesMixin.ingest_state` of its path: the document last
saved from it, its current revision, who made that revision and the SHA-256 of the source bytes its
text came from (``documents.source_sha256``, kept equal to the current revision's
``provenance.sha256`` by every save). Same bytes -> the file is unchanged and need not be parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

_STATE = """SELECT d.id, d.current_revision, d.source_sha256, r.author, d.writers != '[]' FROM documents d
    JOIN revisions r ON r.document_id = d.id AND r.number = d.current_revision
    WHERE d.source_path = ? ORDER BY d.updated DESC, d.rowid DESC LIMIT 1"""
_BY_SOURCE = "SELECT id FROM documents WHERE source_path = ? ORDER BY updated DESC, rowid DESC LIMIT 1"


@dataclass(frozen=True, slots=True)
class IngestState:
    """The document last saved from a source path: its id, current revision, the author of that
    revision and the SHA-256 of the source file's bytes that revision's text came from;
    ``has_writers``: whether the document names a writer."""

    id: str
    revision: int
    source_sha256: str
    author: str
    has_writers: bool


class SourcesMixin:
    """Source lookups for :class:`~masthead.store.sqlite.SQLiteStore` (which provides ``_reading``)."""

    def id_for_source(self, path: str) -> str | None:
        """The id of the document last saved from provenance path ``path``, if any."""
        if not path:
            return None
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute(_BY_SOURCE, (path,)).fetchone()
        return row[0] if row else None

    def ingest_state(self, path: str) -> IngestState | None:
        """What the store holds of source path ``path`` (None when no document came from it): one
        indexed query, whatever the size of the document."""
        if not path:
            return None
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute(_STATE, (path,)).fetchone()
        return IngestState(row[0], int(row[1]), row[2], row[3], bool(row[4])) if row else None

    def source_of(self, doc_id: str) -> str | None:
        """The source path of document ``doc_id`` (its current revision's ``provenance.path``), or
        None when there is no such document: what :meth:`get` would tell, without reading the body."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute("SELECT source_path FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None
