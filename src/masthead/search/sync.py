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
from pathlib import Path

from masthead.search.index import SearchIndex
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
        for doc_id, op in latest.items():
            doc = store.get(doc_id) if op == "upsert" else None
            if doc is None:
                index.delete(doc_id)
            else:
                index.add(doc)
        index.commit()
        seq = changes[-1].seq
        _write_state(index, seq)
        touched += len(latest)
    if prune and seq:
        store.prune_changes(seq)
    return touched


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

    index.rebuild(docs())
    _write_state(index, seq)
    return count


def is_stale(store: Store, index: SearchIndex) -> bool:
    """Whether the store has changes the index has not applied (a cheap check before a search)."""
    seq = applied_seq(index)
    return seq is None or store.last_change() > seq
