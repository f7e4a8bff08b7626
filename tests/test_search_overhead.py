"""The per-query shortcuts of the search keep its answers: document totals counted without a separate
pass (small result sets, phrases counted in the facet pass) and the highlighter's word-start check."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.model import Block, Document, Source
from masthead.search import SearchIndex
from masthead.search.results import Highlighter, _fold_with_map


def _doc(i: int, paragraphs: list[str]) -> Document:
    return Document(
        id=f"t/{i}",
        title=f"Report number {i}",
        writers=("Hal Draper",),
        source=Source(periodical="Labor Action" if i % 2 else "The Militant", date=f"{1930 + i % 20}-01-01"),
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
    )


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    docs = [
        _doc(i, ["the coal strike went on", "after the coal strike", "miners and the coal strike"]) for i in range(60)
    ]
    docs += [_doc(100 + i, ["a rare walkout happened", "nothing else"]) for i in range(5)]
    index = SearchIndex.open(tmp_path_factory.mktemp("ov") / "ix")
    index.rebuild(docs)
    yield index
    index.close()


@pytest.mark.parametrize("busy", [True, False])
@pytest.mark.parametrize("facets", [True, False])
def test_phrase_totals_with_and_without_the_facet_pass(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch, facets: bool, busy: bool
) -> None:
    import masthead.search.index as index_module

    monkeypatch.setattr(index_module, "_cores_free", lambda: not busy)
    r = ix.search('"coal strike"', facets=facets)
    assert r.total_passages == 180  # more rows than ranked at once: documents counted by a pass
    assert r.total == 60 and not r.total_estimated
    if facets:
        assert {f.value: f.count for f in r.facets["periodical"]} == {"Labor Action": 90, "The Militant": 90}


def test_small_result_total_is_its_documents(ix: SearchIndex) -> None:
    r = ix.search("walkout")
    assert (r.total, r.total_passages) == (5, 5)
    assert ix.search("walkout", facets=False).total == 5
    assert ix.search("nosuchwordatall", fuzzy=False).total == 0


def _reference_spans(hl: Highlighter, text: str) -> list[tuple[int, int]]:
    """The highlighter's spans as a lookbehind pattern finds them (the former implementation)."""
    rx = hl._regex()
    if rx is None or not text:
        return []
    folded, where = (text.lower(), None) if text.isascii() else _fold_with_map(text)
    full = re.compile(r"(?<![^\W_])" + rx.pattern)
    out: list[tuple[int, int]] = []
    for m in full.finditer(folded):
        s, e = m.span()
        if where is not None:
            s, e = where[s], where[e]
        if out and len(text[out[-1][1] : s]) <= 2 and not text[out[-1][1] : s].strip(" -'’"):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


WORDS = ["ab", "bab", "strike", "strikes", "jaures", "aa", "a"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["ab", "bab", "aab", "strike", "Strikebreaker", "Jaurès", "æa", "a", "_a"]), max_size=8),
    st.lists(st.sampled_from([" ", "-", "’", "", "x", "é", "_", ", "]), min_size=8, max_size=8),
    st.sets(st.sampled_from(WORDS), min_size=1),
    st.lists(st.sampled_from(["str", "ba"]), max_size=1),
)
def test_spans_match_the_lookbehind_pattern(words: list[str], seps: list[str], terms: set[str], pre: list[str]) -> None:
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    hl = Highlighter(frozenset(terms), tuple(pre))
    assert hl.spans(text) == _reference_spans(hl, text)


def test_fold_keeps_positions_of_non_ascii_text() -> None:
    text = "Jaurès’ æther and Straße"
    folded, where = _fold_with_map(text)
    assert folded == "jaures’ aether and strasse"
    assert where is not None and where[-1] == len(text)
    assert (
        Highlighter(frozenset({"jaures", "strasse"})).mark(text) == "<mark>Jaurès</mark>’ æther and <mark>Straße</mark>"
    )


def _reference_fold(text: str) -> tuple[str, list[int]]:
    """Every character folded on its own (as the index folds words), with where each came from."""
    from masthead.search.results import fold_word

    parts: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = ch.lower() if ch.isascii() else fold_word(ch)
        parts.append(f)
        where.extend([i] * len(f))
    return "".join(parts), [*where, len(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ ’—-_ΣσςİıæœßйёЖжΑάéÉ\u0301ﬁxY1²\u212aKkǅ"))))
def test_fold_is_the_characters_folded_one_by_one(text: str) -> None:
    folded, where = _fold_with_map(text)
    ref, ref_where = _reference_fold(text)
    assert folded == ref
    if where is None:  # positions unchanged
        assert len(folded) == len(text) and ref_where == [*range(len(text)), len(text)]
    else:
        assert where == ref_where


@pytest.mark.parametrize("free", [True, False])
def test_inline_and_threaded_searches_agree(ix: SearchIndex, monkeypatch: pytest.MonkeyPatch, free: bool) -> None:
    import masthead.search.index as index_mod

    def answers() -> list[dict]:
        out = []
        for q in ['"coal strike"', "walkout", "coal miners", "strike -walkout"]:
            for facets in (True, False):
                out.append(ix.search(q, facets=facets).to_dict())
        return out

    expected = answers()
    monkeypatch.setattr(index_mod, "_cores_free", lambda: free)
    assert answers() == expected


def test_a_job_no_worker_has_started_runs_in_the_asking_thread() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from masthead.search.index import _Job

    pool = ThreadPoolExecutor(max_workers=1)
    gate = threading.Event()
    try:
        busy = _Job(pool, gate.wait)  # occupies the only worker
        job = _Job(pool, threading.get_ident)
        assert job.result() == threading.get_ident()  # not left waiting behind the busy worker
        gate.set()
        assert busy.result() is True
        assert _Job(None, threading.get_ident).result() == threading.get_ident()
    finally:
        gate.set()
        pool.shutdown()


def test_documents_counted_in_the_facet_pass_not_a_pass_of_their_own(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import masthead.search.index as index_module

    def no_pass(*args: object, **kwargs: object) -> None:
        raise AssertionError("counted in a pass of its own")

    monkeypatch.setattr(index_module, "_cores_free", lambda: False)  # a busy machine: facets after ranking
    monkeypatch.setattr(index_module, "count_documents", no_pass)
    for q in ('"coal strike"', "coal strike", "the coal"):
        r = ix.search(q)
        assert r.total_passages == 180 and r.total == 60 and not r.total_estimated


@pytest.mark.parametrize("busy", [True, False])
@pytest.mark.parametrize("q", ["coal strike", "strike", '"coal strike"'])
def test_sampled_document_total_is_the_same_in_the_facet_pass_and_apart(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch, q: str, busy: bool
) -> None:
    import masthead.search.collect as collect
    import masthead.search.index as index_module

    monkeypatch.setattr(index_module, "_cores_free", lambda: not busy)
    monkeypatch.setattr(collect, "EXACT_DOCS_ROWS", 1)
    monkeypatch.setattr(collect, "SAMPLE_ROWS", 8)
    with_facets, without = ix.search(q), ix.search(q, facets=False)
    assert with_facets.total_estimated and without.total_estimated
    assert with_facets.total == without.total
    assert 0 < with_facets.total <= with_facets.total_passages
    shift = collect.sample_shift(with_facets.total_passages)
    assert shift > 0 and with_facets.total % (1 << shift) == 0


def test_facet_pass_sample_is_the_key_space_share(ix: SearchIndex) -> None:
    """The documents sampled at level ``s`` are those whose key's first ``s`` bits are 0, counted in the
    facet pass and apart alike."""
    from tantivy import Query

    import masthead.search.collect as collect

    s = ix._index.searcher()
    q = Query.term_query(ix._schema, "body", "strike")
    rows = s.search(q, 100_000, count=False).hits
    keys = set(s.fast_field_values("doc_key", [a for _, a in rows]))
    for shift in (1, 2, 3):
        _, docs = collect.facets_and_documents(s, q, ix._facet_ids.value, documents=(shift,))
        expected = sum(1 for k in keys if k >> (64 - shift) == 0)
        assert docs == {shift: expected << shift}
    _, both = collect.facets_and_documents(s, q, ix._facet_ids.value, documents=(0, 2))
    assert both[0] == len(keys) and both[2] == sum(1 for k in keys if k >> 62 == 0) << 2


def test_no_match_lists_every_facet_empty(ix: SearchIndex) -> None:
    r = ix.search("nosuchwordatall", fuzzy=False)
    assert r.total == 0
    assert r.facets == {name: [] for name in ("periodical", "writer", "entity", "year", "decade")}


def test_a_sample_chosen_from_a_bound_suits_the_rows_it_still_covers() -> None:
    from masthead.search.collect import SAMPLE_ROWS, sample_shift, sample_suits

    rows = 100_000
    s = sample_shift(rows)
    assert s > 0 and sample_suits(rows, s)
    assert sample_suits(rows, s + 1) == (rows >> (s + 1) >= SAMPLE_ROWS // 2)
    assert not sample_suits(rows, s + 8)  # too few sampled rows left: counted apart
    assert sample_suits(rows, s - 1) and sample_suits(rows, 0)  # more rows counted: as close or closer
    assert sample_suits(5_000, 0) and not sample_suits(5_000, 3)  # few rows are counted, not sampled


def test_the_count_for_the_rows_is_picked_from_those_made_early() -> None:
    from masthead.search.collect import early_samples, pick_count, sample_shift

    rows = 100_000
    want = sample_shift(rows)
    assert pick_count(rows, {want: 7, want + 1: 9}) == (want, 7)
    assert pick_count(rows, {want - 2: 5, want + 8: 9}) == (want - 2, 5)  # larger sample, not too small a one
    assert pick_count(rows, {want + 8: 9}) is None
    assert pick_count(5_000, {0: 6_000}) == (0, 5_000)  # never more documents than rows
    bound = 1_000_000
    assert early_samples(bound, None) == (sample_shift(bound),)
    assert early_samples(bound, bound) == (sample_shift(bound),)
    small = early_samples(bound, 100)  # likely few rows: also counted in a larger sample, within reach
    assert small == (sample_shift(bound) - 4, sample_shift(bound))


@pytest.mark.parametrize("busy", [True, False])
def test_sampled_totals_with_the_sample_counted_in_the_facet_pass(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch, busy: bool
) -> None:
    import masthead.search.collect as collect
    import masthead.search.index as index_module

    monkeypatch.setattr(collect, "EXACT_DOCS_ROWS", 2)
    monkeypatch.setattr(collect, "SAMPLE_ROWS", 8)
    monkeypatch.setattr(index_module, "_cores_free", lambda: not busy)
    calls: list[int] = []
    real = collect.count_documents
    monkeypatch.setattr(index_module, "count_documents", lambda *a: calls.append(1) or real(*a))
    r = ix.search("coal")
    assert r.total_passages == 180 and r.total_estimated
    assert 0 < r.total <= 180 and r.total % 2 == 0  # documents in a 1/2^k sample, times 2^k
    assert calls == []  # counted in the facet pass: the query is not evaluated a third time
    assert {f.value: f.count for f in r.facets["periodical"]} == {"Labor Action": 90, "The Militant": 90}


def test_a_search_without_facets_counts_in_an_early_pass(ix: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without facets, on a machine with cores to spare, the documents are counted in a pass started
    beside the ranking (the count alone), not in a pass of its own after it."""
    import masthead.search.collect as collect
    import masthead.search.index as index_module

    monkeypatch.setattr(collect, "EXACT_DOCS_ROWS", 2)
    monkeypatch.setattr(collect, "SAMPLE_ROWS", 8)
    monkeypatch.setattr(index_module, "_cores_free", lambda: True)
    passes: list[bool] = []
    real = collect.facets_and_documents

    def spy(*args: object, **kwargs: object) -> object:
        passes.append(bool(kwargs.get("facets", True)))
        return real(*args, **kwargs)

    monkeypatch.setattr(index_module, "facets_and_documents", spy)
    monkeypatch.setattr(index_module, "count_documents", lambda *a: pytest.fail("counted in a pass of its own"))
    r = ix.search("coal", facets=False)
    assert passes == [False] and r.facets == {}
    assert r.total_estimated and 0 < r.total <= r.total_passages == 180
    assert r.total == ix.search("coal").total  # the same sample as with facets


def test_an_and_query_is_counted_in_the_sample_its_likely_rows_call_for(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two words each in 300 rows, together in 60: the bound (300 rows) calls for a sample too small
    for 60 rows, the likely rows (independent words) for one that suits, so the early facet pass
    counts in both and no third pass is needed; the total is the one a pass of its own makes."""
    import masthead.search.collect as collect
    import masthead.search.index as index_module

    docs = [_doc(i, ["alpha words here", "alpha more words", "alpha again"]) for i in range(80)]
    docs += [_doc(i, ["alpha beta here", "beta alpha more", "alpha beta again"]) for i in range(80, 100)]
    docs += [_doc(i, ["beta words here", "beta more words", "beta again"]) for i in range(100, 180)]
    docs += [_doc(i, ["other words here", "more other words", "other again"]) for i in range(180, 2000)]
    index = SearchIndex.open(tmp_path_factory.mktemp("and") / "ix")
    try:
        index.rebuild(docs)
        monkeypatch.setattr(collect, "EXACT_DOCS_ROWS", 2)
        monkeypatch.setattr(collect, "SAMPLE_ROWS", 8)
        compiled_bound = collect.sample_shift(300)
        assert collect.sample_shift(60) < compiled_bound  # the bound's sample does not do for 60 rows
        calls: list[int] = []
        real = collect.count_documents
        monkeypatch.setattr(index_module, "count_documents", lambda *a: calls.append(1) or real(*a))
        monkeypatch.setattr(index_module, "_cores_free", lambda: True)
        r = index.search("alpha beta")
        assert r.total_passages == 60 and r.total_estimated
        assert calls == []  # counted in the early pass
        monkeypatch.setattr(index_module, "_cores_free", lambda: False)
        apart = index.search("alpha beta", facets=False)  # after the ranking, in a pass of its own
        assert calls == [1] and apart.total == r.total
    finally:
        index.close()


def test_no_documents_are_counted_when_every_matching_row_is_ranked(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import masthead.search.collect as collect
    import masthead.search.index as index_module

    monkeypatch.setattr(index_module, "_cores_free", lambda: True)
    samples: list[tuple[int, ...]] = []
    real = collect.facets_and_documents

    def spy(*args: object, **kwargs: object) -> object:
        samples.append(tuple(kwargs.get("documents", ())))
        return real(*args, **kwargs)

    monkeypatch.setattr(index_module, "facets_and_documents", spy)
    r = ix.search("walkout")  # 5 rows can match: all ranked at once
    assert samples == [()] and (r.total, r.total_estimated) == (5, False)
    samples.clear()
    ix.search("walkout", facets=False)
    assert samples == []  # nothing to count: no pass at all


def test_a_facet_pass_over_few_rows_stays_in_the_searching_thread(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import masthead.search.index as index_module

    monkeypatch.setattr(index_module, "_cores_free", lambda: True)
    handed: list[bool] = []
    real = index_module._Job

    def job(pool: object, fn: object) -> object:
        handed.append(pool is not None)
        return real(pool, fn)

    monkeypatch.setattr(index_module, "_Job", job)
    r = ix.search("walkout")  # 5 rows can match
    assert handed == [False] and r.facets["periodical"]
    handed.clear()
    ix.search("coal")  # 180 rows can match: the pass runs beside the ranking
    assert handed[:1] == [True]


@pytest.mark.parametrize("busy", [True, False])
def test_auto_facet_unit_counts_documents_for_few_rows_and_passages_for_many(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch, busy: bool
) -> None:
    import masthead.search.index as index_module

    monkeypatch.setattr(index_module, "_cores_free", lambda: not busy)
    few = ix.search("coal", facet_unit="auto")  # 180 rows, in 60 documents
    assert few.facet_unit == "documents"
    assert {f.value: f.count for f in few.facets["periodical"]} == {"Labor Action": 30, "The Militant": 30}
    monkeypatch.setattr(index_module, "AUTO_DOCUMENT_ROWS", 100)
    many = ix.search("coal", facet_unit="auto")
    assert many.facet_unit == "passages"
    assert {f.value: f.count for f in many.facets["periodical"]} == {"Labor Action": 90, "The Militant": 90}
    assert ix.search("coal").facet_unit == "passages" and ix.search("coal", facets=False).facet_unit == ""
    browse = ix.search("", filters={"periodical": "Labor Action"}, facet_unit="auto")
    assert browse.facet_unit == "documents" and browse.total == 32  # 30 + 2 walkout reports; title rows
    assert {f.value: f.count for f in browse.facets["periodical"]} == {"Labor Action": 32}
