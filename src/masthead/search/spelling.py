"""Spelling knowledge for search: British / American variants, and "did you mean" from the archive's
own vocabulary.

**Variants.** :func:`spelling_key` maps a token (already lower-cased and ASCII-folded by the index's
analyzer) to a key shared by its British and American spellings: ``labour`` and ``labor`` -> ``labor``,
``organisation`` -> ``organization``, ``centre`` -> ``center``, ``defence`` -> ``defense``,
``travelled`` -> ``traveled``. The index keeps the words as written; at query time a term is widened to
every vocabulary word with the same key (so ``labor`` also searches ``labour``). Folding at query
time, against the vocabulary, costs nothing at indexing, keeps snippets and phrase positions exact, and
only ever joins two spellings that both occur in the archive; the rules are written so that two
different real words do not share a key (``four`` / ``for`` and ``filled`` / ``filed`` stay apart).

**Vocabulary.** :class:`Vocabulary` is a small SQLite file beside the index: every alphabetic term of
the searchable fields with its spelling key, and a deletion index (SymSpell style) for edit-distance
look-ups: each term is stored under itself and every string one deletion away; a query word looks up
itself and its strings one and two deletions away. That finds every vocabulary word within one edit
and most within two (all but two substitutions or two insertions), then :func:`edit_distance`
(Damerau-Levenshtein, optimal string alignment) confirms each candidate. It is updated incrementally
at commit: only terms not seen before are added.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

__all__ = ["spelling_key", "edit_distance", "deletes", "Vocabulary", "VOCAB_TERM"]

VOCAB_TERM = re.compile(r"^[a-z]{3,24}$")
"""Terms kept in the vocabulary: alphabetic, 3 to 24 letters (numbers and OCR debris stay out)."""

# Whole-word spellings that no rule covers (or that a rule would get wrong).
_WORDS = {
    "defence": "defense",
    "defences": "defenses",
    "offence": "offense",
    "offences": "offenses",
    "pretence": "pretense",
    "pretences": "pretenses",
    "licence": "license",
    "licences": "licenses",
    "programme": "program",
    "programmes": "programs",
    "judgement": "judgment",
    "judgements": "judgments",
    "connexion": "connection",
    "connexions": "connections",
    "grey": "gray",
    "plough": "plow",
    "ploughs": "plows",
    "mould": "mold",
    "gaol": "jail",
    "gaols": "jails",
    "cheque": "check",
    "cheques": "checks",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "fulfil": "fulfill",
    "fulfils": "fulfills",
    "fulfilment": "fulfillment",
    "skilful": "skillful",
    "wilful": "willful",
    "instalment": "installment",
    "instalments": "installments",
    "enrolment": "enrollment",
    "sceptic": "skeptic",
    "sceptics": "skeptics",
    "sceptical": "skeptical",
    "scepticism": "skepticism",
    "ageing": "aging",
    "waggon": "wagon",
    "waggons": "wagons",
    "practise": "practice",
    "practised": "practiced",
    "practising": "practicing",
    "marvellous": "marvelous",
    "jewellery": "jewelry",
    "woollen": "woolen",
    "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers",
    "manoeuvred": "maneuvered",
    "mediaeval": "medieval",
    "encyclopaedia": "encyclopedia",
    "encyclopaedias": "encyclopedias",
    "artefact": "artifact",
    "artefacts": "artifacts",
    "odour": "odor",
    "odours": "odors",
    "aluminium": "aluminum",
    "pyjamas": "pajamas",
    "tyre": "tire",
    "tyres": "tires",
    "storey": "story",
    "kerb": "curb",
}

_OUR = re.compile(r"^([a-z]{3,})our(s|ed|ing|er|ers|ite|ites|able|ably|ful|fully|less|ism|ist|ists|hood|hoods|ly|y)?$")
_ISE = re.compile(r"^([a-z]{3,}[^aeiouy])is(e|es|ed|ing|ation|ations|er|ers|able)$")
_YSE = re.compile(r"^([a-z]{3,})ys(e|es|ed|ing|er|ers)$")
_RE = re.compile(r"^([a-z]{2,}[^aeiouy])re(s|d)?$")
_LL = re.compile(r"^([a-z]{2,}[^aeiouy][aeiou])ll(ed|ing|er|ers)$")
_OUR_KEEP = {"devour", "contour", "detour", "amour", "paramour", "troubadour", "velour"}


@lru_cache(maxsize=65536)
def spelling_key(token: str) -> str:
    """The key shared by a word's British and American spellings (the American form, as a rule).

    ``spelling_key("labour") == spelling_key("labor") == "labor"``; a word with no variant is its own
    key. Works on analysed tokens (lower case, ASCII).
    """
    if token in _WORDS:
        return _WORDS[token]
    m = _OUR.match(token)
    if m and m.group(1) + "our" not in _OUR_KEEP:
        return f"{m.group(1)}or{m.group(2) or ''}"
    m = _ISE.match(token)
    if m:
        return f"{m.group(1)}iz{m.group(2)}"
    m = _YSE.match(token)
    if m:
        return f"{m.group(1)}yz{m.group(2)}"
    m = _RE.match(token)
    if m:
        suffix = {"s": "s", "d": "ed", None: ""}[m.group(2)]
        return f"{m.group(1)}er{suffix}"
    m = _LL.match(token)
    if m:
        return f"{m.group(1)}l{m.group(2)}"
    return token


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: a transposition costs 1), or ``limit``
    when it is at least ``limit`` (the computation stops early)."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        best = cur[0]
        for j in range(1, lb + 1):
            cost = 0 if ca == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[lb], limit)


def deletes(word: str, depth: int) -> set[str]:
    """Every string made from ``word`` by deleting 1..``depth`` characters."""
    out: set[str] = set()
    frontier = {word}
    for _ in range(depth):
        nxt: set[str] = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        out |= nxt
        frontier = nxt
    return out


_SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS terms_key ON terms(key);
CREATE TABLE IF NOT EXISTS deletes (del TEXT NOT NULL, term_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS deletes_del ON deletes(del);
"""


class Vocabulary:
    """The archive's vocabulary, on disk beside the index (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._variant_cache: dict[str, tuple[str, ...]] = {}

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM terms").fetchone()[0]

    def update(self, terms: Iterable[str]) -> int:
        """Add the terms not yet known (others are ignored); returns how many were new."""
        wanted = {t for t in terms if VOCAB_TERM.match(t)}
        with self._lock:
            if len(wanted) > 20000:  # a rebuild: read the whole vocabulary once
                known = {t for (t,) in self._db.execute("SELECT term FROM terms")}
            else:  # a few documents: look their words up
                known = set()
                items = list(wanted)
                for i in range(0, len(items), 500):
                    chunk = items[i : i + 500]
                    sql = f"SELECT term FROM terms WHERE term IN ({','.join('?' * len(chunk))})"
                    known.update(t for (t,) in self._db.execute(sql, chunk))
            new = sorted(wanted - known)
            if not new:
                return 0
            db = self._db
            db.execute("BEGIN")
            try:
                start = db.execute("SELECT coalesce(max(id), 0) FROM terms").fetchone()[0] + 1
                rows = [(start + i, t, spelling_key(t)) for i, t in enumerate(new)]
                db.executemany("INSERT INTO terms(id, term, key) VALUES (?, ?, ?)", rows)
                db.executemany(
                    "INSERT INTO deletes(del, term_id) VALUES (?, ?)",
                    ((d, tid) for tid, t, _ in rows for d in (t, *deletes(t, 1))),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._variant_cache.clear()
            return len(new)

    def clear(self) -> None:
        """Forget every term (before a rebuild)."""
        with self._lock:
            self._db.execute("DELETE FROM terms")
            self._db.execute("DELETE FROM deletes")
            self._variant_cache.clear()

    def __contains__(self, term: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM terms WHERE term = ?", (term,)).fetchone() is not None

    def variants(self, token: str) -> tuple[str, ...]:
        """The token and every vocabulary word spelt differently for the same word (labour, labor)."""
        hit = self._variant_cache.get(token)
        if hit is not None:
            return hit
        key = spelling_key(token)
        with self._lock:
            rows = self._db.execute("SELECT term FROM terms WHERE key = ?", (key,)).fetchall()
        out = (token, *sorted(t for (t,) in rows if t != token))
        if len(self._variant_cache) > 50000:
            self._variant_cache.clear()
        self._variant_cache[token] = out
        return out

    def near(self, word: str, max_distance: int = 2) -> list[tuple[str, int]]:
        """Vocabulary words within ``max_distance`` edits of ``word`` (the word itself excluded),
        closest first."""
        if not VOCAB_TERM.match(word):
            return []
        probes = {word} | deletes(word, max_distance)
        probes = {p for p in probes if p}
        out: dict[str, int] = {}
        with self._lock:
            probe_list = list(probes)
            for i in range(0, len(probe_list), 500):
                chunk = probe_list[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT DISTINCT t.term FROM deletes d JOIN terms t ON t.id = d.term_id WHERE d.del IN ({marks})"
                for (term,) in self._db.execute(sql, chunk):
                    if term != word and term not in out:
                        d = edit_distance(word, term, max_distance + 1)
                        if d <= max_distance:
                            out[term] = d
        return sorted(out.items(), key=lambda kv: (kv[1], kv[0]))
