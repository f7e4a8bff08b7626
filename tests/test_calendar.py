"""The calendar check: rhythm learning (weekly, semi-monthly, monthly, quarterly, volume rollover) and the
findings it reports (numbers that do not fit dates, duplicates, wrong volumes, weekdays, gaps, date lines)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.catalogue.calendar import (
    DocumentDates,
    IssueRecord,
    check_archive,
    check_dates,
    check_periodical,
    learn_rhythm,
)
from masthead.store.catalogue import issue_label


def _issue(slug: str, vol: int | None, no: int | None, date: str, season: str | None = None) -> IssueRecord:
    return IssueRecord(slug, vol, no, date, issue_label(vol, no, date, season), (f"{slug}/{date}/{no}",), season)


def weekly(start: dt.date, count: int, *, vol: int | None = 12, first: int = 1, step: int = 7, slug: str = "la"):
    return [_issue(slug, vol, first + k, (start + dt.timedelta(days=step * k)).isoformat()) for k in range(count)]


def monthly(year: int, month: int, count: int, *, every: int = 1, vol: int | None = 1, slug: str = "ni"):
    out = []
    for k in range(count):
        y, m = divmod((month - 1) + every * k, 12)
        out.append(_issue(slug, vol, k + 1, f"{year + y:04d}-{m + 1:02d}"))
    return out


def annual_volumes(first_year: int, years: int, *, first_vol: int = 10, slug: str = "la") -> list[IssueRecord]:
    """Weekly issues on Mondays; a volume a year, numbers restarting with each volume."""
    out: list[IssueRecord] = []
    for y in range(years):
        jan1 = dt.date(first_year + y, 1, 1)
        monday = jan1 + dt.timedelta(days=(7 - jan1.weekday()) % 7)
        count = len(range(0, (dt.date(first_year + y + 1, 1, 1) - monday).days, 7))
        out += weekly(monday, count, vol=first_vol + y, slug=slug)
    return out


def kinds(findings) -> list[str]:  # noqa: ANN001
    return sorted(f.kind for f in findings)


# -- rhythm ---------------------------------------------------------------------------------------------
def test_weekly_on_mondays() -> None:
    r = learn_rhythm(weekly(dt.date(1948, 1, 5), 30))
    assert (r.frequency, r.weekday, r.numbering) == ("weekly", 0, "single")
    assert r.describe() == "weekly issues on Mondays"


def test_weekly_on_saturdays_unnumbered() -> None:
    issues = [
        IssueRecord("wr", None, None, (dt.date(1898, 8, 13) + dt.timedelta(7 * k)).isoformat()) for k in range(12)
    ]
    r = learn_rhythm(issues)
    assert (r.frequency, r.weekday, r.numbering) == ("weekly", 5, "none")
    assert check_periodical(issues)[1] == []


def test_semi_monthly_first_and_fifteenth() -> None:
    issues = []
    for k in range(24):
        y, m = divmod(k // 2, 12)
        issues.append(_issue("m", 3, k + 1, f"{1950 + y:04d}-{m + 1:02d}-{1 if k % 2 == 0 else 15:02d}"))
    r, found = check_periodical(issues)
    assert r.frequency == "semi-monthly" and found == []


def test_monthly_and_bimonthly_and_quarterly() -> None:
    assert learn_rhythm(monthly(1938, 1, 24)).frequency == "monthly"
    assert learn_rhythm(monthly(1938, 1, 12, every=2)).frequency == "bi-monthly"
    assert learn_rhythm(monthly(1938, 1, 12, every=3)).frequency == "quarterly"
    for issues in (monthly(1938, 1, 24), monthly(1938, 1, 12, every=2), monthly(1938, 3, 12, every=3)):
        assert check_periodical(issues)[1] == []


def test_quarterly_by_season() -> None:
    seasons = ["Winter", "Spring", "Summer", "Fall"]
    issues = [_issue("q", 1 + k // 4, k % 4 + 1, str(1955 + k // 4), seasons[k % 4]) for k in range(12)]
    r, found = check_periodical(issues)
    assert r.frequency == "quarterly" and r.numbering == "per-volume" and found == []


def test_volume_rollover_each_year() -> None:
    r = learn_rhythm(annual_volumes(1946, 4))
    assert r.numbering == "per-volume" and r.volume_start == "January"
    assert r.volume_issues is not None and abs(r.volume_issues - 52.2) < 1
    assert "a volume lasts a year, rolling over in January" in r.summary()
    assert check_periodical(annual_volumes(1946, 4))[1] == []


def test_continuous_numbering_across_volumes() -> None:
    issues = weekly(dt.date(1940, 1, 1), 52, vol=1) + weekly(dt.date(1940, 12, 30), 52, vol=2, first=53)
    r, found = check_periodical(issues)
    assert r.numbering == "continuous" and found == []


# -- planted conflicts ----------------------------------------------------------------------------------
def test_number_that_clashes_with_its_neighbour() -> None:
    issues = weekly(dt.date(1948, 1, 5), 20)  # No. 10 is 8 March 1948, a Monday
    issues[10] = _issue("la", 12, 11, "1948-03-08")
    _, found = check_periodical(issues)
    assert kinds(found) == ["gap", "number-date"] or kinds(found) == ["number-date"]
    bad = next(f for f in found if f.kind == "number-date")
    assert bad.message == (
        "Vol. 12 No. 10 dated 8 March 1948 implies weekly issues on Mondays; "
        "No. 11 dated 8 March 1948 clashes with No. 10"
    )
    assert bad.expected == "Vol. 12 No. 10 for 8 March 1948, or 15 March 1948 for Vol. 12 No. 11"
    assert bad.documents == ("la/1948-03-08/11",)


def test_number_that_does_not_fit_its_date() -> None:
    issues = weekly(dt.date(1948, 1, 5), 20)
    issues[5] = _issue("la", 12, 6, "1948-06-07")  # No. 6 is 9 February; 7 June would be No. 23
    _, found = check_periodical(issues)
    bad = [f for f in found if f.kind == "number-date"]
    assert len(bad) == 1 and bad[0].severity == "warning"
    assert "No. 6 would be dated 9 February 1948" in bad[0].message
    assert "an issue dated 7 June 1948 would be Vol. 12 No. 23" in bad[0].message
    assert not [f for f in found if f.kind == "gap"]  # the misnumbered issue explains the missing No. 6


def test_a_few_wrong_issues_do_not_mislead_the_rhythm() -> None:
    issues = weekly(dt.date(1948, 1, 5), 40)
    for k in (7, 8, 25):
        i = issues[k]
        issues[k] = _issue("la", 12, i.number + 3, i.date)  # type: ignore[operator]
    r, found = check_periodical(issues)
    assert (r.frequency, r.weekday) == ("weekly", 0)
    flagged = sorted(f.issue for f in found if f.kind == "number-date")
    assert flagged == sorted(issues[k].label for k in (7, 8, 25))


def test_duplicate_number() -> None:
    issues = weekly(dt.date(1948, 1, 5), 10)
    issues.append(_issue("la", 12, 4, "1948-05-17"))
    _, found = check_periodical(issues)
    dup = [f for f in found if f.kind == "duplicate-number"]
    assert len(dup) == 1 and dup[0].severity == "error"
    assert dup[0].message.startswith("Vol. 12 No. 4 is claimed by 2 issues (26 January 1948, 17 May 1948)")
    assert len(dup[0].documents) == 2


def test_wrong_volume() -> None:
    issues = annual_volumes(1946, 3)
    k = next(n for n, i in enumerate(issues) if i.volume == 11 and i.number == 20)
    i = issues[k]
    issues[k] = _issue("la", 13, 20, i.date)  # filed under next year's volume
    issues = [x for x in issues if not (x.volume == 13 and x.number == 20) or x is issues[k]]
    _, found = check_periodical(issues)
    bad = [f for f in found if f.kind in ("volume", "number-date")]
    assert len(bad) == 1 and bad[0].issue == issues[k].label
    assert "Vol. 11 No. 20" in (bad[0].expected or "")


def test_wrong_weekday() -> None:
    issues = [IssueRecord("wr", None, None, (dt.date(1898, 8, 13) + dt.timedelta(7 * k)).isoformat()) for k in range(9)]
    issues[4] = IssueRecord("wr", None, None, "1898-09-11", "11 September 1898")  # a Sunday
    _, found = check_periodical(issues)
    assert [f.kind for f in found] == ["weekday"]
    assert "a Sunday" in found[0].message and found[0].expected == "a Saturday"


def test_gaps_in_a_numbered_run() -> None:
    issues = [i for i in weekly(dt.date(1948, 1, 5), 20) if i.number not in (11, 12, 13, 17)]
    _, found = check_periodical(issues)
    gaps = [f for f in found if f.kind == "gap"]
    assert [g.expected for g in gaps] == ["Vol. 12 Nos. 11–13", "Vol. 12 No. 17"]
    assert all(g.severity == "info" for g in gaps)
    assert "between No. 10 (8 March 1948) and No. 14 (5 April 1948)" in gaps[0].message


def test_gaps_in_an_unnumbered_weekly() -> None:
    issues = [IssueRecord("wr", None, None, d) for d in ("1898-08-13", "1898-08-20", "1898-09-10", "1898-09-17")]
    _, found = check_periodical(issues)
    assert [f.kind for f in found] == ["gap"]
    assert found[0].expected == "27 August 1898, 3 September 1898"


def test_date_line_against_citation() -> None:
    docs = [
        DocumentDates("a", "wr", "1 July 1899", "1899-07-01", "1898"),
        DocumentDates("b", "la", "Vol. 12 No. 10", "1948-03-08", "(March 1948)"),
        DocumentDates("c", "la", "Vol. 12 No. 10", "1948-03-08", "8 March 1948"),
        DocumentDates("d", "la", "Vol. 12 No. 10", "1948-03-08", "(9 March 1948)"),
        DocumentDates("e", "la", "Vol. 12 No. 10", "1948-03-08", "no date here"),
        DocumentDates("f", "la", "Vol. 12 No. 10", "1948-03-08", "31 February 1948"),
    ]
    found = check_dates(docs)
    assert [(f.documents, f.severity) for f in found] == [(("a",), "warning"), (("d",), "warning")]
    assert found[0].message == "the date line “1898” (1898) disagrees with the citation's 1 July 1899"
    strict = check_dates(docs, strict=True)
    assert [(f.documents, f.severity) for f in strict if f.severity == "info"] == [(("b",), "info")]
    assert "(March 1948)" in strict[1].message and "less precise" in strict[1].message


def test_consistent_archive_is_quiet() -> None:
    issues = (
        annual_volumes(1946, 3)
        + monthly(1938, 1, 36, slug="ni")
        + weekly(dt.date(1898, 8, 13), 20, vol=None, slug="wr")
    )
    docs = [DocumentDates(i.documents[0], i.periodical, i.label, i.date, f"({i.date[:4]})") for i in issues]
    rhythms, found = check_archive(issues, docs)
    assert found == [] and set(rhythms) == {"la", "ni", "wr"}


def test_too_few_issues_learn_nothing_and_report_nothing() -> None:
    one = [_issue("la", 12, 10, "1948-03-08")]
    r, found = check_periodical(one)
    assert r.frequency == "unknown" and found == []
    assert check_periodical([])[1] == []


# -- properties -----------------------------------------------------------------------------------------
FREQS = {"weekly": 7, "fortnightly": 14}


@st.composite
def consistent_runs(draw: st.DrawFn) -> list[IssueRecord]:
    kind = draw(st.sampled_from(["weekly", "fortnightly", "monthly", "bi-monthly", "quarterly"]))
    count = draw(st.integers(2, 160))
    numbering = draw(st.sampled_from(["none", "single", "continuous", "per-volume"]))
    per_volume = draw(st.integers(4, 60))
    start_vol = draw(st.integers(1, 40))
    out = []
    if kind in FREQS:
        start = dt.date(draw(st.integers(1850, 2000)), 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
        dates = [(start + dt.timedelta(days=FREQS[kind] * k)).isoformat() for k in range(count)]
    else:
        every = {"monthly": 1, "bi-monthly": 2, "quarterly": 3}[kind]
        y0, m0 = draw(st.integers(1850, 2000)), draw(st.integers(0, 11))
        dates = [f"{y0 + (m0 + every * k) // 12:04d}-{(m0 + every * k) % 12 + 1:02d}" for k in range(count)]
    for k, date in enumerate(dates):
        if numbering == "none":
            vol, no = None, None
        elif numbering == "single":
            vol, no = start_vol, k + 1
        elif numbering == "continuous":
            vol, no = start_vol + k // per_volume, k + 1
        else:
            vol, no = start_vol + k // per_volume, k % per_volume + 1
        out.append(_issue("p", vol, no, date))
    return out


@settings(max_examples=150, deadline=None)
@given(consistent_runs())
def test_any_consistent_run_has_no_findings(issues: list[IssueRecord]) -> None:
    rhythm, found = check_periodical(issues)
    assert found == [], (rhythm, found[:3])


@settings(max_examples=100, deadline=None)
@given(consistent_runs(), st.data())
def test_a_run_with_missing_issues_only_has_gaps(issues: list[IssueRecord], data: st.DataObject) -> None:
    keep = data.draw(st.lists(st.booleans(), min_size=len(issues), max_size=len(issues)))
    kept = [i for i, k in zip(issues, keep, strict=True) if k]
    # a rhythm needs a few consecutive issues to be learnt; keep the first four
    kept = issues[:4] + [i for i in kept if i not in issues[:4]]
    _, found = check_periodical(kept)
    assert {f.kind for f in found} <= {"gap"}, found[:3]
    if len(kept) == len(issues):
        assert found == []


def test_absurd_numbers_do_not_crash() -> None:
    issues = weekly(dt.date(1948, 1, 5), 8)
    issues[3] = _issue("la", 12, 10**9, issues[3].date)
    _, found = check_periodical(issues)
    assert any(f.kind == "number-date" for f in found)
