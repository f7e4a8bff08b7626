"""Tests of the SQLite store: revisions, catalogue queries, transactions, migrations, concurrency."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.model import Block, Credit, Document, Mark, Note, Provenance, Source
from masthead.store import StoreError, open_store
from masthead.store import migrations as mig
from masthead.store.catalogue import canonical_json, format_date, issue_label
from masthead.store.sqlite import SQLiteStore


# -- builders ------------------------------------------------------------------------------------------
def make_doc(
    doc_id: str = "labor-action/1948/03/08/independent-socialism",
    *,
    title: str = "Independent Socialism",
    writers: tuple[str, ...] = ("Max Shachtman",),
    periodical: str | None = "Labor Action",
    volume: int | None = 12,
    issue: int | None = 10,
    date: str | None = "1948-03-08",
    season: str | None = None,
    pages: tuple[int | None, int | None] = (1, 2),
    path: str = "la/1948/v12n10/shachtman.htm",
    body: str = "The struggle for socialism goes on.",
) -> Document:
    """A small but fully populated document built directly from the model classes."""
    para = Block(
        "paragraph",
        text=body,
        marks=(Mark(4, 12, "emphasis"), Mark(len(body), len(body), "noteref", target="n1", label="1")),
    )
    return Document(
        id=doc_id,
        title=title,
        subtitle="A reply",
        date_line="8 March 1948",
        writers=writers,
        source=Source(
            periodical=periodical,
            volume=volume,
            issue=issue,
            date=date,
            season=season,
            page_start=pages[0],
            page_end=pages[1],
            raw=f"{periodical}, {date}",
        ),
        credits=(Credit("transcribed", "Einde O'Callaghan", year=2005),),
        blocks=(
            Block("heading", "Part one", level=4),
            para,
            Block(
                "list",
                children=(Block("item", "first"), Block("item", "second", marks=(Mark(0, 6, "strong"),))),
            ),
            Block("quote", children=(Block("paragraph", "Workers of the world, unite!"),)),
            Block("section_break"),
        ),
        notes=(Note("n1", "1", (Block("paragraph", "See Labor Action, 1 March 1948."),)),),
        info=(("Online", "2005"),),
        provenance=Provenance(path=path, format="etol-html", sha256="ab" * 32, encoding="utf-8"),
    )


def big_doc(n: int, words: int = 3000) -> Document:
    """A synthetic article of about ``words`` words shaped like an ETOL one (paragraphs of ~80 words with
    emphasis, links and note references, section heads, end notes), distinct for each ``n``."""
    sentence = "The working class must organise itself independently of the capitalist parties in every land"
    para_text = " ".join([sentence] * 5)  # 75 words
    blocks: list[Block] = []
    notes: list[Note] = []
    count = 0
    while count < words - 100:
        i = len(blocks)
        text = f"{para_text} ({n}-{i})."
        marks = [Mark(4, 17, "emphasis"), Mark(100, 130, "link", target=f"https://example.org/{i}")]
        if i % 5 == 0:
            notes.append(Note(f"n{i}", str(len(notes) + 1), (Block("paragraph", f"{sentence} {n}."),)))
            marks.append(Mark(len(text), len(text), "noteref", target=f"n{i}", label=str(len(notes))))
        blocks.append(Block("paragraph", text, marks=tuple(marks), style="fst" if i == 0 else None))
        if i % 8 == 7:
            blocks.append(Block("heading", f"Section {i}", level=4))
        count += 76
    return make_doc(
        f"synthetic/{n}",
        title=f"Article number {n}",
        date=f"19{40 + n % 20}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        volume=n % 20,
        issue=n % 50,
        writers=(f"Writer {n % 37}", "Hal Draper"),
        path=f"synthetic/{n}.htm",
    ).replace(blocks=tuple(blocks), notes=tuple(notes))


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, read through a separate connection."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def store():
    s = SQLiteStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def file_store(tmp_path):
    s = SQLiteStore(str(tmp_path / "masthead.db"))
    yield s
    s.close()


# -- saving and revisions ---------------------------------------------------------------------------------
def test_new_unchanged_changed(store):
    doc = make_doc()
    r1 = store.save(doc)
    assert (r1.status, r1.revision, r1.id) == ("new", 1, doc.id)
    assert store.save(doc).status == "unchanged"
    assert store.save(Document.from_json(doc.to_json())).status == "unchanged"
    r3 = store.save(doc.replace(title="Independent Socialism Today"))
    assert (r3.status, r3.revision) == ("changed", 2)
    assert store.save(doc.replace(title="Independent Socialism Today")).revision == 2
    # The source file's hash is part of the content: new bytes with the same parse is a new revision.
    changed_bytes = doc.replace(title="Independent Socialism Today", provenance=Provenance(doc.provenance.path))
    assert store.save(changed_bytes).status == "changed"
    assert store.count_documents() == 1


def test_revisions_kept_and_retrievable(store):
    doc = make_doc()
    edited = doc.replace(blocks=doc.blocks[:2])
    store.save(doc, author="ingest", message="first import")
    store.save(edited, author="alice", message="drop the list")
    assert store.get(doc.id) == edited
    assert store.get(doc.id, revision=1) == doc
    assert store.get(doc.id, revision=2) == edited
    assert store.get(doc.id, revision=3) is None
    assert store.get("no/such/doc") is None
    revs = store.revisions(doc.id)
    assert [(r.number, r.author, r.message) for r in revs] == [
        (1, "ingest", "first import"),
        (2, "alice", "drop the list"),
    ]
    assert revs[0].sha256 != revs[1].sha256 and len(revs[0].sha256) == 64
    assert revs[0].created.endswith("Z") and revs[0].created <= revs[1].created
    assert store.revisions("no/such/doc") == []
    summary = store.list_documents()[0]
    assert summary.revision == 2


def test_get_round_trips_the_whole_document(store):
    doc = make_doc(body="Ünïcödé — “quoted” text, ½ and 𝔘")
    store.save(doc)
    back = store.get(doc.id)
    assert back == doc
    assert back.to_json() == doc.to_json()
    stored = store.revisions(doc.id)[0].sha256
    assert stored == hashlib.sha256(canonical_json(doc).encode()).hexdigest()


def test_invalid_document_is_refused(store):
    bad = make_doc().replace(blocks=(Block("paragraph", "short", marks=(Mark(0, 99, "emphasis"),)),))
    with pytest.raises(StoreError, match="outside its block"):
        store.save(bad)
    assert store.count_documents() == 0


def test_id_for_source_follows_the_file(store):
    doc = make_doc()
    store.save(doc)
    assert store.id_for_source(doc.provenance.path) == doc.id
    assert store.id_for_source("other.htm") is None
    assert store.id_for_source("") is None
    # Re-ingesting the edited file (title changed) updates the same document.
    edited = doc.replace(title="A new title")
    assert store.save(edited.replace(id=store.id_for_source(doc.provenance.path))).status == "changed"
    assert store.count_documents() == 1


# -- catalogue ---------------------------------------------------------------------------------------------
def _catalogue(store: SQLiteStore) -> None:
    la = "Labor Action"
    store.save(make_doc("a", title="Second page article", pages=(2, 2), writers=("Hal Draper",), path="a"))
    store.save(make_doc("b", title="Front page", pages=(1, 1), writers=("Max Shachtman", "Hal Draper"), path="b"))
    store.save(make_doc("c", title="Next week", date="1948-03-15", issue=11, pages=(1, 1), path="c"))
    store.save(make_doc("d", title="Date only", volume=None, issue=None, date="1949-01-03", path="d"))
    store.save(make_doc("e", title="Month only", volume=None, issue=None, date="1949-02", pages=(3, 4), path="e"))
    store.save(make_doc("f", title="Undated one", volume=None, issue=None, date=None, pages=(5, 5), path="f"))
    store.save(make_doc("g", title="Undated two", volume=None, issue=None, date=None, pages=(None, None), path="g"))
    store.save(make_doc("h", title="Elsewhere", periodical="The New International", date="1950-06", path="h"))
    store.save(make_doc("i", title="No periodical", periodical=None, date="1951-01-01", writers=(), path="i"))
    assert la


def test_periodicals_with_counts_and_years(store):
    _catalogue(store)
    ps = store.periodicals()
    assert [(p.slug, p.title, p.documents, p.first_year, p.last_year) for p in ps] == [
        ("labor-action", "Labor Action", 7, 1948, 1949),
        ("the-new-international", "The New International", 1, 1950, 1950),
    ]
    assert store.periodical("labor-action") == ps[0]
    assert store.periodical("nope") is None
    assert store.years("labor-action") == [(1948, 3), (1949, 2)]
    assert store.years("nope") == []


def test_issues_group_documents_in_page_order(store):
    _catalogue(store)
    issues = store.issues("labor-action")
    assert [i.label for i in issues] == [
        "Vol. 12 No. 10, 8 March 1948",
        "Vol. 12 No. 11, 15 March 1948",
        "3 January 1949",
        "February 1949",
        "Undated",
    ]
    first = issues[0]
    assert [d.id for d in first.documents] == ["b", "a"]  # page 1 before page 2
    assert (first.volume, first.number, first.date, first.periodical_slug) == (
        12,
        10,
        "1948-03-08",
        "labor-action",
    )
    assert [d.id for d in issues[-1].documents] == ["f", "g"]  # paged before unpaged
    assert issues[-1].date is None
    assert [i.label for i in store.issues("labor-action", year=1949)] == ["3 January 1949", "February 1949"]
    assert store.issues("labor-action", year=1960) == []
    assert store.issues("nope") == []
    assert store.issue(first.id) == first
    assert store.issue(999999) is None
    assert store.issue_for_document("a") == first
    assert store.issue_for_document("f").label == "Undated"
    assert store.issue_for_document("i") is None  # no periodical
    assert store.issue_for_document("nope") is None


def test_adjacent_issues(store):
    _catalogue(store)
    issues = store.issues("labor-action")
    assert store.adjacent_issues(issues[0].id) == (None, issues[1])
    assert store.adjacent_issues(issues[2].id) == (issues[1], issues[3])
    assert store.adjacent_issues(issues[-1].id) == (issues[-2], None)
    assert store.adjacent_issues(999999) == (None, None)
    only = store.issues("the-new-international")[0]
    assert store.adjacent_issues(only.id) == (None, None)


def test_seasonal_issues_are_distinct_and_ordered(store):
    fi = "Fourth International"
    store.save(make_doc("fall", periodical=fi, volume=None, issue=None, date="1955", season="Fall", path="1"))
    store.save(make_doc("winter", periodical=fi, volume=None, issue=None, date="1955", season="Winter", path="2"))
    store.save(make_doc("march", periodical=fi, volume=None, issue=None, date="1955-03", path="3"))
    labels = [i.label for i in store.issues("fourth-international")]
    assert labels == ["Winter 1955", "Fall 1955", "March 1955"]


def test_dates_that_are_not_iso_are_catalogued_as_undated(store):
    store.save(make_doc("odd", volume=None, issue=None, date="c. 1920"))
    store.save(make_doc("bad", volume=None, issue=None, date="1948-13-40", path="bad"))
    assert [d.date for d in store.list_documents()] == [None, None]
    assert store.years("labor-action") == []
    assert [i.label for i in store.issues("labor-action")] == ["Undated"]
    assert store.get("odd").source.date == "c. 1920"  # the document itself keeps what the reader found


def test_writers_pages(store):
    _catalogue(store)
    ws = store.writers()
    assert [(w.slug, w.name, w.documents) for w in ws] == [
        ("hal-draper", "Hal Draper", 2),
        ("max-shachtman", "Max Shachtman", 7),
    ]
    assert store.writer("hal-draper") == ws[0]
    assert store.writer("nobody") is None
    draper = store.list_documents(writer="hal-draper")
    assert [d.id for d in draper] == ["b", "a"]
    assert store.documents_by_writer("hal-draper") == draper
    assert draper[0].writers == ("Max Shachtman", "Hal Draper")  # credited order kept
    assert store.count_documents(writer="hal-draper") == 2


def test_writer_names_are_deduplicated_and_slugged(store):
    store.save(make_doc(writers=("Leon Trotsky", " Leon Trotsky ", "", "Лев Троцкий")))
    slugs = {w.slug for w in store.writers()}
    assert "leon-trotsky" in slugs and len(slugs) == 2
    other = next(s for s in slugs if s != "leon-trotsky")
    assert other.startswith("x-") and store.writer(other).name == "Лев Троцкий"


def test_list_documents_order_paging_and_filters(store):
    _catalogue(store)
    everything = store.list_documents()
    assert [d.id for d in everything] == ["b", "a", "c", "d", "e", "h", "i", "f", "g"]
    assert [d.id for d in store.list_documents(limit=3, offset=2)] == ["c", "d", "e"]
    assert [d.id for d in store.list_documents(periodical="the-new-international")] == ["h"]
    assert store.list_documents(periodical="labor-action", writer="hal-draper", limit=1)[0].id == "b"
    assert store.count_documents() == 9
    assert store.count_documents(periodical="labor-action") == 7
    b = everything[0]
    assert (b.title, b.subtitle, b.periodical, b.periodical_slug, b.volume, b.issue, b.date, b.pages) == (
        "Front page",
        "A reply",
        "Labor Action",
        "labor-action",
        12,
        10,
        "1948-03-08",
        "1",
    )
    assert everything[1].pages == "2" and store.list_documents(periodical="labor-action")[4].pages == "3-4"
    assert b.words == make_doc().word_count()
    none = everything[6]
    assert (none.periodical, none.periodical_slug, none.volume, none.writers) == (None, None, None, ())


def test_changed_document_moves_catalogue_rows(store):
    store.save(make_doc("x", writers=("Max Shachtman",)))
    store.save(make_doc("x", periodical="New International", writers=("Hal Draper",), date="1950-01"))
    assert [p.slug for p in store.periodicals()] == ["new-international"]
    assert [w.slug for w in store.writers()] == ["hal-draper"]
    assert [i.label for i in store.issues("new-international")] == ["Vol. 12 No. 10, January 1950"]
    assert store.issues("labor-action") == []


def test_delete_prunes_catalogue(file_store, tmp_path):
    _catalogue(file_store)
    assert file_store.delete("h") is True
    assert file_store.delete("h") is False
    assert [p.slug for p in file_store.periodicals()] == ["labor-action"]
    file_store.delete("a")  # Hal Draper still credited on b
    assert file_store.writer("hal-draper").documents == 1
    for doc_id in "bcdefg":
        file_store.delete(doc_id)
    file_store.delete("i")
    assert file_store.get("a") is None and file_store.revisions("a") == []
    rows = dump(tmp_path / "masthead.db")
    for table in ("periodicals", "issues", "writers", "documents", "document_writers", "revisions"):
        assert rows[table] == [], table


# -- transactions --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("existing", [False, True])
def test_failed_save_leaves_nothing_half_written(file_store, tmp_path, monkeypatch, existing):
    db = tmp_path / "masthead.db"
    file_store.save(make_doc("other", writers=("Hal Draper",)))
    if existing:
        file_store.save(make_doc("x"))
    before = dump(db)

    def boom(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SQLiteStore, "_insert_revision", boom)
    doc = make_doc("x", periodical="Militant", writers=("James P. Cannon",), title="Edited")
    with pytest.raises(StoreError, match="disk I/O error"):
        file_store.save(doc)
    assert dump(db) == before

    def bug(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(SQLiteStore, "_insert_revision", bug)
    with pytest.raises(RuntimeError):
        file_store.save(doc)
    assert dump(db) == before
    monkeypatch.undo()
    assert file_store.save(doc).status == ("changed" if existing else "new")
    assert file_store.periodical("militant").documents == 1


# -- opening, errors, migrations -----------------------------------------------------------------------
def test_pragmas_on_a_file_store(file_store):
    conn = file_store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    assert file_store.schema_version == mig.LATEST


def test_reopen_keeps_documents(tmp_path):
    path = str(tmp_path / "m.db")
    with SQLiteStore(path) as s:
        s.save(make_doc())
    with open_store(path) as s:
        assert s.get(make_doc().id) == make_doc()
        assert s.save(make_doc()).status == "unchanged"


def test_missing_folder(tmp_path):
    with pytest.raises(StoreError, match="does not exist") as exc:
        SQLiteStore(str(tmp_path / "nope" / "m.db"))
    assert "\n" not in str(exc.value)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        SQLiteStore(str(tmp_path))


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 100)
    with pytest.raises(StoreError, match="not a SQLite database") as exc:
        SQLiteStore(str(path))
    assert "\n" not in str(exc.value)
    assert path.read_text().startswith("These are my notes")


def test_foreign_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a Masthead store"):
        SQLiteStore(str(path))


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    SQLiteStore(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {mig.LATEST + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="upgrade Masthead"):
        SQLiteStore(str(path))


def test_previous_version_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert mig.migrate(conn, target=1) == 0
    assert mig.user_version(conn) == 1
    doc = make_doc()
    now = "2020-01-01T00:00:00.000000Z"
    # A version-1 database with one document in it, written with version 1's SQL.
    conn.execute("INSERT INTO periodicals VALUES ('labor-action', 'Labor Action')")
    conn.execute(
        "INSERT INTO issues (periodical_slug, volume, number, date, label) VALUES (?, ?, ?, ?, ?)",
        ("labor-action", 12, 10, "1948-03-08", "Vol. 12 No. 10, 8 March 1948"),
    )
    conn.execute("INSERT INTO writers VALUES ('max-shachtman', 'Max Shachtman')")
    conn.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, 'labor-action', 1, 1, 2, ?, 1, 10, ?, ?)",
        (doc.id, doc.provenance.path, doc.title, doc.subtitle, "1948-03-08", '["Max Shachtman"]', now, now),
    )
    conn.execute("INSERT INTO document_writers VALUES (?, 'max-shachtman', 0)", (doc.id,))
    text = canonical_json(doc)
    conn.execute(
        "INSERT INTO revisions VALUES (?, 1, ?, ?, ?, 'ingest', '')",
        (doc.id, hashlib.sha256(text.encode()).hexdigest(), text, now),
    )
    conn.close()

    with SQLiteStore(str(path)) as s:
        assert s.schema_version == mig.LATEST
        assert s.get(doc.id) == doc
        assert s.save(doc).status == "unchanged"
        assert [i.label for i in s.issues("labor-action")] == ["Vol. 12 No. 10, 8 March 1948"]
        indexes = {r[0] for r in s._conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "documents_by_periodical" in indexes
        # version 3 queued the existing document for the search index
        assert [(c.document_id, c.op) for c in s.changes_since(0)] == [(doc.id, "upsert")]


def test_failed_migration_is_rolled_back(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    mig.migrate(conn, target=1)
    monkeypatch.setattr(mig, "MIGRATIONS", [*mig.MIGRATIONS, ["CREATE TABLE broken ("]])
    with pytest.raises(sqlite3.OperationalError):
        mig.migrate(conn, target=len(mig.MIGRATIONS))
    assert mig.user_version(conn) == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "documents_by_periodical" not in names  # version 2's indexes were rolled back too
    conn.close()


def test_closed_store_refuses(tmp_path):
    s = SQLiteStore(str(tmp_path / "m.db"))
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.count_documents()
    with pytest.raises(StoreError, match="closed"):
        s.save(make_doc())


# -- concurrency and speed ------------------------------------------------------------------------------
def test_concurrent_reads_while_writing(file_store):
    file_store.save(make_doc("seed", path="seed"))
    done = threading.Event()
    errors: list[BaseException] = []
    reads = [0] * 4

    def writer():
        try:
            for n in range(150):
                file_store.save(big_doc(n, words=300))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    def reader(k: int):
        last = 0
        try:
            while not done.is_set():
                n = file_store.count_documents()
                assert n >= last  # never goes backwards
                last = n
                page = file_store.list_documents(limit=20)
                assert len(page) >= min(20, n)  # later snapshot: never fewer documents
                assert file_store.get("seed").id == "seed"
                assert all(p.documents >= 1 for p in file_store.periodicals())
                reads[k] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert min(reads) > 0
    assert file_store.count_documents() == 151


def test_reads_are_not_blocked_by_a_writer(file_store, tmp_path):
    file_store.save(make_doc())
    other = sqlite3.connect(tmp_path / "masthead.db", isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock, mid-transaction
    other.execute("DELETE FROM document_writers")
    t0 = time.perf_counter()
    assert file_store.count_documents() == 1
    assert file_store.writer("max-shachtman").documents == 1  # the committed snapshot
    assert time.perf_counter() - t0 < 1.0
    other.execute("ROLLBACK")
    other.close()


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(max_size=30), min_size=1, max_size=5),
    title=st.text(min_size=1, max_size=20),
    volume=st.none() | st.integers(0, 99),
    style=st.none() | st.sampled_from(["fst", "sig"]),
)
def test_canonical_json_is_the_model_json(texts, title, volume, style):
    blocks = tuple(Block("paragraph", t, marks=(Mark(0, len(t), "emphasis"),) if t else (), style=style) for t in texts)
    doc = make_doc(title=title, volume=volume).replace(blocks=(Block("quote", children=blocks), *blocks))
    expected = json.dumps(doc.to_dict(), separators=(",", ":"))
    assert canonical_json(doc) == expected
    assert canonical_json(doc) == canonical_json(Document.from_json(doc.to_json()))  # stable
    assert Document.from_json(canonical_json(doc)) == doc


def test_canonical_json_of_big_documents():
    for doc in (big_doc(1), make_doc(), Document(id="x", title="")):
        assert json.loads(canonical_json(doc)) == doc.to_dict()
        assert canonical_json(doc) == canonical_json(Document.from_json(canonical_json(doc)))


# -- labels ------------------------------------------------------------------------------------------------
def test_labels():
    assert format_date("1948-03-08") == "8 March 1948"
    assert format_date("1948-03") == "March 1948"
    assert format_date("1948") == "1948"
    assert format_date("1955", "Fall") == "Fall 1955"
    assert format_date(None) is None
    assert format_date("c. 1920") == "c. 1920"
    assert issue_label(12, 10, "1948-03-08") == "Vol. 12 No. 10, 8 March 1948"
    assert issue_label(None, 10, "1948-03") == "No. 10, March 1948"
    assert issue_label(3, None, None) == "Vol. 3"
    assert issue_label(None, None, None) == "Undated"


def test_change_feed_records_saves_and_deletes_in_order(tmp_path):
    with SQLiteStore(str(tmp_path / "a.db")) as s:
        a, b = make_doc(), make_doc().replace(id="other/doc", title="Other")
        s.save(a)
        s.save(b)
        s.save(a)  # unchanged: no change queued
        s.save(a.replace(title="Retitled"))
        s.delete(b.id)
        changes = s.changes_since(0)
        assert [(c.document_id, c.op, c.revision) for c in changes] == [
            (a.id, "upsert", 1),
            (b.id, "upsert", 1),
            (a.id, "upsert", 2),
            (b.id, "delete", None),
        ]
        assert [c.seq for c in s.changes_since(changes[1].seq)] == [c.seq for c in changes[2:]]
        assert s.prune_changes(changes[-1].seq) == 4
        assert s.changes_since(0) == [] and s.last_change() == changes[-1].seq
        assert [d.id for d in s.iter_documents(batch=1)] == [a.id]


def test_failed_save_queues_no_change(tmp_path, monkeypatch):
    with SQLiteStore(str(tmp_path / "a.db")) as s:
        s.save(make_doc())
        before = s.changes_since(0)

        def boom(*args, **kwargs):
            raise RuntimeError("crash after the change was queued")

        monkeypatch.setattr(s, "_prune", boom)
        with pytest.raises(RuntimeError):
            s.save(make_doc().replace(title="New title"))
        assert s.changes_since(0) == before


def test_batch_groups_commits_but_keeps_each_document_atomic(tmp_path, monkeypatch):
    path = str(tmp_path / "a.db")
    docs = [make_doc().replace(id=f"batch/{i}", title=f"Doc {i}") for i in range(5)]
    with SQLiteStore(path) as s:
        with s.batch(every=2):
            s.save(docs[0])
            assert s.get(docs[0].id) == docs[0]  # the batch reads its own uncommitted writes
            s.save(docs[1])  # second save commits the first group
            with SQLiteStore(path) as other:
                assert other.count_documents() == 2
            s.save(docs[2])
            real = s._upsert_writers

            def fail_once(conn, doc):
                if doc.id == docs[3].id:
                    raise RuntimeError("bad document")
                return real(conn, doc)

            monkeypatch.setattr(s, "_upsert_writers", fail_once)
            with pytest.raises(RuntimeError):
                s.save(docs[3])
            s.save(docs[4])
        assert sorted(d.id for d in s.iter_documents()) == [d.id for d in docs if d is not docs[3]]
        assert s.get(docs[3].id) is None and s._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [c.document_id for c in s.changes_since(0)] == [d.id for d in docs if d is not docs[3]]
