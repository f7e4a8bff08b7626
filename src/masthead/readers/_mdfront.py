"""Document assembly for the Markdown reader: front matter, source block, notes, site furniture.

:mod:`masthead.readers.markdown` turns markdown-it tokens into :class:`IBlock` (intermediate blocks with
plain text and marks); :func:`assemble` reads the MIA page shape out of them::

    [breadcrumbs]              dropped (everything before the title that is not a heading)
    ## Writer                  headings before the title: name-like ones are writers, others "Part of"
    # Title                    the first level-1 heading
    ### (1898)                 a heading in parentheses next to the title: the date line
    ### Subtitle               other headings between the title and the rule (only when a rule follows)
    ---------                  \
    From **Periodical**, ...   | the source block: citation, credits, other lines to ``doc.info``
    Transcribed by ...         |
    ---------                  /
    body ...                   rules become section breaks; "Notes" + "[1.](#f1){#n1} ..." become notes
    [Top of the page](#top)    navigation (paragraphs of relative links), "Last updated", images: dropped
"""

from __future__ import annotations

import re
from dataclasses import replace

from masthead.citation import CitationError, is_citation_line, is_credit_line, parse_citation, parse_credits
from masthead.model import Document, Source
from masthead.readers import Diagnostic, FrontMatter, ReadError
from masthead.readers._mdblocks import IBlock, walk
from masthead.readers._mdnotes import mia_notes, note_label, pandoc_notes, pull_fndefs

__all__ = ["SOURCE_LABELS", "assemble", "classify_source_line", "looks_like_name", "writer_names"]


# -- classification ----------------------------------------------------------------------------------
_DATE_LINE = re.compile(r"^\((.+)\)$", re.DOTALL)
_LAST_UPDATED = re.compile(r"^last\s+(?:up-?dated|modified|revised)\b.{0,60}$", re.IGNORECASE | re.DOTALL)
_SEPARATORS = set(" \t\n\u00a0|>[]()<-–—·•:/,;\\")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_REPUBLISHED = re.compile(
    r"^(?:recently\s+|later\s+|also\s+)?(?:re-?published|re-?printed|republication|reproduced)\b", re.I
)
_RIGHTS = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*\.?|(?:[A-Z]\.){1,4}[A-Z]?\.?|[A-Z][a-z]?['’][A-Z][\w\-]*)$")
_NAME_PARTICLES = {
    "de", "du", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "y", "ten", "ter",
}  # fmt: skip
_NOT_NAME = {
    "archive", "archives", "internet", "marxists", "marxists'", "international", "communist", "party",
    "volume", "vol.", "part", "chapter", "index", "works", "section", "collected", "selected", "writings",
    "history", "introduction", "the", "of", "and", "appendix", "preface", "contents", "letters", "notes",
}  # fmt: skip
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*")

_SOURCE_KINDS = ("citation", "bad citation", "credit", "republished")  # lines that make a source block
SOURCE_LABELS = ("Republished", "Rights", "Source")
"""The ``doc.info`` labels this reader gives to lines of the source block (besides "Part of")."""


def looks_like_name(text: str) -> bool:
    """A personal name such as "James Connolly", "C.L.R. James", "J. Meyer" (1 to 6 words)."""
    words = text.split()
    if not words or len(words) > 6:
        return False
    capital = 0
    for w in words:
        if w.lower() in _NOT_NAME:
            return False
        if w in _NAME_PARTICLES:
            continue
        if not _NAME_WORD.match(w):
            return False
        capital += 1
    return capital > 0


def writer_names(text: str) -> list[str] | None:
    """The names in a writer heading ("Marx and Engels" -> two), or None if it is not one."""
    text = re.sub(r"^by\s+", "", text.strip(), flags=re.IGNORECASE)
    names = [n for n in _NAME_SPLIT.split(text) if n]
    if names and all(looks_like_name(n) for n in names):
        return names
    return None


def classify_source_line(plain: str, marked: str) -> str:
    """What a line of the source block is: ``republished``, ``credit``, ``citation``, ``bad citation``
    (a citation the parser rejects, e.g. for an impossible date), ``rights`` or ``other``."""
    if _REPUBLISHED.match(plain):
        return "republished"
    try:
        if is_credit_line(plain):
            return "credit"
        if is_citation_line(marked):
            return "citation"
        parse_citation(marked)
    except CitationError as exc:
        if not str(exc).startswith("no periodical"):
            return "bad citation"
    except ValueError:
        pass
    return "rights" if _RIGHTS.search(plain) else "other"


def _lines_of(b: IBlock) -> list[tuple[str, str, int]]:
    """(plain, with **bold** markers, source line) for each hard line of a paragraph."""
    out = []
    start = 0
    strong = [m for m in b.marks if m.kind == "strong"]
    ends = [i for i, ch in enumerate(b.text) if ch == "\n"]
    starts = [0, *b.break_lines] if len(b.break_lines) == len(ends) else [0] * (len(ends) + 1)
    for k, end in enumerate([*ends, len(b.text)]):
        plain = b.text[start:end]
        cuts = []
        for m in strong:
            s, e = max(m.start, start), min(m.end, end)
            if e > s:
                cuts += [(s - start, "**"), (e - start, "**")]
        marked = plain
        for pos, tok in sorted(cuts, reverse=True):
            marked = marked[:pos] + tok + marked[pos:]
        if plain.strip():
            out.append((plain.strip(), marked.strip(), b.line + starts[k]))
        start = end + 1
    return out


def _link_only(b: IBlock) -> tuple[bool, bool]:
    """(has only links and separators, all of the links are relative or #anchors)."""
    links = [m for m in b.marks if m.kind == "link"]
    if not links:
        return False, False
    covered = bytearray(len(b.text))
    for m in links:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    if any(not covered[i] and ch not in _SEPARATORS for i, ch in enumerate(b.text)):
        return False, False
    return True, all(not _SCHEME.match(m.target or "") for m in links)


def _furniture(b: IBlock) -> bool:
    if b.kind not in ("paragraph", "heading"):
        return False
    if not b.text.strip():
        return True
    if b.kind == "paragraph" and _LAST_UPDATED.match(b.text):
        return True
    only, relative = _link_only(b)
    return only and relative


# -- assembly ----------------------------------------------------------------------------------------


def assemble(blocks: list[IBlock], warnings: list[Diagnostic], *, yaml_title: str | None = None) -> Document:
    """A :class:`Document` (without id or provenance) from a page's intermediate blocks."""
    fr = FrontMatter()
    fndefs: list[IBlock] = []
    blocks = pull_fndefs(blocks, fndefs)  # Pandoc footnotes count wherever they stand
    t = _title_index(blocks)
    if t is None and (q := next((i for i, b in enumerate(blocks) if _has_title(b)), None)) is not None:
        # MIA index pages wrap the whole page in "> ::: border": read the quote's blocks as the page.
        blocks = [*blocks[:q], *blocks[q].children, *blocks[q + 1 :]]
        t = _title_index(blocks)
    if t is None:
        if not yaml_title:
            line = next((b.line for b in blocks if b.kind == "heading"), 1)
            raise ReadError("no title: expected a '# Title' heading", line=line)
        fr.title, t = yaml_title, -1
    else:
        fr.title = _head_text(blocks[t])
    body_start = _header(blocks, t + 1, fr, warnings)  # first: a date line after the title wins
    source_info, fr.info = fr.info, []
    for b in blocks[: max(t, 0)]:
        _pre_title(b, fr, warnings)
    fr.info += source_info
    body = [b for b in blocks[body_start:] if not _furniture(b)]
    notes = pandoc_notes(fndefs, warnings)
    body, end_notes = mia_notes(body, {n.id for n in notes}, warnings)
    notes.extend(end_notes)
    body = _trim_rules(body)
    _index_warning(body, warnings)
    return Document(
        id="-",
        title=fr.title,
        subtitle=fr.subtitle,
        date_line=fr.date_line,
        writers=tuple(fr.writers),
        source=fr.source,
        credits=tuple(fr.credits),
        blocks=tuple(b.freeze() for b in body),
        notes=tuple(notes),
        info=tuple(fr.info),
    )


def _title_index(blocks: list[IBlock]) -> int | None:
    return next((i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1 and b.text), None)


def _has_title(b: IBlock) -> bool:
    return b.kind == "quote" and _title_index(b.children) is not None


def _head_text(b: IBlock) -> str:
    """A front-matter heading's text without a trailing note reference ("(1898) [1]" -> "(1898)")."""
    text = b.text
    last = max((m for m in b.marks if m.kind == "link"), key=lambda m: m.end, default=None)
    if last and last.end == len(text) and (last.target or "").startswith("#") and note_label(text[last.start :]):
        text = text[: last.start].rstrip()
    return text.replace("\n", " ").replace("\u00a0", " ")


def _pre_title(b: IBlock, fr: FrontMatter, warnings: list[Diagnostic]) -> None:
    if b.kind == "heading" and b.text:
        text = _head_text(b)
        if (m := _DATE_LINE.match(text)) and fr.date_line is None:
            fr.date_line = m.group(1).strip()
        elif _link_only(b)[0]:
            return
        elif (names := writer_names(text)) is not None:
            fr.writers.extend(n for n in names if n not in fr.writers)
        elif text:
            fr.info.append(("Part of", text))
    elif b.kind in ("paragraph", "list", "quote", "preformatted") and b.text.strip() and not _link_only(b)[0]:
        warnings.append(Diagnostic(f"text before the title dropped: {b.text[:60]!r}", b.line))


def _header(blocks: list[IBlock], i: int, fr: FrontMatter, warnings: list[Diagnostic]) -> int:
    """Read date line, subtitle and source block after the title; return where the body starts."""
    zone = []
    j = i
    while j < len(blocks) and blocks[j].kind == "heading":
        zone.append(blocks[j])
        j += 1
    ruled = j < len(blocks) and blocks[j].kind == "hr"
    subtitles = []
    for k, b in enumerate(zone):
        text = _head_text(b)
        if (m := _DATE_LINE.match(text)) and fr.date_line is None:
            fr.date_line = m.group(1).strip()
        elif ruled and text:
            subtitles.append(text)
        elif not ruled:  # not a header after all: the rest of the headings open the body
            if subtitles:
                fr.subtitle = "; ".join(subtitles)
            return i + k
    if subtitles:
        fr.subtitle = "; ".join(subtitles)
    if not ruled:
        return j
    return _source_block(blocks, j, fr, warnings)


def _source_block(blocks: list[IBlock], j: int, fr: FrontMatter, warnings: list[Diagnostic]) -> int:
    """Consume the source block after the rule at ``j`` if there is one; return the body start."""
    k = j + 1
    while k < len(blocks) and k - j <= 6 and blocks[k].kind == "paragraph":
        k += 1
    closed = k < len(blocks) and blocks[k].kind == "hr" and k > j + 1
    paras = blocks[j + 1 : k]
    lines = [line for b in paras for line in _lines_of(b)]
    kinds = [classify_source_line(plain, marked) for plain, marked, _ in lines]
    if closed:
        if not any(c in _SOURCE_KINDS for c in kinds):
            return j + 1
        end = k + 1
    else:  # no closing rule: take the leading paragraphs made only of citation / credit lines
        n_para, pos = 0, 0
        for b in paras:
            count = len(_lines_of(b))
            if count == 0 or any(c not in _SOURCE_KINDS for c in kinds[pos : pos + count]):
                break
            n_para, pos = n_para + 1, pos + count
        if n_para == 0:
            return j + 1
        lines, kinds, end = lines[:pos], kinds[:pos], j + 1 + n_para
    for (plain, marked, line), kind in zip(lines, kinds, strict=True):
        _source_line(plain, marked, line, kind, fr, warnings)
    return end


def _source_line(plain: str, marked: str, line: int, kind: str, fr: FrontMatter, warnings: list[Diagnostic]) -> None:
    if kind in ("citation", "bad citation") and fr.source == Source():
        try:
            fr.source = replace(parse_citation(marked), raw=plain)
        except (CitationError, ValueError) as exc:
            fr.source = Source(raw=plain)
            warnings.append(Diagnostic(f"citation not understood ({exc}), kept as written: {plain[:60]!r}", line))
    elif kind == "credit":
        try:
            fr.credits.extend(parse_credits(plain))
        except (CitationError, ValueError):
            fr.info.append(("Source", plain))
    elif kind == "republished":
        fr.info.append(("Republished", plain))
    elif kind == "rights":
        fr.info.append(("Rights", plain))
    else:
        fr.info.append(("Source", plain))
        if kind in ("other", "bad citation"):
            warnings.append(Diagnostic(f"source line not recognised, kept as information: {plain[:60]!r}", line))


def _trim_rules(body: list[IBlock]) -> list[IBlock]:
    out: list[IBlock] = []
    for b in body:
        if b.kind == "hr" and (not out or out[-1].kind == "hr"):
            continue
        out.append(b)
    while out and out[-1].kind == "hr":
        out.pop()
    return out


def _index_warning(body: list[IBlock], warnings: list[Diagnostic]) -> None:
    total = linked = links = 0
    for b in walk(body):
        total += len(b.text)
        for m in b.marks:
            if m.kind == "link":
                linked += m.end - m.start
                links += 1
    if links >= 10 and linked * 2 > total:
        warnings.append(Diagnostic("looks like an index page (mostly links), not an article", body[0].line))
    elif total == 0:
        warnings.append(Diagnostic("no body text after the front matter", None))
