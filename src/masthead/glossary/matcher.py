"""Find glossary entries in a document's text: one Aho-Corasick automaton over every name and alias.

:class:`Matcher` compiles the names and aliases of accepted entries into a single
:mod:`ahocorasick` automaton. Text and names are first **folded** the same way, one character for one
character (so offsets in the folded text are offsets in the original): accents are dropped
(``Jaurès`` -> ``Jaures``), curly quotes become straight ones and line breaks become spaces.
Matching is case-sensitive (names are capitalised; ``Cannon`` is not ``cannon``) apart from an
all-capitals variant of each name (headlines) and a capitalised variant of names that start with a
lowercase word (``the International`` at the start of a sentence).

A raw match counts only at word boundaries (no letter or digit on either side, so ``Marx`` is not
found in ``Marxism``, but is in ``Marx's``, ``Marx’s`` and ``Marx-Engels``). Overlapping matches are
resolved leftmost-longest (``Karl Marx`` rather than ``Marx``).

When one surface belongs to several entries (two people called Thomas; "the International" as the
First, Second, Third or Fourth) :meth:`Matcher.find` chooses by the document's year against each
entry's dates, by whether the document names the candidate unambiguously elsewhere ("Theodore
Roosevelt ... Roosevelt"), and by the entries named elsewhere in the same document that are related
to each candidate (an entry's ``related`` ids, and the entries its description names). A surname
after given names or initials keeps only the people whose full names start the same way ("W.
Redmond" is not John Redmond) and the mention takes in the given names. Every
:class:`Mention` carries a confidence in ``[0, 1]`` and the other entries it could have been.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick

from masthead.glossary.entries import Entry, Mention
from masthead.model import Document
from masthead.textview import text_view

__all__ = ["Mention", "Matcher", "fold", "link_document", "document_year"]


# -- folding ------------------------------------------------------------------------------------------
_SAME_LENGTH = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
    "\n": " ",
    "\t": " ",
    "\r": " ",
    "\u2010": "-",
    "\u2011": "-",
}


_FOLDED: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    """One character folded to exactly one character (itself when it has no one-character fold)."""
    out = _FOLDED.get(ch)
    if out is None:
        out = _SAME_LENGTH.get(ch)
        if out is None:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out = base if len(base) == 1 else ch
        _FOLDED[ch] = out
    return out


_SPECIAL = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x7f]")  # what folding may change: non-ASCII, \t, \n, \r


def fold(text: str) -> str:
    """``text`` with accents dropped, quotes straightened and line breaks as spaces; same length."""
    return _SPECIAL.sub(lambda m: _fold_char(m.group()), text)


# -- confidence of a name ----------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def _common_word(word: str) -> float:
    """Zipf frequency of ``word`` in English (0 when wordfreq is unavailable)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return 0.0
    return float(zipf_frequency(word.lower(), "en"))


def _name_confidence(name: str, entry: Entry) -> float:
    """How sure a match of ``name`` alone is to mean ``entry`` (before context)."""
    words = name.split()
    if len(words) >= 2:
        return 0.95
    if name.isupper() and len(name) <= 6:
        return 0.85  # an acronym
    zipf = _common_word(name)
    if zipf >= 5.0:
        return 0.45  # "Bell", "Church": also ordinary words
    if zipf >= 4.0:
        return 0.65
    return 0.85


def _variants(name: str) -> list[tuple[str, float]]:
    """The forms of a name that are matched, each with a confidence factor."""
    out = [(name, 1.0)]
    if name[:1].islower():
        out.append((name[:1].upper() + name[1:], 1.0))
    if len(name) >= 4 and not name.isupper():
        out.append((name.upper(), 0.9))
    return out


_WORD_CHAR = re.compile(r"\w")


_FUNCTION_WORDS = frozenset(
    "a an and as at but by for from her his in into is it of on or that the their to was were with".split()
)
_NEXT_WORD = re.compile(r"[A-Za-z]+")


def _continues(folded: str, end: int) -> bool:
    """Whether the capitalised word after a generic name ("the International") carries the name on:
    not a function word of a title-case heading ("The International And Its Sections"), not "I", not
    an abbreviation in capitals."""
    m = _NEXT_WORD.match(folded, end + 1)
    if not m:
        return False
    word = m.group()
    return not word.isupper() and word.lower() not in _FUNCTION_WORDS


# -- the matcher --------------------------------------------------------------------------------------
class Matcher:
    """A compiled glossary (see the module docstring). Build once, use for many documents."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: dict[str, Entry] = {e.id: e for e in entries if e.status == "accepted"}
        patterns: dict[str, dict[str, float]] = {}
        for e in self.entries.values():
            for name in e.names():
                name = " ".join(name.split())
                if len(name) < 2:
                    continue  # a one-letter alias would match every initial
                base = _name_confidence(name, e)
                for form, factor in _variants(name):
                    key = fold(form)
                    slot = patterns.setdefault(key, {})
                    slot[e.id] = max(slot.get(e.id, 0.0), base * factor)
        self._automaton = ahocorasick.Automaton()
        for key, cands in patterns.items():
            ordered = tuple(sorted(cands.items()))
            generic = key[:1].islower() or key.split(" ", 1)[0] in ("The", "THE")
            self._automaton.add_word(key, (len(key), ordered, generic))
        self.pattern_count = len(patterns)
        if patterns:
            self._automaton.make_automaton()
        self._related = self._relations()
        self._firsts: dict[str, frozenset[str]] = {}  # person id -> first words of its full names
        for eid, e in self.entries.items():
            if e.type == "person":
                firsts = {fold(n).split()[0].rstrip(".") for n in e.names() if len(n.split()) >= 2}
                if firsts:
                    self._firsts[eid] = frozenset(firsts)
        # Capitalised words that are not given names: words of the glossary's names ("International",
        # "Party", surnames) other than people's first names. They end a run of given names.
        all_firsts = set().union(*self._firsts.values()) if self._firsts else set()
        words = {w.rstrip(".") for e in self.entries.values() for n in e.names() for w in fold(n).split()}
        self._not_given = frozenset(w for w in words - all_firsts if len(w) > 1)

    def _relations(self) -> dict[str, frozenset[str]]:
        """Each entry's related entries: its ``related`` ids, the entries its description names, and
        the entries that list it (relations are symmetric)."""
        rel: dict[str, set[str]] = {eid: set(e.related) for eid, e in self.entries.items()}
        for eid, e in self.entries.items():
            if e.description:
                for m in self._raw(e.description):
                    rel[eid].update(c for c, _ in m[2])
        for eid, others in list(rel.items()):
            for o in others:
                if o in rel:
                    rel[o].add(eid)
        return {k: frozenset(v - {k}) for k, v in rel.items()}

    def _raw(self, text: str, folded: str | None = None) -> list[tuple[int, int, tuple[tuple[str, float], ...]]]:
        """Leftmost-longest matches at word boundaries: ``(start, end, candidates)``."""
        if not self.pattern_count:
            return []
        folded = fold(text) if folded is None else folded
        n = len(folded)
        found: list[tuple[int, int, tuple[tuple[str, float], ...]]] = []
        is_word = _WORD_CHAR.match
        for end_index, (length, cands, generic) in self._automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if start > 0 and is_word(folded, start - 1):
                continue
            if end < n and is_word(folded, end):
                continue
            if generic and end + 1 < n and text[end] == " " and folded[end + 1].isupper() and _continues(folded, end):
                continue  # part of a longer name the glossary lacks: "the International Socialist Council"
            found.append((start, end, cands))
        if len(found) < 2:
            return found
        found.sort(key=lambda t: (t[0], t[0] - t[1]))
        chosen = []
        last_end = -1
        for t in found:
            if t[0] >= last_end:
                chosen.append(t)
                last_end = t[1]
        return chosen

    def _given_names(
        self, text: str, folded: str, raw: list[tuple[int, int, tuple[tuple[str, float], ...]]]
    ) -> list[tuple[int, int, tuple[tuple[str, float], ...]]]:
        """A surname with given names or initials before it ("Franklin Delano Roosevelt", "W. Redmond",
        "Mr Maurice Healy"): keep only the people whose full names start the same way, and widen the
        mention over the given names; drop it when none does (another person of that name)."""
        out = []
        prev_end = 0
        firsts = self._firsts
        for start, end, cands in raw:
            # Fast path: most names follow a lowercase word or punctuation, not a capital or an initial.
            before = text[start - 2] if start >= 2 and text[start - 1] == " " else ""
            if not (before.isalpha() or before == ".") or " " in folded[start:end]:
                out.append((start, end, cands))
                prev_end = end
                continue
            word_start = text.rfind(" ", 0, start - 1) + 1
            if not text[word_start : word_start + 1].isupper() or not all(
                c in firsts or self.entries[c].type == "person" for c, _ in cands
            ):
                out.append((start, end, cands))
                prev_end = end
                continue
            given = _given_before(text, start, prev_end, self._not_given)
            if given is None:
                out.append((start, end, cands))
                prev_end = end
                continue
            first = given[1]
            fits = [(c, max(b, 0.9)) for c, b in cands if c in firsts and _same_first(first, firsts[c])]
            unknown = [(c, b) for c, b in cands if c not in firsts]
            if fits:
                out.append((given[0], end, tuple(fits)))
                prev_end = end
            elif unknown:
                out.append((start, end, tuple(unknown)))
                prev_end = end
        return out

    def find(self, text: str, *, year: int | None = None) -> list[Mention]:
        """Every mention of an entry in ``text`` (a document's view text), in order.

        ``year`` is the document's year, used to choose between entries sharing a name and to lower
        the confidence of a mention dated outside an entry's years."""
        folded = fold(text)
        raw = self._raw(text, folded)
        if not raw:
            return []
        raw = self._given_names(text, folded, raw)
        # Entries named without ambiguity are the context for the ambiguous ones.
        context = {cands[0][0] for _s, _e, cands in raw if len(cands) == 1}
        entries = self.entries
        out: list[Mention] = []
        single: dict[tuple[str, float], tuple[str, float]] = {}  # (entry, base) -> (type, confidence)
        for start, end, cands in raw:
            if len(cands) == 1:
                known = single.get(cands[0])
                if known is None:
                    eid, base = cands[0]
                    e = entries[eid]
                    factor = _date_factor(e, year)  # named before it existed: less sure; after its end: as sure
                    conf = base if factor >= 0.4 else base * (0.5 + 0.5 * factor)
                    known = single[cands[0]] = (e.type, round(conf, 3))
                out.append(Mention(start, end, text[start:end], cands[0][0], known[0], known[1]))
                continue
            scored = []
            for eid, base in cands:
                e = entries[eid]
                related = self._related.get(eid, frozenset())
                together = len(related & context) + (2 if eid in context else 0)  # named in full already
                scored.append((base * _date_factor(e, year) * (1.0 + together), eid))
            scored.sort(key=lambda t: (-t[0], t[1]))
            total = sum(s for s, _ in scored) or 1.0
            best_score, best = scored[0]
            share = best_score / total
            base = dict(cands)[best]
            conf = base * share
            alts = tuple(eid for _, eid in scored[1:])
            out.append(Mention(start, end, text[start:end], best, entries[best].type, round(conf, 3), alts))
        return out


_TITLE_WORDS = frozenset(
    """mr mrs ms miss messrs dr prof professor m mme mlle herr frau citizen comrade comrades brother sister father
    fr rev st saint lord lady sir dame hon alderman councillor mayor premier minister secretary chancellor king queen
    emperor czar tsar kaiser prince count baron senator governor president general colonel captain major judge
    """.split()
)
_GIVEN_RUN = re.compile(r"(?:(?:[A-Z][a-z]+|[A-Z]\.?) ){1,3}$")


def _given_before(text: str, start: int, floor: int, not_given: frozenset[str]) -> tuple[int, str] | None:
    """``(offset, first given name)`` of the capitalised words or initials just before ``start``
    (title words such as "Mr" or "Comrade" skipped; a function word or a word of the glossary's
    names that is no one's first name ends the run); None when there are none, or when the first of
    them begins a sentence (then it may be "When" or "But" rather than a name)."""
    m = _GIVEN_RUN.search(text, max(floor, start - 48), start)  # the text itself: a line break ends the run
    if not m:
        return None
    tokens = []
    pos = m.start()
    for tok in m.group().split():
        tokens.append((pos, tok))
        pos += len(tok) + 1
    cut = [
        i
        for i, (_, tok) in enumerate(tokens)
        if tok.rstrip(".").lower() in _FUNCTION_WORDS or fold(tok).rstrip(".") in not_given
    ]
    if cut:
        tokens = tokens[cut[-1] + 1 :]
        if not tokens:
            return None
    titled = [i for i, (_, tok) in enumerate(tokens) if tok.rstrip(".").lower() in _TITLE_WORDS]
    if titled:
        tokens = tokens[titled[-1] + 1 :]
    elif not cut:  # (a run cut after a word that is no name does not start a sentence)
        i = m.start() - 1
        while i >= 0 and text[i] in " \t\"'“‘(":
            i -= 1
        if i < 0 or text[i] in ".!?:\n" and len(tokens[0][1].rstrip(".")) > 1:
            return None
    if not tokens:
        return None
    return tokens[0][0], fold(tokens[0][1]).rstrip(".")


def _same_first(first: str, known: frozenset[str]) -> bool:
    """Whether a given name or initial agrees with one of an entry's first names or initials."""
    for k in known:
        if len(first) == 1 or len(k) == 1:
            if first[0] == k[0]:
                return True
        elif first == k:
            return True
    return False


def _date_factor(e: Entry, year: int | None) -> float:
    """How well a document of ``year`` fits an entry's years (1 = inside them)."""
    if year is None:
        return 1.0
    if e.date_from is not None and year < e.date_from:
        return 0.1  # named before it existed (or before the person could be written about)
    if e.date_to is not None and year > e.date_to:
        return 0.6 if e.type == "person" else 0.4  # the dead and the dissolved are still written about
    return 1.0


_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


_DATE_LABEL = re.compile(r"\b(?:written|published|part of|date|dated|delivered|source)\b", re.IGNORECASE)


def document_year(doc: Document) -> int | None:
    """The year a document was written or published: its source date, else a year in its date line,
    else the first year in a "Written" / "First Published" / "Part of" information line."""
    if doc.source.year is not None:
        return doc.source.year
    if doc.date_line and (m := _YEAR.search(doc.date_line)):
        return int(m.group(1))
    for label, value in doc.info:
        if _DATE_LABEL.search(label) and (m := _YEAR.search(value)):
            return int(m.group(1))
    return None


def link_document(doc: Document, matcher: Matcher) -> list[Mention]:
    """The mentions of glossary entries in ``doc``, with offsets into ``text_view(doc).text``."""
    return matcher.find(text_view(doc).text, year=document_year(doc))
