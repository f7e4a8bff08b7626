"""Collecting a search's results: counts and facets, the page of documents, their best passages.

- :func:`top_rows` counts the matching rows and takes the top-scoring ones (or the oldest / newest) in
  one pass, grouped by document in rank order, equal scores broken by date.
- :func:`facets_and_documents` runs one tantivy aggregation over the matching rows: periodical, writer,
  entity (counted by their numbers, see :mod:`masthead.search.facetids`), years (the values of
  ``year``) and decades (summed from years). The same pass counts (or, for large result sets,
  estimates from a sample) the distinct documents among the matching rows: the query is evaluated
  twice per search (ranking, then facets and totals), not three times.
- :func:`count_documents` counts them in a pass of its own, for a search without facets.
- :func:`result_page` reads the stored text of a page's passages (and, from the same rows, their
  documents' ``meta``), and makes the snippets.
- :func:`exclude_documents` turns a top-level ``-word`` into "documents without the word".
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from typing import Any

import tantivy
from tantivy import Occur, Order, Query

from masthead.search.compile import any_of
from masthead.search.results import DocumentHit, FacetCount, Highlighter, Passage, format_date
from masthead.search.schema import FACET_ID_FIELDS, SAMPLE_LEVELS, sample_field

__all__ = [
    "facets_and_documents",
    "count_documents",
    "sample_shift",
    "sample_suits",
    "pick_count",
    "ranked_rows",
    "early_samples",
    "empty_facets",
    "top_rows",
    "result_page",
    "exclude_documents",
    "FACET_SIZE",
    "EXACT_DOCS_ROWS",
]

Rows = list[tuple[float, Any]]
Labels = Callable[[str, int], str | None]
"""Names a facet value by its number: ``labels("writer", 7) == "Hal Draper"``."""

FACET_SIZE = {"periodical": 50, "writer": 50, "entity": 50}
"""How many values each facet lists (the most frequent)."""
MAX_EXCLUDED_ROWS = 5000
EXACT_DOCS_ROWS = 20_000
"""Up to this many matching rows the document total counts every document; above, it samples."""
SAMPLE_ROWS = 10_000
"""The sample for the document total is the largest power-of-two share of documents expected to hold
at most this many of the matching rows. ``bench/search.py`` prints the error against the documents
counted one by one: on its 21 one-word searches of 20,000-200,000 rows at 1,000,000 rows, a median of
2.5% (at most 5.4%); a sample of 4,000 rows halves the count's cost but doubles that (4.6%, at most
9.8%), too far for a total shown to readers."""
YEAR_BUCKETS = 10_000
"""Every year is listed (a terms count over the ``year`` field, not cut to the most frequent)."""
_DOCS = {"cardinality": {"field": "doc_key"}}
EARLY_LEVELS = 4
_MORE_PASSES = 3
"""Passes for the top rows of documents not yet found, before one pass takes many rows at once."""


def facets_and_documents(
    searcher: tantivy.Searcher,
    q: Query,
    labels: Labels,
    *,
    unit: str = "passages",
    skip: frozenset[str] = frozenset(),
    documents: Iterable[int] = (),
    facets: bool = True,
) -> tuple[dict[str, list[FacetCount]], dict[int, int]]:
    """Facet counts over the rows ``q`` matches, in one aggregation pass: periodical, writer, entity
    (the most frequent values, counted by number; ``labels(facet, number)`` names them, see
    :meth:`~masthead.search.facetids.FacetIds.value`), year (every value of ``year``) and decade
    (summed from years).

    ``unit="passages"`` (the default) counts matching paragraphs per value: exact, and cheap (a counter
    per value). ``unit="documents"`` counts distinct documents per value (HyperLogLog per value, so
    within a few per cent) at several times the cost on large result sets. Facets named in ``skip``
    (a field no document has values for) are listed empty without being counted.

    ``documents`` (samples, see :func:`sample_shift`): the same pass also counts the distinct documents
    among the matching rows, returned second as ``{sample: documents}``: every one for 0, or, for ``s``
    > 0, those whose key falls in the first 1/2^s of the key space, times 2^s (an estimate, as
    :func:`count_documents` makes). Evaluating the query is most of the cost of a pass, so counting in
    the facet pass instead of a pass of its own saves one evaluation of the query per search; a search
    that does not yet know how many rows match may count in two samples at once (see
    :func:`pick_count`). ``facets=False``: the counts alone (facets returned empty).
    """
    per_value = {"aggs": {"docs": _DOCS}} if unit == "documents" else {}
    spec: dict[str, Any] = {}
    if facets:
        for name, size in FACET_SIZE.items():
            if name not in skip:
                spec[name] = {"terms": {"field": FACET_ID_FIELDS[name], "size": size}, **per_value}
        spec["year"] = {"terms": {"field": "year", "size": YEAR_BUCKETS}, **per_value}
    shifts = sorted(set(documents))
    for shift in shifts:
        spec[f"_documents_{shift}"] = _documents_spec(shift)
    if not spec:
        return {}, {}
    res = searcher.aggregate(q, spec)
    docs = {shift: _documents_count(res[f"_documents_{shift}"], shift) for shift in shifts}
    return (facets_from(res, labels, unit, skip) if facets else {}), docs


def empty_facets() -> dict[str, list[FacetCount]]:
    """The facets of a search that matched nothing: every facet listed, empty."""
    return {name: [] for name in (*FACET_SIZE, "year", "decade")}


def facets_from(
    res: dict[str, Any], labels: Labels, unit: str, skip: frozenset[str] = frozenset()
) -> dict[str, list[FacetCount]]:
    """Facet counts from the result of an aggregation built by :func:`facets_and_documents`."""
    documents = unit == "documents"
    out: dict[str, list[FacetCount]] = {}
    for name in FACET_SIZE:
        if name in res:
            pairs = []
            for b in res[name]["buckets"]:
                value = labels(name, int(b["key"]))
                if value is not None:  # a number no process gave: the file beside the index was lost
                    pairs.append((value, _count(b["docs"]) if documents else int(b["doc_count"])))
            pairs.sort(key=lambda p: (-p[1], p[0]))
            out[name] = [FacetCount(v, c) for v, c in pairs]
        else:
            out[name] = []
    years: dict[int, int] = {}
    for b in res["year"]["buckets"]:
        y = int(b["key"])
        if y > 0 and b["doc_count"]:
            years[y] = years.get(y, 0) + (_count(b["docs"]) if documents else int(b["doc_count"]))
    decades: dict[int, int] = {}
    for y, c in years.items():
        decades[y // 10 * 10] = decades.get(y // 10 * 10, 0) + c
    out["year"] = [FacetCount(str(y), c) for y, c in sorted(years.items())]
    out["decade"] = [FacetCount(f"{d}s", c) for d, c in sorted(decades.items())]
    return out


def sample_shift(rows: int) -> int:
    """How the documents among ``rows`` matching rows are counted: 0, every one (up to
    :data:`EXACT_DOCS_ROWS` rows); else ``s``, in the documents of a 1/2^s share of the key space
    expected to hold at most :data:`SAMPLE_ROWS` of the rows (at most :data:`SAMPLE_LEVELS`)."""
    if rows <= EXACT_DOCS_ROWS:
        return 0
    shift = 0
    while rows >> shift > SAMPLE_ROWS and shift < SAMPLE_LEVELS:
        shift += 1
    return shift


def sample_suits(rows: int, shift: int) -> bool:
    """Whether documents counted in the sample of ``shift`` (chosen before the rows were counted, from
    an upper bound or an estimate of them) do for ``rows`` matching rows: the sample
    :func:`sample_shift` would take, a larger one (more rows counted: as close or closer), or a smaller
    one still expected to hold at least half of :data:`SAMPLE_ROWS` of the rows."""
    want = sample_shift(rows)
    return shift <= want or (want > 0 and rows >> shift >= SAMPLE_ROWS // 2)


def early_samples(bound: int, likely: int | None) -> tuple[int, ...]:
    """The samples to count documents in before the rows are known: the one for ``bound`` rows (an
    upper bound: all that can match), and, when the likely rows (see
    :attr:`~masthead.search.compile.Compiled.likely_rows`) call for a larger sample, that one too, at
    most :data:`EARLY_LEVELS` levels larger (each level doubles the rows it counts). Words of a paragraph
    come together more often than apart (``bench/search.py``'s searches of two and three common words
    match 1.3 to 2.4 times the estimate), and a count in a larger sample than the rows call for does
    for them (see :func:`sample_suits`), so the estimate is taken as it is. A count in a sample the rows
    then do not suit costs the query a third evaluation, apart."""
    first = sample_shift(bound)
    if likely is None:
        return (first,)
    second = max(sample_shift(min(bound, likely)), first - EARLY_LEVELS)
    return tuple(sorted({first, second}))


def pick_count(rows: int, counted: dict[int, int]) -> tuple[int, int] | None:
    """Of the document counts made in several samples (``{sample: documents}``) before ``rows`` was
    known, the one for ``rows`` matching rows, as ``(sample, documents)``: the sample
    :func:`sample_shift` would take if counted, else the nearest larger one, else a smaller one that
    suits (see :func:`sample_suits`); None when none does."""
    want = sample_shift(rows)
    fits = [s for s in counted if sample_suits(rows, s)]
    if not fits:
        return None
    best = max((s for s in fits if s <= want), default=None)
    if best is None:
        best = min(fits)
    return best, min(rows, counted[best])


def _documents_spec(shift: int) -> dict[str, Any]:
    """Distinct documents among every matching row (``shift`` 0), or among the rows of the documents in
    the sample of ``shift``: the cardinality of the field ``sample{shift}``, which only the sampled rows
    have (see :mod:`masthead.search.schema`), so that only their keys are hashed."""
    if shift == 0:
        return _DOCS
    return {"cardinality": {"field": sample_field(shift)}}


def _documents_count(res: dict[str, Any], shift: int) -> int:
    return _count(res) << shift


def count_documents(searcher: tantivy.Searcher, q: Query, rows: int) -> tuple[int, bool]:
    """``(documents, estimated)``: how many distinct documents the ``rows`` matching rows belong to, in a
    pass of its own (a search without facets; with facets, :func:`facets_and_documents` counts them).

    Up to :data:`EXACT_DOCS_ROWS` rows, every document is counted (HyperLogLog: exact for small sets,
    within a few per cent above). Beyond, the count is estimated from the documents whose key falls in
    the first 1/2^k of the key space, a random sample of documents (keys are hashes) expected to hold
    about :data:`SAMPLE_ROWS` of the rows, times 2^k: a fraction of the cost of counting them all. The
    sample is the field ``sample{k}`` (see :mod:`masthead.search.schema`), so that only the sampled rows'
    keys are hashed.
    """
    shift = sample_shift(rows)
    res = searcher.aggregate(q, {"docs": _documents_spec(shift)})
    return min(rows, _documents_count(res["docs"], shift)), shift > 0


def _count(metric: dict[str, Any]) -> int:
    return int(round(metric.get("value") or 0))


def exclude_documents(searcher: tantivy.Searcher, schema: tantivy.Schema, excluded: list[Query]) -> list[Query]:
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


def _group(searcher: tantivy.Searcher, hits: list[tuple[Any, Any]]) -> dict[int, Rows]:
    keys = searcher.fast_field_values("doc_key", [a for _, a in hits])
    groups: dict[int, Rows] = {}
    for (score, addr), key in zip(hits, keys, strict=True):
        groups.setdefault(key, []).append((score, addr))
    return groups


def ranked_rows(need: int) -> int:
    """How many rows the first pass of :func:`top_rows` takes for ``need`` documents: when no more rows
    than that can match, every matching row is ranked, and the documents are known without a count."""
    return max(need * 8, 80)


def top_rows(
    searcher: tantivy.Searcher, schema: tantivy.Schema, q: Query, sort: str, need: int
) -> tuple[int, dict[int, Rows]]:
    """``(matching rows, {doc_key: [(score, address)]})``: the first ``need`` documents (or more) in
    result order, each with its rows in rank order. One pass counts and ranks. When the top rows hold
    fewer than ``need`` documents (a document whose heading matches brings all the rows under it), the
    next passes take the top rows of the other documents, a few times, then the rows of all of them:
    every row outside the top ones ranks below them, so the documents found first stay first."""
    order = {"oldest": Order.Asc, "newest": Order.Desc}.get(sort)
    k = ranked_rows(need)

    def run(q: Query, k: int, count: bool) -> tantivy.SearchResult:
        if order is None:
            return searcher.search(q, k, count=count)
        return searcher.search(q, k, count=count, order_by_field="date", order=order)

    res = run(q, k, True)
    total = res.count or 0
    groups = _group(searcher, res.hits)
    seen, passes = len(res.hits), 0
    while len(groups) < need and len(res.hits) == k and seen < total:  # short of documents, rows left
        if passes == _MORE_PASSES:  # still short: the rows of all of them at once
            groups = _group(searcher, run(q, min(total, need * 200, 50_000), False).hits)
            break
        others = Query.boolean_query([(Occur.Must, q), (Occur.MustNot, any_of(schema, "doc_key", list(groups)))])
        res = run(others, k, False)
        seen, passes = seen + len(res.hits), passes + 1
        for key, rows in _group(searcher, res.hits).items():
            groups.setdefault(key, []).extend(rows)
    if order is None:
        # equal scores (to 4 significant places) are broken by date, oldest first, undated last; the
        # documents are in order of their best scores already, so only the first ``need`` (and any
        # tied with the last of them) are sorted again
        keys = list(groups)
        scores = [float(f"{groups[key][0][0]:.4g}") for key in keys[:need]]
        while scores and len(scores) < len(keys) and float(f"{groups[keys[len(scores)]][0][0]:.4g}") == scores[-1]:
            scores.append(scores[-1])
        head = keys[: len(scores)]
        dates = searcher.fast_field_values("date", [groups[key][0][1] for key in head])
        rank = {key: (-sc, d or 99_999_999) for key, sc, d in zip(head, scores, dates, strict=True)}
        head.sort(key=rank.__getitem__)
        groups = {key: groups[key] for key in itertools.chain(head, keys[len(head) :])}
    return total, groups


def result_page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    q: Query,
    groups: dict[int, Rows],
    sort: str,
    limit: int,
    offset: int,
    per_doc: int,
    hl: Highlighter,
) -> list[DocumentHit]:
    """The documents ``offset .. offset+limit`` of ``groups`` (from :func:`top_rows`), each with up to
    ``per_doc`` passages and its snippets."""
    page = list(groups)[offset : offset + limit]
    if not page:
        return []
    if sort != "relevance":
        in_page = any_of(schema, "doc_key", page)
        # ordered by date: each document's best passages by score, among its own rows
        scoped = Query.boolean_query([(Occur.Must, q), (Occur.Must, in_page)])
        best = _group(searcher, searcher.search(scoped, len(page) * per_doc * 8, count=False).hits)
        groups = {key: best.get(key) or groups[key] for key in page}
    return [_hit(searcher, groups[key][: per_doc + 1], per_doc, hl) for key in page]


def _hit(searcher: tantivy.Searcher, rows: Rows, per_doc: int, hl: Highlighter) -> DocumentHit:
    """A document with the passages to show: its best rows where the words are (a row that matched
    through its heading alone is kept only as a fallback); a document found by its title (or by a
    filter alone) shows its opening. The document's title, writers and the like come from the ``meta``
    of the first row read (every row stores it)."""
    shown: list[Passage] = []
    fallback: tuple[Passage, str] | None = None  # with its text: the snippet is made only if it is shown
    meta: dict | None = None
    for score, addr in rows:
        d = searcher.doc(addr)
        kind = d.get_first("kind") or "paragraph"
        if meta is None or kind == "title":  # the title row's meta also holds the preview
            meta = json.loads(d.get_first("meta") or "{}")
        block = int(d.get_first("block"))
        if kind == "title":
            text, anchor = meta.get("preview") or "", ""
        else:
            text, anchor = d.get_first("body") or "", d.get_first("anchor") or f"p{block}"
        heading = (d.get_first("headings") or None) if kind not in ("heading", "title") else None
        if kind != "title" and text and (spans := hl.spans(text)):
            snippet = hl.snippet(text, spans=spans)
            if "<mark>" in snippet:
                shown.append(Passage(block, anchor, kind, snippet, float(score), heading))
                if len(shown) >= per_doc:
                    break
                continue
        if fallback is None or (kind == "title" and fallback[0].kind != "title"):
            fallback = (Passage(block, anchor, kind, "", float(score), heading), text)
    if not shown and fallback is not None:
        passage, text = fallback
        passage.snippet = hl.snippet(text) if text else ""
        shown = [passage]
    meta = meta or {}
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
