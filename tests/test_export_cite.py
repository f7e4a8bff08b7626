"""Citations: BibTeX and RIS parsed back with bibtexparser and rispy, CSL-JSON through citeproc-py,
the Chicago and MLA renderings, the Markdown and text exports read back, and ``masthead export``."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
import typer
from typer.testing import CliRunner

from masthead.cli_publish import register
from masthead.export import FORMATS, export
from masthead.export.cite import csl_item, render_citation, split_name, to_bibtex, to_csl_json, to_ris
from masthead.ingest import parse_file
from masthead.model import Credit, Document, Source
from masthead.readers import parse_text
from masthead.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
LABOR_ACTION = ROOT / "examples" / "corpus" / "plaintext" / "labor-action-1948-03-08-p4-independent-socialism.txt"
BASE = "https://archive.example.org"


def weekly() -> Document:
    return Document(
        id="labor-action/1948/03/08/independent-socialism",
        title="Independent Socialism & the {Third} Camp: 100% Right",
        writers=("Max Shachtman", "Ludwig von Mises"),
        source=Source(periodical="Labor Action", volume=12, issue=10, date="1948-03-08", page_start=4, page_end=5),
        credits=(Credit("transcribed", "Einde O’Callaghan", for_whom="ETOL"),),
    )


def monthly() -> Document:
    return Document(
        id="new-international/1948/03/the-question",
        title="The Question",
        writers=("Hal Draper",),
        source=Source(periodical="The New International", volume=14, issue=2, date="1948-03", page_start=45),
        credits=(Credit("transcribed", "Ted Crawford"), Credit("proofread", "A. Reader")),
    )


def test_bibtex_parses_back_with_every_field() -> None:
    text = to_bibtex([weekly(), monthly()], base_url=BASE)
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    first, second = lib.entries
    assert first.entry_type == "article" and first.key == "labor-action:1948:03:08:independent-socialism"
    f = {k: v.value for k, v in first.fields_dict.items()}
    assert f["author"] == "Max Shachtman and Ludwig von Mises"
    assert f["title"] == r"{Independent Socialism \& the \{Third\} Camp: 100\% Right}"
    assert (f["journal"], f["volume"], f["number"], f["year"], f["date"]) == (
        "Labor Action",
        "12",
        "10",
        "1948",
        "1948-03-08",
    )
    assert f["month"] == "mar" and f["pages"] == "4--5"
    assert f["note"] == "Transcribed by Einde O’Callaghan for the ETOL."
    assert f["url"] == BASE + "/articles/labor-action/1948/03/08/independent-socialism"
    s = {k: v.value for k, v in second.fields_dict.items()}
    assert s["pages"] == "45" and s["month"] == "mar" and "Proofread by A. Reader" in s["note"]
    # No base URL, no url field; a text with no periodical is @misc.
    lib = bibtexparser.parse_string(to_bibtex([Document(id="x", title="Pamphlet", writers=("Marx",))]))
    assert lib.entries[0].entry_type == "misc" and "url" not in lib.entries[0].fields_dict


def test_ris_parses_back_and_picks_news_or_magazine() -> None:
    records = rispy.loads(to_ris([weekly(), monthly(), Document(id="p", title="Pamphlet")], base_url=BASE))
    assert [r["type_of_reference"] for r in records] == ["NEWS", "MGZN", "GEN"]
    w = records[0]
    assert w["authors"] == ["Shachtman, Max", "von Mises, Ludwig"]
    assert w["title"] == weekly().title
    assert w["secondary_title"] == "Labor Action"
    assert (w["volume"], w["number"], w["year"], w["date"]) == ("12", "10", "1948", "1948/03/08/")
    assert (w["start_page"], w["end_page"]) == ("4", "5")
    assert w["notes"] == ["Transcribed by Einde O’Callaghan for the ETOL."]
    assert w["urls"] == [BASE + "/articles/labor-action/1948/03/08/independent-socialism"]
    m = records[1]
    assert m["date"] == "1948/03//" and "end_page" not in m


def test_csl_json_items_and_citeproc_renderings() -> None:
    items = json.loads(to_csl_json([weekly(), monthly()], base_url=BASE))
    w, m = items
    assert w["type"] == "article-newspaper" and m["type"] == "article-magazine"
    assert w["container-title"] == "Labor Action" and w["volume"] == "12" and w["issue"] == "10"
    assert w["issued"] == {"date-parts": [[1948, 3, 8]]} and m["issued"] == {"date-parts": [[1948, 3]]}
    assert w["page"] == "4-5" and w["URL"].startswith(BASE) and "O’Callaghan" in w["note"]
    assert w["author"][1] == {"family": "von Mises", "given": "Ludwig"}

    chicago = render_citation(weekly(), "chicago", base_url=BASE)
    assert chicago.startswith("Shachtman, Max, and Ludwig von Mises.")
    assert "<i>Labor Action</i>" in chicago and "March 8, 1948" in chicago and BASE in chicago
    assert "&amp; the {Third} Camp" in chicago  # field text is escaped for HTML
    mla = render_citation(monthly(), "mla")
    assert mla.startswith("Draper, Hal.") and "vol. 14, no. 2" in mla and "Mar. 1948" in mla and "p. 45" in mla


def test_renderings_escape_html_and_do_not_repeat_a_substituted_title() -> None:
    doc = Document(id="evil", title="<script>alert(1)</script>", source=Source(periodical="Labor Action"))
    for style in ("chicago", "mla"):
        out = render_citation(doc, style)
        assert "<script>" not in out and "&lt;script&gt;" in out
    mla = render_citation(Document(id="anon", title="Unsigned Notes"), "mla")
    assert mla.count("Unsigned Notes") == 1


def test_split_name() -> None:
    assert split_name("Max Shachtman") == {"family": "Shachtman", "given": "Max"}
    assert split_name("Lenin") == {"literal": "Lenin"}
    assert split_name("J. R. Johnson") == {"family": "Johnson", "given": "J. R."}


def test_the_real_labor_action_article() -> None:
    doc = parse_file(LABOR_ACTION).document
    item = csl_item(doc)
    assert item["type"] == "article-newspaper" and item["container-title"] == "Labor Action"
    assert item["issued"]["date-parts"] == [[1948, 3, 8]] and item["page"] == "4"
    record = rispy.loads(export(doc, "ris"))[0]
    assert record["type_of_reference"] == "NEWS" and record["volume"] == "12"


def test_markdown_and_text_exports_read_back() -> None:
    doc = parse_file(LABOR_ACTION).document
    for fmt, reader in (("markdown", "markdown"), ("text", "text")):
        out = export(doc, fmt)
        assert isinstance(out, str)
        back = parse_text(out, fmt=reader).document
        assert back.title == doc.title and back.source.date == doc.source.date
        assert [b.text for b in back.blocks][:5] == [b.text for b in doc.blocks][:5]
    assert FORMATS["markdown"].extension == ".md" and FORMATS["epub"].binary


@pytest.fixture
def archive(tmp_path: Path) -> str:
    path = str(tmp_path / "a.db")
    store = SQLiteStore(path)
    for doc in (weekly(), monthly(), parse_file(LABOR_ACTION).document):
        store.save(doc)
    store.close()
    return path


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_cli_export_formats(archive: str, tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cli(), ["export", weekly().id, "--format", "bibtex", "--base-url", BASE, "-a", archive])
    assert r.exit_code == 0, r.output
    assert bibtexparser.parse_string(r.stdout).entries[0].key == "labor-action:1948:03:08:independent-socialism"
    r = runner.invoke(cli(), ["export", "--all", "--format", "ris", "-a", archive])
    assert r.exit_code == 0 and len(rispy.loads(r.stdout)) == 3
    r = runner.invoke(cli(), ["export", "--writer", "hal-draper", "--format", "csl-json", "-a", archive])
    assert r.exit_code == 0 and [i["title"] for i in json.loads(r.stdout)] == ["The Question"]
    r = runner.invoke(cli(), ["export", monthly().id, "--format", "tei", "-a", archive])
    assert r.exit_code == 0 and r.stdout.startswith("<?xml") and "<revisionDesc>" in r.stdout
    # One-document formats with several documents: one file per document in the --out folder.
    out = tmp_path / "md"
    r = runner.invoke(cli(), ["export", "--all", "--format", "markdown", "--out", str(out), "-a", archive])
    assert r.exit_code == 0, r.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert "new-international/1948/03/the-question.md" in files and len(files) == 3
    r = runner.invoke(cli(), ["export", "--all", "--format", "text", "-a", archive])
    assert r.exit_code == 1 and "--out" in r.output
    r = runner.invoke(cli(), ["export", "--all", "--format", "epub", "-a", archive])
    assert r.exit_code == 1 and "binary" in r.output
    r = runner.invoke(cli(), ["export", "nope/missing", "--format", "ris", "-a", archive])
    assert r.exit_code == 1 and "no document" in r.output
    r = runner.invoke(cli(), ["export", "--format", "ris", "-a", archive])
    assert r.exit_code == 1 and "name what to export" in r.output
    r = runner.invoke(cli(), ["export", weekly().id, "--format", "docx", "-a", archive])
    assert r.exit_code == 1 and "unknown format" in r.output


def test_article_page_has_cite_box_and_working_downloads(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from lxml import html as lxml_html

    from masthead.web.app import create_app

    store = SQLiteStore(str(tmp_path / "web.db"))
    try:
        store.save(weekly())
        with TestClient(create_app(store)) as client:
            page = client.get("/articles/" + weekly().id)
            assert page.status_code == 200
            tree = lxml_html.fromstring(page.text)
            box = tree.get_element_by_id("cite-this").getparent()
            chicago = box.find_class("citation-chicago")[0].text_content()
            mla = box.find_class("citation-mla")[0].text_content()
            assert chicago.startswith("Shachtman, Max, and Ludwig von Mises.") and "March 8, 1948" in chicago
            assert "vol. 12, no. 10" in mla
            links = {a.text: a.get("href") for a in box.find_class("downloads")[0].iter("a")}
            assert list(links) == ["TEI", "EPUB", "BibTeX", "RIS", "CSL-JSON", "Markdown", "Text"]
            kinds = {}
            for label, href in links.items():
                r = client.get(href)
                assert r.status_code == 200, (label, href)
                kinds[label] = r.headers["content-type"].split(";")[0]
                if label == "BibTeX":
                    entry = bibtexparser.parse_string(r.text).entries[0]
                    assert entry.fields_dict["url"].value == "http://testserver/articles/" + weekly().id
            assert kinds["TEI"] == "application/tei+xml" and kinds["EPUB"] == "application/epub+zip"
            assert client.get("/export/" + weekly().id + ".docx").status_code == 404
            assert client.get("/export/nope/missing.bib").status_code == 404
    finally:
        store.close()
