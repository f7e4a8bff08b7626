"""Editor accounts and their login sessions, for :class:`~masthead.store.sqlite.SQLiteStore`.

Generic: any editors' queue (proofreading findings, proposed glossary entries...) uses the same accounts.
The store only keeps what it is given: a password *hash* (hashing is :mod:`masthead.accounts`'s job) and
a session token's *hash* with the session's CSRF token, so a copy of the database lets no one log in.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from masthead.store import StoreError
from masthead.store.catalogue import now_utc

ROLES = ("editor", "admin")


@dataclass(frozen=True, slots=True)
class EditorAccount:
    """A local account that may review: ``password_hash`` is an argon2 hash string."""

    username: str
    password_hash: str
    role: str
    created: str


@dataclass(frozen=True, slots=True)
class EditorSession:
    """A logged-in session: who, the CSRF token every form of the session carries, and when it ends."""

    username: str
    csrf: str
    created: str
    expires: str


class AccountsMixin:
    """Accounts and sessions (the store provides ``_reading`` and ``_writing``)."""

    def add_editor(self, username: str, password_hash: str, *, role: str = "editor") -> EditorAccount:
        """Create an account; raises :class:`StoreError` when the name is taken or the role unknown."""
        if role not in ROLES:
            raise StoreError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        created = now_utc()
        with self._writing() as conn:  # type: ignore[attr-defined]
            try:
                conn.execute(
                    "INSERT INTO editors (username, password_hash, role, created) VALUES (?, ?, ?, ?)",
                    (username, password_hash, role, created),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"there is already an editor called {username!r}; choose another name") from None
        return EditorAccount(username, password_hash, role, created)

    def set_editor_password(self, username: str, password_hash: str) -> None:
        """Replace an account's password hash and end its sessions; raises :class:`StoreError` if unknown."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            cur = conn.execute("UPDATE editors SET password_hash = ? WHERE username = ?", (password_hash, username))
            if cur.rowcount == 0:
                raise StoreError(f"there is no editor called {username!r}; add one with: masthead user add NAME")
            conn.execute("DELETE FROM editor_sessions WHERE username = ?", (username,))

    def editor(self, username: str) -> EditorAccount | None:
        """One account by name, or None."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute(
                "SELECT username, password_hash, role, created FROM editors WHERE username = ?", (username,)
            ).fetchone()
        return EditorAccount(*row) if row else None

    def editors(self) -> list[EditorAccount]:
        """Every account, by name."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            rows = conn.execute("SELECT username, password_hash, role, created FROM editors ORDER BY username")
            return [EditorAccount(*r) for r in rows.fetchall()]

    def create_session(self, token_hash: str, username: str, csrf: str, expires: str) -> EditorSession:
        """Store a new session under the hash of its token (expired sessions are swept at the same time)."""
        created = now_utc()
        with self._writing() as conn:  # type: ignore[attr-defined]
            conn.execute("DELETE FROM editor_sessions WHERE expires <= ?", (created,))
            conn.execute(
                "INSERT INTO editor_sessions (token_hash, username, csrf, created, expires) VALUES (?, ?, ?, ?, ?)",
                (token_hash, username, csrf, created, expires),
            )
        return EditorSession(username, csrf, created, expires)

    def session(self, token_hash: str) -> EditorSession | None:
        """The live session stored under ``token_hash`` (None when unknown or expired)."""
        with self._reading() as conn:  # type: ignore[attr-defined]
            row = conn.execute(
                """SELECT s.username, s.csrf, s.created, s.expires FROM editor_sessions s
                   JOIN editors e ON e.username = s.username WHERE s.token_hash = ? AND s.expires > ?""",
                (token_hash, now_utc()),
            ).fetchone()
        return EditorSession(*row) if row else None

    def delete_session(self, token_hash: str) -> bool:
        """End a session (logout); False when there was none."""
        with self._writing() as conn:  # type: ignore[attr-defined]
            return conn.execute("DELETE FROM editor_sessions WHERE token_hash = ?", (token_hash,)).rowcount > 0
