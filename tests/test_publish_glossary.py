"""The glossary in static builds: its pages are planned with fingerprints, written when changed and removed
when gone, and an article whose mentions change is rewritten by an incremental build though it was not
saved. After every build the manifest equals what planning the whole site gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from masthead.glossary import Entry, starter_entries
from masthead.glossary.archive import link_archive
from masthead.publish import build_site
from masthead.publish.glossary_plan import mention_digests, read_mentions
from masthead.publish.site import MANIFEST
from test_publish_incremental import assert_same_as_whole_plan
from test_publish_site import make_store


@pytest.fixture
def glossed(tmp_path: Path):
    store = make_store(tmp_path / "a.db")
    store.save_entries(starter_entries())
    link_archive(store)
    yield store, tmp_path / "site"
    store.close()


def build(store, site: Path):  # noqa: ANN001, ANN201
    return build_site(store, site, pagefind=False, downloads=False)


def glossary_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / "glossary").rglob("index.html")}


def mentioned(store) -> dict[str, set[str]]:  # noqa: ANN001
    """entry id -> ids of the documents whose current revision names it."""
    out: dict[str, set[str]] = {}
    for doc_id, entry_id, *_ in read_mentions(store):
        out.setdefault(entry_id, set()).add(doc_id)
    return out


def test_glossary_pages_are_in_the_manifest_and_not_rewritten(glossed) -> None:
    store, site = glossed
    first = build(store, site)
    pages = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["pages"]
    accepted = {e.id for e in store.list_entries()}
    expected = {"glossary/index.html"} | {f"glossary/{i}/index.html" for i in accepted}
    assert {p for p in pages if p.startswith("glossary/")} == expected == glossary_pages(site)
    assert expected <= set(first.written)
    assert mentioned(store), "the corpus names some starter entries"
    # An article's links to its entries are there, relative to its folder.
    doc_id, entry_id = next((d, e) for e, docs in mentioned(store).items() for d in sorted(docs))
    html = (site / f"articles/{doc_id}/index.html").read_text(encoding="utf-8")
    depth = len(doc_id.split("/")) + 1
    assert f'href="{"../" * depth}glossary/{entry_id}/index.html"' in html
    again = build(store, site)
    assert again.mode == "changed articles only" and again.written == [] and again.removed == []
    assert_same_as_whole_plan(store, site)


def test_a_rejected_entry_loses_its_page_and_its_links(glossed) -> None:
    store, site = glossed
    build(store, site)
    names = mentioned(store)
    entry_id = max(names, key=lambda e: (len(names[e]), e))
    store.set_entry_status(entry_id, "rejected")
    report = build(store, site)
    assert report.mode == "changed articles only"
    assert f"glossary/{entry_id}/index.html" in report.removed
    assert not (site / "glossary" / entry_id).exists()
    assert "glossary/index.html" in report.written
    # Every article that linked to it, and only those (and entry pages listing them), was rewritten.
    rewritten = {p for p in report.written if p.startswith("articles/")}
    assert rewritten == {f"articles/{d}/index.html" for d in names[entry_id]}
    for d in names[entry_id]:
        html = (site / f"articles/{d}/index.html").read_text(encoding="utf-8")
        assert f"glossary/{entry_id}/" not in html
    assert_same_as_whole_plan(store, site)


def test_linking_again_rewrites_articles_whose_mentions_changed(glossed) -> None:
    store, site = glossed
    build(store, site)
    before = mention_digests(read_mentions(store))
    # A new entry naming a word of the Labor Action article; linking again changes only the documents
    # that name it.
    store.save_entries([Entry(id="stalinism", type="other", name="Stalinism")])
    link_archive(store)
    after = mention_digests(read_mentions(store))
    changed = {d for d in set(before) | set(after) if before.get(d) != after.get(d)}
    assert changed, "some document names Stalinism"
    report = build(store, site)
    assert report.mode == "changed articles only"
    assert {p for p in report.written if p.startswith("articles/")} == {f"articles/{d}/index.html" for d in changed}
    assert "glossary/stalinism/index.html" in report.written and (site / "glossary/stalinism/index.html").is_file()
    page = (site / "glossary/stalinism/index.html").read_text(encoding="utf-8")
    assert re.search(r"Named in \d+ articles?", page)
    assert_same_as_whole_plan(store, site)


def test_saving_or_merging_updates_the_entry_pages(glossed) -> None:
    store, site = glossed
    build(store, site)
    names = mentioned(store)
    entry_id = max(names, key=lambda e: (len(names[e]), e))
    doc_id = sorted(names[entry_id])[0]
    doc = store.get(doc_id)
    assert doc is not None
    store.save(doc.replace(title=doc.title + " (revised)"), message="retitled")  # mentions wait for a relink
    report = build(store, site)
    assert f"glossary/{entry_id}/index.html" in report.written and "glossary/index.html" in report.written
    assert_same_as_whole_plan(store, site)

    link_archive(store)
    others = [e for e in store.list_entries() if e.id != entry_id]
    src = others[0].id
    store.merge_entries(src, entry_id)
    report = build(store, site)
    assert f"glossary/{src}/index.html" in report.removed and not (site / "glossary" / src).exists()
    assert f"glossary/{entry_id}/index.html" in report.written
    assert_same_as_whole_plan(store, site)
    page = (site / f"glossary/{entry_id}/index.html").read_text(encoding="utf-8")
    assert doc.title + " (revised)" in page
