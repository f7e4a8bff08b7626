"""A real browser on the static site opened from disk: front page, search with Pagefind, follow a result.

The site is built from the bundled ETOL plain-text article and a few MIA Markdown pages, then opened as
``file://.../index.html`` in Debian's chromium driven by Playwright (no browser is downloaded). Chromium
is started with ``--allow-file-access-from-files``, under which Pagefind's index loads from disk, so
the whole test runs from ``file://`` with no server. Skipped, saying why, without playwright or chromium.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, playwright_or_skip
from masthead.pipeline import ingest_paths
from masthead.publish import build_site
from masthead.store.sqlite import SQLiteStore

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
LABOR_ID = "labor-action/1948/03/08/independent-socialism-building-workers"
PHRASE = "Stalinist coup"
"""Words from the Labor Action article's first paragraph."""

sync_api = playwright_or_skip()
try:
    from pagefind.service import get_executable
except ImportError:  # pragma: no cover
    pytest.skip("the pagefind package is not installed (pip install 'pagefind[bin]')", allow_module_level=True)
if get_executable() is None:
    pytest.skip("the Pagefind binary is missing (pip install 'pagefind[bin]')", allow_module_level=True)

ARGS = [*CHROMIUM_ARGS, "--allow-file-access-from-files"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("static")
    store = SQLiteStore(str(tmp / "a.db"))
    connolly = sorted((CORPUS / "mia-markdown/archive/connolly/1898").glob("*"))[:4]
    report = ingest_paths(store, [str(CORPUS / "plaintext"), *map(str, connolly)])
    assert not report.failed
    # Built in one place, then moved: the folder must work wherever it ends up.
    build_site(store, tmp / "built")
    store.close()
    shutil.move(tmp / "built", tmp / "moved here")
    yield tmp / "moved here"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_open_from_disk_search_and_follow_a_result(site: Path, browser) -> None:  # noqa: ANN001
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Masthead archive"
    assert page.locator("#periodicals").get_by_role("link", name="Labor Action").is_visible()

    # Browse: periodical -> year -> issue -> article, all by relative links on file://.
    page.locator("#periodicals").get_by_role("link", name="Labor Action").click()
    page.get_by_role("link", name="1948", exact=True).first.click()
    assert page.url.endswith("/periodicals/labor-action/1948/index.html")
    page.locator(".toc-title").first.click()
    assert page.url.endswith(f"/articles/{LABOR_ID}/index.html")
    assert page.url.startswith("file://")
    assert "Stalinism" in page.locator("h1").inner_text()

    # Search from the header box: it opens the Pagefind search page with the query.
    page.fill("#site-q", PHRASE)
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/index.html?q=*")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=15000)
    assert "Independent Socialism" in result.inner_text()
    assert page.get_by_text("Periodical", exact=True).count() >= 1  # the filter panel
    href = result.get_attribute("href") or ""
    assert href.startswith(site.as_uri()) and href.endswith(f"/articles/{LABOR_ID}/index.html"), href
    result.click()
    page.wait_for_url(f"**/articles/{LABOR_ID}/index.html*")
    assert "Stalinism" in page.locator("h1").inner_text()
    assert not errors, errors


def test_search_filters_by_writer(site: Path, browser) -> None:  # noqa: ANN001
    page = browser.new_page()
    page.goto((site / "search/index.html").as_uri())
    page.locator(".pagefind-ui__search-input").fill("socialist")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    filters = page.evaluate(
        """async () => {
            const pf = await import(new URL("../pagefind/pagefind.js", location.href).href);
            return await pf.filters();
        }"""
    )
    assert set(filters) >= {"periodical", "year", "writer"}, filters
    assert "James Connolly" in filters["writer"] and "Labor Action" in filters["periodical"]
    assert "1948" in filters["year"] and "1898" in filters["year"]
    connolly_only = page.evaluate(
        """async () => {
            const pf = await import(new URL("../pagefind/pagefind.js", location.href).href);
            const r = await pf.search("socialist", {filters: {writer: "James Connolly"}});
            const data = await Promise.all(r.results.map(x => x.data()));
            return data.map(d => d.url);
        }"""
    )
    assert connolly_only and all("/workers-republic/" in u for u in connolly_only), connolly_only
