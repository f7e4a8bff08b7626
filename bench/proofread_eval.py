"""Evaluate the proofreader on held-out real text with injected errors.

    PYTHONPATH=src python bench/proofread_eval.py [--seed 7] [--rate 4] [--split held-out|tune]

1. Parse the bundled corpus (``examples/corpus``) and split the documents in two halves by a hash of
   their id: ``tune`` (used while the passes were written and their thresholds set) and
   ``held-out`` (reported).
2. Train the archive lexicon on the CLEAN documents of the OTHER half only: no document is ever in
   its own training data.
3. Inject errors of every kind into each document of the chosen half (``bench/proofread_inject.py``:
   OCR confusions, typing slips, split/joined words, hyphenation left in, real-word confusions, case,
   punctuation, structure) at ``--rate`` errors per 1,000 words, seeded.
4. Proofread; a finding that overlaps an injected span (or touches it, one character apart) detects
   it. Findings that the clean text raises too (pre-existing errors of the real text, or false flags
   counted in step 5) are not counted against precision here.
5. Proofread the clean documents: every finding there is counted as a false flag (including the real
   errors the bundled transcriptions carry).

Prints precision / recall / F1 per kind and overall, top-3 suggestion accuracy, false flags per 1,000
clean words, words/s (one process: wall clock and CPU time, best of ``--repeat`` runs with cold memo
tables), and the same figures for a WordCheck-style baseline (flag every word missing from wordfreq's
large English list).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from masthead.ingest import discover, parse_file  # noqa: E402
from masthead.proofread import KINDS, proofread  # noqa: E402
from masthead.proofread.lexicon import Lexicon, build_archive_model  # noqa: E402
from masthead.proofread.tokens import WORD, tokenize  # noqa: E402
from masthead.readers import ReadError  # noqa: E402
from masthead.textview import text_view  # noqa: E402
from proofread_inject import inject  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def split_of(doc_id: str) -> str:
    """``tune`` or ``held-out``, from a hash of the id (stable across runs and machines)."""
    return "tune" if hashlib.sha1(doc_id.encode()).digest()[0] % 2 == 0 else "held-out"


def load_corpus() -> list:
    docs = []
    for p in discover([CORPUS]):
        try:
            docs.append(parse_file(p).document)
        except ReadError:
            continue
    return docs


def wordcheck(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """The baseline: every alphabetic word missing from wordfreq's large list."""
    toks = tokenize(text)
    return [
        (toks.starts[i], toks.ends[i])
        for i, t in enumerate(toks.types)
        if t == WORD and toks.texts[i].isalpha() and lex.zipf(toks.lowers[i]) == 0.0
    ]


def near(start: int, end: int, inj) -> bool:  # noqa: ANN001 - Injection
    """A finding ``[start, end)`` detects an injection when the spans overlap or are one character
    apart (``and. on``: the stray full stop and the lower-case word after it are one error)."""
    return start <= inj.end + 1 and inj.start <= end + 1


def prf(tp_f: int, n_f: int, tp_i: int, n_i: int) -> tuple[float, float, float]:
    p = tp_f / n_f if n_f else 1.0
    r = tp_i / n_i if n_i else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rate", type=float, default=4.0, help="errors per 1,000 words (default 4)")
    ap.add_argument("--split", choices=("held-out", "tune"), default="held-out")
    ap.add_argument("--min-confidence", type=float, default=0.0)
    ap.add_argument("--show", action="store_true", help="print missed errors and false flags")
    ap.add_argument("--repeat", type=int, default=5, help="time the proofreading this many times, keep the best")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    docs = load_corpus()
    evald = [d for d in docs if split_of(d.id) == args.split]
    train = [d for d in docs if split_of(d.id) != args.split]
    lex = Lexicon(build_archive_model(train))
    print(
        f"corpus: {len(docs)} documents; evaluating the {args.split} half ({len(evald)} documents), "
        f"lexicon trained on the other half ({len(train)} documents); seed {args.seed}, rate {args.rate}/1000 words"
    )

    # clean text: every finding is a false flag
    clean_words = 0
    clean_flags = 0
    clean_keys: dict[str, set[str]] = {}
    base_clean = 0
    flagged_clean: list[str] = []
    for d in evald:
        v = text_view(d)
        clean_words += len(v.text.split())
        fs = proofread(d, lexicon=lex, min_confidence=args.min_confidence)
        clean_flags += len(fs)
        clean_keys[d.id] = {f.key for f in fs}
        flagged_clean += [f"{d.id}:{f.line}:{f.col} {f.kind} {f.text!r} -> {list(f.suggestions[:1])}" for f in fs]
        base_clean += len(wordcheck(v.text, lex))

    # corrupted text
    injected: Counter[str] = Counter()
    found_inj: Counter[str] = Counter()
    n_find: Counter[str] = Counter()
    tp_find: Counter[str] = Counter()
    pre_existing = 0
    fixable = top1 = top3 = found_fixable = 0
    bad_sugg: list[str] = []
    words = 0
    elapsed = 0.0
    cpu = 0.0
    base_tp_i = base_n = base_tp_f = 0
    base_elapsed = 0.0
    missed: list[str] = []
    wrong: list[str] = []
    corrupted = []
    lex.clear_caches()  # the clean run above warmed them on nearly the same text
    for d in evald:
        rng = random.Random(f"{args.seed}:{d.id}")
        bad, injs = inject(d, rng, lex, args.rate)
        corrupted.append(bad)
        view = text_view(bad)
        text = view.text
        words += len(text.split())
        t, c = time.perf_counter(), time.process_time()
        fs = proofread(bad, lexicon=lex, min_confidence=args.min_confidence)
        elapsed += time.perf_counter() - t
        cpu += time.process_time() - c
        fs = [f for f in fs if f.key not in clean_keys[d.id]]
        pre_existing += 0
        for inj in injs:
            injected[inj.kind] += 1
            hits = [f for f in fs if near(f.start, f.end, inj)]
            if hits:
                found_inj[inj.kind] += 1
            else:
                missed.append(f"{d.id} {inj.kind}/{inj.sub} {text[inj.start : inj.end]!r} (was {inj.original!r})")
            if inj.fixable:
                fixable += 1
                undo = text[: inj.start] + inj.original + text[inj.end :]
                ok1 = ok3 = False
                for f in hits:
                    for rank, s in enumerate(f.suggestions[:3]):
                        if text[: f.start] + s + text[f.end :] == undo:
                            ok3 = True
                            ok1 = ok1 or rank == 0
                top1 += ok1
                top3 += ok3
                if hits:
                    found_fixable += 1
                    if not ok3:
                        got = [list(f.suggestions[:3]) for f in hits]
                        bad_sugg.append(f"{d.id} {inj.sub} {text[inj.start : inj.end]!r} (was {inj.original!r}): {got}")
        for f in fs:
            n_find[f.kind] += 1
            if any(near(f.start, f.end, i) for i in injs):
                tp_find[f.kind] += 1
            else:
                wrong.append(f"{d.id}:{f.line}:{f.col} {f.kind}/{f.rule} {f.text!r} -> {list(f.suggestions[:2])}")
        t = time.perf_counter()
        spans = wordcheck(text, lex)
        base_elapsed += time.perf_counter() - t
        base_n += len(spans)
        base_tp_f += sum(1 for a, b in spans if any(near(a, b, i) for i in injs))
        base_tp_i += sum(1 for i in injs if any(near(a, b, i) for a, b in spans))

    # timing: the machine may be shared, so time the whole corrupted half several times and keep the best
    for _ in range(max(0, args.repeat - 1)):
        lex.clear_caches()  # no run profits from the memo tables of the one before
        t, c = time.perf_counter(), time.process_time()
        for bad in corrupted:
            proofread(bad, lexicon=lex, min_confidence=args.min_confidence)
        elapsed = min(elapsed, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
        t = time.perf_counter()
        for bad in corrupted:
            wordcheck(text_view(bad).text, lex)
        base_elapsed = min(base_elapsed, time.perf_counter() - t)
    print()
    print(
        f"{'kind':<12} {'injected':>8} {'found':>6} {'recall':>7} {'flags':>6} {'right':>6} {'precision':>9} {'F1':>6}"
    )
    for k in KINDS:
        p, r, f1 = prf(tp_find[k], n_find[k], found_inj[k], injected[k])
        print(
            f"{k:<12} {injected[k]:>8} {found_inj[k]:>6} {r:>7.3f} {n_find[k]:>6} {tp_find[k]:>6} {p:>9.3f} {f1:>6.3f}"
        )
    n_i, n_f = sum(injected.values()), sum(n_find.values())
    p, r, f1 = prf(sum(tp_find.values()), n_f, sum(found_inj.values()), n_i)
    tp, fi = sum(tp_find.values()), sum(found_inj.values())
    print(f"{'overall':<12} {n_i:>8} {fi:>6} {r:>7.3f} {n_f:>6} {tp:>6} {p:>9.3f} {f1:>6.3f}")
    print()
    t1, t3 = top1 / max(1, fixable), top3 / max(1, fixable)
    d1, d3 = top1 / max(1, found_fixable), top3 / max(1, found_fixable)
    print(f"suggestions over the {found_fixable} fixable errors found: top-1 {d1:.3f}, top-3 {d3:.3f}")
    print(f"suggestions over all {fixable} fixable errors (found or not): top-1 {t1:.3f}, top-3 {t3:.3f}")
    print(
        f"clean text: {clean_flags} flags in {clean_words} words = {1000 * clean_flags / max(1, clean_words):.2f} "
        "false flags per 1,000 words (real errors in the transcriptions included)"
    )
    print(
        f"speed (best of {max(1, args.repeat)}, cold caches): {words} words; wall clock {elapsed:.2f} s = "
        f"{words / max(elapsed, 1e-9):,.0f} words/s; CPU time {cpu:.2f} s = {words / max(cpu, 1e-9):,.0f} words/s "
        f"(one process, one core); the WordCheck baseline (tokenise + one look-up a word) runs "
        f"{words / max(base_elapsed, 1e-9):,.0f} words/s here, {elapsed / max(base_elapsed, 1e-9):.1f}x faster"
    )
    bp, br, bf = prf(base_tp_f, base_n, base_tp_i, n_i)
    print(
        f"WordCheck baseline (not in wordfreq's list): precision {bp:.3f} recall {br:.3f} F1 {bf:.3f}; "
        f"{1000 * base_clean / max(1, clean_words):.2f} flags per 1,000 clean words"
    )
    print(f"total time {time.perf_counter() - t0:.1f} s")
    if args.show:
        print("\nmissed:")
        print("\n".join(f"  {m}" for m in missed))
        print("\nfound, but no right suggestion in the top 3:")
        print("\n".join(f"  {m}" for m in bad_sugg))
        print("\nflags on injected text that hit no injection:")
        print("\n".join(f"  {m}" for m in wrong))
        print("\nflags on clean text:")
        print("\n".join(f"  {m}" for m in flagged_clean))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
