"""Versioned schema migrations for the SQLite store.

The schema version lives in ``PRAGMA user_version``. :data:`MIGRATIONS` is an ordered list of steps;
step ``n`` (1-based) takes a database at version ``n - 1`` to version ``n``. :func:`migrate` applies
every step a database lacks inside one ``BEGIN IMMEDIATE`` transaction, so a failed upgrade leaves the
file exactly as it was. Steps are lists of single SQL statements (never ``executescript``, which
would commit the surrounding transaction).

Version history:

1. the catalogue and document tables: ``periodicals``, ``issues``, ``writers``, ``documents``,
   ``document_writers``, ``revisions``.
2. indexes for the listing queries (catalogue pages are index range scans, not table scans) and the
   source-path lookup used by re-ingest.
3. ``changes``: the outbox of document changes (upsert / delete) that the search index applies in
   order; written in the same transaction as the change itself. Existing documents are queued once.
4. review: ``findings`` (the proofreader's open suspicions per document, with their status),
   ``decisions`` (every accept / reject an editor made: an append-only log, never deleted, which is how
   a rejected span is never flagged again), ``editors`` (local accounts) and ``editor_sessions``.
5. (glossary) ``entries`` (people, organisations ... with status accepted / proposed / rejected /
   merged) and ``mentions`` (where each entry is named in a document revision).
6. (``_V6_CATALOGUE``) periodical place and frequency; ``periodical_variants`` (title variants),
   ``writer_aliases`` (merged writers, pen names) and ``writer_overrides`` (split writers).
7. (``_V7_GLOSSARY_EDITS``) ``glossary_edits``: who accepted, merged, rejected or edited an entry.
8. (``_V8_UNDONE``) ``decisions.undone_by``: the revert revision that undid an accepted correction (its
   finding may be flagged again; a rejection is never undone).
9. (``_V9_SOURCE_SHA``) ``documents.source_sha256``: the SHA-256 of the source file the current
   revision's text came from (its ``provenance.sha256``), so that a re-ingest recognises an unchanged
   file from its bytes without parsing it. Existing documents get theirs from their current revision.
"""

from __future__ import annotations

import sqlite3

from masthead.store import StoreError

_V1 = [
    """CREATE TABLE periodicals (
        slug  TEXT PRIMARY KEY,
        title TEXT NOT NULL
    )""",
    # volume / number / date / season may each be unknown (NULL); the unique index below treats two
    # NULLs as equal by comparing COALESCE'd values, so one "Undated" issue exists per periodical.
    """CREATE TABLE issues (
        id             INTEGER PRIMARY KEY,
        periodical_slug TEXT NOT NULL REFERENCES periodicals(slug),
        volume         INTEGER,
        number         INTEGER,
        date           TEXT,
        season         TEXT,
        label          TEXT NOT NULL
    )""",
    """CREATE UNIQUE INDEX issues_key ON issues (
        periodical_slug, COALESCE(volume, -1), COALESCE(number, -1), COALESCE(date, ''), COALESCE(season, '')
    )""",
    """CREATE TABLE writers (
        slug TEXT PRIMARY KEY,
        name TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        id               TEXT PRIMARY KEY,
        source_path      TEXT NOT NULL DEFAULT '',
        title            TEXT NOT NULL,
        subtitle         TEXT,
        date             TEXT,
        periodical_slug  TEXT REFERENCES periodicals(slug),
        issue_id         INTEGER REFERENCES issues(id),
        page_start       INTEGER,
        page_end         INTEGER,
        writers          TEXT NOT NULL DEFAULT '[]',
        current_revision INTEGER NOT NULL,
        words            INTEGER NOT NULL DEFAULT 0,
        created          TEXT NOT NULL,
        updated          TEXT NOT NULL
    )""",
    """CREATE TABLE document_writers (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        writer_slug TEXT NOT NULL REFERENCES writers(slug),
        position    INTEGER NOT NULL,
        PRIMARY KEY (document_id, writer_slug)
    ) WITHOUT ROWID""",
    """CREATE TABLE revisions (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        number      INTEGER NOT NULL,
        sha256      TEXT NOT NULL,
        json        TEXT NOT NULL,
        created     TEXT NOT NULL,
        author      TEXT NOT NULL DEFAULT '',
        message     TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (document_id, number)
    )""",
]

_V2 = [
    # The listing order (undated last, unpaged last), so a page of a listing is an index range scan.
    """CREATE INDEX documents_by_periodical ON documents (
        periodical_slug, date IS NULL, date, page_start IS NULL, page_start, title, id)""",
    """CREATE INDEX documents_in_order ON documents (
        date IS NULL, date, page_start IS NULL, page_start, title, id)""",
    "CREATE INDEX documents_by_issue ON documents (issue_id, page_start, title)",
    "CREATE INDEX documents_by_source ON documents (source_path, updated)",
    "CREATE INDEX document_writers_by_writer ON document_writers (writer_slug, document_id)",
    "CREATE INDEX issues_by_date ON issues (periodical_slug, date)",
]

_V3 = [
    """CREATE TABLE changes (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id TEXT NOT NULL,
        op          TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
        revision    INTEGER,
        created     TEXT NOT NULL
    )""",
    """INSERT INTO changes (document_id, op, revision, created)
       SELECT id, 'upsert', current_revision, updated FROM documents ORDER BY updated, id""",
]

_V4_REVIEW = [
    # Offsets are into the view text (masthead.textview) of revision ``revision`` of the document.
    """CREATE TABLE findings (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        key         TEXT NOT NULL,
        revision    INTEGER NOT NULL,
        start       INTEGER NOT NULL,
        "end"       INTEGER NOT NULL,
        line        INTEGER NOT NULL,
        col         INTEGER NOT NULL,
        text        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        message     TEXT NOT NULL DEFAULT '',
        suggestions TEXT NOT NULL DEFAULT '[]',
        confidence  REAL NOT NULL DEFAULT 0.5,
        rule        TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected', 'stale')),
        PRIMARY KEY (document_id, key)
    )""",
    "CREATE INDEX findings_by_status ON findings (status, document_id, start)",
    # No foreign key: the decision log outlives the documents it speaks of.
    """CREATE TABLE decisions (
        id              INTEGER PRIMARY KEY,
        document_id     TEXT NOT NULL,
        key             TEXT NOT NULL,
        action          TEXT NOT NULL CHECK (action IN ('accepted', 'custom', 'rejected')),
        text            TEXT NOT NULL DEFAULT '',
        replacement     TEXT,
        editor          TEXT NOT NULL,
        created         TEXT NOT NULL,
        revision_before INTEGER,
        revision_after  INTEGER,
        reason          TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX decisions_by_document ON decisions (document_id, key)",
    """CREATE TABLE editors (
        username      TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role          TEXT NOT NULL DEFAULT 'editor',
        created       TEXT NOT NULL
    )""",
    """CREATE TABLE editor_sessions (
        token_hash TEXT PRIMARY KEY,
        username   TEXT NOT NULL REFERENCES editors(username) ON DELETE CASCADE,
        csrf       TEXT NOT NULL,
        created    TEXT NOT NULL,
        expires    TEXT NOT NULL
    )""",
]

_V5_GLOSSARY = [
    """CREATE TABLE entries (
        id          TEXT PRIMARY KEY,
        type        TEXT NOT NULL,
        name        TEXT NOT NULL,
        aliases     TEXT NOT NULL DEFAULT '[]',
        date_from   INTEGER,
        date_to     INTEGER,
        description TEXT NOT NULL DEFAULT '',
        links       TEXT NOT NULL DEFAULT '[]',
        sources     TEXT NOT NULL DEFAULT '[]',
        related     TEXT NOT NULL DEFAULT '[]',
        status      TEXT NOT NULL DEFAULT 'accepted'
                    CHECK (status IN ('accepted', 'proposed', 'rejected', 'merged')),
        merged_into TEXT,
        evidence    TEXT NOT NULL DEFAULT '{}',
        created     TEXT NOT NULL,
        updated     TEXT NOT NULL
    )""",
    "CREATE INDEX entries_by_status ON entries (status, type, name)",
    # One row per mention in the revision it was found in; a document's deletion takes its mentions.
    """CREATE TABLE mentions (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        revision    INTEGER NOT NULL,
        span_start  INTEGER NOT NULL,
        span_end    INTEGER NOT NULL,
        surface     TEXT NOT NULL,
        entry_id    TEXT NOT NULL REFERENCES entries(id),
        confidence  REAL NOT NULL,
        alternatives TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (document_id, span_start)
    ) WITHOUT ROWID""",
    "CREATE INDEX mentions_by_entry ON mentions (entry_id, document_id)",
]

_V6_CATALOGUE = [
    # A periodical's place ("New York" from "Labor Action (New York)") and learned frequency.
    "ALTER TABLE periodicals ADD COLUMN place TEXT",
    "ALTER TABLE periodicals ADD COLUMN frequency TEXT",
    # Title variants: every title met (or declared by an editor), its folded key, and its periodical.
    # No foreign key: a variant outlives its periodical being pruned and brings it back on re-ingest.
    """CREATE TABLE periodical_variants (
        title            TEXT PRIMARY KEY,
        variant          TEXT NOT NULL,
        periodical_slug  TEXT NOT NULL,
        periodical_title TEXT NOT NULL
    )""",
    "CREATE INDEX periodical_variants_by_key ON periodical_variants (variant)",
    "CREATE INDEX periodical_variants_by_slug ON periodical_variants (periodical_slug)",
    # Aliases and pen names: a byline's slug -> the writer it is filed under (merges write these).
    """CREATE TABLE writer_aliases (
        alias_slug  TEXT PRIMARY KEY,
        alias_name  TEXT NOT NULL,
        writer_slug TEXT NOT NULL,
        writer_name TEXT NOT NULL
    )""",
    "CREATE INDEX writer_aliases_by_writer ON writer_aliases (writer_slug)",
    # Splits: one document's byline filed under another writer than the byline's name gives.
    """CREATE TABLE writer_overrides (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        byline_slug TEXT NOT NULL,
        writer_slug TEXT NOT NULL,
        writer_name TEXT NOT NULL,
        PRIMARY KEY (document_id, byline_slug)
    ) WITHOUT ROWID""",
]

_V7_GLOSSARY_EDITS = [
    # Who accepted, merged, rejected or edited a glossary entry, and when (``detail``: what changed, JSON).
    """CREATE TABLE glossary_edits (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        entry_id TEXT NOT NULL,
        editor   TEXT NOT NULL,
        action   TEXT NOT NULL CHECK (action IN ('accepted', 'rejected', 'merged', 'edited')),
        detail   TEXT NOT NULL DEFAULT '{}',
        created  TEXT NOT NULL
    )""",
    "CREATE INDEX glossary_edits_by_entry ON glossary_edits (entry_id, id)",
]

_V8_UNDONE = [
    # The revision whose revert undid an accepted (or custom) correction; NULL while it stands.
    "ALTER TABLE decisions ADD COLUMN undone_by INTEGER",
]

_V9_SOURCE_SHA = [
    "ALTER TABLE documents ADD COLUMN source_sha256 TEXT NOT NULL DEFAULT ''",
    """UPDATE documents SET source_sha256 = COALESCE((
        SELECT json_extract(r.json, '$.provenance.sha256') FROM revisions r
        WHERE r.document_id = documents.id AND r.number = documents.current_revision), '')""",
]

MIGRATIONS: list[list[str]] = [
    _V1,
    _V2,
    _V3,
    _V4_REVIEW,
    _V5_GLOSSARY,
    _V6_CATALOGUE,
    _V7_GLOSSARY_EDITS,
    _V8_UNDONE,
    _V9_SOURCE_SHA,
]
"""Migration steps in order; ``MIGRATIONS[n - 1]`` brings a database to version ``n``."""

LATEST = len(MIGRATIONS)
"""The schema version this code reads and writes."""

_OUR_TABLES = {
    "periodicals",
    "issues",
    "writers",
    "documents",
    "document_writers",
    "revisions",
    "changes",
    "entries",
    "mentions",
    "glossary_edits",
    "sqlite_sequence",
    "findings",
    "decisions",
    "editors",
    "editor_sessions",
    "periodical_variants",
    "writer_aliases",
    "writer_overrides",
}


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database (0 for a new, empty database)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, *, label: str = "database", target: int = LATEST) -> int:
    """Bring ``conn``'s database up to ``target`` in one transaction; returns the version before.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Raises :class:`StoreError` for a
    database from a newer Masthead, or for a SQLite file that holds other tables and no version.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        before = user_version(conn)
        if before > LATEST:
            raise StoreError(
                f"{label} has schema version {before} but this Masthead only knows up to {LATEST}; "
                "upgrade Masthead to open it"
            )
        if before == 0:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            foreign = tables - _OUR_TABLES
            if foreign:
                raise StoreError(
                    f"{label} is a SQLite database but not a Masthead store "
                    f"(it has tables {', '.join(sorted(foreign)[:3])}); choose another path"
                )
        for version in range(before + 1, target + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
        if target > before:
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
        return before
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
