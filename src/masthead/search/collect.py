"""Collecting a search's results: counts and facets, the page of documents, their best passages.

- :func:`aggregate` runs one tantivy aggregation over the matching rows: the number of rows, the number
  of distinct documents (cardinality of ``doc_key``), and per facet value the number of distinct
  documents (periodical, writer, entity; years from a histogram of ``date``; decades summed from years).
- :func:`result_page` takes the top-scoring rows (or the oldest / newest), groups them by document in
  rank order until the page is full, breaks equal scores by date, then reads the stored text of the
  page's passages and the ``meta`` of its documents' title rows, and makes the snippets.
- :func:`exclude_documents` turns a top-level ``-word`` into "documents without the word".
"""

from __future__ import annotations

import json
from typing import Any

import tantivy
from tantivy import Occur, Order, Query

from masthead.search.compile import any_of
from masthead.search.results import DocumentHit, FacetCount, Highlighter, Passage, format_date

__all__ = ["aggregate", "result_page", "exclude_documents", "FACET_SIZE", "MAX_EXCLUDED_ROWS"]

FACET_SIZE = {"periodical": 50, "writer": 50, "entity": 50}
"""How many values each facet lists (the most frequent)."""
MAX_EXCLUDED_ROWS = 5000
_DOCS = {"cardinality": {"field": "doc_key"}}


def aggregate(searcher: tantivy.Searcher, q: Query, facets: bool) -> dict[str, Any]:
    """``{"rows": matching rows, "docs": matching documents, "facets": {name: [FacetCount]}}``."""
    spec: dict[str, Any] = {"docs": _DOCS, "rows": {"value_count": {"field": "doc_key"}}}
    if facets:
        for name, size in FACET_SIZE.items():
            spec[name] = {"terms": {"field": f"{name}_raw", "size": size}, "aggs": {"docs": _DOCS}}
        spec["year"] = {
            "histogram": {"field": "date", "interval": 10000, "min_doc_count": 1},
            "aggs": {"docs": _DOCS},
        }
    res = searcher.aggregate(q, spec)
    rows = int(res["rows"]["value"] or 0)
    out: dict[str, Any] = {"rows": rows, "docs": _count(res["docs"]), "facets": {}}
    if not facets:
        return out
    for name in FACET_SIZE:
        counts = [FacetCount(str(b["key"]), _count(b["docs"])) for b in res[name]["buckets"]]
        counts.sort(key=lambda f: (-f.count, f.value))
        out["facets"][name] = counts
    years: dict[int, int] = {}
    for b in res["year"]["buckets"]:
        y = int(b["key"]) // 10000
        if y > 0 and b["doc_count"]:
            years[y] = years.get(y, 0) + _count(b["docs"])
    decades: dict[int, int] = {}
    for y, c in years.items():
        decades[y // 10 * 10] = decades.get(y // 10 * 10, 0) + c
    out["facets"]["year"] = [FacetCount(str(y), c) for y, c in sorted(years.items())]
    out["facets"]["decade"] = [FacetCount(f"{d}s", c) for d, c in sorted(decades.items())]
    return out


def _count(metric: dict[str, Any]) -> int:
    return int(round(metric.get("value") or 0))


def exclude_documents(
    searcher: tantivy.Searcher, schema: tantivy.Schema, excluded: list[Query]
) -> list[Query]:
    """``-word`` at the top of a query leaves out whole documents that contain the word, not only its
    paragraphs, when it occurs in at most :data:`MAX_EXCLUDED_ROWS` paragraphs (beyond that the
    paragraph-level exclusion already in the query stands alone)."""
    out = []
    for nq in excluded:
        res = searcher.search(nq, MAX_EXCLUDED_ROWS + 1, count=False)
        if 0 < len(res.hits) <= MAX_EXCLUDED_ROWS:
            keys = sorted(set(searcher.fast_field_values("doc_key", [a for _, a in res.hits])))
            not_these = any_of(schema, "doc_key", keys)
            out.append(Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, not_these)]))
    return out


Rows = list[tuple[float, Any]]


def _group(searcher: tantivy.Searcher, hits: list[tuple[Any, Any]]) -> dict[int, Rows]:
    keys = searcher.fast_field_values("doc_key", [a for _, a in hits])
    groups: dict[int, Rows] = {}
    for (score, addr), key in zip(hits, keys, strict=True):
        groups.setdefault(key, []).append((score, addr))
    return groups


def result_page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    q: Query,
    sort: str,
    limit: int,
    offset: int,
    per_doc: int,
    hl: Highlighter,
) -> list[DocumentHit]:
    """The documents ``offset .. offset+limit`` of the results, each with up to ``per_doc`` passages."""
    need = offset + limit
    k = max(need * 3, 30)
    order = {"oldest": Order.Asc, "newest": Order.Desc}.get(sort)
    while True:
        if order is None:
            hits = searcher.search(q, k, count=False).hits
        else:
            hits = searcher.search(q, k, count=False, order_by_field="date", order=order).hits
        groups = _group(searcher, hits)
        if len(groups) >= need or len(hits) < k or k >= 50000:
            break
        k *= 4
    keys = list(groups)
    if order is None:
        # equal scores (to 4 significant places) are broken by date, oldest first, undated last
        first = [groups[key][0][1] for key in keys]
        dates = searcher.fast_field_values("date", first)
        rank = {
            key: (-float(f"{groups[key][0][0]:.4g}"), d or 99999999)
            for key, d in zip(keys, dates, strict=True)
        }
        keys.sort(key=lambda key: rank[key])
    page = keys[offset:need]
    if not page:
        return []
    in_page = any_of(schema, "doc_key", page)
    if order is not None:
        # ordered by date: each document's best passages by score, among its own rows
        scoped = Query.boolean_query([(Occur.Must, q), (Occur.Must, in_page)])
        best = _group(searcher, searcher.search(scoped, len(page) * per_doc * 8, count=False).hits)
        groups = {key: best.get(key) or groups[key] for key in page}
    metas = _metas(searcher, schema, in_page, len(page))
    out = []
    for key in page:
        meta = metas.get(key)
        if meta is not None:
            out.append(_hit(searcher, meta, groups[key][: per_doc + 1], per_doc, hl))
    return out


def _metas(searcher: tantivy.Searcher, schema: tantivy.Schema, in_page: Query, n: int) -> dict[int, dict]:
    titles = Query.boolean_query(
        [(Occur.Must, in_page), (Occur.Must, Query.term_query(schema, "kind", "title"))]
    )
    hits = searcher.search(titles, n, count=False).hits
    keys = searcher.fast_field_values("doc_key", [a for _, a in hits])
    out = {}
    for (_, addr), key in zip(hits, keys, strict=True):
        d = searcher.doc(addr)
        out[key] = json.loads(d.get_first("meta") or "{}")
    return out


def _hit(searcher: tantivy.Searcher, meta: dict, rows: Rows, per_doc: int, hl: Highlighter) -> DocumentHit:
    """A document with the passages to show: its best rows where the words are (a row that matched
    through its heading alone is kept only as a fallback); a document found by its title (or by a
    filter alone) shows its opening."""
    shown: list[Passage] = []
    fallback: Passage | None = None
    for score, addr in rows:
        d = searcher.doc(addr)
        kind = d.get_first("kind") or "paragraph"
        block = int(d.get_first("block"))
        if kind == "title":
            text, anchor = meta.get("preview") or "", ""
        else:
            text, anchor = d.get_first("body") or "", d.get_first("anchor") or f"p{block}"
        heading = d.get_first("headings") or None
        p = Passage(
            block=block,
            anchor=anchor,
            kind=kind,
            snippet=hl.snippet(text) if text else "",
            score=float(score),
            heading=heading if kind not in ("heading", "title") else None,
        )
        if kind != "title" and "<mark>" in p.snippet:
            shown.append(p)
            if len(shown) >= per_doc:
                break
        elif fallback is None or (kind == "title" and fallback.kind != "title"):
            fallback = p
    if not shown and fallback is not None:
        shown = [fallback]
    title = meta.get("title") or ""
    return DocumentHit(
        doc_id=meta.get("doc_id", ""),
        title=title,
        title_html=hl.mark(title),
        writers=tuple(meta.get("writers") or ()),
        periodical=meta.get("periodical"),
        issue=meta.get("issue"),
        date=format_date(meta.get("date")),
        score=float(rows[0][0]),
        passages=tuple(shown),
    )
