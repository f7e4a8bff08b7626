"""Non-word passes: OCR and typing confusions that leave a string no English word list holds
(``wbich``, ``tbe``, ``bave``, ``1ike``), words split in two (``T he``, ``govern ment``), words run
together (``ofthe``), and line-end hyphenation left in the text (``govern- ment``).

A string is a non-word when it is missing from the real-word list (symspell's 82k words). Absence
alone is not enough to flag it (names, foreign words and period vocabulary are absent too): the pass
flags a non-word only when

- it is not something the archive uses across documents, not set in capitals, and not a capitalised
  word in running text (a name);
- one OCR confusion or one typing edit turns it into a real word that is much more frequent (by a
  Zipf margin), and the words on either side do not argue against it.

Confidence grows with the frequency margin and the context support.
"""

from __future__ import annotations

import math

from masthead.model import Document
from masthead.proofread.confusions import edits1, ocr_candidates
from masthead.proofread.context import FUNCTION_WORDS
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
from masthead.proofread.tokens import WORD, Tokens
from masthead.textview import TextView

_SKIP_KINDS = frozenset({"preformatted"})
_ROMAN = frozenset("ivxlcdm")
_PREFIXES = (
    "un",
    "re",
    "be",
    "out",
    "over",
    "under",
    "in",
    "dis",
    "mis",
    "non",
    "pre",
    "counter",
    "anti",
    "sub",
    "super",
)
_SUFFIXES = ("s", "es", "ed", "ing", "er", "ers", "ly", "ness", "ment", "ings", "ism", "ist", "ery", "y", "ian")


def derived(lex: Lexicon, w: str) -> bool:
    """True when ``w`` is a real word with a common prefix or suffix (``unlet``, ``stealings``,
    ``reverencing``): a rare derivation, not a misspelling."""
    for p in _PREFIXES:
        if w.startswith(p) and len(w) - len(p) >= 3 and lex.is_word(w[len(p) :]):
            return True
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            stem = w[: -len(suf)]
            if (
                lex.is_word(stem)
                or lex.is_word(stem + "e")
                or len(stem) > 3
                and stem[-1] == stem[-2]
                and lex.is_word(stem[:-1])
            ):
                return True
            if stem.endswith("i") and lex.is_word(stem[:-1] + "y"):
                return True
    return False


def _context_score(lex: Lexicon, prev: str | None, word: str, nxt: str | None) -> float:
    s = lex.cond_logp(prev, word) if prev else lex.unigram_logp(word)
    if nxt:
        s += lex.cond_logp(word, nxt)
    return s


def _candidates(lex: Lexicon, w: str, *, typing: bool) -> list[tuple[str, float, str]]:
    """Real words ``w`` may have been: ``(word, channel log weight, how)``."""
    out: dict[str, tuple[float, str]] = {}
    for cand, weight in ocr_candidates(w):
        if lex.is_word(cand) and (len(cand) > 1 or cand in ("a", "i")):
            out[cand] = (math.log(weight), "ocr")
    if typing and len(w) >= 4 and w.isalpha():
        for cand in edits1(w):
            if cand not in out and lex.is_word(cand) and len(cand) > 2:
                out[cand] = (math.log(0.2), "edit")
    return [(c, lw, how) for c, (lw, how) in out.items()]


def _known(lex: Lexicon, w: str) -> bool:
    return lex.is_word(w) or lex.archive_known(w)


def _best_fix(lex: Lexicon, toks: Tokens, i: int, w: str, *, quoted: bool) -> tuple[list[str], float] | None:
    """Ranked suggestions and a confidence for the non-word ``w`` at token ``i``, or None."""
    zw = lex.zipf(w)
    cands = _candidates(lex, w, typing=not quoted and not derived(lex, w))
    if not cands:
        return None
    prev, nxt = toks.prev_word(i), toks.next_word(i)
    base = _context_score(lex, prev, w, nxt) if zw > 0 else None
    scored = []
    for c, lw, how in cands:
        zc = lex.zipf(c)
        margin = 2.0 if how == "ocr" else 2.8
        if zc < (2.5 if how == "ocr" and zw == 0 else 3.0) or zc - zw < margin:
            continue
        if how == "edit" and zw >= 2.5:
            continue
        s = _context_score(lex, prev, c, nxt) + lw
        scored.append((s, zc, c))
    if not scored:
        return None
    scored.sort(reverse=True)
    best_s, best_z, _ = scored[0]
    if base is not None and best_s - base < 1.0:
        return None
    # the margin of the best candidate over the word and over its nearest rival
    rival = scored[1][0] if len(scored) > 1 else best_s - 6.0
    sep = best_s - rival
    conf = 0.55 + 0.04 * min(5.0, best_z - zw) + 0.03 * min(5.0, sep)
    if zw == 0:
        conf += 0.05
    return [c for _, _, c in scored[:3]], conf


@register("non-word", "non-word")
def nonword_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """Misspelt and mis-read words that are not words (``wbich`` -> ``which``)."""
    toks = tokens_for(view)
    kinds = piece_kinds(view)
    foreign = foreign_pieces(view, lexicon)
    emphasis = emphasis_ranges(view, doc)
    out: list[Finding] = []
    texts, types, lowers = toks.texts, toks.types, toks.lowers
    memo: dict[tuple[str, bool, str | None, str | None], tuple[list[str], float] | None] = {}
    real = lexicon.real_words
    for i, w in enumerate(lowers):
        if len(w) < 3 or w in real or types[i] != WORD:
            continue
        raw = texts[i]
        has_digit = not w.isalpha()
        if not has_digit:
            if raw.isupper() or (raw[0].isupper() and not toks.initial[i]) or not raw[1:].islower():
                continue  # capitals for emphasis, names, mixed case (McGregor)
            if kinds[toks.piece[i]] in _SKIP_KINDS or set(w) <= _ROMAN:
                continue
        if toks.piece[i] in foreign:
            continue
        elif sum(ch.isdigit() for ch in w) > 1:
            continue  # "1848th", "2nd" and other number-words
        # a hyphenated word broken at a line end is the hyphenation pass's business
        if i + 2 < len(types) and toks.starts[i + 1] == toks.ends[i] and texts[i + 1] in "-‐":
            if lexicon.is_word(w + lowers[i + 2]):
                continue
        if i > 1 and toks.ends[i - 1] == toks.starts[i] and texts[i - 1] in "-‐":
            if lexicon.is_word(lowers[i - 2] + w):
                continue
        if i > 0 and toks.ends[i - 1] == toks.starts[i] and texts[i - 1] in "'’":
            continue
        if i > 1 and texts[i - 1] in "-‐¬" and toks.ends[i - 2] == toks.starts[i - 1]:
            if lexicon.is_word(lowers[i - 2] + w):
                continue  # "hea- rers": the hyphenation pass reports the whole
        if i > 1 and toks.ends[i - 1] == toks.starts[i] and texts[i - 1] in "-‐" and len(lowers[i - 2]) <= 2:
            continue  # "cr-r-rush the br-r-rutal Saxon": a stammer or dialect spelt out
        if lexicon.archive_known(w, min_docs=3) or lexicon.archive_known(w) and lexicon.zipf(w) >= 1.0:
            continue  # the archive uses it across documents
        quoted = toks.quoted[i] or bool(emphasis) and in_ranges(emphasis, toks.starts[i], toks.ends[i])
        key = (w, quoted, toks.prev_word(i), toks.next_word(i))
        if key not in memo:
            memo[key] = _best_fix(lexicon, toks, i, w, quoted=quoted)
        fix = memo[key]
        if fix is None:
            continue
        if raw[0].isupper() and not has_digit and lexicon.zipf(fix[0][0]) < 4.5:
            continue  # a capitalised word at a sentence or line start may be a name: only common words
        sugg, conf = fix
        sugg = [match_case(s, raw) for s in sugg]
        out.append(
            make_finding(
                view,
                toks.starts[i],
                toks.ends[i],
                "non-word",
                f"'{raw}' is not a word; did you mean '{sugg[0]}'?",
                suggestions=sugg,
                confidence=conf,
                rule="ocr-confusion",
            )
        )
    return out


@register("split-word", "non-word")
def split_word_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A word broken by a stray space (``T he``, ``govern ment``) and words run together
    (``ofthe``)."""
    toks = tokens_for(view)
    foreign = foreign_pieces(view, lexicon)
    out: list[Finding] = []
    texts, types, lowers, starts, ends, piece = toks.texts, toks.types, toks.lowers, toks.starts, toks.ends, toks.piece
    real = lexicon.real_words
    n = len(types)
    for i in range(n - 1):
        if starts[i + 1] - ends[i] != 1 or types[i] != WORD or types[i + 1] != WORD:
            continue
        a, b = lowers[i], lowers[i + 1]
        if a + b not in real or piece[i] != piece[i + 1]:
            continue  # most pairs: the two words together are no word
        if piece[i] in foreign or i > 0 and texts[i - 1] in ".-'’" and ends[i - 1] == starts[i]:
            continue  # a foreign block, or "M.P.s and"
        if not a.isalpha() or not b.isalpha():
            continue
        if not texts[i + 1].islower() or texts[i].isupper() and len(a) > 1:
            continue
        joined = a + b
        if lexicon.zipf(joined) < 2.5:
            continue
        a_ok = len(a) > 1 and _known(lexicon, a) or a in ("a", "i")
        b_ok = len(b) > 1 and _known(lexicon, b) or b in ("a", "i")
        if a_ok and b_ok or lexicon.zipf(joined) < 3.5 and (a_ok or len(a) < 3) and (b_ok or len(b) < 3):
            continue  # a rarer joined word needs both pieces to be fragments ("besie ge")
        if not a_ok and texts[i][0].isupper() and not toks.initial[i] and len(a) > 1:
            continue  # a name followed by something
        text = match_case(joined, texts[i])
        conf = 0.7 + 0.05 * min(4.0, lexicon.zipf(joined) - 3.5)
        out.append(
            make_finding(
                view,
                starts[i],
                ends[i + 1],
                "non-word",
                f"'{view.text[starts[i] : ends[i + 1]]}' looks like one word split in two: '{text}'",
                suggestions=[text],
                confidence=conf,
                rule="split-word",
            )
        )
    memo: dict[str, tuple[int, str, str] | None] = {}
    for i in range(n):
        w = lowers[i]
        if len(w) < 5 or w in real or types[i] != WORD or piece[i] in foreign:
            continue
        if not w.isalpha() or lexicon.archive_known(w) or lexicon.zipf(w) >= 3.5:
            continue
        raw = texts[i]
        if not raw.islower():  # capitalised: a name far more often than two words run together
            continue
        if i + 1 < n and starts[i + 1] == ends[i] and texts[i + 1] in "-‐'’":
            continue
        if i > 0 and ends[i - 1] == starts[i] and texts[i - 1] in "-‐'’":
            continue
        if w not in memo:
            memo[w] = None if derived(lexicon, w) else _split_joined(lexicon, w)
        best = memo[w]
        if best is None:
            continue
        text = match_case(f"{best[1]} {best[2]}", raw)
        out.append(
            make_finding(
                view,
                starts[i],
                ends[i],
                "non-word",
                f"'{raw}' looks like two words run together: '{text}'",
                suggestions=[text],
                confidence=0.75,
                rule="joined-words",
            )
        )
    return out


_COMPOUND_TAILS = frozenset("less men man like ship work wise ward wards ful hood some way ways side".split())


def _split_joined(lex: Lexicon, w: str) -> tuple[int, str, str] | None:
    """The best two-word split of ``w`` (a run-together pair), or None: both parts real words, and
    either one of them a function word or the pair a frequent bigram (compounds such as ``workless``
    are left alone)."""
    best = None
    for k in range(1, len(w)):
        x, y = w[:k], w[k:]
        if not (lex.is_word(x) and lex.is_word(y)) or min(len(x), len(y)) < 2 and x not in ("a", "i"):
            continue
        if y in _COMPOUND_TAILS or x in ("up", "out", "over", "under", "down", "off"):
            continue
        c = lex.bigram(x, y) + lex._floor * lex.archive_bigram(x, y)
        function = x in FUNCTION_WORDS or y in FUNCTION_WORDS
        both = x in FUNCTION_WORDS and y in FUNCTION_WORDS
        if c < 5 * lex._floor and not (function and not both and min(lex.zipf(x), lex.zipf(y)) >= 4.0):
            continue  # "the if" is no pair; "have pointed" is
        score = c + (lex._floor if function else 0)
        if best is None or score > best[0]:
            best = (score, x, y)
    return best


@register("hyphenation", "non-word")
def hyphenation_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A line-end hyphen left inside a word (``govern- ment``, ``govern-ment``)."""
    toks = tokens_for(view)
    out: list[Finding] = []
    texts, types, lowers, starts, ends = toks.texts, toks.types, toks.lowers, toks.starts, toks.ends
    n = len(types)
    for i in range(n - 2):
        if types[i] != WORD or texts[i + 1] not in "-‐¬" or types[i + 2] != WORD:
            continue
        if ends[i] != starts[i + 1] or toks.piece[i] != toks.piece[i + 2]:
            continue
        a, b = lowers[i], lowers[i + 2]
        if not a.isalpha() or not b.isalpha() or not texts[i + 2].islower():
            continue
        gap = view.text[ends[i + 1] : starts[i + 2]]
        joined = a + b
        if not lexicon.is_word(joined) or lexicon.zipf(joined) < 2.0:
            continue
        if gap:
            if gap.strip() or len(gap) > 2:
                continue
            if _known(lexicon, b) and lexicon.zipf(b) >= 4.0 and _known(lexicon, a):
                continue  # "anti- and pro-war": a real word after the gap
            conf = 0.85
        else:
            if _known(lexicon, b) or lexicon.zipf(joined) < 4.5:
                continue  # "co-operation", "make-up", "whole-heartedly": hyphenated compounds
            if lexicon.archive_known(f"{a}-{b}"):
                continue
            conf = 0.75
        text = match_case(joined, texts[i])
        out.append(
            make_finding(
                view,
                starts[i],
                ends[i + 2],
                "non-word",
                f"'{view.text[starts[i] : ends[i + 2]]}' looks like a line-end hyphenation left in: '{text}'",
                suggestions=[text],
                confidence=conf,
                rule="hyphenation",
            )
        )
    return out
