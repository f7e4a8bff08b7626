"""Static-site build benchmark: a full build and a one-article incremental rebuild of a synthetic archive.

    .venv/bin/python bench/build.py                  # 20,000 synthetic articles
    .venv/bin/python bench/build.py --articles 2000  # quicker
    .venv/bin/python bench/build.py --downloads      # with the Cite this box and download files

The articles are ``bench/ingest.py``'s synthetic ETOL plain-text pages (about 3,000 words of real prose
each), with a byline from a pool of writers so that writer pages exist, ingested into a fresh SQLite
archive. Printed: pages written, pages/s and ms per page rendered (planning, rendering and writing; the
Pagefind indexing time separately), then the same for a rebuild after one article's title changed (the
whole site is re-planned: lists show titles) and after one article's body changed (only that article is
re-planned). The archive has a glossary unless ``--no-glossary``: the starter entries, linked by the real
matcher, but since every synthetic article is cut from the same few real pages (the matcher finds a dozen
entries in each), each entry keeps its mentions in only a share of the articles naming it, from 10 % for
the commonest down (:func:`link_some`), as a real archive's entries are named by a few articles each.
After the one-article rebuilds, one more rebuild follows the article's linking again (its mentions
change: its page and its entries' pages are rewritten). With ``--downloads`` the article pages get the Cite this
box and the download files, whose time is printed separately. Targets (issue 6): <= 1 ms per page
rendered; an incremental rebuild of one article in <= 2 s at 20,000 articles. The machine's load shows
in every figure: compare runs made under the same load.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import real_paragraphs, synth_article  # noqa: E402
from masthead.glossary import starter_entries  # noqa: E402
from masthead.glossary.archive import make_linker  # noqa: E402
from masthead.pipeline import ingest_paths  # noqa: E402
from masthead.publish import BuildReport, build_site  # noqa: E402
from masthead.store.sqlite import SQLiteStore  # noqa: E402

FIRST = "Hal Max Rosa Leon James Ernest Tony Natalia Jack Albert Martin Joseph Sam Susan Grace".split()
LAST = "Draper Shachtman Luxemburg Trotsky Connolly Mandel Cliff Sedova Weber Glotzer Abern Carter Gordon".split()


def write_corpus(folder: Path, n: int) -> None:
    """``n`` synthetic articles, each with a byline by one of ~200 writers."""
    rng = random.Random(6)
    paras = real_paragraphs()
    writers = [f"{f} {last}" for f in FIRST for last in LAST]
    for i in range(n):
        d = folder / f"{i // 1000:03d}"
        d.mkdir(parents=True, exist_ok=True)
        lines = synth_article(i, rng, paras).split("\n")
        lines[1:1] = ["", f"by {rng.choice(writers)}"]
        (d / f"article-{i:06d}.txt").write_text("\n".join(lines), encoding="utf-8")


def link_some(store: SQLiteStore, rng: random.Random) -> tuple[int, int]:
    """Link every article with the real matcher, keeping an entry's mentions in a document with probability
    ``0.1 / (1 + rank / 4)`` (the entries ranked at random). Returns (entries, mentions kept)."""
    linker = make_linker(store)
    ids = [e.id for e in store.list_entries()]
    share = {e: 0.1 / (1 + k / 4) for k, e in enumerate(rng.sample(ids, len(ids)))}
    revisions = {d.id: d.revision for d in store.list_documents()}
    kept = 0
    with store.batch(every=500):
        for doc in store.iter_documents():
            found = linker(doc)
            keep = {e for e in sorted({m.entry_id for m in found}) if rng.random() < share[e]}
            kept += store.replace_mentions(doc.id, revisions[doc.id], [m for m in found if m.entry_id in keep])
    return len(ids), kept


def show(label: str, r: BuildReport) -> None:
    n = len(r.written)
    print(f"{label}:")
    print(f"  pages        : {r.pages} in the site; {n} written, {r.unchanged} unchanged, {len(r.removed)} removed")
    if n:
        print(
            f"  rendering    : {1000 * r.template_seconds / n:.3f} ms per page rendered "
            f"({r.template_seconds:.3f} s producing HTML: documents loaded, templates run)"
        )
        print(
            f"  + writing    : {r.render_seconds:.3f} s wall for rendering and writing the files "
            f"({1000 * r.render_seconds / n:.3f} ms per page, {n / r.render_seconds:,.0f} pages/s)"
        )
    if r.downloads_written:
        print(
            f"  downloads    : {r.downloads_written} files (TEI, EPUB, BibTeX, RIS, CSL-JSON, text) in "
            f"{r.downloads_seconds:.3f} s ({1000 * r.downloads_seconds / max(n, 1):.3f} ms per page), in the wall "
            "time above; the Cite this box's citeproc citations are in the rendering time"
        )
    what = {
        "whole site": "catalogue read, fingerprints of every page",
        "changed articles only": "saved articles re-planned",
    }.get(r.mode, "saved articles and the pages listing them re-planned")
    print(f"  planning     : {r.plan_seconds:.3f} s ({r.mode}: {what})")
    build = r.total_seconds - (r.pagefind_seconds or 0)
    print(f"  build total  : {build:.3f} s without Pagefind", end="")
    print(f" ({r.pages / build:,.0f} pages/s overall)" if n == r.pages else "")
    if r.pagefind_seconds is not None:
        print(f"  Pagefind     : {r.pagefind_seconds:.2f} s indexing {r.pagefind_pages} pages")
    else:
        print("  Pagefind     : not run")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000, help="synthetic articles (default 20000)")
    ap.add_argument(
        "--pagefind",
        choices=["all", "full", "none"],
        default="all",
        help="run Pagefind on every build (default), on the full build only, or never",
    )
    ap.add_argument("--jobs", type=int, default=min(8, os.cpu_count() or 1), help="parsing processes for ingest")
    ap.add_argument(
        "--downloads",
        action="store_true",
        help="build with the Cite this box and download files on every article page (masthead build's default)",
    )
    ap.add_argument("--workdir", type=Path, help="keep the archive here and reuse it on the next run")
    ap.add_argument(
        "--no-glossary", dest="glossary", action="store_false", help="no glossary (the archive is not linked)"
    )
    args = ap.parse_args()
    print(f"masthead build benchmark (python {sys.version.split()[0]}, {os.cpu_count()} cpus)")
    dl = "with" if args.downloads else "without"
    print(f"pages built {dl} the Cite this box and download files (--downloads)\n")
    tmp = args.workdir or Path(tempfile.mkdtemp(prefix="masthead-build-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    name = f"bench-{args.articles}{'-glossary' if args.glossary else ''}.db"
    reuse = args.workdir is not None and (tmp / name).is_file()
    try:
        store = SQLiteStore(str(tmp / name))
        if reuse:
            print(f"reusing the archive of {store.count_documents()} articles in {tmp}\n")
        else:
            write_corpus(tmp / "corpus", args.articles)
            t0 = time.perf_counter()
            report = ingest_paths(store, [tmp / "corpus"], jobs=args.jobs)
            if report.failed:
                raise SystemExit(f"bench corpus failed to ingest: {report.failed[0].error}")
            print(f"ingested {store.count_documents()} articles in {time.perf_counter() - t0:.1f} s")
            if args.glossary:
                t0 = time.perf_counter()
                store.save_entries(starter_entries())
                entries, mentions = link_some(store, random.Random(7))
                print(f"glossary: {entries} entries, {mentions} mentions linked in {time.perf_counter() - t0:.1f} s")
            print()
        site = tmp / "site"
        shutil.rmtree(site, ignore_errors=True)
        show("full build", build_site(store, site, pagefind=args.pagefind != "none", downloads=args.downloads))
        search = args.pagefind == "all"
        show("\nrebuild, nothing changed", build_site(store, site, pagefind=search, downloads=args.downloads))

        victim = store.list_documents(limit=1, offset=store.count_documents() // 2)[0]
        named = {m.entry_id for m in store.mentions_in(victim.id)} if args.glossary else set()
        doc = store.get(victim.id)
        assert doc is not None
        store.save(doc.replace(title=doc.title + " (revised)"), message="bench: retitle")
        r = build_site(store, site, pagefind=search, downloads=args.downloads)
        show(f"\nrebuild after one article's title changed ({victim.id})", r)
        print("  pages written: " + ", ".join(r.written))

        doc = store.get(victim.id)
        assert doc is not None
        store.save(doc.replace(blocks=doc.blocks[:-1]), message="bench: shorten")
        r = build_site(store, site, pagefind=search, downloads=args.downloads)
        show("\nrebuild after one article's body changed", r)
        print("  pages written: " + ", ".join(r.written))
        if args.glossary:
            doc = store.get(victim.id)
            assert doc is not None
            found = make_linker(store)(doc)
            named = named or {m.entry_id for m in found[:1]}
            mentions = [m for m in found if m.entry_id in named]  # the entries it named before
            store.replace_mentions(doc.id, store.revisions(doc.id)[-1].number, mentions)
            r = build_site(store, site, pagefind=search, downloads=args.downloads)
            show(f"\nrebuild after the article was linked again ({len(mentions)} mentions)", r)
            print("  pages written: " + ", ".join(r.written))
        size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1048576
        print(f"\nsite size: {size:.0f} MB in {sum(1 for _ in site.rglob('*.html'))} HTML files")
        store.close()
    finally:
        if args.workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
