"""Writers and periodicals in the catalogue: title variants, writers from archive folders, and merges,
splits and aliases through the store, which never lose a document's link (also across re-ingests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from masthead.catalogue.titles import display_title, periodical_key, split_place, writer_key
from masthead.catalogue.writers import PathWriters, archive_folder, folder_matches, writer_from_path
from masthead.model import Block, Document, Provenance, Source
from masthead.pipeline import ingest_paths
from masthead.store import StoreError
from masthead.store.sqlite import SQLiteStore


def doc(doc_id: str, writers: tuple[str, ...], *, periodical: str | None = "Labor Action", body: str = "Text.", **src):
    source = Source(periodical=periodical, volume=src.get("volume", 12), issue=src.get("issue", 10), date="1948-03-08")
    return Document(
        id=doc_id,
        title=doc_id.title(),
        writers=writers,
        source=source,
        blocks=(Block("paragraph", text=body),),
        provenance=Provenance(path=f"src/{doc_id}.txt"),
    )


def links(store: SQLiteStore) -> dict[str, set[str]]:
    """Every document's writer slugs, from the link table."""
    out: dict[str, set[str]] = {}
    for d in store.list_documents():
        out[d.id] = {w.slug for w in store.writers() if d.id in {x.id for x in store.list_documents(writer=w.slug)}}
    return out


# -- titles ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "title",
    ["Labor Action", "LABOR ACTION", "Labor Action (New York)", "The Labor Action", "labor  action."],
)
def test_labor_action_variants_share_a_key(title: str) -> None:
    assert periodical_key(title) == "labor action"


def test_workers_republic_variants_share_a_key() -> None:
    keys = {
        periodical_key(t)
        for t in ("Workers' Republic", "The Workers’ Republic", "Workers Republic", "WORKERS' REPUBLIC")
    }
    assert keys == {"workers republic"}
    assert periodical_key("Socialist Standard") != periodical_key("The Socialist")


def test_place_and_display_title() -> None:
    assert split_place("Labor Action (New York)") == ("Labor Action", "New York")
    assert split_place("Bulletin (1934)") == ("Bulletin (1934)", None)  # a year is not a place
    assert display_title("LABOR ACTION") == "Labor Action"
    assert display_title("Labor Action (New York)") == "Labor Action"
    assert writer_key("C. L. R. James") == writer_key("C.L.R. James") == "c l r james"


# -- writers from archive folders -----------------------------------------------------------------------
def test_folder_names_its_writer() -> None:
    assert archive_folder("examples/corpus/mia-markdown/archive/padmore/1931/negro-toilers/ch06.md") == "padmore"
    assert archive_folder("texts/labor-action/1948.txt") is None
    assert folder_matches("George Padmore", "padmore")
    assert folder_matches("C.L.R. James", "james-clr")
    assert folder_matches("James Connolly", "james-connolly")
    assert not folder_matches("Henry James", "james-clr")
    assert not folder_matches("Karl Marx", "engels")
    assert writer_from_path("archive/marx/works/1867/c1.htm", ["Karl Marx", "Frederick Engels"]) == "Karl Marx"
    assert writer_from_path("archive/james/x.htm", ["Henry James", "C.L.R. James"]) is None  # ambiguous


def test_path_writers_learn_from_bylines_and_index_pages() -> None:
    pw = PathWriters()
    index = Document(id="i", title="C.L.R. James Archive", provenance=Provenance(path="archive/james-clr/index.md"))
    pw.learn(index)
    assert pw.writer_for("archive/james-clr/works/1948/x.md") == "C.L.R. James"
    unsigned = Document(id="u", title="Untitled", provenance=Provenance(path="archive/james-clr/works/1950/y.md"))
    assert pw.fill(unsigned).writers == ("C.L.R. James",)
    assert pw.fill(index).writers == ()  # an index page is the archive's, not a work


def test_ingest_gives_an_unsigned_work_its_folders_writer(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        ingest_paths(store, [CORPUS / "mia-markdown" / "archive" / "padmore"])
        chapter = next(d for d in store.list_documents() if "negro" in (store.get(d.id).provenance.path or ""))
        assert chapter.writers == ("George Padmore",)
        assert store.get(chapter.id).writers == ("George Padmore",)


def test_ingest_learns_the_folder_from_a_later_index_page(tmp_path: Path) -> None:
    root = tmp_path / "archive" / "smith"
    (root / "1900").mkdir(parents=True)
    (root / "1900" / "a.md").write_text("# A Pamphlet\n\nSome text of the pamphlet.\n", encoding="utf-8")
    (root / "index.md").write_text("# John Smith\n\nWorks of the writer.\n", encoding="utf-8")
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        report = ingest_paths(store, [tmp_path / "archive"])
        assert report.counts["failed"] == 0
        pamphlet = next(d for d in store.list_documents() if d.title == "A Pamphlet")
        assert pamphlet.writers == ("John Smith",)


# -- periodical variants through the store --------------------------------------------------------------
def test_title_variants_are_one_periodical(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        store.save(doc("a", ("X",), periodical="LABOR ACTION"))
        store.save(doc("b", ("X",), periodical="Labor Action (New York)", issue=11))
        store.save(doc("c", ("X",), periodical="The Labor Action", issue=12))
        [p] = store.periodicals()
        assert (p.slug, p.title, p.documents) == ("labor-action", "Labor Action", 3)
        assert store.periodical_details("labor-action")["place"] == "New York"
        assert store.periodical_variants("labor-action") == [
            "LABOR ACTION",
            "Labor Action (New York)",
            "The Labor Action",
        ]
        assert len(store.issues("labor-action")) == 3


def test_alias_periodical_moves_documents_and_issues(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        store.save(doc("a", ("X",), periodical="Labor Action"))
        store.save(doc("b", ("X",), periodical="L.A. Weekly", issue=10))  # same issue, other title
        store.save(doc("c", ("X",), periodical="L.A. Weekly", issue=11))
        assert store.alias_periodical("L.A. Weekly", "labor-action") == 2
        assert [p.slug for p in store.periodicals()] == ["labor-action"]
        issues = store.issues("labor-action")
        assert sorted(len(i.documents) for i in issues) == [1, 2]  # No. 10 became one issue
        store.save(doc("d", ("X",), periodical="L.A. Weekly", issue=12))
        assert store.count_documents(periodical="labor-action") == 4
        with pytest.raises(StoreError, match="no periodical"):
            store.alias_periodical("Anything", "nope")


# -- merges, splits, aliases ----------------------------------------------------------------------------
def test_merge_moves_every_document_and_remembers_the_alias(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        store.save(doc("a", ("Jim Connolly",)))
        store.save(doc("b", ("James Connolly",)))
        store.save(doc("c", ("Jim Connolly", "James Connolly")))
        store.save(doc("d", ("Jim Connolly", "Other Writer")))
        before = store.last_change()
        assert store.merge_writers("jim-connolly", "james-connolly") == 3
        assert store.writer("jim-connolly") is None
        assert store.writer("james-connolly").documents == 4
        assert store.writer_aliases("james-connolly") == ["Jim Connolly"]
        assert {c.document_id for c in store.changes_since(before)} == {"a", "c", "d"}
        listed = {d.id: d.writers for d in store.list_documents()}
        assert listed["c"] == ("James Connolly",) and listed["d"] == ("James Connolly", "Other Writer")
        # a re-ingest (changed text) and a new document with the alias byline both go to the merged writer
        store.save(doc("a", ("Jim Connolly",), body="Edited text."))
        store.save(doc("e", ("Jim Connolly",)))
        assert store.writer("jim-connolly") is None
        assert {d.id for d in store.list_documents(writer="james-connolly")} == {"a", "b", "c", "d", "e"}
        assert [(n, w.slug if w else None) for n, w in store.writer_links("a", ["Jim Connolly"])] == [
            ("Jim Connolly", "james-connolly")
        ]


def test_merge_errors_change_nothing(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        store.save(doc("a", ("A Writer",)))
        with pytest.raises(StoreError, match="no writer 'nobody'"):
            store.merge_writers("a-writer", "nobody")
        with pytest.raises(StoreError, match="into itself"):
            store.merge_writers("a-writer", "a-writer")
        assert store.writer("a-writer").documents == 1


def test_split_moves_some_documents_and_survives_reingest(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        for i in range(4):
            store.save(doc(f"d{i}", ("James Connolly",)))
        new = store.split_writer("james-connolly", "James Connolly (Dublin)", ["d1", "d3"])
        assert new == "james-connolly-dublin"
        assert {d.id for d in store.list_documents(writer=new)} == {"d1", "d3"}
        assert {d.id for d in store.list_documents(writer="james-connolly")} == {"d0", "d2"}
        store.save(doc("d1", ("James Connolly",), body="Re-ingested."))
        assert {d.id for d in store.list_documents(writer=new)} == {"d1", "d3"}
        assert store.get("d1").writers == ("James Connolly",)  # the byline as printed is kept
        with pytest.raises(StoreError, match="not credited"):
            store.split_writer("james-connolly", "Someone", ["d0", "d1"])
        assert {d.id for d in store.list_documents(writer="james-connolly")} == {"d0", "d2"}  # rolled back
        assert store.writer("someone") is None


def test_alias_before_ingest_and_alias_merging(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        store.save(doc("a", ("C.L.R. James",)))
        assert store.add_writer_alias("J. Meyer", "c-l-r-james") == 0
        store.save(doc("b", ("J. Meyer",)))
        assert store.writer("j-meyer") is None and store.writer("c-l-r-james").documents == 2
        store.save(doc("c", ("Johnson",)))
        assert store.add_writer_alias("Johnson", "c-l-r-james") == 1  # an existing writer is merged
        assert store.writer_aliases("c-l-r-james") == ["J. Meyer", "Johnson"]


names = st.sampled_from(["Ann Roe", "Bob Poe", "Cy Doe", "Di Loe"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bylines=st.lists(st.lists(names, min_size=1, max_size=3, unique=True), min_size=1, max_size=8),
    ops=st.lists(st.tuples(st.sampled_from(["merge", "split"]), names, names, st.integers(0, 7)), max_size=6),
)
def test_merges_and_splits_never_lose_a_link(tmp_path: Path, bylines: list[list[str]], ops: list) -> None:  # type: ignore[type-arg]
    path = tmp_path / "p.db"
    path.unlink(missing_ok=True)
    with SQLiteStore(str(path)) as store:
        for i, b in enumerate(bylines):
            store.save(doc(f"d{i}", tuple(b)))
        state = links(store)
        for op, a, b, k in ops:
            sa, sb = a.lower().replace(" ", "-"), b.lower().replace(" ", "-")
            try:
                if op == "merge":
                    store.merge_writers(sa, sb)
                else:
                    mine = [d.id for d in store.list_documents(writer=sa)]
                    store.split_writer(sa, f"{b} II", mine[: 1 + k % max(len(mine), 1)])
            except StoreError:
                pass
            state = links(store)
            assert all(state[f"d{i}"] for i in range(len(bylines))), state  # every document keeps a writer
            assert all(store.writer(s) is not None for ws in state.values() for s in ws)
        # re-ingesting every document with new text files it under the same writers
        for i, b in enumerate(bylines):
            store.save(doc(f"d{i}", tuple(b), body="Changed."))
        assert links(store) == state
        for d in store.list_documents():
            assert set(d.writers) == {store.writer(s).name for s in state[d.id]}


def test_an_archive_from_before_variants_keeps_its_periodicals(tmp_path: Path) -> None:
    import sqlite3

    from masthead.store import migrations as mig

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    mig.migrate(conn, target=3)
    conn.execute("INSERT INTO periodicals (slug, title) VALUES ('the-workers-republic', 'The Workers'' Republic')")
    conn.close()
    with SQLiteStore(str(path)) as store:
        assert store.schema_version == mig.LATEST
        store.save(doc("a", ("James Connolly",), periodical="Workers' Republic"))
        assert [p.slug for p in store.periodicals()] == ["the-workers-republic"]
        assert store.count_documents(periodical="the-workers-republic") == 1


def test_bundled_workers_republic_is_one_periodical(tmp_path: Path) -> None:
    with SQLiteStore(str(tmp_path / "a.db")) as store:
        ingest_paths(store, [CORPUS / "mia-markdown" / "archive" / "connolly"])
        slugs = [p.slug for p in store.periodicals() if "republic" in p.slug]
        assert slugs == ["workers-republic"]
        assert store.periodical_variants("workers-republic") == ["The Workers' Republic", "Workers' Republic"]
        issues, _ = store.calendar_rows("workers-republic")
        from masthead.catalogue.calendar import learn_rhythm

        rhythm = learn_rhythm(issues)
        assert (rhythm.frequency, rhythm.weekday) == ("weekly", 5)  # Saturdays


def test_search_follows_pen_names_and_merges(tmp_path: Path) -> None:
    """The writer facet counts a pen name under its writer and a writer filter finds every name's
    articles, as soon as an editor merges the writers: the index (bylines as printed) is not rebuilt."""
    from masthead.search import SearchIndex
    from masthead.search.sync import sync
    from masthead.web.search import SearchParams, SearchService

    store = SQLiteStore(str(tmp_path / "a.db"))
    store.save(doc("la/1", ("C.L.R. James",), body="The revolutionary answer to the Negro problem."))
    store.save(doc("la/2", ("J.R. Johnson",), body="The revolutionary party and the Negro question."))
    store.save(doc("la/3", ("Max Shachtman",), body="The revolutionary party in America."))
    with SearchIndex.open(tmp_path / "ix") as index:
        sync(store, index)
        service = SearchService(store, index)

        def facet(**filters: str) -> dict[str, int]:
            params = SearchParams(q="revolutionary", filters=tuple(filters.items()))
            return {f.value: f.count for f in service.search(params).facets["writer"]}

        assert facet() == {"C.L.R. James": 1, "J.R. Johnson": 1, "Max Shachtman": 1}
        store.merge_writers("j-r-johnson", "c-l-r-james")
        assert facet() == {"C.L.R. James": 2, "Max Shachtman": 1}
        assert facet(writer="C.L.R. James") == {"C.L.R. James": 2}
        assert facet(writer="J.R. Johnson") == {"C.L.R. James": 2}  # an old link to the pen name still works
        store.add_writer_alias("Martin Abern", "max-shachtman")  # a name no article carries: nothing changes
        assert facet() == {"C.L.R. James": 2, "Max Shachtman": 1}

        def typed(query: str) -> list[str]:  # writer: typed in the query follows the catalogue too
            return sorted(h.doc_id for h in service.search(SearchParams(q=query)).hits)

        assert typed("revolutionary writer:james") == ["la/1", "la/2"]
        assert typed('revolutionary writer:"j.r. johnson"') == ["la/1", "la/2"]
        assert typed("revolutionary writer:abern") == ["la/3"]  # the alias names Shachtman
        assert typed("revolutionary writer:shachtman") == ["la/3"]
        assert sorted(h.doc_id for h in index.search("revolutionary writer:james").hits) == ["la/1"]  # bylines
    store.close()


def test_static_search_filters_by_the_writer_an_article_is_filed_under(tmp_path: Path) -> None:
    from masthead.publish import build_site

    store = SQLiteStore(str(tmp_path / "a.db"))
    store.save(doc("la/1", ("C.L.R. James",)))
    store.save(doc("la/2", ("J.R. Johnson",)))
    store.merge_writers("j-r-johnson", "c-l-r-james")
    site = tmp_path / "site"
    build_site(store, site, pagefind=False, downloads=False)
    page = (site / "articles" / "la" / "2" / "index.html").read_text(encoding="utf-8")
    assert '<span data-pagefind-filter="writer">C.L.R. James</span>' in page
    assert 'data-pagefind-filter="writer">J.R. Johnson' not in page
    assert "J.R. Johnson" in page  # the byline as printed stays on the page
    store.close()
