"""The download files of the static site's article pages: TEI, EPUB, BibTeX, RIS, CSL-JSON and text,
written under ``export/`` where the article page's "Cite this" box links to them."""

from __future__ import annotations

from collections.abc import Iterator

from masthead.model import Document
from masthead.publish.plan import page_path
from masthead.store import Store
from masthead.web.publish_routes import export_path

STATIC_DOWNLOADS: dict[str, str] = {
    "TEI": ".tei.xml",
    "EPUB": ".epub",
    "BibTeX": ".bib",
    "RIS": ".ris",
    "CSL-JSON": ".csl.json",
    "Text": ".txt",
}
"""The download files written beside each article page (label: file ending), and their formats below."""
_FORMAT_OF = {
    ".tei.xml": "tei",
    ".epub": "epub",
    ".bib": "bibtex",
    ".ris": "ris",
    ".csl.json": "csl-json",
    ".txt": "text",
}


def export_file(doc_id: str, ending: str) -> str:
    """The file (below the site root) of an article's download with this ending; the article page links
    to it as :func:`~masthead.web.publish_routes.export_path` names it (percent-encoded)."""
    return page_path(export_path(doc_id, ending))


def exports(store: Store, doc: Document, base_url: str | None) -> Iterator[tuple[bytes, str]]:
    """An article's download files: (content, path below the site root)."""
    from masthead.export import export

    revisions = store.revisions(doc.id)
    for ending, fmt in _FORMAT_OF.items():
        body = export(doc, fmt, base_url=base_url, revisions=revisions)
        yield (body if isinstance(body, bytes) else body.encode("utf-8")), export_file(doc.id, ending)
