"""Render a :class:`~masthead.model.Document` as Markdown in the MIA/Pandoc page shape.

The output is what :func:`masthead.readers.markdown.read` reads back into the same document (apart
from provenance and the id when the id was not derived from the metadata)::

    ---
    layout: default
    title: "Labour Representation"
    ---
    ## James Connolly                          one heading per writer
    ### The First Five Years ...               ("Part of", ...) info entries
    # Labour Representation
    ### (1898)                                 date line
    ### Subtitle
    ------------------------------------------------------------------------
    From **Workers' Republic**, August 27, 1898\\
    Republished in ...\\                       other source-block info lines
    Transcribed by The James Connolly Society in 1997.
    ------------------------------------------------------------------------
    #### I                                     body: headings, paragraphs, lists, quotes, rules ...
    [^1]: Note text                            notes as Pandoc footnotes

Text is escaped so that it reads back unchanged: en and em dashes are written ``--`` / ``---`` (Pandoc's
smart punctuation, which the reader undoes), literal runs of hyphens and dots are escaped, hard line
breaks are ``\\`` at the line end, and paragraphs are wrapped at 72 columns only where a line cannot then
start a new block. Emphasis and strong are ``*`` / ``**``; a block whose marks those delimiters cannot
express (CommonMark's flanking rules) falls back to bracketed spans ``[text]{.emphasis}``, which the
reader also understands.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from masthead.citation import (
    CitationError,
    format_citation,
    format_credits,
    is_citation_line,
    is_credit_line,
    parse_citation,
    parse_credits,
)
from masthead.model import Block, Document, Mark, Source
from masthead.readers._mdblocks import finish_text
from masthead.readers._mdfront import SOURCE_LABELS
from masthead.readers.markdown import parser, read_inline

__all__ = ["to_markdown", "render_inline"]

RULE = "-" * 72
WIDTH = 72
_BREAK = "\x00"  # a space where a line may be wrapped
_ALWAYS = set("\\`*_[]<>#{")
_LINE_START = set("-+=~:|")
_ORDER = {"link": 0, "strong": 1, "emphasis": 2, "smallcaps": 3, "superscript": 4, "subscript": 5}
_SPAN_CLASS = {"smallcaps": "smallcaps", "superscript": "superscript", "subscript": "subscript"}
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_RUNS = re.compile(r"-{2,}|\.{3,}")
_LIST_NUMBER = re.compile(r"\d{1,9}(?=[.)])")
_ATTR_OK = re.compile(r"^[A-Za-z0-9_:.\-]+$")
_NOTE_ID = re.compile(r"^[^\s\[\]^]+$")
_DASHES = {"\u2013": "--", "\u2014": "---"}
_UNSAFE_START = set("-+*=#>|~:`<[{!") | set("0123456789")


# -- text ------------------------------------------------------------------------------------------
def _escape_chars(text: str) -> list[str]:
    """The Markdown for each character of ``text`` (so that offsets map one to one)."""
    out = list(text)
    n = len(text)
    runs = {i for m in _RUNS.finditer(text) for i in range(m.start(), m.end())}
    for i, ch in enumerate(text):
        line_start = i == 0 or text[i - 1] == "\n"
        if ch in _ALWAYS or i in runs:
            out[i] = "\\" + ch
        elif ch in _DASHES:
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < n else ""
            if not line_start and prev not in "-\u2013\u2014" and nxt not in "-\u2013\u2014":
                out[i] = _DASHES[ch]
        elif ch == "&" and _ENTITY.match(text, i):
            out[i] = "\\&"
        elif ch == "\n":
            out[i] = "\\\n"
        elif ch == " " and 0 < i < n - 1 and not text[i - 1].isspace() and not text[i + 1].isspace():
            out[i] = _BREAK
        elif line_start and ch in _LINE_START:
            out[i] = "\\" + ch
        if line_start and ch.isdigit() and (m := _LIST_NUMBER.match(text, i)):
            j = m.end()
            out[j] = "\\" + text[j]
    return out


def _dest(target: str) -> str:
    if not target or re.search(r"[\s<>()\\]", target):
        return "<" + re.sub(r"([<>\\])", r"\\\1", target).replace("\n", " ") + ">"
    return target


def render_inline(text: str, marks: tuple[Mark, ...] | list[Mark], *, spans: bool = False) -> str:
    """Inline Markdown for a block's text and marks (``"\\x00"`` marks spaces where lines may wrap).

    Marks nest by start (longer first) with links innermost, since a bracketed span cannot stand inside
    a link; a mark that cannot nest is closed and opened again (the reader joins the touching pieces),
    and so is a link around a note reference. With ``spans`` emphasis and strong are written
    as ``[...]{.emphasis}`` / ``[...]{.strong}``.
    """
    text = text.replace(_BREAK, "\ufffd")
    esc = _escape_chars(text)
    size = len(text)
    wide: list[Mark] = []
    for m in sorted(marks, key=_nesting):
        if m.kind not in _ORDER or not (0 <= m.start < m.end <= size):
            continue
        if m.kind == "link" and any(o.kind == "link" and o.start < m.end and m.start < o.end for o in wide):
            continue  # links cannot nest or overlap
        wide.append(m)
    refs: dict[int, list[Mark]] = {}
    for m in marks:
        if m.kind == "noteref" and m.target and 0 <= m.start <= size:
            refs.setdefault(m.start, []).append(m)
    bounds = sorted({0, size, *refs, *(m.start for m in wide), *(m.end for m in wide)})
    out: list[str] = []
    stack: list[Mark] = []
    for k, p in enumerate(bounds):
        want = [m for m in wide if m.start <= p < m.end]  # already in nesting order
        keep = 0
        while keep < min(len(stack), len(want)) and stack[keep] is want[keep]:
            if p in refs and want[keep].kind == "link":
                break  # a note reference does not stand inside link text
            keep += 1
        while len(stack) > keep:
            out.append(_close(stack.pop(), spans))
        for m in refs.get(p, ()):
            _no_bang(out)
            out.append(f"[^{m.target}]")
        for m in want[keep:]:
            opener = _open(m, spans)
            if opener == "[":
                _no_bang(out)
            out.append(opener)
            stack.append(m)
        if k + 1 < len(bounds):
            out.append("".join(esc[p : bounds[k + 1]]))
    while stack:
        out.append(_close(stack.pop(), spans))
    return "".join(out)


def _nesting(m: Mark) -> tuple[int, int, int, int]:
    return (m.kind == "link", m.start, -m.end, _ORDER.get(m.kind, 9))


def _no_bang(out: list[str]) -> None:
    """Escape a "!" just before a "[" that opens a link or span (else it would read as an image)."""
    if out and out[-1].endswith("!"):
        last = out[-1]
        slashes = len(last) - 1 - len(last[:-1].rstrip("\\"))
        if slashes % 2 == 0:
            out[-1] = last[:-1] + "\\!"


def _open(m: Mark, spans: bool) -> str:
    if m.kind in ("emphasis", "strong") and not spans:
        return "*" if m.kind == "emphasis" else "**"
    return "["


def _close(m: Mark, spans: bool) -> str:
    if m.kind == "link":
        return "](" + _dest(m.target or "") + ")"
    if m.kind in ("emphasis", "strong"):
        if spans:
            return "]{." + m.kind + "}"
        return "*" if m.kind == "emphasis" else "**"
    return "]{." + _SPAN_CLASS[m.kind] + "}"


def _reads_back(rendered: str, text: str, marks: tuple[Mark, ...], note_ids: tuple[str, ...]) -> bool:
    env = {"footnotes": {"refs": {":" + i: -1 for i in note_ids}, "list": {}}} if note_ids else {}
    tokens = parser().parseInline(rendered.replace(_BREAK, " "), env)
    r = read_inline(tokens[0].children if tokens else [])
    got_text, got_marks, _ = finish_text(r.text, r.marks)
    want_text, want_marks, _ = finish_text(text, list(marks))
    # Link targets are compared elsewhere (markdown-it percent-encodes them); here only the spans count.
    return got_text == want_text and [(m.start, m.end, m.kind) for m in got_marks] == [
        (m.start, m.end, m.kind) for m in want_marks
    ]


def _inline(text: str, marks: tuple[Mark, ...], note_ids: tuple[str, ...]) -> str:
    """Inline Markdown that reads back as the same text and marks (spans where ``*`` cannot work)."""
    rendered = render_inline(text, marks)
    if any(m.kind in ("emphasis", "strong") for m in marks) and not _reads_back(rendered, text, marks, note_ids):
        rendered = render_inline(text, marks, spans=True)
    return rendered


def _wrap(rendered: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns where possible, never starting with a block marker."""
    lines: list[str] = []
    for hard in rendered.split("\n"):
        chunks = hard.split(_BREAK)
        cur = chunks[0]
        for c in chunks[1:]:
            if len(cur) + 1 + len(c) > width and c and c[0] not in _UNSAFE_START:
                lines.append(cur)
                cur = c
            else:
                cur += " " + c
        lines.append(cur)
    return lines


def _flat(rendered: str) -> str:
    return rendered.replace(_BREAK, " ").replace("\\\n", " ")


# -- blocks ----------------------------------------------------------------------------------------
class _Writer:
    def __init__(self, doc: Document, width: int) -> None:
        self.width = width
        self.note_ids = tuple(n.id for n in doc.notes)

    def attrs(self, anchor: str | None, style: str | None) -> str:
        parts = []
        if anchor and _ATTR_OK.match(anchor):
            parts.append("#" + anchor)
        if style and _ATTR_OK.match(style):
            parts.append("." + style)
        return "{" + " ".join(parts) + "}" if parts else ""

    def heading(self, level: int, text: str, marks: tuple[Mark, ...] = (), attrs: str = "") -> str:
        body = _flat(_inline(text.replace("\n", " "), marks, self.note_ids)) if text else ""
        return ("#" * min(max(level, 1), 6) + " " + body + (" " + attrs if attrs else "")).rstrip()

    def para(self, text: str, marks: tuple[Mark, ...], width: int) -> list[str]:
        return _wrap(_inline(text, marks, self.note_ids), width)

    def blocks(self, blocks: tuple[Block, ...], width: int) -> list[str]:
        out: list[str] = []
        prev: Block | None = None
        alt = False  # two lists in a row need different markers, or they read as one list
        for b in blocks:
            if b.kind == "list":
                follows = prev is not None and prev.kind == "list" and prev.ordered == b.ordered
                alt = not alt if follows else False
            lines = self.block(b, width, alt)
            if lines:
                if out:
                    out.append("")
                out.extend(lines)
                prev = b
        return out

    def block(self, b: Block, width: int, alt: bool = False) -> list[str]:
        if b.kind == "heading":
            return [self.heading(b.level or 1, b.text, b.marks, self.attrs(b.anchor, b.style))]
        if b.kind == "section_break":
            return [RULE]
        if b.kind == "preformatted":
            run = max((len(m.group()) for m in re.finditer(r"`+", b.text)), default=0)
            fence = "`" * max(3, run + 1)
            head = [a] if (a := self.attrs(b.anchor, None)) else []
            return [*head, fence, *b.text.split("\n"), fence]
        if b.kind == "list":
            return self.list(b, width, alt)
        if b.kind == "quote":
            inner = self.blocks(b.children, width - 2)
            if b.text:
                inner = [*self.para(b.text, b.marks, width - 2), "", *inner]
            head = [a] if (a := self.attrs(b.anchor, None)) else []
            return [*head, *(("> " + ln) if ln else ">" for ln in inner)]
        # paragraph, note, a stray item: text, then any children
        lines = self.para(b.text, b.marks, width) if b.text.strip() else []
        if lines and (a := self.attrs(b.anchor, b.style)):
            lines.insert(0, a)
        if b.children:
            lines = [*lines, *([""] if lines else []), *self.blocks(b.children, width)]
        return lines

    def list(self, b: Block, width: int, alt: bool) -> list[str]:
        out: list[str] = []
        if a := self.attrs(b.anchor, None):
            out.append(a)
        for k, item in enumerate(b.children):
            if b.ordered:
                marker = f"{k + 1}{')' if alt else '.'}"
            else:
                marker = "*" if alt else "-"
            pad = " " * (len(marker) + 1)
            body = self.para(item.text, item.marks, width - len(pad)) if item.text.strip() else []
            if item.children:
                kids = self.blocks(item.children, width - len(pad))
                sep = [] if not body or item.children[0].kind == "list" else [""]
                body = [*body, *sep, *kids]
            if not body:
                out.append(marker)
                continue
            if not item.text.strip():  # the item opens with a block: put it on the next line
                body = ["", *body]
            out.append(marker + " " + body[0] if body[0] else marker)
            out.extend((pad + ln) if ln else "" for ln in body[1:])
        return out


# -- front matter ----------------------------------------------------------------------------------
def _same_source(a: Source, b: Source) -> bool:
    return replace(a, raw=b.raw) == b


def _citation_line(src: Source) -> tuple[str, tuple[Mark, ...]] | None:
    """The citation as text plus a ``strong`` mark on the periodical, chosen so that it parses back."""
    text = src.raw or format_citation(src)
    if not text:
        return None
    candidates: list[tuple[Mark, ...]] = []
    if src.periodical:
        candidates += [(Mark(m.start(), m.end(), "strong"),) for m in re.finditer(re.escape(src.periodical), text)][
            ::-1
        ]
    candidates.append(())
    for marks in candidates:
        marked = text
        for m in marks:
            marked = f"{text[: m.start]}**{text[m.start : m.end]}**{text[m.end :]}"
        try:
            if is_citation_line(marked) and _same_source(parse_citation(marked), src):
                return text, marks
        except (CitationError, ValueError):
            continue
    return text, candidates[0]


def _front(doc: Document, w: _Writer) -> list[str]:
    out = ["---", "layout: default", "title: " + json.dumps(doc.title, ensure_ascii=False), "---", ""]
    for name in doc.writers:
        out += [w.heading(2, name), ""]
    for label, value in doc.info:
        if label == "Part of":
            out += [w.heading(3, value), ""]
    out += [w.heading(1, doc.title), ""]
    if doc.date_line:
        out += [w.heading(3, f"({doc.date_line})"), ""]
    if doc.subtitle:
        out += [w.heading(3, doc.subtitle), ""]
    lines: list[tuple[str, tuple[Mark, ...]]] = []
    if doc.source != Source() and (cit := _citation_line(doc.source)):
        lines.append(cit)
    for label, value in doc.info:
        if label in SOURCE_LABELS:
            lines.append((value, ()))
        elif label != "Part of":
            line = f"{label}: {value}" if label else value
            if is_credit_line(line) and set(parse_credits(line)) <= set(doc.credits):
                continue  # another reader kept its credit line as information too
            lines.append((line, ()))
    lines += [(line, ()) for line in format_credits(doc.credits)]
    out += [RULE, ""]
    if lines:
        joined: list[str] = []
        for k, (text, marks) in enumerate(lines):
            if k:
                joined[-1] += "\\"  # one source line per hard line
            joined += _wrap(_inline(text, marks, w.note_ids), w.width)
        out += [*joined, "", RULE, ""]
    else:
        out += [RULE, ""]
    return out


def to_markdown(doc: Document, *, width: int = WIDTH) -> str:
    """The document as a Pandoc-style MIA Markdown page (see the module docstring)."""
    w = _Writer(doc, width)
    out = _front(doc, w)
    out += w.blocks(doc.blocks, width)
    for note in doc.notes:
        if not _NOTE_ID.match(note.id):
            continue
        body = w.blocks(note.blocks, width - 4)
        first = body[0] if body and note.blocks and note.blocks[0].kind == "paragraph" else ""
        rest = body[1:] if first else body
        out += ["", f"[^{note.id}]: {first}".rstrip(), *(("    " + ln) if ln else "" for ln in rest)]
    return "\n".join(out).rstrip("\n") + "\n"
