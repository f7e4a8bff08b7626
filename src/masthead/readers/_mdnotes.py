"""Notes for the Markdown reader: Pandoc footnotes and MIA-style end notes.

Pandoc footnotes (``[^1]`` / ``[^1]: text``) arrive from markdown-it as ``fndef`` blocks and
``noteref`` marks. MIA pages write notes as links: a reference ``[\\[1\\]](#n1){#f1}`` in the text and,
under a "Notes" heading, a paragraph per note opening with ``[1.](#f1){#n1}``. Both become
:class:`~masthead.model.Note` objects (id = the label, "1") and zero-width ``noteref`` marks.
"""

from __future__ import annotations

import re

from masthead.model import Mark, Note
from masthead.readers import Diagnostic
from masthead.readers._mdblocks import IBlock, delete_span, finish_text, normalize_marks, walk

__all__ = ["pull_fndefs", "pandoc_notes", "mia_notes", "note_label"]

_NOTES_HEADING = re.compile(r"^(?:foot|end|editor'?s?\s+|translator'?s?\s+)?notes?\b.{0,40}$", re.IGNORECASE)
_NOTE_LABEL = re.compile(r"^[\[(]?\s*(\d{1,3}[a-z]?|[*\u2020\u2021\u00a7\u00b6]{1,3}|[a-z])\s*[\])]?\.?$")


def pull_fndefs(blocks: list[IBlock], into: list[IBlock]) -> list[IBlock]:
    """The blocks without Pandoc footnote definitions (at any depth), which go to ``into``."""
    kept = []
    for b in blocks:
        if b.kind == "fndef":
            into.append(b)
            b.children = pull_fndefs(b.children, into)
        else:
            if b.children:
                b.children = pull_fndefs(b.children, into)
                if b.kind == "quote" and not b.children:
                    continue
            kept.append(b)
    return kept


def pandoc_notes(fndefs: list[IBlock], warnings: list[Diagnostic]) -> list[Note]:
    """Notes from Pandoc footnote definitions (id and label are the footnote label)."""
    notes: list[Note] = []
    for b in fndefs:
        label = b.label or ""
        if any(n.id == label for n in notes):
            warnings.append(Diagnostic(f"note [^{label}] defined twice; the first definition is kept", b.line))
        else:
            notes.append(Note(id=label, label=label, blocks=tuple(c.freeze() for c in b.children)))
    return notes


def note_label(text: str) -> str | None:
    """The label of a note marker ("[1]", "1.", "(2)", "*" -> "1", "1", "2", "*"), or None."""
    m = _NOTE_LABEL.match(text.strip())
    return m.group(1) if m else None


def _def_of(b: IBlock) -> tuple[str, int] | None:
    """(label, end of the label link) when a paragraph opens with a note label linking to an anchor."""
    if b.kind != "paragraph" or not b.marks:
        return None
    m = next((m for m in b.marks if m.kind == "link" and m.start == 0), None)
    if m is None or not (m.target or "").startswith("#"):
        return None
    label = note_label(b.text[m.start : m.end])
    return (label, m.end) if label else None


def mia_notes(body: list[IBlock], taken: set[str], warnings: list[Diagnostic]) -> tuple[list[IBlock], list[Note]]:
    """Pull MIA-style notes ("[1.](#f1){#n1} text" under a Notes heading) out of the body.

    References ("[\\[1\\]](#n1){#f1}") to a note become zero-width ``noteref`` marks; note ids are the
    labels ("1"), made unique when two notes share one.
    """
    ref_targets: set[str] = set()
    for b in walk(body):
        for m in b.marks:
            if m.kind == "link" and (m.target or "").startswith("#") and note_label(b.text[m.start : m.end]):
                ref_targets.add(m.target[1:])  # type: ignore[index]
    kept: list[IBlock] = []
    notes: list[tuple[str, str, list[IBlock]]] = []
    anchors: dict[str, tuple[str, str]] = {}
    in_notes = False
    heading_at: int | None = None
    for b in body:
        d = _def_of(b)
        ids = {x for x in (b.lead_link_id, b.anchor) if x}
        if d and (in_notes or ids & ref_targets):
            label, cut = d
            nid = label
            k = 2
            while nid in taken:
                nid, k = f"{label}-{k}", k + 1
            taken.add(nid)
            for x in ids:
                anchors[x] = (nid, label)
            delete_span(b, 0, cut)
            b.text, b.marks, _ = finish_text(b.text, b.marks)
            notes.append((nid, label, [b] if b.text else []))
            in_notes = True
            if heading_at is not None:
                kept = kept[:heading_at] + kept[heading_at + 1 :]
                heading_at = None
            continue
        if b.kind == "heading" and _NOTES_HEADING.match(b.text):
            in_notes, heading_at = True, len(kept)
        elif b.kind in ("heading", "hr"):
            in_notes, heading_at = False, None
        elif in_notes and notes and heading_at is None:
            notes[-1][2].append(b)
            continue
        kept.append(b)
    for b in walk(kept + [c for _, _, bs in notes for c in bs]):
        _refs_to_marks(b, anchors, warnings)
    return kept, [Note(nid, label, tuple(c.freeze() for c in bs)) for nid, label, bs in notes]


def _refs_to_marks(b: IBlock, anchors: dict[str, tuple[str, str]], warnings: list[Diagnostic]) -> None:
    refs = [m for m in b.marks if m.kind == "link" and (m.target or "").startswith("#")]
    for m in sorted(refs, key=lambda m: -m.start):
        label = note_label(b.text[m.start : m.end])
        if not label:
            continue
        target = (m.target or "")[1:]
        note = anchors.get(target)
        if note is None:
            if target and target != "top":
                warnings.append(Diagnostic(f"note reference {label!r} points at #{target}, not a note", b.line))
            continue
        start, end = m.start, m.end
        while start > 0 and b.text[start - 1] == " ":
            start -= 1
        if start == 0 or b.text[start - 1] == "\n":  # nor may a line start with spaces
            while end < len(b.text) and b.text[end] in " \t":
                end += 1
        b.marks = [x for x in b.marks if x is not m]
        delete_span(b, start, end)
        b.marks = normalize_marks(b.text, [*b.marks, Mark(start, start, "noteref", target=note[0], label=note[1])])
    if refs and b.text != b.text.strip():
        b.text, b.marks, _ = finish_text(b.text, b.marks)
