"""Propose new glossary entries from the archive's own statistics (no model, nothing downloaded).

:func:`propose` reads documents and counts, across the whole archive:

- **capitalised words and phrases** that are not at the start of a sentence (headings, often in
  title case, are skipped). A single word must be mostly capitalised wherever it occurs (``Cannon``
  40 times capitalised and never as ``cannon``; not ``Workers`` if ``workers`` is common); a phrase
  of capitalised words in mid-sentence is evidence enough. A phrase may hold connectors
  (``Industrial Workers of the World``); a leading ``The`` is dropped;
- **acronyms** (``ILP``, ``CIO``, ``U.S.``), roman numerals excepted;
- **"the X Party"** and its kin (``the X League``, ``Union``, ``Federation``, ``International`` ...),
  typed as parties or organisations;
- **titles in italics** (emphasis marks in Title Case) and **in quotes**, typed as periodicals;
- names after a title word (``Comrade``, ``Senator``, ``Mr.``), typed as people.

Candidates already in the glossary (any name or alias, accents folded; rejected ones included) are
left out. What remains is ranked by how many documents name it, then how often.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from masthead.glossary.entries import Entry, make_entry_id
from masthead.glossary.matcher import fold
from masthead.model import Document
from masthead.textview import text_view

__all__ = ["Proposal", "propose"]

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:[\w'’\-]*\w)?")
_JOINERS = {"of", "the", "de", "du", "des", "la", "le", "von", "van", "der", "den", "for", "y", "del"}
_CONNECTORS = {"of", "the", "de", "du", "des", "la", "le", "von", "van", "der", "den", "for", "and", "y", "del"}
_TITLES = {
    "Comrade",
    "Comrades",
    "Mr",
    "Mrs",
    "Miss",
    "Dr",
    "Senator",
    "President",
    "General",
    "Governor",
    "Judge",
    "Mayor",
    "Premier",
    "Chancellor",
    "Professor",
    "Citizen",
    "Secretary",
}
_STOP = {
    "I",
    "A",
    "O",
    "OK",
    *("January February March April May June July August September October November December".split()),
    *("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()),
    *("Mr Mrs Dr Ibid Vol No Chapter Part Section Page Note Notes Footnotes Source Transcribed".split()),
}
_ORG_WORDS = {
    "League",
    "Union",
    "Federation",
    "Congress",
    "International",
    "Committee",
    "Council",
    "Association",
    "Movement",
    "Club",
    "Society",
    "Brotherhood",
    "Bureau",
    "Assembly",
    "Conference",
    "Commune",
    "Workers",
    "Army",
}
_CONTRACTION = re.compile(r"['’](?:m|ve|ll|d|re|t)\b")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_ACRONYM = re.compile(r"^(?:[A-Z]{2,6}|(?:[A-Z]\.){2,5})$")
_PATTERN = re.compile(
    r"\b[Tt]he ((?:[A-Z][\w'’\-]*\s){1,5}?)(Party|League|Union|Federation|Congress|International|Committee|Council|"
    r"Association|Movement|Bureau)\b"
)
_QUOTED = re.compile(r"[“\"]([A-Z][^“”\"\n]{2,60})[”\"]")


@dataclass(slots=True)
class Proposal:
    """A candidate entry: its name and guessed type, the documents naming it, and why it was proposed."""

    name: str
    type: str
    documents: int = 0
    occurrences: int = 0
    examples: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    alias_of: str | None = None

    def to_entry(self) -> Entry:
        """The proposal as a ``proposed`` entry (editors accept, merge or reject it)."""
        return Entry(id=make_entry_id(self.name), type=self.type, name=self.name, status="proposed")

    def evidence(self) -> dict[str, object]:
        """What the proposal rests on, for the editors' queue."""
        return {
            "documents": self.documents,
            "occurrences": self.occurrences,
            "examples": self.examples,
            "reasons": self.reasons,
            "alias_of": self.alias_of,
        }


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘(*[":
        i -= 1
    return i < 0 or text[i] in ".!?:\n"


def _title_case(phrase: str) -> bool:
    words = phrase.split()
    if not 1 <= len(words) <= 8 or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w in _CONNECTORS or w in ("a", "an", "on", "in", "to") for w in words)


class _Tally:
    def __init__(self) -> None:
        self.docs: dict[str, set[str]] = defaultdict(set)
        self.count: Counter[str] = Counter()
        self.reasons: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, name: str, doc_id: str, reason: str, etype: str | None = None) -> None:
        self.docs[name].add(doc_id)
        self.count[name] += 1
        self.reasons[name].add(reason)
        if etype:
            self.types[name][etype] += 1


def propose(
    docs: Iterable[Document],
    *,
    known: Iterable[Entry] = (),
    min_documents: int = 2,
    min_capitalised: float = 0.9,
    limit: int | None = None,
) -> list[Proposal]:
    """Candidate entries from ``docs`` (see the module docstring), best first.

    ``known`` entries' names and aliases are left out; a candidate needs ``min_documents`` documents
    (1 for a title in italics or quotes that appears twice); a single word must be capitalised in at
    least ``min_capitalised`` of its occurrences that are not sentence-initial."""
    known_names = {fold(n).casefold() for e in known for n in e.names()}
    cap: Counter[str] = Counter()  # lowercased word -> capitalised, not sentence-initial
    low: Counter[str] = Counter()  # lowercased word -> written in lowercase
    runs = _Tally()
    special = _Tally()
    for doc in docs:
        view = text_view(doc)
        text = view.text
        for seg in view.segments:
            if seg.kind in ("title", "subtitle", "heading"):  # headings are often in title case
                continue
            _scan_segment(text, seg.start, seg.end, doc.id, cap, low, runs)
        for m in _PATTERN.finditer(text):
            head = m.group(1).strip()
            if head.split()[0] in _STOP:
                continue
            kind = "party" if m.group(2) == "Party" else "organisation"
            special.add(f"{head} {m.group(2)}", doc.id, "the X Party", kind)
        for b in doc.iter_blocks():
            for mk in b.marks:
                if mk.kind == "emphasis":
                    phrase = " ".join(b.text[mk.start : mk.end].split()).strip(" ,.;:")
                    if _title_case(phrase) and len(phrase) >= 3:
                        special.add(phrase, doc.id, "italic title", "periodical")
        for m in _QUOTED.finditer(text):
            phrase = " ".join(m.group(1).split()).strip(" ,.;:")
            if _title_case(phrase) and len(phrase.split()) <= 6:
                special.add(phrase, doc.id, "quoted title", "periodical")

    def mostly_capitalised(word: str) -> bool:
        lw = word.lower()
        c, lo = cap[lw], low[lw]
        return c > 0 and c / (c + lo) >= min_capitalised

    out: dict[str, Proposal] = {}
    for name, doc_ids in runs.docs.items():
        words = name.split()
        reasons = runs.reasons[name]
        if _CONTRACTION.search(name) or (len(words) > 1 and name.isupper()):
            continue  # "I'm"; a headline in capitals (the matcher finds capitalised names there anyway)
        if len(words) == 1:
            w = words[0]
            acronym = bool(_ACRONYM.match(w)) and not _ROMAN.match(w)
            if not acronym and (not mostly_capitalised(w) or len(w) < 3):
                continue
            if acronym:
                reasons = {"acronym"}
        if len(doc_ids) < min_documents:
            continue
        etype = _guess_type(words, runs.types[name])
        out[name] = Proposal(name, etype, len(doc_ids), runs.count[name], sorted(doc_ids)[:3], sorted(reasons))
    for name, doc_ids in special.docs.items():
        reasons = special.reasons[name]
        titled = reasons & {"italic title", "quoted title"}
        enough = len(doc_ids) >= min_documents or (titled and special.count[name] >= 2)
        if not enough:
            continue
        etype = special.types[name].most_common(1)[0][0]
        p = out.get(name)
        if p is None:
            out[name] = Proposal(name, etype, len(doc_ids), special.count[name], sorted(doc_ids)[:3], sorted(reasons))
        else:
            p.type = etype if etype != "periodical" or p.type == "other" else p.type
            p.reasons = sorted({*p.reasons, *reasons})
    # Drop what the glossary already has; note single words that are the last word of a person's name.
    # A single word that also ends a longer name ("Quelch", "James Quelch"), one of them seen after a
    # title word ("comrade Quelch"), is a surname: both are people.
    persons = {
        p.name.split()[-1]: p
        for p in out.values()
        if p.type in ("person", "other") and " " in p.name and p.name.split()[-1] not in _ORG_WORDS
    }
    result = []
    for p in out.values():
        if fold(p.name).casefold() in known_names or p.name in _STOP:
            continue
        full = persons.get(p.name) if " " not in p.name else None
        if full is not None and "person" in (p.type, full.type) and p.type in ("person", "other"):
            p.alias_of = full.name
            p.type = full.type = "person"
        result.append(p)
    result.sort(key=lambda p: (-p.documents, -p.occurrences, p.name))
    return result[:limit] if limit is not None else result


def _guess_type(words: list[str], seen: Counter[str]) -> str:
    if seen:
        return seen.most_common(1)[0][0]
    if words[-1] == "Party":
        return "party"
    if words[-1] in _ORG_WORDS or (len(words) == 1 and _ACRONYM.match(words[0])):
        return "organisation"
    return "other"


def _scan_segment(
    text: str, start: int, end: int, doc_id: str, cap: Counter[str], low: Counter[str], runs: _Tally
) -> None:
    """Count capitalisation and record capitalised runs in ``text[start:end]``."""
    run: list[str] = []
    run_initial = False
    run_title = False
    last_end = -1
    prev_word = ""

    def flush() -> None:
        nonlocal run
        words = run
        while words and words[-1] in _CONNECTORS:
            words = words[:-1]
        if run_initial:  # a sentence-initial "The" / "In" is not part of the name
            while words and (words[0].lower() in _CONNECTORS or low[words[0].lower()] > cap[words[0].lower()]):
                words = words[1:]
        if words and words[0] in ("The", "the"):
            words = words[1:]
        if words and not (len(words) == 1 and words[0] in _TITLES):
            runs.add(" ".join(words), doc_id, "capitalised", "person" if run_title else None)
        run = []

    for m in _WORD.finditer(text, start, end):
        w = m.group().rstrip("'’")
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        if not w:
            continue
        initial = _sentence_initial(text, m.start())
        lw = w.lower()
        upper = w[:1].isupper()
        if not initial:
            (cap if upper else low)[lw] += 1
        gap = text[last_end : m.start()] if last_end >= 0 else ""
        joined = last_end >= 0 and gap in (" ", ". ") and not (gap == ". " and len(prev_word) > 2)
        if upper and w not in _TITLES and w.rstrip(".") not in _TITLES:
            if not (run and joined):
                if run:
                    flush()
                run_initial = initial
                run_title = prev_word.rstrip(".").capitalize() in _TITLES
            elif gap == ". ":
                run[-1] += "."  # an initial: James P. Cannon
            run.append(w)
        elif run and joined and w in _JOINERS and not initial and (w != "the" or run[-1] in ("of", "for")):
            run.append(w)  # "Industrial Workers of the World"; not "Marx and Engels"
        elif run:
            flush()
        last_end = m.end()
        prev_word = w
    if run:
        flush()
