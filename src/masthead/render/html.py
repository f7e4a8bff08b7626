"""Render a :class:`~masthead.model.Document` as HTML laid out the way ETOL / MIA pages are.

Two entry points:

- :func:`article_body` gives an HTML fragment (no ``<html>``, no ``<article>``) for the web app.
- :func:`to_html` gives a standalone page that :func:`masthead.readers.html.read` reads back into the
  same document (apart from provenance).

Layout (ETOL conventions, with a few classes that make the page unambiguous to read back)::

    <header class="masthead">
      <h2 class="writers"><span class="writer">Max Shachtman</span></h2>
      <h1>Title</h1>
      <h3 class="subtitle">Subtitle</h3>
      <h3 class="date">(March 1948)</h3>
      <p class="information"><span class="info">Source:</span> <span class="citation" data-...>...</span>
        <br />...<span class="credit" data-role=... data-name=...>Transcribed by ...</span></p>
    </header>
    <p id="p0" class="fst">...</p> ... body blocks ...
    <section class="notes"><h4>Notes</h4><div class="endnote" id="n1">...</div></section>
    <hr class="end" />

Every top-level body block carries an ``id``: its ``anchor`` when it has one, else ``p{index}`` (index
of the block in ``doc.blocks``), so that deep links such as ``#p12`` are stable for a given document.
Note references are ``<sup class="enote"><a href="#{note id}" id="{note id}-ref">[label]</a></sup>`` and
every referenced note links back to its first reference (``{note id}-ref``; later references get
``-ref2``, ``-ref3``). Headings keep their level; a ``style`` is the element's ``class``.

The source and the credits ride on ``data-`` attributes (``span.citation``, ``span.credit``) so that
every field survives the round trip; the document id is ``<meta name="masthead-id">``. A mark that had
to be split around another (overlaps) carries ``data-part`` on each piece; a link overlapping another
link is ``<span class="link" data-href>`` because anchors cannot nest.

All text and attribute values are escaped; link targets other than http(s), mailto, relative paths and
``#fragments`` (``javascript:`` and the like) are dropped and the link text kept as plain text.
"""

from __future__ import annotations

import re
from html import escape

from masthead.model import Block, Credit, Document, Mark, Note, Source

__all__ = ["article_body", "to_html", "safe_href", "render_inline"]

_SIMPLE_TAGS = {
    "emphasis": ("<em>", "</em>"),
    "strong": ("<strong>", "</strong>"),
    "smallcaps": ('<span class="smallcaps">', "</span>"),
    "superscript": ("<sup>", "</sup>"),
    "subscript": ("<sub>", "</sub>"),
}
_ZERO_WIDTH = ("noteref", "linebreak")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto"}
_STRIP_URL = re.compile(r"[\x00-\x20\x7f]+")
_ROLE_WORDS = {
    "transcribed": "Transcribed by",
    "marked up": "Marked up by",
    "proofread": "Proofread by",
    "translated": "Translated by",
    "edited": "Edited by",
    "scanned": "Scanned by",
    "html": "HTML by",
}


def _esc(text: str) -> str:
    # Most text has nothing to escape: three scans in C beat html.escape's three replacements.
    if "&" in text or "<" in text or ">" in text:
        return escape(text, quote=False)
    return text


def _attr(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text, quote=True)
    return text


def safe_href(target: str | None) -> str | None:
    """``target`` when it is safe to put in ``href`` (http(s), mailto, relative, ``#frag``), else None."""
    if not target:
        return None
    squeezed = _STRIP_URL.sub("", target)
    m = _SCHEME.match(squeezed)
    if m and m.group(1).lower() not in _SAFE_SCHEMES:
        return None
    return target


# -- inline -------------------------------------------------------------------------------------------
class _RefIds:
    """Hands out the ``id`` of each note reference: ``{note}-ref``, then ``{note}-ref2`` ..."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}

    def next(self, note_id: str) -> str:
        n = self.count.get(note_id, 0) + 1
        self.count[note_id] = n
        return f"{note_id}-ref" if n == 1 else f"{note_id}-ref{n}"


def _open_tag(mark: Mark, part: int | None = None, span: bool = False) -> tuple[str, str]:
    """Opening and closing tag of a span mark; ``part`` tags the pieces of a mark split in two.

    A link that overlaps another link cannot be an ``<a>`` (anchors do not nest): with ``span`` it is
    written as ``<span class="link" data-href=...>``, which the reader takes back as a link.
    """
    extra = f' data-part="{part}"' if part is not None else ""
    if mark.kind == "link":
        href = safe_href(mark.target)
        if href is None:
            return "", ""
        if span:
            return f'<span class="link" data-href="{_attr(href)}"{extra}>', "</span>"
        return f'<a href="{_attr(href)}"{extra}>', "</a>"
    tags = _SIMPLE_TAGS.get(mark.kind)
    if tags is None:
        return "", ""
    return (tags[0][:-1] + extra + ">" if extra else tags[0]), tags[1]


def _zero_width(mark: Mark, refs: _RefIds | None) -> str:
    if mark.kind == "linebreak":
        return "<br />"
    target = mark.target or ""
    label = mark.label if mark.label is not None else target
    ref_id = refs.next(target) if refs is not None and target else None
    id_attr = f' id="{_attr(ref_id)}"' if ref_id else ""
    return f'<sup class="enote"><a href="#{_attr(target)}"{id_attr}>[{_esc(label)}]</a></sup>'


def render_inline(text: str, marks: tuple[Mark, ...], refs: _RefIds | None = None, *, breaks: bool = True) -> str:
    """``text`` as escaped HTML with ``marks`` as properly nested tags.

    Overlapping marks are closed and reopened around each other; the pieces of a mark split that way
    carry the same ``data-part`` so that the reader joins them again. A newline in the text is written
    as ``<br />``; a ``linebreak`` mark at its offset is that same break and comes after the other
    zero-width marks there. Zero-width marks and empty spans are written at their offset in the order
    the document gives them. With
    ``breaks=False`` (preformatted text) newlines stay newlines and ``linebreak`` marks are ``<br />``.
    """
    if not marks and (not breaks or "\n" not in text):
        return _esc(text)
    n = len(text)
    spans: list[tuple[int, int, int, Mark]] = []
    zero: dict[int, list[Mark]] = {}
    for i, m in enumerate(marks):
        s = max(0, min(m.start, n))
        e = max(s, min(m.end, n))
        if m.kind in _ZERO_WIDTH or e == s:
            zero.setdefault(s, []).append(m)
        else:
            spans.append((s, e, i, m))
    spans.sort(key=lambda t: (t[0], -t[1]))  # stable: ties keep the document's order
    newlines = [i for i, ch in enumerate(text) if ch == "\n"] if breaks else []
    points = sorted({0, n, *(t[0] for t in spans), *(t[1] for t in spans), *zero, *newlines})
    html, split = _emit(text, spans, zero, points, refs, breaks, set())
    if split:  # some mark had to be split: write again, tagging the pieces of those marks
        if refs is not None:
            for m in marks:
                if m.kind == "noteref" and m.target:
                    refs.count[m.target] -= 1
        html, _ = _emit(text, spans, zero, points, refs, breaks, split)
    return html


def _emit(
    text: str,
    spans: list[tuple[int, int, int, Mark]],
    zero: dict[int, list[Mark]],
    points: list[int],
    refs: _RefIds | None,
    breaks: bool,
    tagged: set[int],
) -> tuple[str, set[int]]:
    n = len(text)
    by_start: dict[int, list[tuple[int, int, int, Mark]]] = {}
    as_span: set[int] = set()  # links overlapping an earlier link: written as span.link
    link_ends: list[int] = []
    for t in spans:
        by_start.setdefault(t[0], []).append(t)
        if t[3].kind == "link":
            link_ends = [e for e in link_ends if e > t[0]]
            if link_ends:
                as_span.add(t[2])
            link_ends.append(t[1])
    out: list[str] = []
    stack: list[tuple[int, int, Mark, str]] = []  # (index, end, mark, closing tag)
    split: set[int] = set()

    def reopen(items: list[tuple[int, int, Mark, str]]) -> None:
        for item in reversed(items):
            out.append(_open_tag(item[2], item[0] if item[0] in tagged else None, item[0] in as_span)[0])
            stack.append(item)

    prev = 0
    for p in points:
        if p > prev:
            out.append(_esc(text[prev:p]))
        prev = p
        # Close the marks ending here; close and reopen the ones above them that go on.
        if any(end == p for _i, end, _m, _c in stack):
            paused: list[tuple[int, int, Mark, str]] = []
            while any(end == p for _i, end, _m, _c in stack):
                item = stack.pop()
                out.append(item[3])
                if item[1] != p:
                    paused.append(item)
                    split.add(item[0])
            reopen(paused)
        # Zero-width marks, empty spans and the line break at this offset, in document order.
        newline = breaks and p < n and text[p] == "\n"
        used = False
        for zm in zero.get(p, ()):
            if zm.kind == "noteref" and any(it[2].kind == "link" and it[0] not in as_span for it in stack):
                paused = []  # a note reference is a link: close the <a> around it first
                while any(it[2].kind == "link" and it[0] not in as_span for it in stack):
                    item = stack.pop()
                    out.append(item[3])
                    paused.append(item)
                    split.add(item[0])
                out.append(_zero_width(zm, refs))
                reopen(paused)
            elif zm.kind == "linebreak" and newline and not used:
                used = True  # this mark is the newline's own <br />, written below
            elif zm.kind in _ZERO_WIDTH:
                out.append(_zero_width(zm, refs))
            else:
                op, cl = _open_tag(zm, None, zm.kind == "link" and any(it[2].kind == "link" for it in stack))
                out.append(op + cl)
        for _s, end, i, m in by_start.get(p, ()):
            op, cl = _open_tag(m, i if i in tagged else None, i in as_span)
            out.append(op)
            stack.append((i, end, m, cl))
        if newline:  # after the opening tags, so that a span starting at the newline covers it
            out.append("<br />")
            prev = p + 1
    while stack:
        out.append(stack.pop()[3])
    return "".join(out), split


# -- blocks -------------------------------------------------------------------------------------------
def _id_attr(anchor: str | None) -> str:
    return f' id="{_attr(anchor)}"' if anchor else ""


def _class_attr(style: str | None) -> str:
    return f' class="{_attr(style)}"' if style else ""


def _block(b: Block, refs: _RefIds, out: list[str], auto_id: str | None = None) -> None:
    ident = _id_attr(b.anchor or auto_id)
    kind = b.kind
    if kind == "heading":
        lv = b.level if b.level and 1 <= b.level <= 6 else 4
        out.append(f"<h{lv}{ident}{_class_attr(b.style)}>{render_inline(b.text, b.marks, refs)}</h{lv}>")
    elif kind == "paragraph":
        out.append(f"<p{ident}{_class_attr(b.style)}>{render_inline(b.text, b.marks, refs)}</p>")
    elif kind == "section_break":
        out.append(f'<hr class="section"{ident} />')
    elif kind == "preformatted":
        # The parser drops a newline right after <pre>: write one so that a leading newline survives.
        out.append(f"<pre{ident}{_class_attr(b.style)}>\n{_pre_inline(b, refs)}</pre>")
    elif kind == "list":
        tag = "ol" if b.ordered else "ul"
        out.append(f"<{tag}{ident}{_class_attr(b.style)}>")
        for item in b.children:
            _item(item, refs, out)
        out.append(f"</{tag}>")
    elif kind == "item":  # an item outside a list: render it as a one-item list
        out.append(f"<ul{ident}>")
        _item(b, refs, out)
        out.append("</ul>")
    elif kind == "quote":
        out.append(f"<blockquote{ident}{_class_attr(b.style)}>")
        if b.text:
            out.append(render_inline(b.text, b.marks, refs))
        for c in b.children:
            _block(c, refs, out)
        out.append("</blockquote>")
    elif kind == "note":
        cls = f"note {b.style}" if b.style else "note"
        out.append(f'<aside class="{_attr(cls)}"{ident}>')
        if b.text:
            out.append(render_inline(b.text, b.marks, refs))
        for c in b.children:
            _block(c, refs, out)
        out.append("</aside>")
    else:  # unknown kinds cannot pass model.validate; render the text rather than lose it
        out.append(f"<p{ident}>{render_inline(b.text, b.marks, refs)}</p>")


def _pre_inline(b: Block, refs: _RefIds) -> str:
    return render_inline(b.text, b.marks, refs, breaks=False)


def _item(item: Block, refs: _RefIds, out: list[str]) -> None:
    out.append(f"<li{_id_attr(item.anchor)}{_class_attr(item.style)}>{render_inline(item.text, item.marks, refs)}")
    for c in item.children:
        _block(c, refs, out)
    out.append("</li>")


# -- front matter -------------------------------------------------------------------------------------
def _source_attrs(src: Source) -> str:
    parts = []
    for name in ("periodical", "volume", "issue", "issue_label", "date", "season", "page_start", "page_end"):
        v = getattr(src, name)
        if v is not None:
            parts.append(f' data-{name.replace("_", "-")}="{_attr(str(v))}"')
    return "".join(parts)


def _credit_span(c: Credit, visible: bool) -> str:
    attrs = f' data-role="{_attr(c.role)}" data-name="{_attr(c.name)}"'
    if c.for_whom is not None:
        attrs += f' data-for="{_attr(c.for_whom)}"'
    if c.year is not None:
        attrs += f' data-year="{c.year}"'
    text = ""
    if visible:
        text = f"{_ROLE_WORDS.get(c.role, 'Credit:')} {c.name}"
        if c.for_whom:
            text += f" for {c.for_whom}"
        if c.year is not None:
            text += f" ({c.year})"
    return f'<span class="credit"{attrs}>{_esc(text)}</span>'


def _information(doc: Document) -> str:
    lines: list[str] = []
    src = doc.source
    has_source = src != Source()
    source_done = False
    for label, value in doc.info:
        if has_source and not source_done and label and src.raw and value == src.raw:
            body = f'<span class="citation"{_source_attrs(src)}>{_esc(value)}</span>'
            source_done = True
        else:
            body = _esc(value)
        lines.append(f'<span class="info">{_esc(label)}:</span> {body}' if label else body)
    if has_source and not source_done:
        lines.append(f'<span class="citation"{_source_attrs(src)}>{_esc(src.raw)}</span>')
    if doc.credits:
        shown = " ".join(v for _k, v in doc.info)
        lines.append("".join(_credit_span(c, c.name not in shown) for c in doc.credits))
    if not lines:
        return ""
    return '<p class="information">\n' + "<br />\n".join(lines) + "\n</p>"


def _header(doc: Document) -> str:
    out = ['<header class="masthead">']
    if doc.writers:
        spans = " and ".join(f'<span class="writer">{_esc(w)}</span>' for w in doc.writers)
        out.append(f'<h2 class="writers">{spans}</h2>')
    out.append(f"<h1>{_esc(doc.title)}</h1>")
    if doc.subtitle is not None:
        out.append(f'<h3 class="subtitle">{_esc(doc.subtitle)}</h3>')
    if doc.date_line is not None:
        out.append(f'<h3 class="date">{_esc(doc.date_line)}</h3>')
    info = _information(doc)
    if info:
        out.append(info)
    out.append("</header>")
    return "\n".join(out)


# -- notes --------------------------------------------------------------------------------------------
def _note(note: Note, refs: _RefIds, backrefs: set[str], out: list[str]) -> None:
    out.append(f'<div class="endnote" id="{_attr(note.id)}">')
    label = f"[{_esc(note.label)}]"
    back = (
        f'<a class="noteback" href="#{_attr(note.id)}-ref">{label}</a>'
        if note.id in backrefs
        else f'<a class="noteback">{label}</a>'
    )
    blocks = list(note.blocks)
    if blocks and blocks[0].kind == "paragraph":
        first = blocks.pop(0)
        out.append(f"<p{_id_attr(first.anchor)}{_class_attr(first.style)}>{back} ")
        out[-1] += render_inline(first.text, first.marks, refs) + "</p>"
    else:
        out.append(f'<p class="notelabel">{back}</p>')
    for b in blocks:
        _block(b, refs, out)
    out.append("</div>")


def _referenced(doc: Document) -> set[str]:
    return {m.target for b in doc.iter_blocks() for m in b.marks if m.kind == "noteref" and m.target}


# -- entry points -------------------------------------------------------------------------------------
def article_body(doc: Document) -> str:
    """The document as an HTML fragment: header (writers, title, subtitle, date, information), body
    blocks with ids (``anchor`` or ``p{index}``), notes with links both ways, ``hr.end``."""
    refs = _RefIds()
    out = [_header(doc)]
    anchors = {b.anchor for b in doc.blocks if b.anchor}
    for i, b in enumerate(doc.blocks):
        auto = f"p{i}"
        _block(b, refs, out, auto_id=None if auto in anchors else auto)
    if doc.notes:
        backrefs = _referenced(doc)
        out.append('<section class="notes">')
        out.append("<h4>Notes</h4>")
        for note in doc.notes:
            _note(note, refs, backrefs, out)
        out.append("</section>")
    out.append('<hr class="end" />')
    return "\n".join(out) + "\n"


def to_html(doc: Document) -> str:
    """A standalone HTML page for the document, readable back by :mod:`masthead.readers.html`."""
    lang = _attr(doc.language or "en")
    title = f"{'; '.join(doc.writers)}: {doc.title}" if doc.writers else doc.title
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{_esc(title)}</title>",
    ]
    if doc.writers:
        head.append(f'<meta name="author" content="{_attr(", ".join(doc.writers))}" />')
    if doc.source.raw:
        head.append(f'<meta name="description" content="{_attr(doc.source.raw)}" />')
    head.append(f'<meta name="masthead-id" content="{_attr(doc.id)}" />')
    head += ['<meta name="generator" content="Masthead" />', "</head>", "<body>"]
    return "\n".join(head) + "\n" + article_body(doc) + "</body>\n</html>\n"
