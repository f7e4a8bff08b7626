"""Pure helpers of the SQLite store: canonical JSON, catalogue slugs, issue labels, summary rows.

Kept apart from :mod:`masthead.store.sqlite` so the web layer can format labels and dates the same
way without opening a store.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from masthead.model import Document, ModelError, slugify, validate
from masthead.store import DocumentSummary, IssueSummary, PeriodicalSummary, StoreError

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_ISO = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


# json.dumps(..., check_circular=False, separators=(",", ":")), without building an encoder per call.
# ASCII escapes: json's C encoder is about twice as fast with them, and SQLite stores the text as is.
_ENCODE = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode


def canonical_json(doc: Document) -> str:
    """The document's JSON without spaces: what revisions store and hash. ``Document.to_dict`` builds
    its keys in a fixed order, so the text is the same for equal documents."""
    return _ENCODE(doc.to_dict())


def prepare(doc: Document) -> tuple[str, str, int]:
    """What a save stores of ``doc``: its canonical JSON, the JSON's SHA-256 and its word count, after
    validating it (:class:`~masthead.store.StoreError` for a document that is not valid)."""
    try:
        validate(doc)
    except ModelError as exc:
        raise StoreError(f"cannot save document {doc.id!r}: {exc}") from exc
    text = canonical_json(doc)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest(), doc.word_count()


def catalogue_slug(name: str) -> str:
    """``slugify(name)``, or a stable ``x-<hash>`` slug for a name with no ASCII letters or digits."""
    return slugify(name) or "x-" + hashlib.sha1(name.strip().encode("utf-8")).hexdigest()[:10]


def format_date(date: str | None, season: str | None = None) -> str | None:
    """``"1948-03-08"`` -> ``"8 March 1948"``; ``"1948-03"`` -> ``"March 1948"``; ``"1955"`` with season
    ``"Fall"`` -> ``"Fall 1955"``. A date that is not ISO is returned as written."""
    if not date:
        return season or None
    m = _DATE.match(date)
    if not m:
        return date
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and 1 <= int(month) <= 12:
        name = _MONTHS[int(month) - 1]
        if day and 1 <= int(day) <= 31:
            return f"{int(day)} {name} {year}"
        return f"{name} {year}"
    return f"{season} {year}" if season else year


def issue_label(volume: int | None, number: int | None, date: str | None, season: str | None = None) -> str:
    """``"Vol. 12 No. 10, 8 March 1948"`` from the parts that are known; ``"Undated"`` when none are."""
    head = " ".join(p for p in (f"Vol. {volume}" if volume is not None else "", _no(number)) if p)
    parts = [p for p in (head, format_date(date, season)) if p]
    return ", ".join(parts) if parts else "Undated"


def _no(number: int | None) -> str:
    return f"No. {number}" if number is not None else ""


def now_utc() -> str:
    """The current UTC time as ISO 8601 with microseconds: ``2024-05-01T12:00:00.000000Z``."""
    return datetime.now(UTC).isoformat(timespec="microseconds")[:-6] + "Z"  # strftime is 10x slower


def iso_date(date: str | None) -> str | None:
    """``date`` when it is ISO 8601 at year, month or day precision (``1948``, ``1948-03``,
    ``1948-03-08``), else None: the catalogue sorts and groups by these strings."""
    text = (date or "").strip()
    return text if _ISO.fullmatch(text) else None


def clean(text: str | None) -> str | None:
    """``text`` stripped, or None when that leaves nothing."""
    text = (text or "").strip()
    return text or None


def _pages(start: int | None, end: int | None) -> str | None:
    if start is None:
        return None
    return str(start) if end is None or end == start else f"{start}-{end}"


def _year(date: str | None) -> int | None:
    return int(date) if date and date.isdigit() else None


def summary_row(r: Sequence[Any]) -> DocumentSummary:
    """A :class:`DocumentSummary` from the thirteen summary columns the SQLite store selects."""
    return DocumentSummary(
        id=r[0],
        title=r[1],
        subtitle=r[2],
        writers=tuple(json.loads(r[3])),
        periodical=r[4],
        periodical_slug=r[5],
        volume=r[6],
        issue=r[7],
        date=r[8],
        pages=_pages(r[9], r[10]),
        revision=r[11],
        words=r[12],
    )


def periodical_row(r: Sequence[Any]) -> PeriodicalSummary:
    """A :class:`PeriodicalSummary` from (slug, title, count, first year text, last year text)."""
    return PeriodicalSummary(slug=r[0], title=r[1], documents=r[2], first_year=_year(r[3]), last_year=_year(r[4]))


def issue_heading(issue: IssueSummary) -> str:
    """An issue as an ETOL index names it: ``"Vol. 12 No. 10, 8 March 1948"``.

    The store's label (which also knows seasons: ``"Vol. 3 No. 4, Fall 1956"``) when it has one, else
    built from volume, number and date the way the store builds labels.
    """
    return issue.label or issue_label(issue.volume, issue.number, issue.date)


def date_key(doc: DocumentSummary) -> tuple[int, str, str]:
    """The order of a writer's articles: dated ones by date and page, then undated ones by title."""
    return (0, doc.date, doc.pages or "") if doc.date else (1, "", doc.title)
