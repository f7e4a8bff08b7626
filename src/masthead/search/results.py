"""What a search returns, and the highlighter that makes its snippets.

:class:`SearchResults` holds the page of :class:`DocumentHit` (one per document, with its best
:class:`Passage` or passages), the totals, the facet counts and the "did you mean" suggestion.
:class:`Highlighter` marks the query's terms in any text: the snippets here, and the article page when a
reader follows a snippet to its paragraph (``Highlighter.mark`` on the paragraph's text).

Highlighting reads words the way the index's analyzer does (runs of letters and digits, lower-cased,
accents folded), so what is marked is what matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

__all__ = ["Passage", "DocumentHit", "FacetCount", "SearchResults", "Highlighter", "fold_word", "format_date"]

_SPECIAL = str.maketrans(
    {"æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ŀ": "l"}
)


@lru_cache(maxsize=200000)
def fold_word(word: str) -> str:
    """A word as the index keeps it: lower case, accents and ligatures folded to ASCII."""
    w = word.lower()
    if w.isascii():
        return w
    w = unicodedata.normalize("NFKD", w.translate(_SPECIAL))
    return "".join(ch for ch in w if not unicodedata.combining(ch))


def format_date(value: int | None) -> str | None:
    """``19480308`` -> ``"1948-03-08"``, ``19480300`` -> ``"1948-03"``, ``19480000`` -> ``"1948"``."""
    if not value:
        return None
    y, md = divmod(int(value), 10000)
    m, d = divmod(md, 100)
    if not m:
        return f"{y:04d}"
    if not d:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


@dataclass(frozen=True)
class Highlighter:
    """Marks the words a query matched.

    ``terms`` are index tokens matched anywhere; ``prefixes`` match any word that starts with them;
    ``phrases`` are token sequences (each position a set of accepted tokens) marked only where the whole
    sequence occurs.
    """

    terms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[frozenset[str], ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.phrases)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of ``text`` to mark, in order, not overlapping.

        One regular expression over the folded text finds whole words only (a match must not touch a
        letter or digit on either side): phrases first, so that a phrase is marked as one span."""
        rx = self._regex()
        if rx is None or not text:
            return []
        if text.isascii():
            folded, where = text.lower(), None
        else:
            folded, where = _fold_with_map(text)
        out: list[tuple[int, int]] = []
        # the pattern checks the end of a word; the start is checked here (a lookbehind in the pattern
        # would be tried at every position, several times slower): a match whose start touches a letter
        # or digit is dropped and the search goes on from the next position, as the lookbehind would
        pos, n = 0, len(folded)
        while pos < n:
            m = rx.search(folded, pos)
            if m is None:
                break
            s, e = m.span()
            if s > 0 and _WORD_CHAR(folded, s - 1):
                pos = s + 1
                continue
            pos = e if e > s else s + 1
            if where is not None:
                s, e = where[s], where[e]
            if out and _joinable(text[out[-1][1] : s]):
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return out

    def _regex(self) -> re.Pattern[str] | None:
        cached = _REGEX_CACHE.get(self)
        if cached is not None or self in _REGEX_CACHE:
            return cached
        alts = []
        for phrase in self.phrases:
            if phrase and all(phrase):
                alts.append(r"[\W_]+".join(_alt(slot) for slot in phrase))
        if self.terms:
            alts.append(_alt(self.terms))
        if self.prefixes:
            alts.append(_alt(self.prefixes) + r"[^\W_]*")
        rx = re.compile(r"(?:" + "|".join(alts) + r")(?![^\W_])") if alts else None
        if len(_REGEX_CACHE) > 256:
            _REGEX_CACHE.clear()
        _REGEX_CACHE[self] = rx
        return rx

    def mark(self, text: str) -> str:
        """The whole text, HTML-escaped, with ``<mark>`` around the matched words."""
        return _render(text, self.spans(text), 0, len(text))

    def snippet(self, text: str, max_chars: int = 240, spans: list[tuple[int, int]] | None = None) -> str:
        """The part of ``text`` (at most about ``max_chars``) with the most distinct matched words,
        HTML-escaped, matches in ``<mark>``, cut ends shown by an ellipsis. ``spans``: the text's
        :meth:`spans`, when already found."""
        if spans is None:
            spans = self.spans(text)
        if len(text) <= max_chars:
            return _render(text, spans, 0, len(text))
        start = 0
        if spans:
            best, best_score = 0, -1
            for i, (s, _) in enumerate(spans):
                seen = set()
                for s2, e2 in spans[i:]:
                    if e2 - s > max_chars:
                        break
                    seen.add(fold_word(text[s2:e2]))
                if len(seen) > best_score:
                    best, best_score = i, len(seen)
            first = spans[best][0]
            # some context before the first match, starting at a word boundary
            start = max(0, first - max_chars // 5)
            if start > 0:
                sp = text.rfind(" ", 0, start + 1)
                start = sp + 1 if sp >= 0 and first - sp < max_chars // 2 else start
        end = min(len(text), start + max_chars)
        if end < len(text):
            sp = text.rfind(" ", start + max_chars // 2, end)
            end = sp if sp > 0 else end
        inner = [(s, e) for s, e in spans if s >= start and e <= end]
        out = _render(text, inner, start, end)
        return ("…" if start > 0 else "") + out + ("…" if end < len(text) else "")


_REGEX_CACHE: dict[Highlighter, re.Pattern[str] | None] = {}


def _alt(words: Iterable[str]) -> str:
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w) for w in ws) + ")"


class _FoldTable(dict):
    """``str.translate`` table folding one character at a time; notes the characters whose folded form
    is not one character long (``æ`` -> ``ae``), which shift positions."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = ch.lower() if ch.isascii() else fold_word(ch)
        if len(f) != 1:
            _RESIZING.add(ch)
        self[code] = f
        return f


_RESIZING: set[str] = set()
_WORD_CHAR = re.compile(r"[^\W_]").match
_TABLE = _FoldTable()


_PLAIN: set[str] = set()
"""Non-ASCII characters seen to fold to their own lower case, one character (see :func:`_is_plain`)."""
_NOT_PLAIN: set[str] = set()


def _is_plain(ch: str) -> bool:
    """Whether a (non-ASCII) character folds to its own lower case, one character, whatever surrounds it
    (a capital sigma lower-cases by its context, so it never qualifies)."""
    if ch in _PLAIN:
        return True
    ok = ch != "\u03a3" and len(low := ch.lower()) == 1 and _TABLE[ord(ch)] == low
    (_PLAIN if ok else _NOT_PLAIN).add(ch)
    return ok


def _fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """The text folded as the index folds it, with, for every folded position (and the end), the
    position in ``text`` it came from (None when positions are unchanged, the usual case)."""
    odd = {ch for ch in set(text) if ch > "\x7f"}
    for ch in odd.difference(_PLAIN, _NOT_PLAIN):  # each character is judged once per process
        _is_plain(ch)
    bad = odd & _NOT_PLAIN
    # the usual case: every non-ASCII character of the text folds to its own lower case (curly quotes,
    # dashes, most Cyrillic or Greek letters), so the whole text is lower-cased at once
    if not bad:
        return text.lower(), None
    # next: the others fold to one character each (é -> e), so the text is lower-cased at once and
    # their lower-case forms replaced (folding lower-cases first: a character and its lower-case form
    # fold alike, so every occurrence of that form folds the same way, whatever it came from)
    if all(ch != "\u03a3" and len(ch.lower()) == 1 == len(_TABLE[ord(ch)]) for ch in bad):
        folded = text.lower()
        for ch in bad:
            folded = folded.replace(ch.lower(), _TABLE[ord(ch)])
        return folded, None
    # otherwise character by character, through the table (in C)
    folded = text.translate(_TABLE)
    if len(folded) == len(text) and _RESIZING.isdisjoint(odd):
        return folded, None
    parts: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = fold_word(ch) if not ch.isascii() else ch.lower()
        parts.append(f)
        where.extend([i] * len(f))
    where.append(len(text))
    return "".join(parts), where


def _joinable(gap: str) -> bool:
    return len(gap) <= 2 and not gap.strip(" -'’")


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    parts: list[str] = []
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        parts.append(escape(text[pos:s], quote=False))
        parts.append(f"<mark>{escape(text[s:e], quote=False)}</mark>")
        pos = e
    parts.append(escape(text[pos:end], quote=False))
    return "".join(parts).strip()


@dataclass(slots=True)
class Passage:
    """One matching paragraph: ``anchor`` is the fragment to link to on the article page (``p12``, or a
    note's id), ``block`` its index in ``Document.blocks`` (-1 for the title row and end notes).

    The result types are slotted classes, not frozen ones: a search makes a hundred or more of them,
    and a frozen dataclass is more than twice as slow to make."""

    block: int
    anchor: str
    kind: str
    snippet: str
    score: float
    heading: str | None = None


@dataclass(slots=True)
class DocumentHit:
    """One document of a result page with its best passages."""

    doc_id: str
    title: str
    title_html: str
    writers: tuple[str, ...]
    periodical: str | None
    issue: str | None
    date: str | None
    score: float
    passages: tuple[Passage, ...]

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


@dataclass(slots=True)
class FacetCount:
    """A facet value and how many matching documents have it."""

    value: str
    count: int


@dataclass
class SearchResults:
    """A page of results. ``total_passages`` counts matching paragraphs (exactly); ``total`` counts
    matching documents (within a few per cent; ``total_estimated`` is True when it was estimated from
    a sample of documents, for large result sets: show it as "about"). ``facet_unit`` says what the
    facet counts count: ``passages`` or ``documents`` (empty without facets).

    ``corrections`` maps a word not in the archive's vocabulary to the words searched instead;
    ``did_you_mean`` is the query with those words replaced (None when nothing was replaced or there is
    nothing to offer); ``relaxed`` is True when no paragraph held every word and the results are those
    holding most of them.
    """

    query: str
    hits: list[DocumentHit]
    total: int
    total_passages: int
    offset: int
    limit: int
    sort: str
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    corrections: dict[str, list[str]] = field(default_factory=dict)
    did_you_mean: str | None = None
    relaxed: bool = False
    highlighter: Highlighter = field(default_factory=Highlighter)
    elapsed_ms: float = 0.0
    total_estimated: bool = False
    facet_unit: str = ""

    @property
    def has_more(self) -> bool:
        """Whether a next page exists."""
        return self.offset + len(self.hits) < self.total and len(self.hits) == self.limit

    def to_dict(self) -> dict:
        """A JSON-ready form (for the API and ``--format json``)."""
        return {
            "query": self.query,
            "total": self.total,
            "total_estimated": self.total_estimated,
            "total_passages": self.total_passages,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
            "relaxed": self.relaxed,
            "did_you_mean": self.did_you_mean,
            "corrections": self.corrections,
            "hits": [
                {
                    "doc_id": h.doc_id,
                    "title": h.title,
                    "writers": list(h.writers),
                    "periodical": h.periodical,
                    "issue": h.issue,
                    "date": h.date,
                    "score": round(h.score, 4),
                    "passages": [
                        {"block": p.block, "anchor": p.anchor, "kind": p.kind, "snippet": p.snippet} for p in h.passages
                    ],
                }
                for h in self.hits
            ],
            "facets": {k: [{"value": f.value, "count": f.count} for f in v] for k, v in self.facets.items()},
            "facet_unit": self.facet_unit,
        }
