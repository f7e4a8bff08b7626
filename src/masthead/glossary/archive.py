"""Linking the whole archive: run the matcher over every stored document and keep the mentions.

This is orchestration (like :mod:`masthead.pipeline`): it reads documents and entries from a store,
calls the pure :func:`~masthead.glossary.matcher.link_document`, and writes mentions back, one
document per transaction. :func:`make_linker` gives the callable that ``pipeline.ingest_paths``
takes as ``linker`` so that newly ingested documents are linked as they are stored.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from masthead.glossary.annotate import block_spans
from masthead.glossary.entries import Mention
from masthead.glossary.matcher import Matcher, fold, link_document
from masthead.model import Document
from masthead.store import Store
from masthead.textview import text_view

__all__ = ["LinkReport", "matcher_for", "make_linker", "link_archive", "relink_entries", "tei_mentions"]


@dataclass(slots=True)
class LinkReport:
    """What :func:`link_archive` did."""

    documents: int = 0
    mentions: int = 0
    entries: int = 0

    def summary(self) -> str:
        """One line for the command line."""
        return f"linked {self.documents} documents: {self.mentions} mentions of {self.entries} glossary entries"


def matcher_for(store: Store) -> Matcher:
    """A matcher over the store's accepted entries."""
    return Matcher(store.list_entries(status="accepted"))


def make_linker(store: Store) -> Callable[[Document], list[Mention]]:
    """``document -> mentions`` over the store's glossary as it is now (for ``ingest_paths(linker=...)``)."""
    matcher = matcher_for(store)
    return lambda doc: link_document(doc, matcher)


def link_archive(
    store: Store,
    *,
    matcher: Matcher | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LinkReport:
    """Find the mentions in every current document and replace the stored ones (one transaction per
    document, grouped where the store offers ``batch``). Run it after the glossary changes."""
    matcher = matcher or matcher_for(store)
    report = LinkReport(entries=len(matcher.entries))
    revisions = {s.id: s.revision for s in store.list_documents()}
    total = len(revisions)
    batch = getattr(store, "batch", None)
    with batch(every=200) if batch else contextlib.nullcontext():
        for doc in store.iter_documents():
            revision = revisions.get(doc.id)
            if revision is None:  # stored after the listing: the next run links it
                continue
            mentions = link_document(doc, matcher)
            report.mentions += store.replace_mentions(doc.id, revision, mentions)
            report.documents += 1
            if progress:
                progress(report.documents, total)
    return report


def tei_mentions(store: Store, doc: Document, base_url: str | None = None) -> Callable[[Any], list[Any]] | None:
    """The TEI exporter's ``mentions`` hook for a stored document's current revision: each mention of
    a person, organisation, party or place becomes ``persName`` / ``orgName`` / ``placeName`` with
    ``ref`` to the entry's page (under ``base_url`` when given). None when nothing was linked."""
    if not hasattr(store, "mentions_in"):
        return None
    mentions = store.mentions_in(doc.id)
    if not mentions:
        return None
    root = (base_url.rstrip("/") + "/") if base_url else "/"
    return block_spans(doc, mentions, lambda entry_id: f"{root}glossary/{entry_id}")


def relink_entries(store: Store, entry_ids: Iterable[str], *, matcher: Matcher | None = None) -> LinkReport:
    """Link again, with the whole glossary, only the documents an edit of ``entry_ids`` can change:
    those that mention one of them now and those whose text holds one of their names (accents and case
    folded: a superset of what the matcher finds). Far cheaper than :func:`link_archive` after one
    entry is accepted, merged or edited; the result is the same for those entries."""
    matcher = matcher or matcher_for(store)
    names: set[str] = set()
    mentioned: set[str] = set()
    for entry_id in entry_ids:
        entry = store.resolve_entry(entry_id)
        if entry is None:
            continue
        names.update(fold(n).casefold() for n in entry.names() if n.strip())
        mentioned.update(summary.id for summary, _ in store.mentions_of(entry.id))
    report = LinkReport(entries=len(matcher.entries))
    if not names and not mentioned:
        return report
    revisions = {s.id: s.revision for s in store.list_documents()}
    batch = getattr(store, "batch", None)
    with batch(every=200) if batch else contextlib.nullcontext():
        for doc in store.iter_documents():
            revision = revisions.get(doc.id)
            if revision is None:
                continue
            if doc.id not in mentioned:
                text = fold(text_view(doc).text).casefold()
                if not any(n in text for n in names):
                    continue
            report.mentions += store.replace_mentions(doc.id, revision, link_document(doc, matcher))
            report.documents += 1
    return report
