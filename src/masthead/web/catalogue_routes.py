"""Web routes for the catalogue: each periodical's calendar checks, for editors, as a page and as JSON.

:func:`add_catalogue_routes` adds ``/periodicals/{slug}/checks`` (the periodical's learned rhythm and
every finding of the calendar check: numbers that do not fit dates, duplicate numbers, date lines that
disagree with the citation, gaps) and ``/api/periodicals/{slug}/checks``, and installs template globals
so the periodical page shows its place, title variants and rhythm, and the writer page its aliases.
The check itself is :mod:`masthead.catalogue.calendar`: the web layer only asks the store for rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response

from masthead.catalogue.calendar import CheckFinding, Rhythm, check_archive
from masthead.store import Store
from masthead.web.urls import Urls

if TYPE_CHECKING:
    from masthead.web.app import Pages

__all__ = ["add_catalogue_routes", "periodical_checks"]

_ORDER = {"error": 0, "warning": 1, "info": 2}


def periodical_checks(store: Store, slug: str) -> tuple[Rhythm, list[CheckFinding]]:
    """The learned rhythm of one periodical and its findings, most severe first."""
    issues, docs = store.calendar_rows(slug)
    rhythms, findings = check_archive(issues, docs)
    rhythm = rhythms.get(slug) or Rhythm("unknown")
    return rhythm, sorted(findings, key=lambda f: _ORDER.get(f.severity, 3))


def checks_url(urls: Urls, slug: str) -> str:
    """The address of a periodical's checks page."""
    return urls.periodical(slug).rstrip("/") + "/checks"


def add_catalogue_routes(
    app: FastAPI, store: Store, urls: Urls, pages: Pages, html: Callable[..., HTMLResponse]
) -> None:
    """Add the checks page and its JSON to ``app``; give ``pages``' templates the catalogue globals."""
    env = pages.env

    def periodical_facts(slug: str) -> dict[str, Any]:
        details = store.periodical_details(slug)
        rhythm, findings = periodical_checks(store, slug)
        return {
            **details,
            "variants": store.periodical_variants(slug),
            "rhythm": rhythm.summary() if rhythm.frequency != "unknown" else None,
            "problems": sum(1 for f in findings if f.severity != "info"),
            "gaps": sum(1 for f in findings if f.kind == "gap"),
            "checks_url": checks_url(urls, slug),
        }

    env.globals["periodical_facts"] = periodical_facts
    env.globals["writer_aliases"] = store.writer_aliases

    @app.get(
        "/periodicals/{slug}/checks",
        response_class=HTMLResponse,
        tags=["pages"],
        summary="A periodical's calendar checks (for editors)",
    )
    def checks_page(slug: str) -> HTMLResponse:
        periodical = store.periodical(slug)
        if periodical is None:
            return html(pages.error(404, f"There is no periodical called “{slug}” in this archive."), status_code=404)
        rhythm, findings = periodical_checks(store, slug)
        return html(pages.render("periodical_checks.html", periodical=periodical, rhythm=rhythm, findings=findings))

    @app.get("/api/periodicals/{slug}/checks", tags=["api"], summary="A periodical's rhythm and calendar findings")
    def checks_json(slug: str) -> Response:
        if store.periodical(slug) is None:
            return JSONResponse({"detail": f"no periodical with slug {slug!r}", "status": 404}, status_code=404)
        rhythm, findings = periodical_checks(store, slug)
        return JSONResponse(
            {
                "periodical": slug,
                "rhythm": {
                    "frequency": rhythm.frequency,
                    "weekday": rhythm.weekday,
                    "numbering": rhythm.numbering,
                    "volume_issues": rhythm.volume_issues,
                    "volume_start": rhythm.volume_start,
                    "summary": rhythm.summary(),
                },
                "findings": [f.to_dict() for f in findings],
                "url": checks_url(urls, slug),
            }
        )
