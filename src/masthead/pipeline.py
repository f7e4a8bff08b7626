"""The pipeline: the stages in order, and the batch ingest that runs them over many files.

    ingest (find, read, decode)  ->  structure (a reader per format)  ->  store (one transaction each)

``STAGES`` names the stages in the order a document passes through them (later issues add proofread
and enrich between structure and store). :func:`ingest_paths` streams files through the stages: one
bad file is recorded as failed and never stops the batch, and each document is saved in its own
transaction so a crash leaves no half-written document.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import pickle
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from masthead import ingest
from masthead.catalogue.writers import PathWriters, archive_folder
from masthead.model import Document
from masthead.readers import Diagnostic, Parsed, ReadError
from masthead.store import Store, StoreError
from masthead.store.catalogue import prepare
from masthead.store.sources import IngestState

if TYPE_CHECKING:
    from masthead.proofread.findings import Finding

Proofreader = Callable[[Document, frozenset[str]], "list[Finding]"]
"""What :func:`ingest_paths` calls on each new or changed document: the document and the keys of the
findings editors already decided (never to be reported again) -> the document's findings, with offsets
into its view text (:func:`masthead.textview.text_view`)."""

STAGES: tuple[tuple[str, str], ...] = (
    ("ingest", "masthead.ingest.load: path -> SourceFile (bytes, decoded text, SHA-256, format)"),
    ("structure", "masthead.ingest.structure: SourceFile -> Parsed(Document, warnings)"),
    ("store", "Store.save: Document -> SaveResult (new / changed / unchanged), one transaction"),
)


@dataclass(slots=True)
class FileOutcome:
    """What happened to one file: status new / changed / unchanged / failed."""

    path: str
    status: str
    id: str | None = None
    revision: int | None = None
    error: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    findings: int | None = None
    """Open findings stored for the document (None when it was not proofread)."""


@dataclass(slots=True)
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        c: Counter[str] = Counter({"new": 0, "changed": 0, "unchanged": 0, "failed": 0})
        c.update(o.status for o in self.outcomes)
        return c

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def _parse_one(args: tuple[str, int]) -> tuple[str, Parsed | None, str | None]:
    path, max_bytes = args
    try:
        return path, ingest.parse_file(path, max_bytes=max_bytes), None
    except ReadError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a reader bug must not stop the batch; report it as this file's failure
        return (
            path,
            None,
            f"{ingest.display_path(path)}: internal error in reader: {type(exc).__name__}: {exc}",
        )


Prepared = tuple[str, str, int]
"""What the store saves of a document (:func:`masthead.store.catalogue.prepare`: canonical JSON, its
SHA-256, word count), computed by a worker process beside the parse."""


class ParsedFile(NamedTuple):
    """One file through :func:`parse_many`: its document (or the error), and what a worker process did
    besides: the document prepared for saving, and its findings (``None`` where not done there).
    ``light``: the worker sent the document without its body (blocks and notes), which the prepared
    JSON holds (see :func:`whole_document`): what the parent needs of most documents is their catalogue
    fields, and sending a body twice cost the parent more than anything else it did per document."""

    path: str
    parsed: Parsed | None
    error: str | None
    prepared: Prepared | None = None
    findings: list[Finding] | None = None
    light: bool = False


AUTO_JOBS_FILES = 100
"""With ``jobs=0``, batches of at least this many files are parsed by one worker process a core."""


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on every system
        return max(1, os.cpu_count() or 1)


def whole_document(head: Document, prepared: Prepared) -> Document:
    """The whole document a worker sent light: its prepared JSON read back, with the id and writers the
    parent may have given the head since (a folder's writer, a free id)."""
    doc = Document.from_json(prepared[0])
    if (doc.id, doc.writers) != (head.id, head.writers):
        doc = doc.replace(id=head.id, writers=head.writers)
    return doc


def parse_many(
    paths: Iterable[Path],
    *,
    max_bytes: int,
    jobs: int = 1,
    proofreader: Proofreader | None = None,
    light: bool = False,
) -> Iterator[ParsedFile]:
    """Parse files in order, in ``jobs`` worker processes when more than one (streamed, bounded). The
    workers also prepare each document for saving and, given a picklable ``proofreader``, proofread it
    (as a new document: no decided keys); with ``light``, they send each prepared document without its
    body (see :class:`ParsedFile`)."""
    items = ((str(p), max_bytes) for p in paths)
    if jobs <= 1:
        for item in items:
            yield ParsedFile(*_parse_one(item))
        return
    if proofreader is not None:
        try:
            pickle.dumps(proofreader)
        except Exception:  # a closure: it runs in this process after the save
            proofreader = None
    # Executor.map would submit every file at once and hold every result the consumer has not taken
    # yet; a window of chunks in flight keeps memory flat however many files there are.
    chunk, window = 16 if proofreader is None else 4, jobs * 3
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[list[ParsedFile]]] = deque()
        while batch := list(itertools.islice(items, chunk)):
            pending.append(pool.submit(_parse_chunk, batch, proofreader, light))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _parse_chunk(items: list[tuple[str, int]], proofreader: Proofreader | None, light: bool) -> list[ParsedFile]:
    out = []
    for item in items:
        path, parsed, error = _parse_one(item)
        prepared, findings, sent = None, None, parsed
        if parsed is not None:
            try:
                prepared = prepare(parsed.document)
            except StoreError:  # the save in the parent reports it
                pass
            if proofreader is not None:
                try:
                    findings = proofreader(parsed.document, frozenset())
                except Exception:  # the parent proofreads it again and reports the failure
                    findings = None
            if light and prepared is not None:
                sent = Parsed(parsed.document.replace(blocks=(), notes=()), parsed.warnings)
        out.append(ParsedFile(path, sent, error, prepared, findings, light and prepared is not None))
    return out


def resolve_id(store: Store, doc: Document, state: IngestState | None | bool = False) -> Document:
    """Give a document its stable id: the id already stored for its source file when there is one
    (so an edited title does not fork the document), else its own id, suffixed ``-2``, ``-3`` ... when
    another source file already holds that id. ``state``: the store's
    :meth:`~masthead.store.sqlite.SQLiteStore.ingest_state` of the source path, when already asked."""
    src = doc.provenance.path
    if state is False:
        known = store.id_for_source(src) if src else None
    else:
        known = state.id if state else None  # type: ignore[union-attr]
    if known:
        return doc if known == doc.id else doc.replace(id=known)
    source_of = getattr(store, "source_of", None)

    def holder(doc_id: str) -> str | None:  # the source path of the document holding doc_id
        if source_of is not None:
            return source_of(doc_id)  # type: ignore[no-any-return]
        other = store.get(doc_id)
        return None if other is None else other.provenance.path

    base, n, candidate = doc.id, 1, doc.id
    while (other := holder(candidate)) is not None and other != src:
        n += 1
        candidate = f"{base}-{n}"
    return doc if candidate == doc.id else doc.replace(id=candidate)


def ingest_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
    jobs: int = 1,
    author: str = "ingest",
    on_file: Callable[[FileOutcome], None] | None = None,
    proofreader: Proofreader | None = None,
    linker: Callable[[Document], list[Any]] | None = None,
    reparse: bool = False,
) -> IngestReport:
    """Run every file under ``paths`` through ingest -> structure -> store and report each outcome.

    With a ``proofreader``, each new or changed document is proofread after it is saved and its
    findings replace its open ones in the store (in the same batch); an unchanged document keeps the
    findings it has. A proofreader that fails on a document leaves a warning, never a failed file.

    A document whose current revision an editor made (an accepted finding, a revert) is left as it is
    when its source file is unchanged, so a re-ingest never undoes corrections; when the source file
    did change, the new text is stored with a warning naming the revisions to compare.

    With a ``linker`` (``masthead.glossary.archive.make_linker(store)``) each new or changed document's
    glossary mentions are found and stored too; a linker failure is a warning as well.

    A file whose bytes (SHA-256) are those the stored document came from is reported unchanged without
    being parsed, so a re-ingest of an unchanged archive costs a read and a hash per file; ``reparse``
    parses every file all the same (after a reader has improved, say: a new text becomes a revision).

    ``jobs``: worker processes for parsing (see :func:`parse_many`); 0 chooses: one a core for a batch
    of at least :data:`AUTO_JOBS_FILES` files, else none (starting workers costs more than a few files)."""
    report = IngestReport()

    def record(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)

    files: list[Path] = []
    for raw in paths:
        try:
            files.extend(ingest.discover([raw]))
        except ReadError as exc:
            record(FileOutcome(path=exc.path, status="failed", error=str(exc)))
    if jobs <= 0:
        jobs = available_cores() if len(files) >= AUTO_JOBS_FILES else 1
    batch = getattr(store, "batch", None)  # group commit where the backend offers it
    with batch() if batch else contextlib.nullcontext():
        _store_all(
            store,
            files,
            max_bytes=max_bytes,
            jobs=jobs,
            author=author,
            record=record,
            proofreader=proofreader,
            linker=linker,
            reparse=reparse,
        )
    return report


def _store_all(
    store: Store,
    files: list[Path],
    *,
    max_bytes: int,
    jobs: int,
    author: str,
    record: Callable[[FileOutcome], None],
    proofreader: Proofreader | None = None,
    linker: Callable[[Document], list[Any]] | None = None,
    reparse: bool = False,
) -> None:
    # A document with no byline gets the writer its archive folder names (archive/padmore/... ->
    # George Padmore), learnt from the bylines and index pages of the run and the writers stored.
    by_folder = PathWriters(w.name for w in store.writers())
    # Unchanged files under an archive folder, not parsed: read (and learnt from) only when a document
    # of the same folder needs its writer, so that the folder's votes are what a full parse gives.
    unread: dict[str, list[str]] = defaultdict(list)

    def learn_folder(doc: Document) -> None:
        folder = None if doc.writers else archive_folder(doc.provenance.path)
        for path in unread.pop(folder, []) if folder else []:
            if (parsed := _parse_one((path, max_bytes))[1]) is not None:
                by_folder.learn(parsed.document)

    waiting: list[Parsed] = []
    saved: set[str] = set()  # paths saved in this run: the state read with such a file may be stale
    # workers may send documents without their bodies when nothing here reads the text of every one
    light = linker is None
    read = _read_all(
        store, files, max_bytes=max_bytes, jobs=jobs, reparse=reparse, proofreader=proofreader, light=light
    )
    for f in read:
        if f.unchanged:  # same bytes as the stored document's source: not parsed
            assert isinstance(f.state, IngestState)
            if folder := archive_folder(f.path):
                unread[folder].append(f.path)
            record(FileOutcome(path=f.path, status="unchanged", id=f.state.id, revision=f.state.revision))
            continue
        if f.parsed is None:
            record(FileOutcome(path=f.path, status="failed", error=f.error))
            continue
        by_folder.learn(f.parsed.document)
        doc = f.parsed.document
        learn_folder(doc)
        if (
            not doc.writers
            and archive_folder(doc.provenance.path)
            and by_folder.writer_for(doc.provenance.path) is None
        ):
            # its folder's writer may be read later in the run (kept whole: saved without what was prepared)
            waiting.append(Parsed(whole_document(doc, f.prepared), f.parsed.warnings) if f.light else f.parsed)
            continue
        state = False if f.path in saved else f.state
        saved.add(f.path)
        outcome = _save(store, f.parsed, by_folder, author, proofreader, linker, state, f.prepared, f.findings, f.light)
        record(outcome)
    for parsed in waiting:
        learn_folder(parsed.document)
        record(_save(store, parsed, by_folder, author, proofreader, linker))


@dataclass(slots=True)
class _File:
    """One file read: its display path, and its document or the error that stopped it; ``state``: the
    store's :meth:`~masthead.store.sqlite.SQLiteStore.ingest_state` of the path as the file was read
    (False: not asked); ``unchanged``: the stored document came from these very bytes (not parsed)."""

    path: str
    parsed: Parsed | None = None
    error: str | None = None
    state: IngestState | None | bool = False
    unchanged: bool = False
    prepared: Prepared | None = None
    findings: list[Finding] | None = None
    light: bool = False


def _judge(shown: str, state: IngestState | None, sha256: str) -> _File:
    """File ``shown`` with its stored ``state``: unchanged when the stored document came from these very
    bytes (so parsing them again can only give it back). A byline-less document under an archive folder
    counts as changed all the same: a writer learnt since may now name it."""
    same = state is not None and state.source_sha256 == sha256
    if same and not state.has_writers and archive_folder(shown):  # type: ignore[union-attr]
        same = False
    return _File(shown, state=state, unchanged=same)


def _read_all(
    store: Store,
    files: list[Path],
    *,
    max_bytes: int,
    jobs: int,
    reparse: bool,
    proofreader: Proofreader | None,
    light: bool = False,
) -> Iterator[_File]:
    """Read every file in order: one whose bytes the store already holds is reported unchanged without
    being parsed (unless ``reparse``); the others are parsed, in ``jobs`` processes when more than one
    (which send documents light when ``light``: see :class:`ParsedFile`)."""
    state_of = None if reparse else getattr(store, "ingest_state", None)
    if jobs <= 1:
        for p in files:
            try:
                shown, data = ingest.read_bytes(p, max_bytes=max_bytes)
            except ReadError as exc:
                yield _File(ingest.display_path(p), error=str(exc))
                continue
            sha = hashlib.sha256(data).hexdigest()
            f = _judge(shown, state_of(shown), sha) if state_of is not None else _File(shown)
            if not f.unchanged:
                try:
                    f.parsed = ingest.structure(ingest.from_bytes(shown, data, sha256=sha))
                except ReadError as exc:
                    f.error = str(exc)
                except Exception as exc:  # a reader bug must not stop the batch; report it as this file's failure
                    f.error = f"{shown}: internal error in reader: {type(exc).__name__}: {exc}"
            yield f
        return
    if state_of is None:
        for r in parse_many(files, max_bytes=max_bytes, jobs=jobs, proofreader=proofreader, light=light):
            shown = ingest.display_path(r.path)
            yield _File(shown, r.parsed, r.error, prepared=r.prepared, findings=r.findings, light=r.light)
        return
    read: list[tuple[str, _File | None]] = []  # the unchanged files are found here, in order
    for p in files:
        shown = ingest.display_path(p)
        state = state_of(shown)
        if state is None:  # nothing stored from this path: new, read by a worker only
            read.append((str(p), _File(shown, state=None)))
            continue
        try:
            data = ingest.read_bytes(p, max_bytes=max_bytes)[1]
        except ReadError:
            read.append((str(p), None))  # a worker reports the error
            continue
        read.append((str(p), _judge(shown, state, hashlib.sha256(data).hexdigest())))
    todo = [Path(p) for p, f in read if f is None or not f.unchanged]
    parsed = parse_many(todo, max_bytes=max_bytes, jobs=jobs, proofreader=proofreader, light=light)
    for i, (_, f) in enumerate(read):
        read[i] = ("", None)  # let each parsed document go once it is saved
        if f is None or not f.unchanged:
            r = next(parsed)
            f = f or _File(ingest.display_path(r.path))
            f.parsed, f.error, f.prepared, f.findings, f.light = r.parsed, r.error, r.prepared, r.findings, r.light
        yield f


def _save(
    store: Store,
    parsed: Parsed,
    by_folder: PathWriters,
    author: str,
    proofreader: Proofreader | None,
    linker: Callable[[Document], list[Any]] | None,
    state: IngestState | None | bool = False,
    prepared: Prepared | None = None,
    findings: list[Finding] | None = None,
    light: bool = False,
) -> FileOutcome:
    """Save one parsed document; ``state``: the store's state of its source path when already read;
    ``prepared``, ``findings``: what a worker made of the parsed document (its save, its proofreading);
    ``light``: the worker sent the document without its body (read back from ``prepared`` where needed)."""
    head = parsed.document
    doc = by_folder.fill(head)
    state_of = getattr(store, "ingest_state", None)
    if state_of is not None and doc.provenance.path:  # one query answers both questions below
        if state is False:
            state = state_of(doc.provenance.path)
        assert not isinstance(state, bool)
        doc = resolve_id(store, doc, state)
        edited = (state.revision, state.source_sha256) if state is not None and state.author != author else None
    else:
        doc = resolve_id(store, doc)
        edited = _edited(store, doc, author)
    if edited is not None and edited[1] == doc.provenance.sha256 != "":
        # the same source file, and editors have corrected its text since: their revision stays
        return FileOutcome(doc.provenance.path, "unchanged", doc.id, edited[0], warnings=parsed.warnings)
    as_prepared = prepared is not None and doc is head  # neither a writer nor another id was given
    if light and not as_prepared:  # prepared again, whole, with the writer or id given here
        doc, light = whole_document(doc, prepared), False  # type: ignore[arg-type]

    def whole() -> Document:  # the document with its body, for proofreading or linking it here
        if not light:
            return doc
        assert prepared is not None
        return whole_document(doc, prepared)

    try:
        message = f"ingest {doc.provenance.path}"
        if as_prepared:
            result = store.save(doc, author=author, message=message, prepared=prepared)
        else:
            result = store.save(doc, author=author, message=message)
    except Exception as exc:  # the store rolled back; record and go on with the batch
        return FileOutcome(path=doc.provenance.path, status="failed", error=f"{doc.provenance.path}: {exc}")
    outcome = FileOutcome(
        path=doc.provenance.path,
        status=result.status,
        id=result.id,
        revision=result.revision,
        warnings=parsed.warnings,
    )
    if edited is not None and result.status == "changed":
        note = (
            f"the source file changed after editors corrected revision {edited[0]}; their corrections "
            f"are not in the new text (compare: masthead diff {doc.id} {edited[0]} {result.revision})"
        )
        outcome.warnings = [*outcome.warnings, Diagnostic(note)]
    if proofreader is not None and result.status != "unchanged":
        _proofread(store, doc, result.revision, proofreader, outcome, findings, whole)
    if linker is not None and result.status != "unchanged":
        _link(store, linker, whole(), result.revision, outcome)
    return outcome


def _edited(store: Store, doc: Document, author: str) -> tuple[int, str] | None:
    """(revision, source SHA-256) when the stored document's current revision is an editor's, not an ingest."""
    edited_after_ingest = getattr(store, "edited_after_ingest", None)
    return edited_after_ingest(doc.id, ingest_author=author) if edited_after_ingest else None


def _proofread(
    store: Store,
    doc: Document,
    revision: int,
    proofreader: Proofreader,
    outcome: FileOutcome,
    found: list[Finding] | None = None,
    whole: Callable[[], Document] | None = None,
) -> None:
    """Store ``doc``'s findings (the keys editors decided are passed in and never stored as open).
    ``found``: the findings a worker process made of the document with no keys decided, used when none
    are (the view text they are offsets into holds no id or writers, which the parent may have set);
    ``whole``: the whole document, when ``doc`` came without its body."""
    try:
        decided = store.decided_keys(doc.id)
        if found is None or decided:
            found = proofreader(whole() if whole is not None else doc, decided)
        outcome.findings = store.replace_findings(doc.id, revision, found)
    except Exception as exc:  # the document is stored; its findings wait for the next proofreading
        outcome.warnings = [*outcome.warnings, Diagnostic(f"not proofread: {type(exc).__name__}: {exc}")]


def _link(
    store: Store, linker: Callable[[Document], list[Any]], doc: Document, revision: int, outcome: FileOutcome
) -> None:
    """Store a saved document's glossary mentions; a failure is a warning (the document is stored;
    ``masthead glossary link`` retries)."""
    try:
        store.replace_mentions(doc.id, revision, linker(doc))
    except Exception as exc:  # linking must not turn a stored document into a failed file
        outcome.warnings = [*outcome.warnings, Diagnostic(f"glossary mentions not stored: {exc}")]
