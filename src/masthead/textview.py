"""One plain text for a document, with a map back to the blocks it came from, and edits through it.

Proofreading findings, review decisions and entity mentions all point into the same text: a
document's **view text**, built by :func:`text_view`. It is the title, the subtitle, then every
block's text depth first (list items and quoted blocks included; section breaks have none), then the
notes' blocks, each piece a :class:`Segment`, pieces separated by a blank line (``"\\n\\n"``). A
segment's characters are exactly its block's ``text``, so an offset in the view text maps to one
block and one character in it, and an edit of a span inside one segment is an edit of that block
(:func:`apply_edit`), with its inline marks moved to fit.

The view is derived from the document alone: the same document always gives the same text, so stored
offsets stay valid for as long as the revision they were computed on.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Any

from masthead.model import Block, Document, Mark

SEPARATOR = "\n\n"

Path = tuple[Any, ...]
"""Where a segment's text lives: ``("title",)``, ``("subtitle",)``, ``("block", i, j, ...)`` (indices
into ``doc.blocks`` then into ``children``), or ``("note", n, i, j, ...)`` (note ``n``'s blocks)."""


class EditError(ValueError):
    """An edit that the document cannot take (a span across two blocks, out of range, stale)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the view text: ``text[start:end]`` is the text at ``path``; ``kind`` is the block
    kind (``"title"`` and ``"subtitle"`` for the front matter)."""

    start: int
    end: int
    path: Path
    kind: str


@dataclass(frozen=True, slots=True)
class TextView:
    """A document's view text and its segments (in order, non-overlapping)."""

    text: str
    segments: tuple[Segment, ...]

    def segment_at(self, start: int, end: int | None = None) -> Segment | None:
        """The segment holding ``text[start:end]`` whole, or ``None`` (a separator, or two segments)."""
        end = start if end is None else end
        starts = [s.start for s in self.segments]
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        return seg if seg.start <= start <= end <= seg.end else None

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset`` in the view text."""
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, col


def _walk(blocks: tuple[Block, ...], prefix: Path, out: list[tuple[Path, str, str]]) -> None:
    for i, b in enumerate(blocks):
        path = (*prefix, i)
        if b.text:
            out.append((path, b.kind, b.text))
        if b.children:
            _walk(b.children, path, out)


def text_view(doc: Document) -> TextView:
    """The view text of ``doc`` and its segments (see the module docstring)."""
    pieces: list[tuple[Path, str, str]] = [(("title",), "title", doc.title)] if doc.title else []
    if doc.subtitle:
        pieces.append((("subtitle",), "subtitle", doc.subtitle))
    _walk(doc.blocks, ("block",), pieces)
    for n, note in enumerate(doc.notes):
        _walk(note.blocks, ("note", n), pieces)
    segments: list[Segment] = []
    parts: list[str] = []
    pos = 0
    for path, kind, text in pieces:
        if parts:
            parts.append(SEPARATOR)
            pos += len(SEPARATOR)
        segments.append(Segment(pos, pos + len(text), path, kind))
        parts.append(text)
        pos += len(text)
    return TextView("".join(parts), tuple(segments))


def _shift_mark(m: Mark, start: int, end: int, new_end: int) -> Mark:
    """``m`` after ``text[start:end]`` became a span ending at ``new_end``."""
    delta = new_end - end

    def move(p: int, *, is_end: bool) -> int:
        if p <= start:
            return p
        if p >= end:
            return p + delta
        return new_end if is_end else start  # inside the replaced span: clamp to it

    s, e = move(m.start, is_end=False), move(m.end, is_end=True)
    if m.start == m.end:  # zero-width marks stay zero-width
        e = s
    return replace(m, start=s, end=max(s, e))


def _edit_block(block: Block, start: int, end: int, replacement: str) -> Block:
    text = block.text[:start] + replacement + block.text[end:]
    new_end = start + len(replacement)
    marks = tuple(_shift_mark(m, start, end, new_end) for m in block.marks)
    # a non-zero-width mark that the edit emptied is dropped
    marks = tuple(m for m in marks if m.start < m.end or m.kind in ("noteref", "linebreak"))
    return replace(block, text=text, marks=marks)


def _replace_in(blocks: tuple[Block, ...], path: Path, start: int, end: int, replacement: str) -> tuple[Block, ...]:
    i, rest = path[0], path[1:]
    if not 0 <= i < len(blocks):
        raise EditError(f"no block at {path}")
    b = blocks[i]
    nb = _replace_in(b.children, rest, start, end, replacement) if rest else None
    new = replace(b, children=nb) if nb is not None else _edit_block(b, start, end, replacement)
    return blocks[:i] + (new,) + blocks[i + 1 :]


def apply_edit(doc: Document, start: int, end: int, replacement: str, *, view: TextView | None = None) -> Document:
    """``doc`` with view-text span ``[start, end)`` replaced by ``replacement``.

    The span must lie inside one segment (a single block, the title or the subtitle); raises
    :class:`EditError` otherwise. Marks in the edited block keep their places; a mark that straddles
    the edit is clamped to it.
    """
    view = view or text_view(doc)
    if not 0 <= start <= end <= len(view.text):
        raise EditError(f"span {start}-{end} is outside the text (length {len(view.text)})")
    seg = view.segment_at(start, end)
    if seg is None:
        raise EditError(f"span {start}-{end} crosses a block boundary")
    a, b = start - seg.start, end - seg.start
    where = seg.path[0]
    if where in ("title", "subtitle"):
        old = getattr(doc, where)
        return doc.replace(**{where: old[:a] + replacement + old[b:]})
    if where == "block":
        return doc.replace(blocks=_replace_in(doc.blocks, seg.path[1:], a, b, replacement))
    n = seg.path[1]
    note = doc.notes[n]
    note = replace(note, blocks=_replace_in(note.blocks, seg.path[2:], a, b, replacement))
    return doc.replace(notes=doc.notes[:n] + (note,) + doc.notes[n + 1 :])


def apply_edits(doc: Document, edits: list[tuple[int, int, str]]) -> Document:
    """Several non-overlapping edits ``(start, end, replacement)`` given against the same view text."""
    ordered = sorted(edits, key=lambda e: (e[0], e[1]))
    for (_, e1, _), (s2, _, _) in zip(ordered, ordered[1:], strict=False):
        if s2 < e1:
            raise EditError("edits overlap")
    view = text_view(doc)
    for start, end, replacement in reversed(ordered):  # right to left: earlier offsets stay valid
        doc = apply_edit(doc, start, end, replacement, view=view)
        view = text_view(doc)
    return doc
