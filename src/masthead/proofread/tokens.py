"""Tokens of a view text with their offsets, and the facts about each that the passes need.

:func:`tokenize` splits a text into words (letters, with digits where OCR mixed them in, and inner
apostrophes: ``don't``, ``Workers’``), numbers and single punctuation characters, each with its
character offsets. For each word it records whether it starts a sentence (first word of a piece, or
after ``.``, ``!``, ``?`` or ``:`` with only quotes and brackets between) and whether it stands inside
quotation marks (quoted speech: the passes are stricter there). Pieces are the segments of a
:class:`~masthead.textview.TextView` (a block's text each); a sentence never crosses a piece.

Tokens are kept in parallel lists (not one object each) so that proofreading a long document stays
cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*|\S")
"""A word (letters and digits, inner apostrophes) or one non-space character."""
_SPACED_TOKEN = re.compile(r"(\s*)(" + TOKEN.pattern + ")")
""":data:`TOKEN` with the white space before it (``findall`` is twice as fast as ``finditer``)."""

WORD, NUMBER, PUNCT = 0, 1, 2
SENTENCE_END = frozenset(".!?")
OPEN_QUOTES = frozenset("“‘«„")
CLOSE_QUOTES = frozenset("”’»")
QUOTES = OPEN_QUOTES | CLOSE_QUOTES | {'"', "'"}
BRACKETS = frozenset("()[]{}")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th|s|d|[a-z])$", re.I)


@dataclass(slots=True)
class Tokens:
    """Parallel lists, one entry per token: offsets, text, type (``WORD``/``NUMBER``/``PUNCT``),
    lower-cased text, whether a word starts a sentence, whether it is quoted, and the piece index."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    types: list[int] = field(default_factory=list)
    lowers: list[str] = field(default_factory=list)
    initial: list[bool] = field(default_factory=list)
    quoted: list[bool] = field(default_factory=list)
    piece: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    def adjacent(self, i: int, j: int) -> bool:
        """True when tokens ``i`` and ``j`` (``i < j``) are in the same piece with only spaces between."""
        return 0 <= i < j < len(self.starts) and self.piece[i] == self.piece[j]

    def prev_word(self, i: int) -> str | None:
        """The lower-cased word just before token ``i`` when only a space separates them, else None."""
        j = i - 1
        if j >= 0 and self.types[j] == WORD and self.piece[j] == self.piece[i]:
            return self.lowers[j]
        return None

    def next_word(self, i: int) -> str | None:
        """The lower-cased word just after token ``i`` when only a space separates them, else None."""
        j = i + 1
        if j < len(self.starts) and self.types[j] == WORD and self.piece[j] == self.piece[i]:
            return self.lowers[j]
        return None


def _type(tok: str) -> int:
    c = tok[0]
    if c.isalpha():
        return WORD
    if c.isdigit():
        if tok.isdigit() or _ORDINAL.match(tok):
            return NUMBER
        return WORD if any(ch.isalpha() for ch in tok) else NUMBER
    if len(tok) > 1:  # a word starting with a digit that the regex joined: "1ike"
        return WORD
    return PUNCT


def tokenize(text: str, pieces: list[tuple[int, int]] | None = None) -> Tokens:
    """Tokens of ``text``; ``pieces`` are ``(start, end)`` spans tokenised separately (default: the
    whole text as one piece)."""
    toks = Tokens()
    if pieces is None:
        pieces = [(0, len(text))]
    starts, ends, texts, types, lowers = toks.starts, toks.ends, toks.texts, toks.types, toks.lowers
    initial, quoted, piece = toks.initial, toks.quoted, toks.piece
    add_start, add_end, add_text, add_type, add_lower = (
        starts.append,
        ends.append,
        texts.append,
        types.append,
        lowers.append,
    )
    add_initial, add_quoted = initial.append, quoted.append
    findall = _SPACED_TOKEN.findall
    for pi, (ps, pe) in enumerate(pieces):
        at_start = True
        in_quote = False
        e = ps
        first = len(starts)
        for space, tok in findall(text, ps, pe):
            if space:
                if "\n" in space:
                    at_start = True  # a line start inside a block (verse, addresses) may take a capital
                s = e + len(space)
            else:
                s = e
            e = s + len(tok)
            add_start(s)
            add_end(e)
            add_text(tok)
            if tok.isalpha():  # the common case: a plain word
                add_type(WORD)
                add_lower(tok.lower())
                add_initial(at_start)
                add_quoted(in_quote)
                at_start = False
                continue
            ty = _type(tok)
            add_type(ty)
            if ty == WORD:
                low = tok.lower()
                add_lower(low.replace("’", "'") if "’" in low else low)
            else:
                add_lower(tok)
            if ty == PUNCT:
                if tok in "“«„" or (tok == '"' and not in_quote):
                    in_quote = True
                elif tok in ("”", "»") or (tok == '"' and in_quote):
                    in_quote = False
                add_initial(False)
                add_quoted(in_quote)
                if tok in SENTENCE_END or tok == ":":
                    # "A. Kots", "L. Storr Jameson": a full stop after an initial does not end a sentence
                    k = len(texts) - 2
                    prev = texts[k] if k >= first else ""
                    at_start = not (tok == "." and len(prev) == 1 and prev.isupper() and ends[k] == s)
                elif tok not in QUOTES and tok not in BRACKETS and tok not in "–—-*":
                    at_start = False
                continue
            add_initial(at_start)
            add_quoted(in_quote)
            at_start = False
        piece.extend([pi] * (len(starts) - first))
    return toks


def view_pieces(segments) -> list[tuple[int, int]]:  # noqa: ANN001 - TextView segments
    """The ``(start, end)`` spans of a text view's segments, for :func:`tokenize`."""
    return [(s.start, s.end) for s in segments]


def word_shape(word: str) -> str:
    """``"upper"`` (all capitals, two letters or more), ``"title"`` (capital then lower case),
    ``"lower"``, or ``"mixed"``."""
    if len(word) > 1 and word.isupper():
        return "upper"
    if word[:1].isupper():
        return "title" if word[1:].islower() or len(word) == 1 else "mixed"
    return "lower" if word.islower() else "mixed"
