"""The search index on small built archives: ranking, phrases, filters, facets, folding, sorting,
deletes and replaces, "did you mean", deep links, related articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masthead.model import Block, Document, Note, Source
from masthead.search import QueryError, SearchIndex, SearchIndexError


def doc(
    doc_id: str,
    title: str,
    *paragraphs: str,
    writer: str = "Max Shachtman",
    periodical: str | None = "Labor Action",
    date: str | None = "1948-03-08",
    blocks: tuple[Block, ...] = (),
    notes: tuple[Note, ...] = (),
) -> Document:
    return Document(
        id=doc_id,
        title=title,
        writers=(writer,),
        source=Source(periodical=periodical, date=date),
        blocks=tuple(Block("paragraph", p) for p in paragraphs) + blocks,
        notes=notes,
    )


ARCHIVE = [
    doc(
        "la/1948/strike",
        "The Coal Strike",
        "The miners stopped work across the coalfields on Monday.",
        "The union leaders called for solidarity from every labour organisation in the land.",
        date="1948-03-08",
    ),
    doc(
        "mil/1941/wages",
        "Wages and the War",
        "The labor movement must fight for higher wages while prices rise.",
        "A strike is the last weapon of the workers; the coal strike showed it.",
        writer="James P. Cannon",
        periodical="The Militant",
        date="1941-06-01",
    ),
    doc(
        "ni/1938/jaures",
        "Jaurès and the French Socialists",
        "Jean Jaurès led the French socialists before the first war.",
        "His murder in 1914 opened the road to the union sacrée.",
        writer="Leon Trotsky",
        periodical="New International",
        date="1938-11",
    ),
    doc(
        "ni/1940/centre",
        "The Centre Cannot Hold",
        "The centrists organize nothing; they follow.",
        writer="Leon Trotsky",
        periodical="New International",
        date="1940",
    ),
    doc(
        "undated/essay",
        "An Undated Essay on Wages",
        "Wages are the price of labour power, as every worker learns.",
        writer="Hal Draper",
        periodical=None,
        date=None,
    ),
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    index = SearchIndex.open(tmp_path_factory.mktemp("ix") / "archive.index")
    index.rebuild(ARCHIVE)
    yield index
    index.close()


def ids(res) -> list[str]:
    return [h.doc_id for h in res.hits]


# -- ranking -----------------------------------------------------------------------------------------
def test_title_match_outranks_body_match(tmp_path: Path) -> None:
    docs = [
        doc(
            "body/only",
            "Farm Notes",
            "Tractors, tractors and more tractors: the tractors of the collective farm.",
        ),
        doc("in/title", "Tractors", "A report from the countryside on the state of the harvest this year."),
        doc("in/heading", "Countryside", "Nothing here.", blocks=(Block("heading", "Tractors", level=3),)),
    ]
    with SearchIndex.open(tmp_path / "i") as index:
        index.rebuild(docs)
        assert ids(index.search("tractors")) == ["in/title", "in/heading", "body/only"]


def test_equal_scores_are_broken_by_date(tmp_path: Path) -> None:
    text = "Identical words about the general strike."
    docs = [
        doc("late", "Same", text, date="1950-01-01"),
        doc("early", "Same", text, date="1920-01-01"),
        doc("middle", "Same", text, date="1935-01-01"),
    ]
    with SearchIndex.open(tmp_path / "i") as index:
        index.rebuild(docs)
        assert ids(index.search("general strike")) == ["early", "middle", "late"]


def test_title_match_ranks_document_without_body_match(ix: SearchIndex) -> None:
    res = ix.search("coal strike")
    assert ids(res)[0] == "la/1948/strike"  # title "The Coal Strike"
    assert "mil/1941/wages" in ids(res)  # body "the coal strike showed it"


def test_phrase_requires_adjacent_words(ix: SearchIndex) -> None:
    assert set(ids(ix.search('"coal strike"'))) == {"la/1948/strike", "mil/1941/wages"}
    assert ids(ix.search("miners monday")) == ["la/1948/strike"]
    assert ix.search('"miners monday"').total == 0
    assert ix.search('"strike coal"').total == 0
    assert ix.search('"first war"').hits[0].doc_id == "ni/1938/jaures"


def test_snippet_marks_terms_and_links_the_paragraph(ix: SearchIndex) -> None:
    res = ix.search("solidarity")
    (hit,) = res.hits
    (p,) = hit.passages
    assert p.block == 1 and p.anchor == "p1"
    assert "<mark>solidarity</mark>" in p.snippet
    assert hit.title == "The Coal Strike" and hit.periodical == "Labor Action"
    assert hit.writers == ("Max Shachtman",) and hit.date == "1948-03-08"


def test_title_html_is_highlighted(ix: SearchIndex) -> None:
    hit = ix.search("centre").hits[0]
    assert hit.title_html == "The <mark>Centre</mark> Cannot Hold"


# -- folding -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["Jaures", "jaurès", "JAURES"])
def test_diacritics_and_case_fold(ix: SearchIndex, query: str) -> None:
    res = ix.search(query)
    assert ids(res)[0] == "ni/1938/jaures"
    assert "<mark>Jaurès</mark>" in res.hits[0].passages[0].snippet


def test_british_and_american_spellings_match(ix: SearchIndex) -> None:
    for q in ("labour", "labor"):
        res = ix.search(q)
        assert {"la/1948/strike", "mil/1941/wages", "undated/essay"} <= set(ids(res)), q
    assert "ni/1940/centre" in ids(ix.search("organise"))  # text says "organize"
    assert "la/1948/strike" in ids(ix.search("organization"))  # text says "organisation"
    assert "ni/1940/centre" in ids(ix.search("center"))


def test_spelling_variants_in_a_phrase(ix: SearchIndex) -> None:
    assert ids(ix.search('"labour movement"')) == ["mil/1941/wages"]  # text: "labor movement"


# -- filters and facets ------------------------------------------------------------------------------
def test_field_filters(ix: SearchIndex) -> None:
    assert set(ids(ix.search("writer:trotsky"))) == {"ni/1938/jaures", "ni/1940/centre"}
    assert ids(ix.search('periodical:"the militant"')) == ["mil/1941/wages"]
    assert set(ids(ix.search("year:1938..1941"))) == {"ni/1938/jaures", "ni/1940/centre", "mil/1941/wages"}
    assert ids(ix.search("war year:1941")) == ["mil/1941/wages"]
    assert ids(ix.search("title:centre")) == ["ni/1940/centre"]
    assert ix.search("writer:nobody").total == 0


def test_facet_filters_and_counts(ix: SearchIndex) -> None:
    res = ix.search("the")
    per = {f.value: f.count for f in res.facets["periodical"]}
    assert per["New International"] >= 2 and per["Labor Action"] >= 1
    filtered = ix.search("the", filters={"periodical": "New International"})
    assert set(ids(filtered)) == {"ni/1938/jaures", "ni/1940/centre"}
    assert [f.value for f in filtered.facets["periodical"]] == ["New International"]
    assert {f.value for f in filtered.facets["writer"]} == {"Leon Trotsky"}
    assert filtered.total_passages == per["New International"]  # facet counts are passages by default


def test_facet_counts_in_documents(ix: SearchIndex) -> None:
    res = ix.search("the", facet_unit="documents")
    per = {f.value: f.count for f in res.facets["periodical"]}
    assert per == {"Labor Action": 1, "The Militant": 1, "New International": 2}
    assert {f.value: f.count for f in res.facets["year"]} == {"1938": 1, "1940": 1, "1941": 1, "1948": 1}
    assert {f.value: f.count for f in res.facets["decade"]} == {"1930s": 1, "1940s": 3}
    assert res.facets["entity"] == []


def test_filter_values(ix: SearchIndex) -> None:
    assert ids(ix.search("", filters={"writer": ["Hal Draper"]})) == ["undated/essay"]
    assert set(ids(ix.search("", filters={"decade": 1930}))) == {"ni/1938/jaures"}
    assert set(ids(ix.search("", filters={"year": (1940, 1941)}))) == {"ni/1940/centre", "mil/1941/wages"}
    with pytest.raises(QueryError, match="unknown filter"):
        ix.search("x", filters={"colour": "red"})
    with pytest.raises(QueryError, match="year"):
        ix.search("x", filters={"year": "soon"})


def test_empty_query_lists_every_document_once(ix: SearchIndex) -> None:
    res = ix.search("", limit=20)
    assert res.total == len(ARCHIVE) == len(res.hits) == res.total_passages


# -- sorting and pagination --------------------------------------------------------------------------
def test_sort_by_date(ix: SearchIndex) -> None:
    oldest = ids(ix.search("the", sort="oldest"))
    assert oldest[:4] == ["ni/1938/jaures", "ni/1940/centre", "mil/1941/wages", "la/1948/strike"]
    newest = ids(ix.search("the", sort="newest"))
    assert newest[0] == "la/1948/strike"
    assert ids(ix.search("", sort="oldest", limit=20))[-1] == "undated/essay"  # undated last
    assert ids(ix.search("", sort="newest", limit=20))[-1] == "undated/essay"


def test_pagination(ix: SearchIndex) -> None:
    first = ix.search("the", limit=2)
    second = ix.search("the", limit=2, offset=2)
    assert len(first.hits) == 2 and first.has_more
    assert not set(ids(first)) & set(ids(second))
    assert ids(ix.search("the", limit=4)) == ids(first) + ids(second)


def test_bad_arguments_are_query_errors(ix: SearchIndex) -> None:
    with pytest.raises(QueryError, match="sort"):
        ix.search("x", sort="random")
    with pytest.raises(QueryError, match="limit"):
        ix.search("x", limit=0)
    with pytest.raises(QueryError, match="offset"):
        ix.search("x", offset=-1)


# -- operators ---------------------------------------------------------------------------------------
def test_not_excludes_whole_documents(ix: SearchIndex) -> None:
    assert "la/1948/strike" in ids(ix.search("strike"))
    res = ix.search("strike -miners")
    assert ids(res) == ["mil/1941/wages"]


def test_or_and_prefix(ix: SearchIndex) -> None:
    assert set(ids(ix.search("miners OR centrists"))) == {"la/1948/strike", "ni/1940/centre"}
    res = ix.search("social*")
    assert ids(res) == ["ni/1938/jaures"]
    assert "<mark>socialists</mark>" in res.hits[0].passages[0].snippet


# -- "did you mean" and typos ------------------------------------------------------------------------
def test_did_you_mean_without_fuzzy(ix: SearchIndex) -> None:
    res = ix.search("solidarty", fuzzy=False)
    assert res.total == 0
    assert res.did_you_mean == "solidarity"


def test_typo_is_corrected_and_searched(ix: SearchIndex) -> None:
    res = ix.search("coalfeilds miners")
    assert ids(res) == ["la/1948/strike"]
    assert res.corrections == {"coalfeilds": ["coalfields"]}
    assert res.did_you_mean == "coalfields miners"
    assert "<mark>coalfields</mark>" in res.hits[0].passages[0].snippet


def test_relaxed_when_no_paragraph_has_every_word(ix: SearchIndex) -> None:
    res = ix.search("miners stopped work zebra")
    assert res.relaxed and ids(res) == ["la/1948/strike"]
    assert not ix.search("miners stopped work").relaxed


def test_suggest(ix: SearchIndex) -> None:
    assert ix.suggest("murdr") == ["murder"]
    assert ix.suggest("x") == []


# -- writes ------------------------------------------------------------------------------------------
def test_delete_and_replace_are_idempotent(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "i") as index:
        d = ARCHIVE[0]
        index.add(d)
        index.add(d)  # the same document twice: replaced, not doubled
        index.commit()
        rows = index.num_rows
        assert rows == 1 + len(d.blocks) and index.num_documents == 1
        index.replace(d)
        index.commit()
        assert index.num_rows == rows
        changed = d.replace(blocks=(Block("paragraph", "Entirely new words about tractors."),))
        index.replace(changed)
        index.commit()
        assert index.search("miners").total == 0
        assert ids(index.search("tractors")) == [d.id]
        index.delete(d.id)
        index.delete(d.id)
        index.delete("never/indexed")
        index.commit()
        assert index.search("tractors").total == 0 and index.num_rows == 0
        assert d.id not in index


def test_uncommitted_changes_are_invisible_and_rollback(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "i") as index:
        index.add(ARCHIVE[1])
        assert index.search("wages").total == 0
        index.rollback()
        index.commit()
        assert index.search("wages").total == 0
        index.add(ARCHIVE[1])
        index.commit()
        assert index.search("wages").total == 1


def test_index_persists_and_learns_new_words(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "i") as index:
        index.add(ARCHIVE[2])
        index.commit()
    with SearchIndex.open(tmp_path / "i") as index:
        assert ids(index.search("jaures")) == ["ni/1938/jaures"]
        index.add(doc("x/1", "Dialectics", "Materialist dialectics explained."))
        index.commit()
        assert index.suggest("dialectcs") == ["dialectics"]


def test_other_format_is_refused(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "i"):
        pass
    (tmp_path / "i" / "masthead-search.json").write_text(json.dumps({"schema_version": 0}))
    with pytest.raises(SearchIndexError, match="rebuild"):
        SearchIndex.open(tmp_path / "i")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(SearchIndexError, match="not a Masthead search index"):
        SearchIndex.open(tmp_path / "other")
    with pytest.raises(SearchIndexError, match="not a Masthead search index"):
        SearchIndex.open(tmp_path / "other" / "notes.txt")


def test_failed_rebuild_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    def broken():
        yield ARCHIVE[0]
        raise RuntimeError("store went away")

    with SearchIndex.open(tmp_path / "i") as index:
        index.rebuild(ARCHIVE[1:3])
        with pytest.raises(RuntimeError):
            index.rebuild(broken())
        index.commit()
        assert sorted(ids(index.search(""))) == ["mil/1941/wages", "ni/1938/jaures"]


# -- rows and deep links -----------------------------------------------------------------------------
def test_blocks_lists_quotes_notes_and_anchors(tmp_path: Path) -> None:
    d = Document(
        id="t/deep",
        title="Deep Links",
        source=Source(periodical="Labor Action", date="1950-01-02"),
        blocks=(
            Block("heading", "Section on Housing", level=4),
            Block("paragraph", "Rents rose sharply in the cities."),
            Block("section_break"),
            Block(
                "list",
                children=(Block("item", "first demand: rent control"), Block("item", "second: repairs")),
            ),
            Block("quote", children=(Block("paragraph", "Landlords <script>alert(1)</script> profit."),)),
            Block("paragraph", "Explicit anchor paragraph about tenants.", anchor="tenants"),
        ),
        notes=(Note("n1", "1", (Block("paragraph", "See the housing census of 1950."),)),),
    )
    with SearchIndex.open(tmp_path / "i") as index:
        index.add(d)
        index.commit()

        def first(q: str):
            return index.search(q).hits[0].passages[0]

        assert (first("rents").block, first("rents").anchor, first("rents").heading) == (
            1,
            "p1",
            "Section on Housing",
        )
        assert (first("repairs").block, first("repairs").anchor, first("repairs").kind) == (3, "p3", "list")
        assert first("landlords").anchor == "p4"
        assert "&lt;script&gt;" in first("landlords").snippet and "<script>" not in first("landlords").snippet
        assert first("tenants").anchor == "tenants"
        assert (first("census").anchor, first("census").kind) == ("n1", "endnote")
        res = index.search("housing")  # in the heading row and the note
        assert res.total == 1 and res.total_passages >= 2
        rows = index.document_rows("t/deep")
        assert rows[0]["kind"] == ["title"] and len(rows) == 1 + 5 + 1  # title, 5 text blocks, 1 note


# -- related -----------------------------------------------------------------------------------------
def test_related_articles(tmp_path: Path) -> None:
    docs = [
        doc("a", "Miners", "Coal miners strike in the coalfields; pits closed; the miners union holds firm."),
        doc("b", "Pits", "The coalfields are silent: miners and their union keep the pits closed."),
        doc("c", "Opera", "The opera season opened with a soprano and a new orchestra conductor."),
        doc("d", "Music", "An orchestra, a conductor and a soprano: notes on the opera season."),
    ]
    with SearchIndex.open(tmp_path / "i") as index:
        index.rebuild(docs)
        assert [d for d, _ in index.related("a", limit=3)][0] == "b"
        assert [d for d, _ in index.related("c", limit=3)][0] == "d"
        assert "a" not in [d for d, _ in index.related("a")]
        assert index.related("missing") == []


def test_words_close_together_outrank_scattered_words(tmp_path: Path) -> None:
    docs = [
        doc("scattered", "One", "The general mood was calm; a strike seemed far off, said the committee."),
        doc("together", "Two", "Then the committee called the general strike at noon."),
    ]
    with SearchIndex.open(tmp_path / "i") as index:
        index.rebuild(docs)
        assert ids(index.search("committee general strike")) == ["together", "scattered"]


def test_entities_are_a_field_and_a_facet(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "i") as index:
        index.add(ARCHIVE[0], entities=["United Mine Workers", "John L. Lewis"])
        index.add(ARCHIVE[1], entities=["John L. Lewis"])
        index.add(ARCHIVE[2])
        index.commit()
        assert set(ids(index.search('entity:"john l lewis"'))) == {"la/1948/strike", "mil/1941/wages"}
        assert ids(index.search("entity:mine")) == ["la/1948/strike"]
        res = index.search("the", facet_unit="documents")
        assert {f.value: f.count for f in res.facets["entity"]} == {"John L. Lewis": 2, "United Mine Workers": 1}
        assert ids(index.search("the", filters={"entity": "United Mine Workers"})) == ["la/1948/strike"]


def test_document_total_is_estimated_from_a_sample_for_large_results(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import masthead.search.collect as collect

    exact = ix.search("the")
    assert not exact.total_estimated and exact.total == len(ARCHIVE)
    monkeypatch.setattr(collect, "EXACT_DOCS_ROWS", 1)
    monkeypatch.setattr(collect, "SAMPLE_ROWS", 1)
    sampled = ix.search("the")
    assert sampled.total_estimated
    rows, shift = sampled.total_passages, 0
    while rows >> shift > 1:
        shift += 1
    # documents counted in a 1/2**shift share of the key space, times 2**shift (at most the rows)
    assert sampled.total % (1 << shift) == 0 or sampled.total == rows
    assert 0 <= sampled.total <= rows
    assert ids(sampled) == ids(exact)


@pytest.mark.parametrize("cores_free", [True, False])
def test_documents_beyond_rows_crowded_by_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores_free: bool
) -> None:
    """A heading that matches brings every row under it: the top rows can all come from one document,
    and the others must still be found, below it, with the right totals."""
    import masthead.search.index as index_module

    monkeypatch.setattr(index_module, "_cores_free", lambda: cores_free)
    crowd = Document(
        id="la/crowd",
        title="Notes",
        writers=("Hal Draper",),
        source=Source(periodical="Labor Action", date="1948-01-01"),
        blocks=(Block("heading", "Coal miners", level=2),)
        + tuple(Block("paragraph", f"Item {i} of the week's news.") for i in range(120)),
    )
    others = [doc(f"la/other{i}", f"Report {i}", f"The coal miners of district {i} voted.") for i in range(12)]
    with SearchIndex.open(tmp_path / "i") as index:
        index.rebuild([crowd, *others])
        res = index.search("coal miners", limit=10)
        assert res.hits[0].doc_id == "la/crowd"
        assert len(res.hits) == 10 and len({h.doc_id for h in res.hits}) == 10
        assert res.total == 13 and not res.total_estimated
        assert res.total_passages == 121 + 12  # the heading row and every row under it, and the others
        page2 = index.search("coal miners", limit=10, offset=10)
        assert {h.doc_id for h in page2.hits} | {h.doc_id for h in res.hits} == {"la/crowd"} | {d.id for d in others}
        assert {f.value: f.count for f in res.facets["writer"]} == {"Hal Draper": 121, "Max Shachtman": 12}


@pytest.mark.parametrize(
    "query", ["strike", "the coal", '"coal strike"', "wages OR jaures", "labour", "strike -coal", "wges"]
)
def test_max_rows_bounds_the_matching_rows(ix: SearchIndex, query: str) -> None:
    from masthead.search.compile import Compiler
    from masthead.search.query import parse_query

    s = ix._index.searcher()
    compiled = Compiler(ix._schema, ix._analyzer, s, ix._vocab).compile(parse_query(query))
    assert compiled.max_rows is not None
    assert ix.search(query).total_passages <= compiled.max_rows


@pytest.mark.parametrize("cores_free", [True, False])
def test_totals_do_not_depend_on_how_the_passes_run(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch, cores_free: bool
) -> None:
    import masthead.search.collect as collect
    import masthead.search.index as index_module

    monkeypatch.setattr(collect, "EXACT_DOCS_ROWS", 2)  # small sets counted, not listed from the ranking
    monkeypatch.setattr(index_module, "_cores_free", lambda: cores_free)
    for query in ("the", "wages", '"coal strike"', "strike OR war"):
        res = ix.search(query, limit=1)
        every = {h.doc_id for h in ix.search(query, limit=50).hits}
        assert res.total == len(every) and not res.total_estimated, query
