"""Hand-made documents and findings for the review tests (never the proofreading engine)."""

from __future__ import annotations

import re
from typing import Any

from masthead.model import Block, Document, Source
from masthead.proofread.findings import Finding, finding_key
from masthead.textview import text_view


def make_doc(doc_id: str = "labor-action/1948/tlie-strike", title: str = "Tlie Strike") -> Document:
    """A small document with OCR-like slips: ``Tlie``, ``tbe``, ``workers workers``, ``rnen``."""
    return Document(
        id=doc_id,
        title=title,
        blocks=(
            Block("paragraph", "The strike at tbe plant went on for three weeks."),
            Block("paragraph", "The workers workers held firm, and the rnen would not go back."),
            Block("paragraph", "Solidarity won in the end."),
        ),
        source=Source(periodical="Labor Action", date="1948-03-08"),
    )


def find(doc: Document, word: str, suggestions: tuple[str, ...], *, kind: str = "non-word", nth: int = 0) -> Finding:
    """A finding for the ``nth`` occurrence of ``word`` in the document's view text."""
    text = text_view(doc).text
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    end = start + len(word)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return Finding(
        start=start,
        end=end,
        line=line,
        col=col,
        text=word,
        kind=kind,
        message=f"{word!r} looks like a misreading",
        suggestions=suggestions,
        confidence=0.9,
        rule="test",
        key=finding_key(text, start, end, kind),
    )


def standard_findings(doc: Document) -> list[Finding]:
    """Four findings on :func:`make_doc`, in text order."""
    return [
        find(doc, "Tlie", ("The",)),
        find(doc, "tbe", ("the", "tube")),
        find(doc, "workers workers", ("workers",), kind="real-word"),
        find(doc, "rnen", ("men",)),
    ]


PASSWORD = "correct horse battery"
"""The password of the editor ``ann`` that the web tests add."""


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def log_in(client: Any, next_: str, username: str = "ann", password: str = PASSWORD) -> Any:
    """Post the login form (with the CSRF token of the login page) and return the response."""
    page = client.get("/login", params={"next": next_})
    assert page.status_code == 200
    return client.post(
        "/login", data={"username": username, "password": password, "csrf": csrf_of(page.text), "next": next_}
    )
