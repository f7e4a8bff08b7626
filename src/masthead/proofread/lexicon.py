"""The proofreader's language resources, all offline.

- **Unigram frequencies**: wordfreq's large English list (321,000 words, Zipf scale: ``zipf("the")``
  is 7.7, a word seen once in a billion words is 0). The list is noisy at the low end (it holds
  ``tbe`` and ``tlie``), which is why the proofreader never trusts mere presence in it.
- **Real-word list and bigrams**: symspellpy's bundled dictionaries (82,765 words with counts, and
  243,342 bigrams with counts, from Google Books). A word in the 82k list is a "real word": an error
  that lands on one is a real-word error, one that does not is a non-word.
- **The archive model** (:class:`ArchiveModel`): what the archive's own documents say. For each word
  (lower-cased): occurrences, the number of documents it occurs in, occurrences in running text not
  at a sentence start, how many of those are capitalised, and how many start a sentence; and counts
  of adjacent word pairs. It lets the proofreader accept a word the archive uses across documents
  (``Shachtmanite``), treat a word the archive mostly capitalises as a name, and score context with
  the archive's own phrasing. :func:`build_archive_model` trains it from documents;
  :meth:`ArchiveModel.save` writes it beside the archive (``archive.db.lexicon``, see
  :func:`lexicon_path_for`) as gzipped JSON, and :func:`load_lexicon` reads it.

Nothing is downloaded at run time. The packaged resources are read once per process
(:func:`base_resources`, about half a second) and shared by every :class:`Lexicon`.
"""

from __future__ import annotations

import gzip
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from masthead.model import Document
from masthead.proofread.tokens import WORD, tokenize, view_pieces
from masthead.textview import text_view

FORMAT_VERSION = 1
_NO_CAPS_KINDS = frozenset({"title", "subtitle", "heading", "preformatted"})
"""Segments whose capitals say nothing about a word (title case, verse, tables)."""


_EMPTY: dict[str, float] = {}


class LexiconError(ValueError):
    """A lexicon file that cannot be read (not a lexicon, a newer version, corrupt)."""


@dataclass(frozen=True, slots=True)
class BaseResources:
    """The packaged resources: wordfreq frequencies, symspell unigram and bigram counts."""

    freq: dict[str, float]
    unigrams: dict[str, int]
    bigrams: dict[str, int]
    unigram_total: int
    bigram_floor: int
    real: frozenset[str]
    """Real words: symspell's list and every word of Zipf 4 or more in wordfreq's."""


def _symspell_dir() -> Path:
    import symspellpy

    return Path(symspellpy.__file__).parent


@lru_cache(maxsize=1)
def base_resources() -> BaseResources:
    """Load wordfreq's large English list and symspellpy's bundled dictionaries (once per process)."""
    import wordfreq

    freq = wordfreq.get_frequency_dict("en", wordlist="large")
    unigrams: dict[str, int] = {}
    d = _symspell_dir()
    with open(d / "frequency_dictionary_en_82_765.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                unigrams[parts[0]] = int(parts[1])
    bigrams: dict[str, int] = {}
    with open(d / "frequency_bigramdictionary_en_243_342.txt", encoding="utf-8") as fh:
        for line in fh:
            a, _, rest = line.partition(" ")
            b, _, n = rest.partition(" ")
            if n:
                bigrams[f"{a} {b}"] = int(n)
    floor = min(bigrams.values()) if bigrams else 1
    real = frozenset(unigrams).union(w for w, f in freq.items() if f >= 1e-5)  # Zipf 4 = 1e-5
    return BaseResources(freq, unigrams, bigrams, sum(unigrams.values()), floor, real)


@dataclass(slots=True)
class ArchiveModel:
    """Counts learnt from an archive's documents (see the module docstring).

    ``words`` maps a lower-cased word to ``[count, documents, mid, mid_capitalised, initial]``;
    ``bigrams`` maps ``"a b"`` (adjacent lower-cased words) to a count.
    """

    documents: int = 0
    tokens: int = 0
    words: dict[str, list[int]] = field(default_factory=dict)
    bigrams: dict[str, int] = field(default_factory=dict)

    def add(self, doc: Document) -> None:
        """Count one document's words and word pairs."""
        view = text_view(doc)
        toks = tokenize(view.text, view_pieces(view.segments))
        kinds = [s.kind for s in view.segments]
        words, bigrams = self.words, self.bigrams
        seen: set[str] = set()
        types, lowers, texts, initial, piece = toks.types, toks.lowers, toks.texts, toks.initial, toks.piece
        n = len(types)
        for i in range(n):
            if types[i] != WORD:
                continue
            w = lowers[i]
            rec = words.get(w)
            if rec is None:
                rec = words[w] = [0, 0, 0, 0, 0]
            rec[0] += 1
            if w not in seen:
                seen.add(w)
                rec[1] += 1
            if kinds[piece[i]] not in _NO_CAPS_KINDS:
                if initial[i]:
                    rec[4] += 1
                elif not (len(texts[i]) > 1 and texts[i].isupper()):
                    rec[2] += 1
                    if texts[i][0].isupper():
                        rec[3] += 1
            j = i + 1
            if j < n and types[j] == WORD and piece[j] == piece[i]:
                key = f"{w} {lowers[j]}"
                bigrams[key] = bigrams.get(key, 0) + 1
        self.tokens += sum(1 for t in types if t == WORD)
        self.documents += 1

    def count(self, word: str) -> int:
        rec = self.words.get(word)
        return rec[0] if rec else 0

    def doc_freq(self, word: str) -> int:
        rec = self.words.get(word)
        return rec[1] if rec else 0

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model as gzipped JSON, atomically (a temporary file renamed into place)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        data = {
            "format": "masthead-lexicon",
            "version": FORMAT_VERSION,
            "documents": self.documents,
            "tokens": self.tokens,
            "words": self.words,
            "bigrams": self.bigrams,
        }
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ArchiveModel:
        """Read a model written by :meth:`save`; raises :class:`LexiconError` when it cannot."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, EOFError, ValueError) as exc:
            raise LexiconError(
                f"{path}: not a readable lexicon file ({exc}); rebuild it: masthead lexicon build"
            ) from None
        if not isinstance(data, dict) or data.get("format") != "masthead-lexicon":
            raise LexiconError(f"{path}: not a Masthead lexicon file")
        if data.get("version") != FORMAT_VERSION:
            raise LexiconError(f"{path}: lexicon format {data.get('version')} is not {FORMAT_VERSION}; rebuild it")
        return cls(int(data["documents"]), int(data["tokens"]), data["words"], data["bigrams"])


def build_archive_model(docs: Iterable[Document], *, progress: Callable[[int], None] | None = None) -> ArchiveModel:
    """Train an :class:`ArchiveModel` on ``docs``; ``progress(n)`` is called after each document."""
    model = ArchiveModel()
    for n, doc in enumerate(docs, 1):
        model.add(doc)
        if progress is not None:
            progress(n)
    return model


def lexicon_path_for(archive: str) -> Path:
    """Where an archive's lexicon lives: a file beside the archive (``archive.db.lexicon``)."""
    return Path(f"{archive}.lexicon")


OCR_INDEX_ZIPF = 4.0
"""Words this common (Zipf) are indexed by the OCR confusions that lead to them (:func:`ocr_index`)."""


@lru_cache(maxsize=1)
def ocr_index() -> dict[str, dict[str, float]]:
    """The real words one OCR confusion away from each real word, among the words of Zipf
    :data:`OCR_INDEX_ZIPF` or more (about 7,000): built once per process from the packaged
    dictionaries (a fifth of a second), like them. The real-word pass asks every distinct word it
    meets for its common OCR neighbours; this answers most of them with one look-up."""
    from masthead.proofread.confusions import ocr_neighbour_index

    base = base_resources()
    floor = 10.0 ** (OCR_INDEX_ZIPF - 9.0)
    return ocr_neighbour_index((w for w in base.real if base.freq.get(w, 0.0) >= floor), base.real)


class Lexicon:
    """The packaged resources and an archive model, with the look-ups the passes use."""

    def __init__(self, archive: ArchiveModel | None = None) -> None:
        base = base_resources()
        self.archive = archive or ArchiveModel()
        self._freq = base.freq
        self._uni = base.unigrams
        self._real = base.real
        self.real_words = base.real
        """The real-word set (see :meth:`is_word`)."""
        self._bi = base.bigrams
        self._total = base.unigram_total
        self._floor = base.bigram_floor
        self._zipf: dict[str, float] = {}
        self._ocr_index = ocr_index()
        self._awords = self.archive.words
        self._abi = self.archive.bigrams
        self._atokens = max(1, self.archive.tokens)
        # the archive's word pairs count for more as it grows (a few documents say little)
        self._aweight = 0.3 * min(1.0, self.archive.tokens / 50_000)
        self._cond: dict[tuple[str, str], float] = {}
        self.cache: dict[str, dict] = {}
        """Memo tables the passes keep per lexicon (candidates depend only on the word and the lexicon)."""

    def clear_caches(self) -> None:
        """Forget the memo tables (for timing; they only ever hold derived values)."""
        from masthead.proofread.confusions import ocr_candidates

        self._cond.clear()
        self._zipf.clear()
        self.cache.clear()
        ocr_candidates.cache_clear()

    def zipf(self, word: str) -> float:
        """wordfreq Zipf frequency of a lower-cased word (0 when unknown)."""
        z = self._zipf.get(word)
        if z is None:
            f = self._freq.get(word, 0.0)
            z = self._zipf[word] = math.log10(f * 1e9) if f > 0 else 0.0
        return z

    def is_word(self, word: str) -> bool:
        """True for a real word: in symspell's 82k English words, or common in wordfreq's list (Zipf
        4 or more: symspell's list lacks a few, such as ``labor``)."""
        return word in self._real

    def ocr_neighbours(self, word: str, min_zipf: float) -> dict[str, float]:
        """Real words of Zipf ``min_zipf`` or more that one OCR confusion turns ``word`` into (a
        superset of them: the caller filters by frequency), with the confusion's weight."""
        if min_zipf >= OCR_INDEX_ZIPF:
            return self._ocr_index.get(word, _EMPTY)
        from masthead.proofread.confusions import real_ocr_neighbours

        return real_ocr_neighbours(word, self._real)

    def unigram(self, word: str) -> int:
        return self._uni.get(word, 0)

    def archive_record(self, word: str) -> list[int] | None:
        """``[count, documents, mid, mid_capitalised, initial]`` for a lower-cased word, or None."""
        return self._awords.get(word)

    def archive_known(self, word: str, *, min_docs: int = 2) -> bool:
        """True for a word the archive uses in at least ``min_docs`` documents."""
        rec = self._awords.get(word)
        return rec is not None and rec[1] >= min_docs

    def capital_ratio(self, word: str) -> tuple[float, int]:
        """How often the archive capitalises ``word`` in running text (not at a sentence start), and
        on how many occurrences that is measured."""
        rec = self._awords.get(word)
        if rec is None or rec[2] <= 1:
            return 0.0, 0
        # one capitalised occurrence is discounted: it may be the very one being proofread
        return max(0, rec[3] - 1) / (rec[2] - 1), rec[2] - 1

    def initial_ratio(self, word: str) -> tuple[float, int]:
        """How often ``word`` starts a sentence in the archive, and out of how many occurrences."""
        rec = self._awords.get(word)
        if rec is None or rec[0] == 0:
            return 0.0, 0
        return rec[4] / rec[0], rec[0]

    def bigram(self, a: str, b: str) -> int:
        """symspell's count for the pair ``a b`` (0 when the list lacks it)."""
        return self._bi.get(f"{a} {b}", 0)

    def archive_bigram(self, a: str, b: str) -> int:
        return self._abi.get(f"{a} {b}", 0)

    def cond_logp(self, a: str, b: str) -> float:
        """log P(b | a): symspell's bigram counts, backed off to the unigram for pairs the list lacks
        (capped at its smallest count: a missing pair is rarer than every listed one), mixed with the
        archive's own pair counts."""
        key = (a, b)
        got = self._cond.get(key)
        if got is not None:
            return got
        if len(self._cond) > 500_000:
            self._cond.clear()
        got = self._cond[key] = self._cond_logp(a, b)
        return got

    def count(self, word: str) -> float:
        """symspell's count for ``word``, or one estimated from wordfreq's frequency for words its
        list lacks (``labor``, ``se``), so that every real word has a comparable count."""
        c = self._uni.get(word)
        if c is None:
            c = self._freq.get(word, 0.0) * self._total * 0.5  # symspell's corpus counts tokens, not types
        return c

    def _cond_logp(self, a: str, b: str) -> float:
        uni = self._uni
        ca = uni.get(a)
        if ca is None:
            ca = self._freq.get(a, 0.0) * self._total * 0.5  # as count(), inline: this runs for every new pair
        cb = uni.get(b)
        if cb is None:
            cb = self._freq.get(b, 0.0) * self._total * 0.5
        pb = (cb + 1) / self._total
        pair = f"{a} {b}"
        if ca:
            c = self._bi.get(pair, 0)
            p = c / ca if c else min(0.4 * pb, 0.5 * self._floor / ca)
        else:
            p = 0.4 * pb
        rec = self._awords.get(a)
        if rec is not None:
            cab = max(0, self._abi.get(pair, 0) - 1)  # a pair seen once may be this very text
            brec = self._awords.get(b)
            pb_arch = (max(0, (brec[0] if brec else 0) - 1) + 0.5) / self._atokens
            p_arch = (cab + 2.0 * pb_arch) / (rec[0] + 2.0)
            p = (1.0 - self._aweight) * p + self._aweight * p_arch
        return math.log(p)

    def unigram_logp(self, word: str) -> float:
        """log P(word) from symspell's counts (estimated from wordfreq for words it lacks)."""
        return math.log((self.count(word) + 1) / self._total)


def load_lexicon(path: str | os.PathLike[str] | None = None) -> Lexicon:
    """A :class:`Lexicon` with the archive model at ``path`` (none, or a missing file: packaged
    resources only)."""
    if path is None or not os.path.exists(path):
        return Lexicon()
    return Lexicon(ArchiveModel.load(path))
