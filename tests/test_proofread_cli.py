"""``masthead proofread`` and ``masthead lexicon build`` through Typer's runner, and findings mapped
onto a file's own text."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from masthead.cli import app
from masthead.proofread.filemap import proofread_file

runner = CliRunner()


def test_proofread_file_text_and_json(labor_action) -> None:  # noqa: ANN001
    r = runner.invoke(app, ["proofread", str(labor_action), "--archive", "/nonexistent/a.db"])
    assert r.exit_code == 1, r.output
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert any(": non-word: 'tbe' is not a word" in ln and "-> 'the'" in ln for ln in lines)
    assert all(ln.startswith(f"{labor_action}:") for ln in lines)
    r = runner.invoke(app, ["proofread", str(labor_action), "--format", "json", "--archive", "/nonexistent/a.db"])
    data = json.loads(r.stdout)
    text = labor_action.read_text(encoding="utf-8")
    lines_of = text.split("\n")
    for f in data:
        assert text[f["start"] : f["end"]] == f["text"]
        assert lines_of[f["line"] - 1][f["col"] - 1 :].startswith(f["text"].split("\n")[0])
    tbe = next(f for f in data if f["text"] == "tbe")
    assert tbe["kind"] == "non-word" and tbe["suggestions"][0] == "the"
    r = runner.invoke(app, ["proofread", str(labor_action), "--min-confidence", "0.99", "--archive", "/none/a.db"])
    assert r.exit_code == 0


def test_proofread_markdown_maps_near_markup(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "a.md"
    p.write_text("# A Title\n\nThe *first* words, and tbe **strong** end of it.\n", encoding="utf-8")
    found, text = proofread_file(p)
    tbe = [f for f in found if f.suggestions[:1] == ("the",)]
    assert tbe and text[tbe[0].start : tbe[0].end] == "tbe" and tbe[0].line == 3


def test_proofread_stored_document_and_lexicon_build(tmp_path, labor_action) -> None:  # noqa: ANN001
    db = str(tmp_path / "a.db")
    r = runner.invoke(app, ["ingest", str(labor_action), "--archive", db, "--no-index"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["lexicon", "build", "--archive", db, "--quiet"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "a.db.lexicon").exists()
    from masthead.store import open_store

    store = open_store(db)
    doc_id = next(store.iter_documents()).id
    store.close()
    r = runner.invoke(app, ["proofread", doc_id, "--archive", db, "--format", "json"])
    assert r.exit_code == 1
    assert any(f["text"] == "tbe" for f in json.loads(r.stdout))


def test_proofread_errors_are_one_line(tmp_path) -> None:  # noqa: ANN001
    r = runner.invoke(app, ["proofread", str(tmp_path / "missing.txt"), "--archive", str(tmp_path / "x.db")])
    assert r.exit_code == 2
    assert "masthead: error:" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.md"
    bad.write_text("no title here\n", encoding="utf-8")
    r = runner.invoke(app, ["proofread", str(bad), "--archive", str(tmp_path / "x.db")])
    assert r.exit_code == 2 and "bad.md" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(app, ["proofread", "--help"])
    assert r.exit_code == 0 and "Example" in r.stdout
