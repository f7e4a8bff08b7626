"""What the proofreader reports: :class:`Finding`, a suspect span of a document's view text.

Offsets are into :func:`masthead.textview.text_view` text for a document (or into the file's text when
a file is proofread directly). ``key`` identifies the suspicion independently of where the span sits:
it hashes the kind, the span's text and a little context on each side, so a rejected finding stays
rejected after edits elsewhere in the document shift its offsets (see :func:`finding_key`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("non-word", "real-word", "case", "punctuation", "structure")

CONTEXT = 12
"""Characters of context on each side that a finding's key covers."""


def finding_key(text: str, start: int, end: int, kind: str) -> str:
    """A short stable id for a suspicion at ``text[start:end]``: kind, span and nearby context."""
    left = text[max(0, start - CONTEXT) : start]
    right = text[end : end + CONTEXT]
    raw = f"{kind}\x1f{left}\x1f{text[start:end]}\x1f{right}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspect span. ``suggestions`` are ranked replacements for ``text`` (best first; may be
    empty); ``confidence`` is 0-1; ``rule`` names the pass that raised it (``"ocr-confusion"``,
    ``"confusion-set"``, ``"repeated-word"``...)."""

    start: int
    end: int
    line: int
    col: int
    text: str
    kind: str
    message: str
    suggestions: tuple[str, ...] = ()
    confidence: float = 0.5
    rule: str = ""
    key: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["suggestions"] = list(self.suggestions)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(**{**d, "suggestions": tuple(d.get("suggestions", ()))})
