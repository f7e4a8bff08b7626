"""Calendar checks: learn each periodical's rhythm from its issues, and report what does not fit.

:func:`learn_rhythm` infers, from a periodical's ``(volume, number, date)`` issues, how often it
came out (weekly on a weekday, fortnightly, semi-monthly, monthly, every two months, quarterly, or
irregularly), whether numbers restart with each volume or run on, and how long a volume lasts. It
uses medians and majorities, so a few wrong issues do not mislead it.

:func:`check_periodical` then reports, as :class:`CheckFinding` objects:

- ``number-date``: an issue whose number does not fit its date, judged against the issues around it
  ("Vol. 12 No. 10 dated 8 March 1948 implies weekly issues on Mondays; No. 11 dated 8 March 1948
  clashes with No. 10");
- ``volume``: an issue whose volume does not fit its date (volumes roll over once a year, say);
- ``duplicate-number``: two issues claiming the same volume and number;
- ``weekday``: a weekly issue dated on another day than the periodical's day;
- ``gap``: the issues of a run that the archive lacks (severity ``info``).

:func:`check_dates` compares each document's date line with its citation's date (``date-line``).
Each step sorts once, so the whole check is O(n log n) over n issues: 100,000 issues take seconds.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from statistics import median

from masthead.catalogue.rhythm import (
    _DAY_NAMES,
    _FREQUENCIES,
    TOLERANCE,
    WINDOW,
    IssueRecord,
    Rhythm,
    _date_at,
    _parse,
    _position,
    learn_rhythm,
)
from masthead.citation import CitationError, find_date
from masthead.citation import format_date as _format_date

__all__ = [
    "CheckFinding",
    "DocumentDates",
    "IssueRecord",
    "Rhythm",
    "check_archive",
    "check_dates",
    "check_periodical",
    "learn_rhythm",
]

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True, slots=True)
class DocumentDates:
    """A document's two dates: the citation's (``date``, ISO) and its own date line as written."""

    document: str
    periodical: str
    issue: str
    date: str | None
    date_line: str | None


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """One thing the calendar or catalogue check found: ``kind`` (number-date, volume, duplicate-number,
    weekday, gap, date-line), the periodical's slug, the issue's label, the documents concerned, a
    sentence saying what is wrong and why, what was ``expected``, and ``severity`` (info, warning, error)."""

    kind: str
    periodical: str
    issue: str
    documents: tuple[str, ...]
    message: str
    expected: str | None = None
    severity: str = "warning"

    def to_dict(self) -> dict[str, object]:
        """The finding as JSON-ready data."""
        out = asdict(self)
        out["documents"] = list(self.documents)
        return out


# -- checking -----------------------------------------------------------------------------------------
def _consensus(offsets: Sequence[float], tol: float = TOLERANCE, window: int = WINDOW) -> list[int]:
    """For each offset, the index of the offset its neighbourhood (``window`` on each side) agrees on
    most: the issue it is judged against. Ties go to the earlier issue."""
    n = len(offsets)
    out: list[int] = []
    size = 2 * window + 1
    for i in range(n):
        lo = max(0, min(i - window, n - size))
        hi = min(n, lo + size)
        near = offsets[lo:hi]
        if max(near) - min(near) <= tol:  # the usual case: the whole neighbourhood agrees
            out.append(i)
            continue
        best, best_count = i, -1
        oi = offsets[i]
        own = sum(1 for q in offsets[lo:hi] if abs(q - oi) <= tol)
        for j in range(lo, hi):
            o = offsets[j]
            c = own if j == i else sum(1 for q in offsets[lo:hi] if abs(q - o) <= tol)
            if c > best_count or (c == best_count and j == i):
                best, best_count = j, c
        out.append(best)
    return out


def _vol_no(volume: int | None, number: int | None) -> str:
    return " ".join(p for p in (f"Vol. {volume}" if volume is not None else "", f"No. {number}") if p)


def _nos(volume: int | None, span: tuple[int, int]) -> str:
    head = f"Vol. {volume} " if volume is not None else ""
    if span[0] == span[1]:
        return f"{head}No. {span[0]}"
    return f"{head}Nos. {span[0]}–{span[1]}"


def _issues(span: tuple[int, int]) -> str:
    n = span[1] - span[0] + 1
    return f"{n} {'issue' if n == 1 else 'issues'}"


def _shown(i: IssueRecord) -> str:
    return _format_date(i.date, i.season) if i.date else "undated"


def check_periodical(issues: Sequence[IssueRecord], rhythm: Rhythm | None = None) -> tuple[Rhythm, list[CheckFinding]]:
    """Learn (or take) a periodical's rhythm and report the issues that do not fit it, duplicate
    numbers and the gaps in its runs. ``issues`` are one periodical's."""
    rhythm = rhythm or learn_rhythm(issues)
    findings: list[CheckFinding] = []
    if not issues:
        return rhythm, findings
    slug = issues[0].periodical
    findings += _duplicates(issues, slug)
    placed: list[tuple[IssueRecord, float]] = []
    days: dict[int, Counter[int]] = {0: Counter(), 1: Counter()}
    for i in issues:
        ymd = _parse(i.date, i.season)
        pos = _position(ymd, rhythm)
        if pos is not None:
            placed.append((i, pos))
            if rhythm.frequency == "semi-monthly" and ymd and ymd[2] is not None:
                days[int(pos) % 2][ymd[2]] += 1
    typical = {h: c.most_common(1)[0][0] for h, c in days.items() if c}
    flagged: set[int] = set()
    explained: set[tuple[int | None, int]] = set()
    if rhythm.frequency in _FREQUENCIES and rhythm.numbering != "none":
        findings += _number_checks(placed, rhythm, typical, slug, flagged, explained)
    if rhythm.frequency in ("weekly", "fortnightly") and rhythm.weekday is not None:
        findings += _weekday_checks(placed, rhythm, slug, flagged)
    findings += _gaps(issues, placed, rhythm, typical, slug, explained)
    return rhythm, findings


def _duplicates(issues: Sequence[IssueRecord], slug: str) -> list[CheckFinding]:
    groups: dict[tuple[int | None, int], list[IssueRecord]] = defaultdict(list)
    for i in issues:
        if i.number is not None:
            groups[(i.volume, i.number)].append(i)
    out = []
    for (vol, no), same in sorted(groups.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
        if len(same) < 2:
            continue
        dates = ", ".join(_shown(i) for i in same)
        docs = tuple(d for i in same for d in i.documents)
        out.append(
            CheckFinding(
                "duplicate-number",
                slug,
                same[0].label or _vol_no(vol, no),
                docs,
                f"{_vol_no(vol, no)} is claimed by {len(same)} issues ({dates}); one number names one issue",
                expected=f"one issue numbered {_vol_no(vol, no)}",
                severity="error",
            )
        )
    return out


def _number_checks(
    placed: list[tuple[IssueRecord, float]],
    rhythm: Rhythm,
    typical: dict[int, int],
    slug: str,
    flagged: set[int],
    explained: set[tuple[int | None, int]],
) -> list[CheckFinding]:
    """Issues whose number (or volume) does not fit their date; ``explained`` collects the
    ``(volume, number)`` each such issue was probably meant to carry, so that it is not also a gap."""
    out: list[CheckFinding] = []
    numbered = [(i, p) for i, p in placed if i.number is not None]
    by_date: dict[str | None, list[IssueRecord]] = defaultdict(list)
    for i, _ in numbered:
        by_date[i.date].append(i)
    if rhythm.numbering == "continuous":
        groups = [sorted(numbered, key=lambda t: (t[0].number, t[1]))]
    else:
        per: dict[int | None, list[tuple[IssueRecord, float]]] = defaultdict(list)
        for i, p in numbered:
            per[i.volume].append((i, p))
        groups = [
            sorted(g, key=lambda t: (t[0].number, t[1])) for _, g in sorted(per.items(), key=lambda kv: kv[0] or 0)
        ]
    vol_model = _volume_model(numbered, rhythm) if rhythm.numbering == "per-volume" else None
    for group in groups:
        offsets = [p - i.number for i, p in group]  # type: ignore[operator]
        agree = _consensus(offsets)
        for k, (i, p) in enumerate(group):
            c_off = offsets[agree[k]]
            if abs(offsets[k] - c_off) <= TOLERANCE:
                continue
            # judge against the nearest neighbour that agrees with the consensus
            near = min(
                (j for j in range(len(group)) if abs(offsets[j] - c_off) <= TOLERANCE),
                key=lambda j: (abs(j - k), j),
            )
            ref, ref_off = group[near][0], offsets[near]
            flagged.add(id(i))
            finding, want = _misfit(i, p, ref, ref_off, rhythm, typical, slug, by_date, vol_model)
            out.append(finding)
            explained.add(want)
    if vol_model is not None:
        out += _volume_checks(numbered, rhythm, typical, slug, vol_model, flagged, explained)
    return out


def _volume_model(numbered: list[tuple[IssueRecord, float]], rhythm: Rhythm) -> tuple[float, float] | None:
    """``(a, length)`` such that volume v's issue No. n sits at position ``a + length * v + n``."""
    length = rhythm.volume_issues
    vols = {i.volume for i, _ in numbered if i.volume is not None}
    if not length or len(vols) < 2:
        return None
    a = median(p - i.number - length * i.volume for i, p in numbered if i.volume is not None)  # type: ignore[operator]
    return a, length


def _expected_for(
    pos: float, vol_model: tuple[float, float] | None, ref: IssueRecord, ref_off: float
) -> tuple[int | None, int]:
    """The ``(volume, number)`` an issue at calendar position ``pos`` would carry."""
    if vol_model is None:
        return ref.volume, round(pos - ref_off)
    a, length = vol_model
    vol = int((pos - a - 0.5) // length)
    return vol, max(1, round(pos - (a + length * vol)))


def _misfit(
    i: IssueRecord,
    pos: float,
    ref: IssueRecord,
    ref_off: float,
    rhythm: Rhythm,
    typical: dict[int, int],
    slug: str,
    by_date: dict[str | None, list[IssueRecord]],
    vol_model: tuple[float, float] | None,
) -> tuple[CheckFinding, tuple[int | None, int]]:
    """An issue whose number does not fit its date, judged against ``ref`` (a neighbour that fits)."""
    ref_desc = f"{_vol_no(ref.volume, ref.number)} dated {_shown(ref)}"
    want_date = _date_at(i.number + ref_off, rhythm, typical)  # type: ignore[operator]
    want = _expected_for(pos, vol_model, ref, ref_off) if vol_model else (i.volume, round(pos - ref_off))
    want_no = _vol_no(*want)
    clash = [o for o in by_date.get(i.date, []) if o is not i and o.number != i.number]
    if clash:
        other = clash[0]
        why = f"No. {i.number} dated {_shown(i)} clashes with No. {other.number}"
    else:
        why = f"No. {i.number} would be dated {want_date}, and an issue dated {_shown(i)} would be {want_no}"
    finding = CheckFinding(
        "number-date",
        slug,
        i.label or f"{_vol_no(i.volume, i.number)}, {_shown(i)}",
        i.documents,
        f"{ref_desc} implies {rhythm.describe()}; {why}",
        expected=f"{want_no} for {_shown(i)}, or {want_date} for {_vol_no(i.volume, i.number)}",
        severity="warning",
    )
    return finding, want


def _volume_checks(
    numbered: list[tuple[IssueRecord, float]],
    rhythm: Rhythm,
    typical: dict[int, int],
    slug: str,
    vol_model: tuple[float, float],
    flagged: set[int],
    explained: set[tuple[int | None, int]],
) -> list[CheckFinding]:
    a, length = vol_model
    out = []
    for i, p in numbered:
        if id(i) in flagged or i.volume is None:
            continue
        resid = p - i.number - length * i.volume - a  # type: ignore[operator]
        if abs(resid) <= max(length / 4, 2 * TOLERANCE):
            continue
        flagged.add(id(i))
        explained.add(want_t := _expected_for(p, vol_model, i, 0.0))
        want = _vol_no(*want_t)
        start = _date_at(a + length * i.volume + 1, rhythm, typical)
        out.append(
            CheckFinding(
                "volume",
                slug,
                i.label or f"{_vol_no(i.volume, i.number)}, {_shown(i)}",
                i.documents,
                f"{_vol_no(i.volume, i.number)} dated {_shown(i)} does not fit its volume: the archive's issues imply "
                f"{rhythm.describe()} with about {round(length)} issues a volume, Vol. {i.volume} starting around "
                f"{start}; an issue dated {_shown(i)} would be {want}",
                expected=want,
                severity="warning",
            )
        )
    return out


def _weekday_checks(
    placed: list[tuple[IssueRecord, float]], rhythm: Rhythm, slug: str, flagged: set[int]
) -> list[CheckFinding]:
    out = []
    for i, _ in placed:
        if id(i) in flagged:
            continue
        ymd = _parse(i.date)
        if ymd is None or ymd[2] is None:
            continue
        wd = _dt.date(*ymd).weekday()  # type: ignore[misc]
        if wd == rhythm.weekday:
            continue
        out.append(
            CheckFinding(
                "weekday",
                slug,
                i.label or _shown(i),
                i.documents,
                f"dated {_shown(i)}, a {_DAY_NAMES[wd]}, but the archive's issues imply {rhythm.describe()}",
                expected=f"a {_DAY_NAMES[rhythm.weekday or 0]}",
                severity="warning",
            )
        )
    return out


def _gaps(
    issues: Sequence[IssueRecord],
    placed: list[tuple[IssueRecord, float]],
    rhythm: Rhythm,
    typical: dict[int, int],
    slug: str,
    explained: set[tuple[int | None, int]] = frozenset(),  # type: ignore[assignment]
) -> list[CheckFinding]:
    """The issues a run lacks: missing numbers between numbers the archive has (per volume, or across
    volumes when numbering runs on), or, for an unnumbered periodical, missing calendar positions."""
    out: list[CheckFinding] = []
    if rhythm.numbering != "none":
        per: dict[int | None, dict[int, IssueRecord]] = defaultdict(dict)
        for i in issues:
            if i.number is not None:
                per[None if rhythm.numbering == "continuous" else i.volume].setdefault(i.number, i)
        if rhythm.numbering == "per-volume":
            out += _volume_edge_gaps(per, placed, slug, explained)
        for vol in sorted(per, key=lambda v: v or 0):
            numbers = sorted(per[vol])
            for a, b in zip(numbers, numbers[1:], strict=False):
                for missing in _spans(a + 1, b - 1, vol, explained):
                    before, after = per[vol][a], per[vol][b]
                    shown_vol = vol if rhythm.numbering != "continuous" else None
                    out.append(
                        CheckFinding(
                            "gap",
                            slug,
                            _nos(shown_vol, missing),
                            (),
                            f"the archive lacks {_nos(shown_vol, missing)} ({_issues(missing)}), "
                            f"between No. {a} ({_shown(before)}) and No. {b} ({_shown(after)})",
                            expected=_nos(shown_vol, missing),
                            severity="info",
                        )
                    )
        return out
    if rhythm.frequency not in _FREQUENCIES:
        return out
    positions = sorted(((p, i) for i, p in placed), key=lambda t: t[0])
    for (pa, ia), (pb, ib) in zip(positions, positions[1:], strict=False):
        n = round(pb - pa) - 1
        if n < 1:
            continue
        dates = [_date_at(pa + q, rhythm, typical) for q in range(1, min(n, 5) + 1)]
        more = " …" if n > 5 else ""
        out.append(
            CheckFinding(
                "gap",
                slug,
                f"{_shown(ia)} – {_shown(ib)}",
                (),
                f"the archive lacks {n} {rhythm.frequency} {'issue' if n == 1 else 'issues'} between {_shown(ia)} "
                f"and {_shown(ib)}",
                expected=", ".join(dates) + more,
                severity="info",
            )
        )
    return out


def _volume_edge_gaps(
    per: dict[int | None, dict[int, IssueRecord]],
    placed: list[tuple[IssueRecord, float]],
    slug: str,
    explained: set[tuple[int | None, int]],
) -> list[CheckFinding]:
    """Issues missing where one volume ends and the next begins: the numbers before the first issue of
    the next volume, and (counted on the calendar between the two issues the archive has) the last
    numbers of the volume before."""
    pos = {id(i): p for i, p in placed}
    vols = sorted(v for v in per if v is not None)
    out: list[CheckFinding] = []
    for va, vb in zip(vols, vols[1:], strict=False):
        if vb != va + 1:
            continue
        last_a, first_b = max(per[va]), min(per[vb])
        ia, ib = per[va][last_a], per[vb][first_b]
        lacking = [(vb, 1, first_b - 1)]
        if id(ia) in pos and id(ib) in pos:
            at_end = round(pos[id(ib)] - pos[id(ia)]) - 1 - (first_b - 1)
            lacking.insert(0, (va, last_a + 1, last_a + at_end))
        for vol, lo, hi in lacking:
            for run in _spans(lo, hi, vol, explained):
                out.append(
                    CheckFinding(
                        "gap",
                        slug,
                        _nos(vol, run),
                        (),
                        f"the archive lacks {_nos(vol, run)} ({_issues(run)}), "
                        f"between Vol. {va} No. {last_a} ({_shown(ia)}) and Vol. {vb} No. {first_b} ({_shown(ib)})",
                        expected=_nos(vol, run),
                        severity="info",
                    )
                )
    return out


def _spans(lo: int, hi: int, vol: int | None, explained: set[tuple[int | None, int]]) -> list[tuple[int, int]]:
    """Numbers ``lo..hi`` as runs ``(first, last)``, leaving out those ``explained`` (without listing
    the numbers one by one: a run may be huge when a number is absurd)."""
    if hi < lo:
        return []
    holes = sorted(n for v, n in explained if v == vol and lo <= n <= hi)
    out: list[tuple[int, int]] = []
    start = lo
    for h in holes:
        if h > start:
            out.append((start, h - 1))
        start = h + 1
    if start <= hi:
        out.append((start, hi))
    return out


def check_dates(docs: Iterable[DocumentDates], *, strict: bool = False) -> list[CheckFinding]:
    """Documents whose date line disagrees with their citation's date ("(1898)" on an article the
    citation dates 1 July 1899). A date line less precise than the citation ("(March 1948)" for 8 March
    1948) agrees with it; with ``strict`` it is reported too, as ``info``."""
    out = []
    for d in docs:
        if not d.date or not d.date_line:
            continue
        try:
            found = find_date(d.date_line)
        except CitationError:
            found = None
        if found is None:
            continue
        line, cited = found.date, d.date
        n = min(len(line), len(cited))
        if line[:n] != cited[:n]:
            severity, why = "warning", "disagrees with"
        elif strict and len(line) < len(cited):
            severity, why = "info", "is less precise than"
        else:
            continue
        out.append(
            CheckFinding(
                "date-line",
                d.periodical,
                d.issue,
                (d.document,),
                f"the date line “{d.date_line.strip()}” ({_format_date(line)}) {why} the citation's "
                f"{_format_date(cited)}",
                expected=_format_date(cited),
                severity=severity,
            )
        )
    return out


def check_archive(
    issues: Iterable[IssueRecord], docs: Iterable[DocumentDates] = (), *, strict_dates: bool = False
) -> tuple[dict[str, Rhythm], list[CheckFinding]]:
    """Every periodical's rhythm and the findings of the whole archive, periodical by periodical."""
    by_periodical: dict[str, list[IssueRecord]] = defaultdict(list)
    for i in issues:
        by_periodical[i.periodical].append(i)
    rhythms: dict[str, Rhythm] = {}
    findings: list[CheckFinding] = []
    for slug in sorted(by_periodical):
        rhythm, found = check_periodical(by_periodical[slug])
        rhythms[slug] = rhythm
        findings += found
    findings += check_dates(docs, strict=strict_dates)
    return rhythms, findings
