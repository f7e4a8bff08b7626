"""Tests for masthead.citation: citation and credit lines in their real ETOL / MIA variants."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.citation import (
    CitationError,
    find_date,
    format_citation,
    format_credits,
    is_citation_line,
    is_credit_line,
    parse_citation,
    parse_credits,
    roman_to_int,
)
from masthead.model import CREDIT_ROLES, Credit, Source


def fields(src: Source) -> tuple:
    return (
        src.periodical,
        src.volume,
        src.issue,
        src.issue_label,
        src.date,
        src.season,
        src.page_start,
        src.page_end,
    )


# -- parse_citation: real variants --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "From Labor Action, Vol. 12 No. 10, 8 March 1948, p.\u00a04.",
            ("Labor Action", 12, 10, None, "1948-03-08", None, 4, 4),
        ),
        ("Labor Action, Vol. XII, No. 10", ("Labor Action", 12, 10, None, None, None, None, None)),
        ("Vol.20 No.4, Fall 1959, pp.102-106", (None, 20, 4, None, "1959", "Fall", 102, 106)),
        (
            "From **Workers' Republic**, August 27, 1898",
            ("Workers' Republic", None, None, None, "1898-08-27", None, None, None),
        ),
        (
            "*The Daily People*, July 3, 1907",
            ("The Daily People", None, None, None, "1907-07-03", None, None, None),
        ),
        (
            "New International, Vol. XIV No. 2, February 1948, pp. 45–48",
            ("New International", 14, 2, None, "1948-02", None, 45, 48),
        ),
        (
            "***Justice** and Millerand*, **Justice**, 25 May 1901, p.6.",
            ("Justice", None, None, None, "1901-05-25", None, 6, 6),
        ),
        (
            "Justice and Millerand, Justice, 25 May 1901, p.6.",
            ("Justice", None, None, None, "1901-05-25", None, 6, 6),
        ),
        (
            "*Bruce Glasier in Ireland*, **Justice**, 31 March 1900, p.3.",
            ("Justice", None, None, None, "1900-03-31", None, 3, 3),
        ),
        (
            "**The Workers' Republic**, May 1901.",
            ("The Workers' Republic", None, None, None, "1901-05", None, None, None),
        ),
        (
            "Fourth International, Vol.10 No.3, March 1949, pp.78-80",
            ("Fourth International", 10, 3, None, "1949-03", None, 78, 80),
        ),
        ("Labor Action, 8 March 1948", ("Labor Action", None, None, None, "1948-03-08", None, None, None)),
        (
            "Socialist Appeal, Vol. II No. 38, 20 August 1938",
            ("Socialist Appeal", 2, 38, None, "1938-08-20", None, None, None),
        ),
        ("The Militant, 1 January 1934, p. 2", ("The Militant", None, None, None, "1934-01-01", None, 2, 2)),
        (
            "New International, Winter 1956",
            ("New International", None, None, None, "1956", "Winter", None, None),
        ),
        (
            "International Socialism, No. 1, Spring-Summer 1960",
            ("International Socialism", None, 1, None, "1960", "Spring-Summer", None, None),
        ),
        (
            "The Militant, Vol. 3 No. 10, Whole No. 123, 8th March 1948",
            ("The Militant", 3, 10, "Whole No. 123", "1948-03-08", None, None, None),
        ),
        (
            "Fourth International, Vol. 5 Nos. 3-4, Sept. 1944",
            ("Fourth International", 5, 3, "Nos. 3-4", "1944-09", None, None, None),
        ),
        ("Labor Action, Feb. 1950", ("Labor Action", None, None, None, "1950-02", None, None, None)),
        ("Labor Action, March 8, 1948", ("Labor Action", None, None, None, "1948-03-08", None, None, None)),
        ("The Call, 1948, p. 3", ("The Call", None, None, None, "1948", None, 3, 3)),
        (
            "First published in **Socialist Standard**, October 1973.",
            ("Socialist Standard", None, None, None, "1973-10", None, None, None),
        ),
        (
            'From [**Labor Action**](x.htm){target="new"}, Vol. 12 No. 10, 8 March 1948\\.',
            ("Labor Action", 12, 10, None, "1948-03-08", None, None, None),
        ),
        ("Labor Action, pp. 102-6", ("Labor Action", None, None, None, None, None, 102, 106)),
    ],
)
def test_parse_citation_variants(text: str, expected: tuple) -> None:
    src = parse_citation(text)
    assert fields(src) == expected
    assert src.raw  # the citation as written is kept


def test_raw_keeps_the_line() -> None:
    assert parse_citation("  The Militant, 1 January 1934  ").raw == "The Militant, 1 January 1934"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Labor Action, 31 February 1948", "impossible date"),
        ("Labor Action, 30 February 1948", "impossible date"),
        ("Labor Action, 45 March 1948", "impossible date"),
        ("Labor Action, 1948, pp. 48-45", "page range"),
        ("Labor Action, Vol. MMMMX, 1948", "MMMMX"),
        ("Labor Action, Vol. IIII, 1948", "IIII"),
        ("Labor Action, Nos. 4-3, 1948", "issue range"),
        ("Hello world, nothing here", "no periodical, date or page found"),
        ("", "no periodical, date or page found"),
    ],
)
def test_parse_citation_errors(text: str, fragment: str) -> None:
    with pytest.raises(CitationError) as err:
        parse_citation(text)
    assert fragment in str(err.value)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("I", 1), ("IV", 4), ("IX", 9), ("XII", 12), ("XIV", 14), ("XL", 40), ("MCMXLVIII", 1948)],
)
def test_roman(numeral: str, value: int) -> None:
    assert roman_to_int(numeral) == value
    assert roman_to_int(numeral.lower()) == value


@pytest.mark.parametrize(
    ("text", "date", "season"),
    [
        ("8 March 1948", "1948-03-08", None),
        ("March 8, 1948", "1948-03-08", None),
        ("8th March 1948", "1948-03-08", None),
        ("1st Sept. 1939", "1939-09-01", None),
        ("March 1948", "1948-03", None),
        ("Feb. 1950", "1950-02", None),
        ("1948", "1948", None),
        ("Fall 1959", "1959", "Fall"),
        ("Spring–Summer 1960", "1960", "Spring-Summer"),
        ("no date here", None, None),
    ],
)
def test_find_date(text: str, date: str | None, season: str | None) -> None:
    found = find_date(text)
    assert (found.date if found else None) == date
    assert (found.season if found else None) == season


def test_format_citation() -> None:
    assert (
        format_citation(parse_citation("From Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4."))
        == "Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4"
    )
    assert format_citation(parse_citation("New International, Vol. XIV No. 2, February 1948, pp. 45-48")) == (
        "New International, Vol. 14 No. 2, February 1948, pp. 45–48"
    )
    assert format_citation(parse_citation("Vol.20 No.4, Fall 1959")) == "Vol. 20 No. 4, Fall 1959"
    assert format_citation(parse_citation("FI, Vol. 5 Nos. 3-4, 1944")) == "FI, Vol. 5 Nos. 3-4, 1944"


@pytest.mark.parametrize(
    "text",
    [
        "From Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4.",
        "Labor Action, 8 March 1948",
        "**The Workers' Republic**, May 1901.",
        "***Justice** and Millerand*, **Justice**, 25 May 1901, p.6.",
        "New International, Winter 1956",
        "Vol.20 No.4, Fall 1959, pp.102-106",
        "First published in **Socialist Standard**, October 1973.",
    ],
)
def test_is_citation_line_true(text: str) -> None:
    assert is_citation_line(text)


@pytest.mark.parametrize(
    "text",
    [
        "(March 1948)",
        "March 1948",
        "Transcribed by Aindrias Ó Cathasaigh for **Red Banner**, No.20.",
        "When the Nazis conquered Czechoslovakia in March 1939, they did so against the workers.",
        "Observations on the Events in Czechoslovakia",
        "The hearts of all socialists were sick with sorrow in 1948 and the years before it, that is clear.",
        "",
    ],
)
def test_is_citation_line_false(text: str) -> None:
    assert not is_citation_line(text)


# -- parse_citation: properties ------------------------------------------------------------------------
_RESERVED = {
    "vol", "volume", "no", "nos", "nr", "number", "numbers", "issue", "whole", "p", "pp", "page", "pages",
    "pg", "pgs", "from", "source", "in", "first", "originally", "later", "published", "printed",
    "reprinted", "republished", "and", "to",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "spring", "summer", "fall", "autumn", "winter",
}  # fmt: skip

_word = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
    .filter(lambda w: w not in _RESERVED)
    .map(str.capitalize)
)
_possessive = st.tuples(_word, st.sampled_from(["", "'s", "’s", "s'"])).map("".join)
periodicals = (
    st.lists(st.one_of(_possessive, st.sampled_from(["of", "the"])), min_size=1, max_size=4)
    .map(" ".join)
    .filter(lambda s: s.split()[0][0].isupper() and s.split()[-1][0].isupper())
)


@st.composite
def sources(draw: st.DrawFn) -> Source:
    periodical = draw(st.none() | periodicals)
    volume = draw(st.none() | st.integers(1, 60))
    issue = draw(st.none() | st.integers(1, 60))
    label_kind = draw(st.sampled_from(["none", "double", "whole"]))
    issue_label = None
    if label_kind == "double" and issue is not None:
        issue_label = f"Nos. {issue}-{issue + draw(st.integers(1, 3))}"
    elif label_kind == "whole":
        issue_label = f"Whole No. {draw(st.integers(1, 999))}"
    precision = draw(st.sampled_from(["day", "month", "year", "season", "none"]))
    day = draw(st.dates(min_value=dt.date(1840, 1, 1), max_value=dt.date(2099, 12, 31)))
    season = None
    date = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}.get(precision)
    if precision == "season":
        season = draw(st.sampled_from(["Spring", "Summer", "Fall", "Autumn", "Winter", "Spring-Summer"]))
        date = day.isoformat()[:4]
    pages = draw(st.none() | st.tuples(st.integers(1, 500), st.integers(0, 30)))
    page_start = page_end = None
    if pages:
        page_start, page_end = pages[0], pages[0] + pages[1]
    src = Source(
        periodical=periodical,
        volume=volume,
        issue=issue,
        issue_label=issue_label,
        date=date,
        season=season,
        page_start=page_start,
        page_end=page_end,
    )
    has_component = any(x is not None for x in (volume, issue, issue_label, date, page_start))
    return src if has_component else Source(periodical=periodical, date="1950")


@settings(max_examples=300, deadline=None)
@given(sources())
def test_citation_round_trip(src: Source) -> None:
    text = format_citation(src)
    assert fields(parse_citation(text)) == fields(src), text
    # ETOL's own framing parses the same way
    assert fields(parse_citation(f"From {text}.")) == fields(src)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parse_citation_only_raises_citation_error(text: str) -> None:
    try:
        parse_citation(text)
    except CitationError:
        pass
    is_citation_line(text)
    is_credit_line(text)
    parse_credits(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="Vol.NopP 0123456789IVXMC-–,*", max_size=80))
def test_citation_like_noise_only_raises_citation_error(text: str) -> None:
    try:
        parse_citation(text)
    except CitationError:
        pass


# -- credits ------------------------------------------------------------------------------------------
ETOL = "Encyclopaedia of Trotskyism On-Line (ETOL)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"Transcribed & marked up by Einde O’Callaghan for the {ETOL}.",
            [
                ("transcribed", "Einde O’Callaghan", ETOL, None),
                ("marked up", "Einde O’Callaghan", ETOL, None),
            ],
        ),
        (
            "Transcribed by The James Connolly Society in 1997.",
            [("transcribed", "The James Connolly Society", None, 1997)],
        ),
        ("Transcribed by Ted Crawford.", [("transcribed", "Ted Crawford", None, None)]),
        (
            "Marked up by Einde O'Callaghan for the Marxists' Internet Archive.",
            [("marked up", "Einde O'Callaghan", "Marxists' Internet Archive", None)],
        ),
        (
            "Transcription/Markup: Zodiac/Brian Baggins",
            [("transcribed", "Zodiac", None, None), ("marked up", "Brian Baggins", None, None)],
        ),
        ("Proofread by Chris Clayton (2006)", [("proofread", "Chris Clayton", None, 2006)]),
        ("Translated by Sam Moore", [("translated", "Sam Moore", None, None)]),
        ("HTML Markup by Brian Baggins", [("html", "Brian Baggins", None, None)]),
        ("HTML Mark-up: Einde O'Callaghan", [("html", "Einde O'Callaghan", None, None)]),
        (
            "Transcription: Andy Blunden; Proofed: Matthew Carmody",
            [("transcribed", "Andy Blunden", None, None), ("proofread", "Matthew Carmody", None, None)],
        ),
        (
            "Translated: Sam Moore in cooperation with Frederick Engels, 1888",
            [("translated", "Sam Moore", None, 1888), ("translated", "Frederick Engels", None, 1888)],
        ),
        (
            'Transcription & HTML Mark-up: [Einde\nO\'Callaghan](../eocallaghan.htm){target="new"}\n'
            "for the **Marxists' Internet Archive**.",
            [
                ("transcribed", "Einde O'Callaghan", "Marxists' Internet Archive", None),
                ("html", "Einde O'Callaghan", "Marxists' Internet Archive", None),
            ],
        ),
        (
            "Transcribed by Ted Crawford.\nMarked up by Einde O'Callaghan.",
            [("transcribed", "Ted Crawford", None, None), ("marked up", "Einde O'Callaghan", None, None)],
        ),
        (
            "Transcribed by *The Workers' Web ASCII Pamphlet Project* in 1997.",
            [("transcribed", "The Workers' Web ASCII Pamphlet Project", None, 1997)],
        ),
        ("Transcribed by C.L.R. James.", [("transcribed", "C.L.R. James", None, None)]),
        ("Transcribed Aindrias Ó Cathasaigh.", [("transcribed", "Aindrias Ó Cathasaigh", None, None)]),
        (
            "Transcribed by Robert Bills on behalf of the Socialist Labor Party",
            [("transcribed", "Robert Bills", "Socialist Labor Party", None)],
        ),
        (
            "Transcribed by Ted Crawford and Einde O'Callaghan in December 2005.",
            [("transcribed", "Ted Crawford", None, 2005), ("transcribed", "Einde O'Callaghan", None, 2005)],
        ),
        # MIA "info" labels
        ("Proofread: by Andy Blunden February 2005.", [("proofread", "Andy Blunden", None, 2005)]),
        ("Transcribed: by Alan Barbour.", [("transcribed", "Alan Barbour", None, None)]),
        ("Translated: W. Lough from the German;", [("translated", "W. Lough", None, None)]),
        (
            "Translated: for marxists.org by Mitchell Abidor",
            [("translated", "Mitchell Abidor", "marxists.org", None)],
        ),
        ("Transcription/Markup: Zodiac/", [("transcribed", "Zodiac", None, None)]),
        ("Transcribed by Ted Crawford, 12 March 2005.", [("transcribed", "Ted Crawford", None, 2005)]),
    ],
)
def test_parse_credits_variants(text: str, expected: list[tuple]) -> None:
    credits = parse_credits(text)
    assert [(c.role, c.name, c.for_whom, c.year) for c in credits] == expected
    assert all(c.role in CREDIT_ROLES for c in credits)
    assert is_credit_line(text)


@pytest.mark.parametrize(
    "text",
    [
        "Translated into English, the book sold well.",
        "The transcription was bad.",
        "From Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4.",
        "Transcribed by",
        "",
    ],
)
def test_not_credit_lines(text: str) -> None:
    assert not is_credit_line(text)


_name_word = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
    .filter(lambda w: w not in _RESERVED and w not in {"for", "by", "with", "on", "the", "html"})
    .filter(lambda w: not any(w.startswith(r) for r in ("transcri", "mark", "proof", "translat", "edit", "scan")))
    .map(str.capitalize)
)
_names = st.lists(_name_word, min_size=1, max_size=3).map(" ".join)


@st.composite
def credit_lists(draw: st.DrawFn) -> list[Credit]:
    out: list[Credit] = []
    for _ in range(draw(st.integers(1, 4))):
        c = Credit(
            role=draw(st.sampled_from(CREDIT_ROLES)),
            name=draw(_names),
            for_whom=draw(st.none() | _names),
            year=draw(st.none() | st.integers(1850, 2030)),
        )
        if all((c.role, c.name) != (o.role, o.name) for o in out):
            out.append(c)
    return out


@settings(max_examples=200, deadline=None)
@given(credit_lists())
def test_credits_round_trip(credits: list[Credit]) -> None:
    lines = format_credits(credits)
    back = [c for line in lines for c in parse_credits(line)]
    assert back == credits, lines
    assert all(is_credit_line(line) for line in lines)
