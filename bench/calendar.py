"""Calendar-check benchmark: 100,000 synthetic issues over many periodicals with known rhythms and
planted errors; times the check and scores what it finds.

    .venv/bin/python bench/calendar.py                  # 100,000 issues
    .venv/bin/python bench/calendar.py --issues 20000   # quicker

Each periodical gets a rhythm (weekly on a random weekday, fortnightly, semi-monthly on the 1st and 15th,
monthly, every two months, quarterly) and a numbering (per volume with a volume a year, continuous, or
none). Then about 1% of the issues get a planted error (a number shifted, a date shifted by weeks or
months, a volume off by one, a weekly issue moved to another weekday) and about 2% are removed (gaps).
Prints the time, issues per second (and the check's time as a multiple of merely sorting the issues,
measured in the same process), the precision and recall of the planted errors, and the recall of the
removed issues among the gaps reported.

Target (issue 4): the check over 100,000 issues in seconds, not minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from masthead.catalogue.calendar import IssueRecord, check_archive  # noqa: E402
from masthead.store.catalogue import issue_label  # noqa: E402

RHYTHMS = ["weekly", "weekly", "weekly", "fortnightly", "semi-monthly", "monthly", "monthly", "bi-monthly", "quarterly"]
_NOS = re.compile(r"^(?:Vol\. (\d+) )?Nos?\. (\d+)(?:–(\d+))?$")


def _dates(rhythm: str, count: int, rng: random.Random) -> list[str]:
    year = rng.randint(1880, 1980)
    if rhythm in ("weekly", "fortnightly"):
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 6))
        step = 7 if rhythm == "weekly" else 14
        return [(start + dt.timedelta(days=step * k)).isoformat() for k in range(count)]
    if rhythm == "semi-monthly":
        return [f"{year + k // 24:04d}-{(k // 2) % 12 + 1:02d}-{1 if k % 2 == 0 else 15:02d}" for k in range(count)]
    every = {"monthly": 1, "bi-monthly": 2, "quarterly": 3}[rhythm]
    return [f"{year + (every * k) // 12:04d}-{(every * k) % 12 + 1:02d}" for k in range(count)]


def _shift(date: str, rhythm: str, rng: random.Random) -> str:
    """A date moved off its place in the calendar by two to five issues."""
    k = rng.choice([-5, -4, -3, -2, 2, 3, 4, 5])
    if rhythm in ("weekly", "fortnightly", "semi-monthly"):
        days = {"weekly": 7, "fortnightly": 14, "semi-monthly": 15}[rhythm] * k
        return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()
    y, m = int(date[:4]), int(date[5:7])
    months = y * 12 + m - 1 + k * {"monthly": 1, "bi-monthly": 2, "quarterly": 3}[rhythm]
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def generate(total: int, per: int, rng: random.Random, error_rate: float, gap_rate: float):
    """Synthetic issues, the documents of the planted errors, and the removed (periodical, volume, number)."""
    issues: list[IssueRecord] = []
    planted: set[str] = set()
    removed: set[tuple[str, int | None, int]] = set()
    n_periodicals = max(1, total // per)
    for p in range(n_periodicals):
        slug = f"p{p:05d}"
        rhythm = rng.choice(RHYTHMS)
        numbering = rng.choice(["per-volume", "per-volume", "continuous", "none"])
        per_year = {"weekly": 52, "fortnightly": 26, "semi-monthly": 24, "monthly": 12, "bi-monthly": 6, "quarterly": 4}
        vol_len = per_year[rhythm]
        dates = _dates(rhythm, per, rng)
        run: list[IssueRecord] = []
        for k, date in enumerate(dates):
            if numbering == "none":
                vol, no = None, None
            elif numbering == "continuous":
                vol, no = 1 + k // vol_len, k + 1
            else:
                vol, no = 1 + k // vol_len, k % vol_len + 1
            run.append(IssueRecord(slug, vol, no, date, "", (f"{slug}/{k}",)))
        for k, i in enumerate(run):
            if 4 <= k < len(run) - 4 and rng.random() < error_rate:  # errors away from the ends of a run
                kind = rng.choice(["number", "date", "volume", "weekday"])
                if kind == "number" and i.number is not None:
                    i = IssueRecord(
                        slug, i.volume, i.number + rng.choice([-4, -3, -2, 2, 3, 4]), i.date, "", i.documents
                    )
                elif kind == "volume" and numbering == "per-volume":
                    i = IssueRecord(slug, (i.volume or 0) + rng.choice([-1, 1]), i.number, i.date, "", i.documents)
                elif kind == "weekday" and rhythm == "weekly":
                    d = dt.date.fromisoformat(i.date or "") + dt.timedelta(days=rng.choice([2, 3, -2, -3]))
                    i = IssueRecord(slug, i.volume, i.number, d.isoformat(), "", i.documents)
                elif i.number is not None:
                    i = IssueRecord(slug, i.volume, i.number, _shift(i.date or "", rhythm, rng), "", i.documents)
                else:
                    continue  # an unnumbered issue moved by whole issues is indistinguishable from a gap
                planted.add(i.documents[0])
                run[k] = i
            elif 4 <= k < len(run) - 4 and numbering != "none" and rng.random() < gap_rate:
                removed.add((slug, i.volume if numbering == "per-volume" else None, i.number or 0))
                run[k] = None  # type: ignore[call-overload]
        for i in run:
            if i is not None:
                issues.append(
                    IssueRecord(
                        i.periodical, i.volume, i.number, i.date, issue_label(i.volume, i.number, i.date), i.documents
                    )
                )
    return issues, planted, removed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issues", type=int, default=100_000, help="issues to generate (default 100,000)")
    ap.add_argument("--per", type=int, default=200, help="issues per periodical (default 200)")
    ap.add_argument("--errors", type=float, default=0.01, help="share of issues with a planted error")
    ap.add_argument("--gaps", type=float, default=0.02, help="share of numbered issues removed")
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    issues, planted, removed = generate(args.issues, args.per, rng, args.errors, args.gaps)

    t0 = time.perf_counter()
    baseline = sorted(issues, key=lambda i: (i.periodical, i.volume or 0, i.number or 0, i.date or ""))
    t_sort = time.perf_counter() - t0
    del baseline
    t0 = time.perf_counter()
    rhythms, findings = check_archive(issues)
    t_check = time.perf_counter() - t0

    flagged_findings = [f for f in findings if f.severity != "info"]
    flagged_docs = {d for f in flagged_findings for d in f.documents}
    true_pos = sum(1 for f in flagged_findings if any(d in planted for d in f.documents))
    precision = true_pos / len(flagged_findings) if flagged_findings else 1.0
    recall = len(planted & flagged_docs) / len(planted) if planted else 1.0
    covered: set[tuple[str, int | None, int]] = set()
    for f in findings:
        if f.kind == "gap" and f.expected and (m := _NOS.match(f.expected)):
            vol = int(m.group(1)) if m.group(1) else None
            lo = int(m.group(2))
            for n in range(lo, int(m.group(3) or lo) + 1):
                covered.add((f.periodical, vol, n))
    gap_recall = len(removed & covered) / len(removed) if removed else 1.0
    learnt = sum(1 for r in rhythms.values() if r.frequency not in ("unknown", "irregular"))

    print(f"issues:                {len(issues):,} in {len(rhythms):,} periodicals ({learnt:,} rhythms learnt)")
    print(f"planted errors:        {len(planted):,}; issues removed (gaps): {len(removed):,}")
    print(f"check time:            {t_check:.2f} s ({len(issues) / t_check:,.0f} issues/s)")
    print(f"sorting the issues:    {t_sort:.3f} s (check = {t_check / t_sort:.0f}x a sort)")
    gaps = len(findings) - len(flagged_findings)
    print(f"findings:              {len(findings):,} ({len(flagged_findings):,} warnings/errors, {gaps:,} gaps)")
    print(f"planted errors found:  precision {precision:.3f}, recall {recall:.3f}")
    print(f"removed issues found:  recall {gap_recall:.3f} (among the gaps reported)")


if __name__ == "__main__":
    main()
