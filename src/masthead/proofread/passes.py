"""The pass registry, and what every pass shares.

A pass is a plain function ``(view, doc, lexicon) -> list[Finding]``, registered under a name with
:func:`register` (like markdown-it-py's named rules): :data:`PASSES` maps the names to the functions in
the order they run, and :func:`masthead.proofread.proofread` runs all of them or the ones it is
given. Passes share one tokenisation of the view text (:func:`tokens_for`, cached per view) and build
their findings with :func:`make_finding`, which fills in line, column and key.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from masthead.model import Block, Document
from masthead.proofread.findings import Finding, finding_key
from masthead.proofread.lexicon import Lexicon
from masthead.proofread.tokens import Tokens, tokenize, view_pieces
from masthead.textview import TextView

Pass = Callable[[TextView, Document, Lexicon], list[Finding]]

PASSES: dict[str, Pass] = {}
"""Every registered pass by name, in the order they run."""

PASS_KINDS: dict[str, str] = {}
"""The finding kind each pass reports."""


def register(name: str, kind: str) -> Callable[[Pass], Pass]:
    """Decorator: register a pass under ``name``, reporting findings of ``kind``."""

    def deco(fn: Pass) -> Pass:
        PASSES[name] = fn
        PASS_KINDS[name] = kind
        return fn

    return deco


_CACHE: list[tuple[TextView, Tokens, tuple[str, ...], dict]] = []


def _entry(view: TextView) -> tuple[TextView, Tokens, tuple[str, ...], dict]:
    for e in _CACHE:
        if e[0] is view:
            return e
    e = (view, tokenize(view.text, view_pieces(view.segments)), tuple(s.kind for s in view.segments), {})
    _CACHE.append(e)
    del _CACHE[:-4]
    return e


def tokens_for(view: TextView) -> Tokens:
    """The tokens of ``view`` (tokenised once per view; the last few views are cached)."""
    return _entry(view)[1]


def piece_kinds(view: TextView) -> tuple[str, ...]:
    """The block kind of each piece (segment) of ``view``, as :func:`tokens_for` numbers them."""
    return _entry(view)[2]


def view_memo(view: TextView) -> dict:
    """A scratch dict kept with the view's tokens, for facts several passes need."""
    return _entry(view)[3]


def match_case(word: str, like: str) -> str:
    """``word`` with the capitalisation pattern of ``like`` (all capitals, capitalised, or as is)."""
    if len(like) > 1 and like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def make_finding(
    view: TextView,
    start: int,
    end: int,
    kind: str,
    message: str,
    *,
    suggestions: tuple[str, ...] | list[str] = (),
    confidence: float,
    rule: str,
) -> Finding:
    """A :class:`Finding` for ``view.text[start:end]`` with line, column and key filled in."""
    line, col = view.line_col(start)
    confidence = round(min(0.99, max(0.01, confidence)), 3)
    return Finding(
        start=start,
        end=end,
        line=line,
        col=col,
        text=view.text[start:end],
        kind=kind,
        message=message,
        suggestions=tuple(dict.fromkeys(suggestions)),
        confidence=confidence,
        rule=rule,
        key=finding_key(view.text, start, end, kind),
    )


def foreign_pieces(view: TextView, lexicon: Lexicon) -> frozenset[int]:
    """Pieces (blocks) mostly not in English: more than a third of their lower-case words (at least
    six) are missing from the real-word list and the archive. Word passes leave them alone (a French
    or transliterated Russian verse is not a page of misspellings)."""
    memo = view_memo(view)
    key = ("foreign", id(lexicon))
    if key not in memo:
        memo[key] = _foreign_pieces(view, lexicon)
    return memo[key]


def _foreign_pieces(view: TextView, lexicon: Lexicon) -> frozenset[int]:
    toks = tokens_for(view)
    unknown: dict[int, int] = {}
    total: dict[int, int] = {}
    real, texts, lowers, pieces = lexicon.real_words, toks.texts, toks.lowers, toks.piece
    for i, ty in enumerate(toks.types):
        if ty != 0 or not texts[i].islower():
            continue
        p = pieces[i]
        total[p] = total.get(p, 0) + 1
        w = lowers[i]
        if w not in real and not lexicon.archive_known(w):
            unknown[p] = unknown.get(p, 0) + 1
    return frozenset(p for p, n in total.items() if n >= 6 and unknown.get(p, 0) * 3 > n)


def block_at(doc: Document, path: tuple) -> Block | None:
    """The block a segment path points at (``None`` for the title and subtitle)."""
    if path[0] == "block":
        blocks, rest = doc.blocks, path[1:]
    elif path[0] == "note":
        blocks, rest = doc.notes[path[1]].blocks, path[2:]
    else:
        return None
    b = None
    for i in rest:
        b = blocks[i]
        blocks = b.children
    return b


def emphasis_ranges(view: TextView, doc: Document) -> list[tuple[int, int]]:
    """View-text spans set in italics or bold (foreign phrases, titles, emphasis), in order."""
    out = []
    for seg in view.segments:
        b = block_at(doc, seg.path)
        if b is None:
            continue
        for m in b.marks:
            if m.kind in ("emphasis", "strong") and m.end > m.start:
                out.append((seg.start + m.start, seg.start + m.end))
    out.sort()
    return out


def in_ranges(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when ``[start, end)`` lies inside one of the sorted ``ranges``."""
    i = bisect.bisect_right(ranges, (start, 1 << 62)) - 1
    return i >= 0 and ranges[i][0] <= start and end <= ranges[i][1]
