"""A real browser on the real server: an editor logs in, accepts a finding with the keyboard, rejects
another, reads the history with its diff, and reverts; nothing is lost.

Playwright drives Debian's chromium (``/usr/bin/chromium``); the test is skipped, saying why, when
either is missing (CI installs both). The server is uvicorn in a subprocess over a store seeded with a
hand-made document and findings (never the proofreading engine).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, playwright_or_skip
from masthead.accounts import hash_password
from masthead.store.sqlite import SQLiteStore
from masthead.textview import text_view
from review_helpers import make_doc, standard_findings
from serving import server_process

sync_api = playwright_or_skip()

SERVER = """
import signal, sys
import uvicorn
from masthead.store.sqlite import SQLiteStore
from masthead.web import create_app

signal.signal(signal.SIGTERM, lambda *args: None)
store = SQLiteStore(sys.argv[1])
try:
    uvicorn.run(create_app(store), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
finally:
    store.close()
"""

PASSWORD = "a long enough password"
DOC = make_doc()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review-browser") / "archive.db"
    with SQLiteStore(str(path)) as store:
        store.save(DOC)
        store.replace_findings(DOC.id, 1, standard_findings(DOC))
        store.add_editor("ann", hash_password(PASSWORD))
    return path


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[str]:
    with server_process(SERVER, str(archive)) as base:
        yield base


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            pg = context.new_page()
            errors: list[str] = []
            pg.on("pageerror", lambda exc: errors.append(str(exc)))
            # script errors and CSP violations (a refused login answers 401, the favicon 404: not errors here)
            pg.on(
                "console",
                lambda msg: (
                    errors.append(msg.text)
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                    else None
                ),
            )
            pg.errors = errors  # type: ignore[attr-defined]
            yield pg
        finally:
            browser.close()


def test_editor_reviews_in_the_browser(server: str, page: object, archive: Path) -> None:
    expect = sync_api.expect
    pg = page
    # a reader is sent to the login page; a wrong password is refused
    pg.goto(server + "/review")
    assert "/login" in pg.url
    pg.fill("#username", "ann")
    pg.fill("#password", "not the password")
    pg.click("button[type=submit]")
    expect(pg.get_by_role("alert")).to_contain_text("Wrong user name or password")
    pg.fill("#password", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url(server + "/review")
    expect(pg.locator(".review-queue")).to_contain_text(DOC.title)
    pg.click(f"text={DOC.title}")
    expect(pg.locator("[data-finding]")).to_have_count(4)
    expect(pg.locator(".finding.current")).to_contain_text("Tlie")

    # keyboard: j moves to the second finding ("tbe"), a accepts its first suggestion ("the")
    pg.keyboard.press("j")
    expect(pg.locator(".finding.current")).to_contain_text("tbe")
    pg.keyboard.press("a")
    expect(pg.get_by_role("status")).to_contain_text("Accepted")
    expect(pg.locator("[data-finding]")).to_have_count(3)

    # the page comes back at the next finding; reject "rnen" after it: j, then r
    expect(pg.locator(".finding.current mark")).to_have_text("workers workers")
    pg.keyboard.press("j")
    expect(pg.locator(".finding.current mark")).to_have_text("rnen")
    pg.keyboard.press("r")
    expect(pg.get_by_role("status")).to_contain_text("Rejected")
    expect(pg.locator("[data-finding]")).to_have_count(2)

    # e edits: own text for "workers workers" (the next one, back up the page) typed and sent with Enter
    expect(pg.locator(".finding.current mark")).to_have_text("workers workers")
    pg.keyboard.press("e")
    pg.keyboard.type("Workers")
    pg.keyboard.press("Enter")
    expect(pg.get_by_role("status")).to_contain_text("Your text was put in")
    expect(pg.locator("[data-finding]")).to_have_count(1)

    # the history shows who did what and the last change as a diff; revert to the ingested text
    pg.click("text=History")
    expect(pg.locator("table.revisions tbody tr")).to_have_count(3)
    expect(pg.locator("table.revisions")).to_contain_text("ann")
    expect(pg.locator(".diff del")).to_have_text("workers workers")
    expect(pg.locator(".diff ins")).to_have_text("Workers")
    pg.check("input[name=a][value='1']")
    pg.check("input[name=b][value='3']")
    pg.click("text=Compare")
    expect(pg.locator(".diff")).to_contain_text("tbe")
    expect(pg.locator(".diff ins").first).to_have_text("the")
    pg.click("text=Revert to 1")
    expect(pg.get_by_role("status")).to_contain_text("Reverted")
    expect(pg.locator("table.revisions tbody tr")).to_have_count(4)
    assert pg.errors == []  # type: ignore[attr-defined]

    with SQLiteStore(str(archive)) as store:
        assert [r.number for r in store.revisions(DOC.id)] == [1, 2, 3, 4]  # nothing lost
        assert text_view(store.get(DOC.id)).text == text_view(DOC).text
        assert {d.action for d in store.decisions(DOC.id)} == {"accepted", "rejected", "custom"}
        assert "at the plant" in text_view(store.get(DOC.id, revision=2)).text
