"""A real browser on the real server: an editor logs in, accepts a proposed glossary entry with the
keyboard (``a``), rejects another (``j`` then ``r``), and the article page links the new entry.

Playwright drives Debian's chromium; skipped, saying why, when either is missing (as
``test_review_browser.py``, whose server script this reuses).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS
from glossary_queue_helpers import DOCS, seed
from masthead.accounts import hash_password
from masthead.store.sqlite import SQLiteStore
from serving import server_process
from test_review_browser import SERVER, sync_api

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    archive = tmp_path_factory.mktemp("glossary-browser") / "archive.db"
    with SQLiteStore(str(archive)) as store:
        seed(store)
        store.add_editor("ann", hash_password(PASSWORD))
    with server_process(SERVER, str(archive)) as base:
        yield base, archive


def test_editor_accepts_a_proposal_with_the_keyboard(server: tuple[str, Path]) -> None:
    base, archive = server
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page()
            errors: list[str] = []
            pg.on("pageerror", lambda exc: errors.append(str(exc)))
            pg.on(  # script errors and CSP violations (the favicon's 404 is not one)
                "console",
                lambda msg: (
                    errors.append(msg.text)
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                    else None
                ),
            )
            pg.goto(base + "/glossary/queue")
            assert "/login" in pg.url
            pg.fill("#username", "ann")
            pg.fill("#password", PASSWORD)
            pg.click("button[type=submit]")
            pg.wait_for_url(base + "/glossary/queue")
            expect(pg.locator("[data-proposal]")).to_have_count(3)
            expect(pg.locator(".proposal.current h2")).to_contain_text("Minneapolis")
            pg.keyboard.press("a")  # accept the first proposal as proposed
            expect(pg.get_by_role("status")).to_contain_text("Accepted into the glossary. 2 articles linked again.")
            expect(pg.locator("[data-proposal]")).to_have_count(2)
            expect(pg.locator(".proposal.current h2")).to_contain_text("Shachtman")
            pg.keyboard.press("j")
            expect(pg.locator(".proposal.current h2")).to_contain_text("June")
            pg.keyboard.press("r")
            expect(pg.get_by_role("status")).to_contain_text("Rejected")
            expect(pg.locator("[data-proposal]")).to_have_count(1)
            pg.goto(base + f"/articles/{DOCS[1].id}")
            expect(pg.locator('a[href="/glossary/minneapolis"]').first).to_have_text("Minneapolis")
            pg.click(".site-nav >> text=Queue")  # the editor's nav link, on every page
            pg.wait_for_url(base + "/glossary/queue")
            assert errors == []
        finally:
            browser.close()
    with SQLiteStore(str(archive)) as store:
        assert store.get_entry("minneapolis").status == "accepted" and store.get_entry("june").status == "rejected"
        assert [e.editor for e in store.glossary_edits()] == ["ann", "ann"]
