"""The ``masthead`` command line: a thin layer over the library (ingest, readers, store, web).

Every command that reads or writes an archive takes ``--archive`` (default ``./masthead.db``, or the
``MASTHEAD_ARCHIVE`` environment variable). Errors are one line on standard error, naming the file and
line where there is one, with a non-zero exit code; never a traceback.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from masthead import __version__
from masthead.cli_common import DEFAULT_ARCHIVE, ArchiveOpt, err, fail, open_archive, out

__all__ = ["ArchiveOpt", "DEFAULT_ARCHIVE", "app", "err", "fail", "main", "open_archive", "out"]

app = typer.Typer(
    name="masthead",
    help=(
        "Masthead turns transcriptions of historical periodicals (ETOL plain text, MIA Markdown, "
        "MIA/ETOL HTML) into a structured, searchable archive.\n\n"
        "Typical session:\n\n"
        "  masthead parse article.txt            # see how one file is structured\n\n"
        "  masthead ingest examples/corpus       # store a folder of transcriptions\n\n"
        "  masthead list                         # what the archive holds\n\n"
        "  masthead serve                        # read it at http://127.0.0.1:8000\n\n"
        "  masthead build --out site/            # or publish it as a static website"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class ParseFormat(StrEnum):
    json = "json"
    html = "html"
    text = "text"
    markdown = "markdown"


class InputFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class ShowFormat(StrEnum):
    json = "json"
    text = "text"
    html = "html"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        out.print(f"masthead {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Masthead command line."""


def render(doc, fmt: str) -> str:  # noqa: ANN001
    """A document in one of the output formats."""
    if fmt == "json":
        return doc.to_json(indent=2)
    if fmt == "html":
        from masthead.render.html import to_html

        return to_html(doc)
    if fmt == "markdown":
        from masthead.render.markdown import to_markdown

        return to_markdown(doc)
    from masthead.render.text import to_text

    return to_text(doc)


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="A transcription: .txt, .md or .html.", show_default=False)],
    format: Annotated[ParseFormat, typer.Option("--format", "-f", help="Output format.")] = ParseFormat.json,
    input_format: Annotated[
        InputFormat | None,
        typer.Option("--input-format", help="Read the file as this format (default: from its extension)."),
    ] = None,
    max_size: Annotated[float, typer.Option("--max-size", help="Largest file to read, in MiB.")] = 10,
) -> None:
    """Structure one transcription and print it, without storing anything.

    Warnings about lines that could not be recognised go to standard error.

    Example: masthead parse examples/corpus/plaintext/labor-action-1948-03-08-p4-independent-socialism.txt -f text
    """
    from masthead.ingest import parse_file
    from masthead.readers import ReadError

    try:
        parsed = parse_file(file, max_bytes=int(max_size * 1048576), fmt=input_format.value if input_format else None)
    except ReadError as exc:
        raise fail(str(exc)) from None
    for w in parsed.warnings:
        err.print(w.format(parsed.document.provenance.path), markup=False)
    sys.stdout.write(render(parsed.document, format.value).rstrip("\n") + "\n")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).", show_default=False)],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            help="Worker processes that parse, prepare and proofread (0: one a core for a batch of 100 files or more).",
            min=0,
        ),
    ] = 0,
    max_size: Annotated[float, typer.Option("--max-size", help="Largest file to read, in MiB.")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or per-file warnings.")] = False,
    index: Annotated[bool, typer.Option("--index/--no-index", help="Bring the search index up to date.")] = True,
    proofread: Annotated[
        bool, typer.Option("--proofread/--no-proofread", help="Proofread new and changed documents; store findings.")
    ] = True,
    link: Annotated[
        bool, typer.Option("--link/--no-link", help="Find the glossary's entries in new and changed documents.")
    ] = True,
    reparse: Annotated[
        bool,
        typer.Option(
            "--reparse", help="Parse every file, even those whose bytes match what is stored (after an upgrade)."
        ),
    ] = False,
) -> None:
    """Store transcriptions in an archive, creating it if needed, and update its search index.

    Each file becomes a document: new, changed (a new revision; the old one is kept), unchanged (same
    content), or failed (with the reason). A file whose bytes are those the stored document came from
    is recognised as unchanged without being parsed (use --reparse after upgrading Masthead, so that
    improved readers see every file again). One bad file never stops the batch; the exit code is 1
    when any file failed. New and changed documents are proofread (findings wait in `masthead review`;
    the archive's vocabulary, from `masthead lexicon build`, is used when it exists) and linked to the
    glossary's entries.

    Example: masthead ingest examples/corpus --archive archive.db
    """
    from masthead.pipeline import ingest_paths

    store = open_archive(archive, create=True)
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        disable=quiet,
        transient=True,
    )
    from masthead.ingest import discover
    from masthead.readers import ReadError

    files: list[Path] = []  # walked once; a missing path stays in the list and is reported as failed
    for p in paths:
        try:
            files.extend(discover([p]))
        except ReadError:
            files.append(p)
    with progress:
        task = progress.add_task("", total=len(files))

        def on_file(o):  # noqa: ANN001, ANN202
            progress.update(task, advance=1, description=o.path[-50:])
            if o.status == "failed":
                progress.console.print(f"failed: {o.error}", markup=False, style="red")
            elif not quiet:
                for w in o.warnings:
                    progress.console.print(w.format(o.path), markup=False, style="yellow")

        try:
            report = ingest_paths(
                store,
                files,
                max_bytes=int(max_size * 1048576),
                jobs=jobs,
                on_file=on_file,
                proofreader=archive_proofreader(archive) if proofread else None,
                linker=archive_linker(store) if link else None,
                reparse=reparse,
            )
            if index:
                update_index(store, archive)
        finally:
            store.close()
    c = report.counts
    summary = f"{c['new']} new, {c['changed']} changed, {c['unchanged']} unchanged, {c['failed']} failed"
    err.print(f"{archive}: {summary}", markup=False)
    if c["failed"]:
        raise typer.Exit(1)


@app.command("list")
def list_(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    periodical: Annotated[str | None, typer.Option(help="Only this periodical (its slug).")] = None,
    writer: Annotated[str | None, typer.Option(help="Only this writer (their slug).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many documents.")] = None,
) -> None:
    """List the archive's documents by date.

    Example: masthead list --periodical labor-action --format json
    """
    store = open_archive(archive)
    try:
        rows = store.list_documents(periodical=periodical, writer=writer, limit=limit)
    finally:
        store.close()
    if format is ListFormat.json:
        keys = (
            "id",
            "title",
            "writers",
            "periodical",
            "volume",
            "issue",
            "date",
            "pages",
            "revision",
            "words",
        )
        data = [{k: (list(v) if isinstance(v := getattr(r, k), tuple) else v) for k in keys} for r in rows]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(show_edge=False, box=None, pad_edge=False)
    for col in ("date", "periodical", "title", "writers", "id"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.date or "", r.periodical or "", r.title, ", ".join(r.writers), r.id)
    out.print(table)
    err.print(f"{len(rows)} documents", markup=False)


@app.command()
def show(
    id: Annotated[str, typer.Argument(help="Document id, as `masthead list` prints it.", show_default=False)],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = ShowFormat.json,
    revision: Annotated[int | None, typer.Option(help="An earlier revision (default: the current one).")] = None,
) -> None:
    """Print one stored document.

    Example: masthead show labor-action/1948/03/08/independent-socialism --format text
    """
    store = open_archive(archive)
    try:
        doc = store.get(id, revision=revision)
    finally:
        store.close()
    if doc is None:
        what = f"revision {revision} of {id!r}" if revision else repr(id)
        raise fail(f"{archive}: no document {what}; `masthead list` shows the ids")
    sys.stdout.write(render(doc, format.value).rstrip("\n") + "\n")


def archive_proofreader(archive: str):  # noqa: ANN201
    """``(doc, decided keys) -> findings`` with the archive's lexicon when it has one (loaded now, so
    that a damaged lexicon stops the command before any work; worker processes load it again)."""
    from masthead.proofread import ArchiveProofreader
    from masthead.proofread.lexicon import LexiconError, lexicon_path_for

    proofreader = ArchiveProofreader(str(lexicon_path_for(archive)))
    try:
        proofreader.load()
    except (LexiconError, OSError) as exc:
        raise fail(str(exc)) from None
    return proofreader


def archive_linker(store):  # noqa: ANN001, ANN201
    """``doc -> mentions`` over the archive's glossary, or ``None`` when it has no entries."""
    if not store.list_entries():
        return None
    from masthead.glossary.archive import make_linker

    return make_linker(store)


def update_index(store, archive: str) -> None:  # noqa: ANN001
    """Apply the store's pending changes to the archive's search index (creating it if needed)."""
    from masthead.search import SearchIndexError
    from masthead.search.sync import index_path_for, open_index

    try:
        open_index(store, index_path_for(archive), rebuilding=_rebuilding).close()
    except SearchIndexError as exc:
        err.print(f"masthead: warning: search index not updated ({exc}); run: masthead reindex", markup=False)


def _rebuilding(why: str) -> None:
    err.print(f"masthead: {why}: rebuilding it from the archive's documents", markup=False)


class SortOrder(StrEnum):
    relevance = "relevance"
    oldest = "oldest"
    newest = "newest"


_MARKED = re.compile(r"<mark>(.*?)</mark>")


def snippet_for_terminal(snippet: str) -> str:
    """An escaped HTML snippet with <mark> hits as Rich markup (reverse video)."""
    parts = _MARKED.split(snippet)
    return "".join(
        f"[reverse]{escape(html.unescape(p))}[/reverse]" if i % 2 else escape(html.unescape(p))
        for i, p in enumerate(parts)
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to find (see below).", show_default=False)],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="Articles per page.")] = 10,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many articles.")] = 0,
    sort: Annotated[SortOrder, typer.Option(help="Order of results.")] = SortOrder.relevance,
) -> None:
    """Search the archive's full text.

    Words match anywhere (case, accents and British/American spellings folded); "an exact phrase";
    AND / OR / NOT or -word; prefix*; and filters: writer:NAME, periodical:NAME, year:1948 or
    year:1946..1948, title:WORD.

    Example: masthead search '"third camp" year:1946..1950' --limit 5
    """
    from masthead.search import QueryError, SearchIndexError
    from masthead.search.sync import index_path_for, open_index
    from masthead.search.writers import WriterNames

    store = open_archive(archive)
    try:
        with open_index(store, index_path_for(archive), rebuilding=_rebuilding) as ix:
            names = WriterNames.of(store)
            results = names.merge(ix.search(query, sort=sort.value, limit=limit, offset=offset, writers=names))
    except QueryError as exc:
        raise fail(f"cannot understand the query: {exc}", code=2) from None
    except SearchIndexError as exc:
        raise fail(f"{exc}; rebuild it with: masthead reindex --archive {archive}") from None
    finally:
        store.close()
    if format is ListFormat.json:
        sys.stdout.write(json.dumps(results.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    for hit in results.hits:
        line = " · ".join(x for x in (", ".join(hit.writers), hit.periodical or "", hit.date or "") if x)
        out.print(f"[bold]{escape(hit.title)}[/bold]  {escape(line)}")
        for p in hit.passages:
            out.print(f"  {escape(hit.doc_id)}#{escape(p.anchor)}: {snippet_for_terminal(p.snippet)}")
    total = f"about {results.total}" if results.total_estimated else str(results.total)
    err.print(f"{total} articles", markup=False)
    if results.did_you_mean:
        err.print(f"did you mean: {results.did_you_mean}", markup=False)


@app.command()
def reindex(archive: ArchiveOpt = DEFAULT_ARCHIVE) -> None:
    """Rebuild the search index from the stored documents.

    Ingest keeps the index up to date by itself; rebuild after deleting the index folder
    (ARCHIVE.index) or upgrading Masthead.

    Example: masthead reindex --archive archive.db
    """
    import time

    from masthead.search import SearchIndex, SearchIndexError
    from masthead.search.sync import index_path_for
    from masthead.search.sync import reindex as rebuild

    store = open_archive(archive)
    t0 = time.perf_counter()
    try:
        with SearchIndex.open(index_path_for(archive), reset=True) as ix, err.status("rebuilding the search index"):
            n = rebuild(store, ix)
    except SearchIndexError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()
    err.print(f"{index_path_for(archive)}: {n} documents indexed in {time.perf_counter() - t0:.1f} s", markup=False)


@app.command()
def serve(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="MASTHEAD_PORT", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the archive as a website (and a JSON API under /api).

    Example: masthead serve --archive archive.db --port 8080
    """
    import uvicorn

    from masthead.search import SearchIndexError
    from masthead.search.sync import index_path_for, open_index
    from masthead.web.app import create_app

    store = open_archive(archive)
    try:
        with err.status("bringing the search index up to date"):
            index = open_index(store, index_path_for(archive), rebuilding=_rebuilding)
    except SearchIndexError as exc:
        err.print(f"masthead: warning: search disabled ({exc}); run: masthead reindex", markup=False)
        index = None
    err.print(f"Serving {archive} at http://{host}:{port}/  (Ctrl+C to stop)", markup=False)
    try:
        uvicorn.run(create_app(store, index=index), host=host, port=port, log_level="warning")
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}; try another --port") from None
    finally:
        if index is not None:
            index.close()
        store.close()


def _register_publishing() -> None:
    from masthead.cli_glossary import register as register_glossary
    from masthead.cli_publish import register
    from masthead.cli_review import register as register_review

    register(app)
    register_review(app)
    register_glossary(app)


_register_publishing()
__import__("masthead.cli_proofread").cli_proofread.register(app)
__import__("masthead.cli_catalogue").cli_catalogue.register(app)  # check, writers, periodicals


def main() -> None:
    """Entry point: run the CLI, turning stray errors into one line instead of a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: say so in one line; MASTHEAD_DEBUG=1 shows the traceback
        if os.environ.get("MASTHEAD_DEBUG"):
            raise
        err.print(
            f"masthead: internal error: {type(exc).__name__}: {exc} (rerun with MASTHEAD_DEBUG=1 for details)",
            markup=False,
        )
        sys.exit(70)


if __name__ == "__main__":
    main()
