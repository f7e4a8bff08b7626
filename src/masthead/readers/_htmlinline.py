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

Speed: this is the reader's inner loop (every text node of a page goes through it), so the common
case — running text with ``em``/``i``/``b``/``span``/``br`` in a page read heuristically — is walked
iteratively with the state in local variables (:meth:`Inline.walk_nodes`); links, superscripts, ``q``,
stray block elements, preformatted text and exact (renderer) pages take the general recursive path
(:meth:`Inline.element`). Both give the same result.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from masthead.model import Mark
from masthead.render.html import safe_href

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

WS = re.compile(r"\s+")
NOTE_LABEL = re.compile(r"^[\[(]?\s*(\d{1,3}[a-z]?|[A-Za-z]{1,2}|[*†‡§¶]{1,3})\s*[\])]?\.?$")
_BACKLINK_TEXT = re.compile(
    r"^(?:return(?: to text)?|back(?: to text)?|top|[↑↩^]|\[?back\]?)$", re.IGNORECASE
)
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

# What the fast walk does with each tag (tags not listed: walk the children, no mark).
_BR, _IGNORE, _GENERAL, _CITE, _SPAN = range(5)
_FAST: dict[str, object] = {"br": _BR, "cite": _CITE, "span": _SPAN, "a": _GENERAL, "sup": _GENERAL}
_FAST.update(dict.fromkeys(_SKIP, _IGNORE))
_FAST.update(dict.fromkeys(("em", "i", "dfn", "var"), "emphasis"))
_FAST.update(dict.fromkeys(_STRONG, "strong"))
_FAST["sub"] = "subscript"
_FAST.update(dict.fromkeys(BLOCK_TAGS, _GENERAL))
_FAST["q"] = _GENERAL
_FAST.update({"-comment": _IGNORE, "-doctype": _IGNORE})


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


def collapse(s: str) -> str:
    """Every whitespace run (any Unicode space, no-break space included) as one space; ends kept."""
    s = s.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    if not s.isascii():
        s = s.replace("\xa0", " ")
        if _RARE_WS.search(s):
            s = WS.sub(" ", s)
    elif "\x0b" in s or "\x0c" in s:
        s = s.replace("\x0b", " ").replace("\x0c", " ")
    while "  " in s:
        s = s.replace("  ", " ")
    return s


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
    text = parts[0] if len(parts) == 1 else "".join(parts)
    text = collapse(text).strip(" ")
    if not text:
        trail = [lead, *trail] if lead else trail
        lead = None
    return text, lead, trail


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
        if (
            prev is not None
            and m[2] not in _ZERO_KINDS
            and prev[2] == m[2]
            and prev[3] == m[3]
            and prev[1] == m[0]
        ):
            prev[1] = m[1]
            continue
        out.append(m)
    return out


class Inline:
    """Builds the text and marks of one block from its child nodes.

    Marks under construction are lists ``[start, end, kind, target, label, seq]``; ``seq`` orders them
    by opening. ``marks`` only ever grows at its end, with ``end`` the current length, so outside exact
    mode (where split pieces are joined in place) it stays sorted by ``end``.
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
        """Add ``nodes`` (and everything under them) to the text.

        The fast path below keeps the state in locals and walks nested inline elements with an explicit
        stack; anything it does not handle itself goes to :meth:`element` with the state written back.
        """
        ctx = self.ctx
        if self.pre or ctx.exact:
            self._walk_general(nodes)
            return
        parts = self.parts
        marks = self.marks
        opened = self.open
        skip = ctx.skip
        n = self.n
        space = self.space
        seq = self.seq
        stack: list = []  # (parent's iterator, mark of the element being walked or None)
        it = iter(nodes)
        fast = _FAST
        while True:
            for ch in it:
                tag = ch.tag
                if tag == "-text":  # the hot path: collapse() inlined
                    s = ch.text_content
                    if not s:
                        continue
                    s = s.replace("\n", " ").replace("\t", " ").replace("\r", " ")
                    if not s.isascii():
                        s = s.replace("\xa0", " ")
                        if _RARE_WS.search(s):
                            s = WS.sub(" ", s)
                    elif "\x0b" in s or "\x0c" in s:
                        s = s.replace("\x0b", " ").replace("\x0c", " ")
                    while "  " in s:
                        s = s.replace("  ", " ")
                    if space and s[0] == " ":
                        s = s[1:]
                        if not s:
                            continue
                    space = s[-1] == " "
                    parts.append(s)
                    n += len(s)
                    continue
                action = fast.get(tag)
                if action is _BR:
                    if n:
                        if space:
                            self.n = n
                            self._trim()
                            n = self.n
                        seq += 1
                        marks.append([n, n, "linebreak", None, None, seq])
                        parts.append("\n")
                        n += 1
                        space = True
                    continue
                if action is _IGNORE:
                    continue
                if action is _GENERAL:
                    self.n, self.space, self.seq = n, space, seq
                    self.element(ch, tag)
                    n, space, seq = self.n, self.space, self.seq
                    continue
                if action is None:
                    if tag[0] == "-":
                        continue
                elif action is _CITE:
                    cls = ch.attributes.get("class") or ""
                    action = None if "unstyled" in cls or "quotation" in cls else "emphasis"
                elif action is _SPAN:
                    cls = ch.attributes.get("class")
                    if not cls:
                        action = None
                    elif "smallcaps" in cls or cls == "sc":
                        action = "smallcaps"
                    else:
                        action = "strong" if cls == "term" else None
                if skip and ch.mem_id in skip:
                    continue
                if action is None:
                    m = None
                else:
                    seq += 1
                    m = [n, None, action, None, None, seq]
                    opened.append(m)
                stack.append((it, m))
                it = ch.iter(include_text=True)
                break
            else:
                if not stack:
                    break
                it, m = stack.pop()
                if m is not None:
                    if opened[-1] is m:
                        opened.pop()
                    else:
                        opened.remove(m)
                    m[1] = n
                    marks.append(m)
        self.n, self.space, self.seq = n, space, seq

    def _walk_general(self, nodes) -> None:
        parts = self.parts
        pre = self.pre
        for ch in nodes:
            tag = ch.tag
            if tag == "-text":
                s = ch.text_content
                if not s:
                    continue
                if not pre:
                    self.text(s)
                    continue
                parts.append(s)
                self.n += len(s)
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
            if ctx.in_note and (
                href[1:] in ctx.ref_names or _BACKLINK_TEXT.match(" ".join(el.text().split()))
            ):
                return
            if not ctx.exact:
                label = el.text().strip()
                if (
                    label
                    and NOTE_LABEL.match(label)
                    and (self.sup or "note" in (attrs.get("class") or "") or el.css_first("sup") is not None)
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
        target = safe_href(href)
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
                a = el.css_first("a")
                if a is not None:
                    aattrs = a.attributes
                    self.noteref((aattrs.get("href") or "#")[1:], note_label(a.text(), True), None)
                    return
            part = attrs.get("data-part")
        else:
            part = None
            a = el.css_first("a")
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
            if len(zero) < len(marks):
                spans = [m for m in marks if m[1] > m[0] and m[2] not in _ZERO_KINDS]
                marks = zero + _merge_adjacent(spans) if len(spans) > 1 else zero + spans
        if len(marks) > 1:
            marks.sort(key=_mark_order)
        return text, tuple([Mark(m[0], m[1], m[2], m[3], m[4]) for m in marks])

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
