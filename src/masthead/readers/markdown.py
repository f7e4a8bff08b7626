"""Markdown reader: Pandoc conversions of Marxists Internet Archive pages (and plain CommonMark).

The text is tokenised once by markdown-it-py (CommonMark plus the front-matter, footnote, attrs and
container plugins of mdit-py-plugins); this module turns the token stream into intermediate blocks
(:class:`~masthead.readers._mdfront.IBlock`) with plain text and :class:`~masthead.model.Mark` spans,
and :mod:`masthead.readers._mdfront` assembles the document: front matter, source block, body, notes,
with the site's navigation dropped.

Conventions (Pandoc's, since the MIA pages were written by Pandoc with its ``smart`` extension):

- unescaped ``--`` is an en dash "–", ``---`` an em dash "—", ``...`` an ellipsis "…"; escaped
  ``\\--`` / ``\\...`` stay literal hyphens and dots. Straight quotes are kept straight (escaped or not),
  so that names such as "Workers' Republic" read the same everywhere.
- ``\\`` at a line end is a hard line break: the block's text gets ``"\\n"`` and a zero-width
  ``linebreak`` mark at that offset; ``\\ `` is a non-breaking space.
- Pandoc grid tables (``+---+`` / ``| ... |``) are layout on these pages: each cell is read as
  Markdown and its blocks stand in the table's place. Simple tables (rows between ``---- ----``
  rules) become a ``preformatted`` block.
- ``[text]{.underline}`` reads as emphasis, ``{.smallcaps}``, ``{.superscript}`` and
  ``{.subscript}`` spans as those marks; images and raw HTML are dropped.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from masthead.model import Mark, Provenance, make_document_id
from masthead.readers import Diagnostic, Parsed, ReadError
from masthead.readers._mdblocks import IBlock, finish_text
from masthead.readers._mdfront import assemble

__all__ = ["read", "parser"]


def _any_container(params: str, *args: object) -> bool:
    return True


def _make_parser(*, containers: bool = True) -> MarkdownIt:
    md = (
        MarkdownIt("commonmark")
        .use(front_matter_plugin)
        .use(footnote_plugin, inline=False)
        .use(attrs_plugin, spans=True)
        .use(attrs_block_plugin)
    )
    if containers:
        md.use(container_plugin, name="div", validate=_any_container)
    # Escapes and entities stay separate ``text_special`` tokens (so smart punctuation skips them), and
    # footnote definitions stay where they stand in the stream (so their order is the author's).
    md.disable(["text_join", "footnote_tail"])
    return md


_MD = _make_parser()
_MD_PLAIN = _make_parser(containers=False)


def parser() -> MarkdownIt:
    """The module's configured (cached) MarkdownIt instance."""
    return _MD


def tokenize(text: str) -> list[Token]:
    """Block tokens for ``text``.

    The container plugin can fail on some unterminated ``:::`` fences inside block quotes; such text is
    tokenised again without it (the fence lines then read as text).
    """
    if not text.endswith("\n"):
        text += "\n"
    try:
        return _MD.parse(text)
    except IndexError:
        return _MD_PLAIN.parse(text)


# -- inline ------------------------------------------------------------------------------------------
_SMART = re.compile(r"-{2,}|\.{3,}")
_SMART_MAP = {"--": "\u2013", "---": "\u2014", "...": "\u2026"}
_SPAN_CLASSES = {
    "emphasis": "emphasis",
    "strong": "strong",
    "underline": "emphasis",
    "ul": "emphasis",
    "smallcaps": "smallcaps",
    "small-caps": "smallcaps",
    "superscript": "superscript",
    "sup": "superscript",
    "subscript": "subscript",
    "sub": "subscript",
}
_BR = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_HEADING_ATTRS = re.compile(r"\s*\{\s*([#.][^{}]*)\}\s*$")


def _smart(s: str) -> str:
    if "--" not in s and "..." not in s:
        return s
    return _SMART.sub(lambda m: _SMART_MAP.get(m.group(), m.group()), s)


class Inline:
    """The result of reading one inline token list: plain text, marks, and a little bookkeeping."""

    __slots__ = ("text", "marks", "link_ids", "span_id", "break_lines")

    def __init__(self) -> None:
        self.text = ""
        self.marks: list[Mark] = []
        self.link_ids: dict[int, str] = {}
        self.span_id: str | None = None
        self.break_lines: list[int] = []


def read_inline(children: list[Token] | None) -> Inline:
    """Plain text and marks for an ``inline`` token's children (not yet stripped or normalised)."""
    out = Inline()
    parts: list[str] = []
    n = 0
    src_line = 0
    marks = out.marks
    stack: list[tuple[str, int, str | None]] = []
    for t in children or ():
        tt = t.type
        if tt == "text":
            s = _smart(t.content)
        elif tt == "text_special":
            s = "\u00a0" if t.content == "\\ " else t.content
        elif tt == "softbreak":
            s = " "
            src_line += 1
        elif tt == "hardbreak":
            marks.append(Mark(n, n, "linebreak"))
            s = "\n"
            src_line += 1
            out.break_lines.append(src_line)
        elif tt == "em_open" or tt == "strong_open":
            stack.append(("emphasis" if tt == "em_open" else "strong", n, None))
            continue
        elif tt == "link_open":
            href = str(t.attrs.get("href", ""))
            ident = t.attrs.get("id")
            if ident is not None:
                out.link_ids[n] = str(ident)
            stack.append(("link", n, href))
            continue
        elif tt == "span_open":
            cls = str(t.attrs.get("class", "")).split()
            kind = next((_SPAN_CLASSES[c] for c in cls if c in _SPAN_CLASSES), "")
            if "id" in t.attrs and n == 0:
                out.span_id = str(t.attrs["id"])
            stack.append((kind, n, None))
            continue
        elif tt in ("em_close", "strong_close", "link_close", "span_close"):
            if stack:
                kind, start, target = stack.pop()
                if kind and n > start:
                    marks.append(Mark(start, n, kind, target=target))
            continue
        elif tt == "footnote_ref":
            label = str(t.meta.get("label") or t.meta.get("id", ""))
            # A note reference hugs the word before it: "word [^1]" reads as "word[^1]".
            if parts and parts[-1].endswith(" "):
                joined = "".join(parts).rstrip(" ")
                parts = [joined]
                n = len(joined)
                marks[:] = [_clamp(m, n) for m in marks]  # marks that covered the spaces end before them
                stack = [(k, min(start, n), target) for k, start, target in stack]
            marks.append(Mark(n, n, "noteref", target=label, label=label))
            continue
        elif tt == "image":  # pictures are not part of the text (their alt text neither)
            continue
        elif tt == "code_inline":
            s = t.content
        elif tt == "html_inline":
            if _BR.match(t.content.strip()):
                marks.append(Mark(n, n, "linebreak"))
                s = "\n"
                out.break_lines.append(src_line)
            else:
                continue
        else:  # footnote_anchor and anything a plugin adds without text
            s = t.content
            if not s:
                continue
        if s != "\n" and n and parts[-1].endswith("\n"):  # a new line never starts with spaces
            s = s.lstrip(" \t")
            if not s:
                continue
        parts.append(s)
        n += len(s)
    text = "".join(parts)
    if _ends_with_pandoc_break(children) and text.endswith("\\"):
        # Pandoc writes a hard line break as a backslash at the end of a line; at the end of a block
        # CommonMark keeps it as a literal backslash, which is an artefact, not text.
        text = text[:-1].rstrip(" ")
        marks[:] = [_clamp(m, len(text)) for m in marks]
    out.text = text
    return out


_CLOSERS = frozenset({"em_close", "strong_close", "link_close", "span_close"})


def _ends_with_pandoc_break(children: list[Token] | None) -> bool:
    """Whether the inline content ends with an unescaped backslash (an escaped one is ``text_special``)."""
    for t in reversed(children or ()):
        if t.type not in _CLOSERS:
            return t.type == "text" and t.content.endswith("\\")
    return False


def _clamp(m: Mark, size: int) -> Mark:
    if m.end <= size:
        return m
    return Mark(min(m.start, size), size, m.kind, m.target, m.label)  # an empty span is dropped later


# -- blocks ------------------------------------------------------------------------------------------
_GRID_BORDER = re.compile(r"^\+(?:[-=:]+\+)+\s*$")
_SIMPLE_RULE = re.compile(r"^\s*-+(?:[ \t]+-+)+\s*$")
_YAML_TITLE = re.compile(r"^title:\s*(.*?)\s*$", re.MULTILINE)


class _Ctx:
    __slots__ = ("warnings", "yaml_title", "depth")

    def __init__(self) -> None:
        self.warnings: list[Diagnostic] = []
        self.yaml_title: str | None = None
        self.depth = 0


def _line(tok: Token, offset: int) -> int:
    return (tok.map[0] if tok.map else 0) + offset + 1


def _inline_block(kind: str, inl: Token, line: int, open_tok: Token | None = None) -> IBlock:
    r = read_inline(inl.children)
    b = IBlock(kind, line)
    b.text, b.marks, shift = finish_text(r.text, r.marks)
    b.break_lines = r.break_lines
    b.lead_link_id = r.link_ids.get(shift) if r.link_ids else None
    if open_tok is not None and open_tok.attrs:
        if "id" in open_tok.attrs:
            b.anchor = str(open_tok.attrs["id"])
        cls = str(open_tok.attrs.get("class", "")).split()
        if cls:
            b.style = cls[0]
    if kind == "heading" and r.span_id and b.anchor is None:
        b.anchor = r.span_id  # "### [Heading]{#s1}": Pandoc's way of giving a heading an id
    return b


def _heading(open_tok: Token, inl: Token, offset: int) -> IBlock:
    children = inl.children or []
    anchor = style = None
    # Pandoc's trailing "{#id .class}" on a heading is not an inline attribute for markdown-it.
    if children and children[-1].type == "text" and "{" in children[-1].content:
        last = children[-1]
        m = _HEADING_ATTRS.search(last.content)
        if m:
            for part in m.group(1).split():
                if part.startswith("#") and len(part) > 1:
                    anchor = part[1:]
                elif part.startswith(".") and len(part) > 1 and style is None:
                    style = part[1:]
            trimmed = Token("text", "", 0)
            trimmed.content = last.content[: m.start()]
            inl = Token("inline", "", 0)
            inl.children = [*children[:-1], trimmed]
    b = _inline_block("heading", inl, _line(open_tok, offset), open_tok)
    if "\n" in b.text:  # a setext heading over several lines is still one line of text
        b.text = b.text.replace("\n", " ")
        b.marks = [m for m in b.marks if m.kind != "linebreak"]
    b.level = int(open_tok.tag[1]) if open_tok.tag[1:].isdigit() else 1
    b.anchor = anchor or b.anchor
    b.style = style or b.style
    return b


def _grid_cells(content: str) -> list[str] | None:
    """The cells of a Pandoc grid table (row by row, left to right), or None if it is not one."""
    lines = content.split("\n")
    if len(lines) < 3 or not _GRID_BORDER.match(lines[0]) or not _GRID_BORDER.match(lines[-1]):
        return None
    if any(not ln.startswith(("+", "|")) for ln in lines):
        return None
    cols = [i for i, ch in enumerate(lines[0]) if ch == "+"]
    cells: list[str] = []
    row: list[list[str]] = [[] for _ in cols[:-1]]
    for ln in lines[1:]:
        if _GRID_BORDER.match(ln):
            cells.extend("\n".join(c) for c in row)
            row = [[] for _ in cols[:-1]]
            continue
        for k in range(len(cols) - 1):
            piece = ln[cols[k] + 1 : cols[k + 1]]
            row[k].append((piece[1:] if piece.startswith(" ") else piece).rstrip())
    return [c.rstrip() for c in cells if c.strip()]


def _simple_table(rule_line: str, rows: list[str]) -> str:
    """Rows of a Pandoc simple table as aligned plain text (cells parsed as inline Markdown)."""
    starts = [m.start() for m in re.finditer(r"-+", rule_line)]
    table: list[list[str]] = []
    for row in rows:
        cells = []
        for k, s in enumerate(starts):
            e = starts[k + 1] if k + 1 < len(starts) else len(row)
            raw = row[s:e].strip() if s < len(row) else ""
            cells.append(read_inline(_MD.parseInline(raw)[0].children).text.strip() if raw else "")
        table.append(cells)
    widths = [max(len(r[k]) for r in table) for k in range(len(starts))]
    out = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    return "\n".join(out)


def convert(tokens: list[Token], lines: list[str], ctx: _Ctx, offset: int = 0) -> list[IBlock]:
    """Intermediate blocks for a (sub)stream of block tokens; ``offset`` is added to line numbers."""
    out: list[IBlock] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        tt = t.type
        if tt == "paragraph_open":
            inl = tokens[i + 1]
            cells = _grid_cells(inl.content) if inl.content.startswith("+") else None
            if cells is not None and ctx.depth < 4:
                out.extend(_grid(cells, _line(t, offset), ctx))
            else:
                b = _inline_block("paragraph", inl, _line(t, offset), t)
                if b.text.strip("\\ "):  # images are not kept; a lone "\\" is Pandoc's empty paragraph
                    out.append(b)
            i += 3
        elif tt == "heading_open":
            out.append(_heading(t, tokens[i + 1], offset))
            i += 3
        elif tt == "hr":
            src = lines[t.map[0]] if t.map and t.map[0] < len(lines) else ""
            j = i + 1
            if _SIMPLE_RULE.match(src) and j + 3 < n and tokens[j].type == "paragraph_open" and tokens[j].map:
                close = tokens[j + 3]
                if close.type == "hr" and close.map and _SIMPLE_RULE.match(lines[close.map[0]]):
                    a, e = tokens[j].map
                    b = IBlock("preformatted", _line(t, offset))
                    b.text = _simple_table(src, lines[a:e])
                    out.append(b)
                    i = j + 4
                    continue
            out.append(IBlock("hr", _line(t, offset)))
            i += 1
        elif tt in ("bullet_list_open", "ordered_list_open", "blockquote_open", "list_item_open"):
            end = _matching_close(tokens, i)
            kind = {"blockquote_open": "quote", "list_item_open": "item"}.get(tt, "list")
            b = IBlock(kind, _line(t, offset))
            b.ordered = tt == "ordered_list_open"
            if t.attrs and "id" in t.attrs:
                b.anchor = str(t.attrs["id"])
            ctx.depth += 1
            b.children = convert(tokens[i + 1 : end], lines, ctx, offset)
            ctx.depth -= 1
            if kind == "item" and b.children and b.children[0].kind == "paragraph":
                first = b.children.pop(0)
                b.text, b.marks = first.text, first.marks
            if kind == "item" or b.children:  # an empty block quote says nothing
                out.append(b)
            i = end + 1
        elif tt in ("fence", "code_block"):
            b = IBlock("preformatted", _line(t, offset))
            b.text = t.content.rstrip("\n")
            if t.attrs and "id" in t.attrs:
                b.anchor = str(t.attrs["id"])
            out.append(b)
            i += 1
        elif tt == "footnote_reference_open":
            end = _matching_close(tokens, i)
            b = IBlock("fndef", _line(t, offset))
            b.label = str(t.meta.get("label", ""))
            b.children = convert(tokens[i + 1 : end], lines, ctx, offset)
            out.append(b)
            i = end + 1
        elif tt == "front_matter":
            m = _YAML_TITLE.search(t.content)
            if m and m.group(1).strip("'\" "):
                ctx.yaml_title = m.group(1).strip("'\" ")
            i += 1
        elif tt == "html_block":
            if not t.content.lstrip().startswith("<!--"):
                ctx.warnings.append(Diagnostic("raw HTML block dropped", _line(t, offset)))
            i += 1
        else:  # container_div_open/close and other wrappers: their content stands in their place
            i += 1
    return out


def _grid(cells: list[str], line: int, ctx: _Ctx) -> list[IBlock]:
    blocks: list[IBlock] = []
    ctx.depth += 1
    for cell in cells:
        sub = tokenize(cell)
        blocks.extend(convert(sub, cell.split("\n"), ctx, line))
    ctx.depth -= 1
    return blocks


def _matching_close(tokens: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


# -- entry point -------------------------------------------------------------------------------------
def read(text: str, *, path: str = "") -> Parsed:
    """Read a Markdown page (Pandoc-converted MIA/ETOL page, or plain CommonMark) into a Document.

    Raises :class:`ReadError` when there is no ``# Title`` heading (nor a ``title:`` in the front
    matter). Unrecognised front-matter lines, dropped text and dangling note references are reported as
    :class:`Diagnostic` warnings.
    """
    if not isinstance(text, str):
        raise ReadError("expected decoded text, got " + type(text).__name__)
    ctx = _Ctx()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = tokenize(text)
    blocks = convert(tokens, text.split("\n"), ctx)
    doc = assemble(blocks, ctx.warnings, yaml_title=ctx.yaml_title)
    stem = PurePath(path).stem if path else ""
    doc = doc.replace(
        provenance=Provenance(
            path=path, format="markdown", sha256=hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
        )
    )
    doc = doc.replace(id=make_document_id(doc, fallback=stem))
    return Parsed(doc, ctx.warnings)
