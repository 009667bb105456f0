"""The members of a team library: who may log in, with which role, and their API tokens.

The team edition's counterpart of `accounts.Accounts`, with the same methods (the login
views use either), kept in the database's `users` and `api_tokens` tables so that every
server process and machine sees one list. Passwords are stored as werkzeug's salted
scrypt hashes, as the folder edition stores them; tokens only as their SHA-256 (a token
is 256 random bits, so a fast hash suffices and a stolen table opens nothing).

On a team library everyone logs in: `has_users` is always true. Roles: an owner and an
editor may write, a reader may only read (every write answers 403).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from werkzeug.security import check_password_hash, generate_password_hash

from teamdb.audit import record_change
from webapp.accounts import MIN_PASSWORD_CHARS, AccountError, Session, UnknownUser, WeakPassword

if TYPE_CHECKING:
    from teamdb.connection import Database

logger = logging.getLogger(__name__)

ROLES = ("owner", "editor", "reader")
WRITING_ROLES = frozenset({"owner", "editor"})
TOKEN_BYTES = 32


class UnknownRole(AccountError, ValueError):
    """A role other than owner, editor or reader."""

    def __init__(self, role: str) -> None:
        super().__init__(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")


@dataclass(frozen=True, slots=True)
class Member:
    """One member as `user list --json` shows them."""

    name: str
    role: str
    has_password: bool
    tokens: int


class Members:
    """Add, list and remove the members of one team library; log them in."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def has_users(self) -> bool:
        """Always true: a team library is never served without a login."""
        return True

    def names(self) -> list[str]:
        """The members' names, sorted."""
        return [member.name for member in self.members()]

    def members(self) -> list[Member]:
        """Every member with their role and how many API tokens they hold, by name."""
        with self._database.transaction() as connection:
            rows = connection.execute(
                "SELECT u.name, u.role, u.password_hash IS NOT NULL, "
                "(SELECT count(*) FROM api_tokens t WHERE t.user_name = u.name) "
                "FROM users u ORDER BY u.name"
            ).fetchall()
        return [Member(str(n), str(r), bool(p), int(t)) for n, r, p, t in rows]

    def role_of(self, name: str) -> str | None:
        """The member's role, or None when nobody has that name."""
        with self._database.transaction() as connection:
            row = connection.execute("SELECT role FROM users WHERE name = %s", (name,)).fetchone()
        return None if row is None else str(row[0])

    def is_current(self, session: Session) -> bool:
        """True while the session's member exists and has not had their sessions ended."""
        with self._database.transaction() as connection:
            row = connection.execute(
                "SELECT session_generation FROM users WHERE name = %s", (session.name,)
            ).fetchone()
        return row is not None and int(row[0]) == session.generation

    def log_in(self, name: str, password: str) -> Session | None:
        """A new session for `name` when `password` is theirs, else None (an unknown name
        costs as long as a wrong password)."""
        with self._database.transaction() as connection:
            row = connection.execute(
                "SELECT password_hash, session_generation FROM users WHERE name = %s", (name,)
            ).fetchone()
        stored = None if row is None or row[0] is None else str(row[0])
        matches = check_password_hash(stored or _dummy_hash(), password)
        if row is None or stored is None or not matches:
            return None
        return Session(name, int(row[1]))

    def session_for_token(self, token: str) -> Session | None:
        """The session an API token speaks for (its member's current one), or None."""
        with self._database.transaction() as connection:
            row = connection.execute(
                "SELECT u.name, u.session_generation FROM api_tokens t "
                "JOIN users u ON u.name = t.user_name WHERE t.token_hash = %s",
                (_token_hash(token),),
            ).fetchone()
        return None if row is None else Session(str(row[0]), int(row[1]))

    def add(self, name: str, role: str, password: str | None) -> bool:
        """Add member `name` or change their role (and, given one, their password, which
        ends their sessions); True when they existed."""
        if not name.strip():
            raise AccountError("a user name must not be empty")
        if role not in ROLES:
            raise UnknownRole(role)
        if password is not None and len(password) < MIN_PASSWORD_CHARS:
            raise WeakPassword(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
        password_hash = None if password is None else generate_password_hash(password)
        with self._database.transaction() as connection:
            before = connection.execute(
                "SELECT role FROM users WHERE name = %s FOR UPDATE", (name,)
            ).fetchone()
            row = connection.execute(
                "INSERT INTO users (name, role, password_hash) VALUES (%s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, "
                "password_hash = COALESCE(EXCLUDED.password_hash, users.password_hash), "
                "session_generation = users.session_generation "
                "+ (EXCLUDED.password_hash IS NOT NULL)::int "
                "RETURNING (xmax <> 0)",
                (name, role, password_hash),
            ).fetchone()
            record_change(
                connection,
                kind="member",
                record_id=name,
                before=None if before is None else {"role": before[0]},
                after={"role": role, "password_changed": password is not None},
            )
        return bool(row and row[0])

    def set_password(self, name: str, password: str) -> bool:
        """Change a member's password (ending their sessions); a new name becomes an editor."""
        return self.add(name, self.role_of(name) or "editor", password)

    def new_token(self, name: str) -> str:
        """A new API token for `name` (shown once; only its hash is kept)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._database.transaction() as connection:
            if (
                connection.execute("SELECT 1 FROM users WHERE name = %s", (name,)).fetchone()
                is None
            ):
                raise UnknownUser(name)
            connection.execute(
                "INSERT INTO api_tokens (token_hash, user_name) VALUES (%s, %s)",
                (_token_hash(token), name),
            )
            record_change(
                connection, kind="api_token", record_id=name, before=None, after={"new": True}
            )
        return token

    def remove(self, name: str) -> None:
        """Remove member `name`: their sessions and tokens end with them."""
        with self._database.transaction() as connection:
            gone = connection.execute(
                "DELETE FROM users WHERE name = %s RETURNING role", (name,)
            ).fetchone()
            if gone is None:
                raise UnknownUser(name)
            record_change(
                connection, kind="member", record_id=name, before={"role": gone[0]}, after=None
            )
        logger.info("removed member %s", name)

    def end_sessions(self, name: str) -> None:
        """End every login session of `name` (their API tokens stay)."""
        with self._database.transaction() as connection:
            ended = connection.execute(
                "UPDATE users SET session_generation = session_generation + 1 "
                "WHERE name = %s RETURNING name",
                (name,),
            ).fetchone()
        if ended is None:
            raise UnknownUser(name)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password")
