"""One place that knows the archive's URL layout, so templates never build paths by hand.

The web app uses ``Urls()``: absolute paths (``/periodicals/labor-action``). A static-site publisher
can reuse the same templates with relative links by giving a ``prefix`` that climbs back to the site
root (``"../../"``) and a ``suffix`` that names the file of each page (``"/index.html"``)::

    Urls()                                       # /periodicals/labor-action
    Urls(prefix="../", suffix="/index.html")     # ../periodicals/labor-action/index.html
    Urls(prefix="../", suffix="/index.html", json_suffix=".json")   # ../api/documents/<id>.json

Every path segment is percent-encoded; document ids keep their slashes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import quote, urlencode

from masthead.store.catalogue import catalogue_slug


@lru_cache(maxsize=65536)
def _seg(value: str | int) -> str:
    """One path segment, percent-encoded (a slash inside it is encoded too). Cached: a page links to the
    same writers, periodicals and issues many times, and a static build makes tens of thousands of pages."""
    return quote(str(value), safe="")


@lru_cache(maxsize=65536)
def _id(doc_id: str) -> str:
    """A document id as a path: segments encoded, slashes kept, no empty or dot segments (cached)."""
    return "/".join(quote(part, safe="") for part in doc_id.strip("/").split("/"))


@dataclass(frozen=True, slots=True)
class Urls:
    """Builds the path of every page of the archive.

    ``prefix`` is put before every path (``"/"`` for the web app, a relative ``"../"`` chain or a base
    URL for a published site); ``suffix`` after every page path (``""`` or ``"/index.html"``);
    ``json_suffix`` after JSON API paths (``""`` or ``".json"``).
    """

    prefix: str = "/"
    suffix: str = ""
    json_suffix: str = ""
    paged_paths: bool = False
    """Later pages of the article list as paths (``articles/from-101``) rather than ``?offset=100``
    (a static site has no query strings)."""

    def with_prefix(self, prefix: str) -> Urls:
        """The same layout under another prefix (a static page one level deeper, say)."""
        return replace(self, prefix=prefix)

    def _page(self, path: str = "", query: dict[str, str | int] | None = None) -> str:
        if path:
            out = self.prefix + path + self.suffix
        else:
            out = self.prefix + self.suffix.lstrip("/")
        if query:
            out += "?" + urlencode(query)
        return out

    def _json(self, path: str, query: dict[str, str | int] | None = None) -> str:
        out = self.prefix + path + self.json_suffix
        if query:
            out += "?" + urlencode(query)
        return out

    # -- pages ----------------------------------------------------------------------------------------
    def home(self) -> str:
        """The archive's front page."""
        return self._page()

    def articles(self, *, offset: int = 0) -> str:
        """The list of all articles (``offset`` for later pages)."""
        if offset and self.paged_paths:
            return self._page(f"articles/from-{offset + 1}")
        return self._page("articles", {"offset": offset} if offset else None)

    def periodical(self, slug: str) -> str:
        """A periodical: its years and issues."""
        return self._page(f"periodicals/{_seg(slug)}")

    def periodical_year(self, slug: str, year: int) -> str:
        """One year of a periodical: each issue's table of contents."""
        return self._page(f"periodicals/{_seg(slug)}/{_seg(year)}")

    def issue(self, issue_id: int) -> str:
        """One issue's table of contents."""
        return self._page(f"issues/{_seg(issue_id)}")

    def writer(self, slug: str) -> str:
        """A writer's articles."""
        return self._page(f"writers/{_seg(slug)}")

    def writer_by_name(self, name: str) -> str:
        """A writer's page from the name as a document gives it (slugged the way the store slugs it)."""
        return self.writer(catalogue_slug(name.strip()))

    def article(self, doc_id: str, *, revision: int | None = None) -> str:
        """An article laid out for reading (an older ``revision`` when given)."""
        return self._page(f"articles/{_id(doc_id)}", {"revision": revision} if revision else None)

    def article_at(
        self, doc_id: str, anchor: str | None = None, *, hl: str | None = None, back: str | None = None
    ) -> str:
        """An article opened at one paragraph (``#anchor``), with the words ``hl`` highlighted and a way
        ``back`` to the search results it was reached from."""
        query: dict[str, str | int] = {}
        if hl:
            query["hl"] = hl
        if back:
            query["from"] = back
        return self._page(f"articles/{_id(doc_id)}", query or None) + (f"#{quote(anchor, safe='')}" if anchor else "")

    def history(self, doc_id: str) -> str:
        """An article's revisions and the changes between them (the web app only)."""
        return self._page(f"history/{_id(doc_id)}")

    def glossary(self) -> str:
        """The glossary: every entry by type, A to Z."""
        return self._page("glossary")

    def glossary_queue(self, *, offset: int = 0) -> str:
        """The editors' queue of proposed glossary entries (web app only; ``offset`` for later pages)."""
        return self._page("glossary/queue", {"offset": offset} if offset else None)

    def entry(self, entry_id: str) -> str:
        """A glossary entry's page: what it is and every article naming it."""
        return self._page(f"glossary/{_seg(entry_id)}")

    def search(self) -> str:
        """The search page (its form adds the query)."""
        return self._page("search")

    def static(self, name: str) -> str:
        """A static file (the style sheet)."""
        return self.prefix + "static/" + _id(name)

    # -- JSON API -------------------------------------------------------------------------------------
    def article_json(self, doc_id: str, *, revision: int | None = None) -> str:
        """The article's document JSON."""
        return self._json(f"api/documents/{_id(doc_id)}", {"revision": revision} if revision else None)

    def api_documents(self) -> str:
        """The JSON list of documents."""
        return self._json("api/documents")

    def api_periodicals(self) -> str:
        """The JSON list of periodicals."""
        return self._json("api/periodicals")

    def api_writers(self) -> str:
        """The JSON list of writers."""
        return self._json("api/writers")

    def api_entries(self) -> str:
        """The JSON list of glossary entries."""
        return self._json("api/entries")

    def api_entry(self, entry_id: str) -> str:
        """One glossary entry as JSON, with its mentions."""
        return self._json(f"api/entries/{_seg(entry_id)}")

    def api_search(self) -> str:
        """The JSON search endpoint."""
        return self._json("api/search")
