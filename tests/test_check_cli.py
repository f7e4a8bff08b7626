"""``masthead check``, ``masthead writers`` and ``masthead periodicals`` through Typer's runner, and the
catalogue's web pages and JSON through FastAPI's TestClient."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from masthead.cli import app
from masthead.model import Block, Document, Provenance, Source
from masthead.store.sqlite import SQLiteStore
from masthead.web.app import create_app

runner = CliRunner()


def article(i: int, vol: int, no: int, date: str, writer: str = "Max Shachtman", line: str | None = None) -> Document:
    return Document(
        id=f"labor-action/{date}/a{i}",
        title=f"Article {i}",
        date_line=line,
        writers=(writer,),
        source=Source(periodical="Labor Action", volume=vol, issue=no, date=date, page_start=1, page_end=1),
        blocks=(Block("paragraph", text=f"Body of article {i}."),),
        provenance=Provenance(path=f"la/{i}.txt"),
    )


def run_of(count: int = 20) -> list[Document]:
    """A consistent weekly run: Labor Action Vol. 12, Mondays from 5 January 1948."""
    start = dt.date(1948, 1, 5)
    return [article(k, 12, k + 1, (start + dt.timedelta(days=7 * k)).isoformat()) for k in range(count)]


def make_archive(path: Path, docs: list[Document]) -> str:
    with SQLiteStore(str(path)) as store:
        for d in docs:
            store.save(d)
    return str(path)


@pytest.fixture
def consistent(tmp_path: Path) -> str:
    return make_archive(tmp_path / "ok.db", run_of())


@pytest.fixture
def planted(tmp_path: Path) -> str:
    docs = [d for d in run_of() if d.source.issue not in (15, 16)]  # a gap: Nos. 15-16
    docs.append(article(100, 12, 11, "1948-03-08"))  # No. 11 dated like No. 10
    docs.append(article(101, 12, 4, "1948-05-24", line="(June 1948)"))  # duplicate No. 4; date line disagrees
    return make_archive(tmp_path / "bad.db", docs)


# -- check ----------------------------------------------------------------------------------------------
def test_check_is_quiet_on_a_consistent_archive(consistent: str) -> None:
    r = runner.invoke(app, ["check", "--archive", consistent])
    assert r.exit_code == 0, r.output
    assert "0 findings" in r.output


def test_check_finds_planted_conflicts_and_gaps(planted: str) -> None:
    r = runner.invoke(app, ["check", "--archive", planted, "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    kinds = sorted(f["kind"] for f in data["findings"])
    # No. 11 dated 8 March is both off the calendar and a second No. 11 (the real one is 15 March)
    kinds_expected = ["date-line", "duplicate-number", "duplicate-number", "gap", "number-date", "number-date"]
    assert kinds == kinds_expected
    assert data["periodicals"]["labor-action"]["rhythm"].startswith("weekly issues on Mondays")
    clash = next(f for f in data["findings"] if f["kind"] == "number-date" and "clashes" in f["message"])
    assert clash["message"] == (
        "Vol. 12 No. 10 dated 8 March 1948 implies weekly issues on Mondays; "
        "No. 11 dated 8 March 1948 clashes with No. 10"
    )
    gap = next(f for f in data["findings"] if f["kind"] == "gap")
    assert gap["expected"] == "Vol. 12 Nos. 15–16" and gap["severity"] == "info"
    assert data["counts"] == {"info": 1, "warning": 3, "error": 2}


def test_check_text_and_severity_filter(planted: str) -> None:
    r = runner.invoke(app, ["check", "--archive", planted, "--min-severity", "error"])
    assert r.exit_code == 1
    assert "Labor Action (labor-action): weekly issues on Mondays" in r.stdout
    assert "duplicate-number" in r.stdout and "gap" not in r.stdout


def test_check_records_frequency(planted: str) -> None:
    runner.invoke(app, ["check", "--archive", planted])
    r = runner.invoke(app, ["periodicals", "list", "--archive", planted, "--json"])
    [p] = json.loads(r.stdout)
    assert p["frequency"] == "weekly" and p["slug"] == "labor-action"


def test_check_errors_are_one_line(tmp_path: Path, consistent: str) -> None:
    r = runner.invoke(app, ["check", "--archive", str(tmp_path / "none.db")])
    assert r.exit_code == 1 and "no archive here" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["check", "--archive", consistent, "--periodical", "nope"])
    assert r.exit_code == 1 and "no periodical 'nope'" in r.output


@pytest.mark.parametrize("args", [["check"], ["writers", "merge"], ["writers", "split"], ["periodicals", "alias"]])
def test_help_has_an_example(args: list[str]) -> None:
    r = runner.invoke(app, [*args, "--help"])
    assert r.exit_code == 0 and "Example: masthead" in r.output


# -- writers and periodicals ----------------------------------------------------------------------------
def test_writers_merge_split_alias(tmp_path: Path) -> None:
    docs = run_of(4)
    docs[1] = article(1, 12, 2, docs[1].source.date or "", writer="M. Shachtman")
    archive = make_archive(tmp_path / "w.db", docs)
    r = runner.invoke(app, ["writers", "merge", "m-shachtman", "max-shachtman", "--archive", archive])
    assert r.exit_code == 0 and "1 documents moved" in r.output
    r = runner.invoke(app, ["writers", "list", "--archive", archive, "--json"])
    assert json.loads(r.stdout) == [
        {"slug": "max-shachtman", "name": "Max Shachtman", "documents": 4, "aliases": ["M. Shachtman"]}
    ]
    doc_id = docs[0].id
    r = runner.invoke(
        app, ["writers", "split", "max-shachtman", "--name", "Other", "--doc", doc_id, "--archive", archive]
    )
    assert r.exit_code == 0 and "to other" in r.output
    r = runner.invoke(app, ["writers", "alias", "Shachtman", "max-shachtman", "--archive", archive])
    assert r.exit_code == 0
    r = runner.invoke(app, ["writers", "merge", "nobody", "max-shachtman", "--archive", archive])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "no writer 'nobody'" in r.output


def test_periodicals_alias_and_list(tmp_path: Path) -> None:
    docs = run_of(2)
    docs.append(
        Document(
            id="x",
            title="X",
            source=Source(periodical="LA Weekly", volume=12, issue=3, date="1948-01-19"),
            provenance=Provenance(path="x.txt"),
        )
    )
    archive = make_archive(tmp_path / "p.db", docs)
    r = runner.invoke(app, ["periodicals", "alias", "LA Weekly", "labor-action", "--archive", archive])
    assert r.exit_code == 0 and "1 documents moved" in r.output
    r = runner.invoke(app, ["periodicals", "list", "--archive", archive, "--json"])
    [p] = json.loads(r.stdout)
    assert p["slug"] == "labor-action" and p["variants"] == ["LA Weekly", "Labor Action"] and p["documents"] == 3
    assert runner.invoke(app, ["periodicals", "list", "--archive", archive]).exit_code == 0


# -- web --------------------------------------------------------------------------------------------------
def test_checks_page_and_json(planted: str) -> None:
    with SQLiteStore(planted) as store:
        client = TestClient(create_app(store))
        page = client.get("/periodicals/labor-action")
        assert page.status_code == 200 and "weekly issues on Mondays" in page.text
        assert 'href="/periodicals/labor-action/checks"' in page.text and "5 problems, 1 gap" in page.text
        checks = client.get("/periodicals/labor-action/checks")
        assert checks.status_code == 200 and checks.text.count('<tr class="finding') == 6
        assert "clashes with No. 10" in checks.text
        data = client.get("/api/periodicals/labor-action/checks").json()
        assert data["rhythm"]["frequency"] == "weekly" and data["rhythm"]["weekday"] == 0
        assert len(data["findings"]) == 6 and data["findings"][0]["severity"] == "error"
        assert client.get("/periodicals/nope/checks").status_code == 404
        api = client.get("/api/periodicals/labor-action").json()
        assert api["variants"] == ["Labor Action"] and set(api) >= {"place", "frequency", "issues", "years"}
        assert client.get("/api/periodicals/nope/checks").json()["status"] == 404


def test_consistent_checks_page_says_so(consistent: str) -> None:
    with SQLiteStore(consistent) as store:
        client = TestClient(create_app(store))
        assert "No findings" in client.get("/periodicals/labor-action/checks").text


def test_writer_pages_follow_a_merge(tmp_path: Path) -> None:
    docs = run_of(3)
    docs[2] = article(2, 12, 3, docs[2].source.date or "", writer="M. Shachtman")
    archive = make_archive(tmp_path / "w.db", docs)
    with SQLiteStore(archive) as store:
        store.merge_writers("m-shachtman", "max-shachtman")
        client = TestClient(create_app(store))
        data = client.get("/api/writers/max-shachtman").json()
        assert data["aliases"] == ["M. Shachtman"] and len(data["documents"]) == 3
        assert "Also signed: M. Shachtman." in client.get("/writers/max-shachtman").text
        page = client.get(f"/articles/{docs[2].id}").text
        assert 'href="/writers/max-shachtman"' in page and "/writers/m-shachtman" not in page
        issue = client.get(f"/issues/{store.issue_for_document(docs[1].id).id}").text
        assert 'rel="prev"' in issue and 'rel="next"' in issue and "Vol. 12 No. 2, 12 January 1948" in issue
