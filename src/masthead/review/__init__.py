"""Editors' review of proofreading findings: findings in context (:func:`in_context`) and diffs between
revisions (:mod:`masthead.review.diff`). The decisions themselves are store methods
(:mod:`masthead.store.review`); the web pages are :mod:`masthead.web.review_routes`, the commands
:mod:`masthead.cli_review`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the proofreader's package is imported only when a finding is moved
    from masthead.proofread.findings import Finding


@dataclass(frozen=True, slots=True)
class InContext:
    """A finding's span with the text around it (whole words, at most ``width`` characters each side);
    ``live`` is False when the span's text is no longer at its offsets (the finding is stale)."""

    before: str
    span: str
    after: str
    live: bool


def is_live(text: str, finding: Finding) -> bool:
    """Whether the finding's text is at its offsets in ``text``."""
    return 0 <= finding.start <= finding.end <= len(text) and text[finding.start : finding.end] == finding.text


def relocate(text: str, finding: Finding) -> Finding | None:
    """The finding at its place in ``text``: as it is when its text is at its offsets, else moved to the
    occurrence of its text whose key (kind, text and context, see
    :func:`~masthead.proofread.findings.finding_key`) is the finding's key; None when there is none."""
    if is_live(text, finding):
        return finding
    if not finding.text or not finding.key:
        return None
    from masthead.proofread.findings import finding_key

    at = text.find(finding.text)
    while at >= 0:
        end = at + len(finding.text)
        if finding_key(text, at, end, finding.kind) == finding.key:
            line = text.count("\n", 0, at) + 1
            col = at - (text.rfind("\n", 0, at) + 1) + 1
            return replace(finding, start=at, end=end, line=line, col=col)
        at = text.find(finding.text, at + 1)
    return None


def in_context(text: str, finding: Finding, *, width: int = 80) -> InContext:
    """The finding's span in view text ``text`` (moved by :func:`relocate` when the text around it
    changed) with up to ``width`` characters of context each side, cut at a space and never across a
    paragraph break; ``live`` is False when the finding is nowhere in ``text``."""
    moved = relocate(text, finding)
    if moved is None:
        return InContext("", finding.text, "", False)
    start, end = moved.start, moved.end
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    if "\n\n" in before:
        before = before.rsplit("\n\n", 1)[1]
    elif start - width > 0 and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if "\n\n" in after:
        after = after.split("\n\n", 1)[0]
    elif end + width < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return InContext(before, text[start:end], after, True)
