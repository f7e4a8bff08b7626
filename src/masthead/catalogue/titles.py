"""Periodical titles and writer names as catalogue keys: one periodical across its title variants.

``"Labor Action"``, ``"LABOR ACTION"`` and ``"Labor Action (New York)"`` are one periodical, and so are
``"Workers' Republic"`` and ``"The Workers’ Republic"``: :func:`periodical_key` folds case, a leading
article, a parenthesised place, accents, apostrophes and punctuation into one key. Pure functions: the
store calls them to file a document under the periodical its title variant belongs to.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_title", "periodical_key", "split_place", "writer_key"]

_PLACE = re.compile(r"\s*[(\[]\s*([^()\[\]]{2,60}?)\s*[)\]]\s*$")
_ARTICLE = re.compile(r"^(?:the|a|an|la|le|les|el|der|die|das)\s+(?=\S)", re.I)
_APOSTROPHES = re.compile(r"['’‘`ʼ]")


def split_place(title: str) -> tuple[str, str | None]:
    """``"Labor Action (New York)"`` -> ``("Labor Action", "New York")``; a title with no trailing
    parenthesis (or one holding a number, such as a year or a volume) comes back whole with no place."""
    text = " ".join(title.split())
    m = _PLACE.search(text)
    if m and not any(ch.isdigit() for ch in m.group(1)) and m.start() > 0:
        return text[: m.start()].strip(), m.group(1).strip()
    return text, None


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = _APOSTROPHES.sub("", t.lower()).replace("&", " and ")
    return " ".join(re.findall(r"[^\W_]+", t))


def periodical_key(title: str) -> str:
    """The catalogue key of a periodical title: case, a leading article ("The"), a trailing
    parenthesised place, accents, apostrophes and punctuation do not count.

    ``periodical_key("The Workers’ Republic") == periodical_key("Workers' Republic") == "workers republic"``.
    A title that folds to nothing keeps its stripped text as the key."""
    name, _ = split_place(title)
    key = _fold(_ARTICLE.sub("", name.strip()))
    return key or title.strip().lower()


def display_title(title: str) -> str:
    """The title to show for a periodical first met as ``title``: without its parenthesised place,
    and in title case when the transcription writes it in capitals (``"LABOR ACTION"``)."""
    name, _ = split_place(title)
    if name.isupper() and any(ch.isalpha() for ch in name):
        return " ".join(w if len(w) <= 1 else w[0] + w[1:].lower() for w in name.split())
    return name


def writer_key(name: str) -> str:
    """A writer name folded for comparison: ``"C. L. R. James"`` and ``"C.L.R. James"`` both give
    ``"c l r james"``."""
    return _fold(name.replace(".", ". "))
