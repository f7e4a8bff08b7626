"""Structure passes: gaps in the document's blocks, where content was lost in transcription.

- ``announced-missing``: a paragraph that ends by announcing what follows (``...as follows:``) and is
  followed directly by a heading, a section break or the end of the text;
- ``orphan-noteref``: a note reference whose note is not in the document;
- ``numbering-gap``: numbered paragraphs or items that skip a number (1, 2, 4);
- ``cut-off``: a paragraph that ends in mid-sentence (no closing punctuation, a lower-case last word)
  just before a heading or section break.

These work on :class:`~masthead.model.Document` blocks and report spans of the view text (the last
words of the paragraph, the word before the reference), found through the view's segments.
"""

from __future__ import annotations

import re

from masthead.model import Block, Document
from masthead.proofread.findings import Finding
from masthead.proofread.lexicon import Lexicon
from masthead.proofread.passes import make_finding, register
from masthead.textview import Segment, TextView

_LAST_WORD = re.compile(r"(\S+)\s*$")
_WORD_BEFORE = re.compile(r"(\S+)\s*$")
_NUMBERED = re.compile(r"^\(?(\d{1,2})[.)]\s")
_ENDS_SENTENCE = tuple(".!?:;…\"'”’)]*—–-")
_BREAKS = frozenset({"heading", "section_break"})


def _segments_by_path(view: TextView) -> dict[tuple, Segment]:
    return {s.path: s for s in view.segments}


def _sequences(doc: Document) -> list[tuple[tuple, tuple[Block, ...]]]:
    """Every run of sibling blocks with the path prefix of its parent: the body, each list and quote,
    and each note's blocks."""
    out: list[tuple[tuple, tuple[Block, ...]]] = []

    def walk(prefix: tuple, blocks: tuple[Block, ...]) -> None:
        out.append((prefix, blocks))
        for i, b in enumerate(blocks):
            if b.children:
                walk((*prefix, i), b.children)

    walk(("block",), doc.blocks)
    for n, note in enumerate(doc.notes):
        walk(("note", n), note.blocks)
    return out


def _tail_span(seg: Segment, view: TextView) -> tuple[int, int]:
    text = view.text[seg.start : seg.end]
    m = _LAST_WORD.search(text)
    if not m:
        return seg.start, seg.end
    return seg.start + m.start(1), seg.start + m.end(1)


@register("announced-missing", "structure")
def announced_missing_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A paragraph ending with a colon followed by a heading, a section break or nothing."""
    segs = _segments_by_path(view)
    out = []
    for prefix, blocks in _sequences(doc):
        if prefix != ("block",):
            continue
        for i, b in enumerate(blocks):
            if b.kind != "paragraph" or not b.text.rstrip().endswith(":"):
                continue
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if nxt is not None and nxt.kind not in _BREAKS:
                continue
            if doc.notes and nxt is None:
                continue
            seg = segs.get((*prefix, i))
            if seg is None:
                continue
            s, e = _tail_span(seg, view)
            where = "the end of the text" if nxt is None else f"a {nxt.kind.replace('_', ' ')}"
            out.append(
                make_finding(
                    view,
                    s,
                    e,
                    "structure",
                    f"the paragraph announces what follows, but {where} comes next: content may be missing",
                    confidence=0.8,
                    rule="announced-missing",
                )
            )
    return out


@register("orphan-noteref", "structure")
def orphan_noteref_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A note reference whose note is missing."""
    segs = _segments_by_path(view)
    ids = {n.id for n in doc.notes}
    out = []
    for prefix, blocks in _sequences(doc):
        for i, b in enumerate(blocks):
            for m in b.marks:
                if m.kind != "noteref" or m.target in ids:
                    continue
                seg = segs.get((*prefix, i))
                if seg is None:
                    continue
                wm = _WORD_BEFORE.search(b.text[: m.start])
                s, e = (seg.start + wm.start(1), seg.start + wm.end(1)) if wm else (seg.start, seg.start + m.start)
                label = m.label or m.target or "?"
                out.append(
                    make_finding(
                        view,
                        s,
                        e,
                        "structure",
                        f"note reference {label} has no note",
                        confidence=0.9,
                        rule="orphan-noteref",
                    )
                )
    return out


@register("numbering-gap", "structure")
def numbering_gap_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """Numbered paragraphs or items that skip a number."""
    segs = _segments_by_path(view)
    out = []
    for prefix, blocks in _sequences(doc):
        last: int | None = None
        for i, b in enumerate(blocks):
            m = _NUMBERED.match(b.text) if b.kind in ("paragraph", "item") else None
            if not m:
                if b.kind in _BREAKS:
                    last = None
                continue
            num = int(m.group(1))
            if last is not None and last < num and num - last in (2, 3):
                seg = segs.get((*prefix, i))
                if seg is not None:
                    out.append(
                        make_finding(
                            view,
                            seg.start + m.start(1),
                            seg.start + m.end(1),
                            "structure",
                            f"numbering skips from {last} to {num}: item {last + 1} may be missing",
                            confidence=0.75,
                            rule="numbering-gap",
                        )
                    )
            last = num
    return out


@register("cut-off", "structure")
def cut_off_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A paragraph that stops in mid-sentence just before a heading or section break."""
    segs = _segments_by_path(view)
    out = []
    blocks = doc.blocks
    for i, b in enumerate(blocks[:-1]):
        if b.kind != "paragraph" or blocks[i + 1].kind not in _BREAKS or b.style:
            continue
        if blocks[i + 1].text.rstrip().endswith((".", ",", ";")):
            continue  # "...what is meant by an" / "IRISH SOCIALIST REPUBLIC.": a displayed continuation
        text = b.text.rstrip()
        if not text or text.endswith(_ENDS_SENTENCE) or len(text.split()) < 12:
            continue
        if any(m.kind in ("linebreak", "noteref") and m.start >= len(text) - 1 for m in b.marks):
            continue
        last = text.split()[-1]
        if not last.isalpha() or not last.islower() or "." not in text[:-1] and "," not in text:
            continue
        seg = segs.get(("block", i))
        if seg is None:
            continue
        s, e = _tail_span(seg, view)
        out.append(
            make_finding(
                view,
                s,
                e,
                "structure",
                "the paragraph stops in mid-sentence before a "
                f"{blocks[i + 1].kind.replace('_', ' ')}: text may be missing",
                confidence=0.6,
                rule="cut-off",
            )
        )
    return out
