"""Publishing commands of the command line: ``masthead build`` (the static site).

:func:`register` adds the commands to the main Typer app (``masthead.cli`` calls it); each command
is a plain function below, so more publishing commands can be appended in the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from masthead.cli_common import ArchiveOpt, err, fail, open_archive, out


def build(
    archive: ArchiveOpt = "masthead.db",
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into.")] = Path("site"),
    full: Annotated[bool, typer.Option("--full", help="Rewrite every page, not only the changed ones.")] = False,
    no_search: Annotated[bool, typer.Option("--no-search", help="Do not build the Pagefind search index.")] = False,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Public address of the site (absolute links in sitemap and feed)."),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="The site's title.")] = "Masthead archive",
    downloads: Annotated[
        bool,
        typer.Option(
            "--downloads/--no-downloads",
            help="Give article pages a Cite this box (Chicago, MLA) and TEI/EPUB/BibTeX/RIS/CSL-JSON/text downloads.",
        ),
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")] = False,
) -> None:
    """Write the archive as a static website (HTML, Pagefind search, sitemap, Atom feed, robots.txt).

    The folder works from any web host and when opened from disk. A rebuild writes only the pages
    whose content changed (use --full to rewrite everything). Every article page has a Cite this box
    and download links (--no-downloads builds faster without them).

    Example: masthead build --archive archive.db --out site/ --base-url https://example.org/archive/
    """
    from masthead.publish import PublishError, build_site

    store = open_archive(archive)
    try:

        def progress(done: int, total: int) -> None:
            if not quiet:
                err.print(f"  {done}/{total} pages written", markup=False)

        try:
            report = build_site(
                store,
                out_dir,
                incremental=not full,
                pagefind=not no_search,
                base_url=base_url,
                progress=progress,
                title=title,
                downloads=downloads,
            )
        except PublishError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"{out_dir}: cannot write the site ({exc.strerror or exc})") from None
    finally:
        store.close()
    for doc_id in report.skipped:
        err.print(f"masthead: warning: {doc_id}: this id cannot be a page path; the article was left out", markup=False)
    out.print(report.summary(), markup=False)
    if not quiet:
        out.print(f"Open {(out_dir / 'index.html').resolve().as_uri()}", markup=False)


def export_command(
    ids: Annotated[list[str] | None, typer.Argument(help="Document ids to export.", show_default=False)] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="tei, epub, bibtex, ris, csl-json, markdown or text.")
    ] = "tei",
    all_: Annotated[bool, typer.Option("--all", help="Export every document in the archive.")] = False,
    writer: Annotated[str | None, typer.Option("--writer", help="Export a writer's articles (by slug).")] = None,
    issue: Annotated[int | None, typer.Option("--issue", help="Export one issue's articles (by number).")] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Export the articles a search finds (up to --limit).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="At most this many search results.")] = 50,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (a folder when one-document formats get several)."),
    ] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Site address, for article URLs.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of an EPUB of several articles.")] = None,
    archive: ArchiveOpt = "masthead.db",
) -> None:
    """Export documents as TEI, EPUB, BibTeX, RIS, CSL-JSON, Markdown or plain text.

    Text formats go to standard output without --out. BibTeX, RIS, CSL-JSON and EPUB put every chosen
    document in one file (--all with epub makes one book); TEI, Markdown and text write one file per
    document into the --out folder when several are chosen.

    Example: masthead export labor-action/1948/03/08/independent-socialism-building-workers --format tei

    Example: masthead export --query '"third camp" year:1946..1950' --format epub --out third-camp.epub
    """
    from masthead.export import FORMATS, ExportError, export
    from masthead.glossary.archive import tei_mentions

    spec = FORMATS.get(fmt)
    if spec is None:
        raise fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    chosen = sum([bool(ids), all_, writer is not None, issue is not None, query is not None])
    if chosen != 1:
        raise fail("name what to export: document ids, or one of --all, --writer SLUG, --issue N, --query Q")
    if spec.binary and out_path is None:
        raise fail(f"{fmt} is a binary format: give a file to write with --out")
    store = open_archive(archive)
    try:
        if query is not None:
            ids = _search_ids(store, archive, query, limit)
        docs = _export_selection(store, ids or [], all_, writer, issue)
        if not docs:
            raise fail("nothing to export: no documents match")
        try:
            if spec.many or len(docs) == 1:
                revisions = store.revisions(docs[0].id) if len(docs) == 1 else ()
                tei = tei_mentions(store, docs[0], base_url) if fmt == "tei" else None
                body = export(docs, fmt, base_url=base_url, revisions=revisions, title=title, mentions=tei)
                if out_path is None:
                    assert isinstance(body, str)
                    typer.echo(body, nl=not body.endswith("\n"))
                else:
                    data = body if isinstance(body, bytes) else body.encode("utf-8")
                    out_path.parent.mkdir(parents=True, exist_ok=True)
                    out_path.write_bytes(data)
                    err.print(f"Wrote {len(docs)} document(s) to {out_path}", markup=False)
                return
            if out_path is None:
                raise fail(f"{fmt} holds one document per file: give a folder to write them into with --out")
            for doc in docs:
                tei = tei_mentions(store, doc, base_url) if fmt == "tei" else None
                body = export(doc, fmt, base_url=base_url, revisions=store.revisions(doc.id), mentions=tei)
                assert isinstance(body, str)
                target = out_path.joinpath(*_safe_parts(doc.id)).with_name(_safe_parts(doc.id)[-1] + spec.extension)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(body, encoding="utf-8")
            err.print(f"Wrote {len(docs)} files into {out_path}", markup=False)
        except ExportError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    finally:
        store.close()


def _search_ids(store, archive: str, query: str, limit: int) -> list[str]:  # noqa: ANN001
    """Ids of the articles a search finds, best first (the search index is brought up to date first)."""
    from masthead.search import QueryError, SearchIndexError
    from masthead.search.sync import index_path_for, open_index
    from masthead.search.writers import WriterNames

    try:
        with open_index(store, index_path_for(archive)) as ix:
            writers = WriterNames.of(store)
            return [h.doc_id for h in ix.search(query, limit=limit, facets=False, writers=writers).hits]
    except QueryError as exc:
        raise fail(f"cannot understand the query: {exc}") from None
    except SearchIndexError as exc:
        raise fail(f"{exc}; rebuild it with: masthead reindex --archive {archive}") from None


def _safe_parts(doc_id: str) -> list[str]:
    """A document id as path parts that stay inside the output folder."""
    parts = [p for p in doc_id.strip("/").split("/") if p not in ("", ".", "..")]
    return [p.replace("\\", "_") for p in parts] or ["document"]


def _export_selection(store, ids: list[str], all_: bool, writer: str | None, issue: int | None) -> list:  # noqa: ANN001
    """The documents a command line chose, in archive order."""
    if all_:
        return list(store.iter_documents())
    if writer is not None:
        if store.writer(writer) is None:
            raise fail(f"no writer {writer!r} in this archive")
        wanted = [d.id for d in store.list_documents(writer=writer)]
    elif issue is not None:
        found = store.issue(issue)
        if found is None:
            raise fail(f"no issue number {issue} in this archive")
        wanted = [d.id for d in found.documents]
    else:
        wanted = [i.strip("/") for i in ids]
    docs = []
    for doc_id in wanted:
        doc = store.get(doc_id)
        if doc is None:
            raise fail(f"no document with id {doc_id!r}")
        docs.append(doc)
    return docs


def register(app: typer.Typer) -> None:
    """Add the publishing commands to ``app``."""
    app.command("build", rich_help_panel="Publish")(build)
    app.command("export", rich_help_panel="Publish")(export_command)
