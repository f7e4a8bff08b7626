"""Web routes of the glossary, and the article page's links from each mention to its entry.

:func:`add_glossary_routes` adds ``/glossary`` (entries by type, A to Z), ``/glossary/{id}`` (an
entry with every article that names it and the sentence around each mention; a merged entry's old
address redirects to the entry it was merged into), ``/api/entries`` and ``/api/entries/{id}``.
:func:`article_with_mentions` gives a document whose body carries a link per stored mention, which
the article page renders (see :meth:`masthead.web.app.Pages.article_page`).

Editors see, on an entry's page, a form to change it (``POST /glossary/{id}``); the queue of proposed
entries is ``/glossary/queue`` (both in :mod:`masthead.web.glossary_queue_routes`; on the command
line: ``masthead glossary list --status proposed``, ``accept``, ``merge``, ``reject``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from masthead.glossary.annotate import sentence_around, with_mention_links
from masthead.glossary.entries import ENTRY_TYPES, Entry
from masthead.model import Document
from masthead.render.html import safe_href
from masthead.store import Store
from masthead.textview import text_view
from masthead.web.urls import Urls

if TYPE_CHECKING:
    from masthead.web.app import Pages

TYPE_LABELS = {
    "person": "People",
    "organisation": "Organisations",
    "party": "Parties",
    "periodical": "Periodicals",
    "place": "Places",
    "event": "Events",
    "other": "Other",
}
TYPE_NAMES = {
    "person": "Person",
    "organisation": "Organisation",
    "party": "Party",
    "periodical": "Periodical",
    "place": "Place",
    "event": "Event",
    "other": "Other",
}
MAX_DOCUMENTS = 200
"""An entry page lists at most this many articles (with their sentences)."""


class EntryNotFound(LookupError):
    """No such glossary entry."""


def _has_glossary(store: Store) -> bool:
    return hasattr(store, "mentions_in")


def article_with_mentions(store: Store, doc: Document, revision: int, urls: Urls) -> Document:
    """``doc`` with a link to its entry over every mention stored for ``revision`` (unchanged when the
    store keeps no glossary or that revision was not linked)."""
    if not _has_glossary(store):
        return doc
    mentions = store.mentions_in(doc.id, revision=revision)
    if not mentions:
        return doc
    return with_mention_links(doc, mentions, urls.entry)


def glossary_page(pages: Pages, **extra: Any) -> str:
    """The glossary index page: accepted entries grouped by type, A to Z, with article counts
    (``extra``: more template context, such as the logged-in ``editor``)."""
    store = pages.store
    counts = store.mention_counts()
    entries = store.list_entries(status="accepted")
    groups = []
    for etype in ENTRY_TYPES:
        items = [(e, counts.get(e.id, (0, 0))[1]) for e in entries if e.type == etype]
        if items:
            groups.append((etype, TYPE_LABELS[etype], items))
    return pages.render("glossary.html", groups=groups, total=len(entries), **extra)


def entry_sentences(store: Store, entry_id: str, *, limit: int = MAX_DOCUMENTS) -> list[tuple[Any, list[Any]]]:
    """``(document summary, [(mention, before, surface, after), ...])`` for each article naming an
    entry, in date order; only the first ``limit`` articles are read for their sentences."""
    found = store.mentions_of(entry_id)
    out = []
    for n, (summary, mentions) in enumerate(found):
        doc = store.get(summary.id) if n < limit else None
        lines = []
        if doc is not None:
            text = text_view(doc).text
            for m in mentions:
                if text[m.start : m.end] != m.surface:
                    continue
                sentence, s, e = sentence_around(text, m.start, m.end)
                lines.append((m, sentence[:s], sentence[s:e], sentence[e:]))
        out.append((summary, lines))
    return out


def entry_page(pages: Pages, entry: Entry, *, editor: Any = None, done: str | None = None, error: str = "") -> str:
    """An entry's page (``entry`` already resolved past merges); with an ``editor``, the form that
    edits it and its latest recorded changes."""
    store = pages.store
    related = [r for r in (store.get_entry(i) for i in entry.related) if r is not None and r.status == "accepted"]
    documents = entry_sentences(store, entry.id)
    shown_entry = entry.replace(links=tuple(link for link in entry.links if safe_href(link)))
    return pages.render(
        "entry.html",
        entry=shown_entry,
        type_label=TYPE_NAMES.get(entry.type, entry.type),
        related=related,
        documents=documents,
        shown=min(len(documents), MAX_DOCUMENTS),
        editor=editor,
        types=[(t, TYPE_NAMES[t]) for t in ENTRY_TYPES],
        edits=store.glossary_edits(entry.id, limit=20) if editor and hasattr(store, "glossary_edits") else [],
        done=done,
        error=error,
    )


def entry_json(store: Store, entry: Entry, urls: Urls) -> dict[str, Any]:
    """An entry as the JSON API gives it, with the articles naming it and each mention's sentence."""
    d = entry.to_dict()
    d["url"] = urls.entry(entry.id)
    docs = []
    for summary, lines in entry_sentences(store, entry.id):
        mentions = []
        for m, before, surface, after in lines:
            md = m.to_dict()
            md["sentence"] = before + surface + after
            mentions.append(md)
        docs.append({"id": summary.id, "title": summary.title, "date": summary.date, "mentions": mentions})
    d["documents"] = docs
    return d


def add_glossary_routes(app: FastAPI, store: Store, urls: Urls, pages: Pages) -> None:
    """Add the glossary pages and API to ``app`` (see the module docstring)."""
    if not _has_glossary(store):
        return
    from masthead.web.app import CSP, CSP_WITH_SEARCH

    pages.env.globals["glossary_nav"] = True
    csp = CSP_WITH_SEARCH if pages.search_enabled else CSP

    def html(page: str, status_code: int = 200, *, private: bool = False) -> HTMLResponse:
        headers = {"Content-Security-Policy": csp}
        if private:  # an editor's page (forms with the session's CSRF token): never cached
            headers["Cache-Control"] = "no-store"
        return HTMLResponse(page, status_code=status_code, headers=headers)

    def editor_of(request: Request) -> Any:
        auth = getattr(request.app.state, "auth", None)
        return auth.editor(request) if auth is not None else None

    @app.get("/glossary", response_class=HTMLResponse, tags=["pages"], summary="The glossary")
    def glossary(request: Request) -> HTMLResponse:
        editor = editor_of(request)
        return html(glossary_page(pages, editor=editor), private=editor is not None)

    @app.get("/glossary/{entry_id}", response_class=HTMLResponse, tags=["pages"], summary="A glossary entry")
    def entry(request: Request, entry_id: str, done: str | None = None, n: int | None = Query(None, ge=0)) -> Response:
        from masthead.web.glossary_queue_routes import done_message

        found = store.resolve_entry(entry_id)
        if found is None or found.status not in ("accepted", "merged"):
            return html(pages.error(404, f"There is no glossary entry “{entry_id}” in this archive."), 404)
        if found.id != entry_id:
            return RedirectResponse(urls.entry(found.id), status_code=301)
        editor = editor_of(request)
        message = done_message(done, n) if editor is not None else None
        return html(entry_page(pages, found, editor=editor, done=message), private=editor is not None)

    @app.get("/api/entries", tags=["api"], summary="Glossary entries")
    def api_entries(
        type: str | None = Query(None, description="only this type (person, organisation, party ...)"),
    ) -> dict[str, Any]:
        counts = store.mention_counts()
        rows = []
        for e in store.list_entries(status="accepted", type=type):
            d = e.to_dict()
            d["url"] = urls.entry(e.id)
            d["mentions"], d["documents"] = counts.get(e.id, (0, 0))
            rows.append(d)
        return {"entries": rows, "total": len(rows)}

    @app.get("/api/entries/{entry_id}", tags=["api"], summary="A glossary entry and where it is named")
    def api_entry(entry_id: str) -> Response:
        found = store.resolve_entry(entry_id)
        if found is None or found.status not in ("accepted", "merged"):
            return JSONResponse({"detail": f"no glossary entry {entry_id!r}", "status": 404}, status_code=404)
        if found.id != entry_id:
            return RedirectResponse(urls.api_entry(found.id), status_code=301)
        return JSONResponse(entry_json(store, found, urls))
