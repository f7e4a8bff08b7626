"""The ingest stage: discovery, decoding and the errors bad files give."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from masthead.ingest import decode, discover, load
from masthead.readers import ReadError


def test_discover_walks_folders_in_order_and_skips_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["b/z.md", "b/a.html", "a.txt", "notes.pdf", ".hidden.txt", ".git/x.txt"]:
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a.txt", "b/a.html", "b/z.md"]


def test_discover_missing_path_names_it(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="nope.txt: no such file or folder"):
        list(discover([tmp_path / "nope.txt"]))


def test_load_decodes_utf8_and_hashes_bytes(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(codecs.BOM_UTF8 + "Jaurès\n".encode())
    src = load(f)
    assert src.text == "Jaurès\n"
    assert src.encoding == "utf-8-sig"
    assert src.format == "text"
    assert len(src.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "pattern"),
    [
        ("empty.txt", b"", r"empty\.txt: empty file"),
        ("blank.md", b"  \n\n \t\n", r"blank\.md: empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"image\.txt: binary file \(NUL byte"),
        (
            "latin.txt",
            b"line one\nline two caf" + b"\xe9\n",
            r"latin\.txt:2: invalid UTF-8 \(byte 0xe9\) at column 13",
        ),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path: Path, name: str, data: bytes, pattern: str) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(ReadError, match=pattern) as info:
        load(f)
    assert "\n" not in str(info.value)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MiB, one line
    with pytest.raises(ReadError, match=r"huge\.txt: file is 50\.0 MiB, over the 10 MiB limit"):
        load(f)


def test_legacy_html_is_read_in_its_declared_charset() -> None:
    page = b'<html><head><meta http-equiv="content-type" content="text/html; charset=iso-8859-1">' + (
        b"</head><body><p>Jaur\xe8s \x93quoted\x94</p></body></html>"
    )
    text, enc = decode(page, html=True)
    assert "Jaurès “quoted”" in text
    assert enc == "windows-1252"
    # a page declaring ISO-8859-1 but actually UTF-8 (as one bundled page is) is read as UTF-8
    text, enc = decode(page.replace(b"\xe8", "è".encode()).replace(b"\x93", b"").replace(b"\x94", b""), html=True)
    assert "Jaurès" in text and enc == "utf-8"


def test_undeclared_non_utf8_html_is_an_error() -> None:
    with pytest.raises(ReadError, match="invalid UTF-8"):
        decode(b"<p>caf\xe9</p>", path="x.html", html=True)
