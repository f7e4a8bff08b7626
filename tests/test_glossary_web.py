"""The glossary on the web (pages, API, article links) and on the command line."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import LABOR_ACTION
from masthead.cli import app as cli_app
from masthead.glossary import Entry, starter_entries
from masthead.glossary.archive import link_archive
from masthead.pipeline import ingest_paths
from masthead.store import open_store
from masthead.web.app import create_app

runner = CliRunner()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("gloss") / "a.db"
    with open_store(str(path)) as s:
        ingest_paths(s, [LABOR_ACTION])
        s.save_entries(starter_entries())
        link_archive(s)
    return path


@pytest.fixture
def client(archive):
    s = open_store(str(archive))
    yield TestClient(create_app(s))
    s.close()


def _doc_id(client) -> str:
    return client.get("/api/documents").json()["documents"][0]["id"]


def test_glossary_index_by_type(client) -> None:
    r = client.get("/glossary")
    assert r.status_code == 200
    page = r.text
    assert page.index(">People</h2>") < page.index(">Organisations</h2>") < page.index(">Parties</h2>")
    assert 'href="/glossary/leon-trotsky"' in page and "Content-Security-Policy" in r.headers
    assert 'href="/glossary">Glossary</a>' in client.get("/").text


def test_entry_page_lists_articles_with_sentences(client) -> None:
    r = client.get("/glossary/leon-trotsky")
    assert r.status_code == 200
    assert "Leon Trotsky" in r.text and "1879" in r.text and "Fourth International" in r.text  # related
    doc_id = _doc_id(client)
    assert f'href="/articles/{doc_id}"' in r.text
    sentences = re.findall(r"<li>(.*?)</li>", r.text, re.S)
    assert any('<strong class="mention"' in s and "symmetrical" in s for s in sentences)
    assert client.get("/glossary/nobody").status_code == 404


def test_article_links_each_mention(client) -> None:
    page = client.get(f"/articles/{_doc_id(client)}").text
    links = re.findall(r'<a href="/glossary/([a-z0-9-]+)">([^<]+)</a>', page)
    assert ("leon-trotsky", "Trotsky") in links and ("joseph-stalin", "Stalin") in links
    assert ("fourth-international", "Fourth International") in links


def test_api_entries(client) -> None:
    data = client.get("/api/entries").json()
    assert data["total"] == len(starter_entries())
    trotsky = next(e for e in data["entries"] if e["id"] == "leon-trotsky")
    assert trotsky["documents"] == 1 and trotsky["mentions"] >= 2 and trotsky["url"] == "/glossary/leon-trotsky"
    one = client.get("/api/entries/leon-trotsky").json()
    m = one["documents"][0]["mentions"][0]
    assert m["surface"] == "Trotsky" and "Trotsky" in m["sentence"] and m["confidence"] > 0.5
    assert client.get("/api/entries/nobody").status_code == 404
    assert client.get("/api/entries?type=party").json()["entries"][0]["type"] == "party"


def test_merged_entry_redirects_and_keeps_links(tmp_path) -> None:
    path = tmp_path / "m.db"
    with open_store(str(path)) as s:
        ingest_paths(s, [LABOR_ACTION])
        s.save_entries([Entry("trotsky", "person", "Trotsky"), Entry("leon-trotsky", "person", "Leon Trotsky")])
        link_archive(s)
        before = len(s.mentions_of("trotsky")[0][1])
        s.merge_entries("trotsky", "leon-trotsky")
        client = TestClient(create_app(s))
        r = client.get("/glossary/trotsky", follow_redirects=False)
        assert r.status_code == 301 and r.headers["location"] == "/glossary/leon-trotsky"
        assert client.get("/api/entries/trotsky", follow_redirects=False).status_code == 301
        page = client.get(f"/articles/{_doc_id(client)}").text
        assert page.count('<a href="/glossary/leon-trotsky">') == before


# -- the command line ------------------------------------------------------------------------------------
def _run(*args: str):
    return runner.invoke(cli_app, list(args))


def test_cli_glossary_workflow(tmp_path) -> None:
    db = str(tmp_path / "c.db")
    assert _run("ingest", str(LABOR_ACTION), "-a", db, "-q").exit_code == 0
    r = _run("glossary", "import", "--starter", "--link", "-a", db)
    assert r.exit_code == 0 and f"{len(starter_entries())} new" in r.stdout and "linked 1 documents" in r.stdout
    r = _run("glossary", "list", "-a", db, "--type", "person")
    assert r.exit_code == 0 and "leon-trotsky\tperson\tLeon Trotsky\t1 articles" in r.stdout
    r = _run("glossary", "show", "leon-trotsky", "-a", db, "-f", "json")
    assert json.loads(r.stdout)["documents"][0]["mentions"][0]["surface"] == "Trotsky"
    r = _run("glossary", "add", "Edvard Beneš", "--type", "person", "--alias", "Benes", "--from", "1884", "-a", db)
    assert r.exit_code == 0 and "edvard-benes: new" in r.stdout
    assert _run("glossary", "link", "-a", db).exit_code == 0
    doc_id = open_store(db).list_documents()[0].id
    r = _run("entities", doc_id, "-a", db, "-f", "json")
    data = json.loads(r.stdout)
    benes = [m for m in data["mentions"] if m["entry"] == "edvard-benes"]
    assert len(benes) == 3 and {"start", "end", "surface", "type", "confidence"} <= set(benes[0])
    r = _run("glossary", "propose", "-a", db, "--min-documents", "1", "-n", "5")
    assert r.exit_code == 0 and "new proposals queued" in r.stderr
    proposed = json.loads(_run("glossary", "list", "--status", "proposed", "-a", db, "-f", "json").stdout)["entries"]
    first, second, third = proposed[0]["id"], proposed[1]["id"], proposed[2]["id"]
    assert _run("glossary", "accept", first, "-a", db, "--editor", "ann").exit_code == 0
    assert _run("glossary", "reject", second, "-a", db, "--editor", "bob").exit_code == 0
    assert _run("glossary", "merge", third, "leon-trotsky", "-a", db, "--editor", "ann").exit_code == 0
    assert _run("glossary", "merge", first, "leon-trotsky", "-a", db, "--editor", "ann").exit_code == 0
    # Decisions on proposals are logged with who took them, as the web queue logs them.
    log = {(e.entry_id, e.action, e.editor) for e in open_store(db).glossary_edits(limit=20)}
    assert {(first, "accepted", "ann"), (second, "rejected", "bob"), (third, "merged", "ann")} <= log
    assert (first, "merged", "ann") not in log  # an accepted entry merged on the command line: not a proposal
    out_csv = tmp_path / "g.csv"
    assert _run("glossary", "export", "-a", db, "-f", "csv", "-o", str(out_csv)).exit_code == 0
    assert out_csv.read_text().startswith("id,type,name,aliases")
    r = _run("glossary", "import", str(out_csv), "-a", db)
    assert r.exit_code == 0 and "0 new" in r.stdout


def test_cli_errors_are_one_line(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[\n {"name": "X", "type": "wizard"}\n]', encoding="utf-8")
    r = _run("glossary", "import", str(bad), "-a", str(tmp_path / "x.db"))
    assert r.exit_code == 1 and f"{bad}:2:" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _run("glossary", "add", "X", "--type", "wizard", "-a", str(tmp_path / "x.db"))
    assert r.exit_code == 1 and "command line: entry 'X' has type 'wizard'" in r.stderr
    assert _run("glossary", "add", "B", "--type", "person", "-a", str(tmp_path / "x.db")).exit_code == 0
    r = _run("glossary", "merge", "a", "b", "-a", str(tmp_path / "x.db"))
    assert r.exit_code == 1 and "no glossary entry 'a'" in r.stderr
    r = _run("entities", "no/such/doc", "-a", str(tmp_path / "x.db"))
    assert r.exit_code == 1 and "no such file" in r.stderr
    r = _run("glossary", "import", "-a", str(tmp_path / "x.db"))
    assert r.exit_code == 1 and "--starter" in r.stderr


def test_cli_entities_of_a_file_with_the_starter(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = _run("entities", str(LABOR_ACTION))
    assert r.exit_code == 0 and "joseph-stalin\tperson" in r.stdout and "starter glossary" in r.stderr


@pytest.mark.parametrize("command", ["entities", "glossary list", "glossary import", "glossary merge", "glossary link"])
def test_help_has_an_example(command: str) -> None:
    r = _run(*command.split(), "--help")
    assert r.exit_code == 0 and "Example: masthead" in r.stdout


def test_tei_export_marks_mentions(client) -> None:
    from lxml import etree

    doc_id = _doc_id(client)
    r = client.get(f"/export/{doc_id}.tei.xml")
    root = etree.fromstring(r.content)
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    refs = {(e.text, e.get("ref")) for e in root.iterfind(".//t:persName", ns)}
    assert ("Trotsky", "http://testserver/glossary/leon-trotsky") in refs
    orgs = {e.text for e in root.iterfind(".//t:orgName", ns)}
    assert "Fourth International" in orgs
    plain = client.get(f"/export/{doc_id}.txt").text
    assert "persName" not in plain


def test_static_site_has_glossary_pages_and_article_links(archive, tmp_path) -> None:
    from masthead.publish import build_site

    out = tmp_path / "site"
    with open_store(str(archive)) as s:
        build_site(s, out, pagefind=False)
        doc_id = s.list_documents()[0].id
    assert (out / "glossary" / "index.html").is_file()
    entry = (out / "glossary" / "leon-trotsky" / "index.html").read_text()
    assert "Leon Trotsky" in entry and f'href="../../articles/{doc_id}/index.html"' in entry
    article = out / "articles" / doc_id / "index.html"
    hrefs = re.findall(r'<a href="([^"]*glossary/leon-trotsky/index\.html)">Trotsky</a>', article.read_text())
    assert hrefs and (article.parent / hrefs[0]).resolve() == (out / "glossary/leon-trotsky/index.html").resolve()


def test_static_body_keeps_only_our_glossary_links() -> None:
    from masthead.publish.site import static_body

    ours = '<a href="../../../glossary/karl-marx/index.html">Marx</a>'
    mia = '<a href="../../glossary/people/m/a.htm#marx">Marx</a>'
    assert static_body(ours) == ours
    assert static_body(mia).startswith('<span class="link" data-href="../../glossary/people/m/a.htm#marx"')


def test_linking_refreshes_the_search_entity_facet(tmp_path) -> None:
    db = str(tmp_path / "s.db")
    assert _run("ingest", str(LABOR_ACTION), "-a", db, "-q").exit_code == 0
    assert _run("glossary", "import", "--starter", "--link", "-a", db).exit_code == 0
    r = _run("search", 'entity:"Leon Trotsky"', "-a", db, "-f", "json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["total"] == 1
