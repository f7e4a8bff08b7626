"""Inline content of MIA / ETOL HTML: one element's children to plain text plus :class:`Mark` spans.

Used by :mod:`masthead.readers.html`. Whitespace runs (non-breaking spaces included) collapse to one
space and the text is stripped; ``<br>`` becomes ``"\\n"`` in the text with a zero-width ``linebreak``
mark at the newline's offset (in ``<pre>`` the text is kept as is and ``<br>`` is only a mark).
``em``/``i``/``cite``/``dfn`` give ``emphasis``, ``strong``/``b``/``span.term`` give ``strong``, safe
``a href`` gives ``link``, ``sup``/``sub`` give ``superscript``/``subscript`` and ``span.smallcaps``
gives ``smallcaps``. A fragment link whose text is a note label ("[1]", "(A)", "*") inside or around a
``sup`` (or with a ``*note`` class) becomes a zero-width ``noteref`` mark; its text is not kept.

Marks come out sorted by ``(start, -end)``, ties in document order; pieces of one mark that the HTML
renderer had to split (``data-part``) are joined again.

Speed: this is the reader's inner loop (every text node of a page goes through it). A text node is
stripped before it is collapsed, so that one whose whitespace is only at its ends (a verse line, a word
between tags, a line with its indentation) needs a strip and a few scans instead of the replace loop;
note-label and link checks walk the few nodes of an element instead of running the CSS engine, and links
without a scheme skip the URL check; blocks and marks are made by filling their slots (:func:`new_block`),
twice as fast as the frozen dataclasses' ``__init__``.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, fields
from types import MemberDescriptorType
from typing import TYPE_CHECKING

from masthead.model import Block, Mark
from masthead.render.html import safe_href

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

WS = re.compile(r"\s+")
NOTE_LABEL = re.compile(r"^[\[(]?\s*(\d{1,3}[a-z]?|[A-Za-z]{1,2}|[*†‡§¶]{1,3})\s*[\])]?\.?$")
_BACKLINK_TEXT = re.compile(r"^(?:return(?: to text)?|back(?: to text)?|top|[↑↩^]|\[?back\]?)$", re.IGNORECASE)
_EMPHASIS = frozenset({"em", "i", "dfn", "var", "cite"})
_STRONG = frozenset({"strong", "b"})
_SKIP = frozenset(
    {"script", "style", "img", "noscript", "template", "iframe", "object", "embed", "svg", "math", "input",
     "select", "textarea", "button", "wbr", "map", "area", "audio", "video", "canvas", "head", "title",
     "meta", "link"}
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
     "td", "th", "tbody", "thead", "tfoot", "caption", "blockquote", "pre", "hr", "center", "section",
     "article", "aside", "header", "footer", "nav", "main", "form", "fieldset", "address", "figure",
     "figcaption", "body", "html", "colgroup", "col", "menu", "details", "summary", "hgroup"}
)  # fmt: skip
_ZERO_KINDS = ("noteref", "linebreak")


def _is_backlink(el: LexborNode) -> bool:
    return bool(_BACKLINK_TEXT.match(" ".join(el.text().split())))


def note_label(text: str, exact: bool = False) -> str:
    """The label inside a note marker: ``"[A]"`` -> ``"A"``, ``"(1)"`` -> ``"1"``, ``"3."`` -> ``"3"``."""
    t = text.strip()
    if exact:
        if t.startswith("[") and t.endswith("]"):
            return t[1:-1]
        return t
    m = NOTE_LABEL.match(t)
    return m.group(1) if m else t.strip("[]().")


class InlineContext:
    """What inline parsing shares across a page: mode, note references met, nodes to skip."""

    __slots__ = ("exact", "ref_names", "ref_targets", "skip", "in_note")

    def __init__(self, exact: bool) -> None:
        self.exact = exact
        self.ref_names: set[str] = set()  # name/id of each note reference anchor (back-link targets)
        self.ref_targets: set[str] = set()  # note ids that references point at
        self.skip: set[int] = set()  # mem_id of nodes to leave out (a note's own label anchor)
        self.in_note = False  # drop back-links ("Return to Text") while reading a note


_RARE_WS = re.compile("[\x0b\x0c\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_ASCII_WS = " \t\n\r\x0b\x0c"


def collapse(s: str) -> str:
    """Every whitespace run (any Unicode space, no-break space included) as one space; ends kept.

    In ASCII text only space, tab, newline, CR, VT and FF count as whitespace.
    """
    return _collapse_ascii(s) if s.isascii() else _collapse_unicode(s)


def _collapse_ascii(s: str) -> str:
    s = s.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    if "\x0b" in s or "\x0c" in s:
        s = s.replace("\x0b", " ").replace("\x0c", " ")
    while "  " in s:
        s = s.replace("  ", " ")
    return s


def _collapse_unicode(s: str) -> str:
    s = s.replace("\n", " ").replace("\t", " ").replace("\r", " ").replace("\xa0", " ")
    if not s.isprintable() and _RARE_WS.search(s):  # every other space is unprintable
        s = WS.sub(" ", s)
    while "  " in s:
        s = s.replace("  ", " ")
    return s


def collapse_strip(s: str) -> str:
    """``collapse(s).strip(" ")``, cheaper: strip first, and skip the work a stripped text does not need
    (the common text node is a line or two, with a newline and indentation only at its ends)."""
    if s.isascii():
        s = s.strip(_ASCII_WS)
        if "\n" in s or "  " in s or "\t" in s or "\r" in s or "\x0b" in s or "\x0c" in s:
            s = _collapse_ascii(s)
        return s
    return _collapse_unicode(s.strip())


def _first(el: LexborNode, tag: str) -> LexborNode | None:
    """The first element named ``tag`` at or under ``el`` (``el.css_first(tag)``, without the selector
    engine's cost)."""
    for node in el.traverse():
        if node.tag == tag:
            return node
    return None


def simple_text(el: LexborNode, anchors: bool = True) -> tuple[str, str | None, list[str]] | None:
    """Fast path for an element holding only text (and, with ``anchors``, empty ``a[name]`` anchors).

    Returns ``(text, leading anchor, trailing anchors)`` exactly as :class:`Inline` would, or None when
    the element holds anything else and needs the full walk.
    """
    parts: list[str] = []
    lead = None
    trail: list[str] = []
    seen_text = False
    for ch in el.iter(include_text=True):
        tag = ch.tag
        if tag == "-text":
            t = ch.text_content
            if t:
                parts.append(t)
                if (trail or not seen_text) and not t.isspace():
                    trail = []
                    seen_text = True
        elif tag == "a" and anchors:
            fc = ch.first_child
            if fc is None:
                t = ""
            elif fc.next is not None or fc.tag != "-text":
                return None
            else:
                t = fc.text_content
                if t:
                    if not t.isspace():
                        return None
                    parts.append(t)
            attrs = ch.attributes
            name = attrs.get("name") or attrs.get("id")
            if not name or attrs.get("href"):
                return None
            if not seen_text:
                lead = lead or name
            else:
                trail.append(name)
        elif tag[0] != "-":
            return None
    text = collapse_strip(parts[0] if len(parts) == 1 else "".join(parts))
    if not text:
        trail = [lead, *trail] if lead else trail
        lead = None
    return text, lead, trail


# -- building blocks and marks ---------------------------------------------------------------------------
def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple | None:
    """The setters of the slots of a frozen, slotted dataclass whose ``__init__`` does nothing but store
    the fields ``names`` (in this order); None when ``cls`` is not (or no longer) such a class."""
    fs = fields(cls)
    if tuple(f.name for f in fs) != names or hasattr(cls, "__post_init__"):
        return None
    if any(not f.init or f.kw_only or f.default_factory is not MISSING for f in fs):
        return None
    setters = []
    for name in names:
        slot = cls.__dict__.get(name)
        if not isinstance(slot, MemberDescriptorType):
            return None
        setters.append(slot.__set__)
    return tuple(setters)


_new = object.__new__
_BLOCK_SET = _slot_setters(Block, ("kind", "text", "marks", "level", "ordered", "children", "style", "anchor"))
_MARK_SET = _slot_setters(Mark, ("start", "end", "kind", "target", "label"))


def new_block(
    kind: str,
    text: str = "",
    marks: tuple[Mark, ...] = (),
    level: int | None = None,
    ordered: bool = False,
    children: tuple[Block, ...] = (),
    style: str | None = None,
    anchor: str | None = None,
) -> Block:
    """``Block(kind, text, ...)``: the same parameters and an equal block, made about twice as fast by
    filling the slots directly rather than through ``object.__setattr__`` per field as the frozen
    dataclass does (a page makes hundreds of blocks). Falls back to ``Block`` if the model changes."""
    if _BLOCK_SET is None:
        return Block(kind, text, marks, level, ordered, children, style, anchor)
    b = _new(Block)
    set_kind, set_text, set_marks, set_level, set_ordered, set_children, set_style, set_anchor = _BLOCK_SET
    set_kind(b, kind)
    set_text(b, text)
    set_marks(b, marks)
    set_level(b, level)
    set_ordered(b, ordered)
    set_children(b, children)
    set_style(b, style)
    set_anchor(b, anchor)
    return b


def _new_marks(marks: list[list]) -> tuple[Mark, ...]:
    """``Mark(start, end, kind, target, label)`` of each working list, made as :func:`new_block` does."""
    if _MARK_SET is None:
        return tuple([Mark(m[0], m[1], m[2], m[3], m[4]) for m in marks])
    set_start, set_end, set_kind, set_target, set_label = _MARK_SET
    out = []
    for m in marks:
        o = _new(Mark)
        set_start(o, m[0])
        set_end(o, m[1])
        set_kind(o, m[2])
        set_target(o, m[3])
        set_label(o, m[4])
        out.append(o)
    return tuple(out)


# -- the walk ---------------------------------------------------------------------------------------------
def _mark_order(m: list) -> tuple[int, int, int]:
    return m[0], -m[1], m[5]


def _merge_adjacent(marks: list[list]) -> list[list]:
    """Join spans of one kind (and target) that touch: ``<b>a</b><b>b</b>`` is one strong span."""
    if len(marks) < 2:
        return marks
    marks.sort(key=lambda m: (m[2], m[3] or "", m[0], m[1]))
    out: list[list] = []
    for m in marks:
        prev = out[-1] if out else None
        if prev is not None and m[2] not in _ZERO_KINDS and prev[2] == m[2] and prev[3] == m[3] and prev[1] == m[0]:
            prev[1] = m[1]
            continue
        out.append(m)
    return out


class Inline:
    """Builds the text and marks of one block from its child nodes.

    Marks under construction are lists ``[start, end, kind, target, label, seq]``; ``seq`` orders them
    by opening. Outside exact mode ``marks`` only grows at its end, each mark's ``end`` being the length
    of the text when it is added (and :meth:`_trim` cuts every mark down alike), so it stays sorted by
    ``end``; in exact mode the pieces of a split mark are joined in place, which can break that order.
    """

    __slots__ = ("ctx", "pre", "parts", "n", "space", "marks", "open", "seq", "parts_at", "anchors", "sup")

    def __init__(self, ctx: InlineContext, *, pre: bool = False) -> None:
        self.ctx = ctx
        self.pre = pre
        self.parts: list[str] = []
        self.n = 0
        self.space = True  # last char is a space (or nothing yet): drop a leading space of the next text
        self.marks: list[list] = []  # [start, end, kind, target, label, seq]
        self.open: list[list] = []
        self.seq = 0
        self.parts_at: dict[str, int] | None = None
        self.anchors: list[tuple[int, str]] | None = None  # (offset, name) of a[name] met in the text
        self.sup = 0

    # -- text -----------------------------------------------------------------------------------
    def text(self, s: str | None) -> None:
        if not s:
            return
        if not self.pre:
            s = collapse(s)
            if self.space and s[0] == " ":
                s = s[1:]
                if not s:
                    return
            self.space = s[-1] == " "
        self.parts.append(s)
        self.n += len(s)

    def _trim(self) -> None:
        """Drop trailing spaces and newlines, moving marks that end after the cut."""
        parts = self.parts
        if self.pre or not parts:
            return
        before = self.n
        while parts:
            last = parts[-1]
            kept = last.rstrip(" \n")
            self.n -= len(last) - len(kept)
            if kept:
                parts[-1] = kept
                break
            parts.pop()
        cut = self.n
        if cut == before:
            return
        marks = self.marks
        if marks:
            # Only marks ending at or after the cut change; outside exact mode they are a suffix.
            k = len(marks)
            if self.ctx.exact:
                k = 0
            else:
                while k and marks[k - 1][1] >= cut:
                    k -= 1
            if k < len(marks):
                tail = [m for m in marks[k:] if not (m[2] == "linebreak" and m[0] >= cut)]
                for m in tail:
                    if m[1] > cut:
                        m[1] = cut
                    if m[0] > cut:
                        m[0] = cut
                marks[k:] = tail
        for m in self.open:
            if m[0] > cut:
                m[0] = cut

    def br(self) -> None:
        if self.pre:
            self._zero("linebreak")
            return
        if self.n == 0:
            return
        if self.space:
            self._trim()
        self._zero("linebreak")
        self.parts.append("\n")
        self.n += 1
        self.space = True

    def _zero(self, kind: str, target: str | None = None, label: str | None = None) -> None:
        self.seq += 1
        self.marks.append([self.n, self.n, kind, target, label, self.seq])

    def _open(self, kind: str, target: str | None = None, part: str | None = None) -> list:
        self.seq += 1
        m = [self.n, None, kind, target, part, self.seq]
        self.open.append(m)
        return m

    def _close(self, m: list) -> None:
        if self.open[-1] is m:
            self.open.pop()
        else:
            self.open.remove(m)
        m[1] = self.n
        part = m[4]
        m[4] = None
        if part is not None:
            if self.parts_at is None:
                self.parts_at = {}
            idx = self.parts_at.get(part)
            if idx is not None:
                prev = self.marks[idx]
                if prev[1] == m[0] and prev[2] == m[2] and prev[3] == m[3]:
                    prev[1] = m[1]
                    return
            self.parts_at[part] = len(self.marks)
        self.marks.append(m)

    # -- walking --------------------------------------------------------------------------------
    def walk(self, node: LexborNode) -> None:
        self.walk_nodes(node.iter(include_text=True))

    def walk_nodes(self, nodes) -> None:
        parts = self.parts
        pre = self.pre
        for ch in nodes:
            tag = ch.tag
            if tag == "-text":  # the hot path: collapse() inlined, on the stripped text
                s = ch.text_content
                if not s:
                    continue
                if pre:
                    parts.append(s)
                    self.n += len(s)
                    continue
                # collapse(s) is a space if s starts with whitespace, the stripped text collapsed, and
                # a space if s ends with whitespace (one space if it is all whitespace).
                if s.isascii():
                    t = s.strip(_ASCII_WS)
                    if "\n" in t or "  " in t or "\t" in t or "\r" in t or "\x0b" in t or "\x0c" in t:
                        t = _collapse_ascii(t)
                else:
                    t = s.strip()
                    if t:
                        t = _collapse_unicode(t)
                space = self.space
                if not t:
                    if space:
                        continue
                    t = " "
                    self.space = True
                else:
                    if not space and s[0] != t[0]:
                        t = " " + t
                    if s[-1] != t[-1]:
                        t += " "
                        self.space = True
                    else:
                        self.space = False
                parts.append(t)
                self.n += len(t)
            elif tag == "br" and not pre and self.n and not self.space:  # the common <br>, inlined
                self.seq += 1
                self.marks.append([self.n, self.n, "linebreak", None, None, self.seq])
                parts.append("\n")
                self.n += 1
                self.space = True
            elif tag[0] != "-":
                self.element(ch, tag)

    def element(self, el: LexborNode, tag: str) -> None:
        if tag == "br":
            self.br()
            return
        if tag in _SKIP:
            return
        ctx = self.ctx
        if ctx.skip and el.mem_id in ctx.skip:
            return
        kind = None
        part = None
        if tag in _EMPHASIS:
            kind = "emphasis"
            if tag == "cite" and not ctx.exact:
                cls = el.attributes.get("class") or ""
                if "unstyled" in cls or "quotation" in cls:
                    kind = None
        elif tag in _STRONG:
            kind = "strong"
        elif tag == "a":
            self.anchor(el)
            return
        elif tag == "sup":
            self.superscript(el)
            return
        elif tag == "sub":
            kind = "subscript"
        elif tag == "span":
            attrs = el.attributes
            cls = attrs.get("class")
            if cls:
                if "smallcaps" in cls or cls == "sc":
                    kind = "smallcaps"
                elif cls == "link" and ctx.exact and attrs.get("data-href") is not None:
                    m = self._open("link", attrs.get("data-href"), attrs.get("data-part"))
                    self.walk_nodes(el.iter(include_text=True))
                    self._close(m)
                    return
                elif cls == "term" and not ctx.exact:
                    kind = "strong"
        elif tag == "q" and not ctx.exact:
            self.text("“")
            self.walk_nodes(el.iter(include_text=True))
            self.text("”")
            return
        elif tag in BLOCK_TAGS:  # a block inside inline content (repaired markup): keep its text apart
            self.text(" ")
            self.walk_nodes(el.iter(include_text=True))
            self.text(" ")
            return
        if kind is None:
            self.walk_nodes(el.iter(include_text=True))
            return
        if ctx.exact:
            part = el.attributes.get("data-part")
        m = self._open(kind, None, part)
        self.walk_nodes(el.iter(include_text=True))
        self._close(m)

    def noteref(self, target: str, label: str, name: str | None) -> None:
        self._zero("noteref", target, label)
        self.ctx.ref_targets.add(target)
        if name:
            self.ctx.ref_names.add(name)

    def anchor(self, el: LexborNode) -> None:
        attrs = el.attributes
        href = attrs.get("href")
        ctx = self.ctx
        if href and href[0] == "#":
            if ctx.in_note and (href[1:] in ctx.ref_names or _BACKLINK_TEXT.match(" ".join(el.text().split()))):
                return
            if not ctx.exact:
                label = el.text().strip()
                if (
                    label
                    and NOTE_LABEL.match(label)
                    and (self.sup or "note" in (attrs.get("class") or "") or _first(el, "sup") is not None)
                ):
                    self.noteref(href[1:], note_label(label), attrs.get("name") or attrs.get("id"))
                    return
        elif not href:
            name = attrs.get("name") or attrs.get("id")
            if name and not ctx.exact:
                if self.anchors is None:
                    self.anchors = []
                self.anchors.append((self.n, name))
            self.walk_nodes(el.iter(include_text=True))
            return
        target = href if ":" not in href else safe_href(href)  # no scheme, nothing to check
        if target is None:
            self.walk_nodes(el.iter(include_text=True))
            return
        part = attrs.get("data-part") if ctx.exact else None
        m = self._open("link", target, part)
        self.walk_nodes(el.iter(include_text=True))
        self._close(m)

    def superscript(self, el: LexborNode) -> None:
        ctx = self.ctx
        if ctx.exact:
            attrs = el.attributes
            if (attrs.get("class") or "") == "enote":
                a = _first(el, "a")
                if a is not None:
                    aattrs = a.attributes
                    self.noteref((aattrs.get("href") or "#")[1:], note_label(a.text(), True), None)
                    return
            part = attrs.get("data-part")
        else:
            part = None
            a = _first(el, "a")
            if a is not None:
                href = a.attributes.get("href") or ""
                label = el.text().strip()
                if href[:1] == "#" and NOTE_LABEL.match(label):
                    if ctx.in_note and href[1:] in ctx.ref_names:
                        return
                    aattrs = a.attributes
                    self.noteref(href[1:], note_label(label), aattrs.get("name") or aattrs.get("id"))
                    return
        m = self._open("superscript", None, part)
        self.sup += 1
        self.walk_nodes(el.iter(include_text=True))
        self.sup -= 1
        self._close(m)

    # -- result ---------------------------------------------------------------------------------
    def finish(self) -> tuple[str, tuple[Mark, ...]]:
        """The block's text and its marks (open marks closed at the end)."""
        if self.open:
            for m in list(self.open):
                self._close(m)
        parts = self.parts
        if parts and parts[-1][-1] in " \n":
            self._trim()
        text = parts[0] if len(parts) == 1 else "".join(parts)
        marks = self.marks
        if not marks:
            return text, ()
        if not self.ctx.exact:
            # Empty spans are dropped; spans of one kind that touch are joined (zero-width marks never).
            zero = [m for m in marks if m[2] in _ZERO_KINDS]
            if len(zero) == len(marks):  # only breaks and note references: already in order
                return text, _new_marks(marks)
            spans = [m for m in marks if m[1] > m[0] and m[2] not in _ZERO_KINDS]
            marks = zero + _merge_adjacent(spans) if len(spans) > 1 else zero + spans
        if len(marks) > 1:
            marks.sort(key=_mark_order)
        return text, _new_marks(marks)

    def lead_anchor(self) -> str | None:
        """The name of an ``a[name]`` standing at the very start of the block, if any."""
        for pos, name in self.anchors or ():
            if pos == 0:
                return name
        return None

    def trail_anchors(self) -> list[str]:
        """Names of empty ``a[name]`` anchors at the very end (MIA puts the next paragraph's there)."""
        if not self.anchors:
            return []
        return [name for pos, name in self.anchors if pos >= self.n and pos > 0]
