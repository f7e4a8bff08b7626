"""TEI P5 export: one :class:`~masthead.model.Document` as a ``<TEI>`` document.

The header carries the full description of the source (a ``biblStruct`` with the periodical, volume,
issue, date and pages), a ``respStmt`` for every credit (transcriber, marker-up, proofreader,
translator...), and a ``revisionDesc`` with one ``change`` per stored revision. The body maps blocks
to ``div``/``head``/``p``/``list``/``item``/``quote``/``note``/``ab``; inline marks become
``hi rend=...``, ``ref target=...``, ``lb`` and ``ptr`` (note references pointing at ``note xml:id``).

Glossary mentions: pass ``mentions``, a function that gives, for a block, spans
``(start, end, kind, ref)`` with ``kind`` one of ``person``/``organization``/``place``; they become
``persName``/``orgName``/``placeName`` with ``ref`` to the glossary entry. Output is checked against
the ``tei_all`` RELAX NG schema in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote

from masthead.citation import format_citation, format_date
from masthead.model import Block, Document, Mark
from masthead.store import Revision

TEI_NS = "http://www.tei-c.org/ns/1.0"

MentionFinder = Callable[[Block], Iterable[tuple[int, int, str, str]]]
"""The glossary hook: spans ``(start, end, kind, ref)`` of entity mentions in a block's text."""

MENTION_ELEMENTS = {"person": "persName", "organization": "orgName", "place": "placeName"}

RESP = {
    "transcribed": "Transcription",
    "marked up": "Markup",
    "proofread": "Proofreading",
    "translated": "Translation",
    "edited": "Editing",
    "scanned": "Scanning",
    "html": "HTML markup",
    "other": "Preparation",
}

_HI = {
    "emphasis": "italic",
    "strong": "bold",
    "smallcaps": "smallcaps",
    "superscript": "superscript",
    "subscript": "subscript",
}
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_W3C_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_LANG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def esc(text: str) -> str:
    """Text escaped for XML content or a double-quoted attribute; characters XML forbids are dropped."""
    text = _XML_BAD.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _uri(target: str) -> str:
    """A link target as a URI (spaces and other unsafe characters percent-encoded)."""
    return quote(target.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


class _Ids:
    """Unique, valid ``xml:id`` values for anchors and notes."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str | None) -> str | None:
        if not wanted or not _NCNAME.match(wanted) or wanted in self.used:
            return None
        self.used.add(wanted)
        return wanted

    def make(self, base: str) -> str:
        cand = re.sub(r"[^\w.\-]", "-", base)
        if not _NCNAME.match(cand):
            cand = "n-" + cand
        out, i = cand, 1
        while out in self.used:
            i += 1
            out = f"{cand}-{i}"
        self.used.add(out)
        return out


# -- inline ---------------------------------------------------------------------------------------------
def _open(m: Mark, note_ids: dict[str, str]) -> tuple[str, str]:
    if m.kind in _HI:
        return f'<hi rend="{_HI[m.kind]}">', "</hi>"
    if m.kind == "link":
        if m.target and m.target.strip():
            target = m.target.strip()
            if target.startswith("#") and target[1:] in note_ids:
                target = "#" + note_ids[target[1:]]
            return f'<ref target="{esc(_uri(target))}">', "</ref>"
        return "<seg>", "</seg>"
    if m.kind.startswith("mention:"):
        element, _, ref = m.kind[len("mention:") :].partition("|")
        attr = f' ref="{esc(_uri(ref))}"' if ref else ""
        return f"<{element}{attr}>", f"</{element}>"
    return "<seg>", "</seg>"


def _zero(m: Mark, note_ids: dict[str, str]) -> str:
    if m.kind == "linebreak":
        return "<lb/>"
    if m.kind == "noteref":
        label = m.label or ""
        if m.target and m.target in note_ids:
            n = f' n="{esc(label)}"' if label else ""
            return f'<ptr type="noteAnchor" target="#{note_ids[m.target]}"{n}/>'
        return f'<hi rend="superscript">{esc(label)}</hi>' if label else ""
    return ""


def inline(text: str, marks: Sequence[Mark], note_ids: dict[str, str]) -> str:
    """A block's text with its marks as TEI inline elements, properly nested (overlaps are split)."""
    spans = sorted((m for m in marks if m.end > m.start), key=lambda m: (m.start, -m.end))
    zeros: dict[int, list[Mark]] = {}
    for m in marks:
        if m.start == m.end:
            zeros.setdefault(m.start, []).append(m)
    cuts = sorted({0, len(text), *(m.start for m in spans), *(m.end for m in spans), *zeros})
    out: list[str] = []
    stack: list[Mark] = []
    for i, pos in enumerate(cuts):
        active = [m for m in spans if m.start <= pos < m.end]
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep] is active[keep]:
            keep += 1
        # Close what ends here (or must be reopened to nest properly) before zero-width marks.
        for m in reversed(stack[keep:]):
            out.append(_open(m, note_ids)[1])
        del stack[keep:]
        for z in zeros.get(pos, ()):
            out.append(_zero(z, note_ids))
        for m in active[keep:]:
            out.append(_open(m, note_ids)[0])
            stack.append(m)
        if i + 1 < len(cuts):
            out.append(esc(text[pos : cuts[i + 1]]))
    for m in reversed(stack):
        out.append(_open(m, note_ids)[1])
    return "".join(out)


# -- blocks ---------------------------------------------------------------------------------------------
class _Body:
    def __init__(self, doc: Document, ids: _Ids, note_ids: dict[str, str], mentions: MentionFinder | None):
        self.doc, self.ids, self.note_ids, self.mentions = doc, ids, note_ids, mentions

    def marks_of(self, b: Block) -> list[Mark]:
        marks = list(b.marks)
        if self.mentions is not None:
            for start, end, kind, ref in self.mentions(b):
                element = MENTION_ELEMENTS.get(kind)
                if element and 0 <= start < end <= len(b.text):
                    marks.append(Mark(start, end, f"mention:{element}|{ref}"))
        return marks

    def text(self, b: Block) -> str:
        return inline(b.text, self.marks_of(b), self.note_ids)

    def attrs(self, b: Block, rend: str | None = None) -> str:
        out = ""
        if (xid := self.ids.take(b.anchor)) is not None:
            out += f' xml:id="{xid}"'
        rend = rend or b.style
        if rend:
            out += f' rend="{esc(rend)}"'
        return out

    def block(self, b: Block, out: list[str], *, in_quote: bool = False) -> None:
        if b.kind == "heading":  # a heading inside a quote or note: a paragraph styled as a heading
            out.append(f"<p{self.attrs(b, f'heading{b.level or 1}')}>{self.text(b)}</p>")
        elif b.kind == "paragraph":
            out.append(f"<p{self.attrs(b)}>{self.text(b)}</p>")
        elif b.kind == "list":
            out.append(f"<list{self.attrs(b, 'numbered' if b.ordered else 'bulleted')}>")
            for item in b.children:
                self.item(item, out)
            out.append("</list>")
        elif b.kind == "item":
            out.append('<list rend="bulleted">')
            self.item(b, out)
            out.append("</list>")
        elif b.kind == "quote":
            out.append(f"<quote{self.attrs(b)}>")
            if b.text:
                out.append(f"<p>{self.text(b)}</p>")
            for c in b.children:
                self.block(c, out, in_quote=True)
            if not b.text and not b.children:
                out.append("<p/>")
            out.append("</quote>")
        elif b.kind == "note":
            out.append(f'<note type="editorial"{self.attrs(b)}>{self.text(b)}')
            for c in b.children:
                self.block(c, out, in_quote=True)
            out.append("</note>")
        elif b.kind == "section_break":
            out.append('<milestone unit="section"/>')
        elif b.kind == "preformatted":
            marks = self.marks_of(b)
            marks += [Mark(i, i, "linebreak") for i, ch in enumerate(b.text) if ch == "\n"]
            text = inline(b.text, marks, self.note_ids).replace("\n", "")
            out.append(f'<ab type="preformatted"{self.attrs(b)}>{text}</ab>')
        else:  # pragma: no cover - the model validates kinds
            out.append(f"<p>{self.text(b)}</p>")

    def item(self, item: Block, out: list[str]) -> None:
        if not item.children:
            out.append(f"<item{self.attrs(item)}>{self.text(item)}</item>")
            return
        out.append(f"<item{self.attrs(item)}>{self.text(item)}")
        for c in item.children:
            if c.kind in ("list", "item"):
                self.block(c, out)
            else:
                out.append(f"<seg>{self.text(c)}</seg>" if c.kind != "section_break" else "")
        out.append("</item>")

    def divs(self) -> list[str]:
        """Body blocks as flat ``div``s: each run of headings opens a new ``div`` with its ``head``s."""
        out: list[str] = []
        heads: list[str] = []
        content: list[str] = []
        started = False

        def flush() -> None:
            if not heads and not content:
                return
            out.append("<div>")
            out.extend(heads)
            out.extend(content or ["<p/>"])
            out.append("</div>")
            heads.clear()
            content.clear()

        for b in self.doc.blocks:
            if b.kind == "heading":
                if content or not started:
                    flush()
                started = True
                heads.append(f"<head{self.attrs(b, f'level{b.level or 1}')}>{self.text(b)}</head>")
            else:
                started = True
                self.block(b, content)
        flush()
        return out or ["<div><p/></div>"]


# -- header ---------------------------------------------------------------------------------------------
def _bibl_struct(doc: Document) -> str:
    src = doc.source
    if not src.periodical:
        if src.raw.strip():
            return f"<bibl>{esc(src.raw.strip())}</bibl>"
        return "<p>No printed source is recorded for this transcription.</p>"
    analytic = [f'<title level="a">{esc(doc.title)}</title>']
    analytic += [f"<author>{esc(w)}</author>" for w in doc.writers if w.strip()]
    imprint: list[str] = []
    if src.date and _W3C_DATE.match(src.date):
        imprint.append(f'<date when="{src.date}">{esc(format_date(src.date, src.season))}</date>')
    elif src.date or src.season:
        imprint.append(f"<date>{esc(' '.join(x for x in (src.season, src.date) if x))}</date>")
    else:
        imprint.append("<date>undated</date>")
    scope: list[str] = []
    if src.volume is not None:
        scope.append(f'<biblScope unit="volume" n="{src.volume}">{src.volume}</biblScope>')
    if src.issue is not None or src.issue_label:
        n = f' n="{src.issue}"' if src.issue is not None else ""
        scope.append(f'<biblScope unit="issue"{n}>{esc(src.issue_label or str(src.issue))}</biblScope>')
    if src.page_start is not None:
        end = src.page_end if src.page_end is not None else src.page_start
        scope.append(f'<biblScope unit="page" from="{src.page_start}" to="{end}">{esc(src.pages or "")}</biblScope>')
    monogr = f'<monogr><title level="j">{esc(src.periodical)}</title><imprint>{"".join(imprint)}</imprint>'
    monogr += "".join(scope) + "</monogr>"
    raw = f'<note type="citation">{esc(src.raw or format_citation(src))}</note>'
    return f"<biblStruct><analytic>{''.join(analytic)}</analytic>{monogr}{raw}</biblStruct>"


def _revision_desc(revisions: Sequence[Revision]) -> str:
    if not revisions:
        return ""
    changes = []
    for r in revisions:
        when = f' when="{esc(r.created)}"' if _DATETIME.match(r.created or "") else ""
        what = r.message.strip() or "Saved."
        by = f" ({r.author})" if r.author else ""
        changes.append(f'<change n="{r.number}"{when}>Revision {r.number}{esc(by)}: {esc(what)}</change>')
    return f"<revisionDesc>{''.join(changes)}</revisionDesc>"


def header(
    doc: Document,
    *,
    revisions: Sequence[Revision] = (),
    url: str | None = None,
    publisher: str = "Masthead archive",
) -> str:
    """The ``teiHeader`` of ``doc``."""
    titles = f'<title type="main">{esc(doc.title or doc.id)}</title>'
    if doc.subtitle:
        titles += f'<title type="sub">{esc(doc.subtitle)}</title>'
    authors = "".join(f"<author>{esc(w)}</author>" for w in doc.writers if w.strip())
    resp = "".join(
        f"<respStmt><resp>{RESP.get(c.role, 'Preparation')}"
        f"{esc(' for ' + c.for_whom) if c.for_whom else ''}{esc(f' in {c.year}') if c.year else ''}</resp>"
        f"<name>{esc(c.name)}</name></respStmt>"
        for c in doc.credits
        if c.name.strip()
    )
    pub = f'<publisher>{esc(publisher)}</publisher><idno type="masthead">{esc(doc.id)}</idno>'
    if url:
        pub += f'<idno type="URI">{esc(_uri(url))}</idno>'
    notes = "".join(f'<note type="{esc(_attr_word(k))}">{esc(v)}</note>' for k, v in doc.info if v.strip())
    notes_stmt = f"<notesStmt>{notes}</notesStmt>" if notes else ""
    return (
        "<teiHeader><fileDesc>"
        f"<titleStmt>{titles}{authors}{resp}</titleStmt>"
        f"<publicationStmt>{pub}</publicationStmt>{notes_stmt}"
        f"<sourceDesc>{_bibl_struct(doc)}</sourceDesc>"
        f"</fileDesc>{_revision_desc(revisions)}</teiHeader>"
    )


def _attr_word(key: str) -> str:
    word = re.sub(r"[^\w.\-]+", "-", key.strip().lower()).strip("-")
    return word or "info"


def _front(doc: Document) -> str:
    parts = [f'<docTitle><titlePart type="main">{esc(doc.title or doc.id)}</titlePart>']
    if doc.subtitle:
        parts.append(f'<titlePart type="sub">{esc(doc.subtitle)}</titlePart>')
    parts.append("</docTitle>")
    writers = [w for w in doc.writers if w.strip()]
    if writers:
        parts.append("<byline>" + "".join(f"<docAuthor>{esc(w)}</docAuthor>" for w in writers) + "</byline>")
    if doc.date_line:
        parts.append(f"<docDate>{esc(doc.date_line)}</docDate>")
    return f"<front>{''.join(parts)}</front>"


def to_tei(
    doc: Document,
    *,
    revisions: Sequence[Revision] = (),
    url: str | None = None,
    publisher: str = "Masthead archive",
    mentions: MentionFinder | None = None,
) -> str:
    """``doc`` as a TEI P5 XML document (a string with an XML declaration).

    ``revisions`` (from ``store.revisions(id)``) fill the ``revisionDesc``; ``url`` is the article's
    address; ``mentions`` is the glossary hook (see the module docstring).
    """
    ids = _Ids()
    note_ids = {n.id: ids.make(f"note-{n.id}") for n in doc.notes}
    body = _Body(doc, ids, note_ids, mentions)
    text = [_front(doc), "<body>", *body.divs(), "</body>"]
    if doc.notes:
        text.append('<back><div type="notes">')
        for n in doc.notes:
            inner: list[str] = []
            for b in n.blocks:
                body.block(b, inner, in_quote=True)
            text.append(
                f'<note xml:id="{note_ids[n.id]}" n="{esc(n.label)}" place="end">{"".join(inner) or "<p/>"}</note>'
            )
        text.append("</div></back>")
    lang = f' xml:lang="{doc.language}"' if _LANG.match(doc.language or "") else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TEI xmlns="{TEI_NS}"{lang}>'
        f"{header(doc, revisions=revisions, url=url, publisher=publisher)}"
        f"<text>{''.join(text)}</text></TEI>\n"
    )
