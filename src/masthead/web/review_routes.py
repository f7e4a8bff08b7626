"""The editors' web pages: the review queue, one document's findings in context, and revision history.

:func:`add_review_routes` adds, behind the editor login of :mod:`masthead.web.auth`:

* ``GET /review``: documents with open findings (the queue), and the latest decisions;
* ``GET /review/<id>``: each open finding in context, its suggestions as accept buttons, a custom text
  field and a reject button (keyboard: ``j``/``k`` move, ``a`` accepts the first suggestion, ``e`` edits,
  ``r`` rejects; ``static/review.js``, the forms work without it); ``POST /review/<id>`` decides one;
* ``POST /history/<id>``: revert to a revision (a new revision; nothing is lost);
* ``GET /api/review`` and ``GET /api/review/<id>``: the same as JSON (401 when not logged in);

and, for everyone, ``GET /history/<id>``: the revisions with author, date and message, and a word diff
between any two. A reader never sees the queue: editor pages redirect to ``/login``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from masthead.review import in_context
from masthead.review.diff import changed, diff_html, diff_ops
from masthead.store import Store, StoreError
from masthead.store.review import ReviewError
from masthead.textview import text_view
from masthead.web.auth import Editor, EditorAuth, add_auth_routes
from masthead.web.urls import Urls

if TYPE_CHECKING:
    from masthead.web.app import Pages

REVIEW_CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""Editor pages load the site's own ``review.js`` (no inline script anywhere)."""

DONE = {
    "accepted": "Accepted: the text was changed in a new revision.",
    "custom": "Your text was put in, in a new revision.",
    "rejected": "Rejected: this will not be flagged again.",
    "reverted": "Reverted: the old text is back, as a new revision.",
    "unchanged": "Nothing to revert: the current revision already has that text.",
}
"""Messages after a decision (the redirect names one by key, so no page shows text from the URL)."""


def review_path(doc_id: str) -> str:
    """The review page of a document."""
    return "/review/" + "/".join(quote(part, safe="") for part in doc_id.strip("/").split("/"))


def history_path(doc_id: str, **query: int | str) -> str:
    """The history page of a document (``a``/``b`` choose the revisions compared)."""
    return Urls().history(doc_id) + ("?" + urlencode(query) if query else "")


def add_review_routes(app: FastAPI, store: Store, pages: Pages) -> EditorAuth:
    """Add the login, review and history routes to ``app``; returns the :class:`EditorAuth` they use."""
    auth = EditorAuth(store)
    app.state.auth = auth

    def html(page: str, status_code: int = 200) -> HTMLResponse:
        headers = {"Content-Security-Policy": REVIEW_CSP, "Cache-Control": "no-store"}
        return HTMLResponse(page, status_code=status_code, headers=headers)

    def render(template: str, **context: Any) -> str:
        return pages.render(template, review_path=review_path, history_path=history_path, **context)

    def not_found(message: str, editor: Editor | None) -> HTMLResponse:
        return html(render("error.html", status=404, message=message, editor=editor), 404)

    add_auth_routes(app, auth, render, html)

    # -- the queue -----------------------------------------------------------------------------------
    @app.get("/review", include_in_schema=False)
    def queue(editor: Editor = Depends(auth.require)) -> Response:
        return html(
            render(
                "review_queue.html",
                editor=editor,
                entries=store.review_queue(limit=500),
                total=store.count_open_findings(),
                decisions=store.decisions(limit=20),
            )
        )

    def document_page(
        doc_id: str, editor: Editor, *, done: str | None = None, error: str = "", status: int = 200
    ) -> Response:
        doc = store.get(doc_id)
        if doc is None:
            return not_found(f"There is no article “{doc_id}” in this archive.", editor)
        text = text_view(doc).text
        items = [(sf, in_context(text, sf.finding)) for sf in store.findings(doc_id)]
        page = render(
            "review_document.html",
            editor=editor,
            doc=doc,
            items=items,
            decisions=store.decisions(doc_id, limit=50),
            done=DONE.get(done or ""),
            error=error,
            revision=max((r.number for r in store.revisions(doc_id)), default=1),
        )
        return html(page, status)

    @app.get("/review/{doc_id:path}", include_in_schema=False)
    def review_document(doc_id: str, done: str | None = None, editor: Editor = Depends(auth.require)) -> Response:
        return document_page(doc_id.strip("/"), editor, done=done)

    @app.post("/review/{doc_id:path}", include_in_schema=False)
    def decide(
        doc_id: str,
        key: str = Form(""),
        action: str = Form(""),
        replacement: str | None = Form(None),
        text: str | None = Form(None),
        reason: str = Form(""),
        editor: Editor = Depends(auth.require_post),
    ) -> Response:
        # a plain function: FastAPI runs it in its threadpool, so the store's work never blocks the loop
        doc_id, reason = doc_id.strip("/"), reason.strip()
        keys = [sf.key for sf in store.findings(doc_id)]
        after = keys[keys.index(key) + 1 :] + keys[: keys.index(key)][::-1] if key in keys else keys
        try:
            if action == "reject":
                store.reject_finding(doc_id, key, editor.username, reason=reason)
                done = "rejected"
            elif action in ("accept", "custom"):
                if action == "custom" and text is None:
                    raise ReviewError("give the text to put in")
                chosen = text if action == "custom" else replacement
                store.accept_finding(doc_id, key, editor.username, replacement=chosen, reason=reason)
                done = "custom" if action == "custom" else "accepted"
            else:
                raise ReviewError(f"unknown action {action!r}: use accept, custom or reject")
        except StoreError as exc:
            return document_page(doc_id, editor, error=str(exc), status=409)
        # back to the page, at the finding after the one decided (the keyboard goes on from there)
        anchor = f"#f-{after[0]}" if after else ""
        return RedirectResponse(review_path(doc_id) + "?" + urlencode({"done": done}) + anchor, status_code=303)

    # -- history -------------------------------------------------------------------------------------
    @app.get("/history/{doc_id:path}", include_in_schema=False)
    def history(
        request: Request,
        doc_id: str,
        a: int | None = Query(None, ge=1),
        b: int | None = Query(None, ge=1),
        done: str | None = None,
    ) -> Response:
        doc_id = doc_id.strip("/")
        editor = auth.editor(request)
        revisions = store.revisions(doc_id)
        if not revisions:
            return not_found(f"There is no article “{doc_id}” in this archive.", editor)
        numbers = [r.number for r in revisions]
        b = b if b in numbers else numbers[-1]
        a = a if a in numbers else max((n for n in numbers if n < b), default=b)
        old, new = store.get(doc_id, revision=a), store.get(doc_id, revision=b)
        ops = diff_ops(text_view(old).text, text_view(new).text) if old and new else []
        page = render(
            "history.html",
            editor=editor,
            doc_id=doc_id,
            title=new.title if new else doc_id,
            revisions=list(reversed(revisions)),
            latest=numbers[-1],
            a=a,
            b=b,
            diff=Markup(diff_html(ops)),  # noqa: S704 - diff_html escapes every piece of text
            changed=changed(ops),
            done=DONE.get(done or ""),
            decisions=store.decisions(doc_id, limit=200) if editor else [],
        )
        return html(page)

    @app.post("/history/{doc_id:path}", include_in_schema=False)
    def revert(
        doc_id: str,
        revision: str = Form(""),
        reason: str = Form(""),
        editor: Editor = Depends(auth.require_post),
    ) -> Response:
        doc_id = doc_id.strip("/")
        if not revision.isdigit():
            return html(render("error.html", status=400, message="Choose a revision to revert to.", editor=editor), 400)
        number = int(revision)
        try:
            result = store.revert(doc_id, number, editor.username, reason=reason.strip())
        except StoreError as exc:
            return html(render("error.html", status=409, message=str(exc), editor=editor), 409)
        done = "unchanged" if result.status == "unchanged" else "reverted"
        return RedirectResponse(history_path(doc_id, a=number, b=result.revision, done=done), status_code=303)

    # -- JSON ----------------------------------------------------------------------------------------
    @app.get("/api/review", tags=["review"], summary="The review queue (editors only)")
    def api_queue(editor: Editor = Depends(auth.require)) -> dict[str, Any]:
        entries = store.review_queue(limit=1000)
        return {
            "open": store.count_open_findings(),
            "documents": [{"id": e.document_id, "title": e.title, "date": e.date, "open": e.open} for e in entries],
        }

    @app.get("/api/review/{doc_id:path}", tags=["review"], summary="A document's findings (editors only)")
    def api_document(doc_id: str, status: str | None = "open", editor: Editor = Depends(auth.require)) -> Response:
        doc_id = doc_id.strip("/")
        if store.get(doc_id) is None:
            return JSONResponse({"detail": f"no document with id {doc_id!r}", "status": 404}, status_code=404)
        found = store.findings(doc_id, status=None if status == "all" else status)
        return JSONResponse(
            {
                "id": doc_id,
                "findings": [{**sf.finding.to_dict(), "status": sf.status, "revision": sf.revision} for sf in found],
            }
        )

    return auth
