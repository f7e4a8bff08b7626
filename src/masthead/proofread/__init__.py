"""The proofreader: passes over a document's view text that report :class:`~masthead.proofread.findings.Finding`.

:func:`proofread` runs the registered passes (:data:`~masthead.proofread.passes.PASSES`: non-word,
split-word, hyphenation, real-word, case, lowercase-start, repeated-word, doubled-punctuation,
stray-comma, stray-full-stop, unbalanced, announced-missing, orphan-noteref, numbering-gap, cut-off)
over one document and returns its findings sorted by position, without the ones an editor has
already decided (``ignore_keys``). Offsets are into :func:`masthead.textview.text_view` text;
:func:`proofread_file` maps them onto a file's own text instead (:mod:`masthead.proofread.filemap`).

It is cheap to call once per document: the language resources load once per process
(:func:`~masthead.proofread.lexicon.base_resources`) and a lexicon is built once and passed in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from masthead.model import Document
from masthead.proofread import context, nonword, punct, structure  # noqa: F401 - they register the passes
from masthead.proofread.findings import KINDS, Finding, finding_key
from masthead.proofread.lexicon import Lexicon, load_lexicon
from masthead.proofread.passes import PASS_KINDS, PASSES
from masthead.textview import text_view

__all__ = [
    "KINDS",
    "PASSES",
    "ArchiveProofreader",
    "PASS_KINDS",
    "Finding",
    "Lexicon",
    "default_lexicon",
    "finding_key",
    "load_lexicon",
    "proofread",
]

_DEFAULT: list[Lexicon] = []


def default_lexicon() -> Lexicon:
    """A lexicon of the packaged resources only (no archive model), built once per process."""
    if not _DEFAULT:
        _DEFAULT.append(Lexicon())
    return _DEFAULT[0]


def proofread(
    doc: Document,
    *,
    lexicon: Lexicon | None = None,
    min_confidence: float = 0.0,
    passes: Iterable[str] | None = None,
    ignore_keys: frozenset[str] | set[str] = frozenset(),
) -> list[Finding]:
    """Findings for ``doc``, sorted by position.

    ``lexicon``: the archive's lexicon (default: packaged resources only). ``passes``: names of the
    passes to run (default: all; an unknown name raises ``ValueError``). Findings under
    ``min_confidence`` or whose key is in ``ignore_keys`` (spans an editor accepted or rejected) are
    left out. Where two findings cover the same span, the more confident one is kept.
    """
    lexicon = lexicon or default_lexicon()
    names = list(PASSES) if passes is None else list(passes)
    unknown = [n for n in names if n not in PASSES]
    if unknown:
        raise ValueError(f"unknown proofreading pass: {', '.join(unknown)} (known: {', '.join(PASSES)})")
    view = text_view(doc)
    found: list[Finding] = []
    for name in names:
        found.extend(PASSES[name](view, doc, lexicon))
    best: dict[tuple[int, int], Finding] = {}
    for f in found:
        if f.confidence < min_confidence or f.key in ignore_keys:
            continue
        old = best.get((f.start, f.end))
        if old is None or f.confidence > old.confidence:
            best[(f.start, f.end)] = f
    kept = sorted(best.values(), key=lambda f: (f.start, f.end, f.kind))
    # a word split or hyphenated is reported whole: drop the single-piece guesses inside it
    wholes = [(f.start, f.end) for f in kept if f.rule in ("split-word", "hyphenation")]
    if wholes:
        kept = [
            f
            for f in kept
            if f.rule in ("split-word", "hyphenation") or not any(s <= f.start and f.end <= e for s, e in wholes)
        ]
    return kept


_LOADED: dict[tuple[str, int, int], Lexicon] = {}


@dataclass(frozen=True)
class ArchiveProofreader:
    """``(doc, decided keys) -> findings`` with the lexicon at ``path`` (an archive's ``.lexicon`` file;
    a missing file: packaged resources only). Only the path is pickled, so worker processes can be given
    it: each loads the lexicon once, on its first document. :meth:`load` loads it now (to fail early)."""

    path: str

    def load(self) -> Lexicon:
        """The lexicon, loaded on first use in this process and again when the file changes (raises
        ``LexiconError`` / ``OSError``)."""
        try:
            st = os.stat(self.path)
            key = (self.path, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            key = (self.path, -1, -1)
        if key not in _LOADED:
            for old in [k for k in _LOADED if k[0] == self.path]:
                del _LOADED[old]
            _LOADED[key] = load_lexicon(self.path)
        return _LOADED[key]

    def __call__(self, doc: Document, decided: frozenset[str] | set[str] = frozenset()) -> list[Finding]:
        return proofread(doc, lexicon=self.load(), ignore_keys=decided)
