"""Review commands of the command line: editor accounts, the review queue, decisions, history, diff, revert.

:func:`register` adds ``masthead user add|list|passwd``, ``masthead review``, ``masthead history``,
``masthead diff`` and ``masthead revert`` to the main Typer app (``masthead.cli`` calls it).
Findings are numbered in text order, as ``masthead review ID`` lists them, so ``accept 2`` names the
second open finding. Decisions and reverts are recorded under ``--editor`` (default: ``$MASTHEAD_EDITOR``,
else the login name).
"""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from typing import Annotated

import typer

from masthead.cli_common import ArchiveOpt, EditorOpt, archive_session, editor_name, fail, open_archive, out

user_app = typer.Typer(
    help="Editor accounts for the web app's review pages.\n\nExample: masthead user add ann",
    no_args_is_help=True,
)

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the decision).")]


class Action(StrEnum):
    accept = "accept"
    reject = "reject"


def _read_password(from_stdin: bool) -> str:
    from masthead.accounts import AccountError, check_password

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password again: ")
        except (EOFError, KeyboardInterrupt):
            raise fail("no password given") from None
        if password != again:
            raise fail("the two passwords differ; run the command again")
    try:
        return check_password(password)
    except AccountError as exc:
        raise fail(str(exc)) from None


# -- accounts ------------------------------------------------------------------------------------------
@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user name (letters, digits, . _ @ -).")],
    archive: ArchiveOpt = "masthead.db",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
    ] = False,
    role: Annotated[str, typer.Option("--role", help="editor or admin.")] = "editor",
) -> None:
    """Add an editor account (the password is asked for twice, or read with --password-stdin).

    Example: masthead user add ann --archive archive.db
    Example: printf '%s\\n' "$PASSWORD" | masthead user add ann --password-stdin
    """
    from masthead.accounts import AccountError, check_username, hash_password

    try:
        check_username(name)
    except AccountError as exc:
        raise fail(str(exc)) from None
    password = _read_password(password_stdin)
    with archive_session(archive) as store:
        store.add_editor(name, hash_password(password), role=role)
    out.print(f"Added editor {name}; log in at /login on `masthead serve`.", markup=False)


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="The user name.")],
    archive: ArchiveOpt = "masthead.db",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
    ] = False,
) -> None:
    """Set an editor's password (ends the editor's open sessions).

    Example: masthead user passwd ann
    """
    from masthead.accounts import hash_password

    with archive_session(archive) as store:
        if store.editor(name) is None:
            raise fail(f"there is no editor called {name!r}; add one with: masthead user add {name}")
        store.set_editor_password(name, hash_password(_read_password(password_stdin)))
    out.print(f"Password of {name} changed.", markup=False)


@user_app.command("list")
def user_list(archive: ArchiveOpt = "masthead.db") -> None:
    """List editor accounts.

    Example: masthead user list
    """
    store = open_archive(archive)
    try:
        accounts = store.editors()
    finally:
        store.close()
    if not accounts:
        out.print("No editors yet; add one with: masthead user add NAME", markup=False)
    for a in accounts:
        out.print(f"{a.username}\t{a.role}\tsince {a.created[:10]}", markup=False)


# -- review --------------------------------------------------------------------------------------------
def review(
    doc_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="A document id: list its open findings.")] = None,
    action: Annotated[Action | None, typer.Argument(help="accept or reject finding N.")] = None,
    number: Annotated[
        str | None, typer.Argument(metavar="[N]", help="The finding's number in the list, or its key.")
    ] = None,
    archive: ArchiveOpt = "masthead.db",
    text: Annotated[str | None, typer.Option("--text", help="Accept with this text instead of the suggestion.")] = None,
    editor: EditorOpt = None,
    reason: ReasonOpt = "",
) -> None:
    """Work through the proofreading queue: list it, list one document's findings, accept or reject one.

    Accepting changes the text as a new revision (who, when, which finding, why); a rejected finding
    is never flagged again.

    Example: masthead review                          # documents with open findings
    Example: masthead review labor-action/1948/x      # its findings, numbered, in context
    Example: masthead review labor-action/1948/x accept 2 --reason "OCR: rn for m"
    Example: masthead review labor-action/1948/x accept 3 --text "the"
    Example: masthead review labor-action/1948/x reject 1 --reason "period spelling"
    Example: masthead review labor-action/1948/x reject 18c57e72     # by key: numbers shift as you go
    """
    from masthead.review import in_context
    from masthead.store import StoreError
    from masthead.textview import text_view

    if action is not None and (doc_id is None or number is None):
        raise fail("say which finding: masthead review ID accept N (numbers as masthead review ID lists them)")
    if text is not None and action is not Action.accept:
        raise fail("--text goes with accept: masthead review ID accept N --text 'new text'")
    store = open_archive(archive)
    try:
        if doc_id is None:
            entries = store.review_queue(limit=1000)
            if not entries:
                out.print("Nothing to review: no document has open findings.", markup=False)
            for e in entries:
                out.print(f"{e.open:5d}  {e.document_id}  {e.title}", markup=False)
            return
        doc_id = doc_id.strip("/")
        doc = store.get(doc_id)
        if doc is None:
            raise fail(f"no document with id {doc_id!r}; list the queue with: masthead review")
        found = store.findings(doc_id)
        if action is None:
            view_text = text_view(doc).text
            if not found:
                out.print(f"{doc_id}: no open findings.", markup=False)
            for n, sf in enumerate(found, 1):
                f = sf.finding
                ctx = in_context(view_text, f, width=40)
                where = f"{n}. [{f.key}] line {f.line}:{f.col} {f.kind}"
                sugg = ", ".join(repr(s) for s in f.suggestions) or "(none)"
                out.print(f"{where}: {f.message}  suggestions: {sugg}", markup=False)
                shown = f"{ctx.before}[{ctx.span}]{ctx.after}".replace("\n", " ") if ctx.live else "(stale)"
                out.print(f"     {shown}", markup=False)
            return
        sf = _pick(doc_id, found, number or "")
        who = editor_name(editor)
        try:
            if action is Action.reject:
                store.reject_finding(doc_id, sf.key, who, reason=reason)
                out.print(f"Rejected {sf.finding.text!r}: it will not be flagged again.", markup=False)
            else:
                result = store.accept_finding(doc_id, sf.key, who, replacement=text, reason=reason)
                new = text if text is not None else sf.finding.suggestions[0]
                out.print(f"Accepted {sf.finding.text!r} -> {new!r}: revision {result.revision}.", markup=False)
        except StoreError as exc:
            raise fail(str(exc)) from None
    finally:
        store.close()


def _pick(doc_id: str, found: list, number: str):  # noqa: ANN202 - a StoredFinding
    """The finding a command line named: its number in the list, or (safer in scripts) its key."""
    if number.isdigit():
        if not 1 <= int(number) <= len(found):
            raise fail(f"{doc_id} has {len(found)} open findings; choose N from 1 to {len(found)}")
        return found[int(number) - 1]
    matches = [sf for sf in found if sf.key.startswith(number)] if number else []
    if len(matches) != 1:
        raise fail(f"{doc_id}: no single open finding with key {number!r}; list them with: masthead review {doc_id}")
    return matches[0]


def history(doc_id: Annotated[str, typer.Argument(help="A document id.")], archive: ArchiveOpt = "masthead.db") -> None:
    """List a document's revisions: number, date, author, message.

    Example: masthead history labor-action/1948/x
    """
    store = open_archive(archive)
    try:
        revisions = store.revisions(doc_id.strip("/"))
    finally:
        store.close()
    if not revisions:
        raise fail(f"no document with id {doc_id!r}")
    for r in revisions:
        out.print(f"{r.number:4d}  {r.created[:19].replace('T', ' ')}  {r.author:<12}  {r.message}", markup=False)


def diff(
    doc_id: Annotated[str, typer.Argument(help="A document id.")],
    a: Annotated[int, typer.Argument(help="The old revision.")],
    b: Annotated[int, typer.Argument(help="The new revision.")],
    archive: ArchiveOpt = "masthead.db",
    unified: Annotated[bool, typer.Option("--unified", "-u", help="A unified diff, one line per paragraph.")] = False,
) -> None:
    """Show what changed in a document's text between two revisions ([-deleted-]{+inserted+}).

    Example: masthead diff labor-action/1948/x 1 3
    """
    from masthead.review.diff import changed, diff_ops, unified_diff, word_diff_text
    from masthead.textview import text_view

    doc_id = doc_id.strip("/")
    store = open_archive(archive)
    try:
        old, new = store.get(doc_id, revision=a), store.get(doc_id, revision=b)
        numbers = [r.number for r in store.revisions(doc_id)]
    finally:
        store.close()
    if not numbers:
        raise fail(f"no document with id {doc_id!r}")
    if old is None or new is None:
        missing = a if old is None else b
        raise fail(f"{doc_id} has no revision {missing}; it has {numbers[0]} to {numbers[-1]}")
    ta, tb = text_view(old).text, text_view(new).text
    if unified:
        out.print(unified_diff(ta, tb, old_label=f"revision {a}", new_label=f"revision {b}"), markup=False, end="")
        return
    ops = diff_ops(ta, tb)
    if not changed(ops):
        out.print(f"Revisions {a} and {b} have the same text.", markup=False)
        return
    out.print(word_diff_text(ops), markup=False)


def revert(
    doc_id: Annotated[str, typer.Argument(help="A document id.")],
    revision: Annotated[int, typer.Argument(help="The revision whose text comes back.")],
    archive: ArchiveOpt = "masthead.db",
    editor: EditorOpt = None,
    reason: ReasonOpt = "",
) -> None:
    """Bring back an old revision's text as a new revision (every revision is kept).

    Example: masthead revert labor-action/1948/x 1 --reason "the edit was wrong"
    """

    with archive_session(archive) as store:
        result = store.revert(doc_id.strip("/"), revision, editor_name(editor), reason=reason)
    if result.status == "unchanged":
        out.print(f"Nothing to do: the current revision already has revision {revision}'s text.", markup=False)
    else:
        out.print(f"Reverted to revision {revision}'s text as revision {result.revision}.", markup=False)


def register(app: typer.Typer) -> None:
    """Add the review commands to ``app``."""
    app.add_typer(user_app, name="user", rich_help_panel="Review")
    app.command("review", rich_help_panel="Review")(review)
    app.command("history", rich_help_panel="Review")(history)
    app.command("diff", rich_help_panel="Review")(diff)
    app.command("revert", rich_help_panel="Review")(revert)
