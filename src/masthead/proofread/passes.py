"""The pass registry, and what every pass shares.

A pass is a plain function ``(view, doc, lexicon) -> list[Finding]``, registered under a name with
:func:`register` (like markdown-it-py's named rules): :data:`PASSES` maps the names to the functions in
the order they run, and :func:`masthead.proofread.proofread` runs all of them or the ones it is
given. Passes share one tokenisation of the view text (:func:`tokens_for`, cached per view) and build
their findings with :func:`make_finding`, which fills in line, column and key.
"""

from __future__ import annotations

from collections.abc import Callable

from masthead.model import Document
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


_CACHE: list[tuple[TextView, Tokens, tuple[str, ...]]] = []


def tokens_for(view: TextView) -> Tokens:
    """The tokens of ``view`` (tokenised once per view; the last few views are cached)."""
    for v, toks, _ in _CACHE:
        if v is view:
            return toks
    toks = tokenize(view.text, view_pieces(view.segments))
    _CACHE.append((view, toks, tuple(s.kind for s in view.segments)))
    del _CACHE[:-4]
    return toks


def piece_kinds(view: TextView) -> tuple[str, ...]:
    """The block kind of each piece (segment) of ``view``, as :func:`tokens_for` numbers them."""
    tokens_for(view)
    for v, _, kinds in _CACHE:
        if v is view:
            return kinds
    return tuple(s.kind for s in view.segments)  # pragma: no cover - cache just filled


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
