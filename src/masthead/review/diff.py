"""Word-level differences between two texts (two revisions' view texts), for people to read.

:func:`diff_ops` compares paragraph by paragraph first (``difflib`` over paragraphs), then word by word
inside paragraphs that changed, so a long article with one corrected word costs little. Its result is
rendered as HTML with ``<ins>``/``<del>`` (:func:`diff_html`, text escaped), as text with git's
``[-old-]{+new+}`` word-diff markers (:func:`word_diff_text`), or as a unified diff of paragraphs
(:func:`unified_diff`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

_TOKEN = re.compile(r"\w+[^\S\n]*|[^\w\s][^\S\n]*|\s+")
"""A word or a punctuation mark with the spaces after it (so that a space is never a token of its own:
a token that common would make the matcher slow), or a run of white space that holds a line break."""
PARAGRAPH = "\n\n"
_BREAK = re.compile(r"(\n\n+)")


@dataclass(frozen=True, slots=True)
class Op:
    """One piece of a diff: ``kind`` is ``equal``, ``delete`` (text only in the old) or ``insert``."""

    kind: str
    text: str


def _paragraphs(text: str) -> list[str]:
    return [p for p in _BREAK.split(text) if p]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _words(old: str, new: str) -> Iterator[Op]:
    a, b = _tokens(old), _tokens(new)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            yield Op("equal", old_text)
            continue
        # the spaces both sides end with are unchanged: keep them out of <del> and <ins>
        tail = len(old_text) - len(old_text.rstrip()) if new_text else 0
        tail = min(tail, len(new_text) - len(new_text.rstrip())) if old_text else 0
        while tail and old_text[-tail:] != new_text[-tail:]:
            tail -= 1
        cut = len(old_text) - tail, len(new_text) - tail
        yield Op("delete", old_text[: cut[0]])
        yield Op("insert", new_text[: cut[1]])
        yield Op("equal", old_text[cut[0] :])


def _merge(ops: Iterator[Op]) -> list[Op]:
    out: list[Op] = []
    for op in ops:
        if not op.text:
            continue
        if out and out[-1].kind == op.kind:
            out[-1] = Op(op.kind, out[-1].text + op.text)
        else:
            out.append(op)
    return out


def diff_ops(old: str, new: str) -> list[Op]:
    """The differences from ``old`` to ``new`` as equal / delete / insert pieces that, read in order,
    spell ``old`` (equal + delete) and ``new`` (equal + insert)."""

    def gen() -> Iterator[Op]:
        # paragraphs and the breaks between them, as items of their own: every character is in one item
        pa, pb = _paragraphs(old), _paragraphs(new)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, pa, pb, autojunk=False).get_opcodes():
            old_part, new_part = "".join(pa[i1:i2]), "".join(pb[j1:j2])
            if tag == "equal":
                yield Op("equal", old_part)
            elif i2 - i1 == j2 - j1:  # as many paragraphs each side: each one edited in place
                for x, y in zip(pa[i1:i2], pb[j1:j2], strict=True):
                    yield from ([Op("equal", x)] if x == y else _words(x, y))
            elif old_part and new_part:  # paragraphs replaced: compare their words
                yield from _words(old_part, new_part)
            else:
                yield Op("delete" if old_part else "insert", old_part or new_part)

    return _merge(gen())


def _elide(text: str, keep: int, *, head: bool, tail: bool) -> str:
    if len(text) <= 2 * keep + 20:
        return text
    left = text[:keep] if head else ""
    right = text[-keep:] if tail else ""
    return f"{left} … {right}"


def diff_html(ops: list[Op], *, context: int = 160) -> str:
    """The diff as HTML: unchanged text escaped (long unchanged stretches cut to ``context`` characters
    on each side of a change), deletions in ``<del>``, insertions in ``<ins>``; paragraphs keep their
    line breaks (show it in a ``white-space: pre-wrap`` element)."""
    parts: list[str] = []
    for n, op in enumerate(ops):
        text = op.text
        if op.kind == "equal":
            text = _elide(text, context, head=n > 0, tail=n < len(ops) - 1)
            parts.append(escape(text, quote=False))
        else:
            tag = "del" if op.kind == "delete" else "ins"
            parts.append(f"<{tag}>{escape(text, quote=False)}</{tag}>")
    return "".join(parts)


def word_diff_text(ops: list[Op], *, context: int = 60) -> str:
    """The diff as text with ``[-deleted-]`` and ``{+inserted+}`` markers, unchanged stretches cut."""
    parts: list[str] = []
    for n, op in enumerate(ops):
        if op.kind == "equal":
            parts.append(_elide(op.text, context, head=n > 0, tail=n < len(ops) - 1))
        elif op.kind == "delete":
            parts.append(f"[-{op.text}-]")
        else:
            parts.append(f"{{+{op.text}+}}")
    return "".join(parts)


def unified_diff(old: str, new: str, *, old_label: str = "a", new_label: str = "b") -> str:
    """A unified diff with one line per paragraph (what ``diff -u`` would show for the view texts)."""
    a = [p + "\n" for p in old.split(PARAGRAPH)]
    b = [p + "\n" for p in new.split(PARAGRAPH)]
    return "".join(difflib.unified_diff(a, b, fromfile=old_label, tofile=new_label))


def changed(ops: list[Op]) -> bool:
    """Whether the diff has any change."""
    return any(op.kind != "equal" for op in ops)
