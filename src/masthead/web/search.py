"""The web app's search surfaces: the ``/search`` page, ``/api/search``, and the article page's
highlighting and related articles.

The search page is server-rendered and complete without JavaScript: every facet, filter chip, sort
and page is a plain link or form; ``static/search.js`` only swaps the results fragment
(``&partial=1``) in place. Before each search the index is brought up to date with the store's change
feed (:class:`SearchService`), so a saved document is found and a deleted one is gone.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from masthead.search import Highlighter, QueryError, SearchIndex, SearchResults, semantic
from masthead.search.results import fold_word
from masthead.search.sync import applied_seq, is_stale, sync
from masthead.search.writers import WriterNames
from masthead.store import Store

if TYPE_CHECKING:
    from masthead.web.app import Pages

__all__ = [
    "SearchParams",
    "SearchService",
    "RelatedArticle",
    "highlight_html",
    "plain_highlighter",
    "safe_back_link",
    "RESULTS_PER_PAGE",
    "add_search_routes",
    "article_search_context",
    "render_search",
]

RESULTS_PER_PAGE = 10
"""Articles per page of search results."""

FILTER_KEYS = ("periodical", "writer", "entity", "year")
"""The facet filters the search page and API accept (``year`` takes ``1948`` or ``1946..1948``)."""

MAX_PAGE = 500
SYNTAX_HELP = [
    ("miners strike", "articles with both words (in any form: labour finds labor too)"),
    ('"permanent revolution"', "the exact phrase"),
    ("strike OR lockout", "either word"),
    ("strike NOT war", "or strike -war: the first without the second"),
    ("social*", "words starting with social"),
    ("writer:trotsky", "by a writer (also periodical:, title:, entity:)"),
    ("year:1946..1948", "published in those years (or year:1948)"),
]


@dataclass(frozen=True)
class SearchParams:
    """A search as the page's address gives it: the query, the facet filters, the sort and the page."""

    q: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_query(cls, items: list[tuple[str, str]]) -> SearchParams:
        """Read the parameters from query-string pairs; anything malformed falls back to a default."""
        q, sort, page = "", "relevance", 1
        filters: list[tuple[str, str]] = []
        for key, value in items:
            if key == "q":
                q = value.strip()
            elif key == "sort" and value in ("relevance", "oldest", "newest"):
                sort = value
            elif key == "page":
                try:
                    page = min(max(int(value), 1), MAX_PAGE)
                except ValueError:
                    page = 1
            elif key in FILTER_KEYS and value.strip() and (key, value.strip()) not in filters:
                filters.append((key, value.strip()))
        return cls(q=q, filters=tuple(filters), sort=sort, page=page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * RESULTS_PER_PAGE

    @property
    def active(self) -> bool:
        """Whether there is anything to search for (a query or a filter)."""
        return bool(self.q or self.filters)

    def filter_dict(self) -> dict[str, Any]:
        """The filters as :meth:`SearchIndex.search` takes them (the last year given wins)."""
        out: dict[str, Any] = {}
        for key, value in self.filters:
            if key == "year":
                out["year"] = value
            else:
                out.setdefault(key, []).append(value)
        return out

    def items(self) -> list[tuple[str, str]]:
        """The query-string pairs of this search (defaults left out)."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        out += list(self.filters)
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.page > 1:
            out.append(("page", str(self.page)))
        return out

    def url(self, *, path: str = "/search", **changes: Any) -> str:
        """The address of this search with some parameters changed (``page=2``, ``sort="oldest"``);
        ``path="/search.epub"`` gives the same search as an EPUB book."""
        items = replace(self, **changes).items()
        return path + ("?" + urlencode(items) if items else "")

    def adding(self, key: str, value: str) -> str:
        """The address with one more filter (a year replaces the year), back on page 1."""
        kept = tuple(f for f in self.filters if not (key == "year" and f[0] == "year") and f != (key, value))
        return self.url(filters=kept + ((key, value),), page=1)

    def removing(self, key: str, value: str) -> str:
        """The address without one filter, back on page 1."""
        return self.url(filters=tuple(f for f in self.filters if f != (key, value)), page=1)

    def has(self, key: str, value: str) -> bool:
        return (key, value) in self.filters


@dataclass(frozen=True)
class RelatedArticle:
    """An article like the one being read, for the article page's list."""

    doc_id: str
    title: str
    writers: tuple[str, ...]
    date: str | None
    mode: str = "lexical"
    """How it was found: ``"semantic"`` (by meaning, with the extra installed) or ``"lexical"``."""


@dataclass
class SearchService:
    """The index the app searches, kept in step with the store's change feed.

    :meth:`refresh` runs before every search: one cheap ``last_change()`` query in the common case;
    when the store has changes the index has not applied, they are applied under a lock (one thread
    syncs, the others wait and then see the fresh index).
    """

    store: Store
    index: SearchIndex
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: int = -1
    _vectors: Any = None  # the semantic VectorStore beside the index, opened on first use

    def refresh(self) -> None:
        """Apply the store's pending changes to the index, if there are any."""
        if self.store.last_change() <= self._seen:
            return
        with self._lock:
            if is_stale(self.store, self.index):
                sync(self.store, self.index)
            self._seen = applied_seq(self.index) or 0

    def search(
        self, params: SearchParams, *, limit: int = RESULTS_PER_PAGE, offset: int | None = None
    ) -> SearchResults:
        """Run a search; raises :class:`QueryError` with a message for the reader."""
        self.refresh()
        names = WriterNames.of(self.store)  # pen names and merged writers, as the catalogue files them
        filters = params.filter_dict()
        if "writer" in filters:
            filters = names.expand(filters, [v for v, _ in self.index.names("writer")])
        results = self.index.search(
            params.q,
            filters=filters,
            sort=params.sort,
            limit=limit,
            offset=params.offset if offset is None else offset,
            facet_unit="auto",  # documents per value, or passages on a large result set (much cheaper)
            writers=names,
        )
        return names.merge(results)

    def related(self, doc_id: str, limit: int = 5) -> list[RelatedArticle]:
        """Articles most like ``doc_id`` that are still in the store: by meaning when the semantic extra
        is installed and the index has a vector for ``doc_id``, else by words (each article's ``mode``
        says which)."""
        return self.related_with_mode(doc_id, limit)[0]

    def related_with_mode(self, doc_id: str, limit: int = 5) -> tuple[list[RelatedArticle], str]:
        """:meth:`related`, and which mode found them: ``"semantic"`` or ``"lexical"``."""
        self.refresh()
        mode, pairs = "lexical", None
        if semantic.available():
            try:
                if self._vectors is None:
                    self._vectors = semantic.VectorStore.open(self.index.path, create=False)
                if self._vectors is not None and doc_id in self._vectors:
                    mode, pairs = "semantic", self._vectors.related(doc_id, limit)
            except Exception:  # noqa: BLE001 - a damaged vector file must not break the article page
                mode, pairs = "lexical", None
        if pairs is None:
            pairs = self.index.related(doc_id, limit)
        out = []
        for other, _score in pairs:
            doc = self.store.get(other)
            if doc is not None:
                out.append(RelatedArticle(doc.id, doc.title, tuple(doc.writers), doc.source.date, mode))
        return out, mode

    def highlighter(self, terms: str) -> Highlighter:
        """What to mark on an article reached from a search for ``terms``: the words the search matched
        (spelling variants and prefixes included), or the plain words if the query cannot be run."""
        if not terms.strip():
            return Highlighter()
        try:
            return self.index.search(terms[:500], limit=1, facets=False).highlighter
        except QueryError:
            return plain_highlighter(terms)


def plain_highlighter(terms: str) -> Highlighter:
    """A highlighter for the words of ``terms`` as written (no index needed)."""
    words = {fold_word(w) for w in re.findall(r"[^\W_]+", terms)}
    return Highlighter(terms=frozenset(w for w in words if w not in {"and", "or", "not"}))


_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)


def highlight_html(body: str, highlighter: Highlighter) -> str:
    """``body`` (escaped HTML) with ``<mark>`` around the highlighter's words in its text.

    Only text between tags is touched, and each changed piece is unescaped, marked and escaped again,
    so no tag, attribute or entity is broken and nothing is un-escaped."""
    if not highlighter:
        return body
    parts = _TAG.split(body)
    for i in range(0, len(parts), 2):  # even indices: text; odd: tags and comments
        part = parts[i]
        if not part or not part.strip():
            continue
        text = html.unescape(part)
        spans = highlighter.spans(text)
        if not spans:
            continue
        out, pos = [], 0
        for s, e in spans:
            out.append(html.escape(text[pos:s], quote=False))
            out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
            pos = e
        out.append(html.escape(text[pos:], quote=False))
        parts[i] = "".join(out)
    return "".join(parts)


def safe_back_link(value: str | None) -> str | None:
    """A "back to results" address, only when it is a search page of this site (no open redirect)."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path != "/search" or "\\" in value:
        return None
    return value if not parts.query else f"/search?{parts.query}"


def render_search(
    pages: Pages, service: SearchService | None, params: SearchParams, *, partial: bool = False
) -> tuple[str, int]:
    """The search page (or, with ``partial``, only its results fragment) and its HTTP status."""
    results: SearchResults | None = None
    error: str | None = None
    status = 200
    if service is not None and params.active:
        try:
            results = service.search(params)
        except QueryError as exc:
            error, status = str(exc), 400
    context: dict[str, Any] = {
        "params": params,
        "results": results,
        "error": error,
        "available": service is not None,
        "syntax_help": SYNTAX_HELP,
        "facet_order": [("periodical", "Periodical"), ("year", "Year"), ("writer", "Writer"), ("entity", "Name")],
        "link_query": params.url(page=params.page) if params.active else None,
    }
    template = "search_results.html" if partial else "search.html"
    return pages.render(template, **context), status


def article_search_context(
    service: SearchService, doc_id: str, hl: str | None, back: str | None, referer: str | None
) -> dict[str, Any]:
    """What the article page adds when the app can search: related articles, the highlighted words
    (from ``?hl=``) and the way back to the results (``?from=``, else a search page in the Referer)."""
    out: dict[str, Any] = {"related": service.related(doc_id, 5)}
    if hl and hl.strip():
        out["highlight"] = service.highlighter(hl)
    link = safe_back_link(back)
    if link is None and referer:
        r = urlsplit(referer)
        link = safe_back_link(r.path + (f"?{r.query}" if r.query else ""))
    out["back"] = link
    return out


def add_search_routes(
    app: FastAPI, pages: Pages, service: SearchService | None, html: Callable[[str, int], HTMLResponse]
) -> None:
    """Add ``/search`` (the HTML page, or its results fragment with ``partial=1``) and ``/api/search``."""

    @app.get(
        "/search",
        response_class=HTMLResponse,
        tags=["pages", "search"],
        summary="Search the archive",
        description="Query `q`; filters `periodical`, `writer`, `entity` (repeatable) and `year` (`1948` or "
        "`1946..1948`); `sort` relevance, oldest or newest; `page`. `partial=1` returns only the results.",
    )
    def search_page(request: Request) -> HTMLResponse:
        params = SearchParams.from_query(list(request.query_params.multi_items()))
        partial = request.query_params.get("partial") == "1"
        page, status = render_search(pages, service, params, partial=partial)
        return html(page, status)

    @app.get(
        "/api/search",
        tags=["api", "search"],
        summary="Search the archive (JSON)",
        description=(
            'Full-text search at paragraph granularity. The query language: words, "phrases", AND / OR / '
            "NOT (or -word), prefix*, and fields writer:, periodical:, title:, entity:, year:1946..1948. "
            "Results are documents with their best passages (snippets are HTML with the matched words in "
            "`<mark>`; `anchor` is the paragraph's fragment on the article page), facet counts by "
            "periodical, year, decade, writer and entity (in documents), and a did-you-mean suggestion. "
            "A query that cannot be run answers 400 with the reason in `detail`."
        ),
    )
    def api_search(
        q: str = Query("", max_length=2000, description="the query"),
        periodical: list[str] = Query([], description="exact periodical title (repeatable)"),
        writer: list[str] = Query([], description="exact writer name (repeatable)"),
        entity: list[str] = Query([], description="glossary entry (repeatable)"),
        year: str | None = Query(None, description="a year or a range: 1948, 1946..1948"),
        sort: str = Query("relevance", description="relevance, oldest or newest"),
        limit: int = Query(RESULTS_PER_PAGE, ge=1, le=200),
        offset: int = Query(0, ge=0, le=10000),
    ) -> Response:
        if service is None:
            return JSONResponse(
                {"detail": "search is not available: build the index with `masthead reindex`", "status": 503},
                status_code=503,
            )
        filters = [("periodical", v) for v in periodical] + [("writer", v) for v in writer]
        filters += [("entity", v) for v in entity] + ([("year", year)] if year else [])
        params = SearchParams(q=q.strip(), filters=tuple(filters), sort=sort)
        try:
            res = service.search(params, limit=limit, offset=offset)
        except QueryError as exc:
            return JSONResponse({"detail": str(exc), "status": 400}, status_code=400)
        out = res.to_dict()
        out["elapsed_ms"] = round(res.elapsed_ms, 2)
        out["has_more"] = res.has_more
        out["next_offset"] = offset + len(res.hits) if res.has_more else None
        for hit in out["hits"]:
            hit["url"] = pages.urls.article(hit["doc_id"])
            for p in hit["passages"]:
                p["url"] = pages.urls.article_at(hit["doc_id"], p["anchor"] or None, hl=params.q or None)
        return JSONResponse(out)
