"""The search query language, parsed into a small syntax tree (never handed to tantivy's own parser).

Grammar (operators are the upper-case words ``AND``, ``OR``, ``NOT``; ``AND`` is implied between terms)::

    query    := or_expr
    or_expr  := and_expr ( "OR" and_expr )*
    and_expr := unary ( ["AND"] unary )*
    unary    := ("NOT" | "-") unary | "+"? primary
    primary  := "(" or_expr ")" | FIELD ":" value | '"' phrase '"' | word | word "*"
    value    := word | word "*" | '"' phrase '"' | "(" or_expr ")"
                (for year: 1948 | 1946..1948 | 1946.. | ..1948)

Fields: ``title:``, ``writer:``, ``periodical:``, ``entity:`` (terms searched in that field only) and
``year:`` (a year or an inclusive range). Any other ``name:`` is read as plain words, so that text pasted
from an article ("Note: the strike ...") still searches.

The parser is lenient where the intent is clear and strict where it is not: an unterminated quote runs
to the end of the query, an unmatched ``)`` is dropped and a missing one implied, dangling operators
(``OR`` at the end) are ignored, and a query typed all in capitals (``WE WILL NOT FIGHT``) is read as
words, not operators. What cannot be given a meaning raises :class:`QueryError` with a one-line message
meant for the reader: a malformed year, a prefix shorter than two letters, a query that only excludes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "QueryError",
    "Node",
    "Term",
    "Phrase",
    "Prefix",
    "YearRange",
    "And",
    "Or",
    "Not",
    "parse_query",
    "TEXT_FIELDS",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
]

TEXT_FIELDS = ("title", "writer", "periodical", "entity")
"""Fields a term or phrase can be limited to with ``field:``."""

_FIELDS = (*TEXT_FIELDS, "year")
MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
MIN_PREFIX = 2


class QueryError(ValueError):
    """A query that cannot be given a meaning. ``str(err)`` is a one-line message for the reader."""


# -- syntax tree -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Term:
    """A word as typed (it may analyse into several tokens: ``anti-war`` searches as a phrase).

    ``field`` is None for the default fields (title, headings, body, writer, periodical); ``span`` is
    where the word sits in the query text, so that a "did you mean" can replace it.
    """

    text: str
    field: str | None = None
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear next to each other, in order."""

    text: str
    field: str | None = None
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class Prefix:
    """``organi*``: any word beginning with ``text``."""

    text: str
    field: str | None = None
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class YearRange:
    """``year:1946..1948`` (inclusive); either end may be open (None)."""

    lo: int | None
    hi: int | None


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Term | Phrase | Prefix | YearRange | And | Or | Not


# -- lexer -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # word, phrase, lparen, rparen, and, or, not, minus, plus, field
    text: str
    start: int
    end: int


_FIELD_RE = re.compile(r"([A-Za-z]+):")
_WORD_END = re.compile(r'[\s()"]')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            toks.append(_Tok("lparen", c, i, i + 1))
            i += 1
        elif c == ")":
            toks.append(_Tok("rparen", c, i, i + 1))
            i += 1
        elif c == '"':
            j = text.find('"', i + 1)
            end = n if j < 0 else j
            toks.append(_Tok("phrase", text[i + 1 : end], i + 1, end))
            i = end + 1
        elif c in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+)":
            # "-word" excludes, "+word" requires (the default); a lone "-" is punctuation.
            if not toks or toks[-1].end < i or toks[-1].kind in ("lparen", "field"):
                toks.append(_Tok("minus" if c == "-" else "plus", c, i, i + 1))
                i += 1
            else:
                i = _word(text, i, toks)
        else:
            m = _FIELD_RE.match(text, i)
            if m and m.group(1).lower() in _FIELDS:
                toks.append(_Tok("field", m.group(1).lower(), i, m.end()))
                i = m.end()
            else:
                i = _word(text, i, toks)
    return toks


def _word(text: str, i: int, toks: list[_Tok]) -> int:
    m = _WORD_END.search(text, i)
    end = m.start() if m else len(text)
    if end == i:  # cannot happen for the characters that reach here, but never loop forever
        end = i + 1
    w = text[i:end]
    kind = {"AND": "and", "OR": "or", "NOT": "not", "&&": "and", "||": "or"}.get(w, "word")
    toks.append(_Tok(kind, w, i, end))
    return end


# -- parser ------------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.terms = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Node | None:
        items: list[Node] = []
        while self.peek() is not None:
            node = self.or_expr(None)
            if node is not None:
                items.append(node)
            t = self.peek()
            if t is not None and t.kind == "rparen":  # unmatched ")": drop it
                self.take()
        return _join(And, items)

    def or_expr(self, field: str | None) -> Node | None:
        items: list[Node] = []
        node = self.and_expr(field)
        if node is not None:
            items.append(node)
        while (t := self.peek()) is not None and t.kind == "or":
            self.take()
            node = self.and_expr(field)
            if node is not None:
                items.append(node)
        return _join(Or, items)

    def and_expr(self, field: str | None) -> Node | None:
        items: list[Node] = []
        while (t := self.peek()) is not None and t.kind not in ("or", "rparen"):
            if t.kind == "and":
                self.take()
                continue
            node = self.unary(field)
            if node is not None:
                items.append(node)
        return _join(And, items)

    def unary(self, field: str | None) -> Node | None:
        t = self.peek()
        if t is None:
            return None
        if t.kind in ("not", "minus"):
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "and", "rparen"):
                return None  # dangling NOT
            inner = self.unary(field)
            return Not(inner) if inner is not None else None
        if t.kind == "plus":
            self.take()
            return self.unary(field)
        return self.primary(field)

    def primary(self, field: str | None) -> Node | None:
        t = self.take()
        if t.kind == "lparen":
            node = self.or_expr(field)
            nxt = self.peek()
            if nxt is not None and nxt.kind == "rparen":
                self.take()
            return node
        if t.kind == "field":
            return self.field_value(t.text)
        if t.kind == "phrase":
            return self.count(Phrase(t.text, field, (t.start, t.end)))
        if t.kind == "word":
            return self.word(t, field)
        return None  # a stray operator

    def field_value(self, name: str) -> Node | None:
        t = self.peek()
        if t is None or t.kind in ("rparen", "or", "and"):
            # "writer:" with nothing after it: nothing to limit
            return None
        if name == "year":
            if t.kind in ("word", "phrase"):
                self.take()
                return _year(t.text)
            if t.kind == "lparen":
                raise QueryError("year: takes a year or a range, like year:1948 or year:1946..1948")
            return None
        if t.kind in ("field", "minus", "plus", "not"):
            return None
        return self.primary(name)

    def word(self, t: _Tok, field: str | None) -> Node | None:
        w = t.text
        if w.endswith("*"):
            stem = w.rstrip("*")
            if not any(ch.isalnum() for ch in stem):
                return None if not stem else self.count(Term(stem, field, (t.start, t.end)))
            if sum(ch.isalnum() for ch in stem) < MIN_PREFIX or not stem[-1].isalnum():
                raise QueryError(f"{w!r}: a prefix search needs at least {MIN_PREFIX} letters before the *")
            return self.count(Prefix(stem, field, (t.start, t.start + len(stem))))
        return self.count(Term(w, field, (t.start, t.end)))

    def count(self, node: Node) -> Node:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"the query has more than {MAX_TERMS} terms; shorten it")
        return node


_YEAR = re.compile(r"^\s*(\d{3,4})?\s*(?:(\.\.|-|–|to)\s*(\d{3,4})?)?\s*$")


def _year(text: str) -> YearRange:
    m = _YEAR.match(text)
    if not m or (m.group(1) is None and m.group(3) is None):
        raise QueryError(f"year:{text} is not a year; write year:1948 or a range like year:1946..1948")
    lo = int(m.group(1)) if m.group(1) else None
    if m.group(2) is None:
        return YearRange(lo, lo)
    hi = int(m.group(3)) if m.group(3) else None
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return YearRange(lo, hi)


def _join(cls: type[And] | type[Or], items: list[Node]) -> Node | None:
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    flat: list[Node] = []
    for it in items:
        flat.extend(it.items if isinstance(it, cls) else (it,))
    return cls(tuple(flat))


def _all_caps(toks: list[_Tok]) -> bool:
    words = [t.text for t in toks if t.kind in ("word", "and", "or", "not") and any(c.isalpha() for c in t.text)]
    ops = sum(1 for t in toks if t.kind in ("and", "or", "not"))
    return ops > 0 and len(words) - ops >= 2 and all(w.upper() == w for w in words)


def parse_query(text: str) -> Node | None:
    """Parse what a reader typed into a syntax tree; ``None`` for a blank query.

    Raises :class:`QueryError` (a one-line message) for a query that cannot be given a meaning.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    text = text.translate(_QUOTES)
    toks = _lex(text)
    if _all_caps(toks):
        toks = [_Tok("word", t.text, t.start, t.end) if t.kind in ("and", "or", "not") else t for t in toks]
    node = _Parser(toks).parse()
    if node is not None:
        _check_positive(node)
    return node


def _check_positive(node: Node) -> None:
    """Every alternative must look for something: ``-war`` alone, or ``peace OR -war``, cannot."""
    if isinstance(node, Not):
        raise QueryError("the query only excludes words; add a word to look for, as in: strike -war")
    if isinstance(node, Or):
        for it in node.items:
            _check_positive(it)
    elif isinstance(node, And):
        pos = [it for it in node.items if not isinstance(it, Not)]
        if not pos:
            raise QueryError("the query only excludes words; add a word to look for, as in: strike -war")
        for it in pos:
            _check_positive(it)


def query_words(node: Node | None) -> list[Term | Phrase | Prefix]:
    """The positive terms, phrases and prefixes of a tree, in query order (excluded ones left out)."""
    out: list[Term | Phrase | Prefix] = []

    def walk(n: Node) -> None:
        if isinstance(n, (Term, Phrase, Prefix)):
            out.append(n)
        elif isinstance(n, (And, Or)):
            for it in n.items:
                walk(it)

    if node is not None:
        walk(node)
    return out
