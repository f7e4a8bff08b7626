"""Related articles by lexical similarity (no extra install).

A document is described by its most distinctive words: TF-IDF over its own text (term frequency damped
by a logarithm, inverse document frequency over the index's paragraph rows), stop words falling out by
their low IDF. Those words, weighted, form one OR query over the other documents' paragraphs; each
candidate document scores the sum of its few best paragraph scores, so a long document is not favoured
merely for being long, and one matching paragraph does not outweigh several.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import tantivy
from tantivy import Occur, Query

from masthead.search.compile import any_of
from masthead.search.schema import doc_key

__all__ = ["related_documents", "top_terms", "TOP_TERMS", "ROWS_PER_DOC"]

TOP_TERMS = 30
"""How many distinctive words describe a document."""
ROWS_PER_DOC = 3
"""How many of a candidate's best paragraphs count towards its score."""
_CANDIDATE_ROWS = 400


def top_terms(
    searcher: tantivy.Searcher, analyzer: tantivy.TextAnalyzer, texts: list[str], n: int = TOP_TERMS
) -> list[tuple[str, float]]:
    """The ``n`` words of ``texts`` with the highest TF-IDF weight against the index, best first."""
    tf: Counter[str] = Counter()
    for t in texts:
        tf.update(w for w in analyzer.analyze(t) if len(w) > 2 and not w.isdigit())
    total = max(1, searcher.num_docs)
    weighted = []
    for term, count in tf.items():
        df = searcher.doc_freq("body", term)
        if df <= 0:
            continue
        idf = math.log(1 + total / df)
        weighted.append((term, (1 + math.log(count)) * idf))
    weighted.sort(key=lambda kv: (-kv[1], kv[0]))
    return weighted[:n]


def related_documents(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    analyzer: tantivy.TextAnalyzer,
    doc_id: str,
    limit: int = 5,
) -> list[tuple[str, float]]:
    """The ``limit`` documents most like ``doc_id``: ``[(doc_id, score)]``, best first; empty for an
    id not in the index or a document with no distinctive words."""
    own = Query.term_query(schema, "doc_key", doc_key(doc_id))
    res = searcher.search(own, 100_000, count=False)
    if not res.hits:
        return []
    texts = []
    for _, addr in res.hits:
        d = searcher.doc(addr)
        if d.get_first("kind") == "title":
            texts.append(json.loads(d.get_first("meta") or "{}").get("title") or "")
        else:
            texts.append(d.get_first("body") or "")
    terms = top_terms(searcher, analyzer, texts)
    if not terms:
        return []
    top = terms[0][1]
    should = [
        (Occur.Should, Query.boost_query(Query.term_query(schema, "body", t), w / top)) for t, w in terms
    ]
    q = Query.boolean_query([*should, (Occur.MustNot, own)])
    hits = searcher.search(q, _CANDIDATE_ROWS, count=False).hits
    if not hits:
        return []
    keys = searcher.fast_field_values("doc_key", [a for _, a in hits])
    per_doc: dict[int, list[float]] = {}
    for (score, _), key in zip(hits, keys, strict=True):
        lst = per_doc.setdefault(key, [])
        if len(lst) < ROWS_PER_DOC:
            lst.append(score)
    ranked = sorted(per_doc.items(), key=lambda kv: -sum(kv[1]))[:limit]
    titles = Query.boolean_query(
        [
            (Occur.Must, any_of(schema, "doc_key", [k for k, _ in ranked])),
            (Occur.Must, Query.term_query(schema, "kind", "title")),
        ]
    )
    th = searcher.search(titles, len(ranked), count=False).hits
    ids = {
        key: searcher.doc(addr).get_first("doc_id")
        for (_, addr), key in zip(th, searcher.fast_field_values("doc_key", [a for _, a in th]), strict=True)
    }
    return [(ids[key], round(sum(scores), 4)) for key, scores in ranked if key in ids]
