"""Related articles by lexical similarity (no extra install).

A document is described by a TF-IDF vector over its words (term frequency damped by a logarithm,
inverse document frequency over the index's paragraph rows, so stop words weigh almost nothing).

1. **Candidates.** Its :data:`TOP_TERMS` heaviest words, weighted, form one OR query over the other
   documents' paragraphs; each document that matches scores the sum of its paragraphs' scores divided
   by the square root of its number of paragraphs (so a long document is not favoured merely for being
   long), among the 200 with the highest plain sums. The best :data:`RERANK` are kept.
2. **Rerank.** Each candidate's own TF-IDF vector is built from its stored text, and the candidates are
   ordered by cosine similarity with the document's vector: whole-document similarity, which the
   paragraph-level scores of step 1 only approximate.

On the bundled archive split into halves (``bench/search_eval.py``), reranking lifts "the other half is
the top related document" from about 0.50 to about 0.61; brute-force cosine against every document
reaches about 0.59-0.64 there, so the candidates of step 1 lose little.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import tantivy
from tantivy import Occur, Query

from masthead.search.compile import any_of
from masthead.search.schema import doc_key

__all__ = ["related_documents", "top_terms", "TOP_TERMS", "RERANK"]

TOP_TERMS = 60
"""How many distinctive words make the candidate query."""
RERANK = 10
"""How many candidates are compared whole (each costs reading its stored text)."""
_CANDIDATE_ROWS = 1000
_POOL = 200


class _Weights:
    """TF-IDF weights against one searcher, with the document frequencies cached."""

    def __init__(self, searcher: tantivy.Searcher, analyzer: tantivy.TextAnalyzer) -> None:
        self.searcher = searcher
        self.analyzer = analyzer
        self.total = max(1, searcher.num_docs)
        self.df: dict[str, int] = {}

    def vector(self, texts: list[str]) -> dict[str, float]:
        """Unit-length TF-IDF vector of ``texts`` (words of three letters or more, numbers left out)."""
        tf: Counter[str] = Counter()
        for t in texts:
            tf.update(w for w in self.analyzer.analyze(t) if len(w) > 2 and not w.isdigit())
        vec = {}
        for term, count in tf.items():
            df = self.df.get(term)
            if df is None:
                df = self.df[term] = self.searcher.doc_freq("body", term)
            if df > 0:
                vec[term] = (1 + math.log(count)) * math.log(1 + self.total / df)
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {t: x / norm for t, x in vec.items()}


def top_terms(
    searcher: tantivy.Searcher, analyzer: tantivy.TextAnalyzer, texts: list[str], n: int = TOP_TERMS
) -> list[tuple[str, float]]:
    """The ``n`` words of ``texts`` with the highest TF-IDF weight against the index, best first."""
    vec = _Weights(searcher, analyzer).vector(texts)
    return sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _texts(searcher: tantivy.Searcher, schema: tantivy.Schema, key: int) -> list[str] | None:
    res = searcher.search(Query.term_query(schema, "doc_key", key), 100_000, count=False)
    if not res.hits:
        return None
    texts = []
    for _, addr in res.hits:
        d = searcher.doc(addr)
        if d.get_first("kind") == "title":
            texts.append(json.loads(d.get_first("meta") or "{}").get("title") or "")
        else:
            texts.append(d.get_first("body") or "")
    return texts


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def related_documents(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    analyzer: tantivy.TextAnalyzer,
    doc_id: str,
    limit: int = 5,
) -> list[tuple[str, float]]:
    """The ``limit`` documents most like ``doc_id``: ``[(doc_id, cosine similarity)]``, best first;
    empty for an id not in the index or a document with no distinctive words."""
    own_key = doc_key(doc_id)
    texts = _texts(searcher, schema, own_key)
    if texts is None:
        return []
    weights = _Weights(searcher, analyzer)
    own = weights.vector(texts)
    terms = sorted(own.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    if not terms:
        return []
    top = terms[0][1]
    should = [(Occur.Should, Query.boost_query(Query.term_query(schema, "body", t), w / top)) for t, w in terms]
    q = Query.boolean_query([*should, (Occur.MustNot, Query.term_query(schema, "doc_key", own_key))])
    hits = searcher.search(q, _CANDIDATE_ROWS, count=False).hits
    if not hits:
        return []
    keys = searcher.fast_field_values("doc_key", [a for _, a in hits])
    per_doc: dict[int, float] = {}
    for (score, _), key in zip(hits, keys, strict=True):
        per_doc[key] = per_doc.get(key, 0.0) + score
    pool = sorted(per_doc, key=lambda k: -per_doc[k])[:_POOL]
    counts = searcher.aggregate(
        any_of(schema, "doc_key", pool), {"rows": {"terms": {"field": "doc_key", "size": len(pool)}}}
    )
    rows = {int(b["key"]): int(b["doc_count"]) for b in counts["rows"]["buckets"]}
    norm = {key: per_doc[key] / math.sqrt(max(1, rows.get(key, 1))) for key in pool}
    candidates = sorted(pool, key=lambda k: -norm[k])[: max(RERANK, limit)]
    scored = []
    for key in candidates:
        ctexts = _texts(searcher, schema, key)
        if ctexts:
            scored.append((_cosine(own, weights.vector(ctexts)), key))
    scored.sort(key=lambda sk: -sk[0])
    scored = scored[:limit]
    titles = Query.boolean_query(
        [
            (Occur.Must, any_of(schema, "doc_key", [k for _, k in scored])),
            (Occur.Must, Query.term_query(schema, "kind", "title")),
        ]
    )
    th = searcher.search(titles, max(1, len(scored)), count=False).hits
    ids = {
        key: searcher.doc(addr).get_first("doc_id")
        for (_, addr), key in zip(th, searcher.fast_field_values("doc_key", [a for _, a in th]), strict=True)
    }
    return [(ids[key], round(sim, 4)) for sim, key in scored if key in ids]
