"""The store's review machinery: findings, decisions, accepted edits as revisions, reverts, accounts."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.review import in_context, relocate
from masthead.review.diff import diff_html, diff_ops, unified_diff, word_diff_text
from masthead.store import StoreError
from masthead.store import migrations as mig
from masthead.store.review import ReviewError
from masthead.store.sqlite import SQLiteStore
from masthead.textview import text_view
from review_helpers import find, make_doc, standard_findings


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(str(tmp_path / "archive.db"))
    yield s
    s.close()


def _seed(store: SQLiteStore):
    doc = make_doc()
    store.save(doc)
    found = standard_findings(doc)
    assert store.replace_findings(doc.id, 1, found) == 4
    return doc, found


def _text(store: SQLiteStore, doc_id: str, revision: int | None = None) -> str:
    doc = store.get(doc_id, revision=revision)
    assert doc is not None
    return text_view(doc).text


def _db_dump(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        out = []
        for table in ("documents", "revisions", "findings", "decisions", "changes"):
            out.extend((table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"))
        return out
    finally:
        conn.close()


def test_schema_has_review_tables(store: SQLiteStore) -> None:
    assert store.schema_version == mig.LATEST
    assert {"findings", "decisions", "editors", "editor_sessions"} <= mig._OUR_TABLES


def test_findings_are_stored_and_queued(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    stored = store.findings(doc.id)
    assert [s.finding for s in stored] == found  # round trip, in text order
    assert all(s.status == "open" and s.revision == 1 for s in stored)
    queue = store.review_queue()
    assert [(e.document_id, e.open) for e in queue] == [(doc.id, 4)]
    assert store.count_open_findings() == 4


def test_accept_makes_a_revision_with_who_and_why(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    before = store.last_change()
    result = store.accept_finding(doc.id, found[1].key, "ann", reason="plain misprint")
    assert (result.status, result.revision) == ("changed", 2)
    assert "at the plant" in _text(store, doc.id)
    assert "tbe" in _text(store, doc.id, 1)  # the old revision is kept
    rev = store.revisions(doc.id)[-1]
    assert rev.author == "ann"
    assert "'tbe' -> 'the'" in rev.message and found[1].key in rev.message and "plain misprint" in rev.message
    (decision,) = store.decisions(doc.id)
    assert (decision.action, decision.text, decision.replacement, decision.editor) == ("accepted", "tbe", "the", "ann")
    assert (decision.revision_before, decision.revision_after, decision.reason) == (1, 2, "plain misprint")
    assert store.finding(doc.id, found[1].key).status == "accepted"
    # the search index hears of the edit through the change feed
    assert [(c.document_id, c.revision) for c in store.changes_since(before)] == [(doc.id, 2)]


def test_accept_moves_the_other_findings(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    store.accept_finding(doc.id, found[1].key, "ann", replacement="the very")  # +5 characters
    text = _text(store, doc.id)
    open_ = {s.key: s for s in store.findings(doc.id)}
    assert set(open_) == {found[0].key, found[2].key, found[3].key}
    for s in open_.values():
        f = s.finding
        assert text[f.start : f.end] == f.text
        assert s.revision == 2
    assert open_[found[0].key].finding.start == found[0].start  # before the edit: unmoved
    assert open_[found[3].key].finding.start == found[3].start + 5
    assert text_view(store.get(doc.id)).line_col(open_[found[3].key].finding.start) == (
        open_[found[3].key].finding.line,
        open_[found[3].key].finding.col,
    )
    assert store.decisions(doc.id)[0].action == "custom"


def test_overlapping_findings_go_stale(store: SQLiteStore) -> None:
    doc = make_doc()
    store.save(doc)
    pair = find(doc, "workers workers", ("workers",), kind="real-word")
    second = find(doc, "workers", (), kind="case", nth=1)  # inside the pair
    store.replace_findings(doc.id, 1, [pair, second])
    store.accept_finding(doc.id, pair.key, "ann")
    assert store.finding(doc.id, second.key).status == "stale"
    with pytest.raises(ReviewError, match="stale"):
        store.accept_finding(doc.id, second.key, "ann", replacement="Workers")
    store.reject_finding(doc.id, second.key, "ann")  # a stale finding can still be dismissed
    assert store.finding(doc.id, second.key).status == "rejected"


def test_rejected_is_never_flagged_again(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    decision = store.reject_finding(doc.id, found[3].key, "bob", reason="dialect")
    assert (decision.action, decision.editor, decision.reason) == ("rejected", "bob", "dialect")
    assert found[3].key not in {s.key for s in store.findings(doc.id)}
    assert store.get(doc.id) == doc  # rejecting changes no text
    assert found[3].key in store.decided_keys(doc.id)
    # the proofreader runs again and reports the same suspicion: it stays rejected
    assert store.replace_findings(doc.id, 1, found) == 3
    assert store.finding(doc.id, found[3].key).status == "rejected"
    with pytest.raises(ReviewError, match="already rejected"):
        store.reject_finding(doc.id, found[3].key, "bob")
    with pytest.raises(ReviewError, match="already rejected"):
        store.accept_finding(doc.id, found[3].key, "bob")


def test_accepted_is_never_reopened(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    store.accept_finding(doc.id, found[0].key, "ann")
    store.replace_findings(doc.id, 2, found)
    assert store.finding(doc.id, found[0].key).status == "accepted"
    assert len(store.findings(doc.id)) == 3


def test_stale_finding_is_refused_and_nothing_changes(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    # someone edits the sentence under a finding (a re-ingest of a corrected file, say)
    edited = doc.replace(blocks=(doc.blocks[0].__class__("paragraph", "A strike began."), *doc.blocks[1:]))
    store.save(edited, author="ingest")
    revisions = store.revisions(doc.id)
    with pytest.raises(ReviewError, match="stale"):
        store.accept_finding(doc.id, found[1].key, "ann")
    assert store.revisions(doc.id) == revisions
    assert store.finding(doc.id, found[1].key).status == "stale"
    assert store.decisions(doc.id) == []


def test_finding_found_again_by_its_key_after_an_edit_elsewhere(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    longer = doc.replace(title="Tlie Great Strike of the Winter")  # title grows: later offsets all shift
    store.save(longer)
    text = _text(store, doc.id)
    result = store.accept_finding(doc.id, found[3].key, "ann")
    assert result.revision == 3
    assert "the men would" in _text(store, doc.id)
    assert text.count("rnen") == 1


def test_bad_span_leaves_the_database_unchanged(store: SQLiteStore, tmp_path: Path) -> None:
    doc = make_doc()
    store.save(doc)
    text = text_view(doc).text
    # a finding across a paragraph break cannot be applied as one block's edit
    start = text.index("weeks.")
    bad = replace(find(doc, "weeks.", ("weeks",)), end=start + len("weeks.\n\nThe"), text="weeks.\n\nThe", key="k-bad")
    store.replace_findings(doc.id, 1, [bad])
    before = _db_dump(tmp_path / "archive.db")
    with pytest.raises(ReviewError, match="cannot be applied"):
        store.accept_finding(doc.id, "k-bad", "ann")
    assert _db_dump(tmp_path / "archive.db") == before


def test_accept_refusals(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    nosugg = replace(found[0], suggestions=(), key="k-none")
    store.replace_findings(doc.id, 1, [*found, nosugg])
    with pytest.raises(ReviewError, match="no suggestion"):
        store.accept_finding(doc.id, "k-none", "ann")
    with pytest.raises(ReviewError, match="no finding"):
        store.accept_finding(doc.id, "nope", "ann")
    with pytest.raises(ReviewError, match="reject the finding instead"):
        store.accept_finding(doc.id, found[0].key, "ann", replacement="Tlie")
    with pytest.raises(ReviewError, match="no document"):
        store.accept_finding("nowhere", found[0].key, "ann")
    with pytest.raises(ReviewError, match="no document"):
        store.replace_findings("nowhere", 1, found)
    with pytest.raises(ReviewError, match="no key"):
        store.replace_findings(doc.id, 1, [replace(found[0], key="")])
    assert len(store.revisions(doc.id)) == 1


def test_accept_with_deletion(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    store.accept_finding(doc.id, found[2].key, "ann", replacement="workers")
    assert "The workers held firm" in _text(store, doc.id)


def test_revert_is_a_new_revision_equal_to_the_old(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    store.accept_finding(doc.id, found[1].key, "ann")
    store.accept_finding(doc.id, found[3].key, "ann")
    result = store.revert(doc.id, 1, "bob", reason="wrong edition")
    assert (result.status, result.revision) == ("changed", 4)
    assert store.get(doc.id) == store.get(doc.id, revision=1)
    assert [r.number for r in store.revisions(doc.id)] == [1, 2, 3, 4]  # nothing lost
    rev = store.revisions(doc.id)[-1]
    assert (rev.author, rev.message) == ("bob", "revert to revision 1: wrong edition")
    # open findings still point at their text
    text = _text(store, doc.id)
    for s in store.findings(doc.id):
        assert text[s.finding.start : s.finding.end] == s.finding.text
    assert store.revert(doc.id, 1, "bob").status == "unchanged"
    with pytest.raises(ReviewError, match="no revision 9"):
        store.revert(doc.id, 9, "bob")


def test_a_revert_reopens_the_corrections_it_undid_but_not_rejections(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    store.accept_finding(doc.id, found[1].key, "ann")  # revision 2
    store.reject_finding(doc.id, found[0].key, "ann")
    store.accept_finding(doc.id, found[3].key, "ann")  # revision 3
    assert {found[0].key, found[1].key, found[3].key} <= store.decided_keys(doc.id)
    store.revert(doc.id, 2, "bob")  # undoes the second correction only
    decided = store.decided_keys(doc.id)
    assert found[3].key not in decided and {found[0].key, found[1].key} <= decided
    reopened = store.finding(doc.id, found[3].key)
    assert reopened is not None and reopened.status == "open"
    text = _text(store, doc.id)
    assert text[reopened.finding.start : reopened.finding.end] == found[3].text  # back in the restored text
    assert store.finding(doc.id, found[0].key).status == "rejected"
    # proofreading again keeps the reopened finding and never brings back the rejected one
    store.replace_findings(doc.id, 4, found)
    assert {s.finding.key for s in store.findings(doc.id)} >= {found[3].key}
    assert found[0].key not in {s.finding.key for s in store.findings(doc.id)}
    # it can be accepted again, and the log keeps both decisions
    store.accept_finding(doc.id, found[3].key, "carol")
    assert [d.editor for d in store.decisions(doc.id) if d.key == found[3].key] == ["carol", "ann"]


def test_delete_keeps_the_decision_log(store: SQLiteStore) -> None:
    doc, found = _seed(store)
    store.reject_finding(doc.id, found[0].key, "ann")
    store.delete(doc.id)
    assert store.findings(doc.id, status=None) == []
    assert len(store.decisions(doc.id)) == 1


def test_accounts_and_sessions(store: SQLiteStore) -> None:
    store.add_editor("ann", "hash-1")
    with pytest.raises(StoreError, match="already an editor"):
        store.add_editor("ann", "hash-2")
    with pytest.raises(StoreError, match="unknown role"):
        store.add_editor("zed", "h", role="king")
    assert store.editor("ann").password_hash == "hash-1"
    store.create_session("t1", "ann", "csrf-1", "9999-01-01T00:00:00.000000Z")
    store.create_session("t-old", "ann", "csrf-2", "2000-01-01T00:00:00.000000Z")
    assert store.session("t1").csrf == "csrf-1"
    assert store.session("t-old") is None  # expired
    store.set_editor_password("ann", "hash-3")  # a new password ends every session
    assert store.session("t1") is None
    store.create_session("t2", "ann", "c", "9999-01-01T00:00:00.000000Z")
    assert store.delete_session("t2") and store.session("t2") is None
    with pytest.raises(StoreError, match="no editor"):
        store.set_editor_password("bob", "h")


def test_in_context_and_relocate() -> None:
    doc = make_doc()
    f = find(doc, "rnen", ("men",))
    text = text_view(doc).text
    ctx = in_context(text, f, width=20)
    assert ctx.live and ctx.span == "rnen" and ctx.before.endswith("the ") and ctx.after.startswith(" would")
    assert "\n" not in ctx.before + ctx.after
    shifted = "Prefix added.\n\n" + text
    moved = relocate(shifted, f)
    assert moved is not None and shifted[moved.start : moved.end] == "rnen" and moved.line == f.line + 2
    assert relocate(text.replace("rnen", "men"), f) is None
    assert not in_context(text.replace("rnen", "men"), f).live


def test_diff_renders_changes_escaped() -> None:
    old = "Title\n\nThe <b>quick</b> brwn fox.\n\nGone paragraph."
    new = "Title\n\nThe <b>quick</b> brown fox.\n\nAdded & new."
    ops = diff_ops(old, new)
    html = diff_html(ops)
    assert "<del>brwn</del><ins>brown</ins>" in html
    assert "&lt;b&gt;quick" in html and "<b>" not in html
    assert "[-brwn-]{+brown+}" in word_diff_text(ops)
    assert "-Gone paragraph." in unified_diff(old, new)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "word", " ", "\n\n", ".", "é"]), max_size=30),
    st.lists(st.sampled_from(["a", "b", "word", " ", "\n\n", ".", "é"]), max_size=30),
)
def test_diff_spells_both_texts(a: list[str], b: list[str]) -> None:
    old, new = "".join(a), "".join(b)
    ops = diff_ops(old, new)
    assert "".join(o.text for o in ops if o.kind != "insert") == old
    assert "".join(o.text for o in ops if o.kind != "delete") == new


# -- ingest with a proofreader -------------------------------------------------------------------------
def _toy_proofreader(calls: list[frozenset[str]]):
    """Flags the first three capitalised words of more than four letters; skips decided keys."""
    import re

    from masthead.proofread.findings import Finding, finding_key

    def proofread(doc, decided: frozenset[str]) -> list[Finding]:
        calls.append(decided)
        text = text_view(doc).text
        out = []
        for m in list(re.finditer(r"\b[A-Z][a-z]{4,}\b", text))[:3]:
            key = finding_key(text, m.start(), m.end(), "case")
            if key not in decided:
                line, col = text_view(doc).line_col(m.start())
                out.append(
                    Finding(
                        m.start(), m.end(), line, col, m.group(), "case", "toy", (m.group().lower(),), 0.5, "toy", key
                    )
                )
        return out

    return proofread


def test_ingest_stores_findings_and_respects_decisions(store: SQLiteStore, tmp_path: Path) -> None:
    from conftest import LABOR_ACTION
    from masthead.pipeline import ingest_paths

    source = tmp_path / LABOR_ACTION.name
    source.write_text(LABOR_ACTION.read_text(encoding="utf-8"), encoding="utf-8")
    calls: list[frozenset[str]] = []
    (outcome,) = ingest_paths(store, [source], proofreader=_toy_proofreader(calls)).outcomes
    assert outcome.status == "new" and outcome.findings == 3
    found = store.findings(outcome.id)
    text = _text(store, outcome.id)
    assert all(text[s.finding.start : s.finding.end] == s.finding.text for s in found)
    store.reject_finding(outcome.id, found[0].key, "ann")
    # an unchanged file is not proofread again; its findings stay
    (again,) = ingest_paths(store, [source], proofreader=_toy_proofreader(calls)).outcomes
    assert again.status == "unchanged" and again.findings is None and len(calls) == 1
    assert len(store.findings(outcome.id)) == 2
    # a changed file is proofread again, told what was decided; the rejected finding stays rejected
    source.write_text(source.read_text(encoding="utf-8") + "\nA closing line added.\n", encoding="utf-8")
    (changed,) = ingest_paths(store, [source], proofreader=_toy_proofreader(calls)).outcomes
    assert changed.status == "changed" and calls[-1] == frozenset({found[0].key})
    assert changed.findings == 2 and store.finding(outcome.id, found[0].key).status == "rejected"
    assert all(s.revision == changed.revision for s in store.findings(outcome.id))


def test_a_failing_proofreader_never_fails_the_file(store: SQLiteStore) -> None:
    from conftest import LABOR_ACTION
    from masthead.pipeline import ingest_paths

    def broken(doc, decided):  # noqa: ANN001, ANN202
        raise RuntimeError("dictionary missing")

    (outcome,) = ingest_paths(store, [LABOR_ACTION], proofreader=broken).outcomes
    assert outcome.status == "new" and store.get(outcome.id) is not None
    assert any("not proofread: RuntimeError: dictionary missing" in w.message for w in outcome.warnings)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_open_findings_always_point_at_their_text(data: st.DataObject) -> None:
    import re

    from masthead.proofread.findings import Finding, finding_key

    doc = make_doc()
    text = text_view(doc).text
    words = [m for m in re.finditer(r"[A-Za-z]+", text)]
    found = []
    for m in words:
        key = finding_key(text, m.start(), m.end(), "non-word")
        line, col = text_view(doc).line_col(m.start())
        found.append(
            Finding(m.start(), m.end(), line, col, m.group(), "non-word", "", (m.group().upper(),), 0.5, "", key)
        )
    with SQLiteStore(":memory:") as store:
        store.save(doc)
        store.replace_findings(doc.id, 1, found)
        for _ in range(data.draw(st.integers(1, 6))):
            open_ = store.findings(doc.id)
            if not open_:
                break
            pick = data.draw(st.sampled_from(open_))
            replacement = data.draw(st.sampled_from([None, "", "x", "two words", "a\nbreak", "longer replacement"]))
            if replacement == pick.finding.text:
                continue
            store.accept_finding(doc.id, pick.key, "ann", replacement=replacement)
            view = text_view(store.get(doc.id))
            for s in store.findings(doc.id):
                f = s.finding
                assert view.text[f.start : f.end] == f.text
                assert (f.line, f.col) == view.line_col(f.start)


def test_an_archive_from_before_review_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    before = mig.MIGRATIONS.index(mig._V4_REVIEW)  # the version just before the review tables
    mig.migrate(conn, target=before)
    conn.close()
    with SQLiteStore(str(path)) as s:
        assert s.schema_version == mig.LATEST
        doc = make_doc()
        s.save(doc)
        assert s.replace_findings(doc.id, 1, standard_findings(doc)) == 4


def test_reingest_keeps_the_editors_corrections(store: SQLiteStore, tmp_path: Path) -> None:
    from conftest import LABOR_ACTION
    from masthead.pipeline import ingest_paths

    source = tmp_path / LABOR_ACTION.name
    source.write_text(LABOR_ACTION.read_text(encoding="utf-8"), encoding="utf-8")
    calls: list[frozenset[str]] = []
    (first,) = ingest_paths(store, [source], proofreader=_toy_proofreader(calls)).outcomes
    found = store.findings(first.id)
    store.accept_finding(first.id, found[0].key, "ann")
    corrected = store.get(first.id)
    # the same file again: the editor's revision stays current, nothing is proofread again
    (again,) = ingest_paths(store, [source], proofreader=_toy_proofreader(calls)).outcomes
    assert (again.status, again.revision) == ("unchanged", 2) and store.get(first.id) == corrected
    assert len(calls) == 1
    # a changed file is stored, with a warning that names the revisions to compare
    source.write_text(source.read_text(encoding="utf-8") + "\nA closing line added.\n", encoding="utf-8")
    (changed,) = ingest_paths(store, [source]).outcomes
    assert (changed.status, changed.revision) == ("changed", 3)
    assert any(f"masthead diff {first.id} 2 3" in w.message for w in changed.warnings)
    assert store.get(first.id, revision=2) == corrected  # nothing lost
    # and once the ingest is current again, a re-ingest is plain "unchanged"
    assert store.edited_after_ingest(first.id) is None
    assert ingest_paths(store, [source]).outcomes[0].status == "unchanged"
