"""Glossary entries: who and what the archive names, and their JSON and CSV forms.

An :class:`Entry` is one person, organisation, party, periodical, place or event: a slug ``id``, a
``type``, a preferred ``name``, ``aliases`` (other spellings and short forms a text may use), the
years it was active or alive (``date_from`` / ``date_to``), a short ``description`` editors write,
``links`` (addresses about it), ``sources`` (where the description comes from) and ``related`` (ids
of entries it is often named with, which helps choose between two entries sharing a name).

:func:`load_entries` reads a JSON file (a list of entries, or ``{"entries": [...]}``) or a CSV file
(one entry a row; list fields joined by ``|``). Bad input raises :class:`GlossaryError` with a
one-line message naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from masthead.model import slugify

__all__ = [
    "ENTRY_TYPES",
    "STATUSES",
    "Entry",
    "Mention",
    "GlossaryError",
    "entries_from_json",
    "entries_to_json",
    "entries_from_csv",
    "entries_to_csv",
    "load_entries",
    "starter_entries",
]

ENTRY_TYPES = ("person", "organisation", "party", "periodical", "place", "event", "other")
"""The kinds of entry."""

STATUSES = ("accepted", "proposed", "rejected", "merged")
"""An entry's place in the editors' queue: proposed entries wait; merged ones point at another entry."""

CSV_FIELDS = ("id", "type", "name", "aliases", "date_from", "date_to", "description", "links", "sources", "related")
_LIST_FIELDS = ("aliases", "links", "sources", "related")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class GlossaryError(ValueError):
    """A glossary file or entry that cannot be used (one-line message naming the file and line)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One glossary entry (see the module docstring)."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    date_from: int | None = None
    date_to: int | None = None
    description: str = ""
    links: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    status: str = "accepted"
    merged_into: str | None = None

    def names(self) -> tuple[str, ...]:
        """The preferred name then every alias, without repeats."""
        seen: dict[str, None] = {self.name: None}
        for a in self.aliases:
            seen.setdefault(a, None)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (lists for the tuple fields)."""
        d = asdict(self)
        for k in _LIST_FIELDS:
            d[k] = list(d[k])
        return d

    def replace(self, **changes: Any) -> Entry:
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Mention:
    """A glossary entry named in a document: ``view.text[start:end] == surface`` where ``view`` is
    :func:`masthead.textview.text_view` of the document. ``alternatives`` are the other entries the
    same surface could name (empty when it is unambiguous)."""

    start: int
    end: int
    surface: str
    entry_id: str
    type: str
    confidence: float
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "start": self.start,
            "end": self.end,
            "surface": self.surface,
            "entry": self.entry_id,
            "type": self.type,
            "confidence": self.confidence,
            "alternatives": list(self.alternatives),
        }


RESERVED_IDS = frozenset({"queue"})
"""Ids no entry may take: they name the glossary's own pages (``/glossary/queue``, the editors' queue)."""


def make_entry_id(name: str) -> str:
    """The slug id of a new entry named ``name`` (``"Jean Jaurès"`` -> ``"jean-jaures"``; a name whose
    slug is reserved gets ``-entry`` added: ``"Queue"`` -> ``"queue-entry"``)."""
    eid = slugify(name) or "entry"
    return f"{eid}-entry" if eid in RESERVED_IDS else eid


def _year(value: Any, where: str, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise GlossaryError(f"{where}: {name} must be a year, not {value!r}")
    try:
        year = int(str(value).strip())
    except ValueError:
        raise GlossaryError(f"{where}: {name} must be a year such as 1917, not {value!r}") from None
    if not -3000 <= year <= 2200:
        raise GlossaryError(f"{where}: {name} {year} is not a plausible year")
    return year


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GlossaryError(f"{where}: {name} must be a list of strings")
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def entry_from_dict(data: Any, where: str) -> Entry:
    """An entry from a JSON object or CSV row; ``where`` (``file:line``) prefixes any error."""
    if not isinstance(data, dict):
        raise GlossaryError(f"{where}: an entry must be an object with at least a name and a type")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise GlossaryError(f"{where}: entry has no name")
    name = " ".join(name.split())
    etype = str(data.get("type") or "").strip().lower()
    if etype == "organization":
        etype = "organisation"
    if etype not in ENTRY_TYPES:
        kinds = ", ".join(ENTRY_TYPES)
        raise GlossaryError(f"{where}: entry {name!r} has type {etype or '(none)'!r}; use one of {kinds}")
    eid = str(data.get("id") or "").strip() or make_entry_id(name)
    if not _ID.match(eid):
        raise GlossaryError(f"{where}: entry id {eid!r} must be a slug of lowercase letters, digits and hyphens")
    if eid in RESERVED_IDS:
        raise GlossaryError(f"{where}: entry id {eid!r} is reserved for the glossary's own pages; choose another")
    date_from = _year(data.get("date_from", data.get("from")), where, "date_from")
    date_to = _year(data.get("date_to", data.get("to")), where, "date_to")
    if date_from is not None and date_to is not None and date_to < date_from:
        raise GlossaryError(f"{where}: entry {name!r} ends ({date_to}) before it begins ({date_from})")
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise GlossaryError(f"{where}: description must be text")
    status = str(data.get("status") or "accepted")
    if status not in STATUSES:
        raise GlossaryError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
    aliases = tuple(" ".join(a.split()) for a in _strings(data.get("aliases"), where, "aliases"))
    return Entry(
        id=eid,
        type=etype,
        name=name,
        aliases=tuple(a for a in dict.fromkeys(aliases) if a != name),
        date_from=date_from,
        date_to=date_to,
        description=description.strip(),
        links=_strings(data.get("links"), where, "links"),
        sources=_strings(data.get("sources"), where, "sources"),
        related=_strings(data.get("related"), where, "related"),
        status=status,
        merged_into=data.get("merged_into") or None,
    )


def _check_unique(entries: list[Entry], lines: list[int], label: str) -> None:
    seen: dict[str, int] = {}
    for e, line in zip(entries, lines, strict=True):
        if e.id in seen:
            raise GlossaryError(f"{label}:{line}: entry id {e.id!r} is used again (first at line {seen[e.id]})")
        seen[e.id] = line


def entries_from_json(text: str, *, label: str = "<json>") -> list[Entry]:
    """Entries from JSON: a list of objects or ``{"entries": [...]}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GlossaryError(f"{label}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if isinstance(data, dict) and "entries" in data:
        data = data["entries"]
    if not isinstance(data, list):
        raise GlossaryError(f"{label}:1: expected a list of entries or an object with an 'entries' list")
    lines = _object_lines(text, len(data))
    entries = [entry_from_dict(item, f"{label}:{line}") for item, line in zip(data, lines, strict=True)]
    _check_unique(entries, lines, label)
    return entries


def _object_lines(text: str, count: int) -> list[int]:
    """The line on which each top-level entry object starts (best effort: for error messages)."""
    lines: list[int] = []
    depth = 0
    in_str = esc = False
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if ch == "{" and depth in (2, 3) and len(lines) < count:
                lines.append(line)
        elif ch in "]}":
            depth -= 1
    if len(lines) != count:  # {"entries": [...]} puts objects at depth 3; mixed shapes: fall back
        lines = [1] * count
    return lines


def entries_to_json(entries: Iterable[Entry]) -> str:
    """Entries as a JSON document ``{"entries": [...]}`` (merged and rejected ones kept with their status)."""
    return json.dumps({"entries": [e.to_dict() for e in entries]}, ensure_ascii=False, indent=2) + "\n"


def entries_from_csv(text: str, *, label: str = "<csv>") -> list[Entry]:
    """Entries from CSV with a header row naming at least ``name`` and ``type`` (see :data:`CSV_FIELDS`)."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [f for f in ("name", "type") if f not in header]
    if missing:
        raise GlossaryError(f"{label}:1: the header row lacks {', '.join(missing)} (columns: {', '.join(CSV_FIELDS)})")
    entries: list[Entry] = []
    lines: list[int] = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                raise GlossaryError(f"{label}:{line}: more fields than the header has columns")
            if not any((v or "").strip() for v in row.values()):
                continue
            data: dict[str, Any] = {k: (v or "").strip() for k, v in row.items()}
            for k in _LIST_FIELDS:
                data[k] = [p for p in (data.get(k) or "").split("|") if p.strip()]
            entries.append(entry_from_dict(data, f"{label}:{line}"))
            lines.append(line)
    except csv.Error as exc:
        raise GlossaryError(f"{label}:{reader.line_num}: not valid CSV ({exc})") from None
    _check_unique(entries, lines, label)
    return entries


def entries_to_csv(entries: Iterable[Entry]) -> str:
    """Entries as CSV with :data:`CSV_FIELDS` columns (list fields joined by ``|``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for e in entries:
        d = e.to_dict()
        w.writerow(["|".join(d[k]) if k in _LIST_FIELDS else ("" if d[k] is None else d[k]) for k in CSV_FIELDS])
    return buf.getvalue()


def load_entries(path: str | Path) -> list[Entry]:
    """Entries from a ``.json`` or ``.csv`` file (by extension; other files are tried as JSON)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GlossaryError(f"{p}: no such file") from None
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise GlossaryError(f"{p}: cannot read ({exc.strerror or exc})") from None
    if p.suffix.lower() == ".csv":
        return entries_from_csv(text, label=str(p))
    return entries_from_json(text, label=str(p))


def starter_entries() -> list[Entry]:
    """The bundled starter glossary (people and organisations the bundled corpus names most)."""
    from importlib.resources import files

    text = files("masthead.glossary").joinpath("starter.json").read_text(encoding="utf-8")
    return entries_from_json(text, label="starter.json")
