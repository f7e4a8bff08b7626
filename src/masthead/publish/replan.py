"""Re-planning the lists that show a document whose title, subtitle or pages changed, and nothing else.

When a save changes only what lists show of a document (not its issue, writers or date: see
:func:`masthead.publish.plan.place_key`), the pages that can change are its own, its issue's, its
year's, its periodical's, its writers' and the pages of the article list (where a new title can move
it). :func:`list_specs` plans just those, with the same fingerprint functions as
:func:`~masthead.publish.plan.make_plan`, so a rebuild after a retitled article does not plan the
whole site.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from masthead.publish.plan import (
    CatalogueRow,
    PageSpec,
    _issue_ref,
    _listed_issue,
    fp_articles,
    fp_issue,
    fp_periodical,
    fp_writer,
    fp_year,
    listed,
    page_path,
    read_catalogue,
)
from masthead.store import Store
from masthead.store.catalogue import catalogue_slug
from masthead.web.app import FULL_TOC_LIMIT, PAGE_SIZE


def list_specs(store: Store, salt: str, relisted: Sequence[CatalogueRow], urls: Any) -> dict[str, PageSpec]:
    """The pages that list the ``relisted`` documents (issue, year, periodical, writers, every page of the
    article list), each with its current fingerprint. ``urls`` is the root-level ``Urls`` of the plan."""
    summaries = [c.summary for c in read_catalogue(store)]
    row_of = {d.id: repr(listed(d)) for d in summaries}
    specs: dict[str, PageSpec] = {}

    def add(url_path: str, fp: str, render: Any) -> None:
        path = page_path(url_path)
        specs[path] = PageSpec(path, fp, render)

    total = len(summaries)
    for offset in range(0, max(total, 1), PAGE_SIZE):
        chunk = [row_of[d.id] for d in summaries[offset : offset + PAGE_SIZE]]
        add(
            urls.articles(offset=offset),
            fp_articles(salt, total, offset, chunk),
            lambda p, o=offset: p.articles(offset=o),
        )

    slugs = {entry.summary.periodical_slug for entry in relisted if entry.summary.periodical_slug}
    issue_ids = {entry.issue_id for entry in relisted if entry.issue_id is not None}
    for slug in sorted(slugs):
        periodical = store.periodical(slug)
        if periodical is None:
            continue
        years = store.years(slug)
        year_list = [y for y, _ in years]
        full = periodical.documents <= FULL_TOC_LIMIT
        listed_all = [_listed_issue(i, row_of) for i in store.issues(slug)] if full else []
        add(
            urls.periodical(slug),
            fp_periodical(salt, periodical, years, full, listed_all),
            lambda p, s=slug: p.periodical(s),
        )
        shown_years: set[int] = set()
        for issue_id in sorted(issue_ids):
            issue = store.issue(issue_id)
            if issue is None or issue.periodical_slug != slug:
                continue
            prev_issue, next_issue = store.adjacent_issues(issue_id)
            add(
                urls.issue(issue_id),
                fp_issue(
                    salt,
                    periodical.title,
                    _issue_ref(prev_issue),
                    _issue_ref(next_issue),
                    _listed_issue(issue, row_of),
                ),
                lambda p, i=issue, pe=periodical, a=prev_issue, b=next_issue: p.issue_page(i, pe, a, b),
            )
            if issue.date and issue.date[:4].isdigit() and int(issue.date[:4]) in year_list:
                shown_years.add(int(issue.date[:4]))
        for year in sorted(shown_years):
            k = year_list.index(year)
            prev_year = year_list[k - 1] if k > 0 else None
            next_year = year_list[k + 1] if k + 1 < len(year_list) else None
            in_year = [i for i in store.issues(slug, year=year) if i.date and i.date[:4] == f"{year:04d}"]
            add(
                urls.periodical_year(slug, year),
                fp_year(
                    salt, periodical.title, year, prev_year, next_year, [_listed_issue(i, row_of) for i in in_year]
                ),
                lambda p, s=slug, y=year: p.periodical_year(s, y),
            )

    writer_slugs = {catalogue_slug(n.strip()) for e in relisted for n in e.summary.writers if n.strip()}
    for slug in sorted(writer_slugs):
        writer = store.writer(slug)
        if writer is None:
            continue
        rows = [row_of[d.id] for d in store.list_documents(writer=slug) if d.id in row_of]
        add(urls.writer(slug), fp_writer(salt, writer, rows), lambda p, s=slug: p.writer(s))
    return specs
