"""Helpers for the editors' queue of proposed entries: example sentences and the entry edit form.

Plain functions over documents and form fields; they never touch the database (the store records the
decisions: :mod:`masthead.store.glossary_edits`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from masthead.glossary.annotate import sentence_around
from masthead.glossary.entries import Entry, GlossaryError, entry_from_dict
from masthead.glossary.matcher import fold

__all__ = ["example_sentences", "entry_from_form", "split_aliases"]


def example_sentences(text: str, names: Iterable[str], *, limit: int = 2) -> list[tuple[str, str, str]]:
    """Up to ``limit`` sentences of ``text`` (a document's view text) naming one of ``names`` as a whole
    word, as ``(before, surface, after)``; accents and case are folded for the search, the surface is
    the text as written. Sentences naming it in the same case come first."""
    folded = fold(text)
    lowered = folded.casefold() if len(folded.casefold()) == len(folded) else None
    found: list[tuple[bool, int, int]] = []
    for name in dict.fromkeys(n for n in names if n.strip()):
        pattern = r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)"
        hits = [(True, m.start(), m.end()) for m in re.finditer(pattern, folded)]
        if lowered is not None:
            exact = {h[1] for h in hits}
            hits += [
                (False, m.start(), m.end())
                for m in re.finditer(pattern, lowered, flags=re.IGNORECASE)
                if m.start() not in exact
            ]
        found.extend(hits)
    found.sort(key=lambda h: (not h[0], h[1]))
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for _, start, end in found:
        sentence, s, e = sentence_around(text, start, end)
        if sentence in seen:
            continue
        seen.add(sentence)
        out.append((sentence[:s], sentence[s:e], sentence[e:]))
        if len(out) >= limit:
            break
    return out


def split_aliases(value: str) -> list[str]:
    """Aliases typed in a form: one a line (or separated by ``;`` or ``|``), blanks dropped."""
    return [" ".join(a.split()) for a in re.split(r"[\n;|]", value) if a.strip()]


def entry_from_form(entry: Entry, form: Mapping[str, str | None], *, where: str = "form") -> Entry:
    """``entry`` with the fields an editor sent (``name``, ``type``, ``aliases``, ``date_from``,
    ``date_to``, ``description``; a field not sent keeps its value), checked like a glossary file's
    entry. Raises :class:`GlossaryError` with a one-line message."""
    data = entry.to_dict()

    def sent(key: str) -> str | None:
        value = form.get(key)
        return value if isinstance(value, str) else None

    for key in ("name", "type", "description"):
        value = sent(key)
        if value is not None:
            data[key] = value.strip()
    if sent("aliases") is not None:
        data["aliases"] = split_aliases(sent("aliases") or "")
    for key in ("date_from", "date_to"):
        value = sent(key)
        if value is not None:
            data[key] = value.strip() or None
    if not str(data.get("name") or "").strip():
        raise GlossaryError(f"{where}: the preferred name cannot be empty")
    new = entry_from_dict(data, where)
    return new.replace(status=entry.status, merged_into=entry.merged_into)
