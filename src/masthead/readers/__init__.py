"""The structure stage: one reader per input format turns decoded text into a :class:`Document`.

Every reader is a plain function ``read(text: str, *, path: str = "") -> Parsed``. Readers never touch
the store or the file system: :mod:`masthead.ingest` loads and decodes the bytes, a reader structures
the text. A reader raises :class:`ReadError` (with the line number where it has one) for input it
cannot make a document of, and records what it could not recognise as :class:`Diagnostic` warnings
instead of guessing silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from masthead.model import Credit, Document, Source

FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A warning about the input: what was not recognised, and where (1-based line, if known)."""

    message: str
    line: int | None = None

    def format(self, path: str = "") -> str:
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: warning: {self.message}" if where else f"warning: {self.message}"


@dataclass(slots=True)
class Parsed:
    """What a reader returns: the document and the warnings met on the way."""

    document: Document
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass(slots=True)
class FrontMatter:
    """Front-matter fields as a reader collects them, before they become a :class:`Document`."""

    title: str = ""
    subtitle: str | None = None
    date_line: str | None = None
    writers: list[str] = field(default_factory=list)
    source: Source = field(default_factory=Source)
    credits: list[Credit] = field(default_factory=list)
    info: list[tuple[str, str]] = field(default_factory=list)


class ReadError(Exception):
    """Input that cannot become a document. ``str(err)`` is a one-line message naming file and line."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}" if where else self.message

    def with_path(self, path: str) -> ReadError:
        return ReadError(self.message, path=self.path or path, line=self.line)


Reader = Callable[..., Parsed]

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
}


def format_for_path(path: str) -> str | None:
    """The format a file's extension names, or None when the extension is not one Masthead reads."""
    return _EXTENSIONS.get(PurePath(path).suffix.lower())


def sniff_format(text: str) -> str:
    """Guess the format from the text itself (used when the extension says nothing)."""
    head = text[:2000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(r"<(p|body|h[1-6])[\s>]", head):
        return "html"
    if re.search(r"(?m)^(#{1,6} |---\s*$|\[.+\]\(.+\))", text[:5000]):
        return "markdown"
    return "text"


def get_reader(fmt: str) -> Reader:
    """The reader function for a format name (``text``, ``markdown``, ``html``)."""
    if fmt == "text":
        from masthead.readers.plaintext import read
    elif fmt == "markdown":
        from masthead.readers.markdown import read
    elif fmt == "html":
        from masthead.readers.html import read
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return read


def parse_text(text: str, *, path: str = "", fmt: str | None = None) -> Parsed:
    """Structure decoded text with the reader for ``fmt`` (from the path or the text when None)."""
    fmt = fmt or format_for_path(path) or sniff_format(text)
    try:
        return get_reader(fmt)(text, path=path)
    except ReadError as exc:
        raise exc.with_path(path) from None
