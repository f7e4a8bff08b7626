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
almost always (it has seen it often enough to say: then even after ``the``), when the archive has met
it a few times and never capitalised and it is a common word (Zipf 3.5 or more), or, for a word the
archive knows nothing of, when it is a function word or has an adjective/adverb/participle ending that
names rarely have (``Unexpected``, ``Unidentifiable``), with lower-case words on both sides. Words that
start a sentence, follow a colon or an opening quote, stand in a title or heading, or are set in
capitals are left alone. The lower-case sentence start after a full stop is decided together with the
stray full stop (see :mod:`masthead.proofread.punct`).
"""

from __future__ import annotations

import math

from masthead.model import Document
from masthead.proofread.confusions import word_confusions
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

CASE_EVIDENCE = 5
"""Occurrences in running text from which the archive's capitalisation ratio is trusted."""
CASE_FEW_ZIPF = 3.5
"""A word the archive has met only a few times, never capitalised, is a case error when capitalised
in mid-sentence if it is at least this common (Zipf): a common word, not a name."""
COMMON_PAIR_EXTRA = 2.5
"""Extra nats a very common confusion (of/or, he/be) must win by when the written word is attested
with its neighbours (one of the two pairs in a bigram list)."""
COMMON_PAIR_EXTRA_UNLISTED = 5.0
"""The same when neither pair is listed (the words beside it are too rare for the list to say)."""
RARE_GAP = 3.0
"""A confusion this many Zipf points rarer than the written word is not considered."""
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


_NO_CANDIDATES: tuple = ((), False)


def _real_word_candidates(lex: Lexicon, w: str) -> tuple[tuple[tuple[str, float], ...], bool]:
    """The words ``w`` may stand for (with a channel log weight), and whether one of them is, like
    ``w``, very common (a pair that adjacent words cannot tell apart when ``w`` fits)."""
    out: dict[str, float] = {c: _LOG_HALF for c in word_confusions().get(w, ())}
    zw = lex.zipf(w)
    if zw < 5.0:  # a common word is seldom an OCR slip for another
        for c, weight in lex.ocr_neighbours(w, zw + 1.0).items():
            if c not in out and len(c) > 1 and lex.zipf(c) - zw >= 1.0:
                out[c] = math.log(weight) - 0.5
    # a word a thousand times rarer than the one written ("tho", "tile" for "the") never wins on
    # context alone: leave it out, so that the commonest words cost nothing
    out = {c: lw for c, lw in out.items() if lex.zipf(c) >= zw - RARE_GAP}
    if not out:
        return _NO_CANDIDATES
    common = zw > 5.0 and any(lex.zipf(c) > 5.0 for c in out)
    return tuple(out.items()), common


_LOG_HALF = math.log(0.5)


def _rank(
    lexicon: Lexicon,
    prev: str | None,
    w: str,
    nxt: str | None,
    cands: tuple[tuple[str, float], ...],
    common: bool,
) -> list[tuple[float, str]]:
    """Each candidate's advantage over ``w`` between ``prev`` and ``nxt`` (nats), best first.

    (No bound prunes the scoring: symspell's bigram counts come from a larger corpus than its
    unigram counts, so a "conditional probability" may exceed 1 and no score has a ceiling.)"""
    cond = lexicon.cond_logp
    if prev:
        base = cond(prev, w) + cond(w, nxt) if nxt else cond(prev, w)
    else:
        base = lexicon.unigram_logp(w) + cond(w, nxt)
    penalty: dict[str, float] = {}
    if common and (prev is None or _plausible(lexicon, prev, w)) and (nxt is None or _plausible(lexicon, w, nxt)):
        # two very common words (of/or, he/be) where the written one is attested with both neighbours
        # (or the pair is too rare for the bigram list to say): adjacent words seldom tell them apart,
        # so a common candidate must win by more; by more still when neither pair is in a list
        attested = (prev is not None and _listed(lexicon, prev, w)) or (nxt is not None and _listed(lexicon, w, nxt))
        extra = COMMON_PAIR_EXTRA if attested else COMMON_PAIR_EXTRA_UNLISTED
        zipf = lexicon.zipf
        penalty = {c: extra for c, _ in cands if zipf(c) > 5.0}
    if prev:
        if nxt:
            scored = [(cond(prev, c) + cond(c, nxt) + lw - base, c) for c, lw in cands]
        else:
            scored = [(cond(prev, c) + lw - base, c) for c, lw in cands]
    else:
        ulp = lexicon.unigram_logp
        scored = [(ulp(c) + cond(c, nxt) + lw - base, c) for c, lw in cands]
    if penalty:
        scored = [(a - penalty.get(c, 0.0), c) for a, c in scored]
    scored.sort(reverse=True)
    return scored


@register("real-word", "real-word")
def real_word_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """Valid words that are wrong where they stand (``form`` for ``from``, ``bis`` for ``his``)."""
    toks = tokens_for(view)
    kinds = piece_kinds(view)
    foreign = foreign_pieces(view, lexicon)
    out: list[Finding] = []
    texts, types, lowers, piece = toks.texts, toks.types, toks.lowers, toks.piece
    initial, starts, ends = toks.initial, toks.starts, toks.ends
    cand_memo: dict[str, tuple] = lexicon.cache.setdefault("real-word", {})
    triples: dict = lexicon.cache.setdefault("real-word-context", {})
    real = lexicon.real_words
    n = len(types)
    for i, w in enumerate(lowers):
        # the candidate memo first: most words have no confusion, and are seen before
        got = cand_memo.get(w)
        if got is None:
            if types[i] != WORD or w not in real:
                continue
            got = cand_memo[w] = _real_word_candidates(lexicon, w)
        cands, common = got
        if not cands or types[i] != WORD:
            continue
        raw = texts[i]
        if len(raw) > 1 and raw.isupper() or raw[0].isupper() and not initial[i]:
            continue
        p = piece[i]
        if kinds[p] in _NO_CASE_KINDS or p in foreign:
            continue
        if i > 0 and ends[i - 1] == starts[i] and texts[i - 1] in "-‐":
            continue  # "an I.L.P.-er": a suffix, not a word
        prev = lowers[i - 1] if i > 0 and types[i - 1] == WORD and piece[i - 1] == p else None
        nxt = lowers[i + 1] if i + 1 < n and types[i + 1] == WORD and piece[i + 1] == p else None
        if prev is None and nxt is None:
            continue
        triple = (prev, w, nxt)
        scored = triples.get(triple)
        if scored is None:
            if len(triples) > 300_000:
                triples.clear()
            scored = triples[triple] = _rank(lexicon, prev, w, nxt, cands, common)
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
                starts[i],
                ends[i],
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
    return min(lex.zipf(a), lex.zipf(b)) < 5.0 or lex.bigram(a, b) > 0 or lex.archive_bigram(a, b) > 1


def _function_word_after_name(toks, i: int, j: int) -> bool:  # noqa: ANN001 - Tokens
    """True for a capitalised function word right after a capitalised word and before a lower-case one
    (``the Lord Mayor of Dublin For a contest``): a name ends there, a title would go on in capitals."""
    k = i + 1
    return (
        j == i - 1
        and toks.lowers[i] in FUNCTION_WORDS
        and toks.lowers[i] not in _NOT_FOR_CASE
        and k < len(toks.types)
        and toks.types[k] == WORD
        and toks.piece[k] == toks.piece[i]
        and toks.texts[k].islower()
    )


def _listed(lex: Lexicon, a: str, b: str) -> bool:
    """True when the pair ``a b`` is in symspell's bigram list or twice in the archive."""
    return lex.bigram(a, b) > 0 or lex.archive_bigram(a, b) > 1


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
        if j < 0 or types[j] != WORD or toks.piece[j] != toks.piece[i]:
            continue
        if not texts[j].islower() and not _function_word_after_name(toks, i, j):
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
        if lowers[j] == "the" and w not in FUNCTION_WORDS and not (seen >= CASE_EVIDENCE and ratio <= 0.02):
            continue  # "the Master", "the Express": a name, a title or a personification
        if here >= 2 and not (seen >= 5 and ratio > 0.1):
            # this document writes the word in lower case elsewhere, and capitalises it only here
            conf = 0.6 + 0.05 * min(here, 6)
        elif w in FUNCTION_WORDS and w not in _NOT_FOR_CASE:
            if j != i - 1 or seen >= 5 and ratio > 0.05:
                continue  # "to inquire, Why all this...": a question or quotation starting after a comma
            conf = 0.85
        elif seen >= CASE_EVIDENCE:
            if ratio > 0.02:
                continue
            conf = 0.65 + 0.3 * min(1.0, seen / 60.0)
        else:
            if seen and ratio > 0.0:
                continue
            z = lexicon.zipf(w)
            if w.endswith(_NAMELESS_ENDINGS) and len(w) > 6 and z >= 2.0:
                conf = 0.6
            elif seen and z >= CASE_FEW_ZIPF and lexicon.archive_record(w)[3] == 0:
                conf = 0.55  # the archive has met it a few times, never capitalised
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
