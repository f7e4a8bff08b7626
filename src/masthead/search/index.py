"""The full-text index: tantivy, on disk in a folder, one row per body block (see
:mod:`masthead.search.schema` for the rows and fields).

Layout of an index folder::

    <folder>/tantivy/             the tantivy index
    <folder>/vocabulary.sqlite    the vocabulary (spelling variants, "did you mean"), see spelling.py
    <folder>/facets.sqlite        the numbers of facet values, see facetids.py
    <folder>/masthead-search.json schema version

**Writes** are idempotent: :meth:`SearchIndex.add` (= :meth:`replace`) deletes every row of the document
id before adding the new ones, :meth:`delete` of an absent id is a no-op, so replaying a queue of changes
twice leaves the same index. Nothing is visible to searches before :meth:`commit`.

**Searches** group matching paragraphs by document (a page of results counts documents), rank by BM25
with field weights, break ties by date, count facets with tantivy aggregations over the same query
(documents counted once, by the cardinality of their key), and make snippets from the stored paragraph
text with the query's own highlighter.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Occur, Query

from masthead.model import Document
from masthead.search import collect as _collect
from masthead.search.collect import (
    count_documents,
    early_samples,
    empty_facets,
    exclude_documents,
    facets_and_documents,
    pick_count,
    ranked_rows,
    result_page,
    sample_shift,
    sample_suits,
    top_rows,
)
from masthead.search.compile import VOCAB_FIELDS, Compiler, NameList, filter_queries
from masthead.search.facetids import FacetIds
from masthead.search.query import QueryError, parse_query
from masthead.search.results import SearchResults
from masthead.search.schema import (
    ANALYZER,
    FACET_FIELDS,
    build_schema,
    doc_key,
    document_rows,
    make_analyzer,
    silent_analyzer,
)
from masthead.search.spelling import Vocabulary
from masthead.search.writers import WriterNames

__all__ = ["SearchIndex", "SearchIndexError", "IndexFormatError", "document_rows", "doc_key", "SORTS", "SCHEMA_VERSION"]

SCHEMA_VERSION = 4
SORTS = ("relevance", "oldest", "newest")
FACET_UNITS = ("passages", "documents", "auto")
AUTO_DOCUMENT_ROWS = 20_000
"""``facet_unit="auto"`` counts documents per facet value when at most this many rows can match (at
most a few milliseconds of HyperLogLog per value), passages above (counting documents per value on a
result set of 200,000 rows costs tens of milliseconds: ``bench/search.py`` prints it)."""
MAX_LIMIT = 200
MAX_OFFSET = 10000
DEFAULT_HEAP = 200_000_000
FACETS_FILE = "facets.sqlite"


class SearchIndexError(Exception):
    """The index folder cannot be opened or written (locked, damaged, built by another version)."""


class IndexFormatError(SearchIndexError):
    """The index folder holds an index in another format (built by another version of Masthead), or one
    whose format cannot be read: it can only be rebuilt (see :func:`masthead.search.sync.open_index`).
    ``reason`` says what was found, without the advice."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; rebuild the index")
        self.reason = reason


class SearchIndex:
    """A search index in a folder. Open with :meth:`open`; see the module docstring."""

    def __init__(
        self, path: Path, index: tantivy.Index, vocab: Vocabulary, facet_ids: FacetIds, *, heap: int, threads: int
    ) -> None:
        self.path = path
        self._index = index
        self._schema = index.schema
        self._vocab = vocab
        self._facet_ids = facet_ids
        self._analyzer = make_analyzer()
        self._heap = heap
        self._threads = threads
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.RLock()
        self._new_words: set[str] = set()  # words of documents added since the last commit
        self._names: dict[str, NameList] = {}
        self.last_rebuild: dict[str, float] = {}
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="masthead-search")

    # -- opening -------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, heap: int = DEFAULT_HEAP, threads: int = 1, reset: bool = False) -> SearchIndex:
        """Open the index in folder ``path``, creating it when missing (``reset=True`` empties it first).

        ``heap`` is the writer's memory budget in bytes (shared by its ``threads``); indexing memory
        stays within it however many documents are added. Raises :class:`SearchIndexError` for a
        folder that holds an index of another version or that tantivy cannot open.
        """
        p = Path(path)
        if reset and p.exists():
            shutil.rmtree(p)
        meta = p / "masthead-search.json"
        tdir = p / "tantivy"
        if meta.exists():
            try:
                version = json.loads(meta.read_text(encoding="utf-8")).get("schema_version")
            except (OSError, ValueError) as exc:
                raise IndexFormatError(f"{meta}: unreadable ({exc})") from exc
            if version != SCHEMA_VERSION:
                raise IndexFormatError(f"{p}: search index format {version}, this Masthead uses {SCHEMA_VERSION}")
            if not (p / FACETS_FILE).exists():
                raise IndexFormatError(f"{p}: {FACETS_FILE} is missing")
        elif p.exists() and (not p.is_dir() or any(p.iterdir())):
            raise SearchIndexError(f"{p}: not a Masthead search index (and not an empty folder)")
        try:
            tdir.mkdir(parents=True, exist_ok=True)
            schema = build_schema()
            index = tantivy.Index(schema, path=str(tdir), reuse=True)
            index.register_tokenizer(ANALYZER, make_analyzer())
            index.register_tokenizer("silent", silent_analyzer())
            facet_ids = FacetIds(p / FACETS_FILE)  # before the format file, which says the folder is whole
            if not meta.exists():
                meta.write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n", encoding="utf-8")
            vocab = Vocabulary(p / "vocabulary.sqlite")
        except (OSError, ValueError, sqlite3.Error) as exc:
            raise SearchIndexError(f"{p}: cannot open the search index: {exc}") from exc
        return cls(p, index, vocab, facet_ids, heap=heap, threads=threads)

    def close(self) -> None:
        """Commit nothing; wait for background merges, release the writer lock and the vocabulary."""
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()
                self._writer.wait_merging_threads()
                self._writer = None
            self._vocab.close()
            self._facet_ids.close()
            self._pool.shutdown(wait=True)

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------------
    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(self._heap, self._threads)
            except ValueError as exc:
                raise SearchIndexError(f"{self.path}: cannot write the index: {exc}") from exc
        return self._writer

    def _add_rows(
        self, w: tantivy.IndexWriter, doc: Document, entities: Iterable[str], words: set[str] | None = None
    ) -> int:
        n = 0
        schema = self._schema
        for row in document_rows(doc, entities, self._facet_ids.ids):
            w.add_document(tantivy.Document.from_dict(row, schema))
            if words is not None:
                for f in VOCAB_FIELDS:
                    if f in row:
                        words.update(self._analyzer.analyze(row[f]))
            n += 1
        return n

    def add(self, doc: Document, *, entities: Iterable[str] = ()) -> int:
        """Index a document, replacing any earlier version with the same id; returns the rows written.
        ``entities`` are glossary entry names for the ``entity`` field and facet."""
        with self._lock:
            w = self._w()
            w.delete_documents_by_query(self._doc_rows(doc.id))
            return self._add_rows(w, doc, entities, self._new_words)

    replace = add

    def delete(self, doc_id: str) -> None:
        """Remove every row of a document (a no-op for an id not in the index)."""
        with self._lock:
            self._w().delete_documents_by_query(self._doc_rows(doc_id))

    def commit(self) -> None:
        """Make the changes since the last commit durable and visible to searches; learn new words."""
        with self._lock:
            if self._writer is None:
                return
            self._writer.commit()
            self._index.reload()
            self._names.clear()
            if self._new_words:
                self._vocab.update(self._new_words)
                self._new_words = set()

    def rollback(self) -> None:
        """Drop the changes since the last commit."""
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()
                self._new_words = set()

    def rebuild(self, docs: Iterable[Document], *, entities: Mapping[str, Iterable[str]] | None = None) -> int:
        """Replace the whole index by ``docs`` (streamed: memory stays within the writer's heap), commit,
        merge, and rebuild the vocabulary. Returns the number of rows indexed; the seconds each step
        took are left in :attr:`last_rebuild` (``add``, ``commit``, ``merge``, ``vocabulary``)."""
        with self._lock:
            clock = time.perf_counter()
            stats: dict[str, float] = {}

            def lap(name: str) -> None:
                nonlocal clock
                now = time.perf_counter()
                stats[name] = now - clock
                clock = now

            w = self._w()
            w.delete_all_documents()
            n = 0
            ents = entities or {}
            try:
                for doc in docs:
                    n += self._add_rows(w, doc, ents.get(doc.id, ()))
            except BaseException:
                w.rollback()  # a failed rebuild leaves the index as it was
                raise
            lap("add")
            w.commit()
            lap("commit")
            w.wait_merging_threads()
            lap("merge")
            self._writer = None
            self._index.reload()
            self._names.clear()
            self._vocab.clear()
            self._update_vocabulary()
            lap("vocabulary")
            self._new_words = set()
            self.last_rebuild = stats
            return n

    def _update_vocabulary(self) -> int:
        s = self._index.searcher()
        terms: set[str] = set()
        for f in VOCAB_FIELDS:
            terms.update(t for t, _ in s.terms_with_prefix(f, ""))
        return self._vocab.update(terms)

    # -- reading -------------------------------------------------------------------------------------
    @property
    def num_rows(self) -> int:
        """Rows (title rows, blocks and notes) in the committed index."""
        return self._index.searcher().num_docs

    @property
    def num_documents(self) -> int:
        s = self._index.searcher()
        return s.search(self._kind("title"), 1, count=True).count

    def __contains__(self, doc_id: str) -> bool:
        s = self._index.searcher()
        return s.search(Query.term_query(self._schema, "doc_id", doc_id), 1, count=True).count > 0

    def _doc_rows(self, doc_id: str) -> Query:
        # by query, not delete_documents_by_term: the binding types an integer term by its Python
        # value, not by the field, so a u64 term delete silently matches nothing
        return Query.term_query(self._schema, "doc_key", doc_key(doc_id))

    def _kind(self, kind: str) -> Query:
        return Query.term_query(self._schema, "kind", kind)

    def analyze(self, text: str) -> list[str]:
        """Tokens of ``text`` as the index sees them."""
        return self._analyzer.analyze(text)

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, Any] | None = None,
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
        facets: bool = True,
        per_document: int = 2,
        fuzzy: bool = True,
        facet_unit: str = "passages",
        writers: WriterNames | None = None,
    ) -> SearchResults:
        """Search the archive. Any text gives results or raises :class:`QueryError` with a message for
        the reader (see :mod:`masthead.search.query` for the language).

        ``filters``: exact facet values (``{"periodical": "Labor Action", "year": (1946, 1948)}``, see
        :func:`~masthead.search.compile.filter_queries`); ``sort``: ``relevance`` (ties broken by date,
        oldest first), ``oldest`` or ``newest``; ``limit`` / ``offset``: the page, in documents;
        ``facets``: count the matches by periodical, year, decade, writer and entity, in matching
        paragraphs (``facet_unit="passages"``, exact and fast), documents (``"documents"``, several
        times slower on large result sets: see :func:`~masthead.search.collect.facets_and_documents`)
        or ``"auto"``: documents when at most :data:`AUTO_DOCUMENT_ROWS` rows can match, else passages
        (the results' ``facet_unit`` says which); ``per_document``: best passages
        kept per document; ``fuzzy``: also search the nearest vocabulary words for a word the archive
        does not contain; ``writers``: how the catalogue files bylines (pen names, merged writers), so
        that ``writer:`` in the query finds every name of the writers it names (the facet and the
        ``writer`` filter are the caller's: see :mod:`masthead.search.writers`).
        """
        t0 = time.perf_counter()
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}; use relevance, oldest or newest")
        if not (1 <= limit <= MAX_LIMIT):
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if not (0 <= offset <= MAX_OFFSET):
            raise QueryError(f"offset must be between 0 and {MAX_OFFSET}")
        if facet_unit not in FACET_UNITS:
            raise QueryError(f"unknown facet unit {facet_unit!r}; use passages, documents or auto")
        per_document = max(1, min(int(per_document), 10))
        node = parse_query(query)
        searcher = self._index.searcher()
        compiler = Compiler(
            self._schema,
            self._analyzer,
            searcher,
            self._vocab,
            fuzzy=fuzzy,
            names=lambda f: self._names_for(f, searcher, writers),
            widen=None if writers is None or not writers.canonical else self._widener(writers, searcher),
        )
        compiled = compiler.compile(node)
        filt = filter_queries(self._schema, dict(filters or {}))
        filt += exclude_documents(searcher, self._schema, compiled.excluded)

        def full(q: Query | None) -> Query:
            musts = [q] if q is not None else []
            if q is None or not compiled.text_terms:
                musts.append(self._kind("title"))  # nothing to match in the text: list documents once
            musts += filt
            return musts[0] if len(musts) == 1 else Query.boolean_query([(Occur.Must, m) for m in musts])

        browse = compiled.query is None or not compiled.text_terms
        try:
            q = full(compiled.query)
            skip = frozenset(f for f in FACET_FIELDS if facets and not self.names(f, searcher))

            def facet_pass(q: Query, documents: tuple[int, ...]) -> _Job:
                labels = self._facet_ids.value
                return self._job(
                    facets_and_documents,
                    searcher,
                    q,
                    labels,
                    unit=unit,
                    skip=skip,
                    documents=documents,
                    facets=facets,
                    here=few,
                )

            # Two ways to run the facet pass. With cores to spare, in a worker thread (tantivy releases the
            # GIL) from the start, beside the ranking: the latency is the longest of them, not their sum.
            # The same pass counts the documents among the matching rows, in the sample an upper bound of
            # the rows calls for (from the words' frequencies: all of them when few can match) and in the
            # one their likely number calls for (see early_samples); when the rows then suit neither (or
            # nothing bounds them), they are counted apart, beside the rest. On a busy machine, after the
            # ranking, in this thread: knowing how many rows match, the same pass counts the documents
            # (all of them, or a sample). Either way a search evaluates its query twice (ranking,
            # facets), not three times, as a rule. A search without facets starts the same pass early
            # with the counts alone, when the bound is known and more rows can match than are ranked.
            bound = None if browse else compiled.max_rows
            few = bound is not None and bound <= ranked_rows(offset + limit)  # every matching row is ranked
            # what facet values count: browsing matches title rows alone, one a document, so its passages
            # are its documents; "auto" counts documents when few rows can match (the bound; after the
            # ranking, the rows)
            unit = "passages" if browse else facet_unit
            if unit == "auto":
                unit = "documents" if bound is not None and bound <= AUTO_DOCUMENT_ROWS else "passages"
            counting: tuple[int, ...] = ()  # the samples the facet pass counts documents in
            if bound is not None and not few:
                counting = early_samples(bound, compiled.likely_rows)
            # a pass over a few rows is cheaper in this thread, after the result page, than handed to a
            # worker (the hand-over and the wait for the interpreter lock cost more than the pass)
            early = bool(facets or counting) and not few and _cores_free()
            if not early:
                counting = ()
            fut = facet_pass(q, counting) if early else None
            rows, groups = top_rows(searcher, self._schema, q, sort, offset + limit)
            relaxed = False
            if rows == 0:
                rq = compiled.relax()
                if rq is not None:
                    q2 = full(rq)
                    rows2, groups2 = top_rows(searcher, self._schema, q2, sort, offset + limit)
                    if rows2:
                        q, rows, groups, relaxed = q2, rows2, groups2, True
                        few = False  # the bound was the strict query's
                        if fut is not None:
                            fut.drop()
                            fut, counting = (facet_pass(q, ()) if facets else None), ()
            # the documents among the matching rows: known without counting when every matching row is
            # among the ranked ones (a small result set) or when only title rows match (browsing);
            # otherwise counted, or for many rows estimated from a sample (see sample_shift)
            complete = rows <= _collect.EXACT_DOCS_ROWS and sum(len(g) for g in groups.values()) >= rows
            shift = sample_shift(rows) if rows and not browse and not complete else None
            if facets and rows and fut is None:
                if facet_unit == "auto" and not browse:
                    unit = "documents" if rows <= AUTO_DOCUMENT_ROWS else "passages"
                counting = (shift,) if shift is not None else ()
                fut = facet_pass(q, counting)
            counted_here = shift is not None and any(sample_suits(rows, s) for s in counting)
            if not facets and fut is not None and not counted_here:  # the early count is not the one wanted
                fut.drop()
                fut = None
            fut_docs = None
            if shift is not None and not counted_here:
                fut_docs = self._job(count_documents, searcher, q, rows)
            hits = result_page(
                searcher, self._schema, q, groups, sort, limit, offset, per_document, compiled.highlighter
            )
            facet_values: dict = empty_facets() if facets else {}
            docs, estimated = (len(groups) if complete and not browse else rows), False
            if fut is not None:
                facet_values, counted = fut.result()
                picked = pick_count(rows, counted) if counted_here else None
                if picked is not None:
                    docs, estimated = picked[1], picked[0] > 0
            if fut_docs is not None:
                docs, estimated = fut_docs.result()
        except ValueError as exc:  # tantivy refused a query built from analysed tokens: report, not crash
            if isinstance(exc, QueryError):
                raise
            raise QueryError(f"the query could not be run: {exc}") from exc
        except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException (a BaseException)
            if type(exc).__name__ != "PanicException":
                raise
            raise QueryError(f"the query could not be run: {exc}") from exc
        did_you_mean = None
        if compiled.replacements and (not rows or compiled.corrections):
            did_you_mean = _apply_replacements(query, compiled.replacements)
        return SearchResults(
            query=query,
            hits=hits,
            total=docs,
            total_estimated=estimated,
            total_passages=rows,
            offset=offset,
            limit=limit,
            sort=sort,
            facets=facet_values,
            facet_unit="" if not facets else "documents" if browse and facet_unit != "passages" else unit,
            corrections=compiled.corrections,
            did_you_mean=did_you_mean,
            relaxed=relaxed,
            highlighter=compiled.highlighter,
            elapsed_ms=(time.perf_counter() - t0) * 1000,
        )

    def _job(self, fn: Callable[..., Any], *args: Any, here: bool = False, **kwargs: Any) -> _Job:
        """``fn(*args, **kwargs)`` for a worker when cores are free, else (or with ``here``) run in this
        thread when its result is asked for."""
        return _Job(None if here or not _cores_free() else self._pool, functools.partial(fn, *args, **kwargs))

    # -- "did you mean" and related ------------------------------------------------------------------
    def suggest(self, word: str) -> list[str]:
        """Vocabulary words closest to ``word`` (most frequent first), for a word not in the archive."""
        toks = self._analyzer.analyze(word)
        if len(toks) != 1:
            return []
        c = Compiler(self._schema, self._analyzer, self._index.searcher(), self._vocab)
        return c.suggest(toks[0])

    def related(self, doc_id: str, limit: int = 5) -> list[tuple[str, float]]:
        """Documents most like ``doc_id`` by shared distinctive words: ``[(doc_id, score)]``, best first
        (empty for an unknown id). See :mod:`masthead.search.related`."""
        from masthead.search.related import related_documents

        return related_documents(self._index.searcher(), self._schema, self._analyzer, doc_id, limit)

    def document_rows(self, doc_id: str) -> list[dict[str, Any]]:
        """The stored rows of a document, title row first, then in block order."""
        s = self._index.searcher()
        res = s.search(Query.term_query(self._schema, "doc_key", doc_key(doc_id)), 100000, count=False)
        rows = [s.doc(a).to_dict() for _, a in res.hits]
        return sorted(rows, key=lambda d: (d.get("kind") != ["title"], d["block"][0], d.get("anchor", [""])[0]))

    def _names_for(self, facet: str, searcher: tantivy.Searcher, writers: WriterNames | None) -> NameList:
        """:meth:`names`, with, for ``writer``, the writers the catalogue files bylines under, found by
        their own names and by their aliases' (neither need be a byline: a merged writer's name, a pen
        name no article carries yet)."""
        names = self.names(facet, searcher)
        if facet != "writer" or writers is None or not writers.canonical:
            return names
        extra = {(w, tuple(self._analyzer.analyze(w))) for w in writers.canonical.values()}
        extra |= {(w, tuple(self._analyzer.analyze(slug.replace("-", " ")))) for slug, w in writers.canonical.items()}
        return names + sorted(extra)

    def _widener(self, writers: WriterNames, searcher: tantivy.Searcher) -> Callable[[str, list[str]], list[str]]:
        def widen(facet: str, found: list[str]) -> list[str]:
            if facet != "writer":
                return found
            bylines = [n for n, _ in self.names("writer", searcher)]
            return list(writers.expand({"writer": found}, bylines)["writer"])

        return widen

    def names(self, facet: str, searcher: tantivy.Searcher | None = None) -> NameList:
        """Every value of a facet field (``writer``, ``periodical``, ``entity``) with its analysed
        words, cached until the next commit."""
        hit = self._names.get(facet)
        if hit is None:
            s = searcher or self._index.searcher()
            values = sorted(t for t, _ in s.terms_with_prefix(FACET_FIELDS[facet], ""))
            hit = [(v, tuple(self._analyzer.analyze(v))) for v in values]
            self._names[facet] = hit
        return hit


_LOAD_CHECKED = [0.0, 1.0]  # [when, whether cores were free]


def _cores_free() -> bool:
    """Whether the machine has cores to spare: fewer other threads ready to run than cores, as the kernel
    counts them now (``/proc/loadavg``; the load average where that is missing), looked at twice a second.
    Only then do the parts of a search run in worker threads: on a machine already busy, handing work to
    a thread costs more than it saves (the thread waits to be scheduled, and the search waits on it)."""
    now = time.monotonic()
    if now - _LOAD_CHECKED[0] > 0.5:
        cores = os.cpu_count() or 1
        try:
            with open("/proc/loadavg", encoding="ascii") as fh:
                ready = int(fh.read().split()[3].split("/")[0]) - 1  # not counting this thread
            free = ready < cores
        except (OSError, ValueError, IndexError):
            try:
                free = os.getloadavg()[0] < cores
            except OSError:  # neither on this system
                free = True
        _LOAD_CHECKED[:] = [now, float(free)]
    return bool(_LOAD_CHECKED[1])


class _Job:
    """Work handed to a worker thread (or, without a pool, done when its result is asked for), that the
    thread asking for its result does itself when no worker has picked it up yet: a search never waits
    for a worker to be scheduled (its latency is at most the sum of its parts), while on an idle machine
    the parts overlap."""

    def __init__(self, pool: ThreadPoolExecutor | None, fn: Callable[[], Any]) -> None:
        self._fn = fn
        self._fut: Future[Any] | None = pool.submit(fn) if pool is not None else None

    def result(self) -> Any:
        if self._fut is None or self._fut.cancel():
            return self._fn()
        return self._fut.result()

    def drop(self) -> None:
        """Not needed after all: cancelled if not started, else left to finish in its worker, unawaited
        (the search goes on at once; the worker keeps its own reference to the searcher)."""
        if self._fut is not None:
            self._fut.cancel()


def _apply_replacements(text: str, reps: list[tuple[tuple[int, int], str]]) -> str:
    out = text
    for (s, e), word in sorted(reps, key=lambda r: -r[0][0]):
        out = out[:s] + word + out[e:]
    return out
