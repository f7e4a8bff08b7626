"""The view text of a document and edits made through it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.model import Block, Document, Mark, Note
from masthead.textview import EditError, apply_edit, apply_edits, text_view


def _doc() -> Document:
    return Document(
        id="d",
        title="A Title",
        subtitle="Sub",
        blocks=(
            Block(
                "paragraph", "Tlie first paragraph.", marks=(Mark(5, 10, "emphasis"), Mark(21, 21, "noteref", "n1", "1"))
            ),
            Block("list", children=(Block("item", "one"), Block("item", "twa"))),
            Block("section_break"),
            Block("quote", children=(Block("paragraph", "quoted text"),)),
        ),
        notes=(Note("n1", "1", (Block("paragraph", "A note."),)),),
    )


def test_view_text_and_segments() -> None:
    view = text_view(_doc())
    assert view.text == "A Title\n\nSub\n\nTlie first paragraph.\n\none\n\ntwa\n\nquoted text\n\nA note."
    for seg in view.segments:
        assert "\n\n" not in view.text[seg.start : seg.end]
    assert [s.kind for s in view.segments] == [
        "title",
        "subtitle",
        "paragraph",
        "item",
        "item",
        "paragraph",
        "paragraph",
    ]
    assert view.line_col(view.text.index("first")) == (5, 6)


def test_edit_moves_marks_and_reaches_nested_blocks() -> None:
    doc = _doc()
    view = text_view(doc)
    at = view.text.index("Tlie")
    fixed = apply_edit(doc, at, at + 4, "The")
    para = fixed.blocks[0]
    assert para.text == "The first paragraph."
    assert para.text[para.marks[0].start : para.marks[0].end] == "first"
    assert para.marks[1].start == len(para.text)
    at = view.text.index("twa")
    assert apply_edit(doc, at, at + 3, "two").blocks[1].children[1].text == "two"
    at = view.text.index("quoted")
    assert apply_edit(doc, at, at + 6, "cited").blocks[3].children[0].text == "cited text"
    at = view.text.index("note.")
    assert apply_edit(doc, at, at + 4, "comment").notes[0].blocks[0].text == "A comment."
    assert apply_edit(doc, 0, 1, "The").title == "The Title"


def test_bad_edits_are_refused() -> None:
    doc = _doc()
    view = text_view(doc)
    with pytest.raises(EditError):
        apply_edit(doc, view.text.index("Sub"), view.text.index("Tlie") + 2, "x")
    with pytest.raises(EditError):
        apply_edit(doc, 0, len(view.text) + 5, "x")
    with pytest.raises(EditError):
        apply_edits(doc, [(0, 3, "a"), (2, 4, "b")])


def test_several_edits_against_one_view() -> None:
    doc = _doc()
    view = text_view(doc)
    edits = [
        (view.text.index(w), view.text.index(w) + len(w), r) for w, r in [("Tlie", "The"), ("twa", "two"), ("A", "The")]
    ]
    out = text_view(apply_edits(doc, edits)).text
    assert "The first paragraph." in out and "\ntwo\n" in out and out.startswith("The Title")


words = st.text(alphabet="abc xyz", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(words, min_size=1, max_size=5), data=st.data())
def test_edit_equals_string_splice(texts: list[str], data: st.DataObject) -> None:
    doc = Document(id="d", title="T", blocks=tuple(Block("paragraph", t) for t in texts))
    view = text_view(doc)
    seg = data.draw(st.sampled_from(view.segments))
    a = data.draw(st.integers(seg.start, seg.end))
    b = data.draw(st.integers(a, seg.end))
    rep = data.draw(st.text(alphabet="qr", max_size=4))
    assert text_view(apply_edit(doc, a, b, rep)).text == view.text[:a] + rep + view.text[b:]
