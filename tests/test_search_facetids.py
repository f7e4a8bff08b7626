"""Facet values counted by number: the numbers are given once, shared by every process writing the
index in turn, survive reopening and rebuilding, and the facets name the values whichever process
numbered them."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from masthead.model import Block, Document, Source
from masthead.search import SearchIndex
from masthead.search.facetids import FacetIds
from masthead.search.index import IndexFormatError


def doc(doc_id: str, writer: str, periodical: str, text: str = "The miners stopped work.") -> Document:
    return Document(
        id=doc_id,
        title=f"On {doc_id}",
        writers=(writer,),
        source=Source(periodical=periodical, date="1948-03-08"),
        blocks=(Block("paragraph", text),),
    )


def facet(r, name: str) -> dict[str, int]:  # noqa: ANN001 - SearchResults
    return {f.value: f.count for f in r.facets[name]}


def test_numbers_are_given_once_per_facet_and_kept(tmp_path: Path) -> None:
    ids = FacetIds(tmp_path / "f.sqlite")
    a, b = ids.ids("writer", ["Hal Draper", "Max Shachtman"])
    assert ids.ids("writer", ["Max Shachtman", "Hal Draper"]) == [b, a]
    assert ids.ids("periodical", ["Labor Action"]) == [1]  # numbered per facet, from 1
    assert {a, b} == {1, 2}
    ids.close()
    again = FacetIds(tmp_path / "f.sqlite")
    assert again.ids("writer", ["Hal Draper"]) == [a]
    assert again.value("writer", b) == "Max Shachtman"
    assert again.value("writer", 99) is None
    again.close()


def test_a_number_given_elsewhere_is_read_when_met(tmp_path: Path) -> None:
    reader, writer = FacetIds(tmp_path / "f.sqlite"), FacetIds(tmp_path / "f.sqlite")
    assert reader.value("writer", 1) is None
    (n,) = writer.ids("writer", ["Rosa Luxemburg"])
    assert reader.value("writer", n) == "Rosa Luxemburg"  # not known when opened: read again
    (m,) = reader.ids("writer", ["Leon Trotsky"])  # the next number, not one already given elsewhere
    assert m != n and writer.value("writer", m) == "Leon Trotsky"
    reader.close()
    writer.close()


def _number(path: str, values: list[str], out: multiprocessing.Queue) -> None:
    ids = FacetIds(path)
    out.put(dict(zip(values, ids.ids("writer", values), strict=True)))
    ids.close()


def test_processes_numbering_at_once_never_share_a_number(tmp_path: Path) -> None:
    path = str(tmp_path / "f.sqlite")
    FacetIds(path).close()
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    names = [[f"writer {p}-{i}" for i in range(40)] + ["shared name"] for p in range(3)]
    procs = [ctx.Process(target=_number, args=(path, n, out)) for n in names]
    for p in procs:
        p.start()
    got = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    numbers: dict[int, str] = {}
    for m in got:
        for value, n in m.items():
            assert numbers.setdefault(n, value) == value  # one value per number
    assert len({m["shared name"] for m in got}) == 1  # one number per value
    assert sorted(numbers) == list(range(1, 3 * 40 + 2))


def test_facets_name_values_numbered_by_another_index_handle(tmp_path: Path) -> None:
    path = tmp_path / "i"
    with SearchIndex.open(path) as first:
        first.add(doc("a", "Hal Draper", "Labor Action"))
        first.commit()
    with SearchIndex.open(path) as second:
        reader = SearchIndex.open(path)
        second.add(doc("b", "Max Shachtman", "New International"))
        second.add(doc("c", "Hal Draper", "New International"))
        second.commit()
    try:
        reader._index.reload()  # what the reader's commit watcher does, at once
        r = reader.search("miners")
        assert facet(r, "writer") == {"Hal Draper": 2, "Max Shachtman": 1}
        assert facet(r, "periodical") == {"New International": 2, "Labor Action": 1}
    finally:
        reader.close()


def test_rebuild_keeps_the_numbers(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "i") as ix:
        ix.add(doc("a", "Hal Draper", "Labor Action"))
        ix.commit()
        before = ix._facet_ids.ids("writer", ["Hal Draper"])
        ix.rebuild([doc("b", "Max Shachtman", "Labor Action"), doc("a", "Hal Draper", "Labor Action")])
        assert ix._facet_ids.ids("writer", ["Hal Draper"]) == before
        assert facet(ix.search("miners"), "writer") == {"Hal Draper": 1, "Max Shachtman": 1}


def test_an_index_without_its_numbers_must_be_rebuilt(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "i") as ix:
        ix.add(doc("a", "Hal Draper", "Labor Action"))
        ix.commit()
    (tmp_path / "i" / "facets.sqlite").unlink()
    with pytest.raises(IndexFormatError, match="facets.sqlite is missing"):
        SearchIndex.open(tmp_path / "i")
