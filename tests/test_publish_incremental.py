"""Incremental static builds: when only saved articles' own pages are re-planned, and that doing so gives
exactly the fingerprints a whole-site plan gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masthead.publish import build_site
from masthead.publish.plan import make_plan
from masthead.publish.site import MANIFEST, _salt
from masthead.search import SearchIndex
from masthead.search.sync import sync
from masthead.web.urls import Urls
from test_publish_site import LABOR_ID, connolly_id, dependents, make_store


@pytest.fixture
def fresh(tmp_path: Path):
    store = make_store(tmp_path / "a.db")
    yield store, tmp_path / "site"
    store.close()


def manifest(site: Path) -> dict:
    return json.loads((site / MANIFEST).read_text(encoding="utf-8"))


def assert_same_as_whole_plan(store, site: Path) -> None:  # noqa: ANN001
    """The manifest an incremental build left equals what planning the whole site gives now."""
    salt = _salt("Masthead archive", glossary=bool(store.list_entries()))  # as build_site salts it
    plan = make_plan(store, salt, Urls(prefix="", suffix="/index.html", paged_paths=True))
    data = manifest(site)
    assert data["pages"] == {p: s.fingerprint for p, s in plan.pages.items()}
    assert data["docs"] == plan.docs


def test_body_edits_replan_only_the_saved_articles(fresh) -> None:
    store, site = fresh
    first = build_site(store, site, pagefind=False, downloads=False)
    assert first.mode == "whole site"
    again = build_site(store, site, pagefind=False, downloads=False)
    assert again.mode == "changed articles only" and again.written == [] and again.unchanged == first.pages

    ids = [LABOR_ID, connolly_id(store)]
    for doc_id in ids:
        doc = store.get(doc_id)
        assert doc is not None
        store.save(doc.replace(blocks=doc.blocks[:-1]), message="shorter")
    report = build_site(store, site, pagefind=False, downloads=False)
    assert report.mode == "changed articles only"
    assert sorted(report.written) == sorted(f"articles/{i}/index.html" for i in ids)
    assert report.pages == first.pages and report.unchanged == first.pages - 2
    assert_same_as_whole_plan(store, site)
    # The rewritten page shows the new revision number.
    assert "<dd>2</dd>" in (site / f"articles/{LABOR_ID}/index.html").read_text(encoding="utf-8")


def test_a_new_title_replans_the_article_and_its_lists(fresh) -> None:
    store, site = fresh
    build_site(store, site, pagefind=False, downloads=False)
    doc_id = connolly_id(store)
    doc = store.get(doc_id)
    assert doc is not None
    store.save(doc.replace(title="Aaa, a title that sorts first"), message="retitle")  # lists show titles
    report = build_site(store, site, pagefind=False, downloads=False)
    assert report.mode == "changed articles and their lists"
    assert set(report.written) == dependents(store, doc_id)
    assert_same_as_whole_plan(store, site)
    # Pages too: and the next build, planning the whole site, finds nothing more to write.
    again = build_site(store, site, pagefind=False, downloads=False, incremental=True)
    assert again.written == []


def test_moves_additions_and_deletions_plan_the_whole_site(fresh) -> None:
    store, site = fresh
    build_site(store, site, pagefind=False, downloads=False)
    doc = store.get(LABOR_ID)
    assert doc is not None
    store.save(doc.replace(writers=("Someone Else",)), message="another writer")  # counts change
    report = build_site(store, site, pagefind=False, downloads=False)
    assert report.mode == "whole site" and "index.html" in report.written
    assert_same_as_whole_plan(store, site)

    doc = store.get(LABOR_ID)
    assert doc is not None
    store.save(doc.replace(id="new/article/id"), message="a new document")  # a document added
    report = build_site(store, site, pagefind=False, downloads=False)
    assert report.mode == "whole site" and "articles/new/article/id/index.html" in report.written
    store.delete("new/article/id")  # and deleted
    report = build_site(store, site, pagefind=False, downloads=False)
    assert report.mode == "whole site" and "articles/new/article/id/index.html" in report.removed
    assert_same_as_whole_plan(store, site)


def test_a_pruned_change_feed_does_not_hide_saves(fresh, tmp_path: Path) -> None:
    """The search index prunes the store's change feed; the build reads revision stamps instead."""
    store, site = fresh
    build_site(store, site, pagefind=False, downloads=False)
    doc = store.get(LABOR_ID)
    assert doc is not None
    store.save(doc.replace(blocks=doc.blocks[:-1]), message="shorter")
    with SearchIndex.open(tmp_path / "index") as index:
        sync(store, index)
    assert store.changes_since(0) == []
    report = build_site(store, site, pagefind=False, downloads=False)
    assert report.written == [f"articles/{LABOR_ID}/index.html"]


def test_a_missing_page_or_another_base_url_plans_the_whole_site(fresh) -> None:
    store, site = fresh
    build_site(store, site, pagefind=False, downloads=False)
    (site / "index.html").unlink()
    report = build_site(store, site, pagefind=False, downloads=False)
    assert report.mode == "whole site" and report.written == ["index.html"]
    report = build_site(store, site, pagefind=False, downloads=False, base_url="https://example.org/a")
    assert report.mode == "whole site" and "sitemap.xml" in report.files_written
