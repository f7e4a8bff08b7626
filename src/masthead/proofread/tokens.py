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
    for pi, (ps, pe) in enumerate(pieces):
        at_start = True
        in_quote = False
        last_end = ps
        for m in TOKEN.finditer(text, ps, pe):
            tok = m.group()
            s, e = m.span()
            if s > last_end + 1 and text.find("\n", last_end, s) >= 0 or s == last_end + 1 and text[last_end] == "\n":
                at_start = True  # a line start inside a block (verse, addresses) may take a capital
            last_end = e
            ty = WORD if tok.isalpha() else _type(tok)
            starts.append(s)
            ends.append(e)
            texts.append(tok)
            types.append(ty)
            if ty == WORD:
                low = tok.lower()
                lowers.append(low.replace("’", "'") if "’" in low else low)
            else:
                lowers.append(tok)
            piece.append(pi)
            if ty == PUNCT:
                if tok in "“«„" or (tok == '"' and not in_quote):
                    in_quote = True
                elif tok in ("”", "»") or (tok == '"' and in_quote):
                    in_quote = False
                initial.append(False)
                quoted.append(in_quote)
                if tok in SENTENCE_END or tok == ":":
                    # "A. Kots", "L. Storr Jameson": a full stop after an initial does not end a sentence
                    prev = texts[-2] if len(texts) > 1 and piece[-2] == pi else ""
                    at_start = not (tok == "." and len(prev) == 1 and prev.isupper() and ends[-2] == starts[-1])
                elif tok not in QUOTES and tok not in BRACKETS and tok not in "–—-*":
                    at_start = False
                continue
            initial.append(at_start)
            quoted.append(in_quote)
            at_start = False
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
