"""The ingest stage: find transcription files, read their bytes, decode them, hand them to a reader.

``discover(paths)`` walks files and folders; ``load(path)`` returns a :class:`SourceFile` (raw bytes,
decoded text, encoding, SHA-256, format) or raises :class:`~masthead.readers.ReadError` with a one-line
message naming the file (and line, where there is one); ``parse_file(path)`` runs load and the
structure stage and stamps the document's provenance. Nothing here touches the store.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from masthead.model import Provenance
from masthead.readers import Parsed, ReadError, format_for_path, parse_text, sniff_format

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Largest transcription read by default (10 MiB: a long pamphlet is well under 1 MiB)."""

_SNIFF = 8192
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file, read and decoded."""

    path: str
    data: bytes
    text: str
    encoding: str
    sha256: str
    format: str


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as stored in provenance: relative to the working directory when under it."""
    p = os.path.abspath(path)
    if os.name == "posix" and not p.startswith("//"):  # os.path.relpath's answer, at a tenth of its cost
        cwd = os.getcwd()
        if p == cwd:
            return "."
        prefix = cwd if cwd.endswith("/") else cwd + "/"
        rel = p[len(prefix) :] if p.startswith(prefix) else ".."
        return p if rel.startswith("..") else rel
    try:
        rel = os.path.relpath(p)
    except ValueError:  # another drive on Windows
        return p
    return p if rel.startswith("..") else rel


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every transcription file under ``paths``: files as given, folders walked recursively in name
    order, keeping files whose extension Masthead reads (.txt, .md, .html, .htm ...) and skipping
    hidden files and folders. A path that does not exist raises :class:`ReadError`.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            yield p
        elif p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and format_for_path(name):
                        yield Path(root, name)
        else:
            raise ReadError("no such file or folder", path=str(raw))


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes]:
    """The file's display path (:func:`display_path`) and its bytes. Raises :class:`ReadError` for a
    missing, unreadable or oversized file."""
    shown = display_path(path)
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise ReadError(
                f"file is {size / 1048576:.1f} MiB, over the {max_bytes / 1048576:.0f} MiB limit for one "
                "transcription; split it, or raise the limit with --max-size",
                path=shown,
            )
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}", path=shown) from None
    return shown, data


def from_bytes(shown: str, data: bytes, *, fmt: str | None = None, sha256: str | None = None) -> SourceFile:
    """Decode bytes already read from file ``shown`` (``sha256``: their digest, when already known).
    Raises :class:`ReadError` for an empty, binary or undecodable file."""
    if not data or data.isspace():  # (not data.strip(), without copying the bytes)
        raise ReadError("empty file: no text to read", path=shown)
    nul = data.find(b"\x00", 0, _SNIFF)
    if nul >= 0 and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            f"binary file (NUL byte at offset {nul}); Masthead reads plain text, Markdown and HTML",
            path=shown,
        )
    fmt = fmt or format_for_path(shown)
    text, encoding = decode(data, path=shown, html=fmt == "html" or fmt is None)
    if fmt is None:
        fmt = sniff_format(text)
    return SourceFile(
        path=shown,
        data=data,
        text=text,
        encoding=encoding,
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        format=fmt,
    )


def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, fmt: str | None = None) -> SourceFile:
    """Read and decode one file. Raises :class:`ReadError` for a missing, empty, oversized, binary or
    undecodable file, with a message that says how to fix it."""
    shown, data = read_bytes(path, max_bytes=max_bytes)
    return from_bytes(shown, data, fmt=fmt)


def decode(data: bytes, *, path: str = "", html: bool = False) -> tuple[str, str]:
    """Decode bytes to text. UTF-8 (with or without BOM) and UTF-16 with BOM are read as such. An HTML
    page that declares a legacy charset (ISO-8859-1, windows-1252 ...) and is not valid UTF-8 is read
    in the declared charset (ISO-8859-1 as windows-1252, as browsers do). Anything else that is not
    UTF-8 is an error naming the line and column of the first bad byte."""
    if data.startswith(codecs.BOM_UTF8):
        data, bom = data[3:], True
    else:
        bom = False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError(f"invalid UTF-16 at byte {exc.start}", path=path) from None
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc
    if html and (m := _CHARSET.search(data[:_SNIFF])):
        declared = m.group(1).decode("ascii", "replace").lower()
        if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            declared = "windows-1252"
        try:
            codecs.lookup(declared)
        except LookupError:
            raise ReadError(f"unknown charset {declared!r} declared in the page", path=path) from None
        if declared.replace("_", "-") not in ("utf-8", "utf8"):
            return data.decode(declared, errors="replace"), declared
    line = data.count(b"\n", 0, bad.start) + 1
    col = bad.start - (data.rfind(b"\n", 0, bad.start) + 1) + 1
    raise ReadError(
        f"invalid UTF-8 (byte 0x{data[bad.start]:02x}) at column {col}; re-save the file as UTF-8, "
        "e.g. iconv -f windows-1252 -t utf-8",
        path=path,
        line=line,
    )


def structure(src: SourceFile) -> Parsed:
    """Run the reader for the file's format and stamp the document's provenance."""
    parsed = parse_text(src.text, path=src.path, fmt=src.format)
    doc = parsed.document
    parsed.document = doc.replace(
        provenance=Provenance(path=src.path, format=src.format, sha256=src.sha256, encoding=src.encoding)
    )
    return parsed


def parse_file(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, fmt: str | None = None) -> Parsed:
    """Load one file and structure it: the ingest and structure stages, without the store."""
    return structure(load(path, max_bytes=max_bytes, fmt=fmt))
