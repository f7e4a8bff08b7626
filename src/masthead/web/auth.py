"""Editor login for the web app: local accounts, server-side sessions, CSRF protection. Generic: any
editors' page (the proofreading review, a glossary queue...) depends on :func:`require_editor` for
reading and :func:`require_editor_post` for changing things (or the same methods of :class:`EditorAuth`).

* Passwords are argon2id hashes (:mod:`masthead.accounts`); an unknown user costs the same time, and
  after :data:`MAX_FAILURES` wrong passwords for one name in a quarter of an hour its logins wait.
* A session is a random token in an ``HttpOnly``, ``SameSite=Lax`` cookie (``Secure`` over HTTPS); the
  store keeps only the token's SHA-256, the user and a per-session CSRF token, and sessions expire.
* Every POST of a logged-in page carries the session's CSRF token in a hidden ``csrf`` field; a missing or
  wrong token is refused with 403. The login form, before there is a session, uses a double-submit
  token (a cookie and a field that must match).
* A reader who is not logged in never sees an editor's page: HTML pages redirect to ``/login`` and
  ``/api/`` paths answer 401.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from masthead.accounts import dummy_hash, hash_password, needs_rehash, new_token, token_hash, verify_password
from masthead.store import Store, StoreError

COOKIE = "masthead_session"
LOGIN_COOKIE = "masthead_login"
SESSION_LIFETIME = timedelta(hours=12)
MAX_FAILURES = 10
"""Failed logins for one user name within :data:`FAILURE_WINDOW` seconds before logins are refused."""
FAILURE_WINDOW = 900.0


@dataclass(frozen=True, slots=True)
class Editor:
    """The logged-in editor of a request, with the CSRF token its forms must carry."""

    username: str
    role: str
    csrf: str


class LoginRequired(Exception):
    """Raised by :meth:`EditorAuth.require` for a request without a live session."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class CsrfFailed(Exception):
    """A POST whose CSRF token is missing or wrong."""


class TooManyFailures(Exception):
    """Too many wrong passwords for one user name lately: logins for it wait a while."""


def _expiry(now: datetime) -> str:
    return (now + SESSION_LIFETIME).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def safe_next(target: str | None, default: str = "/review") -> str:
    """``target`` when it is a path on this site (no scheme, no host, no ``//``), else ``default``: the
    login form never sends anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


class EditorAuth:
    """Sessions for one app over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._failures: dict[str, deque[float]] = {}
        self._failures_lock = threading.Lock()

    # -- sessions ----------------------------------------------------------------------------------------
    def editor(self, request: Request) -> Editor | None:
        """The editor logged in on ``request`` (None for a reader or an expired session)."""
        cached = getattr(request.state, "editor", False)
        if cached is not False:
            return cached  # type: ignore[no-any-return]
        token = request.cookies.get(COOKIE)
        found: Editor | None = None
        if token:
            session = self.store.session(token_hash(token))
            if session is not None:
                account = self.store.editor(session.username)
                if account is not None:
                    found = Editor(account.username, account.role, session.csrf)
        request.state.editor = found
        return found

    def require(self, request: Request) -> Editor:
        """A FastAPI dependency: the logged-in editor, or :class:`LoginRequired` (redirect / 401)."""
        editor = self.editor(request)
        if editor is None:
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return editor

    async def require_post(self, request: Request) -> Editor:
        """A FastAPI dependency for a form POST: the logged-in editor whose form carried the session's
        CSRF token; :class:`LoginRequired` or :class:`CsrfFailed` otherwise."""
        editor = self.require(request)
        form = await request.form()
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), editor.csrf.encode()):
            raise CsrfFailed()
        return editor

    def _failed(self, username: str, *, record: bool) -> int:
        """Failures for ``username`` within the window (after recording one when ``record``)."""
        now = time.monotonic()
        with self._failures_lock:
            times = self._failures.setdefault(username.casefold(), deque())
            while times and times[0] < now - FAILURE_WINDOW:
                times.popleft()
            if record:
                times.append(now)
            if not times:
                del self._failures[username.casefold()]
            return len(times)

    def login(self, username: str, password: str) -> str | None:
        """A new session token when the password is right (else None, after the same work). Raises
        :class:`TooManyFailures` after :data:`MAX_FAILURES` wrong passwords for the name lately."""
        if self._failed(username, record=False) >= MAX_FAILURES:
            raise TooManyFailures()
        account = self.store.editor(username)
        ok = verify_password(account.password_hash if account else dummy_hash(), password)
        if account is None or not ok:
            self._failed(username, record=True)
            return None
        if needs_rehash(account.password_hash):
            self.store.set_editor_password(username, hash_password(password))
        token = new_token()
        self.store.create_session(token_hash(token), username, new_token(), _expiry(datetime.now(UTC)))
        return token

    def logout(self, request: Request) -> None:
        """End the request's session, if any."""
        token = request.cookies.get(COOKIE)
        if token:
            self.store.delete_session(token_hash(token))


def _auth(request: Request) -> EditorAuth:
    auth = getattr(request.app.state, "auth", None)
    if not isinstance(auth, EditorAuth):
        raise RuntimeError("the app has no editor login: call add_review_routes (or add_auth_routes) first")
    return auth


def require_editor(request: Request) -> Editor:
    """A FastAPI dependency for any editor page of an app whose ``state.auth`` is an :class:`EditorAuth`
    (as :func:`masthead.web.review_routes.add_review_routes` sets it): ``Depends(require_editor)``."""
    return _auth(request).require(request)


async def require_editor_post(request: Request) -> Editor:
    """:func:`require_editor` for a form POST, with the CSRF check: ``Depends(require_editor_post)``."""
    return await _auth(request).require_post(request)


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def add_auth_routes(
    app: FastAPI,
    auth: EditorAuth,
    render: Callable[..., str],
    html: Callable[..., Response],
) -> None:
    """Add ``/login`` (GET form, POST) and ``/logout`` (POST) to ``app``, and the handlers that turn
    :class:`LoginRequired` into a redirect to the login page (401 under ``/api/``) and
    :class:`CsrfFailed` into 403. ``render(template, **context)`` builds a page; ``html(page, status)``
    wraps it in a response with the site's headers."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "log in as an editor first", "status": 401}, status_code=401)
        return RedirectResponse("/login?next=" + quote(exc.path, safe="/"), status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        message = "This form has expired or did not come from this site. Reload the page and try again."
        return html(render("error.html", status=403, message=message), 403)

    def login_page(
        request: Request, error: str = "", status: int = 200, username: str = "", nxt: str | None = None
    ) -> Response:
        token = new_token()
        nxt = safe_next(nxt or request.query_params.get("next"))
        page = render("login.html", login_csrf=token, next=nxt, error=error, username=username, editor=None)
        response = html(page, status)
        _set_cookie(response, request, LOGIN_COOKIE, token, 3600)
        return response

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        if auth.editor(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        return login_page(request)

    @app.post("/login", include_in_schema=False)
    async def login_submit(request: Request) -> Response:
        form = await request.form()
        fields: dict[str, Any] = {k: form.get(k) for k in ("username", "password", "csrf", "next")}
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        sent = fields["csrf"] if isinstance(fields["csrf"], str) else ""
        if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
            raise CsrfFailed()
        username = fields["username"] if isinstance(fields["username"], str) else ""
        password = fields["password"] if isinstance(fields["password"], str) else ""
        nxt = safe_next(fields["next"] if isinstance(fields["next"], str) else None)
        try:
            token = await run_in_threadpool(auth.login, username.strip(), password) if username and password else None
        except StoreError:
            token = None
        except TooManyFailures:
            message = "Too many wrong passwords for this user name. Wait a quarter of an hour and try again."
            return login_page(request, message, 429, username=username, nxt=nxt)
        if token is None:
            return login_page(request, "Wrong user name or password.", 401, username=username, nxt=nxt)
        response = RedirectResponse(nxt, status_code=303)
        _set_cookie(response, request, COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        editor = auth.editor(request)
        if editor is not None:
            await auth.require_post(request)
            auth.logout(request)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response
