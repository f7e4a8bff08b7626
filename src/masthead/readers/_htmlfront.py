"""Front matter of MIA / ETOL HTML pages: writer lines, title lines, date lines, ``p.information``.

Used by :mod:`masthead.readers.html`; see that module for the layout it recognises.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from masthead.citation import CitationError, is_citation_line, is_credit_line, parse_citation, parse_credits
from masthead.model import Credit, Mark, Source
from masthead.readers import Diagnostic
from masthead.readers._htmlinline import Inline, InlineContext

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_SEASON = r"(?:Spring|Summer|Fall|Autumn|Winter)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DATE = re.compile(
    rf"^(?:(?:{_DAY}\s+)?{_MONTH}(?:\s*[-–/]\s*{_MONTH})?(?:\s+{_DAY}(?:\s*[-–]\s*{_DAY})?)?,?\s+"
    rf"|{_SEASON}(?:\s*[-–/]\s*{_SEASON})?,?\s+)?{_YEAR}(?:\s*[-–/]\s*\d{{2,4}})?\.?$",
    re.IGNORECASE,
)
_PAREN_DATE = re.compile(rf"^\((?=[^()]*\b{_YEAR}\b)[^()]{{4,80}}\)\.?$")
_BY = re.compile(r"^by\s+(.{3,80})$", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^\s*(?:MIA|ETOL|EROL|Marxists Internet Archive)\s*:", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s|:·•,.;\-–—\[\]()/>»«]+")
_PARTICLES = frozenset("de da di del della der den van von ter ten la le du dos das y e bin ibn al el st.".split())
_NOT_NAME = frozenset(
    """the a an of on in and for to with from at by volume vol chapter part book archive archives internet
    works collected selected library preface introduction appendix address manifesto party association
    international internationale league union committee congress capital letter letters notes review
    socialist communist workers labour labor section index contents edition history theses""".split()
)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*")
_CREDIT_LABEL = re.compile(
    r"transcri|mark-?\s?up|proof|translat(?:ed|ion|or)\b|html|edit(?:ed|or|ing)\b|scann|digiti|typed|checked"
    r"|corrected|prepared|converted",
    re.IGNORECASE,
)
_SOURCE_LABELS = ("source", "from")
_PUBLISHED_LABELS = ("first published", "published", "first printed", "originally published", "printed")


def _separators_only(text: str) -> bool:
    """True when ``text`` is empty or only separators (stops at the first other character)."""
    return not text or _SEPARATORS.fullmatch(text) is not None


def date_like(text: str) -> bool:
    """A date line: "(March 1948)", "8 March 1948", "Spring 1989", "(Written in exile, 1938)"."""
    t = text.strip()
    return bool(_PAREN_DATE.match(t) or _DATE.match(t.strip("()")))


def split_names(text: str) -> list[str] | None:
    """Personal names in a writer line ("Karl Marx and Frederick Engels"), or None if it is not one."""
    text = text.strip().rstrip(".")
    if not text or len(text) > 100 or any(ch.isdigit() for ch in text) or re.search(r"[:;/()\[\]!?\"“”]", text):
        return None
    names = [n for n in _NAME_SPLIT.split(text) if n]
    if not names:
        return None
    for name in names:
        words = name.split()
        if not 2 <= len(words) <= 5:
            return None
        for w in words:
            lw = w.lower().strip(",")
            if lw in _NOT_NAME:
                return None
            if lw in _PARTICLES:
                continue
            if not w[:1].isupper():
                return None
    return names


def _fold(s: str) -> str:
    return s.replace("’", "'").replace("‘", "'").lower()


def title_lines(text: str) -> list[str]:
    """The non-empty lines of a title-ish element (``<br>`` lines)."""
    return [t for t in (line.strip() for line in text.split("\n")) if t]


def content_lines(text: str, marks: tuple[Mark, ...]) -> list[str]:
    """The lines of a heading, without lines made only of links and separators ("mp3 | pdf")."""
    links = [(m.start, m.end) for m in marks if m.kind == "link"]
    out: list[str] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if links and any(s < end and e > start for s, e in links):
            if _separators_only(_uncovered(text, start, end, links)):
                continue
        if line.strip():
            out.append(line.strip())
    return out


def _uncovered(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """The characters of ``text[start:end]`` outside every ``(s, e)`` span, in order."""
    bare, pos = [], start
    for s, e in sorted(spans):
        if e <= pos or s >= end:
            continue
        if s > pos:
            bare.append(text[pos:s])
        pos = max(pos, e)
    if pos < end:
        bare.append(text[pos:end])
    return "".join(bare)


def links_only(text: str, marks: tuple[Mark, ...]) -> bool:
    """True when a block's text is only links and separators, with 2+ links or a "|" ("Index | Next")."""
    if not marks:
        return False
    links = [(m.start, m.end) for m in marks if m.kind == "link"]
    if not links or (len(links) < 2 and "|" not in text):
        return False
    return _separators_only(_uncovered(text, 0, len(text), links))


def nav_like(el: LexborNode) -> bool:
    """True for an element made only of links and separators ("Index | Next | Contents")."""
    links = el.css("a[href]")
    if not links:
        return False
    total = el.text()
    rest = total
    for a in links:
        rest = rest.replace(a.text(), "", 1)
    return _separators_only(rest) and (len(links) >= 2 or "|" in total)


def _clean_value(text: str) -> str:
    return text.strip().lstrip(":").strip().rstrip(";").rstrip()


def info_lines(el: LexborNode, ctx: InlineContext) -> list[tuple[str, str]]:
    """``(label, text)`` for each ``<br>``-separated line of a ``p.information`` (label "" if none)."""
    lines: list[list[LexborNode]] = [[]]
    tags: list[list[str]] = [[]]
    for ch in el.iter(include_text=True):
        tag = ch.tag
        if tag == "br":
            lines.append([])
            tags.append([])
        elif tag[0] != "-" or tag == "-text":
            lines[-1].append(ch)
            tags[-1].append(tag)
    out: list[tuple[str, str]] = []
    for nodes, names in zip(lines, tags, strict=True):
        label = ""
        k = 0
        while k < len(nodes) and names[k] == "-text" and not (nodes[k].text_content or "").strip():
            k += 1
        if k < len(nodes) and names[k] == "span" and "info" in (nodes[k].attributes.get("class") or ""):
            lb = Inline(ctx)
            lb.walk(nodes[k])
            label = lb.finish()[0].replace("\n", " ").strip().rstrip(":").strip()
            nodes = nodes[k + 1 :]
        vb = Inline(ctx)
        vb.walk_nodes(nodes)
        value = _clean_value(vb.finish()[0].replace("\n", " "))
        if label or value:
            out.append((label, value))
    return out


def _citation(text: str) -> Source:
    try:
        return parse_citation(text)
    except CitationError:
        return Source(raw=text)


class FrontMatter:
    """Front-matter fields as the page gives them, then resolved by :meth:`document_fields`."""

    def __init__(self) -> None:
        self.writers: list[str] = []
        self.title: str | None = None
        self.title_level = 1
        self.title_from_tag = False
        self.subtitle: str | None = None
        self.date_line: str | None = None
        self.info: list[tuple[str, str]] = []

    def title_line(self, line: str, *, first: bool) -> None:
        """One line of ``p.title``: a writer, the work it belongs to, or a breadcrumb to drop."""
        if _BREADCRUMB.match(line) or line.count(": ") >= 2 or "internet archive" in line.lower():
            return
        self._writer_date_or_part(line, split_names(line) if first else None)

    def _writer_date_or_part(self, line: str, names: list[str] | None) -> None:
        if names:
            self.add_writers(names)
        elif date_like(line) and self.date_line is None:
            self.date_line = line
        else:
            self.info.append(("Part of", line))

    def heading_before_title(self, text: str) -> None:
        """A heading above the ``h1``: the writer (ETOL ``h2``), a date, or a collection name."""
        line = " ".join(title_lines(text))
        self._writer_date_or_part(line, split_names(line))

    def by_line(self, text: str) -> bool:
        m = _BY.match(text)
        names = split_names(m.group(1)) if m else None
        if not names:
            return False
        self.add_writers(names)
        return True

    def add_writers(self, names: list[str]) -> None:
        for n in names:
            if n not in self.writers:
                self.writers.append(n)

    def add_subtitle(self, text: str) -> None:
        self.subtitle = text if self.subtitle is None else f"{self.subtitle} — {text}"

    def title_from_page(self, tree: LexborHTMLParser) -> None:
        if self.title:
            return
        node = tree.css_first("title")
        text = " ".join(node.text().split()) if node is not None else ""
        if text:
            self.title = text
            self.title_from_tag = True

    @staticmethod
    def credit_like(label: str, value: str) -> bool:
        if label:
            return bool(_CREDIT_LABEL.search(label))
        return is_credit_line(value)

    def document_fields(self, tree: LexborHTMLParser, warnings: list[Diagnostic]) -> dict:
        """Title, subtitle, date line, writers, source, credits and info for the Document."""
        source = Source()
        by_label = {}
        for label, value in self.info:
            by_label.setdefault(label.lower(), value)
        for key in _SOURCE_LABELS:
            if key in by_label and by_label[key]:
                source = _citation(by_label[key])
                break
        else:
            for label, value in self.info:
                if not label and is_citation_line(value):
                    source = parse_citation(value)
                    break
            else:
                for key in _PUBLISHED_LABELS:
                    if key in by_label and is_citation_line(by_label[key]):
                        source = parse_citation(by_label[key])
                        break
        credits: list[Credit] = []
        for label, value in self.info:
            if label and _CREDIT_LABEL.search(label):
                found = parse_credits(f"{label}: {value}")
            elif not label and is_credit_line(value):
                found = parse_credits(value)
            else:
                continue
            credits.extend(c for c in found if c not in credits)
        writers = list(self.writers)
        if not writers:
            writers = self._meta_writers(tree, credits)
        return {
            "title": self.title or "",
            "subtitle": self.subtitle,
            "date_line": self.date_line,
            "writers": tuple(writers),
            "source": source,
            "credits": tuple(credits),
            "info": tuple(self.info),
        }

    def _meta_writers(self, tree: LexborHTMLParser, credits: list[Credit]) -> list[str]:
        """Writers from ``meta name=author``, unless it names a transcriber (ETOL puts archivists there)."""
        # The first meta name=author, else the first name=Author (as the selectors
        # 'meta[name="author"]', 'meta[name="Author"]' would find them, without two scans of the page).
        content = ""
        fallback = None
        for meta in tree.tags("meta"):
            attrs = meta.attributes
            name = attrs.get("name")
            if name == "author":
                content = attrs.get("content") or ""
                break
            if name == "Author" and fallback is None:
                fallback = attrs.get("content") or ""
        else:
            content = fallback or ""
        names = split_names(" ".join(content.split())) if content else None
        if not names:
            return []
        helpers = " ".join(_fold(c.name) for c in credits)
        helpers += " " + " ".join(_fold(v) for label, v in self.info if self.credit_like(label, v))
        return [n for n in names if _fold(n) not in helpers]
