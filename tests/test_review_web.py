"""The editors' web pages through the app: login, CSRF, the queue, decisions by form, history, revert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from masthead.accounts import hash_password
from masthead.store.sqlite import SQLiteStore
from masthead.textview import text_view
from masthead.web import create_app
from masthead.web.auth import COOKIE, safe_next
from review_helpers import PASSWORD, csrf_of, log_in, make_doc, standard_findings


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(str(tmp_path / "archive.db"))
    doc = make_doc()
    s.save(doc)
    s.replace_findings(doc.id, 1, standard_findings(doc))
    s.add_editor("ann", hash_password(PASSWORD))
    yield s
    s.close()


@pytest.fixture
def client(store: SQLiteStore) -> TestClient:
    return TestClient(create_app(store), follow_redirects=False)


def login(client: TestClient, username: str = "ann", password: str = PASSWORD, next_: str = "/review"):
    return log_in(client, next_, username, password)


DOC = make_doc().id
FOUND = standard_findings(make_doc())


def test_readers_never_see_the_queue(client: TestClient) -> None:
    for path in ("/review", f"/review/{DOC}"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/review")
    assert client.get("/api/review").status_code == 401
    assert client.get(f"/api/review/{DOC}").status_code == 401
    r = client.post(f"/review/{DOC}", data={"key": FOUND[0].key, "action": "reject", "csrf": "x"})
    assert r.status_code == 303 and "/login" in r.headers["location"]
    # the history is public but has no revert buttons and no decision log for readers
    page = client.get(f"/history/{DOC}")
    assert page.status_code == 200 and "Revert to" not in page.text and 'name="csrf"' not in page.text


def test_wrong_password_is_refused(client: TestClient) -> None:
    r = login(client, password="wrong password")
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    assert COOKIE not in r.cookies
    r = login(client, username="nobody")
    assert r.status_code == 401
    assert client.get("/review").status_code == 303


def test_login_form_needs_its_token(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "ann", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403


def test_login_sets_a_safe_cookie_and_logout_ends_it(client: TestClient, store: SQLiteStore) -> None:
    r = login(client)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    queue = client.get("/review")
    assert queue.status_code == 200 and make_doc().title in queue.text and "4 open" in queue.text
    assert "script-src 'self'" in queue.headers["content-security-policy"]
    assert queue.headers["cache-control"] == "no-store"
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    r = client.post("/logout", data={"csrf": csrf_of(queue.text)})
    assert r.status_code == 303
    assert client.get("/review").status_code == 303


def test_login_never_redirects_off_site() -> None:
    assert safe_next("https://evil.example/") == "/review"
    assert safe_next("//evil.example/x") == "/review"
    assert safe_next("/\\evil.example") == "/review"
    assert safe_next("/review/a/b?done=x") == "/review/a/b?done=x"


def test_csrf_is_enforced_on_every_post(client: TestClient, store: SQLiteStore) -> None:
    login(client)
    for data in ({}, {"csrf": "wrong"}):
        r = client.post(f"/review/{DOC}", data={"key": FOUND[0].key, "action": "reject", **data})
        assert r.status_code == 403
        r = client.post(f"/history/{DOC}", data={"revision": "1", **data})
        assert r.status_code == 403
    assert store.decisions(DOC) == [] and len(store.revisions(DOC)) == 1


def test_review_page_shows_findings_in_context(client: TestClient) -> None:
    login(client)
    page = client.get(f"/review/{DOC}")
    assert page.status_code == 200
    assert "<mark>rnen</mark>" in page.text and "the <mark>rnen</mark> would" in page.text
    assert 'value="the" data-accept' in page.text and 'value="tube" data-accept' in page.text
    assert page.text.count("data-finding") == 4
    assert "review.js" in page.text
    data = client.get(f"/api/review/{DOC}").json()
    assert [f["text"] for f in data["findings"]] == ["Tlie", "tbe", "workers workers", "rnen"]
    assert client.get("/review/no/such/doc").status_code == 404


def test_accept_reject_and_custom_by_form(client: TestClient, store: SQLiteStore) -> None:
    login(client)
    csrf = csrf_of(client.get(f"/review/{DOC}").text)
    post = {"csrf": csrf}
    r = client.post(f"/review/{DOC}", data={**post, "key": FOUND[1].key, "action": "accept", "replacement": "tube"})
    assert r.status_code == 303 and "done=accepted" in r.headers["location"]
    assert r.headers["location"].endswith(f"#f-{FOUND[2].key}")  # on to the next finding
    r = client.post(f"/review/{DOC}", data={**post, "key": FOUND[3].key, "action": "reject", "reason": "dialect"})
    assert r.status_code == 303
    r = client.post(
        f"/review/{DOC}", data={**post, "key": FOUND[0].key, "action": "custom", "text": "THE", "reason": "caps"}
    )
    assert r.status_code == 303 and "done=custom" in r.headers["location"]
    text = text_view(store.get(DOC)).text
    assert text.startswith("THE Strike") and "at tube plant" in text and "rnen" in text
    assert [(d.action, d.editor) for d in store.decisions(DOC)] == [
        ("custom", "ann"),
        ("rejected", "ann"),
        ("accepted", "ann"),
    ]
    assert store.revisions(DOC)[-1].author == "ann"
    page = client.get(r.headers["location"])
    assert "Your text was put in" in page.text and page.text.count("data-finding") == 1
    # deciding twice is a clear error, not a crash, and changes nothing
    r = client.post(f"/review/{DOC}", data={**post, "key": FOUND[3].key, "action": "accept", "replacement": "men"})
    assert r.status_code == 409 and "already rejected" in r.text
    r = client.post(f"/review/{DOC}", data={**post, "key": FOUND[2].key, "action": "explode"})
    assert r.status_code == 409 and "unknown action" in r.text
    assert len(store.revisions(DOC)) == 3


def test_history_diff_and_revert(client: TestClient, store: SQLiteStore) -> None:
    store.accept_finding(DOC, FOUND[1].key, "ann")
    store.accept_finding(DOC, FOUND[3].key, "ann")
    page = client.get(f"/history/{DOC}")  # reader: the newest change against the one before
    assert "<del>rnen</del><ins>men</ins>" in page.text
    page = client.get(f"/history/{DOC}", params={"a": 1, "b": 3})
    assert "<del>tbe</del><ins>the</ins>" in page.text and "<del>rnen</del><ins>men</ins>" in page.text
    login(client)
    page = client.get(f"/history/{DOC}")
    assert "Revert to 1" in page.text and "Revert to 3" not in page.text
    r = client.post(f"/history/{DOC}", data={"csrf": csrf_of(page.text), "revision": "1"})
    assert r.status_code == 303
    assert store.get(DOC) == store.get(DOC, revision=1)
    assert [r.number for r in store.revisions(DOC)] == [1, 2, 3, 4]
    assert store.revisions(DOC)[-1].message == "revert to revision 1" and store.revisions(DOC)[-1].author == "ann"
    page = client.get(r.headers["location"])
    assert "Reverted" in page.text
    r = client.post(f"/history/{DOC}", data={"csrf": csrf_of(page.text), "revision": "77"})
    assert r.status_code == 409 and "no revision 77" in r.text
    assert client.get("/history/no/such/doc").status_code == 404


def test_session_survives_only_in_the_store(client: TestClient, store: SQLiteStore) -> None:
    r = login(client)
    token = r.cookies.get(COOKIE)
    assert token and all(token not in str(row) for row in store.editors())
    other = TestClient(create_app(store), follow_redirects=False)
    other.cookies.set(COOKIE, token)
    assert other.get("/review").status_code == 200  # the same session, another app over the same store
    other.cookies.set(COOKIE, token + "x")
    assert other.get("/review").status_code == 303


def test_repeated_wrong_passwords_are_throttled(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import masthead.web.auth as auth_module

    monkeypatch.setattr(auth_module, "MAX_FAILURES", 3)
    for _ in range(3):
        assert login(client, password="wrong password").status_code == 401
    r = login(client)  # even the right password waits now
    assert r.status_code == 429 and "Too many wrong passwords" in r.text
    assert login(client, username="someone-else").status_code == 401  # other names are not locked out


def test_article_links_to_its_history_once_edited(client: TestClient, store: SQLiteStore) -> None:
    assert "/history/" not in client.get(f"/articles/{DOC}").text  # one revision: nothing to compare
    store.accept_finding(DOC, FOUND[1].key, "ann")
    page = client.get(f"/articles/{DOC}").text
    assert f'href="/history/{DOC}"' in page


def test_generic_editor_dependencies_for_other_queues(store: SQLiteStore) -> None:
    """Another editors' queue (glossary proposals, say) reuses the login with two dependencies."""
    from fastapi import Depends
    from fastapi.responses import PlainTextResponse

    from masthead.web.auth import Editor, require_editor, require_editor_post

    app = create_app(store)

    @app.get("/glossary-queue")
    def queue(editor: Editor = Depends(require_editor)) -> PlainTextResponse:
        return PlainTextResponse(f"queue for {editor.username}")

    @app.post("/glossary-queue")
    def decide(editor: Editor = Depends(require_editor_post)) -> PlainTextResponse:
        return PlainTextResponse(f"decided by {editor.username}")

    client = TestClient(app, follow_redirects=False)
    assert client.get("/glossary-queue").status_code == 303
    login(client)
    assert client.get("/glossary-queue").text == "queue for ann"
    assert client.post("/glossary-queue", data={"csrf": "nope"}).status_code == 403
    csrf = csrf_of(client.get("/review").text)
    assert client.post("/glossary-queue", data={"csrf": csrf}).text == "decided by ann"
