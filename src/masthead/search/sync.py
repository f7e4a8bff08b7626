"""Keeping the search index in step with the store through the store's change feed (outbox).

Every save and delete queues a change in the store's own transaction (``store/changes.py``). The index
remembers, in ``applied.json`` beside it, the seq of the last change it applied and committed.
:func:`sync` applies the changes after that seq in order, commits the index, and only then records the
new seq (atomically), so a crash anywhere in between is repaired by the next sync, which replays the
changes: applying a change is idempotent (an upsert re-reads the document's current revision and
replaces its rows; a delete of an absent document does nothing). :func:`reindex` rebuilds the index
from the documents themselves.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from masthead.model import Document
from masthead.search.index import IndexFormatError, SearchIndex
from masthead.store import Store

STATE_FILE = "applied.json"


def index_path_for(archive: str) -> Path:
    """Where an archive's search index lives: a folder beside the archive file (``archive.db.index``)."""
    return Path(f"{archive}.index")


def applied_seq(index: SearchIndex) -> int | None:
    """The last change seq the index has applied, or None for an index never synced."""
    try:
        return int(json.loads((index.path / STATE_FILE).read_text(encoding="utf-8"))["seq"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_state(index: SearchIndex, seq: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=index.path, prefix=".applied-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"seq": seq}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index.path / STATE_FILE)


def sync(store: Store, index: SearchIndex, *, batch: int = 500, prune: bool = True) -> int:
    """Apply the store's pending changes to the index; returns how many documents were touched.

    An index that was never synced (new, or its state lost) is rebuilt from the documents instead,
    since changes already pruned from the feed could not be replayed."""
    seq = applied_seq(index)
    if seq is None:
        touched = reindex(store, index)
        seq = applied_seq(index) or 0
    else:
        touched = 0
    while changes := store.changes_since(seq, limit=batch):
        latest: dict[str, str] = {}
        for c in changes:  # only the last change of each document in a batch matters
            latest[c.document_id] = c.op
        upserts: list[Document] = []
        for doc_id, op in latest.items():
            doc = store.get(doc_id) if op == "upsert" else None
            if doc is None:
                index.delete(doc_id)
            else:
                index.add(doc, entities=_entities(store, doc.id).get(doc.id, ()))
                upserts.append(doc)
        index.commit()
        _sync_vectors(index, upserts, [i for i in latest if i not in {d.id for d in upserts}])
        seq = changes[-1].seq
        _write_state(index, seq)
        touched += len(latest)
    if prune and seq:
        store.prune_changes(seq)
    return touched


def _entities(store: Store, doc_id: str | None = None) -> dict[str, list[str]]:
    """Glossary entry names per document for the ``entity`` field (none for a store without a glossary)."""
    names = getattr(store, "entity_names", None)
    return names(doc_id) if names is not None else {}


def open_index(store: Store, path: str | Path, *, rebuilding: Callable[[str], None] | None = None) -> SearchIndex:
    """The index at ``path`` opened and brought up to date with ``store`` (created when missing). An index
    written by another version of Masthead (or whose format cannot be read) is rebuilt from the documents
    (it is derived data: the store holds them), after ``rebuilding`` is told why. Raises
    :class:`SearchIndexError` for a folder that cannot be opened at all."""
    try:
        index = SearchIndex.open(path)
    except IndexFormatError as exc:
        if rebuilding is not None:
            rebuilding(exc.reason)
        index = SearchIndex.open(path, reset=True)
        try:
            reindex(store, index)
        except BaseException:
            index.close()
            raise
        return index
    try:
        if is_stale(store, index):
            sync(store, index)
    except BaseException:
        index.close()
        raise
    return index


def reindex(store: Store, index: SearchIndex) -> int:
    """Rebuild the index from every current document; returns how many documents were indexed.

    The feed position is read before the documents, so a change made during the rebuild is applied
    again by the next :func:`sync` (harmless: applying is idempotent)."""
    seq = store.last_change()
    count = 0

    def docs():  # noqa: ANN202 - a generator of Documents, counted as it streams
        nonlocal count
        for doc in store.iter_documents():
            count += 1
            yield doc

    index.rebuild(docs(), entities=_entities(store))
    _rebuild_vectors(store, index)
    _write_state(index, seq)
    return count


def _sync_vectors(index: SearchIndex, upserts: list[Document], deletes: list[str]) -> None:
    """Semantic mode (:mod:`masthead.search.semantic`): bring the vectors beside the index in step with
    the same changes. Does nothing without the extra; an index without vectors yet gets them all at its
    next reindex. Runs before the feed position is recorded, so a crash here is replayed (idempotent)."""
    from masthead.search import semantic

    if not semantic.available():
        return
    vs = semantic.VectorStore.open(index.path, create=False)
    if vs is None:
        return
    with vs:
        vs.delete_many(deletes)
        vs.upsert_many(upserts)


def _rebuild_vectors(store: Store, index: SearchIndex) -> None:
    """Semantic mode: give every current document a vector (an unchanged one keeps its own) and drop
    the vectors of documents that are gone. Does nothing without the extra."""
    from masthead.search import semantic

    if not semantic.available():
        return
    with semantic.VectorStore.open(index.path) as vs:
        ids: set[str] = set()
        batch: list[Document] = []
        for doc in store.iter_documents():
            ids.add(doc.id)
            batch.append(doc)
            if len(batch) >= 64:
                vs.upsert_many(batch)
                batch = []
        vs.upsert_many(batch)
        vs.retain(ids)


def is_stale(store: Store, index: SearchIndex) -> bool:
    """Whether the store has changes the index has not applied (a cheap check before a search)."""
    seq = applied_seq(index)
    return seq is None or store.last_change() > seq
