"""TEI P5 export: every bundled document type validates against ``tei_all`` with jing (one batched run),
and the header and body carry what the model holds."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from masthead.export import ExportError, export
from masthead.export.tei import inline, to_tei
from masthead.ingest import parse_file
from masthead.model import Block, Credit, Document, Mark, Note, Source
from masthead.readers import ReadError
from masthead.store import Revision
from strategies import documents

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
SCHEMA = ROOT / "schemas" / "tei" / "tei_all.rng"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
JING = shutil.which("jing") or ("/usr/bin/jing" if Path("/usr/bin/jing").exists() else None)

REVISIONS = [
    Revision(1, "a" * 64, "2026-01-02T03:04:05.123456Z", "ingest", "first"),
    Revision(2, "b" * 64, "2026-02-03T04:05:06.000001Z", "proofreader", "fixed a typo"),
]


def corpus_documents() -> list[Document]:
    """Plain text, every MIA Markdown page that is an article (index pages have no title), and all 9
    MIA HTML pages."""
    docs = [parse_file(p).document for p in sorted((CORPUS / "plaintext").glob("*.txt"))]
    for p in sorted((CORPUS / "mia-markdown").rglob("*.md")):
        try:
            docs.append(parse_file(p).document)
        except ReadError:
            continue
    html = sorted((CORPUS / "mia-html").rglob("*.htm*"))
    assert len(html) == 9
    docs += [parse_file(p).document for p in html]
    return docs


def rich_document() -> Document:
    """Every block kind and mark kind, overlapping marks, a note reference and a dangling one."""
    para = "Bold and italic overlap here, a link, and a note."
    marks = (
        Mark(0, 15, "strong"),
        Mark(9, 22, "emphasis"),
        Mark(31, 35, "link", target="https://example.org/a b"),
        Mark(49, 49, "noteref", target="n1", label="1"),
        Mark(23, 23, "linebreak"),
        Mark(40, 40, "noteref", target="missing", label="*"),
    )
    return Document(
        id="test/rich",
        title="A <Rich> & “Varied” Text",
        subtitle="With a subtitle",
        date_line="March 1948",
        writers=("Max Shachtman", "Hal Draper"),
        source=Source(
            periodical="Labor Action", volume=12, issue=10, date="1948-03-08", page_start=4, page_end=5, raw="x"
        ),
        credits=(
            Credit("transcribed", "Einde O’Callaghan", for_whom="ETOL"),
            Credit("marked up", "Einde O’Callaghan"),
            Credit("proofread", "A. Reader", year=2020),
            Credit("translated", "T. Ranslator"),
        ),
        blocks=(
            Block("paragraph", "Before any heading.", anchor="intro"),
            Block("heading", "Part One", level=3),
            Block("heading", "Chapter 1", level=4),
            Block("paragraph", para, marks=marks, style="fst"),
            Block("list", children=(Block("item", "one"), Block("item", "two", marks=(Mark(0, 3, "smallcaps"),)))),
            Block("list", ordered=True, children=(Block("item", "first"),)),
            Block("quote", children=(Block("paragraph", "Quoted."), Block("heading", "Quoted head", level=2))),
            Block("note", "An editor’s note."),
            Block("section_break"),
            Block("preformatted", "line one\nline two\nline three"),
            Block("paragraph", "H2O and E=mc2", marks=(Mark(1, 2, "subscript"), Mark(12, 13, "superscript"))),
            Block("paragraph", "See intro.", marks=(Mark(4, 9, "link", target="#intro"),), anchor="intro"),
            Block("heading", "Trailing heading", level=4),
        ),
        notes=(Note("n1", "1", (Block("paragraph", "The note’s text."), Block("paragraph", "More."))),),
    )


def mentions(block: Block) -> list[tuple[int, int, str, str]]:
    """A stand-in glossary: names found by plain search."""
    out = []
    for name, kind in (("Shachtman", "person"), ("Labor Action", "organization"), ("Chicago", "place")):
        i = block.text.find(name)
        if i >= 0:
            out.append((i, i + len(name), kind, f"../glossary/{name.lower().replace(' ', '-')}"))
    return out


def parse(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


@pytest.mark.skipif(JING is None, reason="jing is not installed (Debian package jing)")
def test_every_bundled_document_type_validates_against_tei_all(tmp_path: Path) -> None:
    docs = corpus_documents()
    assert len(docs) > 50
    files = []
    for i, doc in enumerate(docs):
        path = tmp_path / f"corpus-{i:03d}.xml"
        path.write_text(to_tei(doc, revisions=REVISIONS, url=f"https://example.org/articles/{doc.id}"), "utf-8")
        files.append(path)
    rich = rich_document()
    extra = {
        "rich.xml": to_tei(rich, revisions=REVISIONS),
        "mentions.xml": to_tei(
            rich.replace(blocks=(Block("paragraph", "Shachtman wrote in Labor Action from Chicago."),)),
            mentions=mentions,
        ),
        "bare.xml": to_tei(Document(id="bare", title="")),
    }
    for name, xml in extra.items():
        (tmp_path / name).write_text(xml, "utf-8")
        files.append(tmp_path / name)
    # One jing run for every file: the JVM and schema load dominate the time.
    proc = subprocess.run([JING, str(SCHEMA), *map(str, files)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]

    # And jing does fail invalid TEI (so the pass above means something).
    bad = tmp_path / "bad.xml"
    bad.write_text(extra["rich.xml"].replace("<front>", "<front><bogus/>"), "utf-8")
    proc = subprocess.run([JING, str(SCHEMA), str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "bogus" in proc.stdout


def test_header_describes_source_credits_and_revisions() -> None:
    doc = rich_document()
    root = parse(to_tei(doc, revisions=REVISIONS, url="https://example.org/articles/test/rich"))
    title_stmt = root.find("t:teiHeader/t:fileDesc/t:titleStmt", NS)
    assert title_stmt.findtext("t:title[@type='main']", namespaces=NS) == doc.title
    assert [a.text for a in title_stmt.findall("t:author", NS)] == list(doc.writers)
    resps = [
        (r.findtext("t:resp", namespaces=NS), r.findtext("t:name", namespaces=NS))
        for r in title_stmt.findall("t:respStmt", NS)
    ]
    assert [name for _, name in resps] == [c.name for c in doc.credits]
    assert resps[0][0].startswith("Transcription") and "ETOL" in resps[0][0]
    assert resps[2][0] == "Proofreading in 2020" and resps[3][0] == "Translation"
    bs = root.find(".//t:sourceDesc/t:biblStruct", NS)
    assert bs.findtext("t:analytic/t:title[@level='a']", namespaces=NS) == doc.title
    assert [a.text for a in bs.findall("t:analytic/t:author", NS)] == list(doc.writers)
    assert bs.findtext("t:monogr/t:title[@level='j']", namespaces=NS) == "Labor Action"
    assert bs.find("t:monogr/t:imprint/t:date", NS).get("when") == "1948-03-08"
    scope = {b.get("unit"): b for b in bs.findall("t:monogr/t:biblScope", NS)}
    assert scope["volume"].text == "12" and scope["issue"].text == "10"
    assert (scope["page"].get("from"), scope["page"].get("to")) == ("4", "5")
    changes = root.findall("t:teiHeader/t:revisionDesc/t:change", NS)
    assert [c.get("n") for c in changes] == ["1", "2"]
    assert changes[1].get("when") == REVISIONS[1].created and "fixed a typo" in changes[1].text
    assert root.find(".//t:publicationStmt/t:idno[@type='URI']", NS).text == "https://example.org/articles/test/rich"


def test_body_structure_and_inline_marks() -> None:
    doc = rich_document()
    root = parse(to_tei(doc))
    body = root.find("t:text/t:body", NS)
    divs = body.findall("t:div", NS)
    assert [[h.text for h in d.findall("t:head", NS)] for d in divs] == [
        [],
        ["Part One", "Chapter 1"],
        ["Trailing heading"],
    ]
    p = divs[1].find("t:p[@rend='fst']", NS)
    text = doc.blocks[3].text  # marks add no text, except a reference to a missing note shows its label
    assert "".join(p.itertext()) == text[:40] + "*" + text[40:]
    bolds = p.findall(".//t:hi[@rend='bold']", NS)
    italics = p.findall(".//t:hi[@rend='italic']", NS)
    assert "".join("".join(b.itertext()) for b in bolds) == "Bold and italic"
    assert "".join("".join(i.itertext()) for i in italics) == text[9:22]
    assert p.find(".//t:ref", NS).get("target") == "https://example.org/a%20b"
    assert p.find(".//t:lb", NS) is not None
    ptr = p.find("t:ptr", NS)
    note = root.find("t:text/t:back/t:div[@type='notes']/t:note", NS)
    assert ptr.get("target") == "#" + note.get("{http://www.w3.org/XML/1998/namespace}id")
    assert ptr.get("n") == note.get("n") == "1"
    assert len(note.findall("t:p", NS)) == 2
    assert p.find(".//t:hi[@rend='superscript']", NS).text == "*"  # a reference to a missing note
    lists = divs[1].findall("t:list", NS)
    assert [ls.get("rend") for ls in lists] == ["bulleted", "numbered"]
    assert [i.text for i in lists[0].findall("t:item", NS)] == ["one", None]
    assert divs[1].find("t:quote/t:p[@rend='heading2']", NS).text == "Quoted head"
    assert divs[1].find("t:note[@type='editorial']", NS).text == "An editor’s note."
    assert divs[1].find("t:milestone[@unit='section']", NS) is not None
    ab = divs[1].find("t:ab[@type='preformatted']", NS)
    assert len(ab.findall("t:lb", NS)) == 2 and "".join(ab.itertext()) == "line oneline twoline three"
    # The first anchor "intro" becomes an xml:id; the duplicate is dropped, the link to it kept.
    ids = root.xpath("//@xml:id")
    assert ids.count("intro") == 1
    front = root.find("t:text/t:front", NS)
    assert [d.text for d in front.findall("t:byline/t:docAuthor", NS)] == list(doc.writers)


def test_glossary_mentions_hook() -> None:
    doc = Document(id="m", title="M", blocks=(Block("paragraph", "Shachtman wrote in Labor Action from Chicago."),))
    root = parse(to_tei(doc, mentions=mentions))
    p = root.find(".//t:body//t:p", NS)
    assert p.find("t:persName", NS).get("ref") == "../glossary/shachtman"
    assert p.find("t:orgName", NS).text == "Labor Action"
    assert p.find("t:placeName", NS).text == "Chicago"
    assert "".join(p.itertext()) == doc.blocks[0].text


def test_inline_escapes_and_strips_characters_xml_forbids() -> None:
    out = inline("a < b & \x01c", [Mark(0, 1, "strong")], {})
    assert out == '<hi rend="bold">a</hi> &lt; b &amp; c'


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_document_gives_well_formed_tei_keeping_its_text(doc: Document) -> None:
    root = parse(to_tei(doc))
    body_ps = [
        p for p in root.iterfind("t:text/t:body/t:div/t:p", NS) if not (p.get("rend") or "").startswith("heading")
    ]
    texts = ["".join(p.itertext()) for p in body_ps]
    note_ids = {n.id for n in doc.notes}
    for b in doc.blocks:
        dangling = any(m.kind == "noteref" and m.target not in note_ids and m.label for m in b.marks)
        if b.kind == "paragraph" and not dangling:
            assert _XML_BAD.sub("", b.text) in texts


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def test_registry_exports_tei_and_refuses_several_documents() -> None:
    doc = rich_document()
    xml = export(doc, "tei", base_url="https://example.org", revisions=REVISIONS)
    assert isinstance(xml, str) and "https://example.org/articles/test/rich" in xml
    with pytest.raises(ExportError, match="one document at a time"):
        export([doc, doc], "tei")
    with pytest.raises(ExportError, match="unknown export format"):
        export(doc, "docx")
