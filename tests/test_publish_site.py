"""The static site: pages, relative links, assets, sitemap / feed / robots, incremental rebuilds, HTML checks."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import typer
from typer.testing import CliRunner

from masthead.cli_publish import register
from masthead.pipeline import ingest_paths
from masthead.publish import PublishError, build_site
from masthead.publish.site import MANIFEST, static_body
from masthead.store.catalogue import catalogue_slug
from masthead.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
LABOR_ID = "labor-action/1948/03/08/independent-socialism-building-workers"


def corpus_files() -> list[str]:
    connolly = sorted((CORPUS / "mia-markdown/archive/connolly/1898").glob("*"))[:6]
    return [str(CORPUS / "plaintext"), str(CORPUS / "mia-html"), *map(str, connolly)]


def make_store(path: Path) -> SQLiteStore:
    store = SQLiteStore(str(path))
    report = ingest_paths(store, corpus_files())
    assert not report.failed, report.failed
    return store


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("site")
    store = make_store(tmp / "a.db")
    report = build_site(store, tmp / "site", base_url="https://archive.example.org/masthead")
    yield store, tmp / "site", report
    store.close()


@pytest.fixture
def fresh(tmp_path: Path):
    store = make_store(tmp_path / "a.db")
    yield store, tmp_path / "site"
    store.close()


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


# -- an HTML checker ---------------------------------------------------------------------------------------
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class PageCheck(HTMLParser):
    """Parses a page strictly: every element closed in order, and collects what the checks need."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.headings: list[tuple[int, bool]] = []  # (level, inside the transcription's own body)
        self.html_lang: str | None = None
        self.doctype = False
        self.skip_link = False
        self.in_body_article = 0

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if "id" in a:
            self.ids.append(a["id"] or "")
        for key in ("href", "src", "action"):
            if a.get(key) is not None:
                self.links.append(a[key] or "")
        if tag == "img" and "alt" not in a:
            self.errors.append(f"img without alt: {a.get('src')}")
        if tag == "a" and "skip-link" in (a.get("class") or "") and a.get("href") == "#main":
            self.skip_link = True
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append((int(tag[1]), bool(self.in_body_article)))
        if tag == "article" and "etol" in (a.get("class") or ""):
            self.in_body_article += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.errors.append(f"self-closed <{tag}/>")
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "article" and self.in_body_article and "article" not in self.stack:
            self.in_body_article = 0


def check_page(path: Path) -> PageCheck:
    checker = PageCheck()
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    if checker.stack:
        checker.errors.append(f"unclosed: {checker.stack}")
    return checker


# -- tests --------------------------------------------------------------------------------------------------
def test_every_page_type_is_written(built) -> None:
    store, site, report = built
    assert (site / "index.html").is_file()
    assert (site / "articles/index.html").is_file()
    assert (site / "search/index.html").is_file()
    assert (site / f"articles/{LABOR_ID}/index.html").is_file()
    assert (site / "periodicals/labor-action/index.html").is_file()
    assert (site / "periodicals/labor-action/1948/index.html").is_file()
    for w in store.writers():
        assert (site / f"writers/{w.slug}/index.html").is_file()
    for doc in store.list_documents():
        assert (site / "articles" / doc.id / "index.html").is_file()
    for p in store.periodicals():
        for issue in store.issues(p.slug):
            assert (site / f"issues/{issue.id}/index.html").is_file()
    assert report.pages == len(html_pages(site))
    assert len(report.written) == report.pages and report.unchanged == 0
    assert (site / "static/masthead.css").is_file() and (site / "static/static-search.js").is_file()
    assert (site / "pagefind/pagefind-ui.js").is_file() and (site / "pagefind/pagefind.js").is_file()
    assert report.pagefind_pages == report.pages  # pages read; only articles (data-pagefind-body) are indexed


def test_every_internal_link_resolves(built) -> None:
    _, site, _ = built
    ids_of: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for page in html_pages(site):
        check = check_page(page)
        ids_of[page.resolve()] = set(check.ids)
        links += [(page, href) for href in check.links]
    assert len(links) > 500
    checked = 0
    for page, href in links:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto"):
            assert "archive.example.org" not in parts.netloc, f"{page}: absolute link to the site {href}"
            continue  # a web link in a transcription
        assert not parts.scheme and not parts.netloc, f"{page}: odd link {href}"
        assert not href.startswith("/"), f"{page}: root-relative link {href} breaks file://"
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
        assert target.is_relative_to(site.resolve()), f"{page}: {href} leaves the site"
        assert target.is_file(), f"{page.relative_to(site)}: {href} -> missing {target}"
        assert not parts.query or page.name == "index.html" and "search" in parts.path, f"{page}: query in {href}"
        if parts.fragment and target.suffix == ".html":
            assert unquote(parts.fragment) in ids_of[target], f"{page}: no #{parts.fragment} in {target}"
        checked += 1
    assert checked > 500


def test_pages_pass_html_checks(built) -> None:
    _, site, _ = built
    for page in html_pages(site):
        rel = page.relative_to(site)
        check = check_page(page)
        assert check.doctype, rel
        assert check.html_lang == "en", rel
        assert not check.errors, (rel, check.errors)
        assert len(check.ids) == len(set(check.ids)), (rel, sorted({i for i in check.ids if check.ids.count(i) > 1}))
        assert check.skip_link and "main" in check.ids, rel
        assert [level for level, _ in check.headings].count(1) == 1, (rel, check.headings)
        deepest = 0
        for level, in_transcription in check.headings:
            if not in_transcription:  # the page's own headings never skip a level
                assert level <= deepest + 1, (rel, check.headings)
            deepest = max(deepest, level) if in_transcription else level


def test_article_page_is_adapted_for_a_static_site(built) -> None:
    _, site, _ = built
    html = (site / f"articles/{LABOR_ID}/index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in html
    assert '<span data-pagefind-filter="periodical">Labor Action</span>' in html
    assert '<span data-pagefind-filter="year">1948</span>' in html
    assert 'data-pagefind-meta="title[content]"' in html
    assert "api/documents" not in html and "revision=" not in html and "search.js" not in html
    assert 'action="../../../../../../search/index.html"' in html
    search = (site / "search/index.html").read_text(encoding="utf-8")
    assert 'src="../pagefind/pagefind-ui.js"' in search and 'data-site-root="../"' in search


def test_relative_links_of_transcriptions_become_spans() -> None:
    body = (
        '<p><a href="../../1867-c1/ch15.htm#a72">Capital</a>, <a href="https://www.marxists.org/">MIA</a>, '
        '<a href="#n1" id="n1-ref">[1]</a>, <a href="mailto:x@example.org">mail</a>, '
        '<a href="ch04.htm"><em>IV</em></a></p>'
    )
    out = static_body(body)
    assert '<span class="link" data-href="../../1867-c1/ch15.htm#a72">Capital</span>' in out
    assert '<span class="link" data-href="ch04.htm"><em>IV</em></span>' in out
    assert '<a href="https://www.marxists.org/">MIA</a>' in out and '<a href="#n1" id="n1-ref">[1]</a>' in out
    assert '<a href="mailto:x@example.org">' in out


def test_sitemap_feed_and_robots(built) -> None:
    store, site, report = built
    base = "https://archive.example.org/masthead/"
    sm = ET.parse(site / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in sm.findall("s:url/s:loc", ns)]
    assert locs[0] == base and len(locs) == report.pages
    assert f"{base}articles/{LABOR_ID}/" in locs
    assert all(loc and loc.startswith(base) for loc in locs)

    a = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for tag in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert feed.find(tag, a) is not None, tag
    entries = feed.findall("a:entry", a)
    assert len(entries) == min(50, store.count_documents())
    ids = set()
    for e in entries:
        for tag in ("a:id", "a:title", "a:updated", "a:link"):
            assert e.find(tag, a) is not None, tag
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", e.find("a:updated", a).text)
        href = e.find("a:link", a).get("href")
        assert href.startswith(base)
        assert (site / href[len(base) :] / "index.html").is_file()
        ids.add(e.find("a:id", a).text)
    assert len(ids) == len(entries)
    by_id = {e.find("a:id", a).text: e for e in entries}
    entry = by_id[f"{base}articles/{connolly_id(store)}/"]
    assert entry.find("a:author/a:name", a).text == "James Connolly"

    robots = (site / "robots.txt").read_text()
    assert "User-agent: *" in robots and f"Sitemap: {base}sitemap.xml" in robots


def test_relative_sitemap_without_base_url(fresh) -> None:
    store, site = fresh
    build_site(store, site, pagefind=False)
    sm = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in sm.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs[0] == "index.html" and all((site / unquote(loc)).is_file() for loc in locs)
    assert "Sitemap:" not in (site / "robots.txt").read_text()
    ET.parse(site / "feed.xml")


def connolly_id(store: SQLiteStore) -> str:
    """An article with a writer, a periodical, an issue and a date (a Workers' Republic one)."""
    return next(d.id for d in store.list_documents() if d.periodical_slug == "workers-republic" and d.writers)


def dependents(store: SQLiteStore, doc_id: str) -> set[str]:
    """The pages that show an article's title: its own, its issue, year, periodical, writers, list page."""
    doc = next(d for d in store.list_documents() if d.id == doc_id)
    issue = store.issue_for_document(doc_id)
    assert issue is not None and doc.date
    pages = {
        f"articles/{doc_id}/index.html",
        f"issues/{issue.id}/index.html",
        f"periodicals/{doc.periodical_slug}/{doc.date[:4]}/index.html",
        f"periodicals/{doc.periodical_slug}/index.html",
        "articles/index.html",  # fewer than 100 articles: one list page
    }
    pages |= {f"writers/{catalogue_slug(name)}/index.html" for name in doc.writers}
    return pages


def test_incremental_rebuild_writes_only_dependent_pages(fresh) -> None:
    store, site = fresh
    first = build_site(store, site, pagefind=False)
    assert len(first.written) == first.pages
    untouched = build_site(store, site, pagefind=False)
    assert untouched.written == [] and untouched.removed == [] and untouched.unchanged == first.pages

    doc_id = connolly_id(store)
    doc = store.get(doc_id)
    assert doc is not None and doc.writers
    before = {p: (site / p).stat().st_mtime_ns for p in map(str, (x.relative_to(site) for x in html_pages(site)))}
    store.save(doc.replace(title="A New Title for the Test"), message="retitle")
    second = build_site(store, site, pagefind=False)
    assert set(second.written) == dependents(store, doc_id)
    assert len(second.written) == 6  # the article, its issue, year, periodical, writer and the list
    assert second.unchanged == second.pages - len(second.written) and not second.removed
    assert "A New Title for the Test" in (site / f"articles/{doc_id}/index.html").read_text(encoding="utf-8")
    for p, mtime in before.items():
        if p not in second.written:
            assert (site / p).stat().st_mtime_ns == mtime, p

    # A change to the body alone rewrites the article page only.
    doc = store.get(doc_id)
    assert doc is not None
    store.save(doc.replace(blocks=doc.blocks[:-1]), message="shorter")
    third = build_site(store, site, pagefind=False)
    assert third.written == [f"articles/{doc_id}/index.html"]

    full = build_site(store, site, pagefind=False, incremental=False)
    assert len(full.written) == full.pages


def test_deleting_a_document_removes_its_pages(fresh) -> None:
    store, site = fresh
    build_site(store, site, pagefind=False)
    doc = store.get(LABOR_ID)
    assert doc is not None
    issue = store.issue_for_document(LABOR_ID)
    assert issue is not None
    lone_writers = [n for n in doc.writers if store.count_documents(writer=catalogue_slug(n)) == 1]
    store.delete(LABOR_ID)
    report = build_site(store, site, pagefind=False)
    assert f"articles/{LABOR_ID}/index.html" in report.removed
    assert not (site / "articles/labor-action").exists()  # empty folders go too
    if store.periodical("labor-action") is None:
        assert "periodicals/labor-action/index.html" in report.removed
        assert not (site / "periodicals/labor-action").exists()
    assert f"issues/{issue.id}/index.html" in report.removed
    for name in lone_writers:
        assert f"writers/{catalogue_slug(name)}/index.html" in report.removed
    assert "index.html" in report.written  # the counts on the front page changed

    # A full rebuild also removes the pages of documents deleted since the last build.
    other = connolly_id(store)
    store.delete(other)
    full = build_site(store, site, pagefind=False, incremental=False)
    assert f"articles/{other}/index.html" in full.removed and not (site / "articles" / other).exists()
    assert LABOR_ID not in (site / "sitemap.xml").read_text() and LABOR_ID not in (site / "feed.xml").read_text()


def test_markup_in_a_title_is_escaped(fresh) -> None:
    store, site = fresh
    doc = store.get(LABOR_ID)
    assert doc is not None
    store.save(doc.replace(title='<script>alert("x")</script> & <b>bold</b>'))
    build_site(store, site, pagefind=False)
    for page in (f"articles/{LABOR_ID}/index.html", "articles/index.html", "periodicals/labor-action/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>bold" not in html, page
        assert "&lt;script&gt;alert(" in html, page
    ET.parse(site / "feed.xml")  # escaped there too
    assert "&lt;script&gt;" in (site / "feed.xml").read_text()


def test_template_change_rebuilds_everything(fresh, monkeypatch: pytest.MonkeyPatch) -> None:
    store, site = fresh
    first = build_site(store, site, pagefind=False)
    second = build_site(store, site, pagefind=False, title="Another title")
    assert len(second.written) == first.pages
    assert "Another title" in (site / "index.html").read_text(encoding="utf-8")


def test_damaged_manifest_means_a_full_build(fresh) -> None:
    store, site = fresh
    first = build_site(store, site, pagefind=False)
    (site / MANIFEST).write_text("{not json")
    again = build_site(store, site, pagefind=False)
    assert len(again.written) == first.pages
    (site / f"articles/{LABOR_ID}/index.html").unlink()
    third = build_site(store, site, pagefind=False)
    assert third.written == [f"articles/{LABOR_ID}/index.html"]  # a missing file is written again


def test_bad_output_and_base_url(fresh, tmp_path: Path) -> None:
    store, _ = fresh
    file = tmp_path / "file.txt"
    file.write_text("x")
    with pytest.raises(PublishError, match="not a folder"):
        build_site(store, file, pagefind=False)
    with pytest.raises(PublishError, match="http"):
        build_site(store, tmp_path / "s", pagefind=False, base_url="ftp://x")


def test_cli_build(fresh) -> None:
    store, site = fresh
    store.close()
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    runner = CliRunner()
    archive = str(site.parent / "a.db")
    result = runner.invoke(app, ["build", "--archive", archive, "--out", str(site), "--no-search", "-q"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ pages: \d+ written, 0 unchanged, 0 removed", result.output)
    result = runner.invoke(app, ["build", "--archive", archive, "--out", str(site), "--no-search", "-q"])
    assert "pages: 0 written," in result.output
    result = runner.invoke(app, ["build", "--archive", archive, "--out", str(site), "--no-search", "--full"])
    assert ", 0 unchanged," in result.output and "index.html" in result.output
    result = runner.invoke(app, ["build", "--archive", str(site.parent / "none.db"), "--out", str(site)])
    assert result.exit_code == 1 and "no archive here" in result.output
    shutil.rmtree(site)


def test_pagefind_runs_again_only_when_pages_changed(built) -> None:
    store, site, _ = built
    again = build_site(store, site, base_url="https://archive.example.org/masthead")
    assert again.written == [] and again.pagefind_seconds is None  # nothing changed: the index stands
    manifest = json.loads((site / MANIFEST).read_text())
    assert manifest["indexed"] is True
    (site / MANIFEST).write_text(json.dumps({**manifest, "indexed": False}))
    redo = build_site(store, site, base_url="https://archive.example.org/masthead")
    assert redo.written == [] and redo.pagefind_seconds is not None  # an unfinished index is redone
    assert (site / "pagefind/pagefind.js").is_file() and not (site / ".pagefind-new").exists()
