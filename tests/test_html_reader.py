"""The MIA / ETOL HTML reader on the nine real pages of the bundled corpus, on synthetic ETOL-style
pages built to the survey's patterns, on broken markup, and on arbitrary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.model import Document, validate
from masthead.readers import ReadError, parse_text
from masthead.readers.html import read

ROOT = Path(__file__).resolve().parents[1]
MIA = ROOT / "examples" / "corpus" / "mia-html"
DATA = ROOT / "tests" / "data" / "html"


def page(rel: str) -> Document:
    path = MIA / rel
    parsed = read(path.read_text(encoding="utf-8"), path=str(path))
    validate(parsed.document)
    return parsed.document


def note_targets(doc: Document) -> set[str]:
    return {m.target or "" for b in doc.iter_blocks() for m in b.marks if m.kind == "noteref"}


# -- the nine real pages ------------------------------------------------------------------------------
REAL = {
    # file: (title, writers, info labels (in order), note ids)
    "condition-industrial.html": ("The Industrial Proletariat", ("Frederick Engels",), ["Part of"], ["2"]),
    "engels/1880/socialism-utopian-scientific/ch03.html": (
        "III [Historical Materialism]", ("Frederick Engels",), ["Part of"], ["1", "2", "3", "4", "5"]
    ),
    "inaugural.html": (
        "Inaugural Address", (),
        ["Part of", "Written", "First Published", "Source", "Transcription/Markup", "Online Version"], ["1"],
    ),
    "internationale.html": ("The International", (), ["", "Music by", "Written by", "", "Last updated"],
                            ["b1", "b2"]),
    "marx/1845/theses-on-feuerbach/theses.html": (
        "Theses On Feuerbach", ("Karl Marx",),
        ["Written", "First Published", "Source", "", "Publisher", "Translated", "Transcription/Markup",
         "Copyleft", "Proofread"], [],
    ),
    "marx/1848/communist-manifesto/ch02.html": (
        "Chapter II. Proletarians and Communists", ("Karl Marx", "Frederick Engels"), [], []
    ),
    "marx/1848/communist-manifesto/preface.html": (
        "Preface", ("Karl Marx", "Frederick Engels"), [], ["a1", "a2", "e1", "e2", "e3"]
    ),
    "marx/1849/wage-labour-and-capital/ch09.html": (
        "Effect of Capitalist Competition on the Capitalist Class the Middle Class and the Working Class",
        ("Karl Marx",), ["Part of"], [],
    ),
    "marx/1867/capital-vol1/pref-2nd.html": (
        "1873 Afterword to the Second German Edition", ("Karl Marx",), ["Part of", "", ""],
        ["n1", "n2", "n3", "n4"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("rel", sorted(REAL))
def test_real_page_front_matter_and_notes(rel: str) -> None:
    title, writers, labels, note_ids = REAL[rel]
    doc = page(rel)
    assert doc.title == title
    assert doc.writers == writers
    assert [label for label, _ in doc.info] == labels
    assert [n.id for n in doc.notes] == note_ids
    # every note reference points at a note, and every note has text
    assert note_targets(doc) <= {n.id for n in doc.notes}
    for n in doc.notes:
        assert n.label and n.blocks and n.blocks[0].text
    assert doc.provenance.format == "html" and doc.provenance.path.endswith(Path(rel).name)
    assert doc.language == "en"
    assert doc.blocks and all(b.kind != "section_break" for b in (doc.blocks[0], doc.blocks[-1]))


def test_theses_information_block() -> None:
    doc = page("marx/1845/theses-on-feuerbach/theses.html")
    info = dict(doc.info)
    assert info["Written"] == "by Marx in the Spring of 1845, but slightly edited by Engels"
    assert info["Source"] == "Marx/Engels Selected Works, Volume One, p. 13 – 15."
    assert doc.source.raw == info["Source"]
    assert (doc.source.page_start, doc.source.page_end) == (13, 15)
    roles = {(c.role, c.name) for c in doc.credits}
    assert {("transcribed", "Zodiac"), ("marked up", "Brian Baggins")} <= roles
    headings = [b for b in doc.blocks if b.kind == "heading"]
    assert [h.text for h in headings] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
    assert headings[0].anchor == "001" and headings[0].level == 4
    assert doc.blocks[1].style == "fst"
    assert [m.kind for m in doc.blocks[1].marks] == ["emphasis"] * 3
    lists = [b for b in doc.blocks if b.kind == "list"]
    assert len(lists) == 1 and lists[0].ordered and len(lists[0].children) == 2
    text = doc.plain_text()
    assert "Download PDF" not in text and "Deutsch |" not in text and "Study Guide" not in text


def test_navigation_is_dropped() -> None:
    ch02 = page("marx/1848/communist-manifesto/ch02.html")
    text = ch02.plain_text()
    assert "MIA" not in text and "German Original" not in text and "Table of Contents" not in text
    assert "Socialist and Communist Literature" not in text  # the footer's "next chapter" link
    assert ch02.blocks[0].text.startswith("In what relation do the Communists")
    assert ch02.blocks[-1].text.endswith("the free development of all.")
    cond = page("condition-industrial.html")
    assert "Next Chapter" not in cond.plain_text() and "Return to Text" not in cond.plain_text()
    assert cond.notes[0].blocks[0].text.startswith("Compare on this point my")
    assert cond.notes[0].blocks[0].text.endswith("Note by Engels.")


def test_mia_paragraph_anchors() -> None:
    ch02 = page("marx/1848/communist-manifesto/ch02.html")
    # <p><a name="061"> </a>In what...</p> starts a paragraph; an empty anchor at the end of a
    # paragraph numbers the next one (the theses show it: heading "I" and its first paragraph share 001)
    assert ch02.blocks[0].anchor == "061"
    assert ch02.blocks[1].anchor is None
    assert ch02.blocks[2].anchor == "062" and ch02.blocks[3].anchor == "063"
    assert ch02.blocks[-1].anchor == "135"
    theses = page("marx/1845/theses-on-feuerbach/theses.html")
    assert [b.anchor for b in theses.blocks[:4]] == ["001", None, "002", "003"]
    ch03 = page("engels/1880/socialism-utopian-scientific/ch03.html")
    assert ch03.blocks[0].anchor == "001"  # a standalone <a name> before the paragraph


def test_preface_sections_and_notes() -> None:
    doc = page("marx/1848/communist-manifesto/preface.html")
    heads = [b for b in doc.blocks if b.kind == "heading"]
    assert [h.text for h in heads][:2] == ["The 1872 German Edition", "The 1882 Russian Edition"]
    assert heads[0].anchor == "preface-1872"
    breaks = [b for b in doc.blocks if b.kind == "section_break"]
    assert len(breaks) == 6 and breaks[0].anchor == "preface-1882"
    sig = next(b for b in doc.blocks if b.style == "sig")
    assert sig.text == "Karl Marx & Frederick Engels\nJune 24, 1872, London"
    assert [m.kind for m in sig.marks] == ["linebreak"] and sig.text[sig.marks[0].start] == "\n"
    labels = {n.id: n.label for n in doc.notes}
    assert labels == {"a1": "1", "a2": "2", "e1": "A", "e2": "B", "e3": "C"}
    ref = next(m for b in doc.blocks for m in b.marks if m.kind == "noteref" and m.target == "e1")
    assert ref.label == "A" and ref.start == ref.end
    # inline editorial insertions stay in the text
    assert "February [French] Revolution [in 1848]" in doc.blocks[1].text


def test_footnote_heading_and_multi_paragraph_notes() -> None:
    doc = page("marx/1867/capital-vol1/pref-2nd.html")
    assert not any(b.kind == "heading" and b.text == "Footnotes" for b in doc.blocks)
    assert [c.name for c in doc.credits] == ["Hinrich Kuhls", "Stephen Baird"]
    assert doc.credits[1].role == "html" and doc.credits[1].year == 1999
    quotes = [b for b in doc.blocks if b.kind == "quote"]
    assert len(quotes) == 3 and quotes[0].children[0].style == "fst"
    ch03 = page("engels/1880/socialism-utopian-scientific/ch03.html")
    assert [len(n.blocks) for n in ch03.notes] == [1, 1, 1, 2, 3]
    assert ch03.notes[4].blocks[1].style == "indentb"  # the table of figures inside note 5


def test_inaugural_front_matter() -> None:
    doc = page("inaugural.html")
    assert doc.subtitle == "of the International Working Men’s Association — “The First International”"
    assert doc.source.raw == "Original pamphlet"
    assert [(c.role, c.name) for c in doc.credits] == [
        ("transcribed", "Zodiac"),
        ("marked up", "Brian Baggins"),
    ]
    first = doc.blocks[0]
    assert first.text == "Workingmen:" and first.style == "fst" and first.marks[0].kind == "strong"  # span.term
    assert sum(b.style == "indentb" for b in doc.blocks) == 8
    assert "* * *" not in doc.plain_text()


def test_layout_tables_are_flattened_in_order() -> None:
    doc = page("internationale.html")
    assert doc.title == "The International"  # the mp3 | ram | midi links under the title are dropped
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert heads[:2] == ["The International", "The Internationale"]
    assert doc.blocks[0].anchor == "en"
    verse = doc.blocks[1]
    assert verse.text.startswith("Arise ye workers from your slumbers\nArise ye prisoners of want")
    assert "English" not in heads  # the language navigation heading
    assert dict(doc.info)["Last updated"] == "21 July 2025"


def test_meta_author_fallback() -> None:
    cond = page("condition-industrial.html")  # p.title is a book line: the writer comes from meta
    assert cond.writers == ("Frederick Engels",)
    assert dict(cond.info)["Part of"] == "Condition of the Working Class in England, by Engels, 1845"


# -- synthetic ETOL pages -----------------------------------------------------------------------------
def synthetic(name: str, text: str | None = None) -> Document:
    path = DATA / name
    return read(text if text is not None else path.read_text(encoding="utf-8"), path=str(path)).document


def test_etol_newspaper_article() -> None:
    doc = synthetic("etol-newspaper.htm")
    assert doc.id == "labor-action/1948/03/08/toward-independent-socialism"
    assert doc.writers == ("Hal Draper",)  # from the h2, not the archivist in meta author
    assert doc.date_line == "(8 March 1948)"
    src = doc.source
    assert (src.periodical, src.volume, src.issue, src.date, src.page_start) == ("Labor Action", 12, 10,
                                                                                "1948-03-08", 4)  # fmt: skip
    assert src.raw == "From Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4."
    assert {(c.role, c.name) for c in doc.credits} == {("transcribed", "Einde O’Callaghan"),
                                                       ("marked up", "Einde O’Callaghan")}  # fmt: skip
    assert doc.info[0] == ("", src.raw)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "paragraph", "heading", "paragraph", "quote", "section_break", "paragraph",
                     "list"]  # fmt: skip
    fst = doc.blocks[0]
    assert fst.style == "fst"
    assert "<script>alert(1)</script>" in fst.text  # an escaped tag in the source is text
    assert fst.text.startswith("The question of independent political action")  # whitespace collapsed
    by_kind = {m.kind: m for m in fst.marks}
    assert fst.text[by_kind["emphasis"].start : by_kind["emphasis"].end] == "independent"
    assert fst.text[by_kind["strong"].start : by_kind["strong"].end] == "labor party"
    assert by_kind["noteref"].target == "n1" and fst.text[: by_kind["noteref"].start].endswith("again.")
    link = doc.blocks[1].marks[0]
    assert link.kind == "link" and link.target == "http://www.example.org/lp.htm"
    assert doc.blocks[2].level == 4 and doc.blocks[3].style == "quoteb"
    assert [c.text for c in doc.blocks[4].children] == ["Quoted paragraph one.", "Quoted paragraph two."]
    assert doc.blocks[6].text == "After the break, the argument continues\non a second line."
    assert [n.id for n in doc.notes] == ["n1", "n2"] and doc.notes[0].blocks[0].style is None
    assert not any(b.kind == "heading" and b.text == "Notes" for b in doc.blocks)
    assert "ETOL Main Page" not in doc.plain_text()
    assert dict(doc.info)["Last updated"] == "8 March 2012"


def test_meta_author_naming_the_transcriber_is_not_a_writer() -> None:
    text = (DATA / "etol-newspaper.htm").read_text(encoding="utf-8").replace("<h2>Hal Draper</h2>", "")
    assert synthetic("etol-newspaper.htm", text).writers == ()
    by_line = text.replace('<p class="fst">', '<p>By Hal Draper</p>\n<p class="fst">')
    assert synthetic("etol-newspaper.htm", by_line).writers == ("Hal Draper",)


def test_etol_labelled_information_in_a_layout_table() -> None:
    doc = synthetic("etol-layout-table.htm")
    assert doc.writers == ("Max Shachtman",) and doc.date_line == "(1943)"
    assert (doc.source.periodical, doc.source.volume, doc.source.issue) == ("The New International", 9, 3)
    assert (doc.source.page_start, doc.source.page_end) == (71, 74)
    assert [c.name for c in doc.credits] == ["Ted Crawford", "Einde O’Callaghan"]
    texts = [b.text for b in doc.blocks]
    assert texts == ["I", "Cell one, paragraph one.", "Cell two, paragraph two, with italics and bold.",
                     "Nested cell paragraph.", "Bare cell text."]  # fmt: skip
    assert "Index" not in doc.plain_text()


def test_broken_tags_and_entities() -> None:
    parsed = read((DATA / "broken-tags.htm").read_text(encoding="utf-8"), path="broken-tags.htm")
    doc = parsed.document
    assert doc.title == "A Page With Broken Tags"
    texts = [b.text for b in doc.blocks]
    assert texts[0] == "First paragraph with unclosed bold"
    assert texts[1] == "Second paragraph && an &unknown; entity — and été spaces."
    assert texts[-1] == "Last <b>not a tag</b>"
    assert any(m.kind == "emphasis" for b in doc.blocks for m in b.marks)


def test_unrecognised_front_matter_is_reported() -> None:
    parsed = read("<html><body>\n<p>Stray words before the title</p>\n<h1>Title</h1>\n<p>Body.</p></body></html>")
    assert parsed.document.title == "Title"
    assert [b.text for b in parsed.document.blocks] == ["Body."]
    assert len(parsed.warnings) == 1 and parsed.warnings[0].line == 2
    assert "Stray words" in parsed.warnings[0].message


def test_dangling_note_reference_is_reported() -> None:
    parsed = read('<h1>T</h1><p>Text<sup class="enote"><a href="#n9">[9]</a></sup>.</p>')
    assert [m.target for m in parsed.document.blocks[0].marks] == ["n9"]
    assert any("#n9" in w.message for w in parsed.warnings)


def test_title_from_title_element_and_no_title() -> None:
    parsed = read("<html><head><title>Only &amp; Title</title></head><body><p>Text.</p></body></html>")
    assert parsed.document.title == "Only & Title" and parsed.warnings
    with pytest.raises(ReadError) as err:
        read("<html>\n<body>\n<p>No title anywhere.</p></body></html>", path="x.html")
    assert "no title" in str(err.value) and err.value.line == 2
    with pytest.raises(ReadError):
        parse_text("<p>nothing</p>", path="dir/x.html")


def test_registry_dispatch_and_id_fallback() -> None:
    parsed = parse_text("<html><head><title></title></head><body><h1>!!!</h1></body></html>", path="a/b.htm")
    assert parsed.document.id == "b"  # no slug in the title: the file stem


# -- robustness ---------------------------------------------------------------------------------------
_HTMLISH = st.lists(
    st.sampled_from(["<p>", "</p>", "<h1>", "</h1>", "<h3>", "<em>", "</em>", "<b>", "<a href='#n1'>",
                     "<a name='n1'>", "</a>", "<sup class='enote'>", "</sup>", "<br>", "<hr class='end'>",
                     "<blockquote>", "</blockquote>", "<table><tr><td>", "<li>", "<p class='information'>",
                     "<span class='info'>Source:</span>", "<p class='title'>", "&amp;", "&#x2014;", "&bogus;",
                     "<header class='masthead'>", "<section class='notes'>", "<div class='endnote' id='x'>",
                     "<pre>", "<!--", "-->", "<script>", "text ", "1.", "[1]", "\n", " ", "* * *", "<"]),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), _HTMLISH))
def test_arbitrary_text_gives_a_document_or_a_read_error(text: str) -> None:
    try:
        parsed = read(text)
    except ReadError as err:
        assert not str(err).startswith("internal error"), str(err)
        assert "\n" not in str(err)
        return
    validate(parsed.document)
    assert parsed.document.title


def test_scripts_are_dropped_and_script_text_stays_inert() -> None:
    from masthead.render.html import article_body

    page_text = (
        "<h1>T<script>alert('title')</script></h1><p onclick='x()'>Before<script>alert(1)</script> after "
        "&lt;script&gt;alert(2)&lt;/script&gt; <a href='javascript:alert(3)'>link</a></p>"
    )
    doc = read(page_text).document
    assert doc.title == "T"
    para = doc.blocks[0]
    assert para.text == "Before after <script>alert(2)</script> link"
    assert not para.marks  # the javascript: link is not kept as a link
    html = article_body(doc)
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


# -- the fast paths give what the plain ones give -------------------------------------------------------
_SPACES = [" ", "  ", "\n", "\n    ", "\t", "\r\n", "\xa0", "\u2003", "\u3000", "\x0b", "\x0c", "\x1c", "\x85"]
_WORDS = ["a", "word", "é", "’", "x.", "1", "—"]
_spaced = st.lists(st.sampled_from(_SPACES + _WORDS), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_spaced)
def test_collapse_strip_is_collapse_then_strip(s: str) -> None:
    from masthead.readers._htmlinline import collapse, collapse_strip

    assert collapse_strip(s) == collapse(s).strip(" ")


def _reference_text(pieces: list[str]) -> str:
    """The text of text nodes as the reader defines it: each node collapsed, a space after a space (or at
    the start) dropped, the end stripped."""
    from masthead.readers._htmlinline import collapse

    out, space = "", True
    for s in pieces:
        t = collapse(s)
        if space and t[:1] == " ":
            t = t[1:]
        if t:
            out += t
            space = t[-1] == " "
    return out.rstrip(" \n")


@settings(max_examples=200, deadline=None)
@given(st.lists(_spaced.filter(bool), min_size=1, max_size=5))
def test_inline_text_nodes_collapse_like_the_definition(pieces: list[str]) -> None:
    """Text nodes kept apart by comments are stripped and collapsed one by one (the fast path strips
    before it collapses) exactly as collapsing each whole node would."""
    from html import escape

    from selectolax.lexbor import LexborHTMLParser

    from masthead.readers._htmlinline import Inline, InlineContext

    p = LexborHTMLParser("<p>" + "<!---->".join(escape(s) for s in pieces) + "</p>").body.css_first("p")
    nodes = [n.text_content for n in p.iter(include_text=True) if n.tag == "-text"]
    b = Inline(InlineContext(exact=False))
    b.walk(p)
    assert b.finish()[0] == _reference_text(nodes)


_SPANS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab |:.\n", max_size=30), _SPANS)
def test_uncovered_text_is_the_characters_outside_the_spans(text: str, raw: list[tuple[int, int]]) -> None:
    from masthead.readers._htmlfront import _uncovered

    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in raw]
    for start in range(0, len(text) + 1, 3):
        expected = "".join(ch for i, ch in enumerate(text[start:], start) if not any(s <= i < e for s, e in spans))
        assert _uncovered(text, start, len(text), spans) == expected


def test_meta_author_before_meta_Author_and_uppercase_note_links() -> None:
    doc = read(
        "<html lang='de'><head><meta name='Author' content='Rosa Luxemburg'>"
        "<meta name='author' content='Karl Liebknecht'><title>T</title></head><body><h1>T</h1>"
        "<p>Text<sup><A HREF='#n1'>1</A></sup> and more.</p><p><A NAME='n1'>1.</A> The note.</p></body></html>"
    ).document
    assert doc.writers == ("Karl Liebknecht",)  # name="author" first, as the selector found it
    assert doc.language == "de"
    assert [n.id for n in doc.notes] == ["n1"] and doc.notes[0].blocks[0].text == "The note."
    assert [m.kind for m in doc.blocks[0].marks] == ["noteref"]


def test_spaces_before_a_break_are_trimmed_and_the_marks_ending_there_moved() -> None:
    html = (
        '<h1>T</h1><p><em>one <b>two </b></em>\n<br><i>three </i> <a href="x.htm">four </a>\n<br>five <sup>a </sup></p>'
    )
    para = read(html).document.blocks[0]
    assert para.text == "one two\nthree four\nfive a"
    assert [(m.start, m.end, m.kind) for m in para.marks] == [
        (0, 7, "emphasis"),
        (4, 7, "strong"),
        (7, 7, "linebreak"),
        (8, 14, "emphasis"),
        (14, 18, "link"),
        (18, 18, "linebreak"),
        (24, 25, "superscript"),
    ]


def test_fast_block_and_mark_constructors_equal_the_dataclasses() -> None:
    """new_block / _new_marks fill the slots directly; what they make must equal the real constructors'."""
    from masthead.model import Block, Mark
    from masthead.readers._htmlinline import _new_marks, new_block

    link, ref = Mark(0, 3, "link", "http://e.org/", None), Mark(4, 4, "noteref", "n1", "1")
    heading = new_block("heading", "Title", (link,), 2, False, (), "x", "a1")
    assert heading == Block("heading", "Title", (link,), level=2, style="x", anchor="a1")
    assert hash(heading) == hash(Block("heading", "Title", (link,), level=2, style="x", anchor="a1"))
    assert new_block("paragraph") == Block("paragraph") and type(heading) is Block
    assert new_block("list", ordered=True, children=(heading,)) == Block("list", ordered=True, children=(heading,))
    made = _new_marks([[0, 3, "link", "http://e.org/", None, 1], [4, 4, "noteref", "n1", "1", 2]])
    assert made == (link, ref) and all(type(m) is Mark for m in made)
    with pytest.raises(AttributeError):  # still frozen
        heading.text = "y"  # type: ignore[misc]
