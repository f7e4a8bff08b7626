"""Hand-made documents, entries and proposals for the glossary queue tests (never the proposer)."""

from __future__ import annotations

from masthead.glossary import Entry
from masthead.model import Block, Document, Source
from masthead.store.sqlite import SQLiteStore

DOCS = [
    Document(
        id="labor-action/1948/convention",
        title="The convention",
        blocks=(
            Block("paragraph", "Max Shachtman spoke at the convention in Minneapolis. The hall was full."),
            Block("paragraph", "Later Shachtman wrote to the Independent Socialist League about Minneapolis."),
        ),
        source=Source(periodical="Labor Action", date="1948-03-08"),
    ),
    Document(
        id="labor-action/1948/strike",
        title="The strike",
        blocks=(Block("paragraph", "In Minneapolis the drivers struck. Shachtman sent greetings to the strikers."),),
        source=Source(periodical="Labor Action", date="1948-04-12"),
    ),
    Document(
        id="labor-action/1948/other",
        title="Another matter",
        blocks=(Block("paragraph", "Nothing here names anyone at all, only the weather in June."),),
        source=Source(periodical="Labor Action", date="1948-05-03"),
    ),
]
ENTRIES = [Entry("max-shachtman", "person", "Max Shachtman", date_from=1904)]
PROPOSALS = [
    (
        Entry("minneapolis", "other", "Minneapolis", status="proposed"),
        {"documents": 2, "occurrences": 3, "examples": [DOCS[0].id, DOCS[1].id], "reasons": ["capitalised"]},
    ),
    (
        Entry("shachtman", "person", "Shachtman", status="proposed"),
        {"documents": 2, "occurrences": 2, "examples": [DOCS[0].id], "reasons": ["capitalised"], "alias_of": None},
    ),
    (
        Entry("june", "other", "June", status="proposed"),
        {"documents": 1, "occurrences": 1, "examples": [DOCS[2].id], "reasons": ["capitalised"]},
    ),
]


def seed(store: SQLiteStore) -> None:
    """Documents, one accepted entry (linked) and three proposals."""
    from masthead.glossary.archive import link_archive

    for doc in DOCS:
        store.save(doc)
    store.save_entries(ENTRIES)
    link_archive(store)
    store.propose_entries(PROPOSALS)
