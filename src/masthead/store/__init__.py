"""The store: documents, their revisions, and the catalogue rows (periodicals, issues, writers).

The store never parses text: it receives :class:`~masthead.model.Document` objects and returns them.
:func:`open_store` picks a backend from a path or URL; SQLite (:mod:`masthead.store.sqlite`) is the
embedded default, and a PostgreSQL backend can implement the same :class:`Store` protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from masthead.model import Document

if TYPE_CHECKING:
    from masthead.catalogue.calendar import DocumentDates, IssueRecord
    from masthead.glossary.entries import Entry, Mention
    from masthead.proofread.findings import Finding
    from masthead.store.accounts import EditorAccount, EditorSession
    from masthead.store.changes import Change
    from masthead.store.review import Decision, QueueEntry, StoredFinding


class StoreError(Exception):
    """A store that cannot be opened or used (one-line message saying how to fix it)."""


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What :meth:`Store.save` did: ``status`` is new, changed (a new revision) or unchanged."""

    id: str
    status: Literal["new", "changed", "unchanged"]
    revision: int


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A catalogue row: enough to list a document without loading its body."""

    id: str
    title: str
    subtitle: str | None
    writers: tuple[str, ...]
    periodical: str | None
    periodical_slug: str | None
    volume: int | None
    issue: int | None
    date: str | None
    pages: str | None
    revision: int
    words: int


@dataclass(frozen=True, slots=True)
class PeriodicalSummary:
    slug: str
    title: str
    documents: int
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True, slots=True)
class WriterSummary:
    slug: str
    name: str
    documents: int


@dataclass(frozen=True, slots=True)
class IssueSummary:
    """An issue of a periodical with its articles (``documents`` in page order)."""

    id: int
    periodical_slug: str
    volume: int | None
    number: int | None
    date: str | None
    label: str
    documents: tuple[DocumentSummary, ...]


@dataclass(frozen=True, slots=True)
class Revision:
    number: int
    sha256: str
    created: str
    author: str
    message: str


class Store(Protocol):
    """What every backend offers. All writes are transactional: one document per transaction."""

    def save(
        self, doc: Document, *, author: str = "ingest", message: str = "", prepared: tuple[str, str, int] | None = None
    ) -> SaveResult:
        """Insert or update by ``doc.id``; same content -> unchanged, other content -> new revision.
        ``prepared``: ``store.catalogue.prepare(doc)`` when the caller already has it (a worker process
        made it beside the parse), so that it is not computed twice."""
        ...

    def get(self, doc_id: str, *, revision: int | None = None) -> Document | None: ...

    def id_for_source(self, path: str) -> str | None:
        """The id of the document last ingested from this source path, if any."""
        ...

    def delete(self, doc_id: str) -> bool: ...

    def list_documents(
        self,
        *,
        periodical: str | None = None,
        writer: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[DocumentSummary]: ...

    def count_documents(self) -> int: ...

    def periodicals(self) -> list[PeriodicalSummary]: ...

    def periodical(self, slug: str) -> PeriodicalSummary | None: ...

    def issues(self, periodical_slug: str, *, year: int | None = None) -> list[IssueSummary]: ...

    def writers(self) -> list[WriterSummary]: ...

    def writer(self, slug: str) -> WriterSummary | None: ...

    def revisions(self, doc_id: str) -> list[Revision]: ...

    def close(self) -> None: ...

    def years(self, periodical_slug: str) -> list[tuple[int, int]]:
        """``(year, document count)`` for each year in which a periodical has dated documents, in order."""
        ...

    def issue(self, issue_id: int) -> IssueSummary | None:
        """One issue (as :meth:`issues` gives it, documents in page order), or None."""
        ...

    def issue_outlines(self, periodical_slug: str) -> list[tuple[tuple[Any, ...], tuple[str, ...]]]:
        """:meth:`issues` as ``(head, document ids)`` pairs, where ``head`` is ``(id, periodical_slug,
        volume, number, date, label)``: the issue list without a summary per document."""
        ...

    def adjacent_issues(self, issue_id: int) -> tuple[IssueSummary | None, IssueSummary | None]:
        """The previous and next issue of the same periodical in :meth:`issues` order (None at an end)."""
        ...

    def issue_for_document(self, doc_id: str) -> IssueSummary | None:
        """The issue a document is filed under (None when it has no periodical or does not exist)."""
        ...

    # -- catalogue editing (see store/catalogue_edit.py) ------------------------------------------------
    def writer_links(self, doc_id: str, names: Iterable[str]) -> list[tuple[str, WriterSummary | None]]:
        """Each byline name of a document with the writer the catalogue files it under."""
        ...

    def writer_aliases(self, slug: str) -> list[str]:
        """The other names (merged writers, pen names) a writer is known by."""
        ...

    def merge_writers(self, src: str, dst: str) -> int:
        """File every document of writer ``src`` under ``dst``; ``src``'s name becomes an alias."""
        ...

    def split_writer(self, slug: str, new_name: str, doc_ids: Sequence[str]) -> str:
        """File some documents of a writer under a new writer; returns its slug."""
        ...

    def add_writer_alias(self, alias: str, slug: str) -> int:
        """Declare another name of a writer (merging a writer of that name, if any)."""
        ...

    def periodical_variants(self, slug: str) -> list[str]:
        """The title variants met or declared for a periodical."""
        ...

    def periodical_details(self, slug: str) -> dict[str, str | None]:
        """A periodical's place and recorded frequency."""
        ...

    def alias_periodical(self, variant: str, slug: str) -> int:
        """Declare a title variant of a periodical (moving a periodical filed under it)."""
        ...

    def set_periodical_frequencies(self, frequencies: dict[str, str]) -> None:
        """Record each periodical's learned frequency."""
        ...

    def calendar_rows(self, periodical: str | None = None) -> tuple[list[IssueRecord], list[DocumentDates]]:
        """Issues and document dates for the calendar check."""
        ...

    # -- the change feed (outbox) that keeps the search index in step; see store/changes.py -----------
    def changes_since(self, seq: int, *, limit: int = 1000) -> list[Change]:
        """Queued changes after ``seq``, oldest first: each save or delete queues one in its transaction."""
        ...

    def last_change(self) -> int:
        """The newest change's seq (0 when none)."""
        ...

    def prune_changes(self, upto: int) -> int:
        """Forget changes up to ``upto`` once every consumer has applied them."""
        ...

    def iter_documents(self, *, batch: int = 200) -> Iterator[Document]:
        """Every current document, streamed."""
        ...

    # -- review: findings, decisions, editors (store/review.py, store/accounts.py) ---------------------
    def replace_findings(self, doc_id: str, revision: int, findings: Iterable[Finding]) -> int:
        """Store a document's findings (replacing its open ones; decided keys left out); returns how many."""
        ...

    def findings(self, doc_id: str, *, status: str | None = "open") -> list[StoredFinding]: ...

    def finding(self, doc_id: str, key: str) -> StoredFinding | None: ...

    def review_queue(self, *, limit: int = 100, offset: int = 0) -> list[QueueEntry]:
        """Documents with open findings, most first."""
        ...

    def count_open_findings(self) -> int: ...

    def decided_keys(self, doc_id: str) -> frozenset[str]:
        """Keys an editor accepted or rejected: the proofreader never flags them again."""
        ...

    def decisions(self, doc_id: str | None = None, *, limit: int = 100) -> list[Decision]: ...

    def edited_after_ingest(self, doc_id: str, *, ingest_author: str = "ingest") -> tuple[int, str] | None:
        """(current revision, its source file's SHA-256) when an editor made the current revision."""
        ...

    def accept_finding(
        self, doc_id: str, key: str, editor: str, *, replacement: str | None = None, reason: str = ""
    ) -> SaveResult:
        """Apply a finding to the current revision as a new revision, in one transaction."""
        ...

    def reject_finding(self, doc_id: str, key: str, editor: str, *, reason: str = "") -> Decision: ...

    def revert(self, doc_id: str, to_revision: int, editor: str, *, reason: str = "") -> SaveResult:
        """Store an old revision's content as a new revision."""
        ...

    def add_editor(self, username: str, password_hash: str, *, role: str = "editor") -> EditorAccount: ...

    def set_editor_password(self, username: str, password_hash: str) -> None: ...

    def editor(self, username: str) -> EditorAccount | None: ...

    def editors(self) -> list[EditorAccount]: ...

    def create_session(self, token_hash: str, username: str, csrf: str, expires: str) -> EditorSession: ...

    def session(self, token_hash: str) -> EditorSession | None: ...

    def delete_session(self, token_hash: str) -> bool: ...
    # -- the glossary (entries, the editors' queue, mentions); see store/glossary.py ------------------
    def save_entries(self, entries: Iterable[Entry]) -> dict[str, int]:
        """Insert or update entries by id in one transaction; counts of new / changed / unchanged."""
        ...

    def get_entry(self, entry_id: str) -> Entry | None: ...

    def resolve_entry(self, entry_id: str) -> Entry | None:
        """The entry, following merges to the one it now lives in."""
        ...

    def list_entries(self, *, status: str | None = "accepted", type: str | None = None) -> list[Entry]: ...

    def propose_entries(self, proposals: Iterable[tuple[Entry, dict[str, Any]]]) -> int: ...

    def set_entry_status(self, entry_id: str, status: str) -> Entry: ...

    def merge_entries(self, src_id: str, dst_id: str) -> Entry:
        """Merge one entry into another, moving every mention, in one transaction."""
        ...

    def replace_mentions(self, doc_id: str, revision: int, mentions: Iterable[Mention]) -> int: ...

    def mentions_in(self, doc_id: str, *, revision: int | None = None) -> list[Mention]: ...

    def mentions_of(self, entry_id: str) -> list[tuple[DocumentSummary, list[Mention]]]: ...

    def mention_counts(self) -> dict[str, tuple[int, int]]: ...


def open_store(target: str) -> Store:
    """Open (creating and migrating as needed) the store at a path, or raise :class:`StoreError`."""
    if target.startswith(("postgres://", "postgresql://")):
        raise StoreError(
            f"{target}: the PostgreSQL backend is not available in this version; use a SQLite path such as masthead.db"
        )
    from masthead.store.sqlite import SQLiteStore

    return SQLiteStore(target)
