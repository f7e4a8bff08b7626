"""The editors' glossary queue and entry editing on the web: readers refused, login, CSRF, accept /
merge / reject through the forms (with the archive linked again), entry edits with an audit log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from glossary_queue_helpers import DOCS, seed
from masthead.accounts import hash_password
from masthead.glossary.queue import entry_from_form, example_sentences, split_aliases
from masthead.store import StoreError
from masthead.store.sqlite import SQLiteStore
from masthead.web import create_app
from review_helpers import PASSWORD, csrf_of, log_in


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(str(tmp_path / "archive.db"))
    seed(s)
    s.add_editor("ann", hash_password(PASSWORD))
    yield s
    s.close()


@pytest.fixture
def client(store: SQLiteStore) -> TestClient:
    return TestClient(create_app(store), follow_redirects=False)


def login(client: TestClient) -> str:
    """Log in as ann; returns the session's CSRF token (from the queue page)."""
    r = log_in(client, "/glossary/queue")
    assert r.status_code == 303 and r.headers["location"] == "/glossary/queue"
    return csrf_of(client.get("/glossary/queue").text)


def _mentions(store: SQLiteStore, entry_id: str) -> set[tuple[str, int, str]]:
    return {(s.id, m.start, m.surface) for s, ms in store.mentions_of(entry_id) for m in ms}


def test_readers_never_see_the_queue(client: TestClient, store: SQLiteStore) -> None:
    r = client.get("/glossary/queue")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/glossary/queue"
    assert client.get("/api/glossary/queue").status_code == 401
    for path, data in (("/glossary/queue", {"id": "june", "action": "reject"}), ("/glossary/max-shachtman", {})):
        r = client.post(path, data={**data, "csrf": "x"})
        assert r.status_code == 303 and "/login" in r.headers["location"]
    assert store.get_entry("june").status == "proposed"
    page = client.get("/glossary/max-shachtman").text
    assert 'name="csrf"' not in page and "Edit this entry" not in page
    home = client.get("/").text
    assert 'href="/glossary">Glossary</a>' in home and "/glossary/queue" not in home


def test_csrf_is_enforced(client: TestClient, store: SQLiteStore) -> None:
    login(client)
    r = client.post("/glossary/queue", data={"id": "june", "action": "reject", "csrf": "forged"})
    assert r.status_code == 403
    r = client.post("/glossary/queue", data={"id": "june", "action": "reject"})
    assert r.status_code == 403
    r = client.post("/glossary/max-shachtman", data={"description": "x", "csrf": "forged"})
    assert r.status_code == 403
    assert store.get_entry("june").status == "proposed" and store.get_entry("max-shachtman").description == ""
    assert store.glossary_edits() == []


def test_queue_page_ranks_proposals_with_evidence(client: TestClient) -> None:
    login(client)
    r = client.get("/glossary/queue")
    assert r.status_code == 200 and "script-src 'self'" in r.headers["Content-Security-Policy"]
    page = r.text
    order = re.findall(r'data-proposal="([a-z0-9-]+)"', page)
    assert order[-1] == "june" and set(order) == {"minneapolis", "shachtman", "june"}
    assert "<mark>Minneapolis</mark>" in page and "<mark>Shachtman</mark>" in page
    assert "2 documents, 3 times" in page
    assert 'href="/glossary/queue">Queue</a>' in page  # the editor's nav link, on every page
    assert 'href="/glossary/queue">Queue</a>' in client.get(f"/articles/{DOCS[0].id}").text
    assert page.count('name="action" value="accept"') == 3 and 'list="glossary-entries"' in page
    api = client.get("/api/glossary/queue").json()
    assert api["proposed"] == 3 and [e["id"] for e in api["entries"]] == order
    first = next(e for e in api["entries"] if e["id"] == "minneapolis")
    assert first["evidence"]["documents"] == 2
    assert all(x["surface"] == "Minneapolis" and "Minneapolis" in x["sentence"] for x in first["examples"])
    assert {x["document"] for x in first["examples"]} == {DOCS[0].id, DOCS[1].id}


def test_accept_with_edits_links_the_archive(client: TestClient, store: SQLiteStore) -> None:
    csrf = login(client)
    assert _mentions(store, "minneapolis") == set()
    data = {"id": "minneapolis", "action": "accept", "type": "place", "name": "Minneapolis, Minnesota", "csrf": csrf}
    data["description"] = "City on the Mississippi."
    r = client.post("/glossary/queue", data=data)
    assert r.status_code == 303 and r.headers["location"].startswith("/glossary/queue?done=accepted&n=2")
    e = store.get_entry("minneapolis")
    assert (e.status, e.type, e.name) == ("accepted", "place", "Minneapolis, Minnesota")
    assert e.description == data["description"]
    assert e.aliases == ("Minneapolis",)  # the proposed name stays, so the texts still link
    assert {d for d, _, _ in _mentions(store, "minneapolis")} == {DOCS[0].id, DOCS[1].id}
    article = client.get(f"/articles/{DOCS[1].id}").text
    assert 'href="/glossary/minneapolis"' in article
    edits = store.glossary_edits("minneapolis")
    assert edits[0].editor == "ann" and edits[0].action == "accepted" and edits[0].detail["type"] == ["other", "place"]
    page = client.get(r.headers["location"]).text
    assert "Accepted into the glossary. 2 articles linked again." in page and 'data-proposal="minneapolis"' not in page
    # accepting twice is refused with a message, not an error page
    r = client.post("/glossary/queue", data=data)
    assert r.status_code == 409 and "not waiting in the queue" in r.text


def test_merge_moves_names_and_never_loses_a_mention(client: TestClient, store: SQLiteStore) -> None:
    csrf = login(client)
    before = _mentions(store, "max-shachtman")
    assert before and all(s == "Max Shachtman" for _, _, s in before)
    # an unknown target is refused and nothing changes
    r = client.post("/glossary/queue", data={"id": "shachtman", "action": "merge", "target": "nobody", "csrf": csrf})
    assert r.status_code == 409 and "no glossary entry" in r.text and store.get_entry("shachtman").status == "proposed"
    # a proposal is not a target either
    r = client.post("/glossary/queue", data={"id": "shachtman", "action": "merge", "target": "june", "csrf": csrf})
    assert r.status_code == 409 and "accepted entry" in r.text
    # the target by its name
    r = client.post(
        "/glossary/queue", data={"id": "shachtman", "action": "merge", "target": "max shachtman", "csrf": csrf}
    )
    assert r.status_code == 303 and "done=merged" in r.headers["location"]
    after = _mentions(store, "max-shachtman")
    assert before <= after  # every old mention is still there
    assert {s for _, _, s in after} == {"Max Shachtman", "Shachtman"} and len(after) == 3
    assert "Shachtman" in store.get_entry("max-shachtman").aliases
    assert store.get_entry("shachtman").status == "merged"
    assert client.get("/glossary/shachtman").headers["location"] == "/glossary/max-shachtman"
    assert [e.action for e in store.glossary_edits("shachtman")] == ["merged"]
    assert store.glossary_edits("max-shachtman")[0].detail["merged"] == "shachtman"


def test_reject_is_remembered(client: TestClient, store: SQLiteStore) -> None:
    csrf = login(client)
    r = client.post("/glossary/queue", data={"id": "june", "action": "reject", "csrf": csrf})
    assert r.status_code == 303 and "done=rejected" in r.headers["location"]
    assert store.get_entry("june").status == "rejected"
    assert store.propose_entries([(store.get_entry("june"), {})]) == 0  # not proposed again
    r = client.post("/glossary/queue", data={"id": "june", "action": "frobnicate", "csrf": csrf})
    assert r.status_code == 409 and "unknown action" in r.text


def test_entry_edit_records_who_and_relinks(client: TestClient, store: SQLiteStore) -> None:
    csrf = login(client)
    page = client.get("/glossary/max-shachtman").text
    assert "Edit this entry" in page and 'name="aliases"' in page
    data = {
        "type": "person",
        "aliases": "Shachtman\n  \nMax",
        "date_from": "1904",
        "date_to": "1972",
        "description": "American socialist.",
        "csrf": csrf,
    }
    r = client.post("/glossary/max-shachtman", data=data)
    assert r.status_code == 303 and r.headers["location"].startswith("/glossary/max-shachtman?done=edited")
    e = store.get_entry("max-shachtman")
    assert (e.aliases, e.date_from, e.date_to) == (("Shachtman", "Max"), 1904, 1972)
    assert e.description == "American socialist."
    assert "Shachtman" in {s for _, _, s in _mentions(store, "max-shachtman")}  # the alias links at once
    edit = store.glossary_edits("max-shachtman")[0]
    assert edit.editor == "ann" and edit.action == "edited" and edit.detail["date_to"] == [None, 1972]
    assert "Saved." in client.get(r.headers["location"]).text
    # the same again changes nothing and logs nothing
    r = client.post("/glossary/max-shachtman", data=data)
    assert "done=unchanged" in r.headers["location"] and len(store.glossary_edits("max-shachtman")) == 1
    # bad input: a clear message, nothing stored
    r = client.post("/glossary/max-shachtman", data={**data, "date_from": "1990", "date_to": "1972"})
    assert r.status_code == 409 and "ends (1972) before it begins (1990)" in r.text
    r = client.post("/glossary/max-shachtman", data={**data, "type": "wizard"})
    assert r.status_code == 409 and "use one of" in r.text
    assert store.get_entry("max-shachtman") == e
    # only accepted entries are edited here
    r = client.post("/glossary/june", data={**data})
    assert r.status_code == 404


def test_static_site_links_the_glossary(store: SQLiteStore, tmp_path: Path) -> None:
    from masthead.publish.site import build_site

    out = tmp_path / "site"
    build_site(store, out, pagefind=False, downloads=False)
    home = (out / "index.html").read_text()
    assert 'href="glossary/index.html">Glossary</a>' in home and "Queue" not in home
    article = (out / "articles" / DOCS[0].id / "index.html").read_text()
    assert 'href="../../../../glossary/index.html">Glossary</a>' in article


def test_store_decisions_are_checked(store: SQLiteStore) -> None:
    with pytest.raises(StoreError, match="not waiting"):
        store.reject_proposal("max-shachtman", "ann")
    with pytest.raises(StoreError, match="no glossary entry"):
        store.accept_proposal("nobody", "ann")
    assert [e.id for e, _ in store.proposals()][-1] == "june"
    assert store.glossary_edits() == []


def test_example_sentences_and_form_parsing() -> None:
    text = "The Café Royal opened. Later the cafe royal closed. Royalty came to the CAFÉ ROYAL too."
    found = example_sentences(text, ["Café Royal"], limit=3)
    assert [s for _, s, _ in found] == ["Café Royal", "cafe royal", "CAFÉ ROYAL"]
    assert example_sentences("Royalists met.", ["Royal"]) == []
    assert split_aliases("a; b|c\n\n d  e ") == ["a", "b", "c", "d e"]
    from masthead.glossary import Entry, GlossaryError

    e = Entry("x", "person", "X")
    assert entry_from_form(e, {"date_from": " 1900 ", "aliases": "Y"}) == e.replace(date_from=1900, aliases=("Y",))
    with pytest.raises(GlossaryError, match="form: .*year"):
        entry_from_form(e, {"date_from": "soon"})


def test_queue_is_paged(client: TestClient, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import masthead.web.glossary_queue_routes as routes

    monkeypatch.setattr(routes, "QUEUE_PAGE", 2)
    csrf = login(client)
    first = client.get("/glossary/queue").text
    order = re.findall(r'data-proposal="([a-z0-9-]+)"', first)
    assert len(order) == 2 and "1–2 are shown" in first
    assert 'rel="next" href="/glossary/queue?offset=2"' in first and 'rel="prev"' not in first
    second = client.get("/glossary/queue?offset=2").text
    rest = re.findall(r'data-proposal="([a-z0-9-]+)"', second)
    assert len(rest) == 1 and not set(rest) & set(order) and "3. " in second
    assert 'rel="prev" href="/glossary/queue"' in second and 'rel="next"' not in second
    assert 'name="offset" value="2"' in second  # a decision made here comes back to this page
    api = client.get("/api/glossary/queue?offset=2&limit=5").json()
    assert api["offset"] == 2 and [e["id"] for e in api["entries"]] == rest
    # deciding the only proposal of the last page comes back to the page before (now the last)
    r = client.post("/glossary/queue", data={"id": rest[0], "action": "reject", "offset": "2", "csrf": csrf})
    assert r.status_code == 303 and "offset=2" in r.headers["location"]
    after = client.get(r.headers["location"].split("#")[0]).text
    assert re.findall(r'data-proposal="([a-z0-9-]+)"', after) == order and store.get_entry(rest[0]).status == "rejected"
    assert client.get("/glossary/queue?offset=-1").status_code == 400
