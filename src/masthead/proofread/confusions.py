"""Confusions that transcriptions are known to make, shared by the proofreader and the evaluation's
error injector (``bench/proofread_eval.py``).

- :data:`OCR` lists character confusions of OCR engines on old newsprint, as ``(right, read_as,
  weight)``: ``h`` read as ``b`` (``wbich``), ``m`` as ``rn``, ``d`` as ``cl``, ``h`` as ``li``
  (``tlie``), ``l`` as ``1``, ``o`` as ``0``, ``e`` as ``c`` ... ``weight`` is how likely the
  confusion is relative to the others (it enters candidate ranking as a channel probability).
- :data:`WORD_SETS` lists real-word confusions of typists and OCR: pairs of valid words where one is
  often written for the other (``form``/``from``, ``then``/``than``, ``casual``/``causal``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

OCR: tuple[tuple[str, str, float], ...] = (
    ("h", "b", 1.0),
    ("b", "h", 0.6),
    ("m", "rn", 1.0),
    ("rn", "m", 0.6),
    ("d", "cl", 0.8),
    ("h", "li", 0.9),
    ("h", "lr", 0.3),
    ("l", "1", 0.8),
    ("i", "1", 0.4),
    ("l", "I", 0.4),
    ("o", "0", 0.6),
    ("e", "c", 0.8),
    ("c", "e", 0.5),
    ("n", "u", 0.5),
    ("u", "n", 0.5),
    ("w", "vv", 0.5),
    ("m", "in", 0.5),
    ("in", "m", 0.4),
    ("n", "ri", 0.4),
    ("u", "ii", 0.4),
    ("t", "f", 0.4),
    ("f", "t", 0.4),
    ("a", "s", 0.3),
    ("s", "a", 0.3),
    ("e", "o", 0.3),
    ("o", "e", 0.3),
    ("i", "l", 0.5),
    ("l", "i", 0.5),
    ("t", "l", 0.4),
    ("fi", "li", 0.3),
    ("ll", "il", 0.3),
)

WORD_SETS: tuple[tuple[str, ...], ...] = (
    ("form", "from"),
    ("of", "or"),
    ("then", "than"),
    ("bad", "had"),
    ("be", "he"),
    ("casual", "causal"),
    ("bat", "hat"),
    ("no", "not"),
    ("were", "where"),
    ("loose", "lose"),
    ("affect", "effect"),
    ("quite", "quiet"),
    ("to", "too"),
    ("on", "one"),
    ("an", "and"),
    ("if", "of"),
    ("is", "it"),
    ("at", "as"),
    ("now", "not"),
    ("our", "out"),
    ("their", "there"),
    ("this", "thus"),
    ("though", "through", "thought"),
    ("whether", "weather"),
    ("principal", "principle"),
    ("lead", "led"),
    ("past", "passed"),
    ("advice", "advise"),
    ("accept", "except"),
    ("which", "with"),
    ("bis", "his"),
    ("tho", "the"),
    ("arid", "and"),
    ("modem", "modern"),
    ("clay", "day"),
    ("bum", "burn"),
    ("hut", "but"),
    ("tile", "the"),
    ("lie", "he"),
    ("bow", "how"),
    ("sbe", "she"),
    ("wore", "were"),
)


@lru_cache(maxsize=1)
def word_confusions() -> dict[str, tuple[str, ...]]:
    """Each word of :data:`WORD_SETS` mapped to the words it is confused with."""
    out: dict[str, set[str]] = {}
    for group in WORD_SETS:
        for w in group:
            out.setdefault(w, set()).update(x for x in group if x != w)
    return {w: tuple(sorted(v)) for w, v in out.items()}


_BY_FIRST: dict[str, list[tuple[str, str, float]]] = {}
for _right, _seen, _weight in OCR:
    if not (_seen.isalpha() and _seen.upper() == _seen):  # upper-case confusions ("I" for "l") need the case
        _BY_FIRST.setdefault(_seen[0], []).append((_right, _seen, _weight))


@lru_cache(maxsize=1 << 16)
def ocr_candidates(word: str) -> tuple[tuple[str, float], ...]:
    """Strings that ``word`` may have been before one OCR confusion (or the same confusion at every
    place it can apply), each with the confusion's weight. ``word`` is lower-cased."""
    out: dict[str, float] = {}
    for ch in set(word):
        for right, seen, weight in _BY_FIRST.get(ch, ()):
            i = word.find(seen)
            if i < 0:
                continue
            first = i
            while i >= 0:
                cand = word[:i] + right + word[i + len(seen) :]
                if out.get(cand, 0.0) < weight:
                    out[cand] = weight
                i = word.find(seen, i + 1)
            if word.find(seen, first + 1) >= 0:
                cand = word.replace(seen, right)
                if out.get(cand, 0.0) < weight * 0.5:
                    out[cand] = weight * 0.5
    out.pop(word, None)
    return tuple(sorted(out.items()))


_PLAIN = tuple(c for cs in _BY_FIRST.values() for c in cs)


def real_ocr_neighbours(word: str, real: frozenset[str] | set[str]) -> dict[str, float]:
    """The members of ``real`` among :func:`ocr_candidates` of ``word``, with their weights (the same
    answer, built without the strings that are not in ``real``: the real-word pass asks this of
    every distinct word it meets)."""
    out: dict[str, float] = {}
    for right, seen, weight in _PLAIN:
        if seen not in word:
            continue
        n = len(seen)
        i = first = word.find(seen)
        while i >= 0:
            cand = word[:i] + right + word[i + n :]
            if cand in real and out.get(cand, 0.0) < weight:
                out[cand] = weight
            i = word.find(seen, i + 1)
        if word.find(seen, first + 1) >= 0:
            cand = word.replace(seen, right)
            if cand in real and out.get(cand, 0.0) < weight * 0.5:
                out[cand] = weight * 0.5
    out.pop(word, None)
    return out


def ocr_neighbour_index(targets: Iterable[str], real: frozenset[str] | set[str]) -> dict[str, dict[str, float]]:
    """For every word of ``real`` that one OCR confusion turns into a word of ``targets``: those
    target words with their weights. The reverse of :func:`real_ocr_neighbours`, built once for the
    common target words: ``index.get(w, {})`` answers for ``w`` what :func:`real_ocr_neighbours`
    does, restricted to ``targets`` (the same confusion applied at every place it can, a rare case,
    is found when the target has no other place for it)."""
    index: dict[str, dict[str, float]] = {}
    for c in targets:
        for right, seen, weight in _PLAIN:
            if right not in c:
                continue
            n = len(right)
            i = first = c.find(right)
            while i >= 0:
                w = c[:i] + seen + c[i + n :]
                if w in real and w != c:
                    got = index.setdefault(w, {})
                    if got.get(c, 0.0) < weight:
                        got[c] = weight
                i = c.find(right, i + 1)
            if c.find(right, first + 1) >= 0:
                w = c.replace(right, seen)
                if w in real and w != c and w.replace(seen, right) == c and w.count(seen) > 1:
                    got = index.setdefault(w, {})
                    if got.get(c, 0.0) < weight * 0.5:
                        got[c] = weight * 0.5
    return index


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    """Every string one edit (delete, transpose, replace, insert of a-z) from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    out = set(deletes + transposes + replaces + inserts)
    out.discard(word)
    return out
