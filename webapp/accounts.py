"""Who may log in to the web app: users, their password hashes and their sessions.

Users live in the library's local settings (`localconfig.py`), never in git. A session
(a login cookie) carries its user's *session generation*; raising the generation ends
every session made before it, in every server process at once, since each process checks
the generation in the settings it has cached and re-reads the file when it changes. So
ending sessions costs one small write, and checking them costs no read per request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from webapp.localconfig import LocalConfig, LocalConfigWatch, update_local_config

logger = logging.getLogger(__name__)

MIN_PASSWORD_CHARS = 8


class AccountError(Exception):
    """Base of the errors about users."""


class UnknownUser(AccountError, LookupError):
    """No user has this name, e.g. `florilegium user remove bob` when only ada exists."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no user named {name!r}")
        self.name = name


class WeakPassword(AccountError, ValueError):
    """A new password is too short to resist guessing."""


@dataclass(frozen=True, slots=True)
class Session:
    """Who a login cookie speaks for, and the session generation it was made in."""

    name: str
    generation: int

    def __str__(self) -> str:
        # The generation first: it is a number, so the name may hold any character.
        return f"{self.generation}:{self.name}"

    @classmethod
    def parse(cls, text: str) -> Session | None:
        """The session written by `str()`, or None for anything else (an older cookie)."""
        generation, colon, name = text.partition(":")
        if not colon or not generation.isdigit() or not name:
            return None
        return cls(name, int(generation))


class Accounts:
    """Add, remove and check users, and end their sessions, for one library."""

    def __init__(self, library_dir: Path) -> None:
        self._library_dir = library_dir
        self._settings = LocalConfigWatch(library_dir)

    def has_users(self) -> bool:
        """True when anyone may log in (so everyone has to)."""
        return bool(self._settings.current().users)

    def names(self) -> list[str]:
        """The users' names, sorted."""
        return sorted(self._settings.current().users)

    def is_current(self, session: Session) -> bool:
        """True while `session`'s user exists and has not had their sessions ended since."""
        settings = self._settings.current()
        return session.name in settings.users and session.generation == _generation(
            settings, session.name
        )

    def log_in(self, name: str, password: str) -> Session | None:
        """A new session for `name` when `password` is theirs, else None.

        An unknown name costs as much time as a wrong password, so that names cannot be
        told from the time the answer takes.
        """
        settings = self._settings.current()
        stored = settings.users.get(name)
        matches = check_password_hash(stored or _dummy_hash(), password)
        if stored is None or not matches:
            return None
        return Session(name, _generation(settings, name))

    def set_password(self, name: str, password: str) -> bool:
        """Add user `name`, or change their password and end their sessions; True when the
        user existed."""
        if not name.strip():
            raise AccountError("a user name must not be empty")
        if len(password) < MIN_PASSWORD_CHARS:
            raise WeakPassword(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
        password_hash = generate_password_hash(password)

        def change(settings: LocalConfig) -> bool:
            existed = name in settings.users
            settings.users[name] = password_hash
            if existed:
                _raise_generation(settings, name)
            return existed

        return update_local_config(self._library_dir, change)

    def remove(self, name: str) -> None:
        """Remove user `name`; their sessions end with them."""

        def change(settings: LocalConfig) -> None:
            if name not in settings.users:
                raise UnknownUser(name)
            del settings.users[name]
            # Raised, not dropped: were the name added again, old cookies stay refused.
            _raise_generation(settings, name)

        update_local_config(self._library_dir, change)
        logger.info("removed user %s", name)

    def end_sessions(self, name: str) -> None:
        """End every session of user `name` (logged in anywhere, by any server process)."""

        def change(settings: LocalConfig) -> None:
            if name not in settings.users:
                raise UnknownUser(name)
            _raise_generation(settings, name)

        update_local_config(self._library_dir, change)
        logger.info("ended the sessions of %s", name)


def _generation(settings: LocalConfig, name: str) -> int:
    return settings.session_generations.get(name, 0)


def _raise_generation(settings: LocalConfig, name: str) -> None:
    settings.session_generations[name] = _generation(settings, name) + 1


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password")
