"""A real browser on the real server: search by a remembered phrase, narrow by a facet, follow a snippet
to its highlighted paragraph, and come back to the results.

Playwright's Python package drives Debian's chromium (``/usr/bin/chromium``); no browser is downloaded.
The test is skipped, saying why, when either is missing (CI installs both). The archive is the bundled
corpus (the ETOL plain-text article and the MIA HTML pages), and the server is uvicorn in a subprocess
opening the store and the index as ``masthead serve`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, playwright_or_skip
from masthead.pipeline import ingest_paths
from masthead.search import SearchIndex
from masthead.search.sync import sync
from masthead.store.sqlite import SQLiteStore
from serving import server_process

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
PHRASE = '"the working class"'
"""A phrase a reader remembers, found in several articles by more than one writer."""

sync_api = playwright_or_skip()

SERVER = """
import signal, sys
import uvicorn
from masthead.search import SearchIndex
from masthead.store.sqlite import SQLiteStore
from masthead.web import create_app

signal.signal(signal.SIGTERM, lambda *args: None)
store = SQLiteStore(sys.argv[1])
index = SearchIndex.open(sys.argv[2])
try:
    uvicorn.run(create_app(store, index=index), host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
finally:
    index.close()
    store.close()
"""

ARGS = CHROMIUM_ARGS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    store = SQLiteStore(str(tmp / "archive.db"))
    try:
        report = ingest_paths(store, [CORPUS / "plaintext", CORPUS / "mia-html"])
        assert store.count_documents() >= 5, report
        with SearchIndex.open(tmp / "archive.db.index") as index:
            sync(store, index)
    finally:
        store.close()
    with server_process(SERVER, str(tmp / "archive.db"), str(tmp / "archive.db.index")) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def result_count(page: object) -> int:
    text = page.locator(".search-count").inner_text()
    m = re.search(r"(\d+) articles?", text)
    assert m, text
    return int(m.group(1))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_search_facet_snippet_and_back(browser: object, server: str, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the site has no icon
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(server + "/")
        if javascript:  # "/" focuses the search box
            page.keyboard.press("/")
            assert page.evaluate("document.activeElement.id") == "site-q"
        box = page.locator("#site-q")
        box.fill(PHRASE)
        box.press("Enter")
        page.wait_for_selector(".hit")
        assert urlsplit(page.url).path == "/search"
        total = result_count(page)
        assert total >= 3
        assert page.locator(".hit").count() == min(total, 10)
        assert page.locator(".snippet mark").count() > 0

        # narrow by the first writer facet that leaves fewer articles
        facets = page.locator("a[data-facet='writer']")
        name = next(
            facets.nth(i).inner_text()
            for i in range(facets.count())
            if int(facets.nth(i).locator("xpath=following-sibling::span").inner_text()) < total
        )
        page.evaluate("window.mastheadMarker = 1")
        page.locator("a[data-facet='writer']", has_text=name).first.click()
        page.wait_for_selector("a.chip")
        page.wait_for_url(re.compile(r"writer="))
        narrowed = result_count(page)
        assert 0 < narrowed < total
        assert name in page.locator("a.chip").inner_text()
        assert parse_qs(urlsplit(page.url).query)["writer"] == [name]
        # with JavaScript the results were swapped in place (no page load); without, a plain link
        assert page.evaluate("window.mastheadMarker === 1") is javascript
        if javascript:  # Back and Forward move through the searches without leaving the page
            page.go_back()
            page.wait_for_selector("a.chip", state="detached")
            assert result_count(page) == total and "writer=" not in page.url
            page.go_forward()
            page.wait_for_selector("a.chip")
            assert result_count(page) == narrowed
        results_url = page.url

        # follow a snippet to its paragraph: the paragraph is the target, with the words marked
        link = page.locator(".snippet a[href*='#']").first
        href = link.get_attribute("href")
        fragment = urlsplit(href).fragment
        link.click()
        page.wait_for_url(re.compile(r"/articles/"))
        assert urlsplit(page.url).fragment == fragment
        target = page.locator(f"[id='{fragment}']")
        assert target.locator("mark").count() > 0
        assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == fragment
        assert page.locator(".back-to-results a").get_attribute("href").startswith("/search?")
        assert page.locator("aside.related a").count() > 0

        # and back to the narrowed results
        page.go_back()
        page.wait_for_url(results_url)
        page.wait_for_selector(".hit")
        assert result_count(page) == narrowed
        assert name in page.locator("a.chip").inner_text()
        assert not errors, errors
    finally:
        context.close()
