"""The document model: one typed structure that every stage takes and returns.

A transcription becomes a :class:`Document`: front matter (title, subtitle, date line, writers, the
source citation, credits), a list of :class:`Block` (headings, paragraphs, lists, block quotes, notes,
section breaks) and the end :class:`Note` list. Inline formatting is kept as :class:`Mark` spans over a
block's plain ``text`` (character offsets), so that proofreading findings, search hits and entity
mentions can all point into the same plain text that the store keeps.

All classes are frozen dataclasses built from tuples, so documents compare by value and hash.
``Document.from_json(doc.to_json()) == doc`` holds for every document; ``docs/document.schema.json``
describes the JSON form.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

SCHEMA_VERSION = 1

BLOCK_KINDS = ("heading", "paragraph", "list", "item", "quote", "note", "section_break", "preformatted")
"""Block kinds. ``list`` holds ``item`` children; ``quote`` holds any blocks as children."""

MARK_KINDS = ("emphasis", "strong", "noteref", "link", "linebreak", "smallcaps", "superscript", "subscript")
"""Inline mark kinds. ``noteref`` and ``linebreak`` are zero-width (``start == end``)."""

CREDIT_ROLES = (
    "transcribed",
    "marked up",
    "proofread",
    "translated",
    "edited",
    "scanned",
    "html",
    "other",
)


class ModelError(ValueError):
    """A document that breaks the model's rules (bad offsets, unknown kinds, bad JSON)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """An inline span over a block's ``text``: ``text[start:end]`` is emphasised, linked, etc.

    ``target`` is the link address for ``link`` and the note id for ``noteref``; ``label`` is the
    visible marker of a note reference (``"1"``, ``"*"``, ``"a"``).
    """

    start: int
    end: int
    kind: str
    target: str | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the body.

    - ``heading``: ``text`` with ``level`` 1-6 (level as in the source: ETOL section heads are often 4).
    - ``paragraph``: ``text`` with ``marks``; ``style`` keeps a source class such as ``fst``, ``sig``,
      ``date``, ``indentb`` that affects layout but not meaning.
    - ``list``: ``ordered`` with ``item`` children; each ``item`` has ``text`` and ``marks``.
    - ``quote``: a block quote whose ``children`` are blocks.
    - ``note``: an editor's or translator's note standing in the body.
    - ``section_break``: a rule or ``* * *`` between sections; no text.
    - ``preformatted``: text whose line breaks matter (verse, tables flattened to text).

    ``anchor`` is an id that links may point at (kept from the source where it has one).
    """

    kind: str
    text: str = ""
    marks: tuple[Mark, ...] = ()
    level: int | None = None
    ordered: bool = False
    children: tuple[Block, ...] = ()
    style: str | None = None
    anchor: str | None = None

    def plain_text(self) -> str:
        """The block's text, children included, one line per child block."""
        if self.children:
            inner = "\n".join(c.plain_text() for c in self.children)
            return f"{self.text}\n{inner}" if self.text else inner
        return self.text


@dataclass(frozen=True, slots=True)
class Note:
    """An end note (footnote). ``id`` is what ``noteref`` marks point at; ``label`` is shown."""

    id: str
    label: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """Where the text was first published, parsed from a citation line.

    ``date`` is ISO 8601 at the precision the citation gives (``1948-03-08``, ``1948-03``, ``1959``);
    ``season`` keeps a season name ("Fall") when the citation gives one. ``page_start`` / ``page_end``
    are the page range (equal for a single page). ``raw`` is the citation as written.
    """

    periodical: str | None = None
    volume: int | None = None
    issue: int | None = None
    issue_label: str | None = None
    date: str | None = None
    season: str | None = None
    page_start: int | None = None
    page_end: int | None = None
    raw: str = ""

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    @property
    def pages(self) -> str | None:
        """Pages for display: ``"4"`` or ``"102-106"``."""
        if self.page_start is None:
            return None
        if self.page_end is None or self.page_end == self.page_start:
            return str(self.page_start)
        return f"{self.page_start}-{self.page_end}"


@dataclass(frozen=True, slots=True)
class Credit:
    """Who did what to this text: ``role`` from :data:`CREDIT_ROLES`, ``name``, ``for_whom``, ``year``."""

    role: str
    name: str
    for_whom: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """The file a document was read from: path as given, reader format, SHA-256 of the raw bytes."""

    path: str = ""
    format: str = ""
    sha256: str = ""
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A structured transcription. See the module docstring."""

    id: str
    title: str
    subtitle: str | None = None
    date_line: str | None = None
    writers: tuple[str, ...] = ()
    source: Source = field(default_factory=Source)
    credits: tuple[Credit, ...] = ()
    blocks: tuple[Block, ...] = ()
    notes: tuple[Note, ...] = ()
    info: tuple[tuple[str, str], ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    language: str = "en"

    # -- JSON ---------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the form ``docs/document.schema.json`` describes)."""
        d = _to_plain(self)
        d["schema_version"] = SCHEMA_VERSION
        return d

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """A document from its JSON form (see :meth:`to_dict`); raises :class:`ModelError` when the data
        is not a document or breaks the model's rules (:func:`validate`)."""
        if not isinstance(data, dict):
            raise ModelError("not a Masthead document: top level is not an object")
        try:
            doc = Document(
                data["id"],
                data["title"],
                data.get("subtitle"),
                data.get("date_line"),
                tuple(data.get("writers", ())),
                Source(**data.get("source", {})),
                tuple(Credit(**c) for c in data.get("credits", ())),
                _blocks_from(data.get("blocks", ())),
                tuple(Note(n["id"], n["label"], _blocks_from(n.get("blocks", ()))) for n in data.get("notes", ())),
                tuple((str(k), str(v)) for k, v in data.get("info", ())),
                Provenance(**data.get("provenance", {})),
                data.get("language", "en"),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"not a Masthead document: {exc}") from exc
        # the blocks' kinds, levels and marks were checked as they were built
        _validate_front(doc)
        return doc

    @classmethod
    def from_json(cls, text: str) -> Document:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise ModelError("not a Masthead document: top level is not an object")
        return cls.from_dict(data)

    # -- conveniences -------------------------------------------------------------------------------
    def replace(self, **changes: Any) -> Document:
        """A copy with some fields changed (documents are immutable)."""
        return replace(self, **changes)

    def iter_blocks(self) -> list[Block]:
        """Every block, depth first (list items and quoted blocks included), notes' blocks last."""
        out: list[Block] = []
        _walk(self.blocks, out)
        for n in self.notes:
            _walk(n.blocks, out)
        return out

    def plain_text(self) -> str:
        """The body as plain text: blocks separated by blank lines, notes after the body."""
        parts = [b.plain_text() for b in self.blocks if b.kind != "section_break"]
        for n in self.notes:
            parts.append(f"[{n.label}] " + "\n".join(b.plain_text() for b in n.blocks))
        return "\n\n".join(p for p in parts if p)

    def word_count(self) -> int:
        """Words (runs of non-space characters) in the body and the notes (block by block: a block of
        ASCII text, the usual case, is counted on its bytes as they are stored)."""
        return sum(count_words(b.text) for b in self.iter_blocks() if b.text)


# str.split()'s separators: every character for which str.isspace() holds (tests check the list).
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
_OTHER_SPACE = "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
# Every ASCII space byte -> b" ", every other byte (UTF-8 sequences included) -> b"x".
_SPACE_OR_X = bytes(32 if chr(i) in _ASCII_SPACE else 120 for i in range(256))


def count_words(text: str) -> int:
    """``len(text.split())``, without making a string per word: the text's UTF-8 bytes mapped to
    ``b" "`` (space) and ``b"x"`` (anything else), counting where a word starts. Text holding a space
    outside ASCII (a no-break space, say) is split as it is."""
    if not text.isascii() and any(c in text for c in _OTHER_SPACE):  # str.find per character: fast
        return len(text.split())
    marks = text.encode("utf-8", "surrogatepass").translate(_SPACE_OR_X)
    return marks.count(b" x") + marks.startswith(b"x")


def _walk(blocks: tuple[Block, ...], out: list[Block]) -> None:
    """Append ``blocks`` and their children, depth first, to ``out`` (a module function: a nested one
    that calls itself is a reference cycle, left for the garbage collector on every call)."""
    for b in blocks:
        out.append(b)
        if b.children:
            _walk(b.children, out)


def _mark_dict(m: Mark) -> dict[str, Any]:
    d: dict[str, Any] = {"start": m.start, "end": m.end, "kind": m.kind}
    if m.target is not None:
        d["target"] = m.target
    if m.label is not None:
        d["label"] = m.label
    return d


def _block_dict(b: Block) -> dict[str, Any]:
    """A block as JSON: fields equal to their default are left out to keep documents small."""
    d: dict[str, Any] = {"kind": b.kind}
    if b.text:
        d["text"] = b.text
    if b.marks:
        d["marks"] = [_mark_dict(m) for m in b.marks]
    if b.level is not None:
        d["level"] = b.level
    if b.ordered:
        d["ordered"] = True
    if b.children:
        d["children"] = [_block_dict(c) for c in b.children]
    if b.style is not None:
        d["style"] = b.style
    if b.anchor is not None:
        d["anchor"] = b.anchor
    return d


def _to_plain(doc: Document) -> dict[str, Any]:
    """The document as JSON-ready data; every front-matter field is always present."""
    s, p = doc.source, doc.provenance
    return {
        "id": doc.id,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "date_line": doc.date_line,
        "writers": list(doc.writers),
        "source": {
            "periodical": s.periodical,
            "volume": s.volume,
            "issue": s.issue,
            "issue_label": s.issue_label,
            "date": s.date,
            "season": s.season,
            "page_start": s.page_start,
            "page_end": s.page_end,
            "raw": s.raw,
        },
        "credits": [{"role": c.role, "name": c.name, "for_whom": c.for_whom, "year": c.year} for c in doc.credits],
        "blocks": [_block_dict(b) for b in doc.blocks],
        "notes": [{"id": n.id, "label": n.label, "blocks": [_block_dict(b) for b in n.blocks]} for n in doc.notes],
        "info": [[k, v] for k, v in doc.info],
        "provenance": {"path": p.path, "format": p.format, "sha256": p.sha256, "encoding": p.encoding},
        "language": doc.language,
    }


_BLOCK_KINDS = frozenset(BLOCK_KINDS)
_MARK_KINDS = frozenset(MARK_KINDS)


def _block_from(d: dict[str, Any]) -> Block:
    """One block from its JSON form, checked as :func:`validate` checks it."""
    return _blocks_from((d,))[0]


def _blocks_from(items: Any) -> tuple[Block, ...]:
    """Blocks from their JSON form, checked as they are built (kinds, heading levels, marks: what
    :func:`validate` checks of a block). Keys left out take the fields' defaults (as ``to_dict`` leaves
    them out); a key the model does not know is ignored."""
    out = []
    for d in items:
        kind = d["kind"]
        if kind not in _BLOCK_KINDS:
            raise ModelError(f"unknown block kind {kind!r}")
        n = len(d)
        text = d.get("text", "")
        if n == 1 or n == 2 and "text" in d:  # the common case: a paragraph with no marks
            if kind == "heading":
                raise ModelError(f"heading {text[:40]!r} has level None, expected 1-6")
            out.append(Block(kind, text))
            continue
        marks = d.get("marks")
        if n == 3 and marks is not None and "text" in d and kind != "heading":  # a paragraph with marks
            out.append(Block(kind, text, _marks_from(marks, len(text)) if marks else ()))
            continue
        level = d.get("level")
        if kind == "heading" and not (level and 1 <= level <= 6):
            raise ModelError(f"heading {text[:40]!r} has level {level!r}, expected 1-6")
        children = d.get("children")
        out.append(
            Block(
                kind,
                text,
                _marks_from(marks, len(text)) if marks else (),
                level,
                d.get("ordered", False),
                _blocks_from(children) if children else (),
                d.get("style"),
                d.get("anchor"),
            )
        )
    return tuple(out)


def _marks_from(items: Any, size: int) -> tuple[Mark, ...]:
    out = []
    for m in items:
        n = len(m)
        if n == 3:  # start, end, kind (else Mark(**m) rejects keys it does not know)
            mark = Mark(m["start"], m["end"], m["kind"])
        elif n == 4 and "target" in m:
            mark = Mark(m["start"], m["end"], m["kind"], m["target"])
        else:
            mark = Mark(**m)
        if mark.kind not in _MARK_KINDS:
            raise ModelError(f"unknown mark kind {mark.kind!r}")
        if not (0 <= mark.start <= mark.end <= size):
            raise ModelError(f"mark {mark.kind} [{mark.start}:{mark.end}] is outside its block of {size} chars")
        out.append(mark)
    return tuple(out)


def validate(doc: Document) -> None:
    """Raise :class:`ModelError` when a document breaks the model's rules."""
    for b in doc.iter_blocks():
        if b.kind not in BLOCK_KINDS:
            raise ModelError(f"unknown block kind {b.kind!r}")
        if b.kind == "heading" and not (b.level and 1 <= b.level <= 6):
            raise ModelError(f"heading {b.text[:40]!r} has level {b.level!r}, expected 1-6")
        for m in b.marks:
            if m.kind not in MARK_KINDS:
                raise ModelError(f"unknown mark kind {m.kind!r}")
            if not (0 <= m.start <= m.end <= len(b.text)):
                raise ModelError(f"mark {m.kind} [{m.start}:{m.end}] is outside its block of {len(b.text)} chars")
    _validate_front(doc)


def _validate_front(doc: Document) -> None:
    """What :func:`validate` checks beyond the blocks: the id, the notes' ids, the credits' roles."""
    if not doc.id:
        raise ModelError("document has no id")
    if len(doc.notes) > 1 and len({n.id for n in doc.notes}) != len(doc.notes):
        raise ModelError("two notes share an id")
    for c in doc.credits:
        if c.role not in CREDIT_ROLES:
            raise ModelError(f"unknown credit role {c.role!r}")


# -- slugs and ids -----------------------------------------------------------------------------------
_STOP = {"a", "an", "the", "of", "and", "on", "in", "to", "for", "is"}


def slugify(text: str, *, max_words: int | None = None) -> str:
    """ASCII slug: ``"Workers’ Republic"`` -> ``"workers-republic"``; accents folded, quotes dropped."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = re.sub(r"['’‘`]", "", t.lower())
    words = re.findall(r"[a-z0-9]+", t)
    if max_words is not None:
        kept = [w for w in words if w not in _STOP] or words
        words = kept[:max_words]
    return "-".join(words)


def make_document_id(doc: Document, *, fallback: str = "") -> str:
    """A stable, readable id from the document's own metadata.

    ``labor-action/1948/03/08/independent-socialism`` when periodical and date are known; otherwise
    the first writer's slug, the year if any, and the title slug; ``fallback`` (usually the source
    file's stem) when there is no title.
    """
    title = slugify(doc.title, max_words=4) or slugify(fallback) or "untitled"
    src = doc.source
    if src.periodical and src.date:
        return "/".join([slugify(src.periodical), *src.date.split("-"), title])
    parts = []
    if doc.writers:
        parts.append(slugify(doc.writers[0]))
    if src.date:
        parts.append(src.date[:4])
    elif doc.date_line and (m := re.search(r"\b(1[5-9]\d\d|20\d\d)\b", doc.date_line)):
        parts.append(m.group(1))
    parts.append(title)
    return "/".join(p for p in parts if p)
