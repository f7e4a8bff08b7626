"""The Markdown reader (Pandoc conversions of MIA pages) and the Markdown renderer."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.citation import format_credits, is_citation_line, parse_citation, parse_credits
from masthead.model import (
    CREDIT_ROLES,
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
from masthead.readers import Parsed, ReadError, parse_text
from masthead.readers._mdblocks import normalize_marks
from masthead.readers._mdfront import looks_like_name, writer_names
from masthead.readers.markdown import read
from masthead.render.markdown import render_inline, to_markdown

ROOT = Path(__file__).resolve().parents[1]
MIA = ROOT / "examples" / "corpus" / "mia-markdown" / "archive"
DATA = Path(__file__).parent / "data" / "markdown"
ALL_FILES = sorted(p for p in MIA.rglob("*") if p.is_file())
MD_FILES = [p for p in ALL_FILES if p.suffix == ".md"]
NO_TITLE = {"trotsky/index.md"}  # an image map with no heading at all: ReadError, by design


def _rel(p: Path) -> str:
    return p.relative_to(MIA).as_posix()


@functools.cache
def _read(rel: str) -> Parsed:
    """The bundled page read once per test session (documents are immutable)."""
    path = MIA / rel
    return read(path.read_text(encoding="utf-8"), path=str(path))


def _texts(doc: Document) -> list[str]:
    return [b.text for b in doc.iter_blocks()]


# -- golden pages ------------------------------------------------------------------------------------
def test_labour_representation_front_matter_and_body() -> None:
    parsed = _read("connolly/1898/08/laborrep.md")
    doc = parsed.document
    assert doc.writers == ("James Connolly",)
    assert doc.title == "Labour Representation"
    assert doc.date_line == "1898"
    assert doc.subtitle is None
    assert doc.source.periodical == "Workers' Republic"
    assert doc.source.date == "1898-08-27"
    assert doc.source.raw == "From Workers' Republic, August 27, 1898"
    assert doc.credits == (Credit("transcribed", "The James Connolly Society", None, 1997),)
    assert doc.id == "workers-republic/1898/08/27/labour-representation"
    assert doc.provenance.format == "markdown" and doc.provenance.path.endswith("laborrep.md")
    assert [(b.level, b.text) for b in doc.blocks if b.kind == "heading"] == [(4, "I"), (4, "II")]
    # The rule between the sections is a section break; the page's own rules are not.
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count("section_break") == 1 and kinds[0] == "heading" and kinds[-1] == "paragraph"
    first = doc.blocks[1].text
    assert first.startswith("The farmers of Ireland denounced as unpatriotic")
    assert "for a cottage \u2013 let the working class" in first  # "--" is an en dash
    assert "political force ... By their" in first  # "\..." is three literal dots
    assert "his master's\ninterests" not in first and any("master's interests" in t for t in _texts(doc))
    assert parsed.warnings == []


def test_justice_and_millerand() -> None:
    doc = _read("connolly/1901/05/justice.md").document
    assert doc.title == "Justice And Millerand"  # "# *Justice* And Millerand": emphasis dropped
    assert doc.date_line == "May 1901"
    assert (doc.source.periodical, doc.source.date, doc.source.page_start) == ("Justice", "1901-05-25", 6)
    assert doc.credits == (
        Credit("transcribed", "Ted Crawford"),
        Credit("marked up", "Einde O'Callaghan", "Marxists' Internet Archive"),
    )
    body = doc.blocks
    assert body[0].text == "Dear Comrade,"
    tactics = body[2]
    emph = [tactics.text[m.start : m.end] for m in tactics.marks if m.kind == "emphasis"]
    assert emph == ["tactics", "principles"]
    strong = [body[1].text[m.start : m.end] for m in body[1].marks if m.kind == "strong"]
    assert strong == ["Justice", "Justice"]
    # The signature stood in a Pandoc grid table: its cell is read as a paragraph with line breaks.
    sig = next(b for b in body if b.text.startswith("fraternally,"))
    assert sig.text == "fraternally,\nJAMES CONNOLLY,\nEditor Workers' Republic, Dublin."
    assert [m.start for m in sig.marks if m.kind == "linebreak"] == [12, 28]
    assert body[-1].text.startswith("[A reference to the terms of the Kautsky resolution")
    assert body[-1].text.endswith("\u2013 Ed.]")


def test_mia_notes_become_notes_and_noterefs() -> None:
    parsed = _read("trotsky/1924/ffyci-1/ch17.md")
    doc = parsed.document
    assert doc.writers == ("Leon Trotsky",)
    assert doc.title == "On l'Humanité, the Central Organ of the French Party"
    assert ("Part of", "The First Five Years of the Communist International") in doc.info
    assert ("Part of", "Volume 1") in doc.info
    assert [n.id for n in doc.notes] == ["1", "2", "3", "4", "5"]
    assert doc.notes[0].blocks[0].text.startswith("This letter was originally addressed to Lucie Leiciague")
    assert doc.notes[1].blocks[0].marks[0] == Mark(0, 10, "emphasis")  # "*Dissidents* -- the name ..."
    first = doc.blocks[0]
    assert first.text.startswith("DEAR COMRADE, in accordance")
    assert Mark(12, 12, "noteref", target="1", label="1") in first.marks
    refs = [m.target for b in doc.iter_blocks() for m in b.marks if m.kind == "noteref"]
    assert sorted(refs) == ["1", "2", "3", "4", "5"]
    texts = _texts(doc)
    assert "Notes" not in texts and not any("Index" in t for t in texts if len(t) < 60)
    assert doc.blocks[-1].text == "July 23, 1921. Moscow."
    assert not any(m.kind == "link" and (m.target or "").startswith("#") for b in doc.blocks for m in b.marks)


def test_note_heading_and_dated_header_with_a_note() -> None:
    doc = _read("connolly/1898/08/letter.md").document
    assert doc.date_line == "1898"  # "### (1898) [\[1\]](#n1){#f1}"
    assert [n.id for n in doc.notes] == ["1"]
    doc = _read("connolly/1901/11/edinsdf.md").document  # "### Note" then "[1.](#f1){#n1} ..."
    assert doc.notes[0].blocks[0].text.startswith("The Secretary of the Edinburgh branch")
    assert "Note" not in _texts(doc)


def test_source_block_lines_go_to_info_with_warnings() -> None:
    parsed = _read("james-clr/works/1948/revolutionary-answer.md")
    doc = parsed.document
    assert doc.writers == ("J. Meyer",)
    assert doc.date_line == "December 1948"
    assert (doc.source.periodical, doc.source.date) == ("Fourth International", "1948-12")
    assert doc.info[0] == ("Source", "Speech at Socialist Workers Party conference in 1948.")
    assert doc.info[1][0] == "Republished" and doc.info[1][1].endswith("138\u2013147.")
    assert [(c.role, c.name) for c in doc.credits] == [
        ("transcribed", "Daniel Gaido"),
        ("marked up", "Einde O'Callaghan"),
    ]
    assert [(w.line, w.message.split(":")[0]) for w in parsed.warnings] == [
        (18, "source line not recognised, kept as information")
    ]
    doc = _read("connolly/1898/08/homea.md").document
    assert ("Rights", "The notes, which are © 1997 Pluto Press, have not been included.") in doc.info


def test_title_block_in_a_grid_table_and_page_without_rules() -> None:
    doc = _read("draper/biog/intro.md").document
    assert (doc.writers, doc.title, doc.date_line) == (
        ("Ernest Haberkern",),
        "Introduction to Hal Draper",
        "1998",
    )
    doc = _read("draper/1970/tus/1-marx-tus.md").document
    assert doc.writers == ("Hal Draper",) and doc.date_line is None and doc.subtitle is None
    assert doc.blocks[0] == Block("heading", "I. Marxism and Trade Unions", level=3)
    assert "CONTINUED" not in _texts(doc)[-1]


def test_simple_table_becomes_preformatted() -> None:
    doc = _read("connolly/1899/07/soldiers.md").document
    table = next(b for b in doc.blocks if b.kind == "preformatted")
    rows = table.text.split("\n")
    assert rows[0].split() == ["In", "the", "Prussian", "Army", "26.7"]
    assert rows[-1].split() == ["British", "in", "India", "458.3"]
    assert len(rows) == 5


def test_index_pages_parse_with_a_warning() -> None:
    parsed = _read("james-clr/index.md")  # the whole page sits in "> ::: border"
    assert parsed.document.title == "C.L.R. James Archive"
    assert any("index page" in w.message for w in parsed.warnings)
    assert _read("connolly/index.md").document.title == "James Connolly"
    with pytest.raises(ReadError) as err:
        _read("trotsky/index.md")
    assert "no title" in str(err.value)


def test_the_html_page_among_the_markdown_is_refused_cleanly() -> None:
    (html,) = [p for p in ALL_FILES if p.suffix != ".md"]
    with pytest.raises(ReadError):
        read(html.read_text(encoding="utf-8"), path=str(html))


# -- every bundled file ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", MD_FILES, ids=_rel)
def test_every_bundled_page_reads_and_round_trips(path: Path) -> None:
    assert len(ALL_FILES) == 95
    try:
        parsed = _read(_rel(path))
    except ReadError:
        assert _rel(path) in NO_TITLE
        return
    doc = parsed.document
    validate(doc)
    assert doc.title and doc.id
    for text in [*_texts(doc), doc.title, doc.subtitle or "", *(v for _, v in doc.info)]:
        assert "Last updated" not in text and "Last up-dated" not in text
        assert "Top of the page" not in text
        for esc in ("\\[", "\\]", "\\*", "\\>", "\\'", '\\"', "\\.", "\\-"):
            assert esc not in text, (esc, text[:80])
        assert "{#" not in text and "{." not in text
    for b in doc.iter_blocks():
        assert b.text == b.text.strip() or b.kind == "preformatted"
    back = read(to_markdown(doc), path=str(path)).document
    assert back.replace(provenance=doc.provenance) == doc


def test_front_matter_of_all_articles() -> None:
    articles = [p for p in MD_FILES if p.name != "index.md"]
    docs = [_read(_rel(p)).document for p in articles]
    assert len(docs) == 89
    assert sum(d.writers == ("James Connolly",) for d in docs) == 84
    # Only the four Connolly pages whose source block is a lone credit, and four pages without a source
    # block, have no periodical.
    assert sum(d.source.periodical is not None for d in docs) == 81
    assert sum(bool(d.credits) for d in docs) == 85
    assert all(d.date_line is None or "(" not in d.date_line for d in docs)


# -- small inputs ------------------------------------------------------------------------------------
PAGE = """---
layout: default
title:
---
## Karl Marx

# A *Title*

### (1867)

------------------------------------------------------------------------

From **Die Zeit**, 3 May 1867.

------------------------------------------------------------------------

{body}
"""


def _body(md: str) -> Document:
    return read(PAGE.format(body=md)).document


@pytest.mark.parametrize(
    ("md", "text"),
    [
        ("a -- b --- c", "a \u2013 b \u2014 c"),
        ("literal \\-- and \\-\\-- and \\...", "literal -- and --- and ..."),
        ("wait...", "wait\u2026"),
        ("\\*no\\* \\[no\\] 1 \\> 0 a\\_b \\# \\`x\\` \\{y}", "*no* [no] 1 > 0 a_b # `x` {y}"),
        ("it\\'s \\\"q\\\" it's", "it's \"q\" it's"),
        ("a\\ b", "a\u00a0b"),
        ("one\\\ntwo", "one\ntwo"),
        ("one<br>  two", "one\ntwo"),
        ("soft\nwrap", "soft wrap"),
        ("&amp; &copy;", "& ©"),
    ],
)
def test_inline_text(md: str, text: str) -> None:
    assert _body(md).blocks[0].text == text


def test_marks_and_blocks() -> None:
    doc = _body(
        "Some *em* and **strong** and [a link](http://x.org/a) and [sc]{.smallcaps}.\n\n"
        "> quoted\n>\n> - item\n\n1. one\n2. two\n\n```\ncode  here\n```\n\n"
        "{#p7 .fst}\nstyled\n\n#### Head {#h2}\n"
    )
    p = doc.blocks[0]
    assert [(p.text[m.start : m.end], m.kind, m.target) for m in p.marks] == [
        ("em", "emphasis", None),
        ("strong", "strong", None),
        ("a link", "link", "http://x.org/a"),
        ("sc", "smallcaps", None),
    ]
    quote, ol, pre, styled, head = doc.blocks[1:]
    assert quote.kind == "quote" and [c.kind for c in quote.children] == ["paragraph", "list"]
    assert ol == Block("list", ordered=True, children=(Block("item", "one"), Block("item", "two")))
    assert pre == Block("preformatted", "code  here")
    assert (styled.anchor, styled.style) == ("p7", "fst")
    assert (head.text, head.level, head.anchor) == ("Head", 4, "h2")
    assert doc.title == "A Title" and doc.writers == ("Karl Marx",) and doc.source.date == "1867-05-03"


def test_pandoc_footnotes_page() -> None:
    parsed = read((DATA / "pandoc-footnotes.md").read_text(encoding="utf-8"), path="pandoc-footnotes.md")
    doc = parsed.document
    assert (doc.title, doc.subtitle, doc.date_line) == ("The Mass Strike", "Chapter I", "September 1906")
    src = doc.source
    assert (src.periodical, src.volume, src.issue, src.date, src.page_start, src.page_end) == (
        "Die Neue Zeit", 24, 2, "1906-09-15", 12, 18,
    )  # fmt: skip
    assert doc.credits == (Credit("translated", "Patrick Lavin"), Credit("proofread", "Jane Doe", year=2004))
    assert doc.info == (("Source", "A lecture given in Hamburg."),)
    assert [w.line for w in parsed.warnings] == [26]  # the line itself, not its paragraph
    first = doc.blocks[0]  # inside "::: border"
    assert first.text.startswith("Almost all works on the question of the mass strike \u2013 as the Russian")
    refs = [(m.start, m.target) for m in first.marks if m.kind == "noteref"]
    assert refs == [(32, "1"), (len(first.text) - 1, "long")]
    assert [(n.id, n.label, [b.text for b in n.blocks]) for n in doc.notes] == [
        ("1", "1", ["The first note, with emphasis."]),
        ("long", "long", ["A longer note.", "Its second paragraph."]),
    ]
    assert doc.blocks[1].anchor == "para2" and doc.blocks[1].style == "fst"
    assert "literal -- hyphens and an ellipsis ... here." in doc.blocks[1].text
    heading = next(b for b in doc.blocks if b.kind == "heading")
    assert (heading.text, heading.anchor) == ("Section II", "s2")
    assert doc.blocks[-1].text == "More text after a rule."
    assert read(to_markdown(doc)).document.replace(provenance=doc.provenance) == doc


def test_read_errors_and_warnings() -> None:
    with pytest.raises(ReadError) as err:
        read("intro\n\n## Only a subheading\n\ntext\n")
    assert err.value.line == 3 and "no title" in err.value.message
    with pytest.raises(ReadError):
        parse_text("no headings at all", path="x.md")
    doc = read("---\ntitle: From YAML\n---\nJust text.\n").document  # front-matter title as a fallback
    assert doc.title == "From YAML" and doc.blocks == (Block("paragraph", "Just text."),)
    parsed = read("# T\n\n------\n\nFrom **Workers' Republic**, 31 February 1898.\\\nTranscribed by A B.\n\n---\n\nx\n")
    assert parsed.document.source == Source(raw="From Workers' Republic, 31 February 1898.")
    assert parsed.warnings[0].line == 5 and "impossible date" in parsed.warnings[0].message
    parsed = read("# T\n\nSee [\\[9\\]](#n9).\n")
    assert parsed.document.blocks[0].marks[0].kind == "link"
    assert "not a note" in parsed.warnings[0].message


def test_note_reference_hugs_the_word_before_it() -> None:
    doc = read("# T\r\n\r\n[a ](http://x.org) [^1] and *b*\r\n\r\n[^1]: n\r\n").document
    assert doc.blocks[0] == Block(
        "paragraph",
        "a and b",
        (Mark(0, 1, "link", "http://x.org"), Mark(1, 1, "noteref", "1", "1"), Mark(6, 7, "emphasis")),
    )
    assert doc.notes == (Note("1", "1", (Block("paragraph", "n"),)),)


def test_writer_names() -> None:
    for name in ("James Connolly", "C.L.R. James", "J. Meyer", "Aindrias Ó Cathasaigh", "Rosa Luxemburg"):
        assert looks_like_name(name), name
    for text in ("Marxists' Internet Archive", "Volume 1", "The First Five Years", "1914–1990", "PART 4 of"):
        assert not looks_like_name(text), text
    doc = read("## Karl Marx and Frederick Engels\n\n# Manifesto\n").document
    assert doc.writers == ("Karl Marx", "Frederick Engels")


# -- renderer ----------------------------------------------------------------------------------------
def test_rendered_page_has_the_mia_shape() -> None:
    md = to_markdown(_read("connolly/1898/08/laborrep.md").document)
    lines = md.split("\n")
    assert lines[:4] == ["---", "layout: default", 'title: "Labour Representation"', "---"]
    assert "## James Connolly" in lines and "# Labour Representation" in lines and "### (1898)" in lines
    assert "From **Workers' Republic**, August 27, 1898\\" in lines
    assert "Transcribed by The James Connolly Society in 1997." in lines
    assert lines.count("-" * 72) == 3 and "#### I" in lines and "#### II" in lines
    assert "to serve their class interest -- including even the labourer's demand" in md.replace("\n", " ")
    assert max(len(x) for x in lines) <= 80


@pytest.mark.parametrize(
    ("text", "marks", "md"),
    [
        ("a*b_c [d] <e> #f {g} \\h", (), "a\\*b\\_c \\[d\\] \\<e\\> \\#f \\{g} \\\\h"),
        ("1898. The year", (), "1898\\. The year"),
        ("- x\n+ y", (), "\\- x\\\n\\+ y"),
        ("a -- b – c — d", (), "a \\-\\- b -- c --- d"),
        ("x\u2013\u2013y", (), "x\u2013\u2013y"),
        ("word bold", (Mark(5, 9, "strong"),), "word **bold**"),
        ("word", (Mark(4, 4, "noteref", "1", "1"),), "word[^1]"),
        ("see here", (Mark(4, 8, "link", "http://x.org/a b"),), "see [here](<http://x.org/a b>)"),
        ("Hi!x", (Mark(3, 4, "link", "http://x.org"),), "Hi\\![x](http://x.org)"),
    ],
)
def test_render_inline(text: str, marks: tuple[Mark, ...], md: str) -> None:
    assert render_inline(text, marks).replace("\x00", " ") == md


def test_emphasis_the_delimiters_cannot_express_falls_back_to_spans() -> None:
    doc = Document("x", "T", blocks=(Block("paragraph", 'a"b"c', (Mark(1, 4, "emphasis"),)),))
    md = to_markdown(doc)
    assert '[\\"b\\"]{.emphasis}' in md or '["b"]{.emphasis}' in md
    assert read(md).document.blocks == doc.blocks


# -- generated documents -----------------------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzàéöæ"
_PUNCT = "*_[]#-.–—'\"&<>!{}\\:+=~|()`,;?0123456789"
words = st.text(alphabet=_LETTERS + _LETTERS.upper() + _PUNCT, min_size=1, max_size=9)
plain_words = st.text(alphabet=_LETTERS, min_size=2, max_size=9)
cap = plain_words.map(str.capitalize)
names = st.lists(cap, min_size=2, max_size=3).map(" ".join).filter(lambda n: writer_names(n) == [n])


def _sentence(ws: list[str]) -> str:
    return " ".join(ws)


def _overlap(a: Mark, b: Mark) -> bool:
    return a.start < b.end and b.start < a.end


def _crosses(a: Mark, b: Mark) -> bool:
    nested = (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)
    return b.start < b.end and _overlap(a, b) and not nested


@st.composite
def marked(draw: st.DrawFn, note_ids: tuple[str, ...] = (), lines: bool = True) -> tuple[str, tuple[Mark, ...]]:
    ws = draw(st.lists(words, min_size=1, max_size=12))
    ws[0] = draw(plain_words) + ws[0]  # every paragraph says something
    seps = [draw(st.sampled_from([" ", " ", " ", "\n"])) if lines else " " for _ in ws[1:]]
    text = ws[0] + "".join(s + w for s, w in zip(seps, ws[1:], strict=True))
    starts, pos = [], 0
    for s, w in zip(["", *seps], ws, strict=True):
        pos += len(s)
        starts.append((pos, pos + len(w)))
        pos += len(w)
    marks = [Mark(i, i, "linebreak") for i, ch in enumerate(text) if ch == "\n"]
    for _ in range(draw(st.integers(0, 3))):
        a = draw(st.integers(0, len(ws) - 1))
        b = draw(st.integers(a, min(a + 3, len(ws) - 1)))
        kind = draw(st.sampled_from(["emphasis", "strong", "link", "smallcaps"]))
        target = "http://example.org/" + draw(st.from_regex(r"[a-z0-9/_.-]{1,8}", fullmatch=True))
        target = target if kind == "link" else None
        new = Mark(starts[a][0], starts[b][1], kind, target)
        if any(_crosses(new, m) or (kind == "link" == m.kind and _overlap(new, m)) for m in marks):
            continue  # Markdown marks nest (what CommonMark gives); links never overlap
        marks.append(new)
    if note_ids and draw(st.booleans()):
        a = draw(st.integers(0, len(ws) - 1))
        nid = draw(st.sampled_from(note_ids))
        marks.append(Mark(starts[a][1], starts[a][1], "noteref", nid, nid))
    return text, tuple(normalize_marks(text, marks))


@st.composite
def body_block(draw: st.DrawFn, note_ids: tuple[str, ...]) -> Block:
    kind = draw(st.sampled_from(["paragraph", "paragraph", "paragraph", "heading", "list", "quote", "pre"]))
    if kind == "heading":
        text, marks = draw(marked(note_ids, lines=False))
        return Block("heading", text, marks, level=draw(st.integers(1, 6)))
    if kind == "list":
        items = [Block("item", *draw(marked(note_ids))) for _ in range(draw(st.integers(1, 3)))]
        return Block("list", ordered=draw(st.booleans()), children=tuple(items))
    if kind == "quote":
        return Block("quote", children=tuple(Block("paragraph", *draw(marked(note_ids))) for _ in range(2)))
    if kind == "pre":
        lines = draw(st.lists(st.text(alphabet=_LETTERS + _PUNCT + " `", max_size=20), min_size=1, max_size=3))
        return Block("preformatted", "\n".join(lines).rstrip("\n"))
    text, marks = draw(marked(note_ids))
    return Block("paragraph", text, marks, style=draw(st.sampled_from([None, None, "fst"])))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    note_ids = tuple(str(i + 1) for i in range(draw(st.integers(0, 2))))
    body: list[Block] = []
    for _ in range(draw(st.integers(0, 6))):
        if body and body[-1].kind != "section_break" and draw(st.integers(0, 5)) == 0:
            body.append(Block("section_break"))
        body.append(draw(body_block(note_ids)))
    source = Source()
    if draw(st.booleans()):
        day, year = draw(st.integers(1, 28)), draw(st.integers(1850, 1990))
        line = f"From **{draw(names)} Review**, {day} March {year}"
        line += f", p. {draw(st.integers(1, 40))}." if draw(st.booleans()) else "."
        assert is_citation_line(line)
        source = replace(parse_citation(line), raw=line.replace("**", ""))
    credits = [Credit(draw(st.sampled_from(CREDIT_ROLES)), draw(names)) for _ in range(draw(st.integers(0, 2)))]
    credits = [c for line in format_credits(credits) for c in parse_credits(line)]
    info = []
    if draw(st.booleans()):
        info.append(("Part of", f"Collected Works Volume {draw(st.integers(1, 50))}"))
    if draw(st.booleans()):
        info.append(("Republished", f"Reprinted in {draw(names)}, {draw(st.integers(1900, 2000))}."))
    # A line the reader cannot classify only counts as part of a source block that has a citation,
    # credit or republication line in it.
    republished = any(k == "Republished" for k, _ in info)
    if (source != Source() or credits or republished) and draw(st.booleans()):
        info.append(("Source", f"Speech at the {draw(plain_words)} conference."))
    doc = Document(
        id="-",
        title=_sentence(draw(st.lists(words, min_size=1, max_size=6))),
        subtitle=draw(st.none() | st.lists(plain_words, min_size=1, max_size=4).map(_sentence)),
        date_line=draw(st.none() | st.sampled_from(["1898", "May 1901", "7 December 1907"])),
        writers=tuple(draw(st.lists(names, max_size=2, unique=True))),
        source=source,
        credits=tuple(credits),
        blocks=tuple(body),
        notes=tuple(Note(i, i, (Block("paragraph", *draw(marked(()))),)) for i in note_ids),
        info=tuple(info),
    )
    return doc.replace(id=make_document_id(doc))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_round_trip(doc: Document) -> None:
    validate(doc)
    md = to_markdown(doc)
    back = read(md).document
    assert back.replace(provenance=Provenance()) == doc, md


_PIECES = st.sampled_from(
    list("# *_[]()\\-.\n>+=1`{}:|!^~&<\u00a0aZ ")
    + ["# T\n", "---\n", "[^1]", "[^1]: x\n", "[\\[1\\]](#n1){#f1}", "[1.](#f1){#n1} ", "### (1898)\n"]
    + ["+---+\n| # x |\n+---+\n", "\\\n", "  --- ---\n", "::: b\n", "**", "From **W R**, 1 May 1900.\n"]
    + ["Transcribed by A B.\n", "## James Connolly\n", "- ", "1. ", "> ", "    ", "```\n", "<br>", "--"]
    + ["[l](http://x.org/a b)", "[l](#top)", "![i](x.png)", "{#id}\n", "[x]{.smallcaps}", "### Notes\n"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_markdownish_text_reads_and_round_trips(text: str) -> None:
    try:
        doc = read(text).document
    except ReadError:
        return
    validate(doc)
    assert read(to_markdown(doc)).document.replace(provenance=doc.provenance) == doc


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_document_or_a_read_error(text: str) -> None:
    try:
        parsed = read(text)
    except ReadError as exc:
        assert str(exc)
        return
    validate(parsed.document)


def test_pandoc_hard_break_at_the_end_of_a_block_is_dropped() -> None:
    src = (
        "# A Title\n\n-   Oct 1935 -- [An essay](a.htm) (as H. D.)\\\n-   1936 -- Another\\\n\n"
        "A paragraph\\\n\nKept: \\\\\n"
    )
    doc = read(src, path="x.md").document
    items = [c.text for c in doc.blocks[0].children]
    assert items == ["Oct 1935 – An essay (as H. D.)", "1936 – Another"]
    assert doc.blocks[1].text == "A paragraph"
    assert doc.blocks[2].text == "Kept: \\"  # an escaped backslash is text
