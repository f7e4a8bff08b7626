"""Glossary commands of the command line: ``masthead entities`` and ``masthead glossary ...``.

:func:`register` adds them to the main Typer app (``masthead.cli`` calls it).
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from masthead.cli_common import ArchiveOpt, EditorOpt, archive_session, editor_name, err, fail, open_archive, out

glossary_app = typer.Typer(
    help="The glossary: people, organisations, parties, periodicals, places and events, and where they are named.",
    no_args_is_help=True,
)


class OutFormat(StrEnum):
    text = "text"
    json = "json"


class FileFormat(StrEnum):
    json = "json"
    csv = "csv"


class Status(StrEnum):
    accepted = "accepted"
    proposed = "proposed"
    rejected = "rejected"
    merged = "merged"
    all = "all"


FormatOpt = Annotated[OutFormat, typer.Option("--format", "-f", help="Output format.")]


def _line(text: str) -> None:
    """A tab-separated output line, written as is (Rich would expand the tabs)."""
    sys.stdout.write(text + "\n")


def _relink_hint(archive: str) -> None:
    err.print(f"run `masthead glossary link --archive {archive}` to find the new names in every article", markup=False)


# -- entities -------------------------------------------------------------------------------------------
def entities(
    target: Annotated[str, typer.Argument(help="A document id in the archive, or a transcription file.")],
    archive: ArchiveOpt = "masthead.db",
    format: FormatOpt = OutFormat.text,
    starter: Annotated[
        bool, typer.Option("--starter", help="Use the bundled starter glossary instead of the archive's.")
    ] = False,
) -> None:
    """List the glossary entries a document names: offsets, surface text, entry, type and confidence.

    Offsets are into the document's view text (title, subtitle, blocks and notes joined by blank
    lines). A file is read without storing it; its names are matched against the archive's glossary,
    or the bundled starter glossary when there is no archive (or with --starter).

    Example: masthead entities examples/corpus/plaintext/labor-action-1948-03-08-p4-independent-socialism.txt -f json
    """
    from masthead.glossary import Matcher, link_document, starter_entries

    path = Path(target)
    store = None
    have_archive = os.path.exists(archive) or "://" in archive
    if path.is_file():
        from masthead.ingest import parse_file
        from masthead.readers import ReadError

        try:
            doc = parse_file(path).document
        except ReadError as exc:
            raise fail(str(exc)) from None
        if not starter and have_archive:
            store = open_archive(archive)
    else:
        store = open_archive(archive)
        doc = store.get(target.strip("/"))
        if doc is None:
            store.close()
            raise fail(f"{target}: no such file, and no document with that id in {archive}; `masthead list` shows ids")
    try:
        entries = store.list_entries() if store is not None and not starter else []
    finally:
        if store is not None:
            store.close()
    if not entries:
        if not starter:
            err.print("masthead: note: the archive has no glossary entries; using the bundled starter glossary")
        entries = starter_entries()
    mentions = link_document(doc, Matcher(entries))
    if format == OutFormat.json:
        payload = {"document": doc.id, "mentions": [m.to_dict() for m in mentions]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for m in mentions:
        alt = f"  (or {', '.join(m.alternatives)})" if m.alternatives else ""
        _line(f"{m.start}-{m.end}\t{m.surface}\t{m.entry_id}\t{m.type}\t{m.confidence:.2f}{alt}")
    err.print(f"{len(mentions)} mentions of {len({m.entry_id for m in mentions})} entries", markup=False)


# -- glossary ------------------------------------------------------------------------------------------
@glossary_app.command("list")
def list_entries(
    archive: ArchiveOpt = "masthead.db",
    type: Annotated[str | None, typer.Option("--type", "-t", help="Only this type (person, party ...).")] = None,
    status: Annotated[Status, typer.Option("--status", help="Which entries ('proposed': queue).")] = Status.accepted,
    format: FormatOpt = OutFormat.text,
) -> None:
    """List glossary entries with how many articles name each.

    Example: masthead glossary list --type person
    Example: masthead glossary list --status proposed
    """
    store = open_archive(archive)
    try:
        entries = store.list_entries(status=None if status == Status.all else status.value, type=type)
        counts = store.mention_counts()
        evidence = {e.id: store.entry_evidence(e.id) for e in entries if e.status == "proposed"}
    finally:
        store.close()
    if format == OutFormat.json:
        rows = []
        for e in entries:
            d = e.to_dict()
            d["mentions"], d["documents"] = counts.get(e.id, (0, 0))
            if e.id in evidence:
                d["evidence"] = evidence[e.id]
            rows.append(d)
        sys.stdout.write(json.dumps({"entries": rows}, ensure_ascii=False, indent=2) + "\n")
        return
    for e in entries:
        n, docs = counts.get(e.id, (0, 0))
        extra = f"{docs} articles"
        if e.status == "proposed":
            extra = f"proposed: {evidence[e.id].get('documents', 0)} documents"
        if e.status == "merged":
            extra = f"merged into {e.merged_into}"
        _line(f"{e.id}\t{e.type}\t{e.name}\t{extra}")
    err.print(f"{len(entries)} entries", markup=False)


@glossary_app.command("show")
def show_entry(
    entry_id: Annotated[str, typer.Argument(help="Entry id, as `masthead glossary list` prints it.")],
    archive: ArchiveOpt = "masthead.db",
    format: FormatOpt = OutFormat.text,
) -> None:
    """Show one entry and the articles that name it.

    Example: masthead glossary show james-connolly
    """
    store = open_archive(archive)
    try:
        entry = store.resolve_entry(entry_id)
        if entry is None:
            raise fail(f"no glossary entry {entry_id!r}; `masthead glossary list` shows ids")
        found = store.mentions_of(entry.id)
    finally:
        store.close()
    if format == OutFormat.json:
        d = entry.to_dict()
        d["documents"] = [
            {"id": s.id, "title": s.title, "date": s.date, "mentions": [m.to_dict() for m in ms]} for s, ms in found
        ]
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
        return
    years = "–".join(str(y) if y is not None else "" for y in (entry.date_from, entry.date_to))
    out.print(f"{entry.name} ({entry.type}{', ' + years if years != '–' else ''})  [{entry.id}]", markup=False)
    if entry.id != entry_id:
        out.print(f"({entry_id} was merged into this entry)", markup=False)
    if entry.aliases:
        out.print("Also: " + "; ".join(entry.aliases), markup=False)
    if entry.description:
        out.print(entry.description, markup=False)
    for label, values in (("Link", entry.links), ("Source", entry.sources), ("Related", entry.related)):
        for v in values:
            out.print(f"{label}: {v}", markup=False)
    out.print(f"Named in {len(found)} articles:", markup=False)
    for s, ms in found:
        out.print(f"  {s.id}  ({len(ms)}×: {', '.join(sorted({m.surface for m in ms}))})", markup=False)


@glossary_app.command("add")
def add_entry(
    name: Annotated[str, typer.Argument(help="The preferred name.")],
    type: Annotated[str, typer.Option("--type", "-t", help="person, organisation, party, periodical, place, event...")],
    archive: ArchiveOpt = "masthead.db",
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name (repeat the option).")] = None,
    date_from: Annotated[int | None, typer.Option("--from", help="Year it began (born, founded).")] = None,
    date_to: Annotated[int | None, typer.Option("--to", help="Year it ended (died, dissolved).")] = None,
    description: Annotated[str, typer.Option("--description", "-d", help="A short description.")] = "",
    link: Annotated[list[str] | None, typer.Option("--link", help="An address about it (repeat).")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Where the description comes from.")] = None,
    entry_id: Annotated[str | None, typer.Option("--id", help="Entry id (default: a slug of the name).")] = None,
) -> None:
    """Add an entry to the glossary (or update the entry with the same id).

    Example: masthead glossary add "Jean Jaurès" --type person --alias Jaurès --from 1859 --to 1914
    """
    from masthead.glossary.entries import GlossaryError, entry_from_dict

    data = {
        "id": entry_id,
        "name": name,
        "type": type,
        "aliases": alias or [],
        "date_from": date_from,
        "date_to": date_to,
        "description": description,
        "links": link or [],
        "sources": source or [],
    }
    try:
        entry = entry_from_dict(data, "command line")
    except GlossaryError as exc:
        raise fail(str(exc)) from None
    with archive_session(archive, create=True) as store:
        status = store.save_entries([entry])
    out.print(f"{entry.id}: {next(k for k, v in status.items() if v)}", markup=False)
    _relink_hint(archive)


@glossary_app.command("merge")
def merge(
    source: Annotated[str, typer.Argument(help="The entry (or proposal) to merge away.")],
    target: Annotated[str, typer.Argument(help="The entry that takes its names and mentions.")],
    archive: ArchiveOpt = "masthead.db",
    editor: EditorOpt = None,
) -> None:
    """Merge one entry into another: its names become aliases, its mentions move, its page redirects.

    Also how a proposed entry from the queue is merged into an existing entry (recorded in the glossary's
    log under --editor, as the web queue records it).

    Example: masthead glossary merge k-marx karl-marx
    """

    with archive_session(archive) as store:
        if _is_proposed(store, source):
            merged = store.merge_proposal(source, target, editor_name(editor))
        else:
            merged = store.merge_entries(source, target)
    out.print(f"merged {source} into {merged.id} ({merged.name}; aliases: {', '.join(merged.aliases)})", markup=False)


@glossary_app.command("import")
def import_entries(
    file: Annotated[Path | None, typer.Argument(help="A .json or .csv glossary file.")] = None,
    archive: ArchiveOpt = "masthead.db",
    starter: Annotated[bool, typer.Option("--starter", help="Import the bundled starter glossary.")] = False,
    link: Annotated[bool, typer.Option("--link", help="Then relink every article.")] = False,
) -> None:
    """Import entries from JSON or CSV (by id: new entries are added, known ones updated).

    Example: masthead glossary import --starter --link
    Example: masthead glossary import people.csv
    """
    from masthead.glossary.entries import GlossaryError, load_entries, starter_entries

    if (file is None) == (not starter):
        raise fail("give a glossary file or --starter (not both)")
    try:
        entries = starter_entries() if starter else load_entries(file)  # type: ignore[arg-type]
    except GlossaryError as exc:
        raise fail(str(exc)) from None
    with archive_session(archive, create=True) as store:
        counts = store.save_entries(entries)
        out.print(f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged", markup=False)
        if link:
            _link(store, archive)
    if not link:
        _relink_hint(archive)


@glossary_app.command("export")
def export_entries(
    archive: ArchiveOpt = "masthead.db",
    format: Annotated[FileFormat, typer.Option("--format", "-f", help="json or csv.")] = FileFormat.json,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
    status: Annotated[Status, typer.Option("--status", help="Which entries.")] = Status.accepted,
) -> None:
    """Export the glossary as JSON or CSV (the form `masthead glossary import` reads).

    Example: masthead glossary export --format csv --out glossary.csv
    """
    from masthead.glossary.entries import entries_to_csv, entries_to_json

    store = open_archive(archive)
    try:
        entries = store.list_entries(status=None if status == Status.all else status.value)
    finally:
        store.close()
    text = entries_to_csv(entries) if format == FileFormat.csv else entries_to_json(entries)
    if out_path is None:
        sys.stdout.write(text)
        return
    try:
        out_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    err.print(f"{len(entries)} entries written to {out_path}", markup=False)


def _link(store, archive: str) -> None:  # noqa: ANN001
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from masthead.glossary.archive import link_archive

    with Progress(TextColumn("linking"), BarColumn(), MofNCompleteColumn(), console=err, transient=True) as bar:
        task = bar.add_task("", total=None)
        report = link_archive(store, progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(report.summary(), markup=False)
    _refresh_search(store, archive)


def _refresh_search(store, archive: str) -> None:  # noqa: ANN001
    """Bring the archive's search index, if it has one, up to date, so that its entity facet follows the
    links (the store queues a change for every article whose named entries changed)."""
    from masthead.search import SearchIndexError
    from masthead.search.sync import index_path_for, open_index

    path = index_path_for(archive)
    if not os.path.isdir(path):
        return
    try:
        with err.status("updating the search index (entity facet)"):
            open_index(store, path).close()
    except SearchIndexError as exc:
        err.print(f"masthead: warning: search index not updated ({exc}); run: masthead reindex", markup=False)


@glossary_app.command("link")
def link_command(archive: ArchiveOpt = "masthead.db") -> None:
    """Find every glossary entry's names in every article again (run after the glossary changes).

    The search index, if the archive has one, is rebuilt too, so that `entity:` searches and the
    entity facet follow the new links.

    Example: masthead glossary link --archive archive.db
    """

    with archive_session(archive) as store:
        _link(store, archive)


@glossary_app.command("propose")
def propose_command(
    archive: ArchiveOpt = "masthead.db",
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Queue at most this many.")] = 50,
    min_documents: Annotated[int, typer.Option("--min-documents", min=1, help="Named in at least this many.")] = 2,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the candidates without queueing them.")] = False,
) -> None:
    """Propose new entries from the archive's own statistics and put them in the editors' queue.

    Candidates are capitalised names and phrases that are not sentence-initial and mostly
    capitalised across the archive, acronyms, "the X Party" patterns and titles in italics or quotes;
    known entries and rejected proposals are left out. Review them with `glossary list --status
    proposed`, then `glossary accept`, `glossary merge` or `glossary reject`.

    Example: masthead glossary propose --limit 20
    """
    from masthead.glossary.propose import propose

    store = open_archive(archive)
    try:
        known = store.list_entries(status=None)
        found = propose(store.iter_documents(), known=known, min_documents=min_documents, limit=limit)
        if not dry_run:
            added = store.propose_entries((p.to_entry(), p.evidence()) for p in found)
    finally:
        store.close()
    for p in found:
        alias = f"  (alias of {p.alias_of}?)" if p.alias_of else ""
        _line(f"{p.name}\t{p.type}\t{p.documents} documents\t{', '.join(p.reasons)}{alias}")
    if not dry_run:
        err.print(f"{added} new proposals queued ({len(found) - added} already known)", markup=False)


def _is_proposed(store, entry_id: str) -> bool:  # noqa: ANN001
    entry = store.get_entry(entry_id)
    return entry is not None and entry.status == "proposed"


def _set_status(entry_id: str, archive: str, status: str, editor: str | None) -> None:
    """Decide a proposal (logged with the editor, as the web queue logs it), or change an entry's status."""
    with archive_session(archive) as store:
        if _is_proposed(store, entry_id):
            decide = store.accept_proposal if status == "accepted" else store.reject_proposal
            entry = decide(entry_id, editor_name(editor))
        else:
            entry = store.set_entry_status(entry_id, status)
    out.print(f"{entry.id}: {status}", markup=False)


@glossary_app.command("accept")
def accept(
    entry_id: Annotated[str, typer.Argument(help="A proposed entry's id.")],
    archive: ArchiveOpt = "masthead.db",
    editor: EditorOpt = None,
) -> None:
    """Accept a proposed entry into the glossary (edit it later with `glossary add --id`).

    Example: masthead glossary accept hyndman
    """
    _set_status(entry_id, archive, "accepted", editor)
    _relink_hint(archive)


@glossary_app.command("reject")
def reject(
    entry_id: Annotated[str, typer.Argument(help="A proposed entry's id.")],
    archive: ArchiveOpt = "masthead.db",
    editor: EditorOpt = None,
) -> None:
    """Reject a proposed entry (it is remembered, so it is not proposed again).

    Example: masthead glossary reject irish
    """
    _set_status(entry_id, archive, "rejected", editor)


def register(app: typer.Typer) -> None:
    """Add ``entities`` and the ``glossary`` command group to ``app``."""
    app.command("entities", rich_help_panel="Glossary")(entities)
    app.add_typer(glossary_app, name="glossary", rich_help_panel="Glossary")
