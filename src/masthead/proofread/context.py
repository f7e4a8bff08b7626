"""Context passes: real-word errors (a valid word that is wrong where it stands) and case errors.

**Real words.** Each word with known confusions (:data:`~masthead.proofread.confusions.WORD_SETS`,
and the real words one OCR confusion away: ``bis`` for ``his``, ``modem`` for ``modern``) is scored
against them in context: ``log P(word | previous) + log P(next | word)`` from symspell's bigram counts
mixed with the archive's own (:meth:`~masthead.proofread.lexicon.Lexicon.cond_logp`), plus the
confusion's channel weight. A candidate is reported only when it wins by a wide margin
(:data:`REAL_WORD_MARGIN` nats): errors are rare, so the written word gets the benefit of the doubt.
Two common words (``of``/``or``) are never swapped when the written one is attested with both
neighbours: adjacent words cannot tell ``pride or honour`` from ``pride of honour``.

**Case.** A capitalised word in running text is a case error when the archive writes it in lower case
almost always (it has seen it often enough to say), or, for a word the archive knows too little
about, when it is a function word or has an adjective/adverb/participle ending that names rarely have
(``Unexpected``, ``Unidentifiable``), with lower-case words on both sides. Words that start a
sentence, follow a colon or an opening quote, stand in a title or heading, or are set in capitals are
left alone. The lower-case sentence start after a full stop is decided together with the stray full
stop (see :mod:`masthead.proofread.punct`).
"""

from __future__ import annotations

import math

from masthead.model import Document
from masthead.proofread.confusions import ocr_candidates, word_confusions
from masthead.proofread.findings import Finding
from masthead.proofread.lexicon import Lexicon
from masthead.proofread.passes import (
    emphasis_ranges,
    foreign_pieces,
    in_ranges,
    make_finding,
    match_case,
    piece_kinds,
    register,
    tokens_for,
)
from masthead.proofread.tokens import WORD
from masthead.textview import TextView

REAL_WORD_MARGIN = 8.0
"""How many nats better (log-probability) a confusion must fit its context to be reported."""

_NO_CASE_KINDS = frozenset({"title", "subtitle", "heading", "preformatted"})
FUNCTION_WORDS = frozenset(
    """a an the and or but nor of to in on at by for from with into onto upon over under about after
    before between through during without within against among is are was were be been being am has have
    had do does did will would shall should may might can could must this that these those it its they
    them their he him his she her we us our you your i me my which who whom whose what when where why how
    than then so as if not no yet also very all any some each every both either neither such there here""".split()
)
_NAMELESS_ENDINGS = ("able", "ible", "ous", "ive", "ful", "less", "ness", "ed", "ical", "ally")
_NOT_FOR_CASE = frozenset({"may", "will", "can", "march", "us", "i"})
"""Function words that are also names, months or abbreviations when capitalised."""


def _score(lex: Lexicon, prev: str | None, w: str, nxt: str | None) -> float:
    s = lex.cond_logp(prev, w) if prev else lex.unigram_logp(w)
    if nxt:
        s += lex.cond_logp(w, nxt)
    return s


def _real_word_candidates(lex: Lexicon, w: str) -> list[tuple[str, float]]:
    out: dict[str, float] = {c: math.log(0.5) for c in word_confusions().get(w, ())}
    if lex.zipf(w) < 5.0:  # a common word is seldom an OCR slip for another
        for c, weight in ocr_candidates(w):
            if c not in out and lex.is_word(c) and lex.zipf(c) - lex.zipf(w) >= 1.0 and len(c) > 1:
                out[c] = math.log(weight) - 0.5
    return list(out.items())


def _rank(
    lexicon: Lexicon, prev: str | None, w: str, nxt: str | None, cands: list[tuple[str, float]]
) -> list[tuple[float, str]]:
    """Each candidate's advantage over ``w`` between ``prev`` and ``nxt`` (nats), best first."""
    base = _score(lexicon, prev, w, nxt)
    zw = lexicon.zipf(w)
    # is the written word attested with both neighbours? (a pair with an uncommon word is below the
    # bigram list's cut-off: its absence says nothing)
    attested = (prev is None or _plausible(lexicon, prev, w)) and (nxt is None or _plausible(lexicon, w, nxt))
    scored = []
    for c, lw in cands:
        # two very common words (of/or, he/be) where the written one fits: bigrams cannot tell them apart
        if attested and min(zw, lexicon.zipf(c)) > 5.0:
            continue
        scored.append((_score(lexicon, prev, c, nxt) + lw - base, c))
    scored.sort(reverse=True)
    return scored


@register("real-word", "real-word")
def real_word_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """Valid words that are wrong where they stand (``form`` for ``from``, ``bis`` for ``his``)."""
    toks = tokens_for(view)
    kinds = piece_kinds(view)
    foreign = foreign_pieces(view, lexicon)
    out: list[Finding] = []
    texts, types, lowers = toks.texts, toks.types, toks.lowers
    cand_memo: dict[str, list[tuple[str, float]]] = lexicon.cache.setdefault("real-word", {})
    triples: dict = lexicon.cache.setdefault("real-word-context", {})
    for i, ty in enumerate(types):
        if ty != WORD:
            continue
        w = lowers[i]
        if not lexicon.is_word(w):
            continue
        raw = texts[i]
        if len(raw) > 1 and raw.isupper() or raw[0].isupper() and not toks.initial[i]:
            continue
        if kinds[toks.piece[i]] in _NO_CASE_KINDS or toks.piece[i] in foreign:
            continue
        if i > 0 and texts[i - 1] in "-‐" and toks.ends[i - 1] == toks.starts[i]:
            continue  # "an I.L.P.-er": a suffix, not a word
        cands = cand_memo.get(w)
        if cands is None:
            cands = cand_memo[w] = _real_word_candidates(lexicon, w)
        if not cands:
            continue
        prev, nxt = toks.prev_word(i), toks.next_word(i)
        if prev is None and nxt is None:
            continue
        triple = (prev, w, nxt)
        scored = triples.get(triple)
        if scored is None:
            if len(triples) > 300_000:
                triples.clear()
            scored = triples[triple] = _rank(lexicon, prev, w, nxt, cands)
        if not scored:
            continue
        best = scored[0]
        margin = REAL_WORD_MARGIN + (1.5 if toks.quoted[i] else 0.0) + (1.0 if prev is None or nxt is None else 0.0)
        if best[0] < margin:
            continue
        sugg = [match_case(c, raw) for s, c in scored[:3] if s > 0]
        conf = 1.0 / (1.0 + math.exp(-(best[0] - margin - 1.0) / 1.5))
        conf = 0.5 + 0.45 * conf
        out.append(
            make_finding(
                view,
                toks.starts[i],
                toks.ends[i],
                "real-word",
                f"'{raw}' does not fit here; did you mean '{sugg[0]}'?",
                suggestions=sugg,
                confidence=conf,
                rule="confusion-set",
            )
        )
    return out


def _lower_counts(toks, wanted: dict[str, int]) -> dict[str, int]:  # noqa: ANN001 - Tokens
    """How often each word of ``wanted`` is written in lower case in this document."""
    out: dict[str, int] = {}
    for i, ty in enumerate(toks.types):
        if ty == WORD and toks.lowers[i] in wanted and toks.texts[i].islower():
            out[toks.lowers[i]] = out.get(toks.lowers[i], 0) + 1
    return out


_LINKS = frozenset({",", "and", "or", "of", "&", "nor", "the"})


def _in_capital_list(toks, i: int) -> bool:  # noqa: ANN001 - Tokens
    """True when token ``i`` is linked to another capitalised word by ``and``, ``or``, ``of`` or
    commas (``Rent, Interest and Profit``, ``Czar of All the Russias``): period capitalisation."""
    p = toks.piece[i]
    for step in (-1, 1):
        k = i + step
        links = 0
        while 0 <= k < len(toks.types) and toks.piece[k] == p and toks.lowers[k] in _LINKS and links < 2:
            k += step
            links += 1
        if links and 0 <= k < len(toks.types) and toks.piece[k] == p and toks.types[k] == WORD:
            t = toks.texts[k]
            if t[:1].isupper() and not toks.initial[k]:
                return True
    return False


def _title_like(text: str, start: int) -> bool:
    """True for a line where most words of four letters or more are capitalised (a title, a
    bibliography entry)."""
    end = text.find("\n", start)
    words = [w for w in text[start : end if end >= 0 else len(text)].split() if len(w) > 3 and w[:1].isalpha()]
    if not words:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps * 2 >= len(words) and len(words) < 40


def _plausible(lex: Lexicon, a: str, b: str) -> bool:
    """True when the pair ``a b`` is attested (symspell's list, or twice in the archive), or too
    rare to be in the list at all (one of the words is uncommon)."""
    return lex.bigram(a, b) > 0 or lex.archive_bigram(a, b) > 1 or min(lex.zipf(a), lex.zipf(b)) < 5.0


def _after_opener(toks, i: int) -> bool:  # noqa: ANN001 - Tokens
    """True when token ``i`` follows a colon, an opening quote or bracket, or a dash."""
    j = i - 1
    if j < 0 or toks.piece[j] != toks.piece[i]:
        return True
    return toks.types[j] != WORD and toks.texts[j] in ":;“‘\"'([{–—-*/|…«"


@register("case", "case")
def case_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A capitalised common word in mid-sentence (``a grave, Unexpected defeat``)."""
    toks = tokens_for(view)
    kinds = piece_kinds(view)
    out: list[Finding] = []
    texts, types, lowers = toks.texts, toks.types, toks.lowers
    n = len(types)
    text = view.text
    titles: dict[int, bool] = {}
    emphasis = emphasis_ranges(view, doc)
    cands: list[tuple[int, int]] = []
    for i, ty in enumerate(types):
        if ty != WORD or toks.initial[i]:
            continue
        raw = texts[i]
        if not raw[0].isupper() or len(raw) < 2 or not raw[1:].islower() or not raw.isalpha():
            continue
        if kinds[toks.piece[i]] in _NO_CASE_KINDS or toks.quoted[i] or _after_opener(toks, i):
            continue
        j = i - 1 if texts[i - 1] != "," else i - 2  # "vague, nameless, Unidentifiable terror"
        if j < 0 or types[j] != WORD or not texts[j].islower() or toks.piece[j] != toks.piece[i]:
            continue  # runs of capitals are names and titles ("Social Democrats")
        if i + 1 < n and toks.piece[i + 1] == toks.piece[i]:
            nt = texts[i + 1]
            if types[i + 1] == WORD and not nt.islower():
                continue
            if nt in ".-‐" and toks.starts[i + 1] == toks.ends[i]:  # "Vol. 12", "Left-Wing Communism"
                continue
            if nt in "'’" and i + 2 < n and texts[i + 2][:1].isupper():  # "Workers' Republic"
                continue
            if types[i + 1] == 1 or nt.isupper() and len(nt) > 1:  # "Part 2", "Chapter VII": a reference
                continue
        if lowers[i] == "i" or not lexicon.is_word(lowers[i]) or _in_capital_list(toks, i):
            continue
        if emphasis and in_ranges(emphasis, toks.starts[i], toks.ends[i]):
            continue  # a title in italics: "his Historical description of Commerce"
        line_start = text.rfind("\n", 0, toks.starts[i]) + 1
        if line_start not in titles:
            titles[line_start] = _title_like(text, line_start)
        if not titles[line_start]:
            cands.append((i, j))
    counts: dict[str, int] = {}
    for i, _ in cands:
        counts[lowers[i]] = counts.get(lowers[i], 0) + 1
    lower_here = _lower_counts(toks, counts) if cands else {}
    for i, j in cands:
        w, raw = lowers[i], texts[i]
        if counts[w] > 1:
            continue  # capitalised the same way more than once in this document: meant
        ratio, seen = lexicon.capital_ratio(w)
        here = lower_here.get(w, 0)
        if lowers[j] == "the" and w not in FUNCTION_WORDS:
            continue  # "the Master", "the Express": a name, a title or a personification
        if here >= 2 and not (seen >= 5 and ratio > 0.1):
            # this document writes the word in lower case elsewhere, and capitalises it only here
            conf = 0.6 + 0.05 * min(here, 6)
        elif w in FUNCTION_WORDS and w not in _NOT_FOR_CASE:
            if j != i - 1 or seen >= 5 and ratio > 0.05:
                continue  # "to inquire, Why all this...": a question or quotation starting after a comma
            conf = 0.85
        elif lowers[j] == "the":
            continue  # "the Master", "the Express": a name, a title or a personification
        elif seen >= 5:
            if ratio > 0.02:
                continue
            conf = 0.65 + 0.3 * min(1.0, seen / 60.0)
        else:
            if seen and ratio > 0.0:
                continue
            if w.endswith(_NAMELESS_ENDINGS) and len(w) > 6 and lexicon.zipf(w) >= 2.0:
                conf = 0.6
            else:
                continue
        out.append(
            make_finding(
                view,
                toks.starts[i],
                toks.ends[i],
                "case",
                f"'{raw}' is capitalised in mid-sentence",
                suggestions=[w],
                confidence=conf,
                rule="mid-sentence-capital",
            )
        )
    return out
