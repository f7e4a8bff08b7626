"""Exact reading of pages written by :func:`masthead.render.html.to_html` (``<header class="masthead">``).

Every element the renderer writes maps back onto one field: ``h2.writers > span.writer``, the ``h1``,
``h3.subtitle``, ``h3.date``, ``p.information`` lines (``span.info`` labels, ``span.citation`` and
``span.credit`` carrying the structured source and credits as ``data-`` attributes), body elements one
to one onto blocks (``id`` is the anchor unless it is the ``p{index}`` the renderer made up), and
``section.notes > div.endnote``. No heuristics: what is there is what the document holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from masthead.model import Block, Credit, Document, Note, Provenance, Source, make_document_id
from masthead.readers import Diagnostic, ReadError
from masthead.readers._htmlinline import BLOCK_TAGS, Inline, InlineContext, note_label

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

_INT_FIELDS = ("volume", "issue", "page_start", "page_end")
_STR_FIELDS = ("periodical", "issue_label", "date", "season")


def _text(ctx: InlineContext, node: LexborNode | None = None, nodes: list | None = None) -> Inline:
    b = Inline(ctx)
    if node is not None:
        b.walk(node)
    else:
        b.walk_nodes(nodes or [])
    return b


def _plain(ctx: InlineContext, node: LexborNode) -> str:
    return _text(ctx, node).finish()[0].replace("\n", " ")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _source(ctx: InlineContext, span: LexborNode) -> Source:
    attrs = span.attributes
    fields: dict = {}
    for name in _STR_FIELDS:
        v = attrs.get("data-" + name.replace("_", "-"))
        if v is not None:
            fields[name] = v
    for name in _INT_FIELDS:
        v = _int(attrs.get("data-" + name.replace("_", "-")))
        if v is not None:
            fields[name] = v
    return Source(raw=_plain(ctx, span), **fields)


def _credit(span: LexborNode) -> Credit | None:
    attrs = span.attributes
    role, name = attrs.get("data-role"), attrs.get("data-name")
    if role is None or name is None:
        return None
    return Credit(role=role, name=name, for_whom=attrs.get("data-for"), year=_int(attrs.get("data-year")))


def _information(ctx: InlineContext, p: LexborNode) -> tuple[list[tuple[str, str]], Source, list[Credit]]:
    info: list[tuple[str, str]] = []
    source = Source()
    credits: list[Credit] = []
    lines: list[list[LexborNode]] = [[]]
    for ch in p.iter(include_text=True):
        if ch.tag == "br":
            lines.append([])
        elif ch.tag[0] != "-" or ch.tag == "-text":
            lines[-1].append(ch)
    for nodes in lines:
        label = None
        rest: list[LexborNode] = []
        meta = False
        for ch in nodes:
            if ch.tag == "span":
                cls = ch.attributes.get("class") or ""
                if (
                    cls == "info"
                    and label is None
                    and not any(n.tag != "-text" or (n.text_content or "").strip() for n in rest)
                ):
                    label = _plain(ctx, ch)
                    label = label[:-1] if label.endswith(":") else label
                    continue
                if cls == "citation":
                    source = _source(ctx, ch)
                    meta = True
                elif cls == "credit":
                    c = _credit(ch)
                    if c is not None:
                        credits.append(c)
                    meta = True
                    continue
            rest.append(ch)
        value = _text(ctx, nodes=rest).finish()[0]
        if label is not None:
            info.append((label, value))
        elif value and not (meta and not _text(ctx, nodes=[n for n in rest if n.tag != "span"]).finish()[0]):
            info.append(("", value))
    return info, source, credits


class _Exact:
    def __init__(self, ctx: InlineContext) -> None:
        self.ctx = ctx

    def inline(self, nodes: list, pre: bool = False) -> tuple[str, tuple]:
        b = Inline(self.ctx, pre=pre)
        b.walk_nodes(nodes)
        return b.finish()

    def block(self, el: LexborNode, auto_id: str | None = None) -> Block | None:
        tag = el.tag
        attrs = el.attributes
        anchor = attrs.get("id")
        if anchor is not None and anchor == auto_id:
            anchor = None
        style = attrs.get("class")
        children = list(el.iter(include_text=True))
        if tag == "p":
            text, marks = self.inline(children)
            return Block("paragraph", text, marks, style=style, anchor=anchor)
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            text, marks = self.inline(children)
            return Block("heading", text, marks, level=int(tag[1]), style=style, anchor=anchor)
        if tag == "hr":
            return Block("section_break", anchor=anchor)
        if tag == "pre":
            text, marks = self.inline(children, pre=True)
            return Block("preformatted", text, marks, style=style, anchor=anchor)
        if tag in ("ul", "ol"):
            items = tuple(self.item(li) for li in el.iter() if li.tag == "li")
            return Block("list", ordered=tag == "ol", children=items, style=style, anchor=anchor)
        if tag in ("blockquote", "aside"):
            lead, kids = self.mixed(children)
            text, marks = self.inline(lead)
            kind = "quote" if tag == "blockquote" else "note"
            if kind == "note":
                style = " ".join(style.split()[1:]) if style else None
            return Block(kind, text, marks, children=kids, style=style or None, anchor=anchor)
        if tag in BLOCK_TAGS:  # not written by the renderer: keep the text
            text, marks = self.inline(children)
            return Block("paragraph", text, marks, anchor=anchor)
        return None

    def mixed(self, nodes: list) -> tuple[list, tuple[Block, ...]]:
        """Inline nodes before the first block child, and the blocks."""
        lead: list = []
        blocks: list[Block] = []
        for ch in nodes:
            if ch.tag in BLOCK_TAGS:
                b = self.block(ch)
                if b is not None:
                    blocks.append(b)
            elif not blocks:
                lead.append(ch)
        return lead, tuple(blocks)

    def item(self, li: LexborNode) -> Block:
        attrs = li.attributes
        lead, kids = self.mixed(list(li.iter(include_text=True)))
        text, marks = self.inline(lead)
        return Block("item", text, marks, children=kids, style=attrs.get("class"), anchor=attrs.get("id"))

    def note(self, div: LexborNode) -> Note:
        ctx = self.ctx
        back = div.css_first("a.noteback")
        label = note_label(back.text(), True) if back is not None else ""
        if back is not None:
            ctx.skip.add(back.mem_id)
        blocks = []
        for ch in div.iter():
            if ch.tag == "p" and (ch.attributes.get("class") or "") == "notelabel":
                continue
            b = self.block(ch)
            if b is not None:
                blocks.append(b)
        if back is not None:
            ctx.skip.discard(back.mem_id)
        return Note(id=div.attributes.get("id") or "", label=label, blocks=tuple(blocks))


def read_exact(
    tree: LexborHTMLParser, header: LexborNode, stem: str, provenance: Provenance | None = None
) -> tuple[Document, list[Diagnostic]]:
    """The document a :func:`~masthead.render.html.to_html` page holds (with ``provenance`` given)."""
    ctx = InlineContext(exact=True)
    ex = _Exact(ctx)
    writers = tuple(_plain(ctx, s) for s in header.css("h2.writers span.writer"))
    title = _plain(ctx, header.css_first("h1"))
    if not title:
        raise ReadError("no title: the page's header has an empty <h1>")
    sub = header.css_first("h3.subtitle")
    date = header.css_first("h3.date")
    p = header.css_first("p.information")
    info, source, credits = _information(ctx, p) if p is not None else ([], Source(), [])
    blocks: list[Block] = []
    notes: list[Note] = []
    container = header.parent
    for el in container.iter():
        tag = el.tag
        if el.mem_id == header.mem_id or (tag == "hr" and (el.attributes.get("class") or "") == "end"):
            continue
        if tag == "section" and "notes" in (el.attributes.get("class") or ""):
            notes.extend(ex.note(d) for d in el.iter() if d.tag == "div")
            continue
        b = ex.block(el, auto_id=f"p{len(blocks)}")
        if b is not None:
            blocks.append(b)
    html = tree.css_first("html")
    lang = (html.attributes.get("lang") if html is not None else None) or "en"
    doc = Document(
        id="x",
        title=title,
        subtitle=_plain(ctx, sub) if sub is not None else None,
        date_line=_plain(ctx, date) if date is not None else None,
        writers=writers,
        source=source,
        credits=tuple(credits),
        blocks=tuple(blocks),
        notes=tuple(notes),
        info=tuple(info),
        language=lang,
    )
    meta = tree.css_first('meta[name="masthead-id"]')
    doc_id = (meta.attributes.get("content") or "") if meta is not None else ""
    return doc.replace(id=doc_id or make_document_id(doc, fallback=stem), provenance=provenance or Provenance()), []
