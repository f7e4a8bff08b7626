"""EPUB 3 export: an article, an issue, a writer's articles or any list of documents as one book.

The book is built by hand as a zip: ``mimetype`` first and stored, ``META-INF/container.xml``, a
package document with Dublin Core metadata, ``nav.xhtml`` (the table of contents), a title page with
each article's citation, and one XHTML file per article (the same body the web pages show, made
well-formed XHTML; links that would leave the book to a missing file are unwrapped). The tests check
the result with epubcheck.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO

import lxml.html
from lxml import etree

from masthead.citation import format_citation, format_credits
from masthead.export.tei import esc
from masthead.model import Document
from masthead.render.html import article_body

CSS = """body { font-family: serif; line-height: 1.45; margin: 0 5%; }
h1, h2, h3, h4, h5, h6 { font-family: sans-serif; line-height: 1.2; }
.citation, .cite { font-size: 0.9em; }
.information, .notes { font-size: 0.9em; }
blockquote { margin: 1em 2em; }
p.fst { text-indent: 0; }
hr.end { display: none; }
"""

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_HTML_ATTRS_DROP = ("style", "onclick", "onload", "align", "width", "height", "border", "name", "target")


def _xhtml(title: str, body: str, lang: str, *, extra_ns: bool = False) -> str:
    epub_ns = ' xmlns:epub="http://www.idpf.org/2007/ops"' if extra_ns else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"{epub_ns} xml:lang="{esc(lang)}" lang="{esc(lang)}">\n'
        f'<head><meta charset="utf-8"/><title>{esc(title)}</title>'
        '<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _well_formed(fragment: str) -> str:
    """An HTML fragment as well-formed XHTML: ids unique, only in-chapter or web links kept."""
    elements = lxml.html.fragments_fromstring(fragment)
    root = lxml.html.Element("div")
    for el in elements:
        if isinstance(el, str):
            root.text = (root.text or "") + el
        else:
            root.append(el)
    seen: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        ident = el.get("id")
        if ident is not None:
            if ident in seen or not ident.strip() or any(c.isspace() for c in ident):
                del el.attrib["id"]
            else:
                seen.add(ident)
        for attr in _HTML_ATTRS_DROP:
            el.attrib.pop(attr, None)
    for el in list(root.iter("img", "script", "iframe", "object", "embed", "form", "input")):
        parent = el.getparent()
        if parent is None:
            continue
        alt = el.get("alt") or ""
        if alt:
            span = lxml.html.Element("span")
            span.text = alt
            span.tail = el.tail
            parent.replace(el, span)
        else:
            el.drop_tree()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href:
            continue
        if href.startswith("#"):
            if href[1:] in seen:
                continue
        elif href.lower().startswith(_SAFE_SCHEMES) and " " not in href:
            continue
        del a.attrib["href"]
        a.tag = "span"
        a.set("class", ((a.get("class") or "") + " link").strip())
    parts = [esc(root.text or "")]
    parts += [etree.tostring(el, method="xml", encoding="unicode") for el in root]
    return "".join(parts)


def _citation_line(doc: Document) -> str:
    src = doc.source
    line = format_citation(src) if src.periodical or src.date or src.volume else src.raw
    return line or ""


def _citation_block(doc: Document, *, heading: bool) -> str:
    out = []
    if heading:
        title = esc(doc.title or doc.id)
        by = f" — {esc(', '.join(doc.writers))}" if doc.writers else ""
        out.append(f"<p><strong>{title}</strong>{by}</p>")
    if cite := _citation_line(doc):
        out.append(f'<p class="cite">{esc(cite)}</p>')
    for line in format_credits(doc.credits):
        out.append(f'<p class="cite">{esc(line)}</p>')
    return "\n".join(out)


def to_epub(
    docs: Sequence[Document],
    *,
    title: str | None = None,
    creator: str | None = None,
    publisher: str = "Masthead archive",
    identifier: str | None = None,
    modified: datetime | None = None,
) -> bytes:
    """``docs`` as one EPUB 3 book (bytes), an article per chapter in the order given.

    ``title`` defaults to the only article's title or ``"N articles"``; ``identifier`` to a UUID
    derived from the article ids (so the same selection gets the same identifier).
    """
    docs = list(docs)
    if not docs:
        raise ValueError("an EPUB needs at least one document")
    lang = docs[0].language or "en"
    book_title = title or (docs[0].title if len(docs) == 1 else f"{len(docs)} articles")
    writers: list[str] = []
    for d in docs:
        writers += [w for w in d.writers if w.strip() and w not in writers]
    creators = [creator] if creator else writers
    ident = identifier or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'masthead:' + '|'.join(d.id for d in docs))}"
    stamp = (modified or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")

    chapters: list[tuple[str, str, str]] = []  # (file name, title, xhtml)
    for i, d in enumerate(docs, 1):
        name = f"ch{i:04d}.xhtml"
        content = _well_formed(article_body(d))
        body = f'<section class="article">\n{_citation_block(d, heading=False)}\n{content}\n</section>'
        chapters.append((name, d.title or d.id, _xhtml(d.title or d.id, body, d.language or lang)))

    who = f"<p>{esc(', '.join(creators))}</p>" if creators else ""
    sources = "\n".join(f"<li>{_citation_block(d, heading=len(docs) > 1)}</li>" for d in docs)
    title_page = _xhtml(
        book_title,
        f'<section class="titlepage"><h1>{esc(book_title)}</h1>{who}'
        f"<h2>{'Source' if len(docs) == 1 else 'Sources'}</h2>\n<ul>\n{sources}\n</ul>"
        f"<p>Published by {esc(publisher)}.</p></section>",
        lang,
    )
    toc = "\n".join(f'<li><a href="{name}">{esc(t)}</a></li>' for name, t, _ in chapters)
    nav = _xhtml(
        book_title,
        f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>\n<li><a href="title.xhtml">Title page</a></li>\n'
        f"{toc}\n</ol></nav>",
        lang,
        extra_ns=True,
    )

    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
        '<item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>',
    ]
    spine = ['<itemref idref="title"/>']
    for i, (name, _, _) in enumerate(chapters, 1):
        manifest.append(f'<item id="ch{i:04d}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="ch{i:04d}"/>')
    meta = [
        f'<dc:identifier id="bookid">{esc(ident)}</dc:identifier>',
        f"<dc:title>{esc(book_title)}</dc:title>",
        f"<dc:language>{esc(lang)}</dc:language>",
        *(f"<dc:creator>{esc(c)}</dc:creator>" for c in creators),
        f"<dc:publisher>{esc(publisher)}</dc:publisher>",
        *(f"<dc:source>{esc(_citation_line(d))}</dc:source>" for d in docs if _citation_line(d)),
        f'<meta property="dcterms:modified">{stamp}</meta>',
    ]
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' + "\n".join(meta) + "\n</metadata>\n"
        "<manifest>\n" + "\n".join(manifest) + "\n</manifest>\n"
        "<spine>\n" + "\n".join(spine) + "\n</spine>\n</package>\n"
    )
    container = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
        '<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles>\n</container>\n"
    )
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", container, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("EPUB/package.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("EPUB/nav.xhtml", nav, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("EPUB/style.css", CSS, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("EPUB/title.xhtml", title_page, compress_type=zipfile.ZIP_DEFLATED)
        for name, _, xhtml in chapters:
            z.writestr(f"EPUB/{name}", xhtml, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
