"""What a static site consists of: every page's path, the fingerprint of its inputs, and how to render it.

The plan is made from catalogue rows only (summaries, issues, writers), never from document bodies, so
that an incremental build can tell which pages changed without loading a single article. A page's
fingerprint hashes exactly what the page shows: a table of contents hashes the listed fields of its
articles (title, writers, pages...), not their revision, so a change to an article's body rewrites its
own page only, while a new title also rewrites the lists that show it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from masthead.store import DocumentSummary, IssueSummary, PeriodicalSummary, Store, WriterSummary
from masthead.store.catalogue import catalogue_slug
from masthead.web.app import FULL_TOC_LIMIT, PAGE_SIZE, issue_heading

Render = Callable[[Any], str]
"""Renders a page given :class:`masthead.web.app.Pages` whose links are relative to the page's folder."""


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page of the site: ``path`` (POSIX, relative to the site root, ends in ``index.html``),
    the fingerprint of its inputs, and how to render it (``doc_id`` for article pages, which are
    rendered from the document itself)."""

    path: str
    fingerprint: str
    render: Render | None = None
    doc_id: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleContext:
    """The catalogue context of one article page (what the web app looks up per request)."""

    summary: DocumentSummary
    periodical: PeriodicalSummary | None
    issue: IssueSummary | None
    writers: tuple[tuple[str, WriterSummary | None], ...]


@dataclass(slots=True)
class Plan:
    """Every page of the site, plus the articles' contexts and the catalogue the plan was made from."""

    pages: dict[str, PageSpec]
    articles: dict[str, ArticleContext]
    summaries: list[DocumentSummary]
    skipped: list[str]


def fingerprint(*parts: Any) -> str:
    """A short stable hash of plain values (str, int, None, tuples, lists and dataclasses of them).

    ``repr`` of such values is deterministic and much faster than JSON for tens of thousands of pages."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def listed(doc: DocumentSummary) -> tuple[Any, ...]:
    """The fields of a document that tables of contents and lists show (not its revision or size)."""
    return (doc.id, doc.title, doc.subtitle, doc.writers, doc.periodical, doc.periodical_slug, doc.volume) + (
        doc.issue,
        doc.date,
        doc.pages,
    )


def _listed_issue(issue: IssueSummary) -> tuple[Any, ...]:
    return (issue.id, issue.periodical_slug, issue_heading(issue), [listed(d) for d in issue.documents])


def _issue_ref(issue: IssueSummary | None) -> tuple[Any, ...] | None:
    return None if issue is None else (issue.id, issue_heading(issue))


def page_path(url_path: str) -> str:
    """The file of a page whose address (as :class:`~masthead.web.urls.Urls` builds it with an empty
    prefix and an ``index.html`` suffix) is ``url_path``; percent-escapes decoded."""
    return unquote(url_path)


def safe_doc_id(doc_id: str) -> bool:
    """Whether a document id can be a folder path under ``articles/`` (no empty, dot or odd segments)."""
    if "\\" in doc_id or "\x00" in doc_id:
        return False
    parts = doc_id.split("/")
    if "" in parts or "." in parts or ".." in parts:
        return False
    return not (len(parts) == 1 and doc_id.startswith("from-"))


def _issues(store: Store, slug: str, by_id: dict[str, DocumentSummary]) -> list[IssueSummary]:
    """``store.issues(slug)``, built from the summaries already read when the store can give the issues'
    outline (one light query instead of a summary per document); read in full when it cannot, or when a
    document was saved between the two reads."""
    outline = getattr(store, "issue_outlines", None)
    if outline is None:
        return store.issues(slug)
    out = []
    for head, ids in outline(slug):
        docs = tuple(by_id.get(i) for i in ids)
        if None in docs:
            return store.issues(slug)
        out.append(IssueSummary(*head, documents=docs))  # type: ignore[arg-type]
    return out


def make_plan(store: Store, salt: str, urls: Any, shas: dict[str, str]) -> Plan:
    """Plan every page of the site from the store's catalogue. ``urls`` is a root-level
    :class:`~masthead.web.urls.Urls` (empty prefix, ``/index.html`` suffix) used to name the files;
    ``shas`` maps document ids to their current revision's content hash."""
    periodicals = store.periodicals()
    by_slug = {p.slug: p for p in periodicals}
    writers = store.writers()
    writer_by_slug = {w.slug: w for w in writers}
    summaries = store.list_documents()
    total = len(summaries)
    row_of = {id(d): listed(d) for d in summaries}  # each summary's listed fields, computed once
    pages: dict[str, PageSpec] = {}
    skipped: list[str] = []

    def add(url_path: str, fp: str, render: Render | None = None, doc_id: str | None = None) -> None:
        path = page_path(url_path)
        pages[path] = PageSpec(path, fp, render, doc_id)

    slug_of: dict[str, str] = {}

    def writer_slugs(names: list[str]) -> list[str]:
        out = []
        for name in names:
            if name not in slug_of:
                slug_of[name] = catalogue_slug(name.strip())
            out.append(slug_of[name])
        return out

    add(urls.home(), fingerprint(salt, "home", periodicals, writers, total), lambda p: p.home())
    add(urls.search(), fingerprint(salt, "search"), lambda p: p.render("static_search.html"))
    for offset in range(0, max(total, 1), PAGE_SIZE):
        chunk = [row_of[id(d)] for d in summaries[offset : offset + PAGE_SIZE]]
        add(
            urls.articles(offset=offset),
            fingerprint(salt, "articles", total, offset, chunk),
            lambda p, offset=offset: p.articles(offset=offset),
        )

    issue_of: dict[str, IssueSummary] = {}
    by_id = {d.id: d for d in summaries}
    for periodical in periodicals:
        issues = _issues(store, periodical.slug, by_id)
        years = store.years(periodical.slug)
        for issue in issues:
            for d in issue.documents:
                issue_of[d.id] = issue
        full = periodical.documents <= FULL_TOC_LIMIT
        listed_issue = {issue.id: _listed_issue(issue) for issue in issues}
        add(
            urls.periodical(periodical.slug),
            fingerprint(salt, "periodical", periodical, years, [listed_issue[i.id] for i in issues] if full else None),
            lambda p, slug=periodical.slug: p.periodical(slug),
        )
        year_list = [y for y, _ in years]
        issues_of_year: dict[str, list[IssueSummary]] = {}
        for issue in issues:
            if issue.date:
                issues_of_year.setdefault(issue.date[:4], []).append(issue)
        for k, year in enumerate(year_list):
            in_year = issues_of_year.get(f"{year:04d}", [])
            if not in_year:
                continue
            prev_year = year_list[k - 1] if k > 0 else None
            next_year = year_list[k + 1] if k + 1 < len(year_list) else None
            add(
                urls.periodical_year(periodical.slug, year),
                fingerprint(
                    salt, "year", periodical.title, year, prev_year, next_year, [listed_issue[i.id] for i in in_year]
                ),
                lambda p, slug=periodical.slug, year=year: p.periodical_year(slug, year),
            )
        for k, issue in enumerate(issues):
            prev_issue = issues[k - 1] if k > 0 else None
            next_issue = issues[k + 1] if k + 1 < len(issues) else None
            add(
                urls.issue(issue.id),
                fingerprint(
                    salt,
                    "issue",
                    periodical.title,
                    listed_issue[issue.id],
                    _issue_ref(prev_issue),
                    _issue_ref(next_issue),
                ),
                lambda p, i=issue, pe=periodical, a=prev_issue, b=next_issue: p.issue_page(i, pe, a, b),
            )

    docs_of_writer: dict[str, list[DocumentSummary]] = {}
    articles: dict[str, ArticleContext] = {}
    for doc in summaries:
        names = [name for name in doc.writers if name.strip()]
        slugs = writer_slugs(names)
        for slug in dict.fromkeys(slugs):
            docs_of_writer.setdefault(slug, []).append(doc)
        if not safe_doc_id(doc.id):
            skipped.append(doc.id)
            continue
        periodical = by_slug.get(doc.periodical_slug) if doc.periodical_slug else None
        issue = issue_of.get(doc.id)
        doc_writers = tuple((name, writer_by_slug.get(slug)) for name, slug in zip(names, slugs, strict=True))
        articles[doc.id] = ArticleContext(doc, periodical, issue, doc_writers)
        path = f"articles/{doc.id.strip('/')}/index.html"  # what urls.article() names, unquoted
        pages[path] = PageSpec(
            path,
            fingerprint(
                salt,
                "article",
                doc.revision,
                shas.get(doc.id),
                row_of[id(doc)],
                periodical.title if periodical else None,
                _issue_ref(issue),
                [(name, w.slug, w.documents) if w else (name,) for name, w in doc_writers],
            ),
            doc_id=doc.id,
        )
    for writer in writers:
        docs = docs_of_writer.get(writer.slug, [])
        add(
            urls.writer(writer.slug),
            fingerprint(salt, "writer", writer, [row_of[id(d)] for d in docs]),
            lambda p, slug=writer.slug: p.writer(slug),
        )
    return Plan(pages=pages, articles=articles, summaries=summaries, skipped=skipped)
