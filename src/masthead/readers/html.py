"""Reader for MIA / ETOL HTML pages as the archives publish them (and as :mod:`masthead.render.html`
writes them).

The page is parsed with selectolax's lexbor backend, which repairs broken markup the way browsers do.
The body is walked once, in document order; layout containers (``div``, layout tables, the MIA
``blockquote > div.border`` frame, ``center``, ``font``) are flattened, so cells' paragraphs are read as
body in order. Each block-level element then goes through a small state machine:

- **front matter** before the body: ``p.title`` (writer line, the work a chapter belongs to — kept as an
  info pair ``("Part of", ...)`` — breadcrumbs dropped), a writer ``h2`` before the ``h1``, the title
  (the ``h1``, else the first heading), subtitle headings (``h2``/``h3``) and a date line ("(March
  1948)"), ``p.information`` lines with ``span.info`` labels (Written, Source, Transcription/Markup ...)
  or unlabelled ETOL lines ("From Labor Action, Vol. 12 No. 10, ...", "Transcribed & marked up by ...");
- **body**: paragraphs (``class`` kept as ``style``: ``fst``, ``sig``, ``indentb``, ``quoteb`` ...),
  headings, ``hr`` and ``* * *`` as section breaks (consecutive, leading and trailing breaks collapsed),
  block quotes, lists, ``pre``; ``a[name]`` anchors become the ``anchor`` of the block they start (an
  empty anchor at the end of a paragraph belongs to the next one, as MIA numbers paragraphs);
- **notes**: a paragraph that starts with an anchor a note reference points at (``<a name="e1"
  href="#eb1">A.</a>``, often in ``span.info``) starts a note; following paragraphs up to the next
  heading or rule continue it; a "Notes" / "Footnotes" heading just before is dropped;
- **navigation** is dropped: ``p.footer``, ``p.linkback``, ``p.skip``, ``p.next``, paragraphs or headings
  made only of links and separators; ``p.updat`` becomes the info pair ``("Last updated", ...)``.

Every info line becomes ``doc.info`` ``(label, text)`` in order (``""`` for unlabelled lines). The source
comes from the line labelled Source/From, else an unlabelled citation line, else First Published,
via :func:`masthead.citation.parse_citation` (``Source(raw=text)`` when it cannot be parsed); credits
from credit-labelled or credit-shaped lines via :func:`masthead.citation.parse_credits`. Writers come
from the page (writer line or heading), else from ``meta name=author`` unless that names a transcriber.

Pages written by :func:`masthead.render.html.to_html` (``<header class="masthead">``) are read exactly:
the header's classed elements and ``data-`` attributes give every front-matter field, and body elements
map one to one onto blocks, so ``read(to_html(doc)).document == doc`` apart from provenance.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from selectolax.lexbor import LexborHTMLParser, LexborNode

from masthead.model import Block, Document, ModelError, Note, Provenance, make_document_id, validate
from masthead.readers import Diagnostic, Parsed, ReadError
from masthead.readers._htmlexact import read_exact
from masthead.readers._htmlfront import (
    FrontMatter,
    content_lines,
    date_like,
    info_lines,
    links_only,
    nav_like,
    title_lines,
)
from masthead.readers._htmlinline import (
    BLOCK_TAGS,
    NOTE_LABEL,
    Inline,
    InlineContext,
    new_block,
    note_label,
    simple_text,
)

__all__ = ["read"]

_HREF_FRAG = re.compile(r"""href\s*=\s*["']?#([^"'\s>]+)""")
_HREF_FRAG_UPPER = re.compile(r"""H(?:REF|ref)\s*=\s*["']?#([^"'\s>]+)""")
_NAV_CLASSES = frozenset(
    "footer linkback skip next prev previous nav navigation breadcrumb breadcrumbs toplink back".split()
)
_CONTAINERS = frozenset(
    """div center table tbody thead tfoot tr td th form body section article main header footer fieldset
    figure address html caption details hgroup dl dt dd figcaption menu summary li blockquote""".split()
)
_DROP = frozenset(
    """script style noscript template iframe object embed svg nav img map form input select textarea button
    head title meta link br audio video canvas colgroup col""".split()
)
# How events() treats each tag (tags not listed are inline; "-comment" and the like are skipped).
_TEXT, _ANCHOR, _BLOCK, _DROPPED, _ITEM, _FLATTEN, _QUOTE = range(7)
_EVENT_KIND: dict[str, int] = {"-text": _TEXT, "a": _ANCHOR}
_EVENT_KIND.update(dict.fromkeys(BLOCK_TAGS, _BLOCK))
_EVENT_KIND.update(dict.fromkeys(_CONTAINERS & BLOCK_TAGS, _FLATTEN))
_EVENT_KIND.update({"li": _ITEM, "dt": _ITEM, "dd": _ITEM, "blockquote": _QUOTE})
_EVENT_KIND.update(dict.fromkeys(_DROP, _DROPPED))
_PLAIN_CLASSES = frozenset({"", "fst", "indentb", "quoteb", "quote", "sig", "pagenoted", "indent", "date"})
_BLOCK_SELECTOR = "p, div, table, ul, ol, blockquote, h1, h2, h3, h4, h5, h6, hr, pre"
_NOTE_CLASSES = frozenset({"information", "fst", "note", "endnote", "footnote", "notes"})
_RULE = re.compile(r"^(?:[*x×·•~]\s*){2,}$|^[-_—–=]{3,}$")
_NOTES_HEADING = re.compile(
    r"^(?:(?:foot|end|editor[’']?s?|translator[’']?s?|author[’']?s?|mia|transcriber[’']?s?)\s*)?notes?"
    r"(?:\s+(?:and|&)\s+references)?\s*:?$",
    re.IGNORECASE,
)
_FRAME = "div.border, h1, h2, p.footer, p.title, p.information, hr.end, p.linkback"
_LABEL_PREFIX = re.compile(r"^[\[(]?(\d{1,3}[a-z]?|[A-Za-z]|\*{1,3})[.\])]\s+")


class _Body:
    """The non-exact body walk: front matter, blocks, notes."""

    def __init__(self, tree: LexborHTMLParser, text: str, ctx: InlineContext) -> None:
        self.tree = tree
        self.source = text
        self.ctx = ctx
        self.front = FrontMatter()
        self.warnings: list[Diagnostic] = []
        self.blocks: list = []
        self.notes: list = []
        self.state = "pre"  # pre -> post (title found) -> body
        self.has_h1 = bool(tree.tags("h1"))  # an h1 is always in the body (the parser moves it there)
        # Two regex scans of the page (each with a literal prefix) beat one with alternatives, and a scan
        # for HREF/Href costs as much as the regex that finds nothing without them.
        self.frag_targets = set(_HREF_FRAG.findall(text))
        self.frag_targets.update(_HREF_FRAG_UPPER.findall(text))
        self.pending_anchors: list[str] = []
        self.pending_break: object | None = None  # a section_break Block waiting for a following block
        self.pending_heading = None  # a "Notes" heading waiting to see whether notes follow
        self.note = None  # [id, label, blocks] of the note being read
        self.note_open = False
        self.post_rule = False  # a rule met after the title: headings after it are body, not subtitles
        self.info_seen = False  # a p.information met before the body

    # -- utilities ------------------------------------------------------------------------------
    def line_of(self, snippet: str) -> int | None:
        snippet = snippet.strip()[:30]
        if len(snippet) < 4:
            return None
        idx = self.source.find(snippet)
        return self.source.count("\n", 0, idx) + 1 if idx >= 0 else None

    def warn(self, message: str, snippet: str = "") -> None:
        self.warnings.append(Diagnostic(message, self.line_of(snippet) if snippet else None))

    def inline(self, node: LexborNode | None = None, nodes: list | None = None, pre: bool = False) -> Inline:
        b = Inline(self.ctx, pre=pre)
        if node is not None:
            b.walk(node)
        else:
            b.walk_nodes(nodes or [])
        return b

    # -- walking --------------------------------------------------------------------------------
    def events(self, node: LexborNode, out: list | None = None) -> list:
        """Block-level items under ``node``, containers flattened, in document order:
        ``("el", node, tag)``, ``("inline", [nodes], None)`` for bare inline content, ``("anchor", name,
        None)`` for an empty ``a[name]`` between blocks."""
        if out is None:
            out = []
        run: list[LexborNode] = []
        kinds = _EVENT_KIND
        for ch in node.iter(include_text=True):
            tag = ch.tag
            kind = kinds.get(tag)
            if kind == _TEXT:
                if run or not ch.text_content.isspace():
                    run.append(ch)
                continue
            if kind is not None and kind != _ANCHOR:  # a block-level tag
                if run:
                    out.append(("inline", run, None))
                    run = []
                if kind == _BLOCK:
                    out.append(("el", ch, tag))
                elif kind == _DROPPED:
                    continue
                elif kind == _ITEM:
                    out.append(("el", ch, "p-like"))
                elif kind == _FLATTEN or ch.css_first(_FRAME) is not None:  # a quote framing the page
                    self.events(ch, out)
                else:
                    out.append(("el", ch, tag))
            elif tag[0] == "-":
                continue
            elif kind == _ANCHOR and (ch.first_child is None or not ch.text().strip()):
                attrs = ch.attributes
                name = attrs.get("name") or attrs.get("id")
                if name and not attrs.get("href") and not run:
                    out.append(("anchor", name, None))
                elif run:
                    run.append(ch)
            elif ch.css_first(_BLOCK_SELECTOR) is not None:
                if run:
                    out.append(("inline", run, None))
                    run = []
                self.events(ch, out)
            else:
                run.append(ch)
        if run:
            out.append(("inline", run, None))
        return out

    # -- the state machine ----------------------------------------------------------------------
    def run(self) -> None:
        for kind, node, tag in self.events(self.tree.body):
            if kind == "anchor":
                self.pending_anchors.append(node)
            elif kind == "inline":
                self.paragraph(self.inline(nodes=node), None, None)
            elif tag in ("p", "p-like"):
                self.p_element(node)
            elif tag[0] == "h" and len(tag) == 2 and tag[1] in "123456":
                self.heading(node, int(tag[1]))
            elif tag == "hr":
                if self.state == "body":
                    self.section_break()
                elif self.state == "post":
                    self.post_rule = True
            else:
                self.other_block(node, tag)
        self.finish_note()
        if self.pending_heading is not None:
            self.emit(self.pending_heading)
            self.pending_heading = None

    def p_element(self, el: LexborNode) -> None:
        cls = el.attributes.get("class") or ""
        if self.state == "body" and cls in _PLAIN_CLASSES:
            simple = simple_text(el)  # the common case: plain text, maybe MIA's numbering anchors
            if simple is not None and not (simple[1] and simple[1] in self.frag_targets):
                text, lead, trail = simple
                if text:
                    block = new_block("paragraph", text, (), None, False, (), cls or None, self.take_anchor(lead))
                    if self.note_open:
                        self.note_block(block)
                    else:
                        self.emit(block)
                elif lead:
                    self.pending_anchors.append(lead)
                self.pending_anchors.extend(trail)
                return
        classes = set(cls.lower().split())
        if classes & _NAV_CLASSES or ("link" in classes and not el.text().strip()):
            return
        if "updat" in classes:
            text = self.inline(el).finish()[0].replace("\n", " ")
            m = re.match(r"(?i)last\s+updated?\s*(?:on)?\s*:?\s*(.*)$", text)
            if text:
                self.front.info.append(("Last updated", m.group(1)) if m else ("", text))
            return
        if "title" in classes and self.state != "body":
            if el.css_first("a.title") is None:
                for line in title_lines(self.inline(el).finish()[0]):
                    self.front.title_line(line, first=not self.front.writers)
            return
        start = self.note_start(el)
        if start is not None:
            self.start_note(el, *start)
            return
        if "information" in classes:
            if self.note_open:
                self.note_block(self.block_p(el, None))
                return
            lines = info_lines(el, self.ctx)
            if self.state != "body":
                self.front.info.extend(lines)
                self.info_seen = True
                return
            if lines and all(self.front.credit_like(label, value) for label, value in lines):
                self.front.info.extend(lines)
                return
        self.paragraph(self.inline(el), " ".join(cls.split()) or None, el)

    def paragraph(self, b: Inline, style: str | None, el: LexborNode | None) -> None:
        text, marks = b.finish()
        lead = b.lead_anchor()
        trail = b.trail_anchors()
        if (not text and not any(m.kind == "noteref" for m in marks)) or links_only(text, marks):
            self.pending_anchors.extend(a for a in ([lead] if lead else []) + trail if a)
            return
        if self.state != "body":
            if self.front_paragraph(text, el):
                self.pending_anchors.extend(trail)
                return
        block = new_block("paragraph", text, marks, None, False, (), style or None, self.take_anchor(lead))
        if self.note_open:
            self.note_block(block)
        else:
            self.emit(block)
        self.pending_anchors.extend(trail)

    def front_paragraph(self, text: str, el: LexborNode) -> bool:
        """Handle a plain paragraph met before the body; True when it was front matter."""
        front = self.front
        if len(text) < 80 and date_like(text) and front.date_line is None:
            front.date_line = text
            return True
        if front.by_line(text):
            return True
        if self.state == "pre" and self.has_h1:
            if el is not None and nav_like(el):
                return True
            self.warn(f"unrecognised front matter before the title: {text[:60]!r}", text)
            return True
        if self.state == "pre":
            front.title_from_page(self.tree)
        self.state = "body"
        return False

    def heading(self, el: LexborNode, level: int) -> None:
        simple = simple_text(el)
        if simple is not None:
            text, lead, trail = simple
            marks: tuple = ()
        else:
            b = self.inline(el)
            text, marks = b.finish()
            lead, trail = b.lead_anchor(), b.trail_anchors()
        if not text or links_only(text, marks):
            self.pending_anchors.extend(a for a in [lead, *trail] if a)
            return
        if _RULE.match(text):
            if self.state == "body":
                self.section_break()
            return
        if self.state == "pre":
            if self.has_h1 and level != 1:
                self.front.heading_before_title(" ".join(content_lines(text, marks)))
                return
            self.front.title = " ".join(content_lines(text, marks))
            self.front.title_level = level
            self.state = "post"
            return
        if self.state == "post":
            if date_like(text) and self.front.date_line is None:
                self.front.date_line = text.replace("\n", " ")
                return
            if level <= 3 and not (self.post_rule or self.info_seen) and not _NOTES_HEADING.match(text):
                self.front.add_subtitle(" ".join(content_lines(text, marks)))
                return
            self.state = "body"
        self.finish_note()
        block = new_block("heading", text, marks, level, False, (), None, self.take_anchor(lead))
        if _NOTES_HEADING.match(text):
            if self.pending_heading is not None:
                self.emit(self.pending_heading)
            self.pending_heading = block
        else:
            self.emit(block)
        self.pending_anchors.extend(trail)

    def other_block(self, el: LexborNode, tag: str) -> None:
        block = self.convert(el, tag)
        if block is None:
            return
        if self.state != "body":
            if self.state == "pre" and self.has_h1:
                self.warn(f"unrecognised {tag} before the title", block.plain_text())
                return
            if self.state == "pre":
                self.front.title_from_page(self.tree)
            self.state = "body"
        if self.note_open and tag != "table":
            self.note_block(block)
        else:
            self.emit(block)

    # -- blocks ---------------------------------------------------------------------------------
    def convert(self, el: LexborNode, tag: str):
        """A nested block element as a Block (None when empty)."""
        if tag == "blockquote":
            children = tuple(self.nested(el))
            if not children:
                return None
            return Block("quote", children=children, anchor=self.take_anchor(None))
        if tag in ("ul", "ol", "menu"):
            items = []
            for li in el.iter():
                if li.tag != "li":
                    continue
                b = self.inline(nodes=[c for c in li.iter(include_text=True) if c.tag not in BLOCK_TAGS])
                text, marks = b.finish()
                kids = tuple(self.nested(li, blocks_only=True))
                if text or kids:
                    items.append(Block("item", text, marks, children=kids, anchor=b.lead_anchor()))
            if not items:
                return None
            return Block("list", ordered=tag == "ol", children=tuple(items), anchor=self.take_anchor(None))
        if tag == "pre":
            text, marks = self.inline(el, pre=True).finish()
            text = text.strip("\n").rstrip()
            marks = tuple(m for m in marks if m.end <= len(text))
            if not text:
                return None
            return Block("preformatted", text, marks, anchor=self.take_anchor(None))
        if tag[0] == "h" and len(tag) == 2:
            text, marks = self.inline(el).finish()
            return Block("heading", text, marks, level=int(tag[1])) if text else None
        if tag == "hr":
            return Block("section_break")
        return self.block_p(el, el.attributes.get("class"))

    def block_p(self, el: LexborNode, style: str | None):
        text, marks = self.inline(el).finish()
        if not text:
            return None
        return new_block("paragraph", text, marks, None, False, (), " ".join(style.split()) if style else None)

    def nested(self, node: LexborNode, blocks_only: bool = False):
        """Blocks inside a quote or list item; bare inline text in a quote becomes a paragraph."""
        for kind, n, tag in self.events(node):
            if kind == "inline":
                if blocks_only:
                    continue
                text, marks = self.inline(nodes=n).finish()
                if text:
                    yield Block("paragraph", text, marks)
            elif kind == "el":
                if tag == "p-like":
                    tag = "p"
                if tag in ("ul", "ol", "blockquote", "pre") or tag[0] == "h" and len(tag) == 2:
                    b = self.convert(n, tag)
                elif tag == "hr":
                    b = Block("section_break")
                else:
                    b = self.block_p(n, n.attributes.get("class"))
                if b is not None:
                    yield b

    # -- emission -------------------------------------------------------------------------------
    def take_anchor(self, own: str | None) -> str | None:
        if not self.pending_anchors:
            return own
        pending, self.pending_anchors = self.pending_anchors, []
        if own:
            return own
        for name in pending:
            if name in self.frag_targets:
                return name
        return pending[0] if pending else None

    def section_break(self) -> None:
        self.finish_note()
        if self.pending_heading is not None:
            self.emit(self.pending_heading)
            self.pending_heading = None
        if self.pending_break is None and self.blocks:
            self.pending_break = new_block("section_break", "", (), None, False, (), None, self.take_anchor(None))

    def emit(self, block) -> None:
        if self.pending_heading is not None and block is not self.pending_heading:
            heading, self.pending_heading = self.pending_heading, None
            self.emit(heading)
        if self.pending_break is not None:
            self.blocks.append(self.pending_break)
            self.pending_break = None
        self.blocks.append(block)

    # -- notes ----------------------------------------------------------------------------------
    def note_start(self, el: LexborNode):
        """(id, label or None, label node) when the paragraph starts a note, else None."""
        first = _first_meaningful(el)
        if first is None or first.tag == "-text":
            return None
        a = first
        if a.tag in ("span", "sup", "b", "strong", "small", "font", "em", "i"):
            a = _first_meaningful(a)
            if a is None:
                return None
        if a.tag != "a":
            return None
        attrs = a.attributes
        name = attrs.get("name") or attrs.get("id")
        if not name:
            return None
        href = attrs.get("href") or ""
        label = a.text().strip()
        if label:
            if NOTE_LABEL.match(label) and (name in self.frag_targets or href[:1] == "#"):
                return name, note_label(label), a
            return None
        if name in self.frag_targets and name in self.ctx.ref_targets:
            return name, None, a
        return None

    def start_note(self, el: LexborNode, note_id: str, label: str | None, label_node: LexborNode) -> None:
        self.ctx.skip.add(label_node.mem_id)
        self.ctx.in_note = True
        try:
            b = self.inline(el)
        finally:
            self.ctx.in_note = False
            self.ctx.skip.discard(label_node.mem_id)
        text, marks = b.finish()
        if label is None:
            m = _LABEL_PREFIX.match(text)
            if not m:  # an anchor that only looked like a note: keep the paragraph
                self.paragraph(self.inline(el), el.attributes.get("class"), el)
                return
            label, cut = m.group(1), m.end()
            text = text[cut:]
            marks = tuple(
                type(mk)(max(mk.start - cut, 0), max(mk.end - cut, 0), mk.kind, mk.target, mk.label) for mk in marks
            )
        self.finish_note()
        if self.pending_heading is not None:
            self.pending_heading = None  # the "Notes" heading of this notes section
        if self.state != "body":
            self.state = "body"
        used = {n[0] for n in self.notes}
        if note_id in used:
            self.warn(f"two notes with the id {note_id!r}; the second renamed", text)
            k = 2
            while f"{note_id}-{k}" in used:
                k += 1
            note_id = f"{note_id}-{k}"
        style = el.attributes.get("class")
        if style and style.lower() in _NOTE_CLASSES:
            style = None
        first = new_block("paragraph", text, marks, None, False, (), style) if text else None
        self.note = [note_id, label, [first] if first else []]
        self.note_open = True

    def note_block(self, block) -> None:
        if block is not None and self.note is not None:
            self.note[2].append(block)

    def finish_note(self) -> None:
        if self.note is not None:
            self.notes.append(self.note)
        self.note = None
        self.note_open = False


def _first_meaningful(node: LexborNode) -> LexborNode | None:
    for ch in node.iter(include_text=True):
        tag = ch.tag
        if tag == "-text":
            if (ch.text_content or "").strip():
                return ch
            continue
        if tag[0] == "-":
            continue
        return ch
    return None


def read(text: str, *, path: str = "") -> Parsed:
    """Read one MIA / ETOL HTML page (already decoded to ``str``) into a :class:`Document`.

    Raises :class:`ReadError` for a page with no recognisable title or that cannot be parsed.
    """
    try:
        tree = LexborHTMLParser(text)
    except Exception as exc:  # selectolax refuses e.g. lone surrogates
        raise ReadError(f"not parseable as HTML: {exc}") from None
    if tree.body is None:
        raise ReadError("not an HTML page: no body")
    stem = PurePath(path).stem if path else ""
    try:
        provenance = Provenance(path=path, format="html")
        header = tree.body.css_first("header.masthead") if tree.tags("header") else None
        if header is not None and header.css_first("h1") is not None:
            doc, warnings = read_exact(tree, header, stem, provenance)
        else:
            doc, warnings = _read_page(tree, text, stem, provenance)
        validate(doc)
    except ReadError:
        raise
    except ModelError as exc:
        raise ReadError(f"page makes an invalid document: {exc}") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise ReadError(f"internal error reading the page: {type(exc).__name__}: {exc}") from None
    return Parsed(doc, warnings)


def _read_page(
    tree: LexborHTMLParser, text: str, stem: str, provenance: Provenance
) -> tuple[Document, list[Diagnostic]]:
    ctx = InlineContext(exact=False)
    body = _Body(tree, text, ctx)
    body.run()
    front = body.front
    if not front.title:
        front.title_from_page(tree)
    if not front.title:
        m = re.search(r"<body", text, re.IGNORECASE)
        line = text.count("\n", 0, m.start()) + 1 if m else 1
        raise ReadError("no title: no heading and no <title> in the page", line=line)
    if front.title_from_tag:
        body.warn(f"no heading for the title; taken from <title>: {front.title[:60]!r}")
    notes = tuple(Note(n[0], n[1] or n[0], tuple(n[2])) for n in body.notes)
    note_ids = {n.id for n in notes}
    for target in sorted(ctx.ref_targets - note_ids):
        body.warn(f"note reference to #{target}, but no note has that id")
    blocks = body.blocks
    while blocks and blocks[-1].kind == "section_break":
        blocks.pop()
    fields = front.document_fields(tree, body.warnings)
    lang = _language(tree)
    doc = Document(id="x", blocks=tuple(blocks), notes=notes, language=lang, **fields)
    return doc.replace(id=make_document_id(doc, fallback=stem), provenance=provenance), body.warnings


def _language(tree: LexborHTMLParser) -> str:
    html = tree.root  # the <html> element
    if html is not None:
        attrs = html.attributes
        lang = (attrs.get("lang") or attrs.get("xml:lang") or "").strip()
        if lang:
            return lang
    return "en"
