"""Editor accounts without a web framework: password hashing (argon2id, via argon2-cffi), session tokens,
and the checks on a user name. The web login (:mod:`masthead.web.auth`) and the ``masthead user``
command both use these; the store only ever sees hashes.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A user name or password that cannot be used (the message says why)."""


def check_username(name: str) -> str:
    """``name`` when it is a usable user name (letters, digits, ``. _ @ -``; at most 64), else
    :class:`AccountError`."""
    if not _USERNAME.fullmatch(name):
        raise AccountError(
            f"{name!r} is not a usable user name: use 1-64 letters, digits, '.', '_', '@' or '-', starting "
            "with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    """``password`` when it is long enough, else :class:`AccountError`."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (with its own random salt), as a PHC string."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a damaged hash, never an exception)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than the library now recommends."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@functools.cache
def dummy_hash() -> str:
    """A hash to verify against when a login names an unknown user, so both cases take the same time."""
    return hash_password(secrets.token_urlsafe(16))


def new_token() -> str:
    """A fresh random session or CSRF token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the store keeps of a session token: its SHA-256 (the token itself stays in the cookie)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
