"""Proofread a file and report offsets into the file's own text (``masthead proofread FILE``).

The file is parsed into a :class:`~masthead.model.Document` (:func:`masthead.ingest.parse_file`),
proofread on its view text, and each finding's span is then mapped back onto the file text:

1. Each segment of the view (a block's text) is looked up in the file text in order, from where the
   previous one was found. Plain-text blocks are found verbatim, so their findings map exactly.
2. Where markup or entities intervene (Markdown ``*emphasis*``, HTML tags, ``&amp;``), the segment is
   not found whole; then each finding's own text is searched for near its expected place (the
   segment's anchor, found from the segment's first words, plus the finding's offset in the segment),
   within a window of a few hundred characters.
3. A finding that still cannot be placed keeps an approximate position (the segment's anchor, or the
   previous mapped position) and is marked with ``exact=False`` in its message suffix ``(position
   approximate)``; its ``text`` is then the file's text at that place.

Keys stay those of the document view (they identify a suspicion for review decisions).
"""

from __future__ import annotations

import os
from dataclasses import replace

from masthead.proofread.findings import Finding
from masthead.textview import TextView

_WINDOW = 400


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _anchor(file_text: str, seg_text: str, cursor: int) -> tuple[int, bool]:
    """Where a segment starts in the file (searching from ``cursor``) and whether it was found whole."""
    at = file_text.find(seg_text, cursor)
    if at >= 0:
        return at, True
    words = seg_text.split()
    for n in (6, 3, 1):
        if len(words) >= n:
            probe = " ".join(words[:n])
            at = file_text.find(probe, cursor)
            if at >= 0:
                return at, False
    return -1, False


def map_to_file(findings: list[Finding], view: TextView, file_text: str) -> list[Finding]:
    """``findings`` (offsets into ``view.text``) with offsets, line and column into ``file_text``."""
    anchors: list[tuple[int, bool]] = []
    cursor = 0
    for seg in view.segments:
        at, whole = _anchor(file_text, view.text[seg.start : seg.end], cursor)
        anchors.append((at, whole))
        if at >= 0:
            cursor = at + (seg.end - seg.start if whole else 1)
    out = []
    last = 0
    for f in findings:
        seg_i = next((i for i, s in enumerate(view.segments) if s.start <= f.start <= s.end), None)
        start = -1
        if seg_i is not None:
            seg = view.segments[seg_i]
            at, whole = anchors[seg_i]
            if at >= 0 and whole:
                start = at + (f.start - seg.start)
            else:
                guess = (at if at >= 0 else last) + (f.start - seg.start)
                lo = max(0, guess - _WINDOW // 4)
                hit = file_text.find(f.text, lo, guess + _WINDOW + len(f.text)) if f.text else -1
                start = hit
                if start < 0:
                    start = min(max(0, guess), len(file_text))
                    end = min(len(file_text), start + len(f.text))
                    line, col = _line_col(file_text, start)
                    out.append(
                        replace(
                            f,
                            start=start,
                            end=end,
                            line=line,
                            col=col,
                            text=file_text[start:end],
                            message=f.message + " (position approximate)",
                        )
                    )
                    last = start
                    continue
        if start < 0:
            start = last
        end = start + (f.end - f.start)
        line, col = _line_col(file_text, start)
        out.append(replace(f, start=start, end=end, line=line, col=col, text=file_text[start:end]))
        last = start
    return out


def proofread_file(
    path: str | os.PathLike[str],
    *,
    lexicon=None,
    min_confidence: float = 0.0,  # noqa: ANN001 - Lexicon
) -> tuple[list[Finding], str]:
    """Findings for the file at ``path`` with offsets into its text, and that text. Raises
    :class:`~masthead.readers.ReadError` (one line, naming the file) when it cannot be read."""
    from masthead.ingest import load, structure
    from masthead.proofread import proofread
    from masthead.textview import text_view

    src = load(path)
    doc = structure(src).document
    found = proofread(doc, lexicon=lexicon, min_confidence=min_confidence)
    return map_to_file(found, text_view(doc), src.text), src.text
