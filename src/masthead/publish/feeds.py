"""The machine-readable files of a static site: ``sitemap.xml``, the Atom feed ``feed.xml`` and
``robots.txt``. Each is built as a string (XML through :mod:`xml.etree`, so every value is escaped)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape

from masthead.store import DocumentSummary

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article in the feed: when it was first added and last revised (RFC 3339 UTC)."""

    summary: DocumentSummary
    path: str
    published: str
    updated: str


def page_url(path: str, base_url: str | None) -> str:
    """The address of a page file: absolute folder URL under ``base_url`` (``https://x/articles/a/``),
    else the relative file path (``articles/a/index.html``); percent-encoded either way."""
    encoded = quote(path, safe="/")
    if base_url is None:
        return encoded
    folder = encoded[: -len("index.html")] if encoded.endswith("index.html") else encoded
    return base_url.rstrip("/") + "/" + folder


def sitemap_xml(paths: Iterable[str], base_url: str | None) -> str:
    """A sitemap listing every page (the root first, then in path order). Written as text, not through
    a tree: a large archive has tens of thousands of pages, and every value is escaped."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path in sorted(paths, key=lambda p: (p != "index.html", p)):
        lines.append(f" <url><loc>{escape(page_url(path, base_url))}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def atom_feed(entries: Sequence[FeedEntry], *, title: str, base_url: str | None, updated: str) -> str:
    """An Atom 1.0 feed of newly added articles (newest first). Without ``base_url`` the links are
    relative to the feed (which sits at the site root) and ids are ``urn:`` names of the documents."""
    ET.register_namespace("", ATOM_NS)
    a = f"{{{ATOM_NS}}}"
    feed = ET.Element(f"{a}feed")
    ET.SubElement(feed, f"{a}title").text = f"{title}: newly added articles"
    ET.SubElement(feed, f"{a}id").text = (
        base_url.rstrip("/") + "/feed.xml" if base_url else "urn:masthead:feed:" + quote(title, safe="")
    )
    ET.SubElement(feed, f"{a}updated").text = max((e.updated for e in entries), default=updated)
    ET.SubElement(feed, f"{a}link", rel="self", href=page_url("feed.xml", base_url) if base_url else "feed.xml")
    ET.SubElement(feed, f"{a}link", rel="alternate", href=page_url("index.html", base_url))
    author = ET.SubElement(feed, f"{a}author")
    ET.SubElement(author, f"{a}name").text = title
    ET.SubElement(feed, f"{a}generator").text = "Masthead"
    for e in entries:
        doc = e.summary
        entry = ET.SubElement(feed, f"{a}entry")
        ET.SubElement(entry, f"{a}title").text = doc.title
        link = page_url(e.path, base_url)
        ET.SubElement(entry, f"{a}id").text = link if base_url else "urn:masthead:article:" + quote(doc.id, safe="/")
        ET.SubElement(entry, f"{a}link", rel="alternate", type="text/html", href=link)
        ET.SubElement(entry, f"{a}published").text = e.published
        ET.SubElement(entry, f"{a}updated").text = e.updated
        for name in doc.writers:
            if name.strip():
                ET.SubElement(ET.SubElement(entry, f"{a}author"), f"{a}name").text = name
        source = ", ".join(
            part
            for part in (
                doc.periodical,
                f"Vol. {doc.volume}" if doc.volume is not None else None,
                f"No. {doc.issue}" if doc.issue is not None else None,
                doc.date,
            )
            if part
        )
        if source:
            ET.SubElement(entry, f"{a}summary").text = source
    return _xml(feed)


def robots_txt(base_url: str | None) -> str:
    """Allow every crawler everywhere (the search bundle excepted) and name the sitemap."""
    lines = ["User-agent: *", "Allow: /", "Disallow: /pagefind/"]
    # The Sitemap line must be an absolute URL; without a base URL there is none to give.
    if base_url:
        lines.append(f"Sitemap: {page_url('sitemap.xml', base_url)}")
    return "\n".join(lines) + "\n"


def _xml(root: ET.Element) -> str:
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
