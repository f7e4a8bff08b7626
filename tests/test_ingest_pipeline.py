"""The batch ingest: unchanged files recognised from their bytes, per-document atomicity in a batch,
the change feed, and the helpers the fast path rests on (word count, display paths, schema 9)."""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masthead import ingest, pipeline
from masthead.model import _ASCII_SPACE, _OTHER_SPACE, count_words
from masthead.store import migrations as mig
from masthead.store.catalogue import prepare
from masthead.store.sqlite import SQLiteStore

ARTICLE = """{title}

(March 1948)

From Labor Action, Vol. 12 No. {number}, 8 March 1948, p. 4.
Transcribed & marked up by Einde O'Callaghan for the Encyclopaedia of Trotskyism On-Line (ETOL).

{body}

Second part of the article, with enough words to make a paragraph of its own here.
"""


def write(folder: Path, name: str, *, title: str, number: int = 10, body: str = "The struggle goes on.") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(title=title, number=number, body=body), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    for i in range(4):
        write(folder, f"a{i}.txt", title=f"Independent Socialism Part {i}", number=10 + i)
    return folder


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(str(tmp_path / "archive.db"))
    yield s
    s.close()


def statuses(report: pipeline.IngestReport) -> list[str]:
    return [o.status for o in report.outcomes]


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was parsed")

    monkeypatch.setattr(ingest, "structure", refuse)
    monkeypatch.setattr(ingest, "parse_file", refuse)


# -- unchanged files ---------------------------------------------------------------------------------
@pytest.mark.parametrize("jobs", [1, 2])
def test_unchanged_files_are_reported_without_being_parsed(store, corpus, monkeypatch, jobs) -> None:
    first = pipeline.ingest_paths(store, [corpus])
    assert statuses(first) == ["new"] * 4
    changes = store.last_change()
    no_parsing(monkeypatch)
    again = pipeline.ingest_paths(store, [corpus], jobs=jobs)
    assert statuses(again) == ["unchanged"] * 4
    assert [(o.path, o.id, o.revision) for o in again.outcomes] == [(o.path, o.id, 1) for o in first.outcomes]
    assert store.last_change() == changes  # nothing queued for the search index


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_changed_file_among_unchanged_ones_is_parsed_and_kept_in_order(store, corpus, monkeypatch, jobs) -> None:
    first = pipeline.ingest_paths(store, [corpus])
    write(corpus, "a2.txt", title="Independent Socialism Part 2", number=12, body="A corrected paragraph.")
    write(corpus, "a9.txt", title="A New Article", number=20)
    parsed: list[str] = []
    structure = ingest.structure

    def spy(src: ingest.SourceFile):  # noqa: ANN202
        parsed.append(Path(src.path).name)
        return structure(src)

    monkeypatch.setattr(ingest, "structure", spy)
    again = pipeline.ingest_paths(store, [corpus], jobs=jobs)
    assert statuses(again) == ["unchanged", "unchanged", "changed", "unchanged", "new"]
    if jobs == 1:  # worker processes do not see the spy
        assert parsed == ["a2.txt", "a9.txt"]
    changed = again.outcomes[2]
    assert (changed.id, changed.revision) == (first.outcomes[2].id, 2)
    assert [r.number for r in store.revisions(changed.id)] == [1, 2]  # the old revision is kept
    assert "A corrected paragraph." in store.get(changed.id).plain_text()
    tail = store.changes_since(store.last_change() - 2)
    assert [(c.document_id, c.op, c.revision) for c in tail] == [
        (changed.id, "upsert", 2),
        (again.outcomes[4].id, "upsert", 1),
    ]


def test_reparse_parses_unchanged_files(store, corpus, monkeypatch) -> None:
    pipeline.ingest_paths(store, [corpus])
    calls: list[str] = []
    structure = ingest.structure
    monkeypatch.setattr(ingest, "structure", lambda src: calls.append(src.path) or structure(src))
    again = pipeline.ingest_paths(store, [corpus], reparse=True)
    assert statuses(again) == ["unchanged"] * 4
    assert len(calls) == 4


def test_the_cli_reparses_on_request(tmp_path, corpus, monkeypatch) -> None:
    from typer.testing import CliRunner

    from masthead.cli import app

    db = str(tmp_path / "cli.db")
    args = ["ingest", str(corpus), "-a", db, "-q", "--no-index", "--no-proofread", "--no-link"]
    assert CliRunner().invoke(app, args).exit_code == 0
    calls: list[str] = []
    structure = ingest.structure
    monkeypatch.setattr(ingest, "structure", lambda src: calls.append(src.path) or structure(src))
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0 and "4 unchanged" in r.stderr and calls == []
    r = CliRunner().invoke(app, [*args, "--reparse"])
    assert r.exit_code == 0 and "4 unchanged" in r.stderr and len(calls) == 4


def test_a_file_stored_under_another_id_is_still_recognised(store, corpus, monkeypatch) -> None:
    """The state is looked up by source path, so a title edit (a new default id) does not matter."""
    first = pipeline.ingest_paths(store, [corpus])
    doc_id = first.outcomes[0].id
    no_parsing(monkeypatch)
    again = pipeline.ingest_paths(store, [corpus / "a0.txt"])
    assert [(o.status, o.id) for o in again.outcomes] == [("unchanged", doc_id)]


def test_a_file_that_became_unreadable_still_fails(store, corpus) -> None:
    pipeline.ingest_paths(store, [corpus])
    (corpus / "a1.txt").write_bytes(b"")
    again = pipeline.ingest_paths(store, [corpus])
    assert statuses(again) == ["unchanged", "failed", "unchanged", "unchanged"]
    assert "a1.txt: empty file" in (again.outcomes[1].error or "")


def test_editors_revision_survives_an_unchanged_reingest(store, corpus) -> None:
    first = pipeline.ingest_paths(store, [corpus])
    doc_id = first.outcomes[0].id
    doc = store.get(doc_id)
    edited = doc.replace(title="Independent Socialism, corrected")
    assert store.save(edited, author="editor", message="typo").status == "changed"
    again = pipeline.ingest_paths(store, [corpus])
    assert (again.outcomes[0].status, again.outcomes[0].revision) == ("unchanged", 2)
    assert store.get(doc_id).title == "Independent Socialism, corrected"


def test_bylineless_document_under_an_archive_folder_is_parsed_again(tmp_path, store, monkeypatch) -> None:
    """A writer learnt since the first ingest may now name it, so its bytes alone do not settle it."""
    folder = tmp_path / "archive" / "shachtman" / "1948"
    write(folder, "a.txt", title="Independent Socialism")
    first = pipeline.ingest_paths(store, [tmp_path / "archive"])
    assert store.get(first.outcomes[0].id).writers == ()
    index = tmp_path / "archive" / "shachtman" / "index.md"
    index.write_text("# Max Shachtman\n\nHis writings, by year.\n", encoding="utf-8")
    again = pipeline.ingest_paths(store, [tmp_path / "archive"])
    by_name = {Path(o.path).name: o for o in again.outcomes}
    assert by_name["a.txt"].status == "changed"
    assert store.get(by_name["a.txt"].id).writers == ("Max Shachtman",)


def test_unchanged_files_of_a_folder_are_read_when_a_new_one_needs_its_writer(tmp_path, store) -> None:
    """The folder's bylines decide an unsigned work's writer even when the signed works were not parsed
    (unchanged): two stored writers match the folder ``smith``, so only the votes can tell."""
    folder = tmp_path / "archive" / "smith" / "1900"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("## John Smith\n\n# A Pamphlet\n\nSome text.\n", encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "c.md").write_text("## Adam Smith\n\n# Wealth\n\nSome text.\n", encoding="utf-8")
    first = pipeline.ingest_paths(store, [tmp_path / "archive", tmp_path / "other"])
    assert statuses(first) == ["new", "new"]
    (folder / "b.md").write_text("# An Unsigned Work\n\nMore text.\n", encoding="utf-8")
    parsed: list[str] = []
    structure = ingest.structure

    def spy(src: ingest.SourceFile):  # noqa: ANN202
        parsed.append(Path(src.path).name)
        return structure(src)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(ingest, "structure", spy)
        again = pipeline.ingest_paths(store, [tmp_path / "archive", tmp_path / "other"])
    assert statuses(again) == ["unchanged", "new", "unchanged"]
    assert parsed == ["b.md", "a.md"]  # a.md read only because b.md needed the folder's writer; c.md never
    assert store.get(again.outcomes[1].id).writers == ("John Smith",)


# -- a batch: one transaction per group, one savepoint per document -------------------------------------
def test_a_failing_document_in_a_batch_fails_alone(store, corpus, monkeypatch) -> None:
    real = SQLiteStore._save_in

    def failing(self, conn, doc, prepared, author, message):  # noqa: ANN001, ANN202
        result = real(self, conn, doc, prepared, author, message)  # writes, then fails: a half-written save
        if doc.title.endswith("Part 2"):
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return result

    monkeypatch.setattr(SQLiteStore, "_save_in", failing)
    report = pipeline.ingest_paths(store, [corpus])
    assert statuses(report) == ["new", "new", "failed", "new"]
    error = report.outcomes[2].error or ""
    assert "a2.txt" in error and "\n" not in error
    monkeypatch.undo()
    stored = [d.id for d in store.list_documents()]
    assert len(stored) == 3
    conn = store._conn
    titles = {r[0] for r in conn.execute("SELECT title FROM documents")}
    assert "Independent Socialism Part 2" not in titles
    assert conn.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(*) FROM issues WHERE number = 12").fetchone()[0] == 0
    assert [c.document_id for c in store.changes_since(0)] == [report.outcomes[i].id for i in (0, 1, 3)]
    # the failed file is new on the next run, the others unchanged
    assert statuses(pipeline.ingest_paths(store, [corpus])) == ["unchanged", "unchanged", "new", "unchanged"]


def test_other_connections_see_the_whole_batch_after_it(store, corpus, tmp_path) -> None:
    pipeline.ingest_paths(store, [corpus])
    other = sqlite3.connect(tmp_path / "archive.db")
    assert other.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 4
    assert other.execute("SELECT COUNT(*) FROM changes").fetchone()[0] == 4
    other.close()


# -- schema 9: the source file's SHA-256 on the document row ---------------------------------------------
def test_source_sha256_is_the_current_revisions_provenance(store, corpus) -> None:
    report = pipeline.ingest_paths(store, [corpus])
    for o in report.outcomes:
        sha = hashlib.sha256((corpus / Path(o.path).name).read_bytes()).hexdigest()
        assert store.ingest_state(o.path).source_sha256 == sha == store.get(o.id).provenance.sha256


def test_version_8_archive_gets_source_sha256_from_its_revisions(tmp_path, corpus) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    mig.migrate(conn, target=8)
    assert "source_sha256" not in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    with SQLiteStore(str(tmp_path / "new.db")) as s:  # documents as version 8 holds them
        pipeline.ingest_paths(s, [corpus])
        rows = s._conn.execute(
            "SELECT id, source_path, title, current_revision, words, created, updated FROM documents"
        ).fetchall()
        revisions = s._conn.execute("SELECT * FROM revisions").fetchall()
    conn.executemany(
        "INSERT INTO documents (id, source_path, title, current_revision, words, created, updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?)", revisions)
    conn.close()
    with SQLiteStore(str(path)) as s:
        assert s.schema_version == mig.LATEST == 9
        for doc_id, source_path, *_ in rows:
            assert s.ingest_state(source_path).source_sha256 == s.get(doc_id).provenance.sha256 != ""


# -- helpers -------------------------------------------------------------------------------------------
def test_the_word_count_separators_are_those_of_str_split() -> None:
    spaces = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert spaces == set(_ASCII_SPACE) | set(_OTHER_SPACE)
    assert not set(_ASCII_SPACE) & set(_OTHER_SPACE)
    assert all(c.isascii() for c in _ASCII_SPACE)


_PIECES = st.sampled_from(["a", "é", "’", "😀", "\x00", "\ud800", "word", *_ASCII_SPACE, *_OTHER_SPACE])


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_count_words_is_len_of_split(text: str) -> None:
    assert count_words(text) == len(text.split())


@pytest.mark.parametrize(
    "raw", ["a.txt", "./a.txt", "sub/../a.txt", "sub/", ".", "..foo", "../x/a.txt", "/", "//tmp/a", "/tmp/x"]
)
def test_display_path_is_relpath_under_the_working_directory(tmp_path, monkeypatch, raw) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for where in (tmp_path, tmp_path / "sub", Path("/")):
        monkeypatch.chdir(where)
        p = os.path.abspath(raw)
        rel = os.path.relpath(p)
        assert ingest.display_path(raw) == (p if rel.startswith("..") else rel)


def test_worker_parsing_is_streamed(corpus) -> None:
    """With worker processes, only a bounded window of files is read ahead of the consumer, so memory
    stays flat however many files a batch has (``Executor.map`` would submit them all at once)."""
    files = sorted(corpus.iterdir())
    pulled = 0

    def many():  # noqa: ANN202
        nonlocal pulled
        for _ in range(200):
            for f in files:
                pulled += 1
                yield f

    results = pipeline.parse_many(many(), max_bytes=1 << 20, jobs=2)
    first = next(results)
    assert first.error is None and first.parsed is not None and first.path == str(files[0])
    assert first.prepared == prepare(first.parsed.document)  # made by the worker, as the store would make it
    assert pulled < 200, f"{pulled} of 800 files read ahead of the first result"
    assert sum(1 for _ in results) == 799


def test_workers_proofread_as_the_parent_would(tmp_path, corpus) -> None:
    """With worker processes and a picklable proofreader the findings are made beside the parse, and
    the store ends up with exactly the findings of an ingest in one process (a closure runs here)."""
    from masthead.proofread import ArchiveProofreader, proofread

    (corpus / "a2.txt").write_text(
        (corpus / "a2.txt").read_text(encoding="utf-8").replace(" the ", " tbe ", 2), encoding="utf-8"
    )
    reader = ArchiveProofreader(str(tmp_path / "none.lexicon"))  # no lexicon file: packaged resources
    seen: list[str] = []

    def closure(doc, decided):  # noqa: ANN001, ANN202
        seen.append(doc.id)
        return proofread(doc, ignore_keys=decided)

    stores = []
    for name, jobs, proofreader in (("one", 1, closure), ("workers", 2, reader), ("closure", 2, closure)):
        store = SQLiteStore(str(tmp_path / f"{name}.db"))
        pipeline.ingest_paths(store, [corpus], jobs=jobs, proofreader=proofreader)
        stores.append(store)
    found = [
        {d.id: [(s.finding.key, s.finding.start) for s in st.findings(d.id)] for d in st.list_documents()}
        for st in stores
    ]
    assert found[0] == found[1] == found[2] and any(found[0].values())
    assert len(seen) == 8  # the closure ran in this process: 4 documents, twice
    assert pickle.loads(pickle.dumps(reader)) == reader


def test_documents_sent_light_by_workers_are_stored_whole(tmp_path) -> None:
    """Worker processes send most documents without their bodies (the parent saves what they prepared).
    Where the parent changes a document (a folder's writer for an unsigned work, another id for a title
    already taken, a work kept waiting for its folder's writer), or a linker reads its text, the whole
    document is read back: the archive is the one an ingest in one process makes."""
    root = tmp_path / "corpus"
    for i in range(3):
        write(root, f"a{i}.txt", title=f"Independent Socialism Part {i}", number=10 + i)
    write(root, "other/same.txt", title="Independent Socialism Part 1", number=11)  # the same id: -2
    # an unsigned work read before its folder's writer is known (kept waiting), then a signed one
    smith = root / "archive" / "smith"
    (smith / "1900").mkdir(parents=True)
    (smith / "1900" / "a.md").write_text("# A Pamphlet\n\nSome text of the pamphlet.\n", encoding="utf-8")
    (smith / "1901").mkdir()
    (smith / "1901" / "b.md").write_text("## John Smith\n\n# Another\n\nMore of it.\n", encoding="utf-8")
    linked: list[int] = []

    def linker(doc):  # noqa: ANN001, ANN202 - runs in this process: needs whole documents
        linked.append(len(doc.blocks))
        return []

    archives = {}
    for name, jobs, link in (("one", 1, None), ("light", 2, None), ("linked", 2, linker)):
        with SQLiteStore(str(tmp_path / f"{name}.db")) as store:
            report = pipeline.ingest_paths(store, [root], jobs=jobs, linker=link)
            assert report.counts["failed"] == 0, report.failed
            archives[name] = {d.id: store.get(d.id).to_dict() for d in store.list_documents()}
    assert archives["one"] == archives["light"] == archives["linked"]
    docs = archives["light"]
    assert any(i.endswith("-2") for i in docs) and all(d["blocks"] for d in docs.values())
    assert {tuple(d["writers"]) for d in docs.values() if d["title"] in ("A Pamphlet", "Another")} == {("John Smith",)}
    assert linked and all(linked)


def test_whole_document_reads_back_the_prepared_json() -> None:
    from masthead.model import Block, Document

    doc = Document(id="a/1", title="T", writers=("A",), blocks=(Block("paragraph", "Body text."),))
    prepared = prepare(doc)
    head = doc.replace(blocks=(), notes=())
    assert pipeline.whole_document(head, prepared) == doc
    moved = head.replace(id="a/1-2", writers=("B",))
    assert pipeline.whole_document(moved, prepared) == doc.replace(id="a/1-2", writers=("B",))
