"""Mentions for readers: as link marks on an article's blocks, and the sentence around each one.

:func:`with_mention_links` gives a copy of a document whose blocks carry one extra ``link`` mark per
mention (title and subtitle are left alone), so that the ordinary HTML renderer
(:func:`masthead.render.html.article_body`) writes every mention as a link to its entry, nested
properly with the document's own marks. :func:`sentence_around` cuts the sentence holding a mention
out of the view text for an entry page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

from masthead.glossary.entries import Mention
from masthead.model import Block, Document, Mark
from masthead.textview import Path, TextView, text_view

__all__ = ["with_mention_links", "sentence_around", "block_spans", "TEI_KINDS"]

TEI_KINDS = {"person": "person", "organisation": "organization", "party": "organization", "place": "place"}
"""Entry types as the TEI exporter's mention kinds (``persName``, ``orgName``, ``placeName``)."""


def with_mention_links(
    doc: Document, mentions: Iterable[Mention], href: Callable[[str], str], *, view: TextView | None = None
) -> Document:
    """``doc`` with a ``link`` mark (target ``href(entry_id)``) over each mention in a body block or
    note. Mentions that do not lie inside one block of ``doc``'s view text are skipped (stale)."""
    view = view or text_view(doc)
    by_path: dict[Path, list[Mark]] = defaultdict(list)
    for m in mentions:
        seg = view.segment_at(m.start, m.end)
        if seg is None or seg.path[0] not in ("block", "note") or view.text[m.start : m.end] != m.surface:
            continue
        by_path[seg.path].append(Mark(m.start - seg.start, m.end - seg.start, "link", target=href(m.entry_id)))
    if not by_path:
        return doc
    blocks = _add(doc.blocks, ("block",), by_path)
    notes = tuple(
        replace(n, blocks=_add(n.blocks, ("note", i), by_path)) if any(p[:2] == ("note", i) for p in by_path) else n
        for i, n in enumerate(doc.notes)
    )
    return doc.replace(blocks=blocks, notes=notes)


def _add(blocks: tuple[Block, ...], prefix: Path, by_path: dict[Path, list[Mark]]) -> tuple[Block, ...]:
    out = []
    for i, b in enumerate(blocks):
        path = (*prefix, i)
        extra = by_path.get(path)
        children = _add(b.children, path, by_path) if b.children else b.children
        if extra:
            b = replace(b, marks=b.marks + tuple(extra), children=children)
        elif children is not b.children:
            b = replace(b, children=children)
        out.append(b)
    return tuple(out)


def block_spans(
    doc: Document, mentions: Iterable[Mention], ref: Callable[[str], str]
) -> Callable[[Block], list[tuple[int, int, str, str]]]:
    """The TEI exporter's glossary hook (:data:`masthead.export.tei.MentionFinder`) for ``doc``: for
    each of its blocks, the spans ``(start, end, kind, ref(entry id))`` of the mentions in it (people,
    organisations, parties and places; other types have no TEI name element there)."""
    view = text_view(doc)
    by_path: dict[Path, list[tuple[int, int, str, str]]] = defaultdict(list)
    for m in mentions:
        seg = view.segment_at(m.start, m.end)
        kind = TEI_KINDS.get(m.type)
        if kind and seg is not None and seg.path[0] in ("block", "note") and view.text[m.start : m.end] == m.surface:
            by_path[seg.path].append((m.start - seg.start, m.end - seg.start, kind, ref(m.entry_id)))
    by_block: dict[int, list[tuple[int, int, str, str]]] = {}

    def walk(blocks: tuple[Block, ...], prefix: Path) -> None:
        for i, b in enumerate(blocks):
            if (*prefix, i) in by_path:
                by_block[id(b)] = by_path[(*prefix, i)]
            walk(b.children, (*prefix, i))

    walk(doc.blocks, ("block",))
    for n, note in enumerate(doc.notes):
        walk(note.blocks, ("note", n))
    return lambda block: by_block.get(id(block), [])


_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n\n")


def sentence_around(text: str, start: int, end: int, *, limit: int = 320) -> tuple[str, int, int]:
    """The sentence of ``text`` that holds ``text[start:end]``, trimmed to about ``limit`` characters
    around it, and the mention's offsets inside the returned string: ``(sentence, s, e)``."""
    left = max(0, start - limit)
    head = text[left:start]
    cut = left
    for m in _END.finditer(head):
        cut = left + m.end()
    tail_m = _END.search(text, end, min(len(text), end + limit))
    right = tail_m.end() if tail_m else min(len(text), end + limit)
    while cut < start and text[cut].isspace():
        cut += 1
    piece = text[cut:right].rstrip()
    prefix = "…" if left > 0 and cut == left else ""
    suffix = "" if tail_m or right == len(text) else "…"
    s = start - cut + len(prefix)
    sentence = (prefix + piece + suffix).replace("\n", " ")
    return sentence, s, s + (end - start)
