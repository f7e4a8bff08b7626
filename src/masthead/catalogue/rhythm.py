"""A periodical's rhythm, learnt from its issues: how often it came out, how it numbers its issues,
and where its volumes roll over; and the calendar that places each issue, counted in issues.

:func:`learn_rhythm` infers from ``(volume, number, date)`` issues the frequency (weekly on a weekday,
fortnightly, semi-monthly, monthly, every two months, quarterly, irregular), whether numbers restart
with each volume or run on, and how many issues a volume holds. It uses medians and majorities, so a
few wrong issues do not mislead it. :mod:`masthead.catalogue.calendar` checks issues against it.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import median

from masthead.citation import format_date as _format_date

__all__ = ["IssueRecord", "Rhythm", "learn_rhythm"]

WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SEASON_MONTH = {"winter": 1, "spring": 4, "summer": 7, "fall": 10, "autumn": 10}

# frequency -> (issues a year, whether a position needs the day of the month)
_FREQUENCIES: dict[str, tuple[float, bool]] = {
    "weekly": (365.2425 / 7, True),
    "fortnightly": (365.2425 / 14, True),
    "semi-monthly": (24.0, True),
    "monthly": (12.0, False),
    "bi-monthly": (6.0, False),
    "quarterly": (4.0, False),
}
TOLERANCE = 0.45
"""How far (in issues) an issue's place on the calendar may stray from its neighbours' before it is
reported: under half an issue, so ±3 days for a weekly, the same month for a monthly."""
WINDOW = 3
"""Issues on each side that an issue is judged against (robust to two wrong issues in seven)."""


@dataclass(frozen=True, slots=True)
class IssueRecord:
    """One issue of a periodical as the catalogue has it: what the calendar check reads."""

    periodical: str
    volume: int | None
    number: int | None
    date: str | None
    label: str = ""
    documents: tuple[str, ...] = ()
    season: str | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A periodical's learned rhythm. ``frequency`` is weekly, fortnightly, semi-monthly, monthly,
    bi-monthly, quarterly, irregular, or unknown (too few dated issues); ``weekday`` (0 = Monday) for
    weekly and fortnightly ones; ``numbering`` is ``per-volume`` (numbers restart each volume),
    ``continuous``, ``single`` (one volume or none) or ``none`` (unnumbered); ``volume_issues`` is how
    many issues a volume holds; ``volume_start`` the month in which volumes roll over."""

    frequency: str
    weekday: int | None = None
    numbering: str = "none"
    volume_issues: float | None = None
    volume_start: str | None = None
    issues: int = 0
    split_day: float = 14.5

    def describe(self) -> str:
        """``"weekly issues on Mondays"``, ``"monthly issues"`` ...: how the messages name the rhythm."""
        f = self.frequency
        if f in ("weekly", "fortnightly"):
            return f"{f} issues" + (f" on {WEEKDAYS[self.weekday]}" if self.weekday is not None else "")
        if f == "bi-monthly":
            return "issues every two months"
        if f == "unknown":
            return "rhythm unknown (too few dated issues)"
        return f"{f} issues"

    def summary(self) -> str:
        """One line for a periodical page: rhythm, numbering and volume rollover."""
        parts = [self.describe()]
        if self.numbering == "per-volume":
            parts.append("numbers restart with each volume")
        elif self.numbering == "continuous":
            parts.append("numbers run on across volumes")
        if self.volume_issues and self.frequency in _FREQUENCIES:
            per_year = _FREQUENCIES[self.frequency][0]
            span = "a year" if abs(self.volume_issues - per_year) <= per_year * 0.1 else None
            size = span or f"about {round(self.volume_issues)} issues"
            parts.append(
                f"a volume lasts {size}" + (f", rolling over in {self.volume_start}" if self.volume_start else "")
            )
        return "; ".join(parts)


# -- dates and positions ------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 17)
def _parse(date: str | None, season: str | None = None) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) from an ISO date at any precision; a season stands for its first month."""
    if not date:
        return None
    parts = date.split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else None
        d = int(parts[2]) if len(parts) > 2 else None
    except ValueError:
        return None
    if m is None and season:
        m = _SEASON_MONTH.get(season.split("-")[0].strip().lower())
    return y, m, d


def _ordinal(ymd: tuple[int, int | None, int | None]) -> int | None:
    y, m, d = ymd
    if m is None or d is None:
        return None
    try:
        return _dt.date(y, m, d).toordinal()
    except ValueError:
        return None


def _position(ymd: tuple[int, int | None, int | None] | None, rhythm: Rhythm) -> float | None:
    """Where an issue sits on the calendar, counted in issues of this rhythm (None when its date is
    not precise enough: a weekly needs the day, a monthly the month)."""
    if ymd is None or rhythm.frequency not in _FREQUENCIES:
        return None
    y, m, d = ymd
    if m is None:
        return None
    months = y * 12 + m - 1
    f = rhythm.frequency
    if f in ("weekly", "fortnightly"):
        o = _ordinal(ymd)
        return None if o is None else o / (7 if f == "weekly" else 14)
    if f == "semi-monthly":
        return None if d is None else months * 2 + (1 if d > rhythm.split_day else 0)
    return months / {"monthly": 1, "bi-monthly": 2, "quarterly": 3}[f]


def _date_at(pos: float, rhythm: Rhythm, days: dict[int, int]) -> str:
    """The date (as ETOL writes it) of calendar position ``pos`` under ``rhythm`` ("?" off the calendar)."""
    try:
        return _date_at_unchecked(pos, rhythm, days)
    except (ValueError, OverflowError):
        return "?"


def _date_at_unchecked(pos: float, rhythm: Rhythm, days: dict[int, int]) -> str:
    f = rhythm.frequency
    if f in ("weekly", "fortnightly"):
        o = round(pos * (7 if f == "weekly" else 14))
        if rhythm.weekday is not None:
            shift = (rhythm.weekday - _dt.date.fromordinal(o).weekday()) % 7
            o += shift - 7 if shift > 3 else shift
        return _format_date(_dt.date.fromordinal(o).isoformat())
    if f == "semi-monthly":
        p = round(pos)
        months, half = divmod(p, 2)
        y, m = divmod(months, 12)
        return _format_date(f"{y:04d}-{m + 1:02d}-{days.get(half, 1 if half == 0 else 15):02d}")
    months = round(pos * {"monthly": 1, "bi-monthly": 2, "quarterly": 3}[f])
    y, m = divmod(months, 12)
    return _format_date(f"{y:04d}-{m + 1:02d}")


def _classify(step_days: float) -> str:
    if step_days <= 10:
        return "weekly"
    if step_days <= 14.6:
        return "fortnightly"
    if step_days <= 21:
        return "semi-monthly"
    if step_days <= 45:
        return "monthly"
    if step_days <= 75:
        return "bi-monthly"
    if step_days <= 135:
        return "quarterly"
    return "irregular"


def _approx_days(ymd: tuple[int, int | None, int | None]) -> float | None:
    y, m, d = ymd
    if m is None:
        return None
    return y * 365.2425 + (m - 1) * 30.436875 + ((d or 1) - 1)


# -- learning -----------------------------------------------------------------------------------------
def learn_rhythm(issues: Sequence[IssueRecord]) -> Rhythm:
    """The rhythm of one periodical's issues (see :class:`Rhythm`); ``unknown`` with under two dated
    issues. Intervals are medians over consecutive numbered issues (or, for an unnumbered periodical,
    the lower quartile of the gaps between dates), so stray issues and missing runs do not skew it."""
    dated = [(i, ymd) for i in issues if (ymd := _parse(i.date, i.season)) is not None and ymd[1] is not None]
    if len(dated) < 2:
        return Rhythm("unknown", issues=len(issues))
    numbered = [(i, ymd) for i, ymd in dated if i.number is not None]
    steps: list[float] = []
    by_volume: dict[int | None, list[tuple[IssueRecord, tuple[int, int | None, int | None]]]] = defaultdict(list)
    for i, ymd in numbered:
        by_volume[i.volume].append((i, ymd))
    for group in by_volume.values():
        group.sort(key=lambda t: t[0].number or 0)
        for (a, ya), (b, yb) in zip(group, group[1:], strict=False):
            da, db = _approx_days(ya), _approx_days(yb)
            if da is not None and db is not None and b.number != a.number and db > da:
                steps.append((db - da) / ((b.number or 0) - (a.number or 0)))
    numbering = "none"
    if steps:
        volumes = sorted(v for v in by_volume if v is not None)
        numbering = "single" if len(volumes) <= 1 else _numbering(by_volume, volumes)
        step = median(steps)
    else:
        days = sorted({d for _, ymd in dated if (d := _approx_days(ymd)) is not None})
        gaps = sorted(b - a for a, b in zip(days, days[1:], strict=False) if b > a)
        if not gaps:
            return Rhythm("unknown", issues=len(issues))
        step = gaps[len(gaps) // 4]
    frequency = _classify(step) if step > 0 else "irregular"
    weekday = None
    split_day = 14.5
    wd = Counter(_dt.date(*ymd).weekday() for _, ymd in dated if ymd[2] is not None)  # type: ignore[misc]
    share = wd.most_common(1)[0][1] / sum(wd.values()) if wd else 0.0
    if frequency in ("fortnightly", "semi-monthly"):  # every other week keeps its weekday; the 1st and 15th do not
        frequency = "fortnightly" if share >= 0.8 else "semi-monthly"
    if frequency in ("weekly", "fortnightly") and share >= 0.6:
        weekday = wd.most_common(1)[0][0]
    if frequency == "semi-monthly":
        dom = Counter(ymd[2] for _, ymd in dated if ymd[2] is not None).most_common()
        firsts = [d for d, _ in dom if d is not None]
        if firsts:
            other = next((d for d in firsts[1:] if abs(d - firsts[0]) >= 7), None)
            if other is not None:
                split_day = (firsts[0] + other) / 2
    rhythm = Rhythm(frequency, weekday, numbering, issues=len(issues), split_day=split_day)
    if numbering == "per-volume":
        length, start = _volume_length(numbered, rhythm)
        rhythm = Rhythm(frequency, weekday, numbering, length, start, len(issues), split_day)
    return rhythm


def _numbering(by_volume: dict[int | None, list], volumes: list[int]) -> str:  # type: ignore[type-arg]
    """``per-volume`` when numbers restart from one volume to the next (most transitions), else
    ``continuous``."""
    restart = run_on = 0
    for a, b in zip(volumes, volumes[1:], strict=False):
        hi = max(i.number for i, _ in by_volume[a])
        lo = min(i.number for i, _ in by_volume[b])
        if lo <= hi:
            restart += 1
        else:
            run_on += 1
    return "per-volume" if restart >= run_on else "continuous"


def _volume_length(numbered: list, rhythm: Rhythm) -> tuple[float | None, str | None]:  # type: ignore[type-arg]
    """Issues per volume (from the starts of consecutive volumes; a year when under three volumes are
    known) and the month in which volumes usually start."""
    starts: dict[int, list[float]] = defaultdict(list)
    for i, ymd in numbered:
        pos = _position(ymd, rhythm)
        if pos is not None and i.volume is not None:
            starts[i.volume].append(pos - i.number)
    if not starts:
        return None, None
    per_volume = sorted((v, median(s), len(s)) for v, s in starts.items())
    pairs = list(zip(per_volume, per_volume[1:], strict=False))
    diffs = [(b - a) / (vb - va) for (va, a, na), (vb, b, nb) in pairs if b > a]
    solid = [(b - a) / (vb - va) for (va, a, na), (vb, b, nb) in pairs if b > a and na >= 2 and nb >= 2]
    if len(diffs) >= 2:
        length: float | None = median(diffs)
    elif solid:
        length = solid[0]
    else:  # too few volumes to measure one: no volume check
        length = None
    top = max(i.number for i, _ in numbered if i.volume is not None)
    if length is not None and length < top - TOLERANCE:
        length = None  # volumes shorter than the numbers they hold: the data do not say
    months = Counter()
    for _, s, _n in per_volume:
        words = _date_at(s + 1, rhythm, {}).split()
        if len(words) >= 2:
            months[words[-2]] += 1
    month = months.most_common(1)[0][0] if months else None
    return length, month if month and month.isalpha() else None
