"""The store's glossary tables: entries, the proposals queue, mentions, merges that never lose a link;
linking the archive and the ingest hook."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import LABOR_ACTION
from masthead.glossary import Entry, Matcher, Mention, link_document, starter_entries
from masthead.glossary.archive import link_archive, make_linker
from masthead.model import Block, Document, Source
from masthead.pipeline import ingest_paths
from masthead.store import StoreError, open_store
from masthead.store import migrations as mig

MARX = Entry("karl-marx", "person", "Karl Marx", ("Marx",), 1818, 1883, related=("friedrich-engels",))
KMARX = Entry("k-marx", "person", "K. Marx", ("Dr. Marx",), links=("https://example.org/km",))
ENGELS = Entry("friedrich-engels", "person", "Friedrich Engels", ("Engels",), related=("k-marx",))


def _doc(doc_id: str, text: str, year: str = "1890") -> Document:
    return Document(id=doc_id, title="T", source=Source(periodical="P", date=year), blocks=(Block("paragraph", text),))


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def test_schema_has_glossary_tables(tmp_path) -> None:
    path = tmp_path / "a.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"entries", "mentions"} <= tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == mig.LATEST
    conn.close()


def test_an_older_archive_is_migrated(tmp_path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    mig.migrate(conn, target=mig.LATEST - 1)
    conn.close()
    with open_store(str(path)) as s:
        assert s.schema_version == mig.LATEST
        assert s.save_entries([MARX]) == {"new": 1, "changed": 0, "unchanged": 0}


def test_entries_saved_listed_updated(store) -> None:
    assert store.save_entries([MARX, ENGELS]) == {"new": 2, "changed": 0, "unchanged": 0}
    assert store.save_entries([MARX, ENGELS.replace(description="d")]) == {"new": 0, "changed": 1, "unchanged": 1}
    assert store.get_entry("karl-marx") == MARX
    assert [e.id for e in store.list_entries()] == ["friedrich-engels", "karl-marx"]
    assert store.list_entries(type="party") == []
    assert store.get_entry("nobody") is None


def test_mentions_per_revision(store) -> None:
    store.save_entries([MARX])
    store.save(_doc("a", "Marx wrote."))
    m = link_document(store.get("a"), Matcher([MARX]))
    assert store.replace_mentions("a", 1, m) == 1
    assert store.mentions_in("a") == m
    [(summary, found)] = store.mentions_of("karl-marx")
    assert summary.id == "a" and found[0].surface == "Marx"
    assert store.mention_counts() == {"karl-marx": (1, 1)}
    store.save(_doc("a", "Marx wrote again."))  # a new revision hides the old mentions until relinked
    assert store.mentions_in("a") == [] and store.mentions_of("karl-marx") == []
    assert store.mentions_in("a", revision=1) == m
    store.delete("a")
    assert store.mentions_in("a", revision=1) == []
    with pytest.raises(StoreError):
        store.replace_mentions("a", 1, m)


def test_mentions_of_unknown_entries_are_skipped(store) -> None:
    store.save(_doc("a", "x"))
    assert store.replace_mentions("a", 1, [Mention(0, 1, "x", "ghost", "person", 0.9)]) == 0


def test_merge_moves_names_and_mentions(store) -> None:
    store.save_entries([MARX, KMARX, ENGELS])
    store.save(_doc("a", "K. Marx and Marx"))
    store.replace_mentions(
        "a", 1, [Mention(0, 7, "K. Marx", "k-marx", "person", 0.9), Mention(12, 16, "Marx", "karl-marx", "person", 0.8)]
    )
    merged = store.merge_entries("k-marx", "karl-marx")
    assert "K. Marx" in merged.aliases and "Dr. Marx" in merged.aliases and merged.links == KMARX.links
    assert [m.entry_id for m in store.mentions_in("a")] == ["karl-marx", "karl-marx"]
    old = store.get_entry("k-marx")
    assert old.status == "merged" and old.merged_into == "karl-marx"
    assert store.resolve_entry("k-marx").id == "karl-marx"
    assert store.get_entry("friedrich-engels").related == ("karl-marx",)  # pointed at the merged entry
    assert "k-marx" not in {e.id for e in store.list_entries()}
    with pytest.raises(StoreError, match="already merged"):
        store.merge_entries("k-marx", "karl-marx")
    with pytest.raises(StoreError, match="itself"):
        store.merge_entries("karl-marx", "karl-marx")
    with pytest.raises(StoreError, match="no glossary entry 'nobody'"):
        store.merge_entries("nobody", "karl-marx")
    # after a merge, relinking finds the old name as an alias of the surviving entry
    assert {m.entry_id for m in link_document(store.get("a"), Matcher(store.list_entries()))} == {"karl-marx"}


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=8), st.integers(1, 30))
@settings(max_examples=40, deadline=None)
def test_merges_never_lose_a_mention(merges: list[tuple[int, int]], n_mentions: int) -> None:
    with open_store(":memory:") as s:
        entries = [Entry(f"e{i}", "person", f"Name{i}") for i in range(6)]
        s.save_entries(entries)
        s.save(_doc("a", "x" * 100))
        mentions = [Mention(i * 3, i * 3 + 2, "xx", f"e{i % 6}", "person", 0.5) for i in range(n_mentions)]
        s.replace_mentions("a", 1, mentions)
        for a, b in merges:
            try:
                s.merge_entries(f"e{a}", f"e{b}")
            except StoreError:
                pass  # merging into itself or a merged entry is refused, changing nothing
        stored = s.mentions_in("a")
        assert len(stored) == n_mentions
        for m in stored:
            assert s.get_entry(m.entry_id).status == "accepted"
        for e in entries:  # every old id still leads to an accepted entry
            assert s.resolve_entry(e.id).status == "accepted"
        total = sum(n for n, _ in s.mention_counts().values())
        assert total == n_mentions


def test_proposals_queue(store) -> None:
    store.save_entries([MARX])
    queued = store.propose_entries(
        [(Entry("hyndman", "person", "Hyndman"), {"documents": 3}), (MARX, {}), (Entry("irish", "other", "Irish"), {})]
    )
    assert queued == 2 and store.get_entry("karl-marx").status == "accepted"
    assert [e.id for e in store.list_entries(status="proposed")] == ["hyndman", "irish"]
    assert store.entry_evidence("hyndman") == {"documents": 3}
    store.set_entry_status("hyndman", "accepted")
    store.set_entry_status("irish", "rejected")
    assert store.propose_entries([(Entry("irish", "other", "Irish"), {})]) == 0  # a rejection is remembered
    assert store.get_entry("irish").status == "rejected"
    store.propose_entries([(Entry("marx-2", "person", "Marx"), {})])
    store.merge_entries("marx-2", "karl-marx")  # merge a proposal into an existing entry
    assert store.get_entry("marx-2").status == "merged"
    with pytest.raises(StoreError, match="no glossary entry"):
        store.set_entry_status("nobody", "accepted")


def test_link_archive_and_ingest_hook(tmp_path) -> None:
    with open_store(str(tmp_path / "a.db")) as s:
        s.save_entries(starter_entries())
        report = ingest_paths(s, [LABOR_ACTION], linker=make_linker(s))
        doc_id = report.outcomes[0].id
        found = {m.entry_id for m in s.mentions_in(doc_id)}
        assert {"leon-trotsky", "joseph-stalin", "fourth-international"} <= found
        s.replace_mentions(doc_id, 1, [])
        result = link_archive(s)
        assert result.documents == 1 and {m.entry_id for m in s.mentions_in(doc_id)} == found
        assert "linked 1 documents" in result.summary()


def test_a_linker_failure_is_a_warning_not_a_failed_file(tmp_path) -> None:
    def broken(doc):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    with open_store(str(tmp_path / "a.db")) as s:
        report = ingest_paths(s, [LABOR_ACTION], linker=broken)
        [outcome] = report.outcomes
        assert outcome.status == "new" and s.get(outcome.id) is not None
        assert any("glossary mentions not stored: boom" in w.message for w in outcome.warnings)


def test_changes_to_what_an_article_names_reach_the_search_index(tmp_path) -> None:
    """Linking, merging, renaming and rejecting entries queue the articles whose entity names change, so
    a sync (as the web app runs before each search) keeps the ``entity:`` filter and facet true."""
    from masthead.search import SearchIndex
    from masthead.search.sync import sync

    store = open_store(str(tmp_path / "a.db"))
    store.save(_doc("a", "Marx and Engels wrote together."))
    store.save(_doc("b", "Nothing about them here."))
    with SearchIndex.open(tmp_path / "ix") as index:
        sync(store, index)

        def named(query: str) -> set[str]:
            sync(store, index)
            return {h.doc_id for h in index.search(query).hits}

        assert named('entity:"Karl Marx"') == set()
        store.save_entries([MARX, ENGELS])
        store.replace_mentions("a", 1, link_document(store.get("a"), Matcher([MARX, ENGELS])))
        assert named('entity:"Karl Marx"') == {"a"} and named('entity:"Friedrich Engels"') == {"a"}
        seq = store.last_change()
        store.replace_mentions("a", 1, link_document(store.get("a"), Matcher([MARX, ENGELS])))
        assert store.last_change() == seq, "linking again to the same entries queues nothing"
        store.merge_entries(ENGELS.id, MARX.id)
        assert named('entity:"Friedrich Engels"') == set() and named('entity:"Karl Marx"') == {"a"}
        store.save_entry(store.get_entry(MARX.id).replace(name="Karl Heinrich Marx"))
        assert named('entity:"Karl Heinrich Marx"') == {"a"}
        store.set_entry_status(MARX.id, "rejected")
        assert named('entity:"Karl Heinrich Marx"') == set()
    store.close()
