"""Render a :class:`~masthead.model.Document` as ETOL plain text, the layout ``readers.plaintext`` reads.

Layout: title; ``by`` byline; subtitle; ``(date line)``; citation and credit lines; then the body, one
line per paragraph, blocks separated by blank lines. Choices, so that ``read(to_text(doc))`` gives the
document back:

- section breaks are written as ``* * *``; headings as their text on a line of its own;
- lists as ``1. item`` (ordered) or ``– item`` lines in one block;
- block quotes as paragraphs indented by four spaces (the reader reads indented blocks as quotes);
  consecutive quotes therefore read back as one quote;
- note references as ``[label]`` at the mark's position; notes after a ``Notes`` line as ``[label] text``;
- the citation is written as found (``source.raw``) when that still parses to the same fields, else
  in the canonical form of :func:`~masthead.citation.format_citation` after ``From``.

What plain text cannot hold is dropped: marks other than ``noteref``, heading levels (the reader gives 4),
``style``/``anchor``, ``info`` and list numbering. Preformatted blocks are written line by line and read
back as paragraphs. A subtitle or bare byline is only recognised when a date line, citation or credit
follows it, and a short unpunctuated paragraph reads back as a heading.
"""

from __future__ import annotations

from masthead.citation import CitationError, format_citation, format_credits, parse_citation
from masthead.model import Block, Document, Note, Source

_WRAP = 100


def _wrap_title(title: str) -> list[str]:
    """Split a long title into lines of at most ~100 characters, never after a hyphen or dash."""
    if len(title) <= _WRAP:
        return [title]
    lines: list[str] = []
    current = ""
    for word in title.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(candidate) > _WRAP and not current.endswith(("-", "—")) and word:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def _inline(block: Block) -> str:
    """Block text on one line, with ``[label]`` inserted at each noteref mark."""
    refs = sorted((m for m in block.marks if m.kind == "noteref"), key=lambda m: m.start)
    if not refs:
        return block.text.replace("\n", " ")
    out: list[str] = []
    pos = 0
    for m in refs:
        out.append(block.text[pos : m.start])
        out.append(f"[{m.label or m.target or '*'}]")
        pos = m.start
    out.append(block.text[pos:])
    return "".join(out).replace("\n", " ")


def _citation_line(src: Source) -> str | None:
    if src == Source():
        return None
    if src.raw and "\n" not in src.raw:
        try:
            again = parse_citation(src.raw)
        except CitationError:
            again = None
        if again == src:
            return src.raw
    body = format_citation(src)
    return f"From {body}." if src.periodical else f"{body}."


def _block_text(block: Block) -> list[str]:
    """The lines of one body block (without the blank separator)."""
    if block.kind == "section_break":
        return ["* * *"]
    if block.kind == "list":
        lines = []
        for k, item in enumerate(block.children, start=1):
            marker = f"{k}." if block.ordered else "–"
            lines.append(f"{marker} {_inline(item)}")
        return lines
    if block.kind == "quote":
        out: list[str] = []
        for child in block.children:
            if out:
                out.append("")
            out.extend("    " + ln for ln in _block_text(child))
        return out
    if block.kind == "preformatted":
        return [ln for ln in block.text.split("\n") if ln.strip()] or [""]
    return [_inline(block)]


def _notes_text(notes: tuple[Note, ...]) -> list[str]:
    parts = ["Notes"]
    for note in notes:
        paragraphs = [_inline(b) for b in note.blocks] or [""]
        parts.append(f"[{note.label}] {paragraphs[0]}".rstrip())
        parts.extend(paragraphs[1:])
    return parts


def to_text(doc: Document) -> str:
    """The document as ETOL plain text (see the module docstring for what survives the round trip)."""
    parts: list[str] = ["\n".join(_wrap_title(doc.title))]
    if doc.writers:
        names = list(doc.writers)
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"by {joined}")
    if doc.subtitle:
        parts.append(doc.subtitle)
    if doc.date_line:
        parts.append(f"({doc.date_line})")
    sourcing = [line for line in [_citation_line(doc.source), *format_credits(doc.credits)] if line]
    if sourcing:
        parts.append("\n".join(sourcing))
    for block in doc.blocks:
        parts.append("\n".join(_block_text(block)))
    if doc.notes:
        parts.extend(_notes_text(doc.notes))
    return "\n\n".join(p for p in parts if p) + "\n"
