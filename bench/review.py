"""Review benchmark: storing findings at ingest, accepting findings, reverting, and diffing revisions, on
the bundled corpus (plaintext + Markdown + HTML), with hand-made findings (every Nth word; never the
proofreading engine, whose cost is its own).

    .venv/bin/python bench/review.py
    .venv/bin/python bench/review.py --every 25 --accepts 200

Figures are ratios against a baseline measured in the same process where one exists: ingest with a
proofreader that stores findings vs. ingest without one, and one accept vs. one plain ``save`` of the
same document (an accept is a save plus the finding bookkeeping).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
sys.path.insert(0, str(ROOT / "src"))

from masthead.model import Document  # noqa: E402
from masthead.pipeline import ingest_paths  # noqa: E402
from masthead.proofread.findings import Finding, finding_key  # noqa: E402
from masthead.review.diff import diff_html, diff_ops  # noqa: E402
from masthead.store.sqlite import SQLiteStore  # noqa: E402
from masthead.textview import text_view  # noqa: E402

WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def every_nth(n: int):  # noqa: ANN201
    """A stand-in proofreader: every ``n``-th word of four letters or more, suggesting it upper-cased."""

    def proofread(doc: Document, decided: frozenset[str]) -> list[Finding]:
        view = text_view(doc)
        out = []
        for i, m in enumerate(WORD.finditer(view.text)):
            if i % n:
                continue
            key = finding_key(view.text, m.start(), m.end(), "non-word")
            if key in decided:
                continue
            line, col = view.line_col(m.start())
            out.append(
                Finding(
                    m.start(), m.end(), line, col, m.group(), "non-word", "bench", (m.group().upper(),), 0.5, "b", key
                )
            )
        return out

    return proofread


def timed(fn, *args, **kwargs) -> tuple[float, object]:  # noqa: ANN001
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=50, help="a finding every N words (default 50)")
    ap.add_argument("--accepts", type=int, default=100, help="findings to accept (default 100)")
    args = ap.parse_args()
    paths = [CORPUS / "plaintext", CORPUS / "mia-markdown", CORPUS / "mia-html"]
    tmp = Path(tempfile.mkdtemp(prefix="masthead-bench-review-"))
    try:
        # ingest without and with findings (fresh archives, same process, after a warm-up run)
        ingest_paths(SQLiteStore(str(tmp / "warm.db")), paths)
        plain_s, report = timed(ingest_paths, SQLiteStore(str(tmp / "plain.db")), paths)
        store = SQLiteStore(str(tmp / "review.db"))
        review_s, _ = timed(ingest_paths, store, paths, proofreader=every_nth(args.every))
        docs = sum(1 for o in report.outcomes if o.status == "new")
        findings = store.count_open_findings()
        print(
            f"ingest {docs} documents: {plain_s:.2f} s without findings, {review_s:.2f} s storing {findings} findings"
        )
        print(f"  ratio with/without: {review_s / plain_s:.2f}x (includes the stand-in proofreader)")

        # accept: on the biggest document, one finding after another, vs. a plain save of an edit
        queue = store.review_queue(limit=1)
        doc_id = queue[0].document_id
        doc = store.get(doc_id)
        assert doc is not None
        words = doc.word_count()
        keys = [sf.key for sf in store.findings(doc_id)][: args.accepts]
        accept_times = []
        for key in keys:
            s, _ = timed(store.accept_finding, doc_id, key, "bench")
            accept_times.append(s)
        save_times = []
        current = store.get(doc_id)
        for i in range(len(keys)):
            current = current.replace(title=f"{doc.title} {i}")
            s, _ = timed(store.save, current, author="bench")
            save_times.append(s)
        acc, sav = statistics.median(accept_times), statistics.median(save_times)
        print(f"accept on {doc_id} ({words} words, {len(keys)} accepts): median {acc * 1000:.1f} ms")
        print(f"  plain save of the same document: median {sav * 1000:.1f} ms; accept/save {acc / sav:.2f}x")

        # revert and diff across the whole run of accepted edits
        last = store.revisions(doc_id)[-1].number
        s, _ = timed(store.revert, doc_id, 1, "bench")
        print(f"revert to revision 1 of {last}: {s * 1000:.1f} ms")
        old = text_view(store.get(doc_id, revision=1)).text
        new = text_view(store.get(doc_id, revision=len(keys) + 1)).text
        s, ops = timed(diff_ops, old, new)
        h, _ = timed(diff_html, ops)
        changes = sum(1 for o in ops if o.kind != "equal")
        print(
            f"diff revision 1 -> {len(keys) + 1} ({len(old)} characters, {changes} changed pieces): {s * 1000:.1f} ms"
        )
        print(f"  + HTML {h * 1000:.1f} ms")
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
