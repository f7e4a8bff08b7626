"""Punctuation passes: repeated words, doubled punctuation and punctuation before a dash, a stray comma
inside a noun phrase, a full stop in mid-sentence (and its twin, a sentence that starts in lower
case), and unbalanced quotes and brackets.

**Full stop then lower case.** ``different. aspects`` and ``situation. we would`` look alike: both
are a full stop after a word, then a lower-case word. The first is a stray full stop (the phrase runs
on: ``different aspects``), the second a sentence start that lost its capital. :func:`period_lower`
finds both and tells them apart by how well the two words join (bigram counts) against how often the
second word starts a sentence (archive counts, or a list of words that typically do). The
``stray-full-stop`` pass reports the first kind, ``lowercase-start`` (a case pass) the second.
Abbreviations (``etc.``, ``viz.``, ``p. 4``, ``i.e.``) and ellipses are left alone.
"""

from __future__ import annotations

from masthead.model import Document
from masthead.proofread.context import FUNCTION_WORDS
from masthead.proofread.findings import Finding
from masthead.proofread.lexicon import Lexicon
from masthead.proofread.passes import foreign_pieces, make_finding, piece_kinds, register, tokens_for
from masthead.proofread.tokens import PUNCT, WORD, Tokens
from masthead.textview import TextView

ABBREVIATIONS = frozenset(
    """etc viz cf ibid vol vols pp op cit loc seq esp approx ed eds trans tr nos no fig ch chap art sec sect
    para ff cp resp incl sc lit orig ms mss jun sen rev gen col sq ca fol ll vs al st mr mrs dr prof pres
    inst ult prox co bros ltd jr sr fr rt hon esq messrs mme mlle ps pt bk lib cap cent dept govt min max
    ib id eg ie nb pl sing fem masc comp pop cf ref repr ser wk yr yrs ft lb lbs oz hr hrs mo mos sup""".split()
)
_STARTERS = frozenset(
    """the a an we they he she it i this that these those there here but and yet so if when while as in on
    at for however thus then now what who why how our their his her its my one all no not nor to after
    before since although though such let you every each some many most both only even still indeed""".split()
)
_STRONG_STARTERS = frozenset("we they he she i you it this there however but".split())
_NEVER_LAST = frozenset(
    """the a an and or nor of to for with from by at into upon than that their our my your its is are was were
    be been has have had will would shall should can could must very""".split()
)
"""Words a sentence hardly ever ends on: a full stop after one is in mid-sentence."""
_NO_PUNCT_KINDS = frozenset({"preformatted"})
_DETERMINERS = frozenset("the a an this these those their our its his my your every each".split())
_CLAUSE = FUNCTION_WORDS | frozenset(
    "however therefore moreover indeed perhaps say said namely too also whether".split()
)


@register("repeated-word", "punctuation")
def repeated_word_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """The same word twice in a row (``the the``)."""
    toks = tokens_for(view)
    foreign = foreign_pieces(view, lexicon)
    out: list[Finding] = []
    texts, types, lowers, starts, ends = toks.texts, toks.types, toks.lowers, toks.starts, toks.ends
    for i in range(len(types) - 1):
        if types[i] != WORD or types[i + 1] != WORD or lowers[i] != lowers[i + 1]:
            continue
        if toks.piece[i] in foreign or i + 2 < len(types) and texts[i + 2] in "-‐" and ends[i + 1] == starts[i + 2]:
            continue  # "sauvons-nous nous-mêmes"
        if i > 0 and texts[i - 1] in "-‐" and ends[i - 1] == starts[i]:
            continue
        if toks.piece[i] != toks.piece[i + 1] or view.text[ends[i] : starts[i + 1]] != " ":
            continue
        w = lowers[i]
        if w in ("that", "had") or not w.isalpha():
            continue  # "declared that that body", "had had": often meant
        if w in ("is", "was", "very", "no", "so", "far", "bye", "ha", "do", "more", "long", "again", "many"):
            conf = 0.5  # "what it is is", "very very", "no, no": sometimes meant
        else:
            conf = 0.9 if w in FUNCTION_WORDS else 0.75
        out.append(
            make_finding(
                view,
                starts[i],
                ends[i + 1],
                "punctuation",
                f"'{texts[i]}' is repeated",
                suggestions=[texts[i]],
                confidence=conf,
                rule="repeated-word",
            )
        )
    return out


def _abbreviation_before(toks: Tokens, i: int) -> bool:
    """True when the full stop at token ``i`` may close an abbreviation or an initial."""
    j = i - 1
    if j < 0 or toks.types[j] != WORD or toks.piece[j] != toks.piece[i] or toks.ends[j] != toks.starts[i]:
        return True
    w = toks.lowers[j]
    if len(w) < 3 or w in ABBREVIATIONS or not toks.texts[j].islower() or not w.isalpha():
        return True
    return j > 0 and toks.texts[j - 1] == "." and toks.ends[j - 1] == toks.starts[j]


@register("doubled-punctuation", "punctuation")
def doubled_punctuation_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """Punctuation doubled (``,,``, ``;,``, ``.,``) or put before a dash (``masses. – those``)."""
    toks = tokens_for(view)
    kinds = piece_kinds(view)
    out: list[Finding] = []
    texts, types, starts, ends = toks.texts, toks.types, toks.starts, toks.ends
    n = len(types)
    for i in range(n - 1):
        a = texts[i]
        if types[i] != PUNCT or a not in ",;:." or toks.piece[i] != toks.piece[i + 1]:
            continue
        if kinds[toks.piece[i]] in _NO_PUNCT_KINDS:
            continue
        b = texts[i + 1]
        gap = view.text[ends[i] : starts[i + 1]]
        if b in ",;:." and not gap:
            if a == "." and b == ".":
                continue  # an ellipsis
            if a == "." and _abbreviation_before(toks, i):
                continue  # "etc.,", "viz.,", "S.J.,"
            if i + 2 < n and texts[i + 2] == "." and a == b:
                continue
            conf = 0.85 if a == b else 0.7
            msg = f"'{a}{b}': punctuation doubled"
            sugg = [b] if a == "." else [a]
        elif b in "–—" and gap == " " and a in ".,;" and i + 2 < n and types[i + 2] == WORD and texts[i + 2].islower():
            if a == "." and _abbreviation_before(toks, i):
                continue
            if a == ",":
                continue  # ", –" is a period style in many texts
            conf = 0.75
            msg = f"'{a}' before a dash"
            sugg = [b]
        else:
            continue
        out.append(
            make_finding(
                view, starts[i], ends[i + 1], "punctuation", msg, suggestions=sugg, confidence=conf, rule="doubled"
            )
        )
    return out


@register("stray-comma", "punctuation")
def stray_comma_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A comma inside a noun phrase (``the working, class``, ``the, party``)."""
    toks = tokens_for(view)
    out: list[Finding] = []
    texts, types, lowers, starts, ends = toks.texts, toks.types, toks.lowers, toks.starts, toks.ends
    n = len(types)
    for i in range(1, n - 1):
        if texts[i] != "," or types[i - 1] != WORD or types[i + 1] != WORD:
            continue
        if ends[i - 1] != starts[i] or toks.piece[i - 1] != toks.piece[i + 1] or not texts[i + 1].islower():
            continue
        w1, w2 = lowers[i - 1], lowers[i + 1]
        if w1 in ("the", "a", "an"):
            if "," in texts[i + 1 : i + 7]:
                continue  # "the, it seems to us, absolutely...": a parenthesis after the article
            conf = 0.85  # an article never ends a phrase
        else:
            if i < 2 or types[i - 2] != WORD or lowers[i - 2] not in _DETERMINERS:
                continue
            if w2 in _CLAUSE:
                continue
            if not texts[i - 2].islower() or not texts[i - 1].islower() or w1 in FUNCTION_WORDS:
                continue
            if i + 2 < n and texts[i + 2] == ",":
                continue  # "the others, say, ..."
            joined = lexicon.bigram(w1, w2) + lexicon._floor * lexicon.archive_bigram(w1, w2)
            if joined < 2 * lexicon._floor:
                continue
            conf = 0.7
        out.append(
            make_finding(
                view,
                starts[i - 1],
                ends[i],
                "punctuation",
                f"stray comma inside '{texts[i - 1]}, {texts[i + 1]}'",
                suggestions=[texts[i - 1]],
                confidence=conf,
                rule="stray-comma",
            )
        )
    return out


def period_lower(view: TextView, lexicon: Lexicon) -> list[tuple[int, str, float]]:
    """Full stops followed by a lower-case word: ``(token index of the stop, kind, confidence)`` where
    kind is ``"punctuation"`` (a stray full stop) or ``"case"`` (a sentence start in lower case)."""
    toks = tokens_for(view)
    kinds = piece_kinds(view)
    texts, types, lowers, starts, ends = toks.texts, toks.types, toks.lowers, toks.starts, toks.ends
    out = []
    n = len(types)
    for i in range(1, n - 1):
        if texts[i] != "." or types[i + 1] != WORD or toks.piece[i + 1] != toks.piece[i]:
            continue
        if view.text[ends[i] : starts[i + 1]] != " " or not texts[i + 1].islower():
            continue
        if kinds[toks.piece[i]] in _NO_PUNCT_KINDS or _abbreviation_before(toks, i):
            continue
        prev, nxt = lowers[i - 1], lowers[i + 1]
        if not nxt.isalpha() or len(nxt) == 1 and nxt not in ("a", "i"):
            continue
        join = lexicon.cond_logp(prev, nxt) - lexicon.unigram_logp(nxt)
        ratio, seen = lexicon.initial_ratio(nxt)
        starter = nxt in _STARTERS or (seen >= 5 and ratio >= 0.1)
        if prev in _NEVER_LAST:
            out.append((i, "punctuation", 0.8))  # "and. on a scale": no sentence ends on "and"
        elif nxt in _STRONG_STARTERS or starter and join < 2.5:
            out.append((i, "case", 0.8))
        else:
            out.append((i, "punctuation", 0.75 if join > 1.0 else 0.6))
    return out


def _period_finding(view: TextView, toks: Tokens, i: int, kind: str, conf: float) -> Finding:
    """One finding over ``word. word`` with both repairs, the likelier first."""
    a, b = toks.texts[i - 1], toks.texts[i + 1]
    start, end = toks.starts[i - 1], toks.ends[i + 1]
    gap = view.text[toks.ends[i] : toks.starts[i + 1]]
    run_on = [f"{a}{gap}{b}", f"{a},{gap}{b}"]
    capital = f"{a}.{gap}{b[:1].upper()}{b[1:]}"
    if kind == "punctuation":
        msg, sugg, rule = f"full stop in mid-sentence before '{b}'", [*run_on, capital], "stray-full-stop"
    else:
        msg, sugg, rule = f"sentence starts in lower case: '{b}'", [capital, *run_on], "lowercase-start"
    return make_finding(view, start, end, kind, msg, suggestions=sugg, confidence=conf, rule=rule)


@register("stray-full-stop", "punctuation")
def stray_full_stop_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A full stop in mid-sentence followed by a lower-case word (``different. aspects``)."""
    toks = tokens_for(view)
    return [_period_finding(view, toks, i, kind, c) for i, kind, c in period_lower(view, lexicon) if kind != "case"]


@register("lowercase-start", "case")
def lowercase_start_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """A sentence that starts in lower case after a full stop (``situation. we would``)."""
    toks = tokens_for(view)
    return [_period_finding(view, toks, i, kind, c) for i, kind, c in period_lower(view, lexicon) if kind == "case"]


_PAIRS = {")": "(", "]": "["}


@register("unbalanced", "punctuation")
def unbalanced_pass(view: TextView, doc: Document, lexicon: Lexicon) -> list[Finding]:
    """Brackets and double quotes that open without closing or close without opening, per block."""
    toks = tokens_for(view)
    kinds = piece_kinds(view)
    out: list[Finding] = []
    texts = toks.texts
    text = view.text
    n = len(texts)
    i = 0
    while i < n:
        p = toks.piece[i]
        j = i
        while j < n and toks.piece[j] == p:
            j += 1
        if kinds[p] not in _NO_PUNCT_KINDS:
            out.extend(_unbalanced_piece(view, toks, i, j, text))
        i = j
    return out


def _unbalanced_piece(view: TextView, toks: Tokens, i: int, j: int, text: str) -> list[Finding]:
    texts, starts, types = toks.texts, toks.starts, toks.types
    stack: list[int] = []
    quotes: list[int] = []
    straight: list[int] = []
    bad: list[tuple[int, str]] = []
    for k in range(i, j):
        t = texts[k]
        if types[k] != PUNCT:
            continue
        if t in "([":
            stack.append(k)
        elif t in ")]":
            if stack and texts[stack[-1]] == _PAIRS[t]:
                stack.pop()
            elif k > i and types[k - 1] != PUNCT and len(texts[k - 1]) <= 3 and (k - 1 == i or texts[k - 2] in ".;:"):
                continue  # "a) ...", "1) ..." enumerations
            elif not stack:
                bad.append((k, f"'{t}' closes a bracket that was never opened"))
        elif t == "“":
            quotes.append(k)
        elif t == "”":
            if quotes:
                quotes.pop()
            else:
                bad.append((k, "closing quotation mark with no opening one"))
        elif t == '"':
            straight.append(k)
    for k in stack:
        bad.append((k, f"'{texts[k]}' is never closed"))
    if quotes:
        # a quotation running over paragraphs opens each one and closes only at its end
        seg_end = toks.ends[j - 1]
        after = text[seg_end : seg_end + 4].lstrip()
        if not after.startswith(("“", '"')):
            bad.extend((k, "opening quotation mark is never closed") for k in quotes)
    if len(straight) % 2:
        seg_end = toks.ends[j - 1]
        runs_on = text[seg_end : seg_end + 4].lstrip().startswith('"') or texts[i] == '"'
        if not runs_on:  # a quotation over several paragraphs opens each with a quote mark
            bad.append((straight[-1], "an odd number of straight quotation marks"))
    out = []
    for k, msg in bad:
        out.append(
            make_finding(
                view,
                starts[k],
                toks.ends[k],
                "punctuation",
                msg,
                suggestions=[""] if texts[k] in ")]”" else [],
                confidence=0.55 if texts[k] == '"' else 0.65,
                rule="unbalanced",
            )
        )
    return out
