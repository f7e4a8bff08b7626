"""Turn a parsed query (:mod:`masthead.search.query`) into tantivy ``Query`` objects.

Every word goes through the index's own analyzer (so ``Jaurès`` searches ``jaures`` and ``anti-war``
searches the phrase ``anti war``), then is widened to the vocabulary's other spellings of the same word
(``labour`` / ``labor``) and, when the archive does not contain it at all, to its nearest vocabulary words
(a typo: ``rnodern`` -> ``modern``). A bare word searches title, headings and body with the weights of
:data:`FIELD_BOOSTS`; ``title:`` searches the title alone, and ``writer:``, ``periodical:`` and
``entity:`` match the exact names (facet values) whose words hold the query's words. Prefixes expand to
the most frequent vocabulary words they begin (scored by BM25, unlike a constant-score automaton).

The compiler never builds a query from user text with tantivy's parser, so nothing the reader types can
reach tantivy as syntax; every tantivy call it makes takes analysed tokens.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from masthead.search.query import And, Node, Not, Or, Phrase, Prefix, QueryError, Term, YearRange
from masthead.search.results import Highlighter
from masthead.search.schema import FACET_FIELDS
from masthead.search.spelling import Vocabulary, edit_distance

__all__ = ["FIELD_BOOSTS", "VOCAB_FIELDS", "Compiled", "Compiler", "filter_queries", "any_of", "year_range"]

FIELD_BOOSTS: dict[str, float] = {"title": 3.0, "headings": 1.5, "body": 1.0}
"""Fields a bare word searches, with their BM25 weights: title over headings over body. Writer and
periodical names are not searched by bare words (``labor`` would otherwise match every paragraph of
*Labor Action*): ``writer:``, ``periodical:`` and the facets find them."""

VOCAB_FIELDS = tuple(FIELD_BOOSTS)
NameList = list[tuple[str, tuple[str, ...]]]
"""Every exact value of a facet field with its analysed tokens: ``[("Max Shachtman", ("max",
"shachtman")), ...]``."""
PREFIX_EXPANSION = 48
"""How many vocabulary words (the most frequent) a prefix expands to, per field."""
FUZZY_WEIGHT = 0.7
"""Weight of a typo correction relative to a word as typed."""
_MAX_CANDIDATES = 3
MAX_PHRASE_VARIANTS = 8
"""A phrase with more spelling combinations than this is searched with one regex phrase query."""
PROXIMITY_SLOP = 3
PROXIMITY_BOOST = 2.0
MIN_PROXIMITY_WORDS = 3
"""Plain words found within a few positions of each other, in order, score this much more."""


@dataclass
class Compiled:
    """A compiled query: ``query`` (None when the text held nothing to search), ``relax()`` building a
    form that needs most rather than all words (None when that does not apply), the highlighter, the
    typo corrections (``word -> [vocabulary words]``) with their places in the query text, and the
    top-level excluded clauses (``excluded``), which the index applies to whole documents; ``max_rows``:
    at most how many rows the query can match, from the index's word frequencies (None: not known);
    ``likely_rows``: how many it would match if its words fell in rows independently of one another
    (an estimate, at most ``max_rows``; None: not known)."""

    query: Query | None
    relax: Callable[[], Query | None] = lambda: None
    highlighter: Highlighter = field(default_factory=Highlighter)
    corrections: dict[str, list[str]] = field(default_factory=dict)
    replacements: list[tuple[tuple[int, int], str]] = field(default_factory=list)
    text_terms: bool = False
    excluded: list[Query] = field(default_factory=list)
    max_rows: int | None = None
    likely_rows: int | None = None


class Compiler:
    """Compiles one query against one searcher (doc frequencies and term dictionaries come from it)."""

    def __init__(
        self,
        schema: tantivy.Schema,
        analyzer: tantivy.TextAnalyzer,
        searcher: tantivy.Searcher,
        vocab: Vocabulary,
        *,
        fuzzy: bool = True,
        names: Callable[[str], NameList] | None = None,
        widen: Callable[[str, list[str]], list[str]] | None = None,
    ) -> None:
        self.names = names or (lambda field: [])
        self.widen = widen
        self.schema = schema
        self.analyzer = analyzer
        self.searcher = searcher
        self.vocab = vocab
        self.fuzzy = fuzzy
        self._df: dict[str, int] = {}
        self._alts: dict[str, tuple[list[str], list[str]]] = {}
        self.terms: set[str] = set()
        self.prefixes: list[str] = []
        self.phrases: list[tuple[frozenset[str], ...]] = []
        self.corrections: dict[str, list[str]] = {}
        self.replacements: list[tuple[tuple[int, int], str]] = []
        self.text_terms = False
        self._negated = 0

    # -- entry point ---------------------------------------------------------------------------------
    def compile(self, node: Node | None) -> Compiled:
        if node is None:
            return Compiled(None)
        q = self.node(node)
        excluded = []
        if isinstance(node, And):
            excluded = [q for q in (self.negative(it.item) for it in node.items if isinstance(it, Not)) if q]
        if q is None and _has_words(node):
            raise QueryError("the query holds no words to search for (only punctuation)")
        near = self.proximity(node)
        if q is not None and near is not None:
            q = Query.boolean_query([(Occur.Must, q), (Occur.Should, near)])
        hl = Highlighter(frozenset(self.terms), tuple(self.prefixes), tuple(dict.fromkeys(self.phrases)))
        reps = list(dict(self.replacements).items())
        bound = self.max_rows(node) if q is not None else 0
        likely = None
        if q is not None and bound is not None and (share := self.share(node)) is not None:
            likely = min(bound, round(share * self.searcher.num_docs))
        return Compiled(
            q, lambda: self.relaxed(node), hl, self.corrections, reps, self.text_terms, excluded, bound, likely
        )

    def max_rows(self, n: Node) -> int | None:
        """An upper bound on the rows ``n`` matches (None: not known), from the frequencies of its words
        (in any searchable field: a bound for one field too): a word matches at most the rows holding
        one of its spellings, a phrase at most those of its rarest position, an AND at most its rarest
        part, an OR at most the sum of its parts. Names, prefixes and years are not bounded."""
        if isinstance(n, (Term, Phrase)):
            words = self._word_rows(n)
            return min(words) if words else None
        if isinstance(n, And):
            known = [b for b in (self.max_rows(it) for it in n.items if not isinstance(it, Not)) if b is not None]
            return min(known) if known else None
        if isinstance(n, Or):
            parts = [self.max_rows(it) for it in n.items]
            return None if any(b is None for b in parts) else sum(b for b in parts if b is not None)
        return None

    def share(self, n: Node) -> float | None:
        """The share of rows ``n`` would match if its words fell in rows independently: a word's own
        share, the product of an AND's or a phrase's parts, the sum of an OR's (None: not known, as for
        :meth:`max_rows`). Words of a paragraph are not independent (long paragraphs hold many common
        words at once), so this is an estimate, below the truth as often as not."""
        if isinstance(n, (Term, Phrase)):
            words = self._word_rows(n)
            rows = max(1, self.searcher.num_docs)
            return math.prod(min(1.0, w / rows) for w in words) if words else None
        if isinstance(n, And):
            known = [p for p in (self.share(it) for it in n.items if not isinstance(it, Not)) if p is not None]
            return math.prod(known) if known else None
        if isinstance(n, Or):
            parts = [self.share(it) for it in n.items]
            return None if any(p is None for p in parts) else min(1.0, sum(p for p in parts if p is not None))
        return None

    def _word_rows(self, n: Term | Phrase) -> list[int]:
        """The rows holding each word of a term or phrase in one of its spellings (empty: not known, for a
        name field or a text with no words)."""
        if n.field in FACET_FIELDS:
            return []
        tokens = self.analyzer.analyze(n.text)
        return [sum(self.df(t) for t in itertools.chain(*self.alternatives(tok))) for tok in tokens]

    # -- nodes ---------------------------------------------------------------------------------------
    def node(self, n: Node) -> Query | None:
        if isinstance(n, Term):
            return self.term(n)
        if isinstance(n, Phrase):
            return self.phrase(n)
        if isinstance(n, Prefix):
            return self.prefix(n)
        if isinstance(n, YearRange):
            return year_range(self.schema, n.lo, n.hi)
        if isinstance(n, Or):
            subs = [q for q in (self.node(it) for it in n.items) if q is not None]
            if not subs:
                return None
            return subs[0] if len(subs) == 1 else Query.boolean_query([(Occur.Should, q) for q in subs])
        if isinstance(n, And):
            must = [q for q in (self.node(it) for it in n.items if not isinstance(it, Not)) if q is not None]
            nots = [q for q in (self.negative(it.item) for it in n.items if isinstance(it, Not)) if q is not None]
            if not must:
                if nots:
                    raise QueryError("the query only excludes words; add a word to look for, as in: strike -war")
                return None
            if len(must) == 1 and not nots:
                return must[0]
            return Query.boolean_query([(Occur.Must, q) for q in must] + [(Occur.MustNot, q) for q in nots])
        if isinstance(n, Not):  # only reachable inside an OR; the parser refuses it elsewhere
            raise QueryError("the query only excludes words; add a word to look for, as in: strike -war")
        raise QueryError(f"cannot search for {n!r}")  # pragma: no cover - every node kind is handled

    def proximity(self, node: Node) -> Query | None:
        """For three or more plain words: a bonus (not a condition) for paragraphs and titles holding
        them close together and in the order typed, as a remembered passage does (a sloppy phrase).
        Not for two words: on common pairs it doubles the cost of ranking for little gain."""
        if not isinstance(node, And):
            return None
        words = [it for it in node.items if isinstance(it, Term) and it.field is None]
        slots = [ex + fz for w in words for ex, fz in (self.alternatives(t) for t in self.analyzer.analyze(w.text))]
        if len(slots) < MIN_PROXIMITY_WORDS or len(slots) > 16:
            return None
        combos = list(itertools.islice(itertools.product(*slots), MAX_PHRASE_VARIANTS + 1))
        if len(combos) > MAX_PHRASE_VARIANTS:
            return None
        qs = [
            _boost(Query.phrase_query(self.schema, f, list(c), slop=PROXIMITY_SLOP), FIELD_BOOSTS[f])
            for f in ("title", "body")
            for c in combos
        ]
        return Query.boost_query(Query.boolean_query([(Occur.Should, x) for x in qs]), PROXIMITY_BOOST)

    def negative(self, n: Node) -> Query | None:
        """An excluded clause: compiled like any other, but its words are neither highlighted nor
        corrected."""
        self._negated += 1
        try:
            return self.node(n)
        finally:
            self._negated -= 1

    def relaxed(self, node: Node) -> Query | None:
        """For three or more plain words none of whose paragraphs hold them all: most of them."""
        if not isinstance(node, And):
            return None
        words = [it for it in node.items if isinstance(it, (Term, Phrase, Prefix)) and it.field is None]
        if len(words) < 3:
            return None
        others = [it for it in node.items if it not in words]
        should = [q for q in (self.node(w) for w in words) if q is not None]
        if len(should) < 3:
            return None
        need = min(len(should) - 1, math.ceil(0.7 * len(should)))
        subs: list[tuple[Any, Query]] = [(Occur.Should, q) for q in should]
        for it in others:
            q = self.negative(it.item) if isinstance(it, Not) else self.node(it)
            if q is not None:
                subs.append((Occur.MustNot if isinstance(it, Not) else Occur.Must, q))
        return Query.boolean_query(subs, minimum_number_should_match=need)

    def term(self, n: Term) -> Query | None:
        tokens = self.analyzer.analyze(n.text)
        if not tokens:
            return None
        if n.field in FACET_FIELDS:
            return self.name_query(n.field, tokens)
        if len(tokens) > 1:
            return self._phrase(tokens, n.field)
        return self._token(tokens[0], n.field, n.span)

    def phrase(self, n: Phrase) -> Query | None:
        tokens = self.analyzer.analyze(n.text)
        if not tokens:
            return None
        if n.field in FACET_FIELDS:
            return self.name_query(n.field, tokens)
        if len(tokens) == 1:
            return self._token(tokens[0], n.field, n.span)
        return self._phrase(tokens, n.field)

    def prefix(self, n: Prefix) -> Query | None:
        tokens = self.analyzer.analyze(n.text)
        if not tokens:
            return None
        if n.field in FACET_FIELDS:
            return self.name_query(n.field, tokens, prefix=True)
        fields = self._fields(n.field)
        per_field: list[Query] = []
        if len(tokens) > 1:
            for f, boost in fields:
                q = Query.phrase_prefix_query(self.schema, f, tokens)
                per_field.append(_boost(q, boost))
            if not self._negated:
                self.terms.update(tokens[:-1])
                self.prefixes.append(tokens[-1])
        else:
            tok = tokens[0]
            if not self._negated:
                self.prefixes.append(tok)
            for f, boost in fields:
                words = [t for t, _ in self.searcher.terms_with_prefix(f, tok, limit=PREFIX_EXPANSION)]
                if words:
                    per_field.append(_boost(_any_term(self.schema, f, words), boost))
        if n.field is None and not self._negated:
            self.text_terms = True
        if not per_field:
            return Query.empty_query()
        return per_field[0] if len(per_field) == 1 else Query.boolean_query([(Occur.Should, q) for q in per_field])

    def name_query(self, fname: str, tokens: list[str], *, prefix: bool = False) -> Query:
        """``writer:shachtman``, ``periodical:"labor action"``, ``writer:trot*``: the exact names whose
        words contain the query's words in order (the last one as a prefix for ``*``); with fuzzy
        matching, a name one edit away from a word the names lack. ``widen`` (when given) adds the other
        names of what was found: a writer's pen names, say."""
        names = self.names(fname)
        found = [name for name, toks in names if _contains(toks, tokens, prefix, 0)]
        if not found and self.fuzzy and not prefix:
            found = [name for name, toks in names if _contains(toks, tokens, prefix, 1)]
        if found and self.widen is not None:
            found = self.widen(fname, found)
        if not found:
            return Query.empty_query()
        return any_of(self.schema, FACET_FIELDS[fname], found)

    # -- building blocks -----------------------------------------------------------------------------
    def _fields(self, name: str | None) -> list[tuple[str, float]]:
        if name is None:
            return list(FIELD_BOOSTS.items())
        return [(name, 1.0)]

    def _token(self, tok: str, fname: str | None, span: tuple[int, int]) -> Query:
        exact, fuzzy = self.alternatives(tok, span)
        if not self._negated:
            self.terms.update(exact)
            self.terms.update(fuzzy)
            if fname is None:
                self.text_terms = True
        per_field = []
        for f, boost in self._fields(fname):
            subs = [Query.term_query(self.schema, f, t) for t in exact]
            subs += [Query.boost_query(Query.term_query(self.schema, f, t), FUZZY_WEIGHT) for t in fuzzy]
            q = subs[0] if len(subs) == 1 else Query.boolean_query([(Occur.Should, s) for s in subs])
            per_field.append(_boost(q, boost))
        return per_field[0] if len(per_field) == 1 else Query.boolean_query([(Occur.Should, q) for q in per_field])

    def _phrase(self, tokens: list[str], fname: str | None) -> Query:
        slots = []
        for t in tokens:
            exact, fuzzy = self.alternatives(t)
            slots.append(exact + fuzzy)
        if not self._negated:
            self.phrases.append(tuple(frozenset(s) for s in slots))
            if fname is None:
                self.text_terms = True
        per_field = []
        # spellings of the phrase: a few plain phrase queries beat one regex phrase query, which walks
        # the term dictionary for every position
        combos = [list(c) for c in itertools.islice(itertools.product(*slots), MAX_PHRASE_VARIANTS + 1)]
        for f, boost in self._fields(fname):
            if len(combos) <= MAX_PHRASE_VARIANTS:
                qs = [Query.phrase_query(self.schema, f, c) for c in combos]
                q = qs[0] if len(qs) == 1 else Query.boolean_query([(Occur.Should, x) for x in qs])
            else:
                pats = [s[0] if len(s) == 1 else "(" + "|".join(s) + ")" for s in slots]
                q = Query.regex_phrase_query(self.schema, f, pats)
            per_field.append(_boost(q, boost))
        return per_field[0] if len(per_field) == 1 else Query.boolean_query([(Occur.Should, q) for q in per_field])

    def df(self, tok: str) -> int:
        """Documents (paragraph rows) holding ``tok`` in any searchable field."""
        n = self._df.get(tok)
        if n is None:
            n = sum(self.searcher.doc_freq(f, tok) for f in VOCAB_FIELDS)
            self._df[tok] = n
        return n

    def alternatives(self, tok: str, span: tuple[int, int] | None = None) -> tuple[list[str], list[str]]:
        """``(exact, fuzzy)``: the token with its other spellings, and typo corrections (only for a token
        the archive does not contain; empty when fuzzy matching is off). ``span`` is where the word sits
        in the query text when the word is this one token, so that "did you mean" can replace it."""
        hit = self._alts.get(tok)
        if hit is None:
            exact = list(self.vocab.variants(tok))
            fuzzy: list[str] = []
            if not any(self.df(t) for t in exact) and not self._negated:
                cands = self.suggest(tok)
                if cands:
                    self.corrections[tok] = cands
                    if self.fuzzy:
                        fuzzy = list(dict.fromkeys(v for c in cands for v in self.vocab.variants(c)))
            hit = self._alts[tok] = (exact, fuzzy)
        if span is not None and tok in self.corrections:
            self.replacements.append((span, self.corrections[tok][0]))
        return hit

    def suggest(self, tok: str) -> list[str]:
        """The closest vocabulary words to a token the archive lacks, most frequent first."""
        if len(tok) < 3 or not tok.isalpha():
            return []
        max_d = 1 if len(tok) < 5 else 2
        near = [(w, d) for w, d in self.vocab.near(tok, max_d) if self.df(w) > 0]
        if not near:
            return []
        best = min(d for _, d in near)
        words = sorted((w for w, d in near if d == best), key=lambda w: -self.df(w))
        return words[:_MAX_CANDIDATES]


def _contains(name: tuple[str, ...], words: list[str], prefix: bool, typos: int) -> bool:
    n = len(words)
    for i in range(len(name) - n + 1):
        ok = True
        for k, w in enumerate(words):
            t = name[i + k]
            if prefix and k == n - 1:
                ok = t.startswith(w)
            elif typos and len(w) >= 4:
                ok = edit_distance(t, w, typos + 1) <= typos
            else:
                ok = t == w
            if not ok:
                break
        if ok:
            return True
    return False


def year_range(schema: tantivy.Schema, lo: int | None, hi: int | None) -> Query:
    """Rows dated within years ``lo``..``hi`` (inclusive, either end open) by the ``date`` field."""
    return Query.range_query(
        schema,
        "date",
        tantivy.FieldType.Integer,
        None if lo is None else lo * 10000,
        None if hi is None else hi * 10000 + 9999,
    )


def _boost(q: Query, boost: float) -> Query:
    return q if boost == 1.0 else Query.boost_query(q, boost)


def _any_term(schema: tantivy.Schema, fname: str, words: list[str]) -> Query:
    if len(words) == 1:
        return Query.term_query(schema, fname, words[0])
    return Query.boolean_query([(Occur.Should, Query.term_query(schema, fname, w)) for w in words])


def any_of(schema: tantivy.Schema, fname: str, values: list[Any]) -> Query:
    """Rows whose ``fname`` is one of ``values``, unscored. A handful of term queries is much faster
    than tantivy's term-set query (which walks the field's term dictionary); many values use the set."""
    if len(values) > 64:
        return Query.term_set_query(schema, fname, values)
    return Query.const_score_query(_any_term(schema, fname, values), 1.0)


def _has_words(n: Node) -> bool:
    if isinstance(n, (Term, Phrase, Prefix)):
        return True
    if isinstance(n, (And, Or)):
        return any(_has_words(it) for it in n.items)
    return False


def filter_queries(schema: tantivy.Schema, filters: dict[str, Any] | None) -> list[Query]:
    """Queries for exact facet filters: ``{"periodical": "Labor Action", "writer": ["A", "B"],
    "year": 1948 or (1946, 1948), "decade": 1940}``. Several values of one key match
    any of them; different keys must all match. Raises :class:`QueryError` for an unknown key or a
    malformed value."""
    out: list[Query] = []
    for key, value in (filters or {}).items():
        if value is None or value == [] or value == ():
            continue
        if key in FACET_FIELDS:
            values = [value] if isinstance(value, str) else list(value)
            if not all(isinstance(v, str) for v in values):
                raise QueryError(f"filter {key}: expects text values, got {value!r}")
            out.append(any_of(schema, FACET_FIELDS[key], values))
        elif key in ("year", "decade"):
            lo, hi = _year_bounds(key, value)
            out.append(year_range(schema, lo, hi))
        else:
            raise QueryError(f"unknown filter {key!r}; use periodical, writer, entity, year or decade")
    return out


def _year_bounds(key: str, value: Any) -> tuple[int | None, int | None]:
    try:
        if isinstance(value, str):
            if ".." in value:
                a, b = value.split("..", 1)
                lo, hi = (int(a) if a.strip() else None), (int(b) if b.strip() else None)
            else:
                lo = hi = int(value)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            lo = None if value[0] is None else int(value[0])
            hi = None if value[1] is None else int(value[1])
        else:
            lo = hi = int(value)
    except (TypeError, ValueError) as exc:
        raise QueryError(f"filter {key}: expects a year or a range like 1946..1948, got {value!r}") from exc
    if lo is None and hi is None:
        raise QueryError(f"filter {key}: give at least one end of the range")
    if key == "decade":
        lo = None if lo is None else lo - lo % 10
        hi = None if hi is None else hi - hi % 10 + 9
    return lo, hi
