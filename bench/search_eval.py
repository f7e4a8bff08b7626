"""Search quality: known-item search and related articles over the bundled archive.

    .venv/bin/python bench/search_eval.py                 # 400 spans, seed 7
    .venv/bin/python bench/search_eval.py --spans 1000 --seed 3
    .venv/bin/python bench/search_eval.py --semantic     # related articles by meaning too (the extra)

**Known-item search.** Every file of ``examples/corpus`` is parsed (``masthead.ingest.parse_file``) and
indexed. From random paragraphs, a random span of 5-12 consecutive words is taken, as a reader would
paste or retype a remembered passage; only spans that occur in exactly one paragraph are kept (a span
found verbatim in two places has no single right answer). Each span is searched as typed, and again
with one OCR-style typo in one of its words (``rn`` for ``m``, ``c`` for ``e``, ``l`` for ``i``, a
dropped, doubled or swapped letter, ...). The rank of the source paragraph is its position among the
passages of the results (documents in rank order, each with up to 3 passages); printed: mean
reciprocal rank, success@1 and success@3. Targets (issue 5): success@3 >= 0.95 clean, >= 0.80 with
one typo.

**Related articles.** Every article with enough text is split into its first and second halves (no
titles, so only the text can relate them), all halves are indexed together, and for each half the top
related document is checked to be its other half. Printed: success@1 and MRR over the top 5.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
sys.path.insert(0, str(ROOT / "src"))

from masthead.ingest import discover, parse_file  # noqa: E402
from masthead.model import Document  # noqa: E402
from masthead.search import SearchIndex  # noqa: E402
from masthead.search.schema import document_rows, make_analyzer  # noqa: E402

OCR = [("m", "rn"), ("rn", "m"), ("e", "c"), ("c", "e"), ("i", "l"), ("l", "i"), ("h", "b"), ("d", "cl"), ("u", "n")]
OCR += [("n", "u"), ("o", "c"), ("a", "o"), ("t", "f"), ("f", "t"), ("s", "a")]


def load_corpus() -> list[Document]:
    docs: dict[str, Document] = {}
    for path in discover([CORPUS]):
        try:
            d = parse_file(path).document
        except Exception as exc:  # report and go on: the eval measures search, not the readers
            print(f"  skipped {path}: {exc}")
            continue
        if d.id in docs:  # two files giving one id: keep both, distinctly
            d = d.replace(id=f"{d.id}~{len(docs)}")
        docs[d.id] = d
    return list(docs.values())


def typo(word: str, rng: random.Random) -> str:
    """One OCR-style error in ``word``: a confusable letter or pair, or a dropped, doubled or swapped
    letter."""
    low = word.lower()
    options = [(a, b) for a, b in OCR if a in low]
    r = rng.random()
    if options and r < 0.6:
        a, b = rng.choice(options)
        i = rng.choice([m.start() for m in re.finditer(re.escape(a), low)])
        return word[:i] + b + word[i + len(a) :]
    i = rng.randrange(1, len(word) - 1)
    if r < 0.75:
        return word[:i] + word[i + 1 :]  # dropped
    if r < 0.9:
        return word[:i] + word[i] + word[i:]  # doubled
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # swapped


def known_item(ix: SearchIndex, docs: list[Document], n_spans: int, rng: random.Random) -> None:
    an = make_analyzer()
    rows = []  # (doc_id, anchor, text, token string)
    for d in docs:
        for r in document_rows(d):
            if "body" in r:
                anchor = r.get("anchor") or f"p{r['block']}"
                rows.append((d.id, anchor, r["body"], " " + " ".join(an.analyze(r["body"])) + " "))
    candidates = [r for r in rows if len(r[2].split()) >= 8]
    spans = []
    tries = 0
    while len(spans) < n_spans and tries < n_spans * 20:
        tries += 1
        doc_id, anchor, text, _ = rng.choice(candidates)
        words = text.split()
        k = rng.randint(5, 12)
        start = rng.randrange(0, len(words) - k + 1) if len(words) > k else 0
        span = " ".join(words[start : start + k]).strip(" ,.;:!?()[]\"'“”‘’—-")
        toks = an.analyze(span)
        if len(toks) < 4:
            continue
        key = " " + " ".join(toks) + " "
        if sum(1 for r in rows if key in r[3]) != 1:
            continue  # not unique: no single right answer
        spans.append((doc_id, anchor, span))
    print(f"known-item search: {len(spans)} unique spans of 5-12 words from {len(candidates):,} paragraphs")

    for label, make in (("clean", lambda s: s), ("one typo", None)):
        rr, s1, s3, ms, corrected, relaxed = [], 0, 0, [], 0, 0
        for doc_id, anchor, span in spans:
            q = span
            if make is None:
                words = span.split()
                idx = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
                if not idx:
                    continue
                i = rng.choice(idx)
                words[i] = typo(words[i], rng)
                q = " ".join(words)
            t = time.perf_counter()
            res = ix.search(q, limit=10, per_document=3, facets=False)
            ms.append((time.perf_counter() - t) * 1000)
            corrected += bool(res.corrections)
            relaxed += res.relaxed
            flat = [(h.doc_id, p.anchor) for h in res.hits for p in h.passages]
            rank = flat.index((doc_id, anchor)) + 1 if (doc_id, anchor) in flat else None
            rr.append(1 / rank if rank else 0.0)
            s1 += rank == 1
            s3 += rank is not None and rank <= 3
        n = len(rr)
        target = 0.95 if label == "clean" else 0.80
        print(
            f"  {label:9s} n={n}  MRR {sum(rr) / n:.3f}  success@1 {s1 / n:.3f}  success@3 {s3 / n:.3f} "
            f"(target >= {target:.2f})  median {sorted(ms)[len(ms) // 2]:.1f} ms/query"
        )
        print(f"            {corrected} queries had a word corrected, {relaxed} were relaxed to most words")


def related(docs: list[Document], tmp: Path, semantic: bool = False) -> None:
    halves = []
    for d in docs:
        body = [b for b in d.blocks if b.plain_text().strip() and b.kind != "section_break"]
        if len(body) < 4 or sum(len(b.plain_text().split()) for b in body) < 300:
            continue
        mid = len(body) // 2
        for part, blocks in (("a", body[:mid]), ("b", body[mid:])):
            halves.append(Document(id=f"{d.id}#{part}", title="", writers=d.writers, blocks=tuple(blocks)))
    with SearchIndex.open(tmp / "halves") as ix:
        ix.rebuild(halves)
        ok, rr = 0, []
        for h in halves:
            other = h.id[:-1] + ("b" if h.id.endswith("a") else "a")
            got = [d for d, _ in ix.related(h.id, limit=5)]
            ok += bool(got) and got[0] == other
            rr.append(1 / (got.index(other) + 1) if other in got else 0.0)
    n = len(halves)
    print(
        f"related articles: {n // 2} articles split in halves; the other half is the top related document "
        f"for {ok}/{n} = {ok / n:.3f}; MRR@5 {sum(rr) / n:.3f}"
    )
    if semantic:
        from masthead.search.semantic import VectorStore
        from masthead.search.semantic import installed as available

        if not available():
            print("  semantic: the extra is not installed (pip install 'masthead[semantic]')")
            return
        t = time.perf_counter()
        with VectorStore.open(tmp / "halves") as vs:
            vs.upsert_many(halves)
            spent = time.perf_counter() - t
            ok, rr = 0, []
            for h in halves:
                other = h.id[:-1] + ("b" if h.id.endswith("a") else "a")
                got = [d for d, _ in vs.related(h.id, limit=5)]
                ok += bool(got) and got[0] == other
                rr.append(1 / (got.index(other) + 1) if other in got else 0.0)
        print(
            f"  semantic: the other half is the top related document for {ok}/{n} = {ok / n:.3f}; "
            f"MRR@5 {sum(rr) / n:.3f} (embedding took {spent:.1f} s)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spans", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--semantic", action="store_true", help="also related articles in semantic mode")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    docs = load_corpus()
    n_blocks = sum(len(d.blocks) for d in docs)
    print(f"corpus: {len(docs)} documents, {n_blocks:,} blocks from {CORPUS.relative_to(ROOT)}")
    with tempfile.TemporaryDirectory(prefix="mh-search-eval-") as tmp:
        with SearchIndex.open(Path(tmp) / "index") as ix:
            ix.rebuild(docs)
            known_item(ix, docs, args.spans, rng)
        related(docs, Path(tmp), semantic=args.semantic)


if __name__ == "__main__":
    main()
