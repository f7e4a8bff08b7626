"""Writers in search as the catalogue files them: the index keeps each byline as printed ("J.R.
Johnson", "LEON TROTSKY"); the archive knows pen names and merged writers (``writer_aliases``) and files
every byline under one writer. :class:`WriterNames` maps between the two at query time, so the writer
facet shows one entry per writer (its pen names' counts added in) and filtering by a writer finds the
articles signed with any of its names. Nothing in the index changes when an editor merges writers or
declares a pen name, so the search follows at once, without reindexing. (A split of one document's
byline, ``writer_overrides``, is per document and not followed here: the facet counts that byline under
its name.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from masthead.search.results import FacetCount, SearchResults
from masthead.store.catalogue import catalogue_slug


@dataclass(frozen=True)
class WriterNames:
    """``canonical``: the slug of a byline -> the writer it is filed under (pen names and merged writers
    only: any other byline is its own writer)."""

    canonical: dict[str, str]

    @classmethod
    def of(cls, store: Any) -> WriterNames:
        """The archive's aliases (none for a store that keeps none)."""
        aliases = getattr(store, "alias_writers", None)
        return cls(aliases() if aliases is not None else {})

    def writer_of(self, byline: str) -> str:
        """The writer a byline is filed under (the byline itself when it is nobody's alias)."""
        return self.canonical.get(catalogue_slug(byline), byline) if self.canonical else byline

    def expand(self, filters: dict[str, Any], bylines: list[str]) -> dict[str, Any]:
        """``filters`` with each ``writer`` value widened to every byline (of ``bylines``, the index's
        writer values) filed under the same writer."""
        wanted = filters.get("writer")
        if not wanted or not self.canonical:
            return filters
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        writers = {self.writer_of(v) for v in wanted}
        values = list(dict.fromkeys([*wanted, *writers, *(b for b in bylines if self.writer_of(b) in writers)]))
        return {**filters, "writer": values}

    def merge(self, results: SearchResults) -> SearchResults:
        """``results`` with the writer facet counted per writer (a pen name's count added to its writer's;
        a document signed with two of one writer's names may be counted twice)."""
        counts = results.facets.get("writer")
        if not counts or not self.canonical:
            return results
        merged: dict[str, int] = defaultdict(int)
        for f in counts:
            merged[self.writer_of(f.value)] += f.count
        ordered = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
        return replace(results, facets={**results.facets, "writer": [FacetCount(v, n) for v, n in ordered]})
