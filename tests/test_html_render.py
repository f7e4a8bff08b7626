"""The HTML renderer: ETOL layout, escaping, nesting, links both ways, and the round trip through the
HTML reader (``read(to_html(doc)).document == doc`` apart from provenance)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.model import Block, Credit, Document, Mark, Note, Source
from masthead.readers.html import read
from masthead.render.html import article_body, render_inline, safe_href, to_html
from strategies import documents

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "examples" / "corpus" / "mia-html").rglob("*.html"))
SYNTHETIC = sorted((ROOT / "tests" / "data" / "html").glob("*.htm"))
VOID = {"br", "hr", "meta", "img", "link", "input"}


class _Checker(HTMLParser):
    """Collects ids, fragment hrefs and tag nesting errors of a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        self.tags.append((tag, d))
        if d.get("id"):
            self.ids.append(d["id"] or "")
        if d.get("href"):
            self.hrefs.append(d["href"] or "")
        if tag not in VOID:
            if tag == "a" and "a" in self.stack:
                self.errors.append("nested <a>")
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        d = dict(attrs)
        if d.get("id"):
            self.ids.append(d["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check(html: str) -> _Checker:
    c = _Checker()
    c.feed(html)
    c.close()
    assert not c.errors, c.errors
    assert not c.stack, f"unclosed {c.stack}"
    return c


def sample_doc() -> Document:
    return Document(
        id="labor-action/1948/03/08/sample",
        title="Toward <Independent> Socialism & More",
        subtitle="A reply",
        date_line="(8 March 1948)",
        writers=("Hal Draper", "Max Shachtman"),
        source=Source(
            periodical="Labor Action",
            volume=12,
            issue=10,
            date="1948-03-08",
            page_start=4,
            page_end=4,
            raw="Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4",
        ),  # fmt: skip
        credits=(Credit("transcribed", "Einde O’Callaghan", "ETOL", 2012), Credit("proofread", "A. Reader")),
        info=(("Source", "Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4"), ("Written", "March 1948")),
        blocks=(
            Block(
                "paragraph",
                "First <script>alert(1)</script> paragraph.",
                (
                    Mark(0, 5, "emphasis"),
                    Mark(3, 12, "strong"),
                    Mark(6, 14, "link", "javascript:alert(1)"),
                    Mark(42, 42, "noteref", "n1", "1"),
                ),
                style="fst",
            ),  # fmt: skip
            Block("heading", "Section", level=4),
            Block("paragraph", "Line one\nline two", (Mark(8, 8, "linebreak"),), anchor="sec-2"),
            Block("section_break"),
            Block("quote", children=(Block("paragraph", "Quoted.", (Mark(6, 6, "noteref", "n2", "*"),)),)),
            Block("list", ordered=True, children=(Block("item", "one"), Block("item", "two"))),
        ),
        notes=(
            Note("n1", "1", (Block("paragraph", "Note one."), Block("paragraph", "More."))),
            Note("n2", "*", (Block("paragraph", "Note two."),)),
            Note("n3", "3", (Block("paragraph", "Unreferenced note."),)),
        ),
        language="en",
    )


# -- layout -------------------------------------------------------------------------------------------
def test_article_body_is_an_etol_fragment() -> None:
    html = article_body(sample_doc())
    assert "<html" not in html and "<article" not in html and "<body" not in html
    c = check(html)
    tags = [t for t, _ in c.tags]
    assert tags.index("h2") < tags.index("h1") < tags.index("h3")
    assert "<h1>Toward &lt;Independent&gt; Socialism &amp; More</h1>" in html
    assert '<h3 class="date">(8 March 1948)</h3>' in html
    assert '<span class="info">Source:</span>' in html and '<span class="info">Written:</span>' in html
    assert '<p id="p0" class="fst">' in html
    assert '<h4 id="p1">Section</h4>' in html
    assert 'id="sec-2"' in html and 'id="p2"' not in html  # an anchor replaces the made-up id
    assert '<hr class="section" id="p3" />' in html
    assert html.rstrip().endswith('<hr class="end" />')
    assert "<h4>Notes</h4>" in html


def test_note_links_work_both_ways() -> None:
    c = check(article_body(sample_doc()))
    ids = set(c.ids)
    assert len(c.ids) == len(ids), "duplicate ids"
    fragments = [h[1:] for h in c.hrefs if h.startswith("#")]
    assert fragments, "no note links"
    for frag in fragments:
        assert frag in ids, f"#{frag} points nowhere"
    assert {"n1", "n2", "n3", "n1-ref", "n2-ref"} <= ids
    # the reference points at the note and the note back at the reference
    assert '<a href="#n1" id="n1-ref">[1]</a>' in article_body(sample_doc())
    assert '<a class="noteback" href="#n1-ref">[1]</a>' in article_body(sample_doc())


def test_repeated_references_get_distinct_ids() -> None:
    doc = Document(id="x", title="T", blocks=(
        Block("paragraph", "a b", (Mark(1, 1, "noteref", "n", "1"), Mark(3, 3, "noteref", "n", "1"))),
    ), notes=(Note("n", "1", (Block("paragraph", "x"),)),))  # fmt: skip
    c = check(article_body(doc))
    assert "n-ref" in c.ids and "n-ref2" in c.ids


# -- escaping and safety ------------------------------------------------------------------------------
def test_everything_is_escaped_and_scripts_never_run() -> None:
    doc = sample_doc().replace(
        writers=('<script>x</script>"',),
        info=(("<b>", '"><script>y</script>'),),
        credits=(Credit("other", '"><img src=x onerror=alert(1)>'),),
    )
    html = to_html(doc)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    c = check(html.split("<body>")[1].split("</body>")[0])
    text = "".join(c.text)  # the parser decodes entities: the text is there, as text
    assert "First <script>alert(1)</script> paragraph." in text
    assert '"><script>y</script>' in text and '<script>x</script>"' in text


@pytest.mark.parametrize(
    "href, ok",
    [
        ("https://example.org/a?b=1&c=2", True),
        ("http://x.org", True),
        ("../index.htm", True),
        ("#n1", True),
        ("mailto:a@b.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
    ],
)
def test_safe_href(href: str, ok: bool) -> None:
    assert (safe_href(href) is not None) is ok


def test_unsafe_links_keep_their_text_only() -> None:
    out = render_inline("click here", (Mark(0, 10, "link", "javascript:alert(1)"),))
    assert out == "click here"


# -- inline nesting -----------------------------------------------------------------------------------
def test_overlapping_marks_are_split_into_nested_tags() -> None:
    out = render_inline("abcdefgh", (Mark(0, 5, "emphasis"), Mark(3, 8, "strong")))
    check(out)
    assert out == '<em>abc<strong data-part="1">de</strong></em><strong data-part="1">fgh</strong>'


def test_note_reference_inside_a_link_does_not_nest_anchors() -> None:
    out = render_inline("see this", (Mark(0, 8, "link", "http://x.org"), Mark(3, 3, "noteref", "n1", "1")))
    c = check(out)
    assert c.hrefs == ["http://x.org", "#n1", "http://x.org"]


def test_overlapping_links_do_not_nest_anchors() -> None:
    check(render_inline("abcdef", (Mark(0, 4, "link", "http://a.org"), Mark(2, 6, "link", "http://b.org"))))


def test_linebreaks_and_preformatted() -> None:
    assert render_inline("a\nb", (Mark(1, 1, "linebreak"),)) == "a<br />b"
    assert render_inline("a\nb", ()) == "a<br />b"
    doc = Document(id="x", title="T", blocks=(Block("preformatted", "\n  x  <y>\n\tz "),))
    assert '<pre id="p0">\n\n  x  &lt;y&gt;\n\tz </pre>' in article_body(doc)


# -- round trip ---------------------------------------------------------------------------------------
def _round_trip(doc: Document) -> None:
    got = read(to_html(doc), path="x.html").document
    want = doc.replace(provenance=got.provenance)
    if got != want:  # name the field that differs
        for name in ("id", "title", "subtitle", "date_line", "writers", "source", "credits", "info",
                     "language", "notes"):  # fmt: skip
            assert getattr(got, name) == getattr(want, name), name
        for i, (a, b) in enumerate(zip(got.blocks, want.blocks, strict=False)):
            assert a == b, f"block {i}"
        assert got == want


@pytest.mark.parametrize("path", PAGES + SYNTHETIC, ids=lambda p: p.name)
def test_round_trip_of_read_pages(path: Path) -> None:
    doc = read(path.read_text(encoding="utf-8"), path=str(path)).document
    _round_trip(doc)
    # and the page the renderer writes is well nested, with unique ids and no dangling #links
    c = check(article_body(doc))
    assert len(c.ids) == len(set(c.ids))
    assert [h for h in c.hrefs if h.startswith("#") and h[1:] not in set(c.ids)] == []


def test_round_trip_sample() -> None:
    doc = sample_doc()
    # the unsafe link cannot survive (by design); everything else does
    first = doc.blocks[0]
    safe = Block("paragraph", first.text, tuple(m for m in first.marks if m.kind != "link"), style=first.style)
    _round_trip(doc.replace(blocks=(safe, *doc.blocks[1:])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_round_trip_shared_strategy(doc: Document) -> None:
    _round_trip(doc)


# A richer strategy: text with HTML specials, line breaks, every mark kind, overlaps, anchors, styles,
# nested lists, quotes with text, note blocks, preformatted text, multi-block notes.
_word = st.text(alphabet="abcxyzé’—<>&\"'0123456789", min_size=1, max_size=6)
_sentence = st.lists(_word, min_size=1, max_size=8).map(" ".join)
_TARGETS = ["https://example.org/?a=1&b=<2>", "../index.htm", "#sec-1", "mailto:a@b.org"]


@st.composite
def _marked(draw: st.DrawFn, note_ids: tuple[str, ...]) -> tuple[str, tuple[Mark, ...]]:
    lines = draw(st.lists(_sentence, min_size=1, max_size=3))
    text = "\n".join(lines)
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        kind = draw(st.sampled_from(["emphasis", "strong", "link", "smallcaps", "superscript", "subscript"]))
        spans.append(Mark(a, b, kind, draw(st.sampled_from(_TARGETS)) if kind == "link" else None))
    zero = []
    if note_ids and draw(st.booleans()):
        pos = draw(st.integers(0, len(text)))
        nid = draw(st.sampled_from(note_ids))
        zero.append(Mark(pos, pos, "noteref", nid, nid.upper()))
    breaks = [Mark(i, i, "linebreak") for i, ch in enumerate(text) if ch == "\n"]
    # canonical order: by (start, -end), the newline's own break last among zero-width marks there
    marks = sorted(spans + zero, key=lambda m: (m.start, -m.end))
    for br in breaks:
        idx = max((k + 1 for k, m in enumerate(marks) if (m.start, -m.end) <= (br.start, -br.end)), default=0)
        marks.insert(idx, br)
    return text, tuple(marks)


@st.composite
def _block(draw: st.DrawFn, note_ids: tuple[str, ...], depth: int = 0) -> Block:
    kinds = ["paragraph", "paragraph", "heading", "section_break", "preformatted"]
    if depth < 2:
        kinds += ["list", "quote", "note"]
    kind = draw(st.sampled_from(kinds))
    anchor = draw(st.none() | st.integers(0, 50).map(lambda i: f"sec-{i}"))
    if kind == "section_break":
        return Block("section_break", anchor=anchor)
    if kind == "preformatted":
        return Block("preformatted", draw(st.text(alphabet="ab <&>\n\t ", max_size=20)), anchor=anchor)
    if kind == "list":
        items = []
        for _ in range(draw(st.integers(1, 3))):
            text, marks = draw(_marked(note_ids))
            kids = (draw(_block(note_ids, depth + 1)),) if draw(st.booleans()) and depth < 1 else ()
            items.append(Block("item", text, marks, children=kids))
        return Block("list", ordered=draw(st.booleans()), children=tuple(items), anchor=anchor)
    text, marks = draw(_marked(note_ids))
    if kind in ("quote", "note"):
        kids = tuple(draw(st.lists(_block(note_ids, depth + 1), max_size=2)))
        if draw(st.booleans()):
            text, marks = "", ()
        style = draw(st.sampled_from([None, "editorial"])) if kind == "note" else None
        return Block(kind, text, marks, children=kids, anchor=anchor, style=style)
    if kind == "heading":
        return Block("heading", text, marks, level=draw(st.integers(1, 6)), anchor=anchor)
    return Block("paragraph", text, marks, style=draw(st.sampled_from([None, "fst", "quoteb"])), anchor=anchor)


@st.composite
def rich_documents(draw: st.DrawFn) -> Document:
    note_ids = tuple(f"n{i}" for i in range(draw(st.integers(0, 3))))
    notes = tuple(Note(n, n[1:], tuple(draw(st.lists(_block(note_ids, 1), max_size=3)))) for n in note_ids)
    raw = draw(st.sampled_from(["", "Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4"]))
    info = draw(st.lists(st.tuples(st.sampled_from(["", "Source", "Written:", "Note"]), _sentence), max_size=3))
    if raw and draw(st.booleans()):
        info.append((draw(st.sampled_from(["Source", ""])), raw))
    return Document(
        id=draw(st.from_regex(r"[a-z]{1,6}(/[a-z0-9-]{1,6}){0,2}", fullmatch=True)),
        title=draw(_sentence),
        subtitle=draw(st.none() | _sentence),
        date_line=draw(st.none() | _sentence),
        writers=tuple(draw(st.lists(_sentence, max_size=3))),
        source=Source(
            periodical=draw(st.none() | _sentence),
            volume=draw(st.none() | st.integers(0, 99)),
            issue_label=draw(st.none() | _sentence),
            season=draw(st.none() | st.just("Fall")),
            page_end=draw(st.none() | st.integers(1, 9)),
            raw=raw,
        ),  # fmt: skip
        credits=tuple(
            Credit(
                draw(st.sampled_from(["transcribed", "html", "other"])),
                draw(_sentence),
                draw(st.none() | _sentence),
                draw(st.none() | st.integers(1900, 2020)),
            )  # fmt: skip
            for _ in range(draw(st.integers(0, 3)))
        ),
        blocks=tuple(draw(st.lists(_block(note_ids), max_size=6))),
        notes=notes,
        info=tuple(info),
        language=draw(st.sampled_from(["en", "de", "fr"])),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_documents())
def test_round_trip_rich_documents(doc: Document) -> None:
    _round_trip(doc)
    check(article_body(doc))


def test_to_html_is_a_standalone_page() -> None:
    html = to_html(sample_doc().replace(language="de"))
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in html
    assert '<meta charset="utf-8" />' in html
    assert "<title>Hal Draper; Max Shachtman: Toward &lt;Independent&gt; Socialism &amp; More</title>" in html
    assert re.search(r'<meta name="author" content="Hal Draper, Max Shachtman" />', html)
