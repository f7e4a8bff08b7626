"""Tests for the ETOL plain-text reader (masthead.readers.plaintext) and renderer (masthead.render.text)."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.citation import format_citation, format_credits, parse_citation
from masthead.model import (
    Block,
    Credit,
    Document,
    Mark,
    Note,
    Provenance,
    Source,
    make_document_id,
    validate,
)
from masthead.readers import ReadError, parse_text
from masthead.readers.plaintext import HEADING_LEVEL, join_lines, read
from masthead.render.text import to_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "examples/corpus/plaintext/labor-action-1948-03-08-p4-independent-socialism.txt"
DATA = Path(__file__).resolve().parent / "data" / "plaintext"


@pytest.fixture(scope="module")
def real_text() -> str:
    return REAL.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real(real_text: str) -> Document:
    return read(real_text, path=str(REAL)).document


# -- the real ETOL file --------------------------------------------------------------------------------
def test_real_front_matter(real: Document, real_text: str) -> None:
    assert real.title == "Independent Socialism, Building Workers’ Confidence, Is Only Answer to Stalinism"
    assert real.subtitle == "Observations on the Events in Czechoslovakia"
    assert real.date_line == "March 1948"
    src = real.source
    assert (src.periodical, src.volume, src.issue, src.date, src.page_start, src.page_end) == (
        "Labor Action",
        12,
        10,
        "1948-03-08",
        4,
        4,
    )
    assert src.raw.startswith("From Labor Action")
    etol = "Encyclopaedia of Trotskyism On-Line (ETOL)"
    assert real.credits == (
        Credit("transcribed", "Einde O’Callaghan", etol),
        Credit("marked up", "Einde O’Callaghan", etol),
    )
    assert real.writers == ()
    assert real.id == "labor-action/1948/03/08/independent-socialism-building-workers"
    assert real.provenance == Provenance(path=str(REAL), format="text")
    assert real.info == ()


def test_real_no_warnings(real_text: str) -> None:
    assert read(real_text).warnings == []


def test_real_headings(real: Document) -> None:
    headings = [b.text for b in real.blocks if b.kind == "heading"]
    assert headings == [
        "How Can the Stalinists Win Workers’ Support?",
        "Recent Decades Leave Reactionary Heritage",
        "Parties of Capitalism Cannot Hold Masses",
        "Imperialist War Would Bring New Disasters",
        "Guard and Nourish Socialist Independence",
    ]
    assert all(b.level == HEADING_LEVEL for b in real.blocks if b.kind == "heading")


def test_real_section_breaks_follow_double_blank_lines(real: Document, real_text: str) -> None:
    lines = real_text.split("\n")
    after_double_blank = [
        lines[i][:30] for i in range(2, len(lines)) if lines[i] and not lines[i - 1] and not lines[i - 2]
    ]
    assert len(after_double_blank) == 6
    after_break = [real.blocks[i + 1].text[:30] for i, b in enumerate(real.blocks) if b.kind == "section_break"]
    assert after_break == after_double_blank


def test_real_body_is_all_there(real: Document, real_text: str) -> None:
    paragraphs = [b for b in real.blocks if b.kind == "paragraph"]
    body_lines = [ln for ln in real_text.split("\n")[11:] if ln.strip()]
    assert len(paragraphs) + 5 == len(body_lines)
    assert paragraphs[0].text.startswith("The hearts of all socialists were")
    assert paragraphs[-1].text.endswith(body_lines[-1].strip()[-40:])
    assert {b.kind for b in real.blocks} == {"paragraph", "heading", "section_break"}
    assert real.word_count() == sum(len(ln.split()) for ln in body_lines)


def test_real_with_crlf_bom_and_tabs(real_text: str, real: Document) -> None:
    variant = "\ufeff" + real_text.replace("\n", "\r\n").replace("Observations on", "Observations\ton")
    doc = read(variant, path=str(REAL)).document
    assert doc.subtitle == "Observations    on the Events in Czechoslovakia"
    assert doc.replace(subtitle=real.subtitle) == real


def test_real_rewrapped_at_70_columns(real_text: str, real: Document) -> None:
    head, body = real_text.split("\n\n", 4)[:4], real_text.split("\n\n", 4)[4]
    wrapped = "\n".join(
        "\n".join(textwrap.wrap(line, 70, break_on_hyphens=False, break_long_words=False)) if line else ""
        for line in body.split("\n")
    )
    doc = read("\n\n".join(head) + "\n\n" + wrapped, path=str(REAL)).document
    assert doc == real


def test_real_round_trip(real: Document) -> None:
    text = to_text(real)
    again = read(text, path=str(REAL)).document
    assert again == real
    assert to_text(again) == text


def test_parse_text_dispatches_to_text_reader(real_text: str, real: Document) -> None:
    assert parse_text(real_text, path=str(REAL)).document == real


# -- synthetic fixtures ----------------------------------------------------------------------------------
def test_wrapped_fixture_with_notes_list_and_byline() -> None:
    path = DATA / "strike-wrapped-notes.txt"
    parsed = read(path.read_text(encoding="utf-8"), path=str(path))
    doc = parsed.document
    assert parsed.warnings == []
    assert doc.title == "The Strike at the Docks"
    assert doc.subtitle is None
    assert doc.writers == ("Jane Smith",)
    assert doc.date_line == "March 1934"
    assert doc.source.periodical == "The Militant" and doc.source.date == "1934-03-08"
    assert [(c.role, c.name) for c in doc.credits] == [
        ("transcribed", "Ted Crawford"),
        ("marked up", "Einde O’Callaghan"),
    ]
    kinds = [b.kind for b in doc.blocks]
    assert kinds == [
        "paragraph",
        "heading",
        "paragraph",
        "list",
        "section_break",
        "paragraph",
        "heading",
        "paragraph",
    ]
    first = doc.blocks[0]
    assert first.text == (
        "The dockers have been on strike since the first of the month, and the government has sent troops. "
        "Their self-confidence has not been shaken by the anti-Union press."
    )
    assert first.marks == (Mark(97, 97, "noteref", target="n1", label="1"),)
    assert first.text[:97].endswith("troops.")
    lst = doc.blocks[3]
    assert lst.ordered
    assert [c.text for c in lst.children] == [
        "recognition of the union;",
        "a wage of a dollar an hour;",
        "no victimisation.",
    ]
    pact = doc.blocks[5]
    assert pact.text == "The Franco-Soviet pact was signed the same week and the party press was silent."
    assert pact.marks[0].start == len("The Franco-Soviet pact was signed the same week")
    assert doc.blocks[6].text == "What Next for the Union?"
    assert [n.id for n in doc.notes] == ["n1", "n2"]
    assert [b.text for b in doc.notes[0].blocks] == [
        "The troops were withdrawn a week later.",
        "A second paragraph of the first note.",
    ]
    assert doc.notes[1].blocks[0].text == "See The Militant, 15 March 1934."
    assert read(to_text(doc), path=str(path)).document == doc


def test_unrecognised_front_matter_is_reported_with_line_numbers() -> None:
    path = DATA / "front-junk.txt"
    parsed = read(path.read_text(encoding="utf-8"), path=str(path))
    doc = parsed.document
    assert doc.subtitle is None  # the stray line shares a block with the citation: not a subtitle
    assert doc.date_line == "1 May 1950"
    assert doc.source.periodical == "Labor Action"
    assert [w.line for w in parsed.warnings] == [5, 8]
    assert "Some stray line" in parsed.warnings[0].message
    assert doc.info == (
        ("front matter", "Some stray line the reader cannot place"),
        ("front matter", "Reprinted as a leaflet, no date."),
    )
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph"]


def test_reordered_front_matter_without_subtitle_or_credit() -> None:
    text = "A Title\n\nFrom Labor Action, 8 March 1948.\n(March 1948)\n\nBody text here.\n"
    doc = read(text).document
    assert (doc.title, doc.subtitle, doc.date_line, doc.source.date, doc.credits) == (
        "A Title",
        None,
        "March 1948",
        "1948-03-08",
        (),
    )
    assert doc.blocks == (Block("paragraph", "Body text here."),)


def test_front_matter_in_the_title_block() -> None:
    doc = read("A Title\n(March 1948)\nLabor Action, 8 March 1948, p. 2\n\nBody.\n").document
    assert (doc.title, doc.date_line, doc.source.page_start) == ("A Title", "March 1948", 2)


def test_bare_name_byline_and_subtitle() -> None:
    text = "The Title\n\nIrving Howe\n\nA Subtitle Here\n\n(May 1950)\n\nFirst paragraph.\n"
    doc = read(text).document
    assert doc.writers == ("Irving Howe",)
    assert doc.subtitle == "A Subtitle Here"
    assert doc.date_line == "May 1950"


def test_byline_with_several_writers() -> None:
    doc = read("T\n\nby Max Shachtman and Hal Draper\n\nText.\n").document
    assert doc.writers == ("Max Shachtman", "Hal Draper")
    assert doc.blocks == (Block("paragraph", "Text."),)


def test_without_markers_a_short_block_is_body() -> None:
    doc = read("The Title\n\nIntroduction\n\nThe body begins.\n").document
    assert doc.subtitle is None
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph"]


# -- body rules ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["govern-", "ment"], "government"),
        (["Govern-", "ment"], "Government"),
        (["self-", "confidence"], "self-confidence"),
        (["anti-", "Stalinist"], "anti-Stalinist"),
        (["Franco-", "Soviet"], "Franco-Soviet"),
        (["Social-", "Democrats"], "Social-Democrats"),
        (["a dash –", "here"], "a dash – here"),
        (["em—", "dash"], "em—dash"),
        (["1917-", "1923"], "1917- 1923"),
        (["one", "two", "three"], "one two three"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


@pytest.mark.parametrize("rule", ["* * *", "***", "---", "- - -", "___", "*****"])
def test_section_break_lines(rule: str) -> None:
    doc = read(f"T\n\nOne.\n\n{rule}\n\nTwo.\n").document
    assert [b.kind for b in doc.blocks] == ["paragraph", "section_break", "paragraph"]


def test_break_line_and_blank_lines_make_one_break() -> None:
    doc = read("T\n\nOne.\n\n\n* * *\n\n\nTwo.\n\n\n\n").document
    assert [b.kind for b in doc.blocks] == ["paragraph", "section_break", "paragraph"]


@pytest.mark.parametrize(
    ("block", "ordered", "items"),
    [
        ("(a) first thing;\n(b) second thing.", True, ["first thing;", "second thing."]),
        ("– one\n– two\n– three", False, ["one", "two", "three"]),
        ("- one\n  continued\n- two", False, ["one continued", "two"]),
        ("1) alpha\n2) beta", True, ["alpha", "beta"]),
    ],
)
def test_lists(block: str, ordered: bool, items: list[str]) -> None:
    doc = read(f"T\n\nIntro:\n\n{block}\n\nAfter.\n").document
    lst = doc.blocks[1]
    assert lst.kind == "list" and lst.ordered == ordered
    assert [c.text for c in lst.children] == items


def test_single_numbered_line_is_a_paragraph() -> None:
    doc = read("T\n\n1. This is only one numbered line.\n").document
    assert doc.blocks[0].kind == "paragraph"


@pytest.mark.parametrize(
    "line",
    [
        "This ends with a full stop.",
        "But he asked, why not?",  # question, not title-cased
        "and lower case start",
        "A line, with a comma,",
        "Fourteen words are far too many for any heading that a newspaper would ever print",
    ],
)
def test_not_headings(line: str) -> None:
    doc = read(f"T\n\nFirst.\n\n{line}\n\nA paragraph follows.\n").document
    assert doc.blocks[1].kind == "paragraph"


def test_heading_needs_text_after_it() -> None:
    doc = read("T\n\nFirst.\n\nLast Line Standing\n").document
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph"]


def test_indented_blocks_are_quotes() -> None:
    text = "T\n\nHe wrote:\n\n    We shall fight\n    on the beaches.\n\n    And win.\n\nThen more.\n\nMore.\n"
    doc = read(text).document
    assert [b.kind for b in doc.blocks] == ["paragraph", "quote", "paragraph", "paragraph"]
    assert [c.text for c in doc.blocks[1].children] == ["We shall fight on the beaches.", "And win."]


def test_indentation_as_paragraph_style_is_not_quotes() -> None:
    doc = read("T\n\n  One para.\n\n  Two para.\n\nThree.\n").document
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 3


def test_numbered_notes_and_missing_reference() -> None:
    text = "T\n\nText[1] and more[3].\n\nNotes\n\n1. First note.\n2. Second note.\n"
    parsed = read(text)
    doc = parsed.document
    assert doc.blocks[0].text == "Text and more[3]."
    assert doc.blocks[0].marks == (Mark(4, 4, "noteref", target="n1", label="1"),)
    assert [(n.label, n.blocks[0].text) for n in doc.notes] == [("1", "First note."), ("2", "Second note.")]
    assert any("[3]" in w.message for w in parsed.warnings)


def test_letter_and_star_notes() -> None:
    doc = read("T\n\nOne[a] two[*].\n\nNotes\n\n[a] Letter note.\n\n[*] Star note.\n").document
    assert doc.blocks[0].text == "One two."
    assert [(m.start, m.label, m.target) for m in doc.blocks[0].marks] == [(3, "a", "na"), (7, "*", "n1star")]
    assert [n.id for n in doc.notes] == ["na", "n1star"]
    assert read(to_text(doc)).document == doc


def test_a_citation_quoted_in_the_body_does_not_extend_the_front_matter() -> None:
    text = (
        "T\n\nFrom Labor Action, 8 March 1948.\n\nA short first paragraph.\n\nAnother short one.\n\n"
        "The Militant, 1 January 1934, p. 2.\n\nMore text.\n"
    )
    parsed = read(text)
    assert parsed.warnings == []
    assert parsed.document.source.periodical == "Labor Action"
    assert [b.text for b in parsed.document.blocks][:3] == [
        "A short first paragraph.",
        "Another short one.",
        "The Militant, 1 January 1934, p. 2.",
    ]


def test_duplicate_note_labels_get_unique_ids() -> None:
    parsed = read("T\n\nA[1].\n\nNotes\n\n[1] a\n\n[1] b\n\n[2] c\n")
    doc = parsed.document
    validate(doc)
    assert [(n.id, n.label) for n in doc.notes] == [("n1", "1"), ("n1-2", "1"), ("n2", "2")]
    assert doc.blocks[0].marks[0].target == "n1"
    assert [w.message for w in parsed.warnings] == ["two notes are labelled [1]"]


def test_brackets_without_notes_are_left_alone() -> None:
    doc = read("T\n\nIn [1917] the text [1] stays.\n").document
    assert doc.blocks[0].text == "In [1917] the text [1] stays."
    assert doc.notes == ()


def test_emphasis_markers_are_left_as_text() -> None:
    doc = read("T\n\nThis is *not* _markdown_.\n").document
    assert doc.blocks[0] == Block("paragraph", "This is *not* _markdown_.")


# -- bad input -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   \n\t\n  ", "\ufeff", "\r\n\r\n"])
def test_empty_input(text: str) -> None:
    with pytest.raises(ReadError, match="empty file: no text to read"):
        read(text)


def test_only_a_title() -> None:
    parsed = read("Just a Title\n")
    assert parsed.document.title == "Just a Title"
    assert parsed.document.blocks == ()
    assert [w.message for w in parsed.warnings] == ["no body text after the front matter"]


def test_front_matter_only() -> None:
    parsed = read("A Title\n\n(March 1948)\n\nFrom Labor Action, 8 March 1948, p. 4.\n")
    doc = parsed.document
    assert (doc.date_line, doc.source.page_start, doc.blocks) == ("March 1948", 4, ())
    assert parsed.warnings and "no body text" in parsed.warnings[0].message


def test_no_title_is_an_error_with_line_number() -> None:
    text = "\n\n" + "This is a long opening paragraph with no title before it at all. " * 5 + "\n\nMore.\n"
    with pytest.raises(ReadError) as err:
        read(text)
    assert err.value.line == 3
    assert "no title" in str(err.value)


def test_huge_single_line_fails_fast() -> None:
    text = "word " * 10_000_000  # 50 MB, one line
    start = time.perf_counter()
    with pytest.raises(ReadError, match="no title"):
        read(text)
    assert time.perf_counter() - start < 30  # a guard against a hang, not a speed target


def test_huge_single_paragraph_parses() -> None:
    text = "Title\n\n" + "word [1] " * 500_000 + "\n"
    start = time.perf_counter()
    doc = read(text).document
    assert doc.blocks[0].kind == "paragraph"
    assert time.perf_counter() - start < 30  # a guard against a hang, not a speed target


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("ab A.,:?()[]1-*–\n\n\t \r") + ["From ", "Vol. 1 ", "1948", "by "])).map("".join))
def test_read_raises_only_read_error(text: str) -> None:
    try:
        parsed = read(text)
    except ReadError:
        return
    validate(parsed.document)
    assert Document.from_json(parsed.document.to_json()) == parsed.document


# -- round trip of generated documents -----------------------------------------------------------------
_VOCAB = (
    "workers party strike union class struggle capital war peace bread land power socialism state press "
    "meeting comrades factory wages bosses committee the of and a to"
).split()
_TITLE_WORDS = "Workers Party Strike Union Class Struggle Capital War Peace Land Power Socialism State".split()
_NAMES = "Max Hal James Rosa Leon Jane Ted Einde Shachtman Draper Connolly Howe Smith Crawford".split()

words = st.lists(st.sampled_from(_VOCAB), min_size=2, max_size=12)
sentences = words.map(lambda ws: " ".join([ws[0].capitalize(), *ws[1:]]) + ".")
titles = st.lists(st.sampled_from(_TITLE_WORDS + ["of", "the"]), min_size=1, max_size=8).map(
    lambda ws: " ".join([ws[0].capitalize(), *ws[1:]])
)
names = st.tuples(st.sampled_from(_NAMES), st.sampled_from(_NAMES)).map(" ".join)


@st.composite
def paragraphs(draw: st.DrawFn, labels: list[str]) -> Block:
    ss = draw(st.lists(sentences, min_size=1, max_size=3))
    text = " ".join(ss)
    marks: list[Mark] = []
    if labels:
        ends = [i for i, ch in enumerate(text) if ch in " ."] + [len(text)]
        for label in draw(st.lists(st.sampled_from(labels), max_size=2)):
            pos = draw(st.sampled_from(ends))
            marks.append(Mark(pos, pos, "noteref", target=f"n{label}", label=label))
        marks.sort(key=lambda m: m.start)
    return Block("paragraph", text, marks=tuple(marks))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    n_notes = draw(st.integers(0, 3))
    labels = [str(i) for i in range(1, n_notes + 1)]
    blocks: list[Block] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["paragraph", "paragraph", "heading", "break", "list", "quote"]))
        prev = blocks[-1].kind if blocks else None
        if kind == "heading":
            blocks.append(Block("heading", draw(titles), level=HEADING_LEVEL))
        elif kind == "break" and prev not in (None, "section_break", "heading"):
            blocks.append(Block("section_break"))
        elif kind == "list":
            items = draw(st.lists(sentences, min_size=2, max_size=4))
            blocks.append(Block("list", ordered=draw(st.booleans()), children=tuple(Block("item", t) for t in items)))
        elif kind == "quote" and prev != "quote":
            children = draw(st.lists(paragraphs([]), min_size=1, max_size=2))
            blocks.append(Block("quote", children=tuple(children)))
        else:
            blocks.append(draw(paragraphs(labels)))
    blocks.append(draw(paragraphs(labels)))  # the body ends in text: headings and breaks need text after
    quoted = sum(len(b.children) for b in blocks if b.kind == "quote")
    chunks = len(blocks) - sum(1 for b in blocks if b.kind == "quote") + quoted
    if quoted * 2 >= chunks:  # mostly indented: the reader takes indentation as paragraph style
        blocks = [b.children[0] if b.kind == "quote" else b for b in blocks]
    notes = tuple(
        Note(f"n{label}", label, tuple(draw(st.lists(paragraphs([]), min_size=1, max_size=2)))) for label in labels
    )
    source = Source()
    if draw(st.booleans()):
        page = draw(st.none() | st.integers(1, 9))
        src = Source(
            periodical=draw(titles),
            volume=draw(st.none() | st.integers(1, 60)),
            issue=draw(st.none() | st.integers(1, 60)),
            date=draw(st.sampled_from(["1948-03-08", "1948-03", "1948", "1901-05-25"])),
            page_start=page,
            page_end=page,
        )
        source = parse_citation("From " + format_citation(src) + ".")
    credits = tuple(
        Credit(role, name, for_whom)
        for role, name, for_whom in draw(
            st.lists(
                st.tuples(st.sampled_from(["transcribed", "marked up", "proofread"]), names, st.none() | titles),
                max_size=3,
                unique_by=lambda t: (t[0], t[1]),
            )
        )
    )
    date_line = draw(st.none() | st.sampled_from(["March 1948", "8 March 1948", "Spring 1950", "1901"]))
    has_marker = bool(source.raw or credits or date_line)
    # A subtitle of 2-4 capitalised words reads as a bare-name byline ("Irving Howe"): keep them apart.
    subtitle = draw(st.none() | titles.map(lambda t: f"On the {t}")) if has_marker else None
    doc = Document(
        id="-",
        title=draw(titles),
        subtitle=subtitle,
        date_line=date_line,
        writers=tuple(draw(st.lists(names, max_size=2, unique=True))),
        source=source,
        credits=credits,
        blocks=tuple(blocks),
        notes=notes,
        provenance=Provenance(format="text"),
    )
    return doc.replace(id=make_document_id(doc))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_render_read_round_trip(doc: Document) -> None:
    text = to_text(doc)
    parsed = read(text)
    assert parsed.document == doc, text
    assert parsed.warnings == []


def test_render_drops_what_text_cannot_hold() -> None:
    doc = Document(
        id="x",
        title="T",
        blocks=(Block("paragraph", "Bold text here.", marks=(Mark(0, 4, "strong"),)),),
    )
    assert to_text(doc) == "T\n\nBold text here.\n"
    assert format_credits([]) == []
