"""What a static site consists of: every page's path, the fingerprint of its inputs, and how to render it.

The plan is made from catalogue rows only (summaries, issues, writers), never from document bodies, so
that an incremental build can tell which pages changed without loading a single article. A page's
fingerprint hashes exactly what the page shows: a table of contents hashes the listed fields of its
articles (title, writers, pages...), not their revision, so a change to an article's body rewrites its
own page only, while a new title also rewrites the lists that show it.

Each document also gets a *catalogue key*: the hash of everything about it that any page other than its
own shows (its listed fields and its issue). A rebuild after saves that left every key as it was needs
to re-plan only the saved articles' own pages (:func:`article_specs`), not the whole site.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from masthead.store import DocumentSummary, IssueSummary, PeriodicalSummary, Store, WriterSummary
from masthead.store.catalogue import catalogue_slug, issue_heading
from masthead.web.app import FULL_TOC_LIMIT, PAGE_SIZE

NO_MENTIONS = "-"
"""The mention digest of a document with no glossary mentions (see :mod:`masthead.publish.glossary_plan`)."""

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
    """Every page of the site, plus the articles' contexts and the catalogue the plan was made from
    (``articles`` may hold only the articles to render when the plan is partial)."""

    pages: dict[str, PageSpec]
    articles: dict[str, ArticleContext]
    summaries: list[DocumentSummary]
    skipped: list[str]
    docs: dict[str, str] = field(default_factory=dict)
    """Per document id: ``"revision updated catalogue-key place-key mention-digest"`` (what the manifest
    keeps)."""
    created: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    """One document as the planner reads it: its summary, when it was added, its ``(revision, updated)``
    stamp (which changes with every new revision) and its issue (id and label, as the store files it)."""

    summary: DocumentSummary
    created: str
    stamp: tuple[int, str]
    issue_id: int | None = None
    issue_label: str | None = None


def read_catalogue(store: Store, ids: Sequence[str] | None = None) -> list[CatalogueRow]:
    """Every document's :class:`CatalogueRow` (or those with ``ids``), in :meth:`Store.list_documents`
    order: one query on a store with ``publish_catalogue`` (SQLite), else summaries and revisions."""
    query = getattr(store, "publish_catalogue", None)
    if query is None:
        wanted = None if ids is None else set(ids)
        out = []
        for doc in store.list_documents():
            if wanted is not None and doc.id not in wanted:
                continue
            revs = store.revisions(doc.id)
            created = revs[0].created if revs else ""
            out.append(CatalogueRow(doc, created, (doc.revision, revs[-1].created if revs else "")))
        return out
    names: dict[str, tuple[str, ...]] = {}  # the writers' JSON repeats: parse each distinct list once
    pages: dict[tuple[Any, Any], str | None] = {}
    out = []
    for r in query(ids):
        writers = names.get(r[3])
        if writers is None:
            writers = names[r[3]] = tuple(json.loads(r[3]))
        span = (r[9], r[10])
        if span not in pages:
            start, end = span
            pages[span] = None if start is None else str(start) if end is None or end == start else f"{start}-{end}"
        summary = DocumentSummary(r[0], r[1], r[2], writers, r[4], r[5], r[6], r[7], r[8], pages[span], r[11], r[12])
        out.append(CatalogueRow(summary, r[13], (r[11], r[14]), r[15], r[16]))
    return out


def fingerprint(*parts: Any) -> str:
    """A short stable hash of plain values (str, int, None, tuples, lists and dataclasses of them).

    ``repr`` of such values is deterministic and much faster than JSON for tens of thousands of pages."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def fingerprint_rows(head: tuple[Any, ...], rows: Iterable[str]) -> str:
    """:func:`fingerprint` of ``head`` followed by already ``repr``-ed rows (each row's text is made once
    per build, not once per page that lists it)."""
    h = hashlib.blake2b(repr(head).encode("utf-8"), digest_size=12)
    h.update("\x1e".join(rows).encode("utf-8"))
    return h.hexdigest()


def listed(doc: DocumentSummary) -> tuple[Any, ...]:
    """The fields of a document that tables of contents and lists show (not its revision or size)."""
    return (doc.id, doc.title, doc.subtitle, doc.writers, doc.periodical, doc.periodical_slug, doc.volume) + (
        doc.issue,
        doc.date,
        doc.pages,
    )


def _listed_issue(issue: IssueSummary, row_of: dict[str, str]) -> str:
    head = repr((issue.id, issue.periodical_slug, issue_heading(issue)))
    return head + "\x1d" + "\x1e".join(row_of[d.id] for d in issue.documents)


def _issue_ref(issue: IssueSummary | None) -> tuple[Any, ...] | None:
    return None if issue is None else (issue.id, issue_heading(issue))


def catalogue_key(row: str, issue_ref: tuple[Any, ...] | None) -> str:
    """A document's catalogue key: its listed fields (``repr``-ed) and its issue's id and heading."""
    return hashlib.blake2b(f"{row}\x1d{issue_ref!r}".encode(), digest_size=12).hexdigest()


def article_fingerprint(
    salt: str,
    entry: CatalogueRow,
    row: str,
    periodical: PeriodicalSummary | None,
    issue_ref: tuple[Any, ...] | None,
    writers: Sequence[tuple[str, WriterSummary | None]],
    mentions: str = "-",
) -> str:
    """The fingerprint of an article's page (the same whether the whole site or one article is planned);
    ``mentions`` is the digest of its glossary mentions (see :mod:`masthead.publish.glossary_plan`)."""
    head = (salt, "article", entry.stamp, periodical.title if periodical else None, issue_ref, mentions)
    return fingerprint_rows(head + ([(n, w.slug, w.documents) if w else (n,) for n, w in writers],), (row,))


def fp_articles(salt: str, total: int, offset: int, rows: Sequence[str]) -> str:
    """The fingerprint of a page of the article list (``rows``: its documents' listed fields as text)."""
    return fingerprint_rows((salt, "articles", total, offset), rows)


def fp_periodical(salt: str, periodical: PeriodicalSummary, years: Any, full: bool, issues: Sequence[str]) -> str:
    """The fingerprint of a periodical's page (``issues``: each issue listed as text, when ``full``)."""
    return fingerprint_rows((salt, "periodical", periodical, years, full), issues if full else [])


def fp_year(salt: str, title: str, year: int, prev: int | None, next_: int | None, issues: Sequence[str]) -> str:
    """The fingerprint of one year of a periodical."""
    return fingerprint_rows((salt, "year", title, year, prev, next_), issues)


def fp_issue(salt: str, title: str, prev_ref: Any, next_ref: Any, listed_issue: str) -> str:
    """The fingerprint of an issue's page."""
    return fingerprint_rows((salt, "issue", title, prev_ref, next_ref), (listed_issue,))


def fp_writer(salt: str, writer: WriterSummary, rows: Sequence[str]) -> str:
    """The fingerprint of a writer's page."""
    return fingerprint_rows((salt, "writer", writer), rows)


def place_key(doc: DocumentSummary, issue_ref: tuple[Any, ...] | None) -> str:
    """A hash of where a document sits in the catalogue (its issue, writers, periodical, volume, number
    and date): when only this stays the same, a change to its catalogue key is a new title, subtitle or
    pages, which its own lists show (issue, year, periodical, writers, article list) and nothing else."""
    place = (issue_ref, doc.writers, doc.periodical, doc.periodical_slug, doc.volume, doc.issue, doc.date)
    return hashlib.blake2b(repr(place).encode(), digest_size=8).hexdigest()


def doc_entry(stamp: tuple[int, str], key: str, place: str, mentions: str = "-") -> str:
    """A document's manifest entry: ``"revision updated catalogue-key place-key mention-digest"``."""
    return f"{stamp[0]} {stamp[1]} {key} {place} {mentions}"


def article_path(doc_id: str) -> str:
    """The file of an article's page (what ``urls.article()`` names, unquoted)."""
    return f"articles/{doc_id.strip('/')}/index.html"


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


def _all_issues(store: Store, catalogue: list[CatalogueRow]) -> dict[str, list[IssueSummary]]:
    """Every periodical's issues as :meth:`Store.issues` lists them, built from the catalogue rows and
    the store's issue heads (a store without ``issue_heads`` gives an empty map: ask it per periodical)."""
    heads = getattr(store, "issue_heads", None)
    if heads is None:
        return {}
    docs_of: dict[int, list[DocumentSummary]] = {}
    for entry in catalogue:  # in listing order: within an issue, page order
        if entry.issue_id is not None:
            docs_of.setdefault(entry.issue_id, []).append(entry.summary)
    out: dict[str, list[IssueSummary]] = {}
    for head in heads():
        docs = docs_of.get(head[0])
        if docs:
            out.setdefault(head[1], []).append(IssueSummary(*head, documents=tuple(docs)))
    return out


def make_plan(store: Store, salt: str, urls: Any) -> Plan:
    """Plan every page of the site from the store's catalogue. ``urls`` is a root-level
    :class:`~masthead.web.urls.Urls` (empty prefix, ``/index.html`` suffix) used to name the files."""
    periodicals = store.periodicals()
    by_slug = {p.slug: p for p in periodicals}
    writers = store.writers()
    writer_by_slug = {w.slug: w for w in writers}
    catalogue = read_catalogue(store)
    summaries = [c.summary for c in catalogue]
    from masthead.publish.glossary_plan import glossary_specs, mention_digests, read_mentions

    mention_rows = read_mentions(store)
    digests = mention_digests(mention_rows)
    total = len(summaries)
    row_of = {d.id: repr(listed(d)) for d in summaries}  # each summary's listed fields, as text, once
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
        chunk = [row_of[d.id] for d in summaries[offset : offset + PAGE_SIZE]]
        add(
            urls.articles(offset=offset),
            fp_articles(salt, total, offset, chunk),
            lambda p, offset=offset: p.articles(offset=offset),
        )

    issue_of: dict[str, IssueSummary] = {}
    by_id = {d.id: d for d in summaries}
    issue_page = urls.issue(0)
    issues_of = _all_issues(store, catalogue)
    ref_of: dict[int, tuple[Any, ...] | None] = {}
    for periodical in periodicals:
        issues = issues_of.get(periodical.slug)
        if issues is None:
            issues = _issues(store, periodical.slug, by_id)
        years = store.years(periodical.slug)
        for issue in issues:
            for d in issue.documents:
                issue_of[d.id] = issue
        full = periodical.documents <= FULL_TOC_LIMIT
        listed_issue = {issue.id: _listed_issue(issue, row_of) for issue in issues}
        add(
            urls.periodical(periodical.slug),
            fp_periodical(salt, periodical, years, full, [listed_issue[i.id] for i in issues] if full else []),
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
                fp_year(salt, periodical.title, year, prev_year, next_year, [listed_issue[i.id] for i in in_year]),
                lambda p, slug=periodical.slug, year=year: p.periodical_year(slug, year),
            )
        refs = [_issue_ref(issue) for issue in issues]
        for k, issue in enumerate(issues):
            ref_of[issue.id] = refs[k]
            prev_issue = issues[k - 1] if k > 0 else None
            next_issue = issues[k + 1] if k + 1 < len(issues) else None
            # urls.issue(id) for an integer id, without percent-encoding 20,000 times
            path = issue_page.replace("/0/", f"/{int(issue.id)}/")
            pages[path] = PageSpec(
                path,
                fp_issue(
                    salt,
                    periodical.title,
                    refs[k - 1] if k > 0 else None,
                    refs[k + 1] if next_issue else None,
                    listed_issue[issue.id],
                ),
                lambda p, i=issue, pe=periodical, a=prev_issue, b=next_issue: p.issue_page(i, pe, a, b),
            )

    docs_of_writer: dict[str, list[str]] = {}
    articles: dict[str, ArticleContext] = {}
    docs: dict[str, str] = {}
    created: dict[str, str] = {}
    for entry in catalogue:
        doc = entry.summary
        names = [name for name in doc.writers if name.strip()]
        slugs = writer_slugs(names)
        for slug in dict.fromkeys(slugs):
            docs_of_writer.setdefault(slug, []).append(doc.id)
        issue = issue_of.get(doc.id)
        row = row_of[doc.id]
        issue_ref = None if issue is None else ref_of[issue.id]
        digest = digests.get(doc.id, NO_MENTIONS)
        docs[doc.id] = doc_entry(entry.stamp, catalogue_key(row, issue_ref), place_key(doc, issue_ref), digest)
        if not safe_doc_id(doc.id):
            skipped.append(doc.id)
            continue
        created[doc.id] = entry.created
        periodical = by_slug.get(doc.periodical_slug) if doc.periodical_slug else None
        doc_writers = tuple((name, writer_by_slug.get(slug)) for name, slug in zip(names, slugs, strict=True))
        articles[doc.id] = ArticleContext(doc, periodical, issue, doc_writers)
        path = article_path(doc.id)
        fp = article_fingerprint(salt, entry, row, periodical, issue_ref, doc_writers, digest)
        pages[path] = PageSpec(path, fp, doc_id=doc.id)
    for writer in writers:
        ids = docs_of_writer.get(writer.slug, [])
        add(
            urls.writer(writer.slug),
            fp_writer(salt, writer, [row_of[i] for i in ids]),
            lambda p, slug=writer.slug: p.writer(slug),
        )
    pages.update(glossary_specs(store, salt, mention_rows, {c.summary.id: c.stamp for c in catalogue}))
    return Plan(pages=pages, articles=articles, summaries=summaries, skipped=skipped, docs=docs, created=created)


def article_specs(
    store: Store, salt: str, rows: Sequence[CatalogueRow], known: dict[str, str], digests: dict[str, str]
) -> tuple[dict[str, PageSpec], dict[str, ArticleContext], list[CatalogueRow], dict[str, str]] | None:
    """The pages of just these saved documents, and those of them whose lists must be re-planned too.

    Each document must have been in the last build (``known``: the previous plan's :attr:`Plan.docs`)
    in the same place (:func:`place_key`); ``digests`` are the documents' mention digests
    (:func:`~masthead.publish.glossary_plan.mention_digests`). Then either its catalogue key is as it was
    (only its own page can have changed) or its title, subtitle or pages changed (returned last: its lists
    change too).
    Also returned: the documents' new manifest entries. None when a document moved (the whole site must
    be planned)."""
    pages: dict[str, PageSpec] = {}
    articles: dict[str, ArticleContext] = {}
    relisted: list[CatalogueRow] = []
    entries: dict[str, str] = {}
    periodicals: dict[str, PeriodicalSummary | None] = {}
    writers: dict[str, WriterSummary | None] = {}
    for entry in rows:
        doc = entry.summary
        old = known.get(doc.id, "").split(" ")
        if len(old) != 5 or entry.issue_id is None and doc.periodical_slug or entry.issue_id and not entry.issue_label:
            return None
        issue = store.issue(entry.issue_id) if entry.issue_id is not None else None
        if (issue is None) != (entry.issue_id is None):
            return None
        row = repr(listed(doc))
        issue_ref = _issue_ref(issue)
        if place_key(doc, issue_ref) != old[3]:
            return None
        key = catalogue_key(row, issue_ref)
        if key != old[2]:
            relisted.append(entry)
        digest = digests.get(doc.id, NO_MENTIONS)
        entries[doc.id] = doc_entry(entry.stamp, key, old[3], digest)
        if not safe_doc_id(doc.id):
            continue
        slug = doc.periodical_slug
        if slug and slug not in periodicals:
            periodicals[slug] = store.periodical(slug)
        periodical = periodicals.get(slug) if slug else None
        doc_writers = []
        for name in doc.writers:
            if name.strip():
                w = catalogue_slug(name.strip())
                if w not in writers:
                    writers[w] = store.writer(w)
                doc_writers.append((name, writers[w]))
        articles[doc.id] = ArticleContext(doc, periodical, issue, tuple(doc_writers))
        path = article_path(doc.id)
        pages[path] = PageSpec(
            path, article_fingerprint(salt, entry, row, periodical, issue_ref, doc_writers, digest), doc_id=doc.id
        )
    return pages, articles, relisted, entries
