"""The command line, through the real entry point (a subprocess) and through Typer's runner."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from masthead import __version__
from masthead.cli import app

runner = CliRunner()


def masthead(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masthead", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_version_and_help_through_the_real_entry_point() -> None:
    r = masthead("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"masthead {__version__}"
    r = masthead("--help")
    assert r.returncode == 0
    for command in ("parse", "ingest", "list", "show", "serve"):
        assert command in r.stdout


COMMANDS = ["parse", "ingest", "list", "show", "search", "reindex", "serve", "build", "export"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    r = runner.invoke(app, [command, "--help"])
    assert r.exit_code == 0
    assert "Example: masthead " + command in " ".join(r.output.split())


def test_parse_prints_the_document_as_json(labor_action: Path) -> None:
    r = masthead("parse", str(labor_action), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["source"]["periodical"] == "Labor Action"
    assert doc["source"]["date"] == "1948-03-08"
    assert doc["provenance"]["format"] == "text" and len(doc["provenance"]["sha256"]) == 64


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
def test_parse_other_formats(labor_action: Path, fmt: str) -> None:
    r = runner.invoke(app, ["parse", str(labor_action), "--format", fmt])
    assert r.exit_code == 0, r.output
    assert "Independent Socialism" in r.output


def test_parse_bad_file_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9\n")
    r = masthead("parse", str(bad))
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert "bad.txt:1: invalid UTF-8" in r.stderr
    assert "Traceback" not in r.stderr


def test_ingest_list_show_cycle(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "a.db"
    r = masthead("ingest", str(corpus / "plaintext"), str(corpus / "mia-html"), "--archive", str(db), "-q")
    assert r.returncode == 0, r.stderr
    assert "10 new, 0 changed, 0 unchanged, 0 failed" in r.stderr
    r = masthead("ingest", str(corpus / "plaintext"), "--archive", str(db), "-q")
    assert "0 new, 0 changed, 1 unchanged, 0 failed" in r.stderr
    r = runner.invoke(app, ["list", "--archive", str(db), "--format", "json"])
    rows = json.loads(r.stdout)
    assert len(rows) == 10
    la = next(row for row in rows if row["periodical"] == "Labor Action")
    r = runner.invoke(app, ["show", la["id"], "--archive", str(db), "--format", "json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["id"] == la["id"]
    r = runner.invoke(app, ["show", "no/such/doc", "--archive", str(db)])
    assert r.exit_code == 1 and "no document 'no/such/doc'" in r.output


def test_changed_file_becomes_a_new_revision(tmp_path: Path, labor_action: Path) -> None:
    f = tmp_path / "article.txt"
    f.write_text(labor_action.read_text(encoding="utf-8"), encoding="utf-8")
    db = str(tmp_path / "a.db")
    assert runner.invoke(app, ["ingest", str(f), "--archive", db, "-q"]).exit_code == 0
    f.write_text(f.read_text(encoding="utf-8").replace("sick with sorrow", "sick with grief"), encoding="utf-8")
    r = runner.invoke(app, ["ingest", str(f), "--archive", db, "-q"])
    assert "0 new, 1 changed" in r.output
    doc_id = json.loads(runner.invoke(app, ["list", "--archive", db, "-f", "json"]).stdout)[0]["id"]
    old = runner.invoke(app, ["show", doc_id, "--archive", db, "--revision", "1", "-f", "text"]).stdout
    new = runner.invoke(app, ["show", doc_id, "--archive", db, "-f", "text"]).stdout
    assert "sick with sorrow" in old and "sick with grief" in new


def test_one_bad_file_never_stops_the_batch(tmp_path: Path, labor_action: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a-good.txt").write_text(labor_action.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "b-empty.txt").write_text("")
    (src / "c-binary.txt").write_bytes(b"\x00\x01\x02")
    (src / "d-notitle.md").write_text("just a paragraph of text\n\nand another\n")
    (src / "e-broken.html").write_text("<html><body><p>unclosed <b>bold <i>text</p></div></span>")
    db = tmp_path / "a.db"
    r = masthead("ingest", str(src), "--archive", str(db), "-q")
    assert r.returncode == 1
    assert "1 new, 0 changed, 0 unchanged, 4 failed" in r.stderr
    assert "b-empty.txt: empty file" in r.stderr
    assert "c-binary.txt: binary file" in r.stderr
    assert "d-notitle.md" in r.stderr and "e-broken.html" in r.stderr
    assert "Traceback" not in r.stderr
    # the archive still holds the good document, intact
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_missing_archive_says_how_to_create_one(tmp_path: Path) -> None:
    r = runner.invoke(app, ["list", "--archive", str(tmp_path / "none.db")])
    assert r.exit_code == 1
    assert "masthead ingest PATH --archive" in r.output


def test_missing_input_path_fails_but_others_are_ingested(tmp_path: Path, labor_action: Path) -> None:
    db = str(tmp_path / "a.db")
    r = runner.invoke(app, ["ingest", str(tmp_path / "missing"), str(labor_action), "--archive", db, "-q"])
    assert r.exit_code == 1
    assert "1 new, 0 changed, 0 unchanged, 1 failed" in r.output


def test_export_a_search_result_set_as_one_book(tmp_path: Path, corpus: Path) -> None:
    import zipfile

    db = str(tmp_path / "a.db")
    assert runner.invoke(app, ["ingest", str(corpus / "mia-html"), "--archive", db, "-q"]).exit_code == 0
    book = tmp_path / "found.epub"
    r = runner.invoke(
        app, ["export", "--query", "proletariat", "--limit", "3", "-f", "epub", "-o", str(book), "-a", db]
    )
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(book) as z:
        chapters = [n for n in z.namelist() if n.endswith(".xhtml") and "nav" not in n and "title" not in n]
    assert len(chapters) == 3
    r = runner.invoke(app, ["export", "--query", "zzzqqqxxx", "-f", "bibtex", "-a", db])
    assert r.exit_code == 1 and "nothing to export" in r.output
