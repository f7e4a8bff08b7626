"""The review commands: accounts, the queue, accept / reject by number or key, history, diff, revert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from masthead.accounts import verify_password
from masthead.cli import app
from masthead.store.sqlite import SQLiteStore
from masthead.textview import text_view
from review_helpers import make_doc, standard_findings

runner = CliRunner()
DOC = make_doc().id
FOUND = standard_findings(make_doc())


@pytest.fixture
def archive(tmp_path: Path) -> str:
    path = str(tmp_path / "archive.db")
    with SQLiteStore(path) as s:
        s.save(make_doc())
        s.replace_findings(DOC, 1, FOUND)
    return path


def run(*args: str, input: str | None = None):  # noqa: A002 - CliRunner's name
    return runner.invoke(app, list(args), input=input)


@pytest.mark.parametrize("command", [["review"], ["history"], ["diff"], ["revert"], ["user", "add"], ["user", "list"]])
def test_every_review_command_has_help_with_an_example(command: list[str]) -> None:
    r = run(*command, "--help")
    assert r.exit_code == 0 and "Example: masthead" in r.output


def test_queue_and_findings_listing(archive: str) -> None:
    r = run("review", "-a", archive)
    assert r.exit_code == 0 and DOC in r.output and "4" in r.output
    r = run("review", DOC, "-a", archive)
    assert r.exit_code == 0
    assert "1. [" in r.output and "4. [" in r.output
    assert "the [rnen] would" in r.output and "'the', 'tube'" in r.output


def test_accept_reject_by_number_and_key(archive: str) -> None:
    r = run("review", DOC, "accept", "2", "--editor", "ann", "--reason", "misprint", "-a", archive)
    assert r.exit_code == 0 and "revision 2" in r.output
    # numbers shift after a decision; a key never does
    r = run("review", DOC, "reject", FOUND[3].key[:8], "--editor", "bob", "-a", archive)
    assert r.exit_code == 0 and "not be flagged again" in r.output
    r = run("review", DOC, "accept", "1", "--text", "THE", "--editor", "ann", "-a", archive)
    assert r.exit_code == 0
    with SQLiteStore(archive) as s:
        text = text_view(s.get(DOC)).text
        assert text.startswith("THE Strike") and "at the plant" in text and "rnen" in text
        assert [(d.action, d.editor) for d in s.decisions(DOC)] == [
            ("custom", "ann"),
            ("rejected", "bob"),
            ("accepted", "ann"),
        ]
        assert s.revisions(DOC)[1].message.endswith(": misprint")


def test_review_errors_are_one_line(archive: str) -> None:
    for args, expected in [
        (("review", DOC, "accept", "9"), "choose N from 1 to 4"),
        (("review", DOC, "accept"), "say which finding"),
        (("review", DOC, "reject", "1", "--text", "x"), "--text goes with accept"),
        (("review", "no/such", "accept", "1"), "no document with id"),
        (("review", DOC, "reject", "zzzz"), "no single open finding"),
        (("diff", DOC, "1", "5"), "has no revision 5"),
        (("revert", DOC, "7", "--editor", "ann"), "no revision 7"),
        (("history", "no/such"), "no document with id"),
    ]:
        r = run(*args, "-a", archive)
        assert r.exit_code == 1, args
        assert expected in r.output and "Traceback" not in r.output, (args, r.output)


def test_history_diff_revert(archive: str) -> None:
    run("review", DOC, "accept", "4", "--editor", "ann", "-a", archive)
    r = run("history", DOC, "-a", archive)
    assert r.exit_code == 0 and "ann" in r.output and "'rnen' -> 'men'" in r.output
    r = run("diff", DOC, "1", "2", "-a", archive)
    assert r.exit_code == 0 and "[-rnen-]{+men+}" in r.output
    r = run("diff", DOC, "1", "2", "--unified", "-a", archive)
    assert "-The workers workers held firm, and the rnen" in r.output
    r = run("revert", DOC, "1", "--editor", "bob", "--reason", "oops", "-a", archive)
    assert r.exit_code == 0 and "as revision 3" in r.output
    r = run("revert", DOC, "1", "--editor", "bob", "-a", archive)
    assert "Nothing to do" in r.output
    with SQLiteStore(archive) as s:
        assert s.get(DOC) == s.get(DOC, revision=1)
        assert s.revisions(DOC)[-1].author == "bob"


def test_user_add_through_stdin(archive: str) -> None:
    r = run("user", "add", "ann", "--password-stdin", "-a", archive, input="a long password\n")
    assert r.exit_code == 0
    with SQLiteStore(archive) as s:
        account = s.editor("ann")
        assert account is not None and account.password_hash.startswith("$argon2id$")
        assert verify_password(account.password_hash, "a long password")
    r = run("user", "add", "ann", "--password-stdin", "-a", archive, input="another long one\n")
    assert r.exit_code == 1 and "already an editor" in r.output
    r = run("user", "add", "bob", "--password-stdin", "-a", archive, input="short\n")
    assert r.exit_code == 1 and "too short" in r.output
    r = run("user", "add", "no spaces", "--password-stdin", "-a", archive, input="a long password\n")
    assert r.exit_code == 1 and "not a usable user name" in r.output
    r = run("user", "passwd", "ann", "--password-stdin", "-a", archive, input="a new long password\n")
    assert r.exit_code == 0
    assert "ann" in run("user", "list", "-a", archive).output


def test_real_entry_point(archive: str) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "masthead", "review", DOC, "-a", archive], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and "rnen" in r.stdout
