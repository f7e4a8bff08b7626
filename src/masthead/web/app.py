"""The web app: a server-rendered archive over a :class:`~masthead.store.Store` (no JavaScript needed).

:func:`create_app` receives an open store and returns a FastAPI app; it never opens files and never
parses text. The HTML pages are built by :class:`Pages` (one method per page type, each returning
the page as a string), so a static-site publisher can render the same templates with relative
:class:`~masthead.web.urls.Urls`. Transcription text reaches the page only through autoescaped
templates and the escaping HTML renderer, and HTML pages are sent with a Content-Security-Policy
that forbids scripts, except, when the app has a search index, the site's own ``static/search.js``
(progressive enhancement of the search page, see :mod:`masthead.web.search`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masthead.model import Document
from masthead.render.html import article_body
from masthead.search import Highlighter, SearchIndex
from masthead.store import DocumentSummary, IssueSummary, PeriodicalSummary, Revision, Store, WriterSummary
from masthead.store.catalogue import date_key, format_date, issue_heading
from masthead.web.api_routes import API_PAGE, add_api_routes
from masthead.web.catalogue_routes import add_catalogue_routes
from masthead.web.glossary_queue_routes import add_glossary_queue_routes
from masthead.web.glossary_routes import add_glossary_routes, article_with_mentions
from masthead.web.publish_routes import add_publish_routes
from masthead.web.review_routes import add_review_routes
from masthead.web.search import (
    RelatedArticle,
    SearchService,
    add_search_routes,
    article_search_context,
    highlight_html,
)
from masthead.web.urls import Urls

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

FULL_TOC_LIMIT = 400
"""A periodical with at most this many documents shows every issue's contents on its own page."""

PAGE_SIZE = API_PAGE
"""Articles per page on the all-articles list (the JSON API's default ``limit`` too)."""

CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSP_WITH_SEARCH = CSP.replace("script-src 'none'", "script-src 'self'")
"""The policy when search is on: scripts from the site itself only (no inline script anywhere)."""


class NotFound(Exception):
    """A page or document that does not exist; the message says what was looked for."""


# -- formatting helpers used by the templates -----------------------------------------------------------
def human_date(value: str | None) -> str:
    """``"1948-03-08"`` -> ``"8 March 1948"``; ``"1948-03"`` -> ``"March 1948"``; other text unchanged."""
    return format_date(value) or ""


def pages_label(pages: str | None) -> str:
    """``"4"`` -> ``"p. 4"``; ``"102-106"`` -> ``"pp. 102–106"``; none -> ``""``."""
    if not pages:
        return ""
    if "-" in pages:
        return "pp. " + pages.replace("-", "–")
    return f"p. {pages}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.filters["issue_heading"] = issue_heading
    env.filters["pages_label"] = pages_label
    return env


# -- the pages --------------------------------------------------------------------------------------------
class Pages:
    """Renders every HTML page of the archive from a store. Each method returns the page's HTML.

    A method raises :class:`NotFound` when what it was asked for is not in the store.
    """

    def __init__(
        self,
        store: Store,
        *,
        urls: Urls | None = None,
        title: str = "Masthead archive",
        search_enabled: bool = False,
        static_site: bool = False,
    ) -> None:
        self.store = store
        self.urls = urls or Urls()
        self.title = title
        self.search_enabled = search_enabled
        self.static_site = static_site
        """Pages for a published static site: no JSON API or revision links; search is Pagefind's."""
        self.env = _environment()

    def with_urls(self, urls: Urls) -> Pages:
        """The same pages with other links (a published page at another depth)."""
        other = Pages.__new__(Pages)
        other.store, other.urls, other.title, other.env = self.store, urls, self.title, self.env
        other.search_enabled = self.search_enabled
        other.static_site = self.static_site
        return other

    def render(self, template: str, **context: Any) -> str:
        """Render a template with the site-wide context (``urls``, ``site_title``, ``search_enabled``,
        ``static_site``)."""
        return self.env.get_template(template).render(
            urls=self.urls,
            site_title=self.title,
            search_enabled=self.search_enabled,
            static_site=self.static_site,
            **context,
        )

    # -- page types -------------------------------------------------------------------------------------
    def home(self) -> str:
        """The front page: periodicals and writers with counts, and the total."""
        return self.render(
            "home.html",
            periodicals=self.store.periodicals(),
            writers=self.store.writers(),
            total=self.store.count_documents(),
        )

    def articles(self, *, offset: int = 0, limit: int = PAGE_SIZE) -> str:
        """Every article, a page at a time."""
        total = self.store.count_documents()
        if offset and offset >= total:
            raise NotFound(f"There are only {total} articles; nothing starts at number {offset + 1}.")
        docs = self.store.list_documents(limit=limit, offset=offset)
        prev_offset = max(offset - limit, 0) if offset > 0 else None
        next_offset = offset + limit if offset + limit < total else None
        return self.render(
            "articles.html",
            documents=docs,
            total=total,
            offset=offset,
            prev_offset=prev_offset,
            next_offset=next_offset,
        )

    def periodical(self, slug: str) -> str:
        """A periodical: its years, and each issue's contents when the periodical is small enough."""
        periodical = self.store.periodical(slug)
        if periodical is None:
            raise NotFound(f"There is no periodical called “{slug}” in this archive.")
        years = self.store.years(slug)
        by_year: list[tuple[int | None, list[IssueSummary]]] = []
        if periodical.documents <= FULL_TOC_LIMIT:
            by_year = _group_by_year(self.store.issues(slug))
        return self.render("periodical.html", periodical=periodical, years=years, by_year=by_year)

    def periodical_year(self, slug: str, year: int) -> str:
        """One year of a periodical: every issue's table of contents."""
        periodical = self.store.periodical(slug)
        if periodical is None:
            raise NotFound(f"There is no periodical called “{slug}” in this archive.")
        issues = self.store.issues(slug, year=year)
        if not issues:
            raise NotFound(f"The archive has no issues of {periodical.title} from {year}.")
        years = [y for y, _ in self.store.years(slug)]
        i = years.index(year) if year in years else -1
        prev_year = years[i - 1] if i > 0 else None
        next_year = years[i + 1] if 0 <= i < len(years) - 1 else None
        return self.render(
            "periodical_year.html",
            periodical=periodical,
            year=year,
            issues=issues,
            prev_year=prev_year,
            next_year=next_year,
        )

    def issue(self, issue_id: int) -> str:
        """One issue's table of contents, with links to the issues before and after it."""
        issue = self.store.issue(issue_id)
        if issue is None:
            raise NotFound(f"There is no issue number {issue_id} in this archive.")
        prev_issue, next_issue = self.store.adjacent_issues(issue_id)
        periodical = self.store.periodical(issue.periodical_slug)
        return self.issue_page(issue, periodical, prev_issue, next_issue)

    def issue_page(
        self,
        issue: IssueSummary,
        periodical: PeriodicalSummary | None,
        prev_issue: IssueSummary | None,
        next_issue: IssueSummary | None,
    ) -> str:
        """An issue's page from the issue and its already looked-up neighbours (see :meth:`issue`)."""
        return self.render(
            "issue.html",
            issue=issue,
            periodical=periodical,
            year=_year(issue.date),
            prev_issue=prev_issue,
            next_issue=next_issue,
        )

    def writer(self, slug: str) -> str:
        """A writer's articles in date order (undated ones last)."""
        writer = self.store.writer(slug)
        if writer is None:
            raise NotFound(f"There is no writer “{slug}” in this archive.")
        docs = sorted(self.store.list_documents(writer=slug), key=date_key)
        by_year = _group_docs_by_year(docs)
        return self.render("writer.html", writer=writer, by_year=by_year, total=len(docs))

    def article(
        self,
        doc_id: str,
        *,
        revision: int | None = None,
        highlight: Highlighter | None = None,
        related: list[RelatedArticle] | None = None,
        back: str | None = None,
    ) -> str:
        """An article laid out as an ETOL page, with breadcrumbs, writer links and its revision.

        ``highlight`` marks a search's words in the body; ``related`` lists articles like it; ``back``
        is the address of the search results the reader came from."""
        doc_id = doc_id.strip("/")
        doc = self.store.get(doc_id, revision=revision)
        if doc is None:
            if revision is not None and self.store.get(doc_id) is not None:
                raise NotFound(f"The article “{doc_id}” has no revision {revision}.")
            raise NotFound(f"There is no article “{doc_id}” in this archive.")
        revisions = self.store.revisions(doc_id)
        latest = max((r.number for r in revisions), default=1)
        shown = revision if revision is not None else latest
        # The catalogue files a document under its periodical and writers through title variants,
        # aliases and splits: ask it, rather than slugging the names the document gives.
        issue = self.store.issue_for_document(doc_id)
        periodical = self.store.periodical(issue.periodical_slug) if issue is not None else None
        writers = self.store.writer_links(doc_id, doc.writers)
        return self.article_page(
            doc,
            periodical=periodical,
            issue=issue,
            writers=writers,
            revision=shown,
            revisions=revisions,
            highlight=highlight,
            related=related,
            back=back,
        )

    def article_page(
        self,
        doc: Document,
        *,
        periodical: PeriodicalSummary | None,
        issue: IssueSummary | None,
        writers: list[tuple[str, WriterSummary | None]],
        revision: int,
        revisions: list[Revision],
        highlight: Highlighter | None = None,
        related: list[RelatedArticle] | None = None,
        back: str | None = None,
        body: str | None = None,
    ) -> str:
        """An article page from a document and its already looked-up catalogue context (what
        :meth:`article` finds in the store; a static-site builder that knows it already passes it in).
        ``body`` is the article's HTML when the caller has adapted it (else :func:`article_body`)."""
        latest = max((r.number for r in revisions), default=revision)
        html = article_body(article_with_mentions(self.store, doc, revision, self.urls)) if body is None else body
        return self.render(
            "article.html",
            doc=doc,
            body=Markup(highlight_html(html, highlight) if highlight else html),
            periodical=periodical,
            year=doc.source.year,
            issue=issue,
            writers=writers,
            revision=revision,
            latest=latest,
            revisions=revisions,
            related=related or [],
            back=back,
        )

    def error(self, status: int, message: str) -> str:
        """An error page (404 and friends) in the site's layout."""
        return self.render("error.html", status=status, message=message)


def _year(date: str | None) -> int | None:
    try:
        return int(date[:4]) if date else None
    except ValueError:
        return None


def _group_by_year(issues: Iterable[IssueSummary]) -> list[tuple[int | None, list[IssueSummary]]]:
    groups: dict[int | None, list[IssueSummary]] = {}
    for issue in issues:
        groups.setdefault(_year(issue.date), []).append(issue)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))


def _group_docs_by_year(docs: Iterable[DocumentSummary]) -> list[tuple[int | None, list[DocumentSummary]]]:
    groups: dict[int | None, list[DocumentSummary]] = {}
    for doc in docs:
        groups.setdefault(_year(doc.date), []).append(doc)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))


class _HeadAsGet:
    """Answers ``HEAD`` like ``GET`` without the body (link checkers and monitors send ``HEAD``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")


# -- the app ----------------------------------------------------------------------------------------------
def create_app(
    store: Store,
    *,
    title: str = "Masthead archive",
    urls: Urls | None = None,
    index: SearchIndex | None = None,
) -> FastAPI:
    """A FastAPI app serving the archive in ``store`` as HTML pages and a JSON API.

    With a search ``index`` the app has a search page and ``/api/search``, related articles and
    highlighting on article pages; the index is brought up to date with the store's change feed before
    each search. Without one the search page says how to build it. The app owns neither the store nor
    the index: closing them is the caller's business.
    """
    urls = urls or Urls()
    service = SearchService(store, index) if index is not None else None
    pages = Pages(store, urls=urls, title=title, search_enabled=service is not None)
    csp = CSP_WITH_SEARCH if service is not None else CSP
    app = FastAPI(
        title=title,
        summary="A structured archive of historical periodicals: HTML pages and a JSON API.",
        version=_version(),
        openapi_tags=[
            {"name": "pages", "description": "Server-rendered HTML pages."},
            {"name": "api", "description": "The archive as JSON."},
            {"name": "search", "description": "Full-text search with facets."},
        ],
    )
    app.state.store = store
    app.state.pages = pages
    app.state.search = service
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(_HeadAsGet)
    add_glossary_queue_routes(app, store, urls, pages)  # before /glossary/{id}: it owns /glossary/queue
    add_glossary_routes(app, store, urls, pages)

    def html(page: str, status_code: int = 200) -> HTMLResponse:
        return HTMLResponse(page, status_code=status_code, headers={"Content-Security-Policy": csp})

    def page_or_404(build: Any, *args: Any, **kwargs: Any) -> HTMLResponse:
        try:
            return html(build(*args, **kwargs))
        except NotFound as exc:
            return html(pages.error(404, str(exc)), status_code=404)

    # -- errors -----------------------------------------------------------------------------------------
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message = f"There is nothing at {request.url.path} in this archive."
        else:
            message = str(exc.detail)
        if _is_api(request):
            return JSONResponse(
                {"detail": message, "status": exc.status_code},
                status_code=exc.status_code,
                headers=exc.headers,
            )
        return html(pages.error(exc.status_code, message), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()
        )
        if _is_api(request):
            return JSONResponse({"detail": problems, "status": 422}, status_code=422)
        return html(pages.error(400, f"Bad request: {problems}"), status_code=400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        message = "Something went wrong while building this page. The error has been logged."
        if _is_api(request):
            return JSONResponse({"detail": message, "status": 500}, status_code=500)
        try:
            return html(pages.error(500, message), status_code=500)
        except Exception:  # the layout itself failed: plain text, still no traceback
            return Response(message, status_code=500, media_type="text/plain")

    # -- HTML pages -------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, tags=["pages"], summary="Front page")
    def home() -> HTMLResponse:
        return html(pages.home())

    @app.get("/articles", response_class=HTMLResponse, tags=["pages"], summary="All articles, a page at a time")
    def articles(offset: int = Query(0, ge=0)) -> HTMLResponse:
        return page_or_404(pages.articles, offset=offset)

    @app.get("/articles/{doc_id:path}", response_class=HTMLResponse, tags=["pages"], summary="An article")
    def article(
        request: Request,
        doc_id: str,
        revision: int | None = Query(None, ge=1),
        hl: str | None = Query(None, max_length=500, description="words to highlight (a search query)"),
        from_: str | None = Query(None, alias="from", max_length=2000, description="the search results page"),
    ) -> HTMLResponse:
        extra: dict[str, Any] = {}
        if service is not None:
            extra = article_search_context(service, doc_id.strip("/"), hl, from_, request.headers.get("referer"))
        return page_or_404(pages.article, doc_id, revision=revision, **extra)

    @app.get("/periodicals/{slug}", response_class=HTMLResponse, tags=["pages"], summary="A periodical")
    def periodical(slug: str) -> HTMLResponse:
        return page_or_404(pages.periodical, slug)

    @app.get(
        "/periodicals/{slug}/{year:int}",
        response_class=HTMLResponse,
        tags=["pages"],
        summary="One year of a periodical",
    )
    def periodical_year(slug: str, year: int) -> HTMLResponse:
        return page_or_404(pages.periodical_year, slug, year)

    @app.get("/issues/{issue_id:int}", response_class=HTMLResponse, tags=["pages"], summary="An issue's contents")
    def issue(issue_id: int) -> HTMLResponse:
        return page_or_404(pages.issue, issue_id)

    @app.get("/writers/{slug}", response_class=HTMLResponse, tags=["pages"], summary="A writer's articles")
    def writer(slug: str) -> HTMLResponse:
        return page_or_404(pages.writer, slug)

    add_search_routes(app, pages, service, html)
    add_publish_routes(app, store, urls, pages=pages)
    add_review_routes(app, store, pages)
    add_catalogue_routes(app, store, urls, pages, html)

    add_api_routes(app, store, urls)

    return app


def _version() -> str:
    from masthead import __version__

    return __version__
