"""Full-text search over the archive: a tantivy index at paragraph granularity, a query language of its
own, facets, "did you mean" and related articles.

    from masthead.search import SearchIndex
    with SearchIndex.open("archive.index") as ix:
        ix.add(doc)            # or ix.rebuild(docs)
        ix.commit()
        res = ix.search('"permanent revolution" writer:trotsky year:1928..1940', sort="oldest")

Modules: :mod:`.query` (the query language, parsed into a syntax tree), :mod:`.compile` (syntax tree
-> tantivy queries, filters), :mod:`.schema` (fields, and documents as index rows), :mod:`.index` (the
index: writing, searching), :mod:`.collect` (ranking rows into documents, facets, counts),
:mod:`.results` (result types, highlighting and snippets), :mod:`.spelling` (British / American
spellings, the vocabulary, "did you mean"), :mod:`.related` (related articles).
"""

from masthead.search.index import SORTS, IndexFormatError, SearchIndex, SearchIndexError, document_rows
from masthead.search.query import QueryError, parse_query
from masthead.search.results import DocumentHit, FacetCount, Highlighter, Passage, SearchResults

__all__ = [
    "SearchIndex",
    "SearchIndexError",
    "IndexFormatError",
    "SearchResults",
    "DocumentHit",
    "Passage",
    "FacetCount",
    "Highlighter",
    "QueryError",
    "parse_query",
    "document_rows",
    "SORTS",
]
