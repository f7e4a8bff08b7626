"""The store's change feed keeps the search index in step: ingest, revise, delete, crash, rebuild."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from masthead.cli import app
from masthead.model import Block, Document, Source
from masthead.search import SearchIndex
from masthead.search.sync import STATE_FILE, applied_seq, index_path_for, is_stale, reindex, sync
from masthead.store.sqlite import SQLiteStore


def doc(n: int, body: str) -> Document:
    return Document(
        id=f"paper/1948/{n}",
        title=f"Article {n}",
        source=Source(periodical="Labor Action", date=f"1948-03-{n:02d}"),
        blocks=(Block("paragraph", body),),
    )


def ids(ix: SearchIndex, query: str) -> list[str]:
    return sorted(h.doc_id for h in ix.search(query, limit=50).hits)


@pytest.fixture
def pair(tmp_path: Path):
    store = SQLiteStore(str(tmp_path / "a.db"))
    ix = SearchIndex.open(tmp_path / "a.db.index")
    yield store, ix
    ix.close()
    store.close()


def test_saves_revisions_and_deletes_reach_the_index(pair) -> None:
    store, ix = pair
    store.save(doc(1, "the bureaucratic collectivist state"))
    store.save(doc(2, "the workers state degenerated"))
    assert sync(store, ix) == 2  # first sync of a new index rebuilds it
    assert ids(ix, "bureaucratic") == ["paper/1948/1"]
    store.save(doc(1, "a new class society"))  # a new revision
    assert is_stale(store, ix)
    assert sync(store, ix) == 1
    assert not is_stale(store, ix)
    assert ids(ix, "bureaucratic") == [] and ids(ix, "class society") == ["paper/1948/1"]
    store.delete("paper/1948/2")
    sync(store, ix)
    assert ids(ix, "degenerated") == [] and ix.num_documents == 1


def test_crash_between_index_commit_and_state_is_repaired_by_replay(pair) -> None:
    store, ix = pair
    store.save(doc(1, "first text"))
    sync(store, ix)
    state = (ix.path / STATE_FILE).read_text()
    store.save(doc(2, "second text"))
    store.save(doc(1, "first text revised"))
    sync(store, ix, prune=False)
    # simulate a crash after the index committed but before the state was written
    (ix.path / STATE_FILE).write_text(state)
    assert is_stale(store, ix)
    sync(store, ix)
    assert ix.num_documents == 2
    assert ids(ix, "revised") == ["paper/1948/1"]
    assert len(ix.search("text", limit=50).hits) == 2  # no duplicate rows from the replay


def test_lost_state_rebuilds_instead_of_replaying_pruned_changes(pair) -> None:
    store, ix = pair
    for n in range(1, 4):
        store.save(doc(n, f"text number {n}"))
    sync(store, ix)  # prunes the feed
    assert store.changes_since(0) == []
    (ix.path / STATE_FILE).unlink()
    assert applied_seq(ix) is None and is_stale(store, ix)
    assert sync(store, ix) == 3
    assert ix.num_documents == 3
    assert json.loads((ix.path / STATE_FILE).read_text())["seq"] == store.last_change()


def test_reindex_matches_incremental(pair, tmp_path: Path) -> None:
    store, ix = pair
    for n in range(1, 6):
        store.save(doc(n, f"common words and unique{n}"))
    sync(store, ix)
    with SearchIndex.open(tmp_path / "fresh.index") as fresh:
        assert reindex(store, fresh) == 5
        assert ids(fresh, "common") == ids(ix, "common")


def test_cli_ingest_then_search_and_reindex(tmp_path: Path, labor_action: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "a.db")
    assert runner.invoke(app, ["ingest", str(labor_action), "--archive", db, "-q"]).exit_code == 0
    assert index_path_for(db).is_dir()
    r = runner.invoke(app, ["search", '"sick with sorrow"', "--archive", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["total"] == 1 and data["hits"][0]["passages"][0]["anchor"] == "p0"
    r = runner.invoke(app, ["search", "Czechoslovakia", "--archive", db])
    assert r.exit_code == 0 and "Independent Socialism" in r.stdout
    r = runner.invoke(app, ["reindex", "--archive", db])
    assert r.exit_code == 0 and "1 documents indexed" in r.output


def test_index_of_another_format_is_rebuilt_from_the_store(tmp_path: Path) -> None:
    from masthead.search.sync import open_index

    store = SQLiteStore(str(tmp_path / "a.db"))
    for n in range(1, 4):
        store.save(doc(n, f"text number {n}"))
    path = index_path_for(str(tmp_path / "a.db"))
    open_index(store, path).close()
    (path / "masthead-search.json").write_text(json.dumps({"schema_version": 0}))
    told: list[str] = []
    with open_index(store, path, rebuilding=told.append) as ix:
        assert len(told) == 1 and "format 0" in told[0]
        assert ix.num_documents == 3 and not is_stale(store, ix)
    with open_index(store, path, rebuilding=told.append) as ix:  # now current: opened, not rebuilt
        assert len(told) == 1 and ids(ix, "number") == [f"paper/1948/{n}" for n in range(1, 4)]
    (path / "masthead-search.json").write_text("not json")  # a format that cannot be read: rebuilt too
    with open_index(store, path, rebuilding=told.append) as ix:
        assert "unreadable" in told[-1] and ix.num_documents == 3
    (path / "masthead-search.json").write_text(json.dumps({"schema_version": 0}))
    r = CliRunner().invoke(app, ["search", "number", "--archive", str(tmp_path / "a.db"), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "rebuilding it" in r.stderr and json.loads(r.stdout)["total"] == 3
    store.close()
