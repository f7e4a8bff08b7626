"""Intermediate blocks of the Markdown reader, and the rules that keep their marks canonical."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from masthead.model import Block, Mark

__all__ = ["IBlock", "normalize_marks", "finish_text", "delete_span", "walk"]


@dataclass(slots=True, eq=False)
class IBlock:
    """A block on its way to becoming a :class:`~masthead.model.Block` (mutable, with its line)."""

    kind: str  # heading paragraph hr list item quote preformatted fndef
    line: int
    text: str = ""
    marks: list[Mark] = field(default_factory=list)
    level: int | None = None
    ordered: bool = False
    children: list[IBlock] = field(default_factory=list)
    anchor: str | None = None
    style: str | None = None
    lead_link_id: str | None = None
    label: str | None = None
    break_lines: list[int] = field(default_factory=list)  # source line (from ``line``) after each "\n"

    def freeze(self) -> Block:
        kind = "section_break" if self.kind == "hr" else self.kind
        return Block(
            kind=kind,
            text=self.text,
            marks=tuple(self.marks),
            level=self.level,
            ordered=self.ordered,
            children=tuple(c.freeze() for c in self.children),
            style=self.style,
            anchor=self.anchor,
        )


# -- text and marks ----------------------------------------------------------------------------------
_KIND_ORDER = {
    k: i
    for i, k in enumerate(
        ("link", "strong", "emphasis", "smallcaps", "superscript", "subscript", "noteref", "linebreak")
    )
}
_MERGEABLE = {"emphasis", "strong", "smallcaps", "superscript", "subscript"}


def _key(m: Mark) -> tuple[int, int, int, str, str]:
    return (m.start, -m.end, _KIND_ORDER.get(m.kind, 99), m.target or "", m.label or "")


def normalize_marks(text: str, marks: list[Mark]) -> list[Mark]:
    """Canonical marks: formatting spans trimmed of outer spaces; same-kind spans (links: to the same
    target) that touch or overlap merged; links with text; linebreaks only at ``"\\n"``."""
    if not marks:
        return marks
    out: list[Mark] = []
    spans: dict[str, list[Mark]] = {}
    for m in marks:
        if m.kind in _MERGEABLE:
            s, e = m.start, m.end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.setdefault(m.kind, []).append(m if (s, e) == (m.start, m.end) else Mark(s, e, m.kind))
        elif m.kind == "linebreak":
            if m.start < len(text) and text[m.start] == "\n":
                out.append(m)
        elif m.kind == "link":
            if m.end > m.start:
                spans.setdefault("link\x00" + (m.target or ""), []).append(m)
        else:
            out.append(m)
    for group in spans.values():
        group.sort(key=lambda m: m.start)
        cur = group[0]
        for m in group[1:]:
            if m.start <= cur.end:
                if m.end > cur.end:
                    cur = Mark(cur.start, m.end, cur.kind, cur.target)
            else:
                out.append(cur)
                cur = m
        out.append(cur)
    out.sort(key=_key)
    return out


def finish_text(text: str, marks: list[Mark]) -> tuple[str, list[Mark], int]:
    """Strip the text, shift and clamp the marks to it, normalise them; also return the left shift."""
    stripped = text.strip()
    if stripped == text:
        return text, normalize_marks(text, marks), 0
    shift = len(text) - len(text.lstrip())
    size = len(stripped)
    moved = []
    for m in marks:
        s = min(max(m.start - shift, 0), size)
        e = min(max(m.end - shift, 0), size)
        if e > s or m.kind in ("noteref", "linebreak"):
            moved.append(Mark(s, e, m.kind, m.target, m.label))
    return stripped, normalize_marks(stripped, moved), shift


def delete_span(b: IBlock, start: int, end: int) -> None:
    """Remove ``text[start:end]`` from a block, moving its marks (marks inside shrink away)."""
    width = end - start

    def move(p: int) -> int:
        return p if p <= start else (start if p <= end else p - width)

    b.text = b.text[:start] + b.text[end:]
    kept = []
    for m in b.marks:
        s, e = move(m.start), move(m.end)
        if e > s or m.kind in ("noteref", "linebreak"):
            kept.append(Mark(s, e, m.kind, m.target, m.label))
    b.marks = normalize_marks(b.text, kept)


def walk(blocks: list[IBlock]) -> Iterator[IBlock]:
    """Every block, depth first."""
    for b in blocks:
        yield b
        yield from walk(b.children)
