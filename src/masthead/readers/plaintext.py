"""Reader for ETOL plain-text articles.

Layout (as in ``examples/corpus/plaintext/``)::

    Title, possibly wrapped
    over several short lines

    Optional subtitle

    (March 1948)

    From Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4.
    Transcribed & marked up by Einde O’Callaghan for the Encyclopaedia of Trotskyism On-Line (ETOL).

    Paragraphs separated by blank lines ...

Rules (each a small function below):

- **Front matter.** The title is the first run of short lines (joined with a space). After it come
  *markers* in any order: a date line in parentheses, a citation
  (:func:`~masthead.citation.is_citation_line`), credit lines (:func:`~masthead.citation.is_credit_line`)
  and a ``by Name`` byline. The front matter runs to the last block holding a marker; the scan stops at
  prose (an unmarked block of more than three lines or a line over 160 characters), at a section break,
  or after two unmarked blocks in a row once a marker was seen. Inside it, the first unmarked
  block right after the title is the subtitle (or, when it is a bare name such as "Irving Howe", the
  byline); any other unmarked line is reported as a :class:`Diagnostic` and kept in ``info`` under
  ``"front matter"``. Without any marker, the front matter is the title alone: a short block after it is
  body text, since nothing tells a subtitle from a first section heading.
- **Blocks.** Blocks are runs of non-blank lines; wrapped lines are joined with a space. A line ending in
  a hyphen joins the next without a space: the hyphen is dropped ("govern-/ment" -> "government") when
  the next line starts in lower case and the part before is not a common prefix (self-, anti-, non-,
  ...); otherwise it is kept ("self-confidence", "anti-Stalinist", "Franco-Soviet"). A line ending in an
  em dash joins without a space; a spaced dash or hyphen (" –", "1917-" before a digit) with a space.
- **Section breaks.** Two or more blank lines between body blocks, or a line of ``* * *``, ``***``,
  ``---`` and the like, make one ``section_break`` block.
- **Headings.** A single short line (at most 12 words, 100 characters) standing alone between blank
  lines and followed by more text, starting with a capital, not ending in ``. , ; :``; a heading that ends
  in ``?`` or ``!`` must be title-cased. Headings get level 4, the level ETOL uses for section heads.
- **Lists.** A block whose first line and at least one other start with ``1.``, ``(a)``, ``a)``, ``–``,
  ``-``, ``•`` or ``*`` is a list; unmarked lines continue the item above.
- **Quotes.** Blocks indented by two or more spaces (or a tab) are block quotes, unless most of the
  body is indented (then indentation is just the file's paragraph style).
- **Notes.** A ``Notes`` (``Footnotes``, ``Endnotes``) line followed by ``[1] ...`` or ``1. ...`` lines starts
  the notes; each label starts a :class:`~masthead.model.Note`. In the body, ``[1]`` (or ``[*]``) matching a
  note becomes a zero-width ``noteref`` mark and is removed from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from masthead.citation import (
    CitationError,
    citation_from_line,
    credits_from_line,
    find_date,
)
from masthead.model import Block, Document, Mark, Note, Provenance, Source, make_document_id
from masthead.readers import Diagnostic, FrontMatter, Parsed, ReadError

HEADING_LEVEL = 4
"""Level of section headings read from plain text (ETOL's ``<h4>``)."""

_MAX_TITLE_LINES = 4
_MAX_TITLE_WORDS = 40
_MAX_FRONT_LINE = 300
_MAX_FRONT_BLOCKS = 10
_MAX_UNMARKED_FRONT_LINE = 160
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 100

_BREAK_LINE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|(?:#\s*){3,}|(?:~\s*){3,}|(?:=\s*){3,})$")
_DATE_LINE = re.compile(r"^\((?P<inner>[^()]{1,80})\)\.?$")
_BYLINE = re.compile(r"^[Bb]y\s+(?P<names>\S.{0,120})$")
_NOTES_HEAD = re.compile(r"^(?:notes?|foot-?notes|end-?notes|notes and references)\s*:?$", re.IGNORECASE)
_NOTE_START = re.compile(r"^(?:\[(?P<a>\d{1,3}|\*{1,3}|[a-z])\]|(?P<b>\d{1,3})[.)])\s*(?P<text>.*)$")
_LIST_MARK = re.compile(r"^(?:(?P<num>\d{1,3}[.)]|\((?:\d{1,3}|[a-z]|[ivx]{1,5})\)|[a-z][.)])|(?P<bul>[-–—•*]))\s+")
_WORD_START = re.compile(r"[\-–—/(\"“‘']")
_NOTEREF = re.compile(r"\[(\d{1,3}|\*{1,3}|[a-z])\]")
_NOTEREF_TAIL = re.compile(r"(?:\s*\[(?:\d{1,3}|\*{1,3}|[a-z])\])+$")
_NAME_SPLIT = re.compile(r"\s*(?:,\s*and\s+|,|\band\b|&)\s*")
_SMALL_WORDS = frozenset(
    "a an the and or nor but of in on at to for by with from as vs via into upon over per off up de la le et "
    "is are was be".split()
)
_HYPHEN_PREFIXES = frozenset(
    "self non anti pro co ex semi quasi neo pseudo ultra counter half well all cross post pre petty "
    "ill so much world long short full one two three four five left right ever working middle trade "
    "war after under over re de mid".split()
)


@dataclass(slots=True)
class _Chunk:
    """A run of non-blank lines: the lines (right-stripped), first line number, blank lines before."""

    lines: list[str]
    line: int
    blanks: int
    indented: bool


# -- text helpers ------------------------------------------------------------------------------------
def _normalise(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = text.expandtabs(4)
    return text


def _chunks(text: str) -> list[_Chunk]:
    """Split text into runs of non-blank lines, noting blank lines before and indentation."""
    chunks: list[_Chunk] = []
    current: list[str] = []
    start = 0
    blanks = 0
    indented = True
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line:
            if current:
                chunks.append(_Chunk(current, start, blanks, indented))
                current, blanks = [], 0
            blanks += 1
            continue
        if not current:
            start = i
            indented = True
        if indented and line[:2] != "  ":
            indented = False
        current.append(line)
    if current:
        chunks.append(_Chunk(current, start, blanks, indented))
    return chunks


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one: with a space, or across a line-end hyphen (see module docstring)."""
    rows = [ln.strip() for ln in lines]
    rows = [r for r in rows if r]
    if not rows:
        return ""
    parts = [rows[0]]
    for prev, nxt in zip(rows, rows[1:], strict=False):
        if prev.endswith("—"):
            parts.append(nxt)
        elif prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and nxt[0].isalpha():
            token = prev[:-1].rsplit(None, 1)[-1]
            word = _WORD_START.split(token)[-1]
            if nxt[0].islower() and word.lower() not in _HYPHEN_PREFIXES:
                parts[-1] = parts[-1][:-1]
            parts.append(nxt)
        else:
            parts.append(" ")
            parts.append(nxt)
    return "".join(parts)


def _title_cased(text: str) -> bool:
    words = [w.strip("\"'“”‘’()[],;:.?!") for w in text.split()]
    words = [w for w in words if w]
    if not words or not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    for w in words[1:]:
        if w.lower() in _SMALL_WORDS or not w[:1].isalpha():
            continue
        if not w[:1].isupper():
            return False
    return True


def _is_heading_text(text: str) -> bool:
    if len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    first = text.lstrip("\"'“‘(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    core = _NOTEREF_TAIL.sub("", text).rstrip("\"'”’)]")
    if not core or core[-1] in ".,;:…" or core.endswith("..."):
        return False
    if re.search(r"[?!]\s|[a-z]{2}\.\s", core):
        return False
    if core[-1] in "?!":
        return _title_cased(core)
    return True


# -- front matter ------------------------------------------------------------------------------------
_Row = tuple[int, str, str, object]
"""A classified front-matter line: line number, text, kind, parsed value."""


def _classify(line: str) -> tuple[str, object]:
    """A front-matter line's kind (``date``, ``citation``, ``credit``, ``byline``, ``unknown``) and value."""
    text = line.strip()
    if m := _DATE_LINE.match(text):
        try:
            if find_date(m.group("inner")) is not None:
                return "date", m.group("inner").strip()
        except CitationError:
            return "unknown", None
    if credits := credits_from_line(text):
        return "credit", credits
    if src := citation_from_line(text):
        return "citation", src
    if (m := _BYLINE.match(text)) and (names := _names(m.group("names"))):
        return "byline", names
    if text[:1].isalnum() and len(text) < 40:
        try:
            found = find_date(text)
        except CitationError:
            found = None
        if found and found.start == 0 and found.end >= len(text.rstrip(".")):
            return "date", text.rstrip(".")
    return "unknown", None


def _names(text: str) -> list[str]:
    """Writers' names from a byline ("A, B and C"); empty when any part does not look like a name."""
    parts = [p.strip(" .") for p in _NAME_SPLIT.split(text.strip()) if p.strip(" .")]
    if not parts or not all(_is_name(p) for p in parts):
        return []
    return parts


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5:
        return False
    for w in words:
        core = w.strip("\"“”‘’'.,()")
        if not core:
            return False
        if core.lower() in {"de", "van", "von", "der", "la", "le", "du", "da", "y"}:
            continue
        if not core[:1].isupper() or not re.fullmatch(r"[^\W\d_]+(?:['’.\-][^\W\d_]*)*\.?", core):
            return False
    return True


def _is_bare_name(chunk: _Chunk) -> bool:
    if len(chunk.lines) != 1:
        return False
    words = chunk.lines[0].split()
    return (
        2 <= len(words) <= 4 and all(w.lower() not in _SMALL_WORDS for w in words) and _is_name(chunk.lines[0].strip())
    )


def _front_eligible(chunk: _Chunk) -> bool:
    return len(chunk.lines) <= 6 and all(len(ln) <= _MAX_FRONT_LINE for ln in chunk.lines)


def _read_title(chunk: _Chunk) -> tuple[list[str], list[_Row]]:
    """Title lines of the first block, and the marked lines that follow them in the same block."""
    title: list[str] = []
    rest: list[_Row] = []
    for i, line in enumerate(chunk.lines):
        kind, value = _classify(line) if (title or i > 0) else ("unknown", None)
        if rest or (title and kind != "unknown"):
            rest.append((chunk.line + i, line.strip(), kind, value))
        else:
            title.append(line)
    too_long = any(len(ln.strip()) > 200 for ln in title)
    if too_long or len(title) > _MAX_TITLE_LINES or len(" ".join(title).split()) > _MAX_TITLE_WORDS:
        raise ReadError("no title: the text starts with a paragraph, not a short title line", line=chunk.line)
    return title, rest


def _read_front(chunks: list[_Chunk], warnings: list[Diagnostic]) -> tuple[FrontMatter, int]:
    """Parse the front matter; return it and the index of the first body chunk."""
    front = FrontMatter()
    title_lines, first_rest = _read_title(chunks[0])
    front.title = join_lines(title_lines)

    # Classify the lines of the blocks that may be front matter.
    # Classify the lines of the blocks that may be front matter. The scan stops at a block of prose, or
    # after two unmarked blocks in a row once a marker was seen (three before: subtitle, bare name).
    rows: list[list[_Row]] = [first_rest]
    last_marked = 0 if first_rest else -1
    unmarked_run = 0
    for k in range(1, min(len(chunks), _MAX_FRONT_BLOCKS + 1)):
        ch = chunks[k]
        if not _front_eligible(ch) or _BREAK_LINE.match(ch.lines[0].strip()):
            break
        row = [(ch.line + i, ln.strip(), *_classify(ln)) for i, ln in enumerate(ch.lines)]
        if any(r[2] != "unknown" for r in row):
            last_marked = k
            unmarked_run = 0
        elif len(row) > 3 or any(len(r[1]) > _MAX_UNMARKED_FRONT_LINE for r in row):
            break
        else:
            unmarked_run += 1
            if unmarked_run >= (2 if last_marked >= 0 else 3):
                break
        rows.append(row)
    if last_marked < 0:
        return front, 1

    expect_subtitle = True
    for k in range(0, last_marked + 1):
        row = rows[k]
        if not row:
            continue
        if k > 0 and expect_subtitle and all(r[2] == "unknown" for r in row):
            if not front.writers and _is_bare_name(chunks[k]):
                front.writers = [row[0][1]]
                continue
            front.subtitle = join_lines([r[1] for r in row])
            expect_subtitle = False
            continue
        if any(r[2] != "byline" for r in row):
            expect_subtitle = False
        _take_marked(row, front, warnings)
    return front, last_marked + 1


def _take_marked(row: list[_Row], front: FrontMatter, warnings: list[Diagnostic]) -> None:
    """Store the date line, citation, credits and byline of one block; report what is not known."""
    merged: list[_Row] = []
    for line_no, text, kind, value in row:
        if kind == "unknown" and merged and merged[-1][2] in ("credit", "citation"):
            prev_no, prev_text, prev_kind, _ = merged[-1]
            joined = f"{prev_text} {text}"
            again = credits_from_line(joined) if prev_kind == "credit" else citation_from_line(joined)
            if again:
                merged[-1] = (prev_no, joined, prev_kind, again)
                continue
        merged.append((line_no, text, kind, value))
    for line_no, text, kind, value in merged:
        if kind == "date":
            assert isinstance(value, str)
            if front.date_line is None:
                front.date_line = value
            else:
                front.info.append(("date line", value))
                warnings.append(Diagnostic(f"second date line {text!r} kept in info", line_no))
        elif kind == "citation":
            assert isinstance(value, Source)
            if front.source.raw:
                front.info.append(("citation", text))
            else:
                front.source = value
        elif kind == "credit":
            assert isinstance(value, list)
            for c in value:
                if c not in front.credits:
                    front.credits.append(c)
        elif kind == "byline":
            assert isinstance(value, list)
            for name in value:
                if name not in front.writers:
                    front.writers.append(name)
        else:
            front.info.append(("front matter", text))
            warnings.append(
                Diagnostic(
                    f"front-matter line {text[:60]!r} is not a subtitle, date line, citation, credit or byline",
                    line_no,
                )
            )


# -- body --------------------------------------------------------------------------------------------
def _list_block(chunk: _Chunk) -> Block | None:
    lines = [ln.strip() for ln in chunk.lines]
    if len(lines) < 2 or not _LIST_MARK.match(lines[0]) or _BREAK_LINE.match(lines[0]):
        return None
    marks = [_LIST_MARK.match(ln) for ln in lines]
    if sum(1 for m in marks if m) < 2:
        return None
    first = marks[0]
    assert first is not None
    ordered = first.group("num") is not None
    items: list[list[str]] = []
    for line, m in zip(lines, marks, strict=True):
        if m and (m.group("num") is not None) == ordered:
            items.append([line[m.end() :]])
        else:
            items[-1].append(line)
    children = tuple(Block(kind="item", text=join_lines(it)) for it in items)
    return Block(kind="list", ordered=ordered, children=children)


def _read_notes(chunks: list[_Chunk], notes: list[tuple[str, list[list[str]]]], warnings: list[Diagnostic]) -> None:
    """Fill ``notes`` (label, paragraphs as line lists) from the chunks after a Notes heading."""
    for ch in chunks:
        if _BREAK_LINE.match(ch.lines[0].strip()):
            continue
        new_paragraph = True
        for i, raw in enumerate(ch.lines):
            line = raw.strip()
            m = _NOTE_START.match(line)
            if m:
                notes.append((m.group("a") or m.group("b"), [[m.group("text")]]))
            elif not notes:
                warnings.append(Diagnostic(f"text {line[:40]!r} in the notes has no note label", ch.line + i))
                notes.append(("?", [[line]]))
            elif new_paragraph:
                notes[-1][1].append([line])
            else:
                notes[-1][1][-1].append(line)
            new_paragraph = False


def _short_line_kind(chunks: list[_Chunk], i: int, first: str) -> str:
    """For a one-line block of at most heading length: ``break``, ``notes``, ``heading`` or ``text``."""
    if _BREAK_LINE.match(first):
        return "break"
    nxt = chunks[i + 1] if i + 1 < len(chunks) else None
    if nxt is None:
        return "text"
    nxt_first = nxt.lines[0].strip()
    if _NOTES_HEAD.match(first) and _NOTE_START.match(nxt_first):
        return "notes"
    if nxt.blanks < 2 and not _BREAK_LINE.match(nxt_first) and _is_heading_text(first):
        return "heading"
    return "text"


def _read_body(
    chunks: list[_Chunk], warnings: list[Diagnostic]
) -> tuple[list[Block], list[tuple[str, list[list[str]]]]]:
    """Body blocks, and the raw notes (label, paragraphs) after a Notes heading."""
    blocks: list[Block] = []
    notes: list[tuple[str, list[list[str]]]] = []
    quotes_by_indent = sum(1 for ch in chunks if ch.indented) * 2 < len(chunks)
    quote: list[Block] = []
    for i, ch in enumerate(chunks):
        lines = ch.lines
        if (ch.blanks >= 2 and i > 0) or (quote and not (quotes_by_indent and ch.indented)):
            if quote:
                blocks.append(Block("quote", children=tuple(quote)))
                quote = []
            if ch.blanks >= 2 and blocks and blocks[-1].kind != "section_break":
                blocks.append(Block("section_break"))
        if quotes_by_indent and ch.indented:
            quote.append(Block("paragraph", join_lines(lines)))
            continue
        if len(lines) == 1:
            first = lines[0].strip()
            kind = _short_line_kind(chunks, i, first) if len(first) <= _MAX_HEADING_CHARS else "text"
            if kind == "break":
                if not (blocks and blocks[-1].kind == "section_break"):
                    blocks.append(Block("section_break"))
            elif kind == "notes":
                _read_notes(chunks[i + 1 :], notes, warnings)
                break
            elif kind == "heading":
                blocks.append(Block("heading", first, level=HEADING_LEVEL))
            else:
                blocks.append(Block("paragraph", first))
            continue
        blocks.append(_list_block(ch) or Block("paragraph", join_lines(lines)))
    if quote:
        blocks.append(Block("quote", children=tuple(quote)))
    while blocks and blocks[-1].kind == "section_break":
        blocks.pop()
    return blocks, notes


# -- note references ---------------------------------------------------------------------------------
def _note_id(label: str) -> str:
    if label.isalnum():
        return f"n{label}"
    return f"n{len(label)}star" if set(label) == {"*"} else "nx"


def _extract_refs(block: Block, labels: dict[str, str], missing: set[str]) -> Block:
    if block.children:
        return Block(
            kind=block.kind,
            text=block.text,
            ordered=block.ordered,
            children=tuple(_extract_refs(c, labels, missing) for c in block.children),
            level=block.level,
        )
    if "[" not in block.text:
        return block
    text = block.text
    out: list[str] = []
    marks: list[Mark] = []
    pos = 0
    length = 0
    for m in _NOTEREF.finditer(text):
        label = m.group(1)
        if label not in labels:
            missing.add(label)
            continue
        piece = text[pos : m.start()].rstrip(" ")
        out.append(piece)
        length += len(piece)
        marks.append(Mark(start=length, end=length, kind="noteref", target=labels[label], label=label))
        pos = m.end()
    if not marks:
        return block
    out.append(text[pos:])
    new_text = "".join(out)
    return Block(kind=block.kind, text=new_text, marks=tuple(marks), level=block.level, style=block.style)


def _build_notes(
    raw_notes: list[tuple[str, list[list[str]]]], warnings: list[Diagnostic]
) -> tuple[list[Note], dict[str, str]]:
    """Notes with unique ids, and the id that each label's references point at (the first such note)."""
    notes: list[Note] = []
    labels: dict[str, str] = {}
    used: dict[str, int] = {}
    for label, paragraphs in raw_notes:
        nid = _note_id(label)
        if nid in used:
            used[nid] += 1
            nid = f"{nid}-{used[nid]}"
            if label != "?":
                warnings.append(Diagnostic(f"two notes are labelled [{label}]"))
        used.setdefault(nid, 1)
        labels.setdefault(label, nid)
        blocks = tuple(Block(kind="paragraph", text=join_lines(p)) for p in paragraphs if "".join(p).strip())
        notes.append(Note(id=nid, label=label, blocks=blocks))
    return notes, labels


# -- entry point -------------------------------------------------------------------------------------
def read(text: str, *, path: str = "") -> Parsed:
    """Read an ETOL plain-text article into a :class:`Document` (see the module docstring for the rules)."""
    text = _normalise(text)
    if not text.strip():
        raise ReadError("empty file: no text to read")
    chunks = _chunks(text)
    warnings: list[Diagnostic] = []
    front, body_start = _read_front(chunks, warnings)
    if not front.title:
        raise ReadError("no title: the first line is empty", line=chunks[0].line)
    body_chunks = chunks[body_start:]
    blocks, raw_notes = _read_body(body_chunks, warnings)
    notes, labels = _build_notes(raw_notes, warnings)
    if notes:
        missing: set[str] = set()
        blocks = [_extract_refs(b, labels, missing) for b in blocks]
        for label in sorted(missing):
            warnings.append(Diagnostic(f"note reference [{label}] has no note"))
    if not blocks and not notes:
        line = chunks[-1].line if chunks else None
        warnings.append(Diagnostic("no body text after the front matter", line))
    doc = Document(
        id="-",
        title=front.title,
        subtitle=front.subtitle,
        date_line=front.date_line,
        writers=tuple(front.writers),
        source=front.source,
        credits=tuple(front.credits),
        blocks=tuple(blocks),
        notes=tuple(notes),
        info=tuple(front.info),
        provenance=Provenance(path=path, format="text"),
    )
    stem = PurePath(path).stem if path else ""
    doc = doc.replace(id=make_document_id(doc, fallback=stem))
    return Parsed(document=doc, warnings=warnings)
