"""The glossary's pages in the static site's plan, and what the glossary adds to article pages' fingerprints.

A glossary page shows its entry (fields and related entries) and every article naming it, with the
sentence around each mention; the index shows each accepted entry with its article count. So a page's
fingerprint hashes the entry, its related entries and, per article naming it, the article's ``(revision,
updated)`` stamp (its title, date and text, which the sentences come from) and the mentions' spans. An
article page links each of its mentions to its entry: its fingerprint takes a digest of its mentions
(:func:`mention_digests`), which the manifest also keeps per document so that an incremental build sees
an article whose mentions changed (the glossary linked again, entries merged) though it was not saved.

Everything here is read in two queries (the mentions of every current revision, every entry), so the
glossary is planned in full on every build, incremental or not: its pages are few next to the articles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from masthead.model import Document
from masthead.publish.plan import NO_MENTIONS, PageSpec, fingerprint
from masthead.store import Store

__all__ = [
    "NO_MENTIONS",
    "entry_path",
    "glossary_specs",
    "mention_digests",
    "read_mentions",
    "safe_entry_id",
    "with_mentions",
]

MentionRow = tuple[str, str, int, int, str]
"""``(document id, entry id, start, end, surface)``, as ``publish_mentions`` gives them."""


def read_mentions(store: Store) -> list[MentionRow]:
    """Every mention of the documents' current revisions, by document and position (empty when the store
    keeps no glossary)."""
    query = getattr(store, "publish_mentions", None)
    return [] if query is None else query()


def mention_digests(rows: Sequence[MentionRow]) -> dict[str, str]:
    """Per document with mentions: a short hash of its mentions (entry, span, surface): what its page's
    links depend on. Documents without mentions are left out (their digest is :data:`NO_MENTIONS`)."""
    out: dict[str, str] = {}
    start = 0
    for k in range(1, len(rows) + 1):
        if k == len(rows) or rows[k][0] != rows[start][0]:
            part = repr([r[1:] for r in rows[start:k]]).encode("utf-8")
            out[rows[start][0]] = hashlib.blake2b(part, digest_size=8).hexdigest()
            start = k
    return out


def safe_entry_id(entry_id: str) -> bool:
    """Whether an entry id can be a folder under ``glossary/`` (one segment, not a dot segment)."""
    return bool(entry_id) and entry_id not in (".", "..") and not any(c in entry_id for c in "/\\\x00")


def entry_path(entry_id: str) -> str:
    """The file of an entry's page."""
    return f"glossary/{entry_id}/index.html"


def glossary_specs(
    store: Store, salt: str, rows: Sequence[MentionRow], stamps: dict[str, tuple[int, str]]
) -> dict[str, PageSpec]:
    """The glossary's pages (``glossary/index.html`` and one per accepted entry), each with its fingerprint
    (see the module docstring); empty when the store has no glossary or no accepted entries. ``rows`` are
    :func:`read_mentions`'s, ``stamps`` each document's ``(revision, updated)``."""
    list_entries = getattr(store, "list_entries", None)
    if list_entries is None:
        return {}
    everything = {e.id: e for e in list_entries(status=None)}
    entries = [e for e in everything.values() if e.status == "accepted"]
    if not entries:
        return {}
    from masthead.web.glossary_routes import entry_page, glossary_page

    entries.sort(key=lambda e: (e.name.casefold(), e.id))  # as list_entries orders them
    spans_of: dict[str, dict[str, list[tuple[int, int, str]]]] = {}
    for doc_id, entry_id, start, end, surface in rows:
        spans_of.setdefault(entry_id, {}).setdefault(doc_id, []).append((start, end, surface))
    counts = []
    for e in entries:
        found = spans_of.get(e.id, {})
        counts.append((e, sum(len(s) for s in found.values()), len(found)))
    index = "glossary/index.html"
    pages = {index: PageSpec(index, fingerprint(salt, "glossary", counts), glossary_page)}
    for e in entries:
        if not safe_entry_id(e.id):
            continue
        related = [everything.get(r) for r in e.related]
        found = spans_of.get(e.id, {})
        docs = sorted((doc_id, stamps.get(doc_id), spans) for doc_id, spans in found.items())
        path = entry_path(e.id)
        render: Any = lambda p, e=e: entry_page(p, e)  # noqa: E731
        pages[path] = PageSpec(path, fingerprint(salt, "entry", e, related, docs), render)
    return pages


def with_mentions(
    store: Store, docs: Iterator[Document], batch: int = 200
) -> Iterator[tuple[Document, list[Any] | None]]:
    """Each document with the glossary mentions of its current revision, read ``batch`` documents at a
    time (None for each when the store cannot read them in bulk)."""
    query = getattr(store, "mentions_by_document", None)
    if query is None:
        for doc in docs:
            yield doc, None
        return
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= batch:
            found = query([d.id for d in chunk])
            yield from ((d, found.get(d.id, [])) for d in chunk)
            chunk = []
    if chunk:
        found = query([d.id for d in chunk])
        yield from ((d, found.get(d.id, [])) for d in chunk)
