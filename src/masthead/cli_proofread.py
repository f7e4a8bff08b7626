"""Proofreading commands of the command line: ``masthead proofread`` and ``masthead lexicon build``.

``masthead proofread FILE|ID`` reads like a linter: one line per finding,
``file:line:col: kind: message -> suggestion``, or a JSON list with ``--format json``. The exit code
is 0 when nothing was found, 1 when findings were reported (as linters do, so scripts and CI can
test it), and 2 for an error (a file that cannot be read, an unknown id).
"""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from masthead.cli_common import DEFAULT_ARCHIVE, ArchiveOpt, err, fail, open_archive, out

lexicon_app = typer.Typer(
    help="The proofreader's archive model (vocabulary learnt from the archive).", no_args_is_help=True
)


def _lexicon_for(archive: str):  # noqa: ANN202 - Lexicon
    from masthead.proofread import default_lexicon
    from masthead.proofread.lexicon import LexiconError, lexicon_path_for, load_lexicon

    path = lexicon_path_for(archive)
    if not path.exists():
        return default_lexicon()
    try:
        return load_lexicon(path)
    except LexiconError as exc:
        raise fail(str(exc), 2) from None


def proofread_command(
    target: Annotated[str, typer.Argument(help="A transcription file (.txt, .md, .html) or a stored document id.")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text (linter lines) or json.")] = "text",
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Report only findings at least this sure.")
    ] = 0.0,
) -> None:
    """Proofread a transcription: OCR and typing slips, real-word confusions, case, punctuation,
    and structural gaps (see docs/proofreading.md).

    TARGET is a file, or the id of a document stored in the archive. Offsets, lines and columns are
    into the file's own text (for a stored document: into its plain view text). The archive's
    lexicon (ARCHIVE.lexicon, made by `masthead lexicon build`) is used when it exists. Exit code: 0
    nothing found, 1 findings reported, 2 error.

    Example: masthead proofread examples/corpus/plaintext/labor-action-1948-03-08-p4-independent-socialism.txt
    """
    if fmt not in ("text", "json"):
        raise fail(f"--format must be text or json, not {fmt!r}", 2)
    from masthead.proofread import proofread
    from masthead.proofread.filemap import proofread_file
    from masthead.readers import ReadError

    have_archive = os.path.exists(archive)
    lexicon = _lexicon_for(archive) if have_archive else None
    if os.path.exists(target):
        if os.path.isdir(target):
            raise fail(f"{target}: is a folder; give one file (or a stored document id)", 2)
        try:
            found, _ = proofread_file(target, lexicon=lexicon, min_confidence=min_confidence)
        except ReadError as exc:
            raise fail(str(exc), 2) from None
        except OSError as exc:
            raise fail(f"{target}: cannot read ({exc.strerror or exc})", 2) from None
        where = target
    else:
        if not have_archive:
            raise fail(f"{target}: no such file, and no archive at {archive} to look the id up in", 2)
        store = open_archive(archive)
        try:
            doc = store.get(target)
        finally:
            store.close()
        if doc is None:
            raise fail(f"{target}: no such file, and no document with this id in {archive}", 2)
        found = proofread(doc, lexicon=lexicon, min_confidence=min_confidence)
        where = target
    if fmt == "json":
        out.print(json.dumps([f.to_dict() for f in found], ensure_ascii=False, indent=2), markup=False)
    else:
        for f in found:
            sugg = f" -> {f.suggestions[0]!r}" if f.suggestions else ""
            out.print(f"{where}:{f.line}:{f.col}: {f.kind}: {f.message}{sugg} [{f.confidence:.2f}]", markup=False)
        err.print(f"{len(found)} finding{'s' if len(found) != 1 else ''}", markup=False)
    if found:
        raise typer.Exit(1)


@lexicon_app.command("build")
def lexicon_build(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    reproofread: Annotated[
        bool,
        typer.Option("--proofread", help="Then proofread every stored document again with it and store the findings."),
    ] = False,
) -> None:
    """Learn the archive's vocabulary for the proofreader: word and word-pair counts, how many
    documents use each word, and how often it is capitalised. Written beside the archive as
    ARCHIVE.lexicon; rebuild it as the archive grows. With --proofread, every stored document's open
    findings are recomputed with the new vocabulary (decided spans stay decided).

    Example: masthead lexicon build --archive archive.db --proofread
    """
    from masthead.proofread.lexicon import ArchiveModel, Lexicon, lexicon_path_for

    store = open_archive(archive)
    model = ArchiveModel()
    progress = Progress(
        TextColumn("[bold]lexicon"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )
    try:
        with progress:
            task = progress.add_task("", total=store.count_documents())
            for doc in store.iter_documents():
                model.add(doc)
                progress.update(task, advance=1)
        path = lexicon_path_for(archive)
        try:
            model.save(path)
        except OSError as exc:
            raise fail(f"{path}: cannot write the lexicon ({exc.strerror or exc})") from None
        out.print(
            f"{path}: {model.documents} documents, {len(model.words)} words, {len(model.bigrams)} word pairs",
            markup=False,
        )
        if reproofread:
            found = _proofread_archive(store, Lexicon(model), progress)
            out.print(f"{archive}: {found} open findings after proofreading every document", markup=False)
    finally:
        store.close()


def _proofread_archive(store, lexicon, progress: Progress) -> int:  # noqa: ANN001
    """Proofread every stored document's current revision and replace its open findings."""
    from masthead.proofread import proofread

    revisions = {s.id: s.revision for s in store.list_documents(limit=None)}
    total = 0
    with progress:
        task = progress.add_task("", total=len(revisions))
        for doc in store.iter_documents():
            revision = revisions.get(doc.id)
            if revision is not None:
                found = proofread(doc, lexicon=lexicon, ignore_keys=store.decided_keys(doc.id))
                total += store.replace_findings(doc.id, revision, found)
            progress.update(task, advance=1)
    return total


def register(app: typer.Typer) -> None:
    """Add ``proofread`` and ``lexicon build`` to the main app."""
    app.command("proofread")(proofread_command)
    app.add_typer(lexicon_app, name="lexicon")
