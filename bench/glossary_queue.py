"""Glossary queue benchmark: the cost of linking the archive again after an editor accepts a proposal,
targeted (:func:`relink_entries`, what the web queue does) against the whole archive (:func:`link_archive`),
in the same process over the bundled corpus (copied ``--copies`` times), and the queue page's render time.

    .venv/bin/python bench/glossary_queue.py              # the bundled corpus, 104 documents
    .venv/bin/python bench/glossary_queue.py --copies 10  # about 1,000 documents
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/calendar.py would shadow the standard library's calendar: keep this folder off the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT / "src"))

from masthead.glossary import starter_entries  # noqa: E402
from masthead.glossary.archive import link_archive, relink_entries  # noqa: E402
from masthead.glossary.propose import propose  # noqa: E402
from masthead.pipeline import ingest_paths  # noqa: E402
from masthead.store.sqlite import SQLiteStore  # noqa: E402


def _best(fn, repeat: int = 3) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1, help="store the corpus this many times (as new ids)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(f"{tmp}/a.db") as store:
        ingest_paths(store, [ROOT / "examples" / "corpus"])
        if args.copies > 1:
            docs = list(store.iter_documents())
            with store.batch(every=500):
                for n in range(1, args.copies):
                    for d in docs:
                        store.save(dataclasses.replace(d, id=f"c{n}/{d.id}"))
        store.save_entries(starter_entries())
        link_archive(store)
        found = propose(store.iter_documents(), known=store.list_entries(status=None), limit=20)
        store.propose_entries((p.to_entry(), p.evidence()) for p in found)
        # accept a proposal named in few documents (a typical new name), then relink both ways
        pick = min(found, key=lambda p: p.documents)
        store.accept_proposal(pick.to_entry().id, "bench")
        t_all, full = _best(lambda: link_archive(store))
        t_one, part = _best(lambda: relink_entries(store, [pick.to_entry().id]))
        print(f"documents: {full.documents}; accepted {pick.name!r}")
        print(f"link_archive (whole archive): {t_all * 1000:.0f} ms, {full.documents} documents")
        print(f"relink_entries (one entry): {t_one * 1000:.0f} ms, {part.documents} documents relinked")
        print(f"ratio whole / targeted: {t_all / t_one:.1f}x")
        from fastapi.testclient import TestClient

        from masthead.accounts import hash_password
        from masthead.web import create_app

        store.add_editor("bench", hash_password("bench password long"))
        client = TestClient(create_app(store))
        page = client.get("/login")
        import re

        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        client.post("/login", data={"username": "bench", "password": "bench password long", "csrf": csrf})
        t_page, r = _best(lambda: client.get("/glossary/queue"))
        print(f"queue page ({len(found) - 1} proposals with examples): {t_page * 1000:.0f} ms, status {r.status_code}")


if __name__ == "__main__":
    main()
