"""Hypothesis strategies for Masthead documents, shared by the model and reader tests."""

from __future__ import annotations

from hypothesis import strategies as st

from masthead.model import CREDIT_ROLES, Block, Credit, Document, Mark, Note, Provenance, Source

words = st.text(alphabet=st.characters(categories=("L", "N"), max_codepoint=0x24F), min_size=1, max_size=12)
sentence = st.lists(words, min_size=1, max_size=15).map(" ".join)


@st.composite
def marked_text(draw: st.DrawFn, note_ids: tuple[str, ...] = ()) -> tuple[str, tuple[Mark, ...]]:
    text = draw(sentence)
    marks = []
    for _ in range(draw(st.integers(0, 3))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        kind = draw(st.sampled_from(["emphasis", "strong", "link"]))
        marks.append(Mark(a, b, kind, target="https://example.org/x" if kind == "link" else None))
    if note_ids:
        pos = draw(st.integers(0, len(text)))
        nid = draw(st.sampled_from(note_ids))
        marks.append(Mark(pos, pos, "noteref", target=nid, label=nid))
    return text, tuple(sorted(marks, key=lambda m: (m.start, -m.end)))


@st.composite
def blocks(draw: st.DrawFn, note_ids: tuple[str, ...] = ()) -> Block:
    kind = draw(st.sampled_from(["paragraph", "paragraph", "heading", "list", "quote", "section_break"]))
    if kind == "section_break":
        return Block("section_break")
    if kind == "heading":
        return Block("heading", draw(sentence), level=draw(st.integers(1, 6)))
    if kind == "list":
        items = draw(st.lists(sentence, min_size=1, max_size=4))
        return Block("list", ordered=draw(st.booleans()), children=tuple(Block("item", t) for t in items))
    text, marks = draw(marked_text(note_ids))
    if kind == "quote":
        return Block("quote", children=(Block("paragraph", text, marks),))
    return Block("paragraph", text, marks, style=draw(st.sampled_from([None, "fst", "sig"])))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    n_notes = draw(st.integers(0, 3))
    note_ids = tuple(str(i + 1) for i in range(n_notes))
    year = draw(st.integers(1840, 1990))
    return Document(
        id=draw(st.from_regex(r"[a-z]{1,8}(/[a-z0-9]{1,8}){0,3}", fullmatch=True)),
        title=draw(sentence),
        subtitle=draw(st.none() | sentence),
        date_line=draw(st.none() | st.just(str(year))),
        writers=tuple(draw(st.lists(sentence, max_size=2))),
        source=Source(
            periodical=draw(st.none() | sentence),
            volume=draw(st.none() | st.integers(1, 60)),
            issue=draw(st.none() | st.integers(1, 60)),
            date=draw(st.none() | st.just(f"{year}-03-08")),
            page_start=draw(st.none() | st.integers(1, 20)),
            raw=draw(sentence),
        ),
        credits=tuple(
            Credit(draw(st.sampled_from(CREDIT_ROLES)), draw(sentence), draw(st.none() | sentence))
            for _ in range(draw(st.integers(0, 2)))
        ),
        blocks=tuple(draw(st.lists(blocks(note_ids), max_size=8))),
        notes=tuple(Note(i, i, (Block("paragraph", draw(sentence)),)) for i in note_ids),
        info=tuple(draw(st.lists(st.tuples(words, sentence), max_size=3))),
        provenance=Provenance("a/b.txt", "text", "0" * 64, "utf-8"),
    )
