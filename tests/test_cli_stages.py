"""`masthead ingest` runs every stage: findings and glossary mentions are stored with the documents."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from masthead.cli import app
from masthead.store import open_store

runner = CliRunner()

ARTICLE = """The Test of Events

By A. Writer

Tbe workers of the city met on Sunday. Karl Marx was read aloud, and the meeting went on until late in the evening
because there was a great deal to discuss about the strike and its lessons for the movement as a whole.
"""


def _write(tmp_path: Path) -> Path:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    return f


def test_ingest_stores_findings_and_mentions(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    f = _write(tmp_path)
    assert runner.invoke(app, ["ingest", str(tmp_path / "nothing"), "--archive", db, "-q"]).exit_code == 1
    assert runner.invoke(app, ["glossary", "import", "--starter", "--archive", db]).exit_code == 0
    r = runner.invoke(app, ["ingest", str(f), "--archive", db, "-q", "--no-index"])
    assert r.exit_code == 0, r.output
    store = open_store(db)
    try:
        (summary,) = store.list_documents()
        findings = store.findings(summary.id)
        assert any(x.finding.text == "Tbe" for x in findings)
        assert any(m.surface == "Karl Marx" for m in store.mentions_in(summary.id))
    finally:
        store.close()


def test_stages_can_be_switched_off_and_rerun_with_the_archive_lexicon(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    f = _write(tmp_path)
    r = runner.invoke(app, ["ingest", str(f), "--archive", db, "-q", "--no-index", "--no-proofread", "--no-link"])
    assert r.exit_code == 0, r.output
    store = open_store(db)
    (summary,) = store.list_documents()
    assert store.findings(summary.id) == []
    store.close()
    r = runner.invoke(app, ["lexicon", "build", "--proofread", "--archive", db, "-q"])
    assert r.exit_code == 0, r.output
    assert "open findings" in r.output
    store = open_store(db)
    try:
        assert any(x.finding.text == "Tbe" for x in store.findings(summary.id))
    finally:
        store.close()


def test_a_broken_lexicon_is_a_one_line_error(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    f = _write(tmp_path)
    Path(f"{db}.lexicon").write_bytes(b"not gzip")
    r = runner.invoke(app, ["ingest", str(f), "--archive", db, "-q", "--no-index"])
    assert r.exit_code != 0
    assert "lexicon" in r.output and "Traceback" not in r.output
