"""EPUB 3 export: the container's structure, the table of contents and title page, links that would
leave the book, and one epubcheck run (zero errors) on a book of every bundled document type made
with ``masthead export --all --format epub``."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from masthead.cli_publish import register
from masthead.export import export
from masthead.export.epub import to_epub
from masthead.ingest import parse_file
from masthead.model import Block, Credit, Document, Mark, Source
from masthead.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def epubcheck_command() -> list[str] | None:
    """epubcheck as Debian installs it (``/usr/bin/epubcheck`` may be the jar itself)."""
    path = shutil.which("epubcheck")
    if path is None:
        return None
    with open(path, "rb") as f:
        is_jar = f.read(2) == b"PK"
    if is_jar:
        java = shutil.which("java")
        return [java, "-jar", path] if java else None
    return [path]


EPUBCHECK = epubcheck_command()


def sample_documents() -> list[Document]:
    paths = sorted((CORPUS / "plaintext").glob("*.txt"))
    paths += sorted((CORPUS / "mia-markdown").rglob("*.md"))[10:16]
    paths += sorted((CORPUS / "mia-html").rglob("*.html"))
    docs = []
    for p in paths:
        try:
            docs.append(parse_file(p).document)
        except Exception:  # index pages without a title are not articles
            continue
    return docs


def article() -> Document:
    return Document(
        id="la/1948/one",
        title="One & Only",
        writers=("Max Shachtman",),
        source=Source(periodical="Labor Action", volume=12, issue=10, date="1948-03-08", page_start=4),
        credits=(Credit("transcribed", "Einde O’Callaghan"),),
        blocks=(
            Block(
                "paragraph",
                "See the other page, the web, and the top.",
                marks=(
                    Mark(8, 18, "link", target="../1949/other.htm"),
                    Mark(20, 27, "link", target="https://example.org/"),
                    Mark(33, 40, "link", target="#p0"),
                ),
            ),
        ),
    )


def read_book(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(BytesIO(data))


def test_container_structure_toc_and_title_page() -> None:
    docs = [article(), article().replace(id="la/1948/two", title="Two")]
    data = to_epub(docs, title="Two articles")
    z = read_book(data)
    first = z.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert z.read("mimetype") == b"application/epub+zip"
    assert data[30:38] == b"mimetype"  # the first local header names it: readers sniff these bytes
    container = etree.fromstring(z.read("META-INF/container.xml"))
    opf_path = container.find(".//{*}rootfile").get("full-path")
    opf = etree.fromstring(z.read(opf_path))
    ns = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:title", namespaces=ns) == "Two articles"
    assert opf.findtext(".//dc:language", namespaces=ns) == "en"
    assert opf.findtext(".//dc:identifier", namespaces=ns).startswith("urn:uuid:")
    assert opf.find(".//o:meta[@property='dcterms:modified']", ns) is not None
    spine = [i.get("idref") for i in opf.findall(".//o:itemref", ns)]
    assert spine == ["title", "ch0001", "ch0002"]
    nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = [a.text for a in nav.findall(".//x:nav//x:a", XHTML)]
    assert toc == ["Title page", "One & Only", "Two"]
    title_page = etree.fromstring(z.read("EPUB/title.xhtml"))
    text = " ".join(title_page.itertext())
    assert "Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4" in text
    assert "Transcribed by Einde O’Callaghan." in text
    # The same selection gets the same identifier.
    again = etree.fromstring(read_book(to_epub(docs, title="Two articles")).read(opf_path))
    assert again.findtext(".//dc:identifier", namespaces=ns) == opf.findtext(".//dc:identifier", namespaces=ns)


def test_links_leaving_the_book_are_unwrapped() -> None:
    z = read_book(to_epub([article()]))
    chapter = etree.fromstring(z.read("EPUB/ch0001.xhtml"))
    hrefs = [a.get("href") for a in chapter.iter("{http://www.w3.org/1999/xhtml}a") if a.get("href")]
    assert "https://example.org/" in hrefs and "#p0" in hrefs
    assert not any("other.htm" in h for h in hrefs)
    assert "other page" in "".join(chapter.itertext())


def test_registry_epub_is_bytes_and_refuses_nothing() -> None:
    data = export([article()], "epub")
    assert isinstance(data, bytes) and data.startswith(b"PK")
    with pytest.raises(ValueError):
        to_epub([])


@pytest.mark.skipif(EPUBCHECK is None, reason="epubcheck is not installed (Debian package epubcheck)")
def test_epubcheck_finds_no_errors_in_a_book_of_every_document_type(tmp_path: Path) -> None:
    archive = str(tmp_path / "a.db")
    store = SQLiteStore(archive)
    docs = sample_documents() + [article()]
    for doc in docs:
        store.save(doc)
    store.close()
    app = typer.Typer()
    register(app)
    book = tmp_path / "all.epub"
    r = CliRunner().invoke(app, ["export", "--all", "--format", "epub", "--out", str(book), "-a", archive])
    assert r.exit_code == 0, r.output
    chapters = [n for n in read_book(book.read_bytes()).namelist() if n.startswith("EPUB/ch")]
    assert len(chapters) == len(docs) > 10
    proc = subprocess.run([*EPUBCHECK, str(book)], capture_output=True, text=True, timeout=180)
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report[-4000:]
    assert "0 fatals / 0 errors" in report
