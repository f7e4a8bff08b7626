"""The static site's article pages: the "Cite this" box (Chicago and MLA by citeproc-py) and download
files (TEI, EPUB, BibTeX, RIS, CSL-JSON, text) written beside the pages, kept in step by rebuilds."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from masthead.export.cite import render_citation
from masthead.publish import build_site
from masthead.publish.downloads import STATIC_DOWNLOADS, export_file
from test_publish_site import LABOR_ID, make_store

BASE = "https://archive.example.org/masthead"


@pytest.fixture
def fresh(tmp_path: Path):
    store = make_store(tmp_path / "a.db")
    yield store, tmp_path / "site"
    store.close()


def links(page: Path) -> dict[str, str]:
    """The download links of an article page: label -> href."""
    text = page.read_text(encoding="utf-8")
    box = re.search(r'<p class="downloads">(.*?)</p>', text, re.S)
    assert box, page
    return {html.unescape(label): href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', box[1])}


def test_every_article_page_has_a_cite_box_and_downloads(fresh) -> None:
    store, site = fresh
    report = build_site(store, site, pagefind=False, base_url=BASE)
    docs = store.list_documents()
    assert report.downloads_written == len(docs) * len(STATIC_DOWNLOADS)
    for summary in docs:
        doc = store.get(summary.id)
        assert doc is not None
        page = site / "articles" / doc.id / "index.html"
        text = page.read_text(encoding="utf-8")
        for style in ("chicago", "mla"):
            rendered = render_citation(doc, style)
            assert rendered and f'<dd class="citation-{style}">{rendered}</dd>' in text, (doc.id, style)
        found = links(page)
        assert list(found) == list(STATIC_DOWNLOADS), doc.id
        for label, href in found.items():
            target = (page.parent / unquote(href)).resolve()
            assert target == (site / export_file(doc.id, STATIC_DOWNLOADS[label])).resolve()
            assert target.is_file() and target.stat().st_size > 0, (doc.id, label)

    files = {label: site / export_file(LABOR_ID, ending) for label, ending in STATIC_DOWNLOADS.items()}
    doc = store.get(LABOR_ID)
    assert doc is not None
    tei = ET.parse(files["TEI"]).getroot()
    assert tei.tag.endswith("TEI")
    with zipfile.ZipFile(files["EPUB"]) as book:
        assert book.read("mimetype") == b"application/epub+zip"
    assert files["BibTeX"].read_text(encoding="utf-8").lstrip().startswith("@")
    assert f"{BASE}/articles/{LABOR_ID}" in files["BibTeX"].read_text(encoding="utf-8")
    assert files["RIS"].read_text(encoding="utf-8").startswith("TY  - ")
    assert json.loads(files["CSL-JSON"].read_text(encoding="utf-8"))[0]["title"] == doc.title
    assert doc.title in files["Text"].read_text(encoding="utf-8")


def test_rebuilds_keep_downloads_in_step(fresh) -> None:
    store, site = fresh
    build_site(store, site, pagefind=False)
    bib = site / export_file(LABOR_ID, ".bib")
    text = site / export_file(LABOR_ID, ".txt")
    doc = store.get(LABOR_ID)
    assert doc is not None
    last = doc.blocks[-1].text
    assert last and last in text.read_text(encoding="utf-8")
    store.save(doc.replace(blocks=doc.blocks[:-1]), message="shorter")
    report = build_site(store, site, pagefind=False)
    assert report.written == [f"articles/{LABOR_ID}/index.html"]
    assert report.downloads_written == len(STATIC_DOWNLOADS)
    assert last not in text.read_text(encoding="utf-8")

    store.delete(LABOR_ID)
    report = build_site(store, site, pagefind=False)
    assert f"articles/{LABOR_ID}/index.html" in report.removed
    assert not bib.exists() and not (site / "export/labor-action").exists()  # files and empty folders go

    report = build_site(store, site, pagefind=False, downloads=False)
    assert len(report.written) == report.pages and report.downloads_written == 0
    assert not (site / "export").exists()
    page = (site / "articles" / store.list_documents()[0].id / "index.html").read_text(encoding="utf-8")
    assert 'class="cite-this"' not in page and 'class="downloads"' not in page


def test_cli_no_downloads(fresh) -> None:
    from typer.testing import CliRunner

    from masthead.cli import app

    store, site = fresh
    archive = store.path
    store.close()
    result = CliRunner().invoke(
        app, ["build", "--archive", archive, "--out", str(site), "--no-search", "--no-downloads"]
    )
    assert result.exit_code == 0, result.output
    assert not (site / "export").exists()
    result = CliRunner().invoke(app, ["build", "--archive", archive, "--out", str(site), "--no-search", "-q"])
    assert result.exit_code == 0, result.output
    assert "download files" in result.output and (site / export_file(LABOR_ID, ".epub")).is_file()
