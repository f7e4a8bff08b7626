"""Web routes for the export formats and the OAI-PMH endpoint, and the article page's "Cite this" box.

:func:`add_publish_routes` adds ``/export/<id>.<ext>`` downloads (``.tei.xml``, ``.epub``, ``.bib``,
``.ris``, ``.csl.json``, ``.md``, ``.txt``) and ``/oai`` (GET and POST) to the app; with ``pages`` it
also installs the template globals the article page's citation box uses (:func:`install_template_globals`,
which a static-site builder may call on its own pages' environment too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from masthead.export import FORMATS, export
from masthead.export.cite import render_citation
from masthead.export.oai import OAIConfig, respond
from masthead.glossary.archive import tei_mentions
from masthead.model import Document
from masthead.store import Store
from masthead.web.urls import Urls

if TYPE_CHECKING:
    from masthead.web.app import Pages

EXTENSIONS: dict[str, str] = {
    ".tei.xml": "tei",
    ".epub": "epub",
    ".bib": "bibtex",
    ".ris": "ris",
    ".csl.json": "csl-json",
    ".md": "markdown",
    ".txt": "text",
}
"""Download file endings and the export format each gives."""

DOWNLOADS: list[tuple[str, str]] = [
    ("TEI", ".tei.xml"),
    ("EPUB", ".epub"),
    ("BibTeX", ".bib"),
    ("RIS", ".ris"),
    ("CSL-JSON", ".csl.json"),
    ("Markdown", ".md"),
    ("Text", ".txt"),
]
"""The article page's download links, in order: (label, file ending)."""


def export_path(doc_id: str, ending: str) -> str:
    """The path of a download below the site root: ``export/labor-action/1948/.../title.bib``."""
    return "export/" + "/".join(quote(p, safe="") for p in doc_id.strip("/").split("/")) + ending


def install_template_globals(env: jinja2.Environment, *, downloads: bool = True) -> None:
    """Give templates ``cite_html(doc, style)`` (Chicago or MLA as safe HTML), ``export_downloads``
    (the download links' labels and endings, empty when ``downloads`` is false) and ``export_path``."""

    def cite_html(doc: Document, style: str) -> Markup:
        try:
            return Markup(render_citation(doc, style))  # noqa: S704 - citeproc output of escaped fields
        except Exception:  # a citation must never break the page it sits on
            return Markup("")

    env.globals["cite_html"] = cite_html
    env.globals["export_downloads"] = DOWNLOADS if downloads else []
    env.globals["export_path"] = export_path


def _split(path: str) -> tuple[str, str] | None:
    for ending, fmt in EXTENSIONS.items():
        if path.endswith(ending) and len(path) > len(ending):
            return path[: -len(ending)].strip("/"), fmt
    return None


def add_publish_routes(app: FastAPI, store: Store, urls: Urls, *, pages: Pages | None = None) -> None:
    """Add ``/export/...`` and ``/oai`` to ``app`` (and the citation box's globals to ``pages``).

    ``app.state.oai_page_size`` (50 unless set) is how many records an OAI-PMH list page holds."""
    if pages is not None:
        install_template_globals(pages.env)

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @app.get("/search.epub", tags=["api"], summary="The articles a search finds (up to 50), as one EPUB book")
    def search_epub(request: Request) -> Response:
        from masthead.search import QueryError
        from masthead.web.search import SearchParams

        service = request.app.state.search
        if service is None:
            return JSONResponse({"detail": "search is not available; run: masthead reindex"}, 503)
        params = SearchParams.from_query(list(request.query_params.multi_items()))
        try:
            results = service.search(params, limit=50, offset=0)
        except QueryError as exc:
            return JSONResponse({"detail": str(exc)}, 400)
        docs = [d for h in results.hits if (d := store.get(h.doc_id)) is not None]
        if not docs:
            return JSONResponse({"detail": "the search finds no articles"}, 404)
        body = export(docs, "epub", base_url=base(request), title=f"Masthead search: {params.q or 'all'}")
        return Response(
            body,
            media_type=FORMATS["epub"].media_type,
            headers={"Content-Disposition": "attachment; filename=masthead-search.epub"},
        )

    @app.get("/export/{path:path}", tags=["api"], summary="An article as TEI, EPUB, BibTeX, RIS, CSL-JSON...")
    def download(request: Request, path: str) -> Response:
        found = _split(path)
        if found is None:
            endings = ", ".join(EXTENSIONS)
            return JSONResponse({"detail": f"unknown download; end the path with one of {endings}"}, 404)
        doc_id, fmt = found
        doc = store.get(doc_id)
        if doc is None:
            return JSONResponse({"detail": f"no document with id {doc_id!r}", "status": 404}, 404)
        tei = tei_mentions(store, doc, base(request)) if fmt == "tei" else None
        body = export(doc, fmt, base_url=base(request), revisions=store.revisions(doc_id), mentions=tei)
        spec = FORMATS[fmt]
        ending = next(e for e, f in EXTENSIONS.items() if f == fmt)
        name = doc_id.strip("/").replace("/", "_") + ending
        media = spec.media_type if spec.binary else f"{spec.media_type}; charset=utf-8"
        disposition = "attachment" if spec.binary else "inline"
        return Response(
            body if isinstance(body, bytes) else body.encode("utf-8"),
            media_type=media,
            headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"},
        )

    def oai_config(request: Request) -> OAIConfig:
        root = base(request)
        return OAIConfig(
            base_url=root + "/oai",
            repository_name=app.title,
            article_url=lambda doc_id: root + "/" + urls.article(doc_id).lstrip("/"),
            publisher=app.title,
            page_size=getattr(app.state, "oai_page_size", 50),
        )

    def oai_response(request: Request, params: dict[str, list[str]]) -> Response:
        return Response(respond(store, params, oai_config(request)), media_type="text/xml; charset=utf-8")

    @app.get("/oai", tags=["api"], summary="OAI-PMH 2.0 endpoint (Dublin Core records)")
    def oai_get(request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        return oai_response(request, params)

    @app.post("/oai", tags=["api"], summary="OAI-PMH 2.0 endpoint, arguments in a form body")
    async def oai_post(request: Request) -> Response:
        raw = (await request.body()).decode("utf-8", errors="replace")
        params: dict[str, Any] = parse_qs(raw, keep_blank_values=True)
        return oai_response(request, params)
