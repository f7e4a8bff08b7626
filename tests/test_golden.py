"""Golden files: the structured JSON of a few bundled documents of each format, pinned.

Regenerate on purpose after an intended change with:
    MASTHEAD_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
and review the diff (git diff tests/golden) before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import CORPUS
from masthead.ingest import parse_file

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "labor-action": "plaintext/labor-action-1948-03-08-p4-independent-socialism.txt",
    "connolly-laborrep": "mia-markdown/archive/connolly/1898/08/laborrep.md",
    "connolly-justice": "mia-markdown/archive/connolly/1901/05/justice.md",
    "manifesto-ch02": "mia-html/marx/1848/communist-manifesto/ch02.html",
    "inaugural": "mia-html/inaugural.html",
}


def structured(rel: str) -> dict:
    data = parse_file(CORPUS / rel).document.to_dict()
    data["provenance"]["path"] = rel  # independent of where the tests run from
    return data


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    got = structured(CASES[name])
    path = GOLDEN / f"{name}.json"
    if os.environ.get("MASTHEAD_REGEN_GOLDEN"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8")), f"{name}: output differs from {path}"


def test_bundled_corpus_ingests(tmp_path: Path) -> None:
    """Every bundled file becomes a document, except the one page with no title at all."""
    from masthead.pipeline import ingest_paths
    from masthead.store.sqlite import SQLiteStore

    store = SQLiteStore(str(tmp_path / "a.db"))
    report = ingest_paths(store, [CORPUS])
    failed = {Path(o.path).name: o.error for o in report.failed}
    assert list(failed) == ["index.md"] and "no title" in failed["index.md"]
    assert report.counts["new"] == store.count_documents() >= 100
    store.close()
