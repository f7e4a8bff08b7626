"""The editors' glossary pages: the queue of proposed entries, and editing an entry.

:func:`add_glossary_queue_routes` adds, behind the editor login of :mod:`masthead.web.auth`:

* ``GET /glossary/queue``: proposed entries, best first, each with its evidence (how many documents
  name it, why it was proposed, example sentences with the name highlighted) and three forms: accept
  (optionally with another type, preferred name or description), merge into an existing entry, reject.
  Keyboard as on the review page (``static/review.js``: ``j``/``k`` move, ``a`` accepts, ``e`` goes to
  the merge target, ``r`` rejects); the forms work without it;
* ``POST /glossary/queue``: one decision (CSRF-checked), recorded with the editor and the time;
* ``POST /glossary/{id}``: an editor's change to an entry's description, aliases, dates and type (the
  form is on the entry page, shown to logged-in editors only);
* ``GET /api/glossary/queue``: the queue as JSON (401 when not logged in).

After an accept, a merge or an edit the documents whose text names the entry are linked again
(:func:`masthead.glossary.archive.relink_entries`), so article pages link the new names at once.
Register these routes before :func:`masthead.web.glossary_routes.add_glossary_routes`, whose
``/glossary/{id}`` would otherwise take ``/glossary/queue``.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from masthead.glossary.archive import relink_entries
from masthead.glossary.entries import ENTRY_TYPES, Entry, GlossaryError
from masthead.glossary.queue import entry_from_form, example_sentences
from masthead.store import Store, StoreError
from masthead.textview import text_view
from masthead.web.auth import COOKIE, Editor, require_editor, require_editor_post
from masthead.web.urls import Urls

if TYPE_CHECKING:
    from masthead.web.app import Pages

QUEUE_PAGE = 100
"""A page of the queue shows at most this many proposals (the best first; later ones on later pages)."""
EXAMPLE_DOCUMENTS = 3
"""Example sentences come from at most this many of the documents the proposer noted."""

DONE = {
    "accepted": "Accepted into the glossary.",
    "merged": "Merged: its name is now an alias of the entry it was merged into.",
    "rejected": "Rejected: it will not be proposed again.",
    "edited": "Saved.",
    "unchanged": "Nothing changed.",
}
"""Messages after a decision (the redirect names one by key, so no page shows text from the URL)."""


_NAV_EDITOR: ContextVar[Editor | None] = ContextVar("masthead_nav_editor", default=None)


class EditorNav:
    """ASGI middleware: for a request carrying a session cookie, the logged-in editor (if the session
    is live) is put where every page's navigation finds it (``nav_editor()`` in the templates), so the
    "Queue" link shows on any page for editors. Readers (no cookie) cost nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(
            k == b"cookie" and COOKIE.encode() in v for k, v in scope.get("headers", ())
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        auth = getattr(request.app.state, "auth", None)
        editor = await run_in_threadpool(auth.editor, request) if auth is not None else None
        token = _NAV_EDITOR.set(editor)
        try:
            await self.app(scope, receive, send)
        finally:
            _NAV_EDITOR.reset(token)


def _has_queue(store: Store) -> bool:
    return hasattr(store, "proposals")


def done_message(done: str | None, linked: int | None) -> str | None:
    """The notice shown after a decision, with how many articles were linked again."""
    message = DONE.get(done or "")
    if message and linked is not None and done != "rejected":
        message += f" {linked} article{'' if linked == 1 else 's'} linked again."
    return message


def proposal_examples(store: Store, entry: Entry, evidence: dict[str, Any], cache: dict[str, Any]) -> list[Any]:
    """``(document id, title, before, surface, after)`` for a sentence in each of the first documents
    the proposer noted (``cache`` keeps documents' view texts between proposals)."""
    out = []
    for doc_id in list(evidence.get("examples") or [])[:EXAMPLE_DOCUMENTS]:
        if not isinstance(doc_id, str):
            continue
        if doc_id not in cache:
            doc = store.get(doc_id)
            cache[doc_id] = (doc.title, text_view(doc).text) if doc is not None else None
        if cache[doc_id] is None:
            continue
        title, text = cache[doc_id]
        for before, surface, after in example_sentences(text, entry.names(), limit=1):
            out.append((doc_id, title, before, surface, after))
    return out


def _merge_target(store: Store, value: str) -> str:
    """The entry id an editor typed (an id, or the exact name of one accepted entry)."""
    value = " ".join(value.split())
    if not value:
        raise StoreError("choose the entry to merge into (its id or name)")
    if store.get_entry(value) is not None:
        return value
    folded = value.casefold()
    named = [e for e in store.list_entries(status="accepted") if e.name.casefold() == folded]
    if len(named) == 1:
        return named[0].id
    if named:
        raise StoreError(f"several entries are named {value!r}: give the id ({', '.join(e.id for e in named)})")
    raise StoreError(f"no glossary entry {value!r} to merge into: give an id from the list")


def add_glossary_queue_routes(app: FastAPI, store: Store, urls: Urls, pages: Pages) -> None:
    """Add the editors' glossary routes to ``app`` (see the module docstring)."""
    if not _has_queue(store):
        return
    from masthead.web.review_routes import REVIEW_CSP

    app.add_middleware(EditorNav)
    pages.env.globals["nav_editor"] = _NAV_EDITOR.get

    def html(page: str, status_code: int = 200) -> HTMLResponse:
        headers = {"Content-Security-Policy": REVIEW_CSP, "Cache-Control": "no-store"}
        return HTMLResponse(page, status_code=status_code, headers=headers)

    def queue_page(
        editor: Editor, *, done: str | None = None, linked: int | None = None, error: str = "", offset: int = 0
    ) -> str:
        found = store.proposals()  # type: ignore[attr-defined]
        if offset >= len(found):  # past the end (proposals decided since the link was made): the last page
            offset = max(0, (len(found) - 1) // QUEUE_PAGE * QUEUE_PAGE)
        cache: dict[str, Any] = {}
        accepted = store.list_entries(status="accepted")
        by_name = {n.casefold(): e.id for e in accepted for n in e.names()}
        items = []
        for entry, raw in found[offset : offset + QUEUE_PAGE]:
            evidence = {"documents": 0, "occurrences": 0, "reasons": [], "alias_of": None, "examples": [], **raw}
            alias_of = evidence["alias_of"] if isinstance(evidence["alias_of"], str) else None
            guess = by_name.get(entry.name.casefold()) or (by_name.get(alias_of.casefold()) if alias_of else None)
            items.append((entry, evidence, proposal_examples(store, entry, evidence, cache), guess or ""))
        return pages.render(
            "glossary_queue.html",
            editor=editor,
            items=items,
            total=len(found),
            offset=offset,
            page_size=QUEUE_PAGE,
            prev_offset=max(0, offset - QUEUE_PAGE) if offset else None,
            next_offset=offset + QUEUE_PAGE if offset + QUEUE_PAGE < len(found) else None,
            accepted=accepted,
            types=ENTRY_TYPES,
            done=done_message(done, linked),
            error=error,
            edits=store.glossary_edits(limit=20),  # type: ignore[attr-defined]
        )

    @app.get("/glossary/queue", include_in_schema=False)
    def queue(
        done: str | None = None,
        n: int | None = Query(None, ge=0),
        offset: int = Query(0, ge=0, le=10_000_000),
        editor: Editor = Depends(require_editor),
    ) -> Response:
        return html(queue_page(editor, done=done, linked=n, offset=offset))

    @app.post("/glossary/queue", include_in_schema=False)
    def decide(
        id: str = Form(""),
        action: str = Form(""),
        type: str | None = Form(None),
        name: str | None = Form(None),
        description: str | None = Form(None),
        target: str = Form(""),
        offset: int = Form(0, ge=0, le=10_000_000),
        editor: Editor = Depends(require_editor_post),
    ) -> Response:
        # a plain function: FastAPI runs it in its threadpool, so the store's work never blocks the loop
        order = [e.id for e, _ in store.proposals()]  # type: ignore[attr-defined]
        after = order[order.index(id) + 1 :] + order[: order.index(id)][::-1] if id in order else order
        linked: int | None = None
        try:
            if action == "accept":
                current = store.get_entry(id)
                if current is None:
                    raise StoreError(f"no glossary entry {id!r}")
                fields = {"type": type, "name": name, "description": description}
                changed = entry_from_form(current, fields, where="accept form")
                accepted = store.accept_proposal(id, editor.username, changes=changed)  # type: ignore[attr-defined]
                linked = relink_entries(store, [accepted.id]).documents
            elif action == "merge":
                into = _merge_target(store, target)
                merged = store.merge_proposal(id, into, editor.username)  # type: ignore[attr-defined]
                linked = relink_entries(store, [merged.id]).documents
            elif action == "reject":
                store.reject_proposal(id, editor.username)  # type: ignore[attr-defined]
            else:
                raise StoreError(f"unknown action {action!r}: use accept, merge or reject")
        except (StoreError, GlossaryError) as exc:
            return html(queue_page(editor, error=str(exc), offset=offset), 409)
        query: dict[str, str | int] = {"done": {"accept": "accepted", "merge": "merged"}.get(action, "rejected")}
        if linked is not None:
            query["n"] = linked
        if offset:  # back to the page the decision was made on
            query["offset"] = offset
        anchor = f"#p-{after[0]}" if after else ""
        return RedirectResponse(urls.glossary_queue() + "?" + urlencode(query) + anchor, status_code=303)

    @app.post("/glossary/{entry_id}", include_in_schema=False)
    def edit(
        entry_id: str,
        type: str | None = Form(None),
        aliases: str | None = Form(None),
        date_from: str | None = Form(None),
        date_to: str | None = Form(None),
        description: str | None = Form(None),
        editor: Editor = Depends(require_editor_post),
    ) -> Response:
        from masthead.web.glossary_routes import entry_page

        current = store.get_entry(entry_id)
        if current is None or current.status != "accepted":
            return html(pages.error(404, f"There is no glossary entry “{entry_id}” to edit."), 404)
        fields = {"type": type, "aliases": aliases, "date_from": date_from, "date_to": date_to}
        fields["description"] = description
        try:
            new = entry_from_form(current, fields, where="entry form")
            saved, changed = store.edit_entry(new, editor.username)  # type: ignore[attr-defined]
        except (StoreError, GlossaryError) as exc:
            page = entry_page(pages, current, editor=editor, error=str(exc))
            return html(page, 409)
        query: dict[str, str | int] = {"done": "edited" if changed else "unchanged"}
        if changed:
            query["n"] = relink_entries(store, [saved.id]).documents
        return RedirectResponse(urls.entry(saved.id) + "?" + urlencode(query), status_code=303)

    @app.get("/api/glossary/queue", tags=["api"], summary="Proposed glossary entries (editors only)")
    def api_queue(
        limit: int = Query(QUEUE_PAGE, ge=1, le=1000),
        offset: int = Query(0, ge=0, le=10_000_000),
        editor: Editor = Depends(require_editor),
    ) -> dict[str, Any]:
        found = store.proposals()  # type: ignore[attr-defined]
        cache: dict[str, Any] = {}
        rows = []
        for entry, evidence in found[offset : offset + limit]:
            d = entry.to_dict()
            d["evidence"] = evidence
            d["examples"] = [
                {"document": doc_id, "title": title, "sentence": before + surface + after, "surface": surface}
                for doc_id, title, before, surface, after in proposal_examples(store, entry, evidence, cache)
            ]
            rows.append(d)
        return {"proposed": len(found), "offset": offset, "entries": rows}
