"""The site planner's issue lists (from ``issue_outlines``, or catalogue rows and issue heads) equal ``issues``."""

from __future__ import annotations

from pathlib import Path

from masthead.pipeline import ingest_paths
from masthead.publish.plan import _all_issues, _issues, read_catalogue, safe_doc_id
from masthead.store.sqlite import SQLiteStore

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def test_outline_issues_equal_store_issues(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "a.db"))
    try:
        connolly = sorted((CORPUS / "mia-markdown/archive/connolly/1898").glob("*"))[:6]
        report = ingest_paths(store, [str(CORPUS / "plaintext"), str(CORPUS / "mia-html"), *map(str, connolly)])
        assert not report.failed
        by_id = {d.id: d for d in store.list_documents()}
        periodicals = store.periodicals()
        assert periodicals
        for p in periodicals:
            assert store.issues(p.slug), p.slug
            assert _issues(store, p.slug, by_id) == store.issues(p.slug)
            heads = [head for head, _ in store.issue_outlines(p.slug)]
            assert [h[0] for h in heads] == [i.id for i in store.issues(p.slug)]
        # the issues built from the catalogue rows and the issue heads equal the store's, periodical by periodical
        catalogue = read_catalogue(store)
        assert [c.summary for c in catalogue] == store.list_documents()
        built = _all_issues(store, catalogue)
        assert set(built) == {p.slug for p in periodicals}
        for p in periodicals:
            assert built[p.slug] == store.issues(p.slug), p.slug
        # a summary missing from the caller's map (saved between the reads) falls back to a full read
        slug = periodicals[0].slug
        first = store.issues(slug)[0].documents[0].id
        partial = {k: v for k, v in by_id.items() if k != first}
        assert _issues(store, slug, partial) == store.issues(slug)
        assert store.issue_outlines("no-such-periodical") == []
    finally:
        store.close()


def test_safe_doc_id() -> None:
    for ok in ("a/b/c", "labor-action/1948/x", "from-x/y", "a.b"):
        assert safe_doc_id(ok), ok
    for bad in ("", "/a", "a/", "a//b", "a/./b", "../a", "a/..", "a\\b", "a\x00b", "from-12"):
        assert not safe_doc_id(bad), bad
