"""Export formats: one entry point, :func:`export`, and the table of formats, :data:`FORMATS`.

==========  ================================  ============================================
format      what                              one document / several
==========  ================================  ============================================
tei         TEI P5 XML (:mod:`.tei`)          one document only
epub        EPUB 3 book (:mod:`.epub`)        one book with a chapter per document
bibtex      BibTeX (:mod:`.cite`)             one entry per document
ris         RIS (:mod:`.cite`)                one record per document
csl-json    CSL-JSON array (:mod:`.cite`)     one item per document
markdown    Masthead Markdown                 one document only (reads back into Masthead)
text        plain text                        one document only (reads back into Masthead)
==========  ================================  ============================================

OAI-PMH (:mod:`.oai`) is a protocol rather than a file format and is served by the web app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from masthead.model import Document


@dataclass(frozen=True, slots=True)
class Format:
    """An export format: its name, media type, file extension, whether the output is bytes, and whether
    several documents go into one file."""

    name: str
    media_type: str
    extension: str
    binary: bool = False
    many: bool = False


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("tei", "application/tei+xml", ".xml"),
        Format("epub", "application/epub+zip", ".epub", binary=True, many=True),
        Format("bibtex", "application/x-bibtex", ".bib", many=True),
        Format("ris", "application/x-research-info-systems", ".ris", many=True),
        Format("csl-json", "application/vnd.citationstyles.csl+json", ".json", many=True),
        Format("markdown", "text/markdown", ".md"),
        Format("text", "text/plain", ".txt"),
    )
}
"""Every export format by name."""


class ExportError(ValueError):
    """An export that cannot be made: an unknown format, or several documents for a one-document format."""


def export(
    doc_or_docs: Document | Sequence[Document],
    fmt: str,
    *,
    base_url: str | None = None,
    revisions: Sequence[Any] = (),
    title: str | None = None,
    publisher: str = "Masthead archive",
    mentions: Any = None,
) -> bytes | str:
    """``doc_or_docs`` in format ``fmt`` (a key of :data:`FORMATS`): ``bytes`` for EPUB, else ``str``.

    ``base_url`` (the site's address) adds article URLs to citations and TEI; ``revisions`` (from
    ``store.revisions(id)``) fill the TEI revision history; ``title`` names an EPUB of several documents;
    ``mentions`` is TEI's glossary hook (``masthead.glossary.archive.tei_mentions``).
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    docs = [doc_or_docs] if isinstance(doc_or_docs, Document) else list(doc_or_docs)
    if not docs:
        raise ExportError("nothing to export: no documents")
    if len(docs) > 1 and not spec.many:
        raise ExportError(f"{fmt} exports one document at a time; got {len(docs)}")
    doc = docs[0]
    if fmt == "tei":
        from masthead.export.cite import article_url
        from masthead.export.tei import to_tei

        url = article_url(doc, base_url)
        return to_tei(doc, revisions=revisions, url=url, publisher=publisher, mentions=mentions)
    if fmt == "epub":
        from masthead.export.epub import to_epub

        return to_epub(docs, title=title, publisher=publisher)
    if fmt in ("bibtex", "ris", "csl-json"):
        from masthead.export import cite

        render = {"bibtex": cite.to_bibtex, "ris": cite.to_ris, "csl-json": cite.to_csl_json}[fmt]
        return render(docs, base_url=base_url)
    if fmt == "markdown":
        from masthead.render.markdown import to_markdown

        return to_markdown(doc)
    from masthead.render.text import to_text

    return to_text(doc)
