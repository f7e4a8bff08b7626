"""The index schema and how a :class:`~masthead.model.Document` becomes index rows.

**Rows.** Every document gives one *title row* (kind ``title``, block -1: title, subtitle, and the
start of the text as a preview, so that a title match ranks the document and filter-only searches
list documents once), one row per top-level body block (block = its index in ``Document.blocks``, the
``p{index}`` the article page gives it; a list or quote row holds its children's text), and one row per
end note (anchor = the note id). Only the title row holds the title (searched with the highest
weight); every row carries the document's writers, periodical and date (for filters and facets), and
``headings``, the nearest heading above the block.

**Analysis.** Words are split on anything not a letter or digit, lower-cased and ASCII-folded
(``Jaurès`` = ``jaures``), without stemming, so phrases and snippets are exact. British / American
spellings are joined at query time (see :mod:`masthead.search.spelling`): folding them at indexing
time instead would need a Python pass over every token (tokenising plus key mapping alone run at
about 25-40 MB/s on one core, which would roughly halve the indexing rate), while the query-time
look-up costs about 15-20 us per word.

**Fields.** ``doc_key`` (64-bit hash of the document id: indexed for deletes, fast for grouping rows by
document), ``kind`` (absent on paragraphs), ``block``, ``anchor`` (stored only where it is not
``p{block}``); searched text ``title``, ``headings``, ``body``; exact values ``writer_raw``,
``periodical_raw``, ``entity_raw`` (indexed: filters, ``writer:`` and the like) and their numbers
``writer_id``, ``periodical_id``, ``entity_id`` (fast: the facet counts, see
:mod:`masthead.search.facetids`); ``date`` (``yyyymmdd`` as an integer, 00 for an unknown month or day;
ranges give ``year:``); ``year`` (fast only: the year facet counts its values, three times cheaper than
a histogram of ``date``); ``sample1`` .. ``sample16`` (fast only: a document key whose first k bits are
0 is copied into the fields 1 .. k, at most :data:`SAMPLE_LEVELS`, so that the field ``sample{s}`` holds
the keys of a random 1/2^s of the documents, about one value per row on average: the sample the document
total is estimated from, counted by the cardinality of that field, which skips the rows outside the
sample on the column's own index of which rows have a value; a filter on an indexed term would build a
set of every sampled row of the index first, at a cost that grows with the index rather than with the
matching rows). Every row stores ``meta`` (JSON: doc id, title, writers, periodical, issue, date) for
display, so that a result page needs no search of its own for its documents' title rows (compressed with
the rows around it, the repeated JSON adds little to the index); the title row's ``meta`` also holds a
preview (the start of the text), and the title row alone stores ``doc_id``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import tantivy
from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

from masthead.model import Block, Document

__all__ = [
    "ANALYZER",
    "make_analyzer",
    "silent_analyzer",
    "build_schema",
    "doc_key",
    "document_rows",
    "date_number",
    "sample_levels",
    "sample_field",
    "SAMPLE_LEVELS",
    "FACET_FIELDS",
    "FACET_ID_FIELDS",
]

ANALYZER = "masthead"
PREVIEW_CHARS = 400
SAMPLE_LEVELS = 16
"""The deepest sample level (1/2^16 of the documents: a sample of 10,000 rows out of 655 million)."""
FACET_FIELDS = {"periodical": "periodical_raw", "writer": "writer_raw", "entity": "entity_raw"}
"""Exact values (as written) of the document's periodical, writers and glossary entries: filters, and
the targets of ``periodical:`` / ``writer:`` / ``entity:`` in a query."""
FACET_ID_FIELDS = {"periodical": "periodical_id", "writer": "writer_id", "entity": "entity_id"}
"""The same values' numbers (see :mod:`masthead.search.facetids`), fast fields: the facet counts."""


def make_analyzer() -> tantivy.TextAnalyzer:
    """Words split on non-alphanumerics, over-long tokens dropped, lower-cased, folded to ASCII."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .build()
    )


def silent_analyzer() -> tantivy.TextAnalyzer:
    """An analyzer that keeps no tokens: for text that is stored for display but never searched."""
    return TextAnalyzerBuilder(Tokenizer.raw()).filter(Filter.remove_long(1)).build()


def build_schema() -> tantivy.Schema:
    """The index schema (see the module docstring). Rows are kept lean: indexing cost grows with the
    number of fields per row, so what is only shown in results is one stored JSON field, ``meta``."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("doc_key", indexed=True, fast=True)
    sb.add_text_field("kind", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("block", stored=True)
    sb.add_text_field("anchor", stored=True, tokenizer_name="silent", index_option="basic")
    sb.add_text_field("title", tokenizer_name=ANALYZER)
    sb.add_text_field("headings", stored=True, tokenizer_name=ANALYZER)
    sb.add_text_field("body", stored=True, tokenizer_name=ANALYZER)
    for f in FACET_FIELDS.values():
        sb.add_text_field(f, tokenizer_name="raw", index_option="basic")
    for f in FACET_ID_FIELDS.values():
        sb.add_unsigned_field(f, fast=True)
    sb.add_integer_field("date", fast=True)  # fast only: ranges and sorting read the column
    sb.add_unsigned_field("year", fast=True)
    for level in range(1, SAMPLE_LEVELS + 1):
        sb.add_unsigned_field(sample_field(level), fast=True)
    sb.add_text_field("meta", stored=True, tokenizer_name="silent", index_option="basic")
    return sb.build()


def doc_key(doc_id: str) -> int:
    """A 64-bit key for a document id (indexed for deletes, fast for grouping rows by document)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big")


def sample_field(level: int) -> str:
    """The fast field holding the keys of the documents in the sample of ``level`` (1/2^level of them)."""
    return f"sample{level}"


def sample_levels(key: int) -> list[int]:
    """The sample levels of a document key: ``s`` is one of them when the key's first ``s`` bits (of 64) are
    0, i.e. ``key < 2**(64 - s)``; empty for half the keys."""
    return list(range(1, min(64 - key.bit_length(), SAMPLE_LEVELS) + 1))


_YEAR_IN = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def date_number(doc: Document) -> int | None:
    d = doc.source.date
    if d:
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", d)
        if m:
            return int(m.group(1)) * 10000 + int(m.group(2) or 0) * 100 + int(m.group(3) or 0)
    if doc.date_line and (m := _YEAR_IN.search(doc.date_line)):
        return int(m.group(1)) * 10000
    return None


def _issue_label(doc: Document) -> str:
    s = doc.source
    parts = []
    if s.issue_label:
        parts.append(s.issue_label)
    else:
        vi = " ".join(x for x in (f"Vol. {s.volume}" if s.volume else "", f"No. {s.issue}" if s.issue else "") if x)
        if vi:
            parts.append(vi)
    if s.pages:
        parts.append(("p. " if s.page_start == s.page_end or s.page_end is None else "pp. ") + s.pages)
    return ", ".join(parts)


def document_rows(
    doc: Document, entities: Iterable[str] = (), ids: Callable[[str, list[str]], list[int]] | None = None
) -> Iterator[dict[str, Any]]:
    """The index rows of a document (plain dicts, field name -> value), title row first. ``ids`` gives
    the numbers of facet values (``ids("writer", ["Hal Draper"])``, see
    :class:`~masthead.search.facetids.FacetIds`); without it the rows have no ``*_id`` fields, and
    count in no facet."""
    date = date_number(doc)
    key = doc_key(doc.id)
    common: dict[str, Any] = {"doc_key": key}
    for level in sample_levels(key):
        common[sample_field(level)] = key
    values = {
        "writer": list(doc.writers),
        "periodical": [doc.source.periodical] if doc.source.periodical else [],
        "entity": list(entities),
    }
    for facet, vs in values.items():
        if vs:
            common[FACET_FIELDS[facet]] = vs
            if ids is not None:
                common[FACET_ID_FIELDS[facet]] = ids(facet, vs)
    if date is not None:
        common["date"] = date
        if date >= 10000:
            common["year"] = date // 10000
    first = next((b.plain_text() for b in doc.blocks if b.kind == "paragraph" and b.text.strip()), "")
    meta = {
        "doc_id": doc.id,
        "title": doc.title,
        "writers": list(doc.writers),
        "periodical": doc.source.periodical,
        "issue": _issue_label(doc) or None,
        "date": date,
    }
    # every row stores the document's meta, so that a result page reads it from the rows it shows (no
    # second search for the title rows); the preview, shown for a title match, on the title row alone
    common["meta"] = json.dumps(meta, ensure_ascii=False)
    meta["preview"] = first[:PREVIEW_CHARS]
    title_row = {
        **common,
        "doc_id": doc.id,
        "kind": "title",
        "block": -1,
        "title": doc.title,
        "meta": json.dumps(meta, ensure_ascii=False),
    }
    if doc.subtitle:
        title_row["headings"] = doc.subtitle
    yield title_row
    heading = ""
    for i, b in enumerate(doc.blocks):
        if b.kind == "section_break":
            continue
        text = _block_text(b)
        if b.kind == "heading":
            heading = text
        if not text.strip():
            continue
        row = {**common, "block": i, "body": text}
        if heading:  # absent when empty: one field less to convert, index and store
            row["headings"] = heading
        if b.kind != "paragraph":  # absent means paragraph: one field less on most rows
            row["kind"] = b.kind
        if b.anchor:
            row["anchor"] = b.anchor
        yield row
    for note in doc.notes:
        text = "\n".join(_block_text(b) for b in note.blocks).strip()
        if text:
            yield {
                **common,
                "kind": "endnote",
                "block": -1,
                "anchor": note.id,
                "headings": "Notes",
                "body": text,
            }


def _block_text(b: Block) -> str:
    return b.plain_text()
