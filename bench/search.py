"""Search benchmark: index build rate and size, and query latency at scale.

    .venv/bin/python bench/search.py                      # 1,000,000 paragraphs (several minutes)
    .venv/bin/python bench/search.py --paragraphs 100000  # quicker
    .venv/bin/python bench/search.py --no-fts5            # skip the SQLite FTS5 reference

The synthetic archive is made from the bundled corpus's own vocabulary and word sequences: a bigram
(Markov) model trained on every paragraph of ``examples/corpus`` generates a pool of sentences, and
each paragraph joins a random handful of them, so paragraphs are distinct, the word frequencies are the
corpus's, and phrases occur as they do in the texts. Documents get 5-45 paragraphs, an occasional
heading, a title, writers, a periodical and a date.

Prints: index build rate (MB of paragraph text per second, with and without the time spent generating
the synthetic text), peak memory while indexing, index size; then p50 / p95 / max latency over a fixed
mix of 120 queries (rare word, common words, phrase, filtered, faceted; each query timed ``--rounds``
times, 3 by default, Masthead and the bare query in an order that turns each round, and its median kept)
for the full Masthead search (parsing, filters, facets, grouping, snippets), for the bare tantivy top-10
query on the same index (tantivy's own parser, no facets, no stored fields read), their ratio, and for
SQLite FTS5 (bm25 top 10) on the same paragraphs; the full search with facet values counted in documents
instead of passages, and with ``facet_unit="auto"`` (documents when few rows can match), as the web app
asks; how far the "about N documents" total of large results, estimated from a sample, is from the
documents counted one by one. The machine is shared: the load average is printed beside the timings, and
the CPU time (of every thread of the process) beside the wall-clock time, as a figure the load does not
change: CPU time per query, and MB indexed per CPU-second. Also the cost of British / American spelling
folding at query time, and what the same folding would cost at indexing time in Python (the alternative
not taken).

Targets (issue 5): p95 <= 20 ms for a faceted search with snippets at 1M paragraphs; Masthead <= 3x the
bare tantivy query; indexing >= 20 MB/s; memory bounded while indexing.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
sys.path.insert(0, str(ROOT / "src"))

import tantivy  # noqa: E402

from masthead.ingest import discover, parse_file  # noqa: E402
from masthead.model import Block, Document, Source  # noqa: E402
from masthead.search import SearchIndex  # noqa: E402
from masthead.search.compile import Compiler  # noqa: E402
from masthead.search.query import parse_query  # noqa: E402
from masthead.search.spelling import spelling_key  # noqa: E402

PERIODICALS = [
    "Labor Action",
    "The Militant",
    "New International",
    "Socialist Appeal",
    "Fourth International",
    "Workers' Republic",
    "International Socialism",
    "Socialist Review",
]
FIRST = "James Max Rosa Leon Hal Ernest Tony Duncan Albert Jack Natalia Rae Joseph Karl Frederick Daniel".split()
_STOP = set("the of and to a in that is it for as was with be by on not are this which but from or an".split())


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1048576


class PeakRSS:
    """Samples the process's resident memory in a background thread."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_mb())


# -- the synthetic archive ---------------------------------------------------------------------------
def corpus_paragraphs() -> list[str]:
    paras = []
    for path in discover([CORPUS]):
        try:
            doc = parse_file(path).document
        except Exception:  # a reader still in progress must not stop the benchmark
            continue
        for b in doc.iter_blocks():
            t = " ".join(b.text.split())
            if len(t.split()) >= 8:
                paras.append(t)
    return paras


class Markov:
    """A bigram model over whitespace tokens (punctuation stays attached, as in the texts)."""

    def __init__(self, paras: list[str]) -> None:
        succ: dict[str, list[str]] = {}
        starts: list[str] = []
        for p in paras:
            words = p.split()
            starts.append(words[0])
            for a, b in zip(words, words[1:], strict=False):
                succ.setdefault(a, []).append(b)
        self.succ = succ
        self.starts = starts

    def sentence(self, rng: random.Random, max_words: int = 40) -> str:
        w = rng.choice(self.starts)
        out = [w]
        while len(out) < max_words:
            nxt = self.succ.get(w)
            if not nxt:
                break
            w = rng.choice(nxt)
            out.append(w)
            if len(out) >= 6 and w[-1] in ".?!":
                break
        return " ".join(out)


class Synth:
    """Deterministic synthetic documents (see the module docstring)."""

    def __init__(self, seed: int = 5, pool: int = 150_000) -> None:
        rng = random.Random(seed)
        paras = corpus_paragraphs()
        self.model = Markov(paras)
        self.pool = [self.model.sentence(rng) for _ in range(pool)]
        caps = sorted({w.strip(",.;:()'’\"") for p in paras for w in p.split() if w[:1].isupper() and len(w) > 4})
        caps = [c for c in caps if c.isalpha()]
        self.writers = [f"{rng.choice(FIRST)} {rng.choice(caps)}" for _ in range(400)]
        self.seed = seed

    def documents(self, paragraphs: int) -> Iterator[Document]:
        rng = random.Random(self.seed + 1)
        pool, n, i = self.pool, 0, 0
        weights = [1 / (k + 1) for k in range(len(self.writers))]  # Zipf: a few prolific writers
        cum = [0.0]
        for w in weights:
            cum.append(cum[-1] + w)
        while n < paragraphs:
            k = min(rng.randint(5, 45), paragraphs - n)
            blocks = []
            for j in range(k):
                if j and rng.random() < 0.05:
                    blocks.append(Block("heading", " ".join(rng.choice(pool).split()[:4]).strip(".,;:"), level=4))
                else:
                    blocks.append(Block("paragraph", " ".join(rng.choices(pool, k=rng.randint(1, 7)))))
            n += len(blocks)
            year = rng.randint(1917, 1990)
            writer = self.writers[bisect.bisect(cum, rng.random() * cum[-1]) - 1]
            yield Document(
                id=f"synthetic/{i}",
                title=" ".join(rng.choice(pool).split()[: rng.randint(3, 8)]).strip(".,;:").title(),
                writers=(writer,),
                source=Source(
                    periodical=rng.choice(PERIODICALS),
                    date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    volume=year - 1900,
                    issue=rng.randint(1, 52),
                ),
                blocks=tuple(blocks),
            )
            i += 1


def paragraph_texts(docs: Iterator[Document]) -> Iterator[tuple[str, str, int]]:
    for d in docs:
        for b in d.blocks:
            yield b.text, d.source.periodical or "", int(d.source.date[:4]) if d.source.date else 0


# -- the query mix -----------------------------------------------------------------------------------
def query_mix(synth: Synth, rng: random.Random, per_kind: int = 24) -> list[tuple[str, str, dict]]:
    """``(kind, query, filters)``: rare word, common words, phrase, filtered, faceted."""
    counts: Counter[str] = Counter()
    for s in synth.pool:
        counts.update(w.lower().strip(",.;:()'’\"?!") for w in s.split())
    words = [w for w in counts if w.isalpha() and len(w) > 3]
    rare = sorted(w for w in words if counts[w] <= 2 and len(w) >= 6)
    common = [w for w, _ in counts.most_common(400) if w.isalpha() and w not in _STOP and len(w) > 3][:120]
    mid = [w for w in words if 20 <= counts[w] <= 200]
    out: list[tuple[str, str, dict]] = []
    for _ in range(per_kind):
        out.append(("rare word", rng.choice(rare), {}))
    for _ in range(per_kind):
        out.append(("common words", " ".join(rng.sample(common, rng.choice((2, 3)))), {}))
    for _ in range(per_kind):
        ws = [w.strip(",.;:()'’\"?!") for w in rng.choice(synth.pool).split()]
        ws = [w for w in ws if w.isalpha()]
        k = rng.choice((2, 3))
        start = rng.randrange(max(1, len(ws) - k))
        out.append(("phrase", '"' + " ".join(ws[start : start + k]) + '"', {}))
    for i in range(per_kind):
        w = rng.choice(mid)
        f: dict = (
            {"periodical": rng.choice(PERIODICALS)}
            if i % 3 == 0
            else {"year": (y := rng.randint(1917, 1980), y + rng.randint(0, 10))}
            if i % 3 == 1
            else {"writer": synth.writers[rng.randrange(20)]}
        )
        out.append(("filtered", w, f))
    for _ in range(per_kind):
        out.append(("faceted", rng.choice(common), {}))
    return out


def bare_query(ix: tantivy.Index, schema: tantivy.Schema, text: str, filters: dict) -> tantivy.Query:
    q = ix.parse_query(text, default_field_names=["title", "headings", "body"], conjunction_by_default=True)
    subs = [(tantivy.Occur.Must, q)]
    for k, v in filters.items():
        if k == "year":
            lo, hi = v[0] * 10000, v[1] * 10000 + 9999
            rq = tantivy.Query.range_query(schema, "date", tantivy.FieldType.Integer, lo, hi)
            subs.append((tantivy.Occur.Must, rq))
        else:
            subs.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, f"{k}_raw", v)))
    return subs[0][1] if len(subs) == 1 else tantivy.Query.boolean_query(subs)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(label: str, ms: list[float]) -> str:
    return f"{label:34s} p50 {pct(ms, 50):7.2f} ms   p95 {pct(ms, 95):7.2f} ms   max {max(ms):7.2f} ms"


def fts5_query(text: str) -> str:
    if text.startswith('"'):
        return text
    return " AND ".join(f'"{w}"' for w in text.split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, default=1_000_000)
    ap.add_argument("--heap", type=int, default=200, help="writer heap, MB")
    ap.add_argument("--threads", type=int, default=2, help="indexing threads (this machine: %(default)s)")
    ap.add_argument("--no-fts5", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="times each query is timed (its median is kept)")
    ap.add_argument("--keep", help="build the index in this folder and keep it")
    ap.add_argument("--reuse", action="store_true", help="with --keep: search the index already there")
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}  python {sys.version.split()[0]}  tantivy {tantivy.__version__}")

    t = time.perf_counter()
    synth = Synth()
    dt = time.perf_counter() - t
    print(f"model: {len(synth.model.succ):,} words, pool of {len(synth.pool):,} sentences ({dt:.1f} s)")

    # generation alone (same documents the index will get), to separate its cost from indexing
    t, c = time.perf_counter(), time.process_time()
    nbytes = rows = docs = 0
    for d in synth.documents(args.paragraphs):
        docs += 1
        for b in d.blocks:
            nbytes += len(b.text.encode("utf-8"))
            rows += 1
    t_gen, c_gen = time.perf_counter() - t, time.process_time() - c
    mb = nbytes / 1e6
    print(f"synthetic archive: {docs:,} documents, {rows:,} paragraphs, {mb:,.0f} MB of text")
    print(f"generating it alone takes {t_gen:.1f} s")

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mh-search-bench-"))
    path = base / "index"
    if args.reuse and (path / "masthead-search.json").exists():
        ix = SearchIndex.open(path, heap=args.heap * 1_000_000, threads=args.threads)
        print(f"index: reused {path} ({ix.num_rows:,} rows); build figures not measured")
    else:
        rss0 = rss_mb()
        ix = SearchIndex.open(path, reset=True, heap=args.heap * 1_000_000, threads=args.threads)
        marks: list[str] = []

        def watched(docs: Iterator[Document]) -> Iterator[Document]:
            seen, step = 0, max(1, args.paragraphs // 5)
            for d in docs:
                seen += len(d.blocks)
                if seen // step > len(marks):
                    marks.append(f"{seen:,}: {rss_mb():.0f} MB")
                yield d

        load = os.getloadavg()[0]
        with PeakRSS() as peak:
            t, c = time.perf_counter(), time.process_time()
            n_rows = ix.rebuild(watched(synth.documents(args.paragraphs)))
            t_build, c_build = time.perf_counter() - t, time.process_time() - c
        load = max(load, os.getloadavg()[0])
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in ix.last_rebuild.items())
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6
        vsize = (path / "vocabulary.sqlite").stat().st_size / 1e6
        gross, net = mb / t_build, mb / max(1e-9, t_build - t_gen)
        print(f"index build: {t_build:.1f} s for {n_rows:,} rows -> {gross:.1f} MB/s including generation,")
        print(f"  {net:.1f} MB/s net of generation (target >= 20)")
        print(f"  steps: {steps} (generation runs inside 'add')")
        c_net = max(1e-9, c_build - c_gen)
        print(
            f"  CPU time (all threads): {c_build:.1f} s, {c_net:.1f} s net of generation = {mb / c_net:.1f} MB per "
            f"CPU-second, {args.threads * mb / c_net:.1f} MB/s on {args.threads} free cores; "
            f"load average up to {load:.1f} on {os.cpu_count()} cores"
        )
        print(f"memory while indexing: {rss0:.0f} MB before, peak {peak.peak:.0f} MB (heap {args.heap} MB)")
        print(f"  resident memory after N paragraphs: {'; '.join(marks)}")
        print(f"index size: {size:,.0f} MB on disk ({size / mb:.2f}x the text), vocabulary {vsize:.1f} MB")

    rng = random.Random(11)
    mix = query_mix(synth, rng)
    tix = ix._index  # the same tantivy index, for the bare baseline
    schema = tix.schema

    def masthead(q: str, f: dict) -> None:
        ix.search(q, filters=f, facets=True, limit=10)

    def bare(q: str, f: dict) -> None:
        s = tix.searcher()
        s.search(bare_query(tix, schema, q, f), 10)

    for q, f in [(q, f) for _, q, f in mix]:  # warm-up: page cache, fast fields
        masthead(q, f)
        bare(q, f)
    # every query is timed --rounds times: Masthead, Masthead without facets and the bare query side by
    # side, in an order that turns each round (whichever runs later finds the query's postings in the
    # CPU caches, warmed by the one before: a fixed order would favour the last); a query's figure is
    # the median of its rounds, so that one hiccup of this shared machine does not move a percentile;
    # p50 / p95 are then taken over the queries
    samples: dict[str, list[list[float]]] = {k: [[] for _ in mix] for k in ("masthead", "nofacets", "bare")}
    cpu_samples: dict[str, list[list[float]]] = {k: [[] for _ in mix] for k in ("masthead", "bare")}
    hits = 0
    load = os.getloadavg()[0]

    def timed(which: str, i: int, q: str, f: dict) -> None:
        nonlocal hits
        c, t = time.process_time(), time.perf_counter()
        if which == "bare":
            bare(q, f)
        else:
            r = ix.search(q, filters=f, facets=which == "masthead", limit=10)
            hits += which == "masthead" and bool(r.total) and len(samples["masthead"][i]) == 0
        samples[which][i].append((time.perf_counter() - t) * 1000)
        if which in cpu_samples:
            cpu_samples[which][i].append((time.process_time() - c) * 1000)

    order = ["masthead", "nofacets", "bare"]
    for rnd in range(args.rounds):
        turn = order[rnd % 3 :] + order[: rnd % 3]
        for i, (_kind, q, f) in enumerate(mix):
            for which in turn:
                timed(which, i, q, f)
        load = max(load, os.getloadavg()[0])
    times = {k: [statistics.median(x) for x in v] for k, v in samples.items()}
    cpu = {k: [statistics.median(x) for x in v] for k, v in cpu_samples.items()}  # all threads of the process
    per_kind: dict[str, list[float]] = {}
    for (kind, _, _), ms in zip(mix, times["masthead"], strict=True):
        per_kind.setdefault(kind, []).append(ms)
    print(
        f"\nqueries: {len(mix)} ({', '.join(f'{k} {len(v)}' for k, v in per_kind.items())}); {hits} with hits; "
        f"each timed {args.rounds} times, its median kept"
    )
    print(f"load average while querying: up to {load:.1f} on {os.cpu_count()} cores (above that, latency is queueing)")
    print(report("Masthead search (facets+snippets)", times["masthead"]))
    print(report("Masthead search without facets", times["nofacets"]))
    print(report("bare tantivy top 10", times["bare"]))
    r50 = pct(times["masthead"], 50) / pct(times["bare"], 50)
    r95 = pct(times["masthead"], 95) / pct(times["bare"], 95)
    print(f"{'ratio Masthead / bare':34s} p50 {r50:6.2f}x     p95 {r95:6.2f}x   (target <= 3x)")
    c50 = pct(cpu["masthead"], 50) / max(1e-6, pct(cpu["bare"], 50))
    print(
        f"{'CPU time per query (all threads)':34s} Masthead p50 {pct(cpu['masthead'], 50):.2f} ms, "
        f"bare p50 {pct(cpu['bare'], 50):.2f} ms: {c50:.2f}x (the work done, whatever the load)"
    )
    for kind, ms in per_kind.items():
        print(report(f"  Masthead, {kind}", ms))
    # facet values counted in documents (distinct articles per value, HyperLogLog per value) rather than
    # passages, and "auto" (documents when few rows can match, else passages: what the web app asks
    # for): what they cost, on the same queries, timed once each
    for unit, label in (("documents", "facets in articles"), ("auto", "auto facets (web)")):
        ms = []
        for _kind, q, f in mix:
            t = time.perf_counter()
            ix.search(q, filters=f, facets=True, limit=10, facet_unit=unit)
            ms.append((time.perf_counter() - t) * 1000)
        print(report(f"  Masthead, {label}", ms))

    # the "about N documents" total of large results: estimated from a sample, against the documents
    # counted one by one (every matching row read); one-word searches of the mix's common words
    errs = []
    searcher = tix.searcher()
    for w in dict.fromkeys(q for kind, q, _ in mix if kind == "faceted"):
        r = ix.search(w, limit=1)
        if not r.total_estimated:
            continue
        query = Compiler(schema, ix._analyzer, searcher, ix._vocab).compile(parse_query(w)).query
        hits = searcher.search(query, r.total_passages, count=False).hits
        exact = len(set(searcher.fast_field_values("doc_key", [a for _, a in hits])))
        errs.append(abs(r.total / exact - 1))
    if errs:
        errs.sort()
        print(
            f"document totals estimated from a sample ({len(errs)} one-word searches of over 20,000 rows): "
            f"error median {statistics.median(errs) * 100:.1f}%, max {errs[-1] * 100:.1f}% "
            f"against the documents counted one by one"
        )

    # related articles
    ms = []
    for i in range(20):
        t = time.perf_counter()
        ix.related(f"synthetic/{i * 997 % max(1, docs)}", limit=5)
        ms.append((time.perf_counter() - t) * 1000)
    print(report("related articles (20 documents)", ms))

    # spelling folding: query-time cost (what is done) and index-time cost in Python (not done)
    an = ix._analyzer
    sample = " ".join(b.text for d in synth.documents(20000) for b in d.blocks)
    toks = an.analyze(sample[:5_000_000])
    t = time.perf_counter()
    for w in toks:
        spelling_key(w)
    t_fold = time.perf_counter() - t
    spelling_key.cache_clear()
    t = time.perf_counter()
    for w in toks:
        spelling_key(w)
    t_fold_cold = time.perf_counter() - t
    words = [w for w in set(toks) if w.isalpha()][:2000]
    t = time.perf_counter()
    for w in words:
        ix._vocab.variants(w)
    t_var = (time.perf_counter() - t) / len(words) * 1e6
    print(
        f"\nspelling variants at query time: {t_var:.0f} us per word (vocabulary look-up, uncached); "
        f"folding at index time in Python would add tokenising plus "
        f"{5 / t_fold_cold:.1f} MB/s (cold) / {5 / t_fold:.1f} MB/s (cached) of key mapping"
    )

    if not args.no_fts5:
        db = sqlite3.connect(str(base / "fts5.sqlite"))
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE VIRTUAL TABLE p USING fts5(body, periodical UNINDEXED, year UNINDEXED)")
        t = time.perf_counter()
        db.executemany(
            "INSERT INTO p(body, periodical, year) VALUES (?, ?, ?)",
            paragraph_texts(synth.documents(args.paragraphs)),
        )
        db.commit()
        t_fts = time.perf_counter() - t
        fsize = (base / "fts5.sqlite").stat().st_size / 1e6
        rate = mb / max(1e-9, t_fts - t_gen)
        print(f"\nSQLite FTS5: built in {t_fts:.1f} s ({rate:.1f} MB/s net of generation), {fsize:,.0f} MB")

        def fts(q: str, f: dict) -> None:
            sql = "SELECT rowid FROM p WHERE p MATCH ?"
            params: list = [fts5_query(q)]
            if "periodical" in f:
                sql += " AND periodical = ?"
                params.append(f["periodical"])
            if "year" in f:
                sql += " AND year BETWEEN ? AND ?"
                params += list(f["year"])
            db.execute(sql + " ORDER BY bm25(p) LIMIT 10", params).fetchall()

        mix_fts = [(q, f) for _, q, f in mix if "writer" not in f]  # FTS5 table has no writer column
        for q, f in mix_fts:
            fts(q, f)
        ms = []
        for q, f in mix_fts:
            t = time.perf_counter()
            fts(q, f)
            ms.append((time.perf_counter() - t) * 1000)
        print(report(f"SQLite FTS5 bm25 top 10 ({len(mix_fts)} q)", ms))
        print(f"{'ratio FTS5 / Masthead':34s} p50 {pct(ms, 50) / pct(times['masthead'], 50):6.2f}x")
        db.close()
    ix.close()
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    print(f"\nmedian Masthead latency {statistics.median(times['masthead']):.2f} ms")


if __name__ == "__main__":
    main()
