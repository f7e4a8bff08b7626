"""The glossary: people, organisations, parties, periodicals, places and events the archive names.

- :mod:`~masthead.glossary.entries`: the :class:`Entry` type and its JSON / CSV forms.
- :mod:`~masthead.glossary.matcher`: find entries' names in a document (:func:`link_document`).
- :mod:`~masthead.glossary.propose`: propose new entries from the archive's own statistics.
- :mod:`~masthead.glossary.annotate`: mentions as link marks for rendering, sentences around them.

These are plain functions over documents and entries; they never touch the database (the store keeps
entries and mentions: :mod:`masthead.store.glossary`).
"""

from masthead.glossary.entries import ENTRY_TYPES, Entry, GlossaryError, load_entries, starter_entries
from masthead.glossary.matcher import Matcher, Mention, fold, link_document

__all__ = [
    "ENTRY_TYPES",
    "Entry",
    "GlossaryError",
    "Matcher",
    "Mention",
    "fold",
    "link_document",
    "load_entries",
    "starter_entries",
]
