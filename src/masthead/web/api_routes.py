"""The archive as JSON: ``/healthz`` and ``/api/…`` for documents, periodicals, issues and writers (the
search, glossary and publishing APIs live with their pages). Catalogue rows, no bodies, except
``/api/documents/ID``, which is the document model's JSON."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse, Response

from masthead.store import DocumentSummary, IssueSummary, Store
from masthead.store.catalogue import date_key, issue_heading
from masthead.web.urls import Urls

API_PAGE = 100
"""Documents in a page of ``/api/documents`` unless ``limit`` says otherwise."""
MAX_LIMIT = 1000


def json_404(message: str) -> JSONResponse:
    return JSONResponse({"detail": message, "status": 404}, status_code=404)


def plain(obj: Any) -> Any:
    """A dataclass as a dict (anything else as it is)."""
    return dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) and not isinstance(obj, type) else obj


def summary_json(doc: DocumentSummary, urls: Urls) -> dict[str, Any]:
    out = plain(doc)
    out["url"] = urls.article(doc.id)
    out["json_url"] = urls.article_json(doc.id)
    return out


def issue_json(issue: IssueSummary, urls: Urls) -> dict[str, Any]:
    out = plain(issue)
    out["heading"] = issue_heading(issue)
    out["url"] = urls.issue(issue.id)
    out["documents"] = [summary_json(d, urls) for d in issue.documents]
    return out


def add_api_routes(app: FastAPI, store: Store, urls: Urls) -> None:
    """Register the JSON API on ``app``."""

    @app.get("/healthz", tags=["api"], summary="Health check with the number of documents")
    def healthz() -> dict[str, Any]:
        return {"ok": True, "documents": store.count_documents()}

    @app.get(
        "/api/documents",
        tags=["api"],
        summary="List documents (catalogue rows, no bodies)",
        description="By date, then first page, then title. `total` is null when a filter is given.",
    )
    def api_documents(
        limit: int = Query(API_PAGE, ge=1, le=MAX_LIMIT),
        offset: int = Query(0, ge=0),
        periodical: str | None = Query(None, description="periodical slug"),
        writer: str | None = Query(None, description="writer slug"),
    ) -> dict[str, Any]:
        docs = store.list_documents(periodical=periodical, writer=writer, limit=limit, offset=offset)
        total = store.count_documents() if periodical is None and writer is None else None
        return {
            "total": total,
            "limit": limit,
            "offset": offset,
            "documents": [summary_json(d, urls) for d in docs],
        }

    @app.get("/api/documents/{doc_id:path}", tags=["api"], summary="One document as Masthead JSON")
    def api_document(doc_id: str, revision: int | None = Query(None, ge=1)) -> Response:
        doc_id = doc_id.strip("/")
        doc = store.get(doc_id, revision=revision)
        if doc is None:
            if revision is not None and store.get(doc_id) is not None:
                return json_404(f"document {doc_id!r} has no revision {revision}")
            return json_404(f"no document with id {doc_id!r}")
        return JSONResponse(doc.to_dict())

    @app.get("/api/periodicals", tags=["api"], summary="List periodicals with counts and year spans")
    def api_periodicals() -> dict[str, Any]:
        return {"periodicals": [{**plain(p), "url": urls.periodical(p.slug)} for p in store.periodicals()]}

    @app.get("/api/periodicals/{slug}", tags=["api"], summary="A periodical with its years and issues")
    def api_periodical(slug: str, year: int | None = Query(None)) -> Response:
        p = store.periodical(slug)
        if p is None:
            return json_404(f"no periodical with slug {slug!r}")
        return JSONResponse(
            {
                **plain(p),
                **store.periodical_details(slug),  # place, frequency
                "variants": store.periodical_variants(slug),
                "url": urls.periodical(slug),
                "years": [{"year": y, "count": n} for y, n in store.years(slug)],
                "issues": [issue_json(i, urls) for i in store.issues(slug, year=year)],
            }
        )

    @app.get("/api/issues/{issue_id:int}", tags=["api"], summary="An issue with its articles")
    def api_issue(issue_id: int) -> Response:
        found = store.issue(issue_id)
        if found is None:
            return json_404(f"no issue with id {issue_id}")
        return JSONResponse(issue_json(found, urls))

    @app.get("/api/writers", tags=["api"], summary="List writers with their document counts")
    def api_writers() -> dict[str, Any]:
        return {"writers": [{**plain(w), "url": urls.writer(w.slug)} for w in store.writers()]}

    @app.get("/api/writers/{slug}", tags=["api"], summary="A writer with their documents")
    def api_writer(slug: str) -> Response:
        w = store.writer(slug)
        if w is None:
            return json_404(f"no writer with slug {slug!r}")
        docs = sorted(store.list_documents(writer=slug), key=date_key)
        return JSONResponse(
            {
                **plain(w),
                "aliases": store.writer_aliases(slug),
                "url": urls.writer(slug),
                "documents": [summary_json(d, urls) for d in docs],
            }
        )
