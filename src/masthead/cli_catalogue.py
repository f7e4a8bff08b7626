"""Catalogue commands of the command line: ``masthead check``, ``masthead writers ...`` and
``masthead periodicals ...``.

:func:`register` adds them to the main Typer app (``masthead.cli`` calls it).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from masthead.cli_common import ArchiveOpt, archive_session, err, fail, open_archive, out

__all__ = ["register"]


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class Severity(StrEnum):
    info = "info"
    warning = "warning"
    error = "error"


_RANK = {"info": 0, "warning": 1, "error": 2}


def check(
    archive: ArchiveOpt = "masthead.db",
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = CheckFormat.text,
    periodical: Annotated[
        str | None, typer.Option("--periodical", "-p", help="Check one periodical (its slug).")
    ] = None,
    min_severity: Annotated[
        Severity, typer.Option("--min-severity", help="Report findings of this severity and above (gaps are info).")
    ] = Severity.info,
    strict_dates: Annotated[
        bool,
        typer.Option(
            "--strict-dates/--lenient-dates",
            help="Report date lines less precise than the citation ('(March 1948)' for 8 March 1948) as info.",
        ),
    ] = True,
) -> None:
    """Check the catalogue against each periodical's calendar.

    Learns each periodical's rhythm from its issues (weekly on a weekday, semi-monthly, monthly,
    quarterly; where volumes roll over) and reports issues whose volume or number does not fit their
    date, two issues claiming one number, date lines that disagree with the citation, and the gaps in
    each run. Exits 1 when there are findings, 0 when there are none.

    Example: masthead check --archive archive.db --format json --min-severity warning
    """
    from masthead.catalogue.calendar import check_archive
    from masthead.store import StoreError

    store = open_archive(archive)
    try:
        if periodical is not None and store.periodical(periodical) is None:
            raise fail(f"no periodical {periodical!r} in {archive}; list them with: masthead periodicals list")
        with err.status("checking the calendar …"):
            issues, docs = store.calendar_rows(periodical)
            rhythms, findings = check_archive(issues, docs, strict_dates=strict_dates)
        try:
            store.set_periodical_frequencies({s: r.frequency for s, r in rhythms.items()})
        except StoreError:
            pass  # a read-only archive still gets its report
        titles = {p.slug: p.title for p in store.periodicals()}
    finally:
        store.close()
    shown = [f for f in findings if _RANK[f.severity] >= _RANK[min_severity.value]]
    if format is CheckFormat.json:
        data = {
            "periodicals": {
                s: {"title": titles.get(s, s), "frequency": r.frequency, "rhythm": r.summary(), "issues": r.issues}
                for s, r in rhythms.items()
            },
            "findings": [f.to_dict() for f in shown],
            "counts": {k: sum(1 for f in shown if f.severity == k) for k in _RANK},
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        current = None
        for f in sorted(shown, key=lambda f: (titles.get(f.periodical, f.periodical).lower(), f.periodical)):
            if f.periodical != current:
                current = f.periodical
                rhythm = rhythms.get(f.periodical)
                head = titles.get(f.periodical, f.periodical)
                out.print(f"{head} ({f.periodical})" + (f": {rhythm.summary()}" if rhythm else ""), markup=False)
            line = f"  {f.severity:<7} {f.kind:<16} {f.issue}: {f.message}"
            if f.expected:
                line += f" [expected: {f.expected}]"
            if f.documents:
                line += " (" + ", ".join(f.documents[:3]) + (" …" if len(f.documents) > 3 else "") + ")"
            out.print(line, markup=False)
    counts = ", ".join(f"{sum(1 for f in shown if f.severity == k)} {k}" for k in ("error", "warning", "info"))
    err.print(f"{len(shown)} findings ({counts}) over {len(issues)} issues of {len(rhythms)} periodicals", markup=False)
    if shown:
        raise typer.Exit(1)


# -- writers ------------------------------------------------------------------------------------------------
writers_app = typer.Typer(
    help="List writers, merge two into one, split one into two, declare an alias or pen name.",
    no_args_is_help=True,
)


@writers_app.command("list")
def writers_list(
    archive: ArchiveOpt = "masthead.db",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every writer with their slug, document count and aliases.

    Example: masthead writers list --archive archive.db
    """
    store = open_archive(archive)
    try:
        rows = [(w, store.writer_aliases(w.slug)) for w in store.writers()]
    finally:
        store.close()
    if json_out:
        data = [{"slug": w.slug, "name": w.name, "documents": w.documents, "aliases": a} for w, a in rows]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("slug", "name", "documents", "aliases")
    for w, aliases in rows:
        table.add_row(escape(w.slug), escape(w.name), str(w.documents), escape(", ".join(aliases)))
    out.print(table)


@writers_app.command("merge")
def writers_merge(
    src: Annotated[str, typer.Argument(help="Slug of the writer to merge away.", show_default=False)],
    dst: Annotated[str, typer.Argument(help="Slug of the writer to keep.", show_default=False)],
    archive: ArchiveOpt = "masthead.db",
) -> None:
    """Merge writer SRC into DST: every document of SRC is filed under DST, and SRC's name becomes an
    alias of DST, so later ingests of that byline go to DST as well.

    Example: masthead writers merge jim-connolly james-connolly
    """

    with archive_session(archive) as store:
        moved = store.merge_writers(src, dst)
    out.print(f"merged {src} into {dst}: {moved} documents moved", markup=False)


@writers_app.command("split")
def writers_split(
    slug: Annotated[str, typer.Argument(help="Slug of the writer to split.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Name of the writer the documents go to.", show_default=False)],
    doc: Annotated[list[str], typer.Option("--doc", help="A document id to move (repeat the option).")],
    archive: ArchiveOpt = "masthead.db",
) -> None:
    """Split writer SLUG: file the documents given with --doc under the writer named --name (created
    when new). The split is remembered per document, so a re-ingest keeps it.

    Example: masthead writers split james-connolly --name "James Connolly (Dublin)" --doc connolly/1898/home
    """

    with archive_session(archive) as store:
        new = store.split_writer(slug, name, [d.strip("/") for d in doc])
    out.print(f"moved {len(doc)} documents from {slug} to {new}", markup=False)


@writers_app.command("alias")
def writers_alias(
    alias: Annotated[str, typer.Argument(help="The other name (pen name, spelling), in quotes.", show_default=False)],
    writer: Annotated[str, typer.Argument(help="Slug of the writer it names.", show_default=False)],
    archive: ArchiveOpt = "masthead.db",
) -> None:
    """Declare ALIAS another name of WRITER: documents with that byline are filed under WRITER (a
    writer already stored under that name is merged into WRITER).

    Example: masthead writers alias "J. Meyer" c-l-r-james
    """

    with archive_session(archive) as store:
        moved = store.add_writer_alias(alias, writer)
    out.print(f"{alias!r} is now an alias of {writer} ({moved} documents moved)", markup=False)


# -- periodicals ------------------------------------------------------------------------------------------
periodicals_app = typer.Typer(
    help="List periodicals with their title variants; declare a variant.", no_args_is_help=True
)


@periodicals_app.command("list")
def periodicals_list(
    archive: ArchiveOpt = "masthead.db",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every periodical: slug, title, place, years, frequency (as ``masthead check`` last learnt
    it), documents and title variants.

    Example: masthead periodicals list --json
    """
    store = open_archive(archive)
    try:
        rows = [(p, store.periodical_details(p.slug), store.periodical_variants(p.slug)) for p in store.periodicals()]
    finally:
        store.close()
    if json_out:
        data = [
            {
                "slug": p.slug,
                "title": p.title,
                **d,
                "first_year": p.first_year,
                "last_year": p.last_year,
                "documents": p.documents,
                "variants": v,
            }
            for p, d, v in rows
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("slug", "title", "place", "years", "frequency", "documents", "variants")
    for p, d, v in rows:
        years = (
            f"{p.first_year}–{p.last_year}" if p.first_year and p.last_year != p.first_year else str(p.first_year or "")
        )
        table.add_row(
            escape(p.slug),
            escape(p.title),
            escape(d["place"] or ""),
            years,
            d["frequency"] or "",
            str(p.documents),
            escape("; ".join(x for x in v if x != p.title)),
        )
    out.print(table)


@periodicals_app.command("alias")
def periodicals_alias(
    variant: Annotated[str, typer.Argument(help="The title variant, in quotes.", show_default=False)],
    slug: Annotated[str, typer.Argument(help="Slug of the periodical it names.", show_default=False)],
    archive: ArchiveOpt = "masthead.db",
) -> None:
    """Declare VARIANT a title of periodical SLUG: documents citing that title are filed under SLUG,
    and a periodical already stored under that title moves into it (issues and all).

    Example: masthead periodicals alias "Workers Republic (Dublin)" workers-republic
    """

    with archive_session(archive) as store:
        moved = store.alias_periodical(variant, slug)
    out.print(f"{variant!r} is now a title of {slug} ({moved} documents moved)", markup=False)


def register(app: typer.Typer) -> None:
    """Add the catalogue commands to ``app``."""
    app.command("check", rich_help_panel="Catalogue")(check)
    app.add_typer(writers_app, name="writers", rich_help_panel="Catalogue")
    app.add_typer(periodicals_app, name="periodicals", rich_help_panel="Catalogue")
