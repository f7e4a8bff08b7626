"""Writers from where a source file is filed: ``archive/padmore/1931/...`` is George Padmore's.

The Marxists Internet Archive files each writer's works under ``archive/<folder>/``, where the folder
is the surname (``connolly``, ``padmore``), sometimes with the given names or initials after it
(``james-clr`` for C.L.R. James). A document with no byline gets the writer its folder names, when
that folder matches a writer the archive knows: a byline found under the same folder, the title of
the folder's index page ("George Padmore", "C.L.R. James Archive"), or a writer already stored.
Pure functions: the ingest pipeline calls them, the store never does.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from masthead.catalogue.titles import writer_key
from masthead.model import Document

__all__ = ["PathWriters", "archive_folder", "folder_matches", "is_index_page", "writer_from_path"]

_FOLDER = re.compile(r"(?:^|[/\\])archive[/\\]([A-Za-z0-9][A-Za-z0-9_.-]*)[/\\]")
_INDEX = re.compile(r"(?:^|[/\\])index\.[A-Za-z]+$")
_TITLE_NOISE = re.compile(r"^(?:M\.?I\.?A\.?\s+Library\s*:\s*)|\s+(?:Internet\s+)?Archive$", re.I)


def archive_folder(path: str) -> str | None:
    """The writer folder of an MIA-style path (``.../archive/<folder>/...``), lower-cased, or None."""
    found = _FOLDER.findall(path.replace("\\", "/"))
    return found[-1].lower() if found else None


def is_index_page(path: str) -> bool:
    """Whether ``path`` is a folder's index page (``index.md``, ``index.html``): a writer's archive
    page, not one of their works."""
    return bool(_INDEX.search(path))


def folder_matches(name: str, folder: str) -> bool:
    """Whether writer ``name`` is the writer of archive folder ``folder``: the folder is the surname
    (``connolly`` for James Connolly), the surname followed by given names or initials (``james-clr``
    for C.L.R. James), or the whole name (``james-connolly``)."""
    tokens = writer_key(name).split()
    parts = [p for p in re.split(r"[-_.]+", folder.lower()) if p]
    if not tokens or not parts:
        return False
    if parts == tokens:
        return True
    surname, given = tokens[-1], tokens[:-1]
    if parts[0] != surname:
        return False
    initials = "".join(t[0] for t in given)
    return all(p in given or p == initials or (len(p) > 1 and initials.startswith(p)) for p in parts[1:])


def writer_from_path(path: str, known: Iterable[str]) -> str | None:
    """The one name among ``known`` that the path's archive folder names, or None (no folder, no match,
    or more than one writer matching)."""
    folder = archive_folder(path)
    if folder is None:
        return None
    found = {writer_key(n): n for n in known if folder_matches(n, folder)}
    return next(iter(found.values())) if len(found) == 1 else None


class PathWriters:
    """Learns, over an ingest run, which writer each archive folder holds, and names the writer of a
    document that has no byline. Seed it with the writers already stored; :meth:`learn` every
    document as it is read."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._known = list(dict.fromkeys(n for n in known if n.strip()))
        self._votes: dict[str, Counter[str]] = defaultdict(Counter)

    def learn(self, doc: Document) -> None:
        """Note the bylines (or, for a folder's index page, the title) that match the document's folder."""
        path = doc.provenance.path
        folder = archive_folder(path)
        if folder is None:
            return
        names = list(doc.writers)
        if not names and is_index_page(path):
            names = [_TITLE_NOISE.sub("", doc.title).strip()]
        for name in names:
            if name and folder_matches(name, folder):
                self._votes[folder][name] += 1

    def writer_for(self, path: str) -> str | None:
        """The writer of ``path``'s archive folder: the byline most often seen there, else the one
        stored writer the folder names; None when neither is known."""
        folder = archive_folder(path)
        if folder is None:
            return None
        votes = self._votes.get(folder)
        if votes:
            return votes.most_common(1)[0][0]
        return writer_from_path(path, self._known)

    def fill(self, doc: Document) -> Document:
        """``doc`` with the writer its folder names when it has no byline (and is not an index page)."""
        if doc.writers or is_index_page(doc.provenance.path):
            return doc
        name = self.writer_for(doc.provenance.path)
        return doc.replace(writers=(name,)) if name else doc
