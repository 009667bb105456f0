"""The library's local, git-ignored settings file: the secret key, users and allowed hosts.

A library folder is meant to be shared through git, but a session secret and password
hashes must never be. They live in `.florilegium-local.toml` at the top of the library,
which `init_library` lists in the library's `.gitignore`. Only password *hashes* are kept,
with each user's session generation (a login cookie names the generation it was made in;
raising it ends every session made before).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from refs.atomicfile import locked, write_atomically

T = TypeVar("T")

logger = logging.getLogger(__name__)

LOCAL_CONFIG_NAME = ".florilegium-local.toml"


class LocalConfigError(ValueError):
    """The local settings file exists but cannot be read as the TOML we write."""


@dataclass(slots=True, kw_only=True)
class LocalConfig:
    """What `.florilegium-local.toml` holds; every part is optional."""

    secret_key: str = ""
    users: dict[str, str] = field(default_factory=dict)  # name -> werkzeug password hash
    # name -> the generation of the user's sessions; absent means 0.
    session_generations: dict[str, int] = field(default_factory=dict)
    allowed_hosts: list[str] = field(default_factory=list)


def local_config_path(library_dir: Path) -> Path:
    """Where the local settings of the library at `library_dir` are kept."""
    return library_dir / LOCAL_CONFIG_NAME


def read_local_config(library_dir: Path) -> LocalConfig:
    """The library's local settings; empty ones when the file does not exist yet."""
    path = local_config_path(library_dir)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LocalConfig()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LocalConfigError(f"{path}: {error}") from error
    users = document.get("users", {})
    generations = document.get("session_generations", {})
    hosts = document.get("allowed_hosts", [])
    secret = document.get("secret_key", "")
    if not isinstance(users, dict) or not all(isinstance(v, str) for v in users.values()):
        raise LocalConfigError(f"{path}: field 'users': expected a table of name = hash")
    if not isinstance(generations, dict) or not all(
        type(v) is int and v >= 0 for v in generations.values()
    ):
        raise LocalConfigError(
            f"{path}: field 'session_generations': expected a table of name = number"
        )
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise LocalConfigError(f"{path}: field 'allowed_hosts': expected a list of names")
    if not isinstance(secret, str):
        raise LocalConfigError(f"{path}: field 'secret_key': expected a string")
    return LocalConfig(
        secret_key=secret,
        users=dict(users),
        session_generations=dict(generations),
        allowed_hosts=list(hosts),
    )


def write_local_config(library_dir: Path, config: LocalConfig) -> None:
    """Write the settings atomically; a new file is readable by its owner only."""
    lines = [
        "# Florilegium's local settings for this library. Keep out of git: it holds secrets.",
        f"secret_key = {_toml_string(config.secret_key)}",
        f"allowed_hosts = [{', '.join(_toml_string(host) for host in config.allowed_hosts)}]",
        "",
        "[users]",
        *(f"{_toml_string(name)} = {_toml_string(h)}" for name, h in sorted(config.users.items())),
        "",
        "# A login made before its user's generation was raised (logout, password change,",
        "# `florilegium user sessions --revoke`) is refused.",
        "[session_generations]",
        *(f"{_toml_string(name)} = {n}" for name, n in sorted(config.session_generations.items())),
        "",
    ]
    path = local_config_path(library_dir)
    # Created private first, so the atomic write (which keeps the mode) never exposes it.
    path.touch(mode=0o600, exist_ok=True)
    write_atomically(path, "\n".join(lines).encode("utf-8"))


def ensure_secret_key(library_dir: Path) -> str:
    """The library's session secret, generated and stored on first use.

    A library folder that cannot be written (a read-only install) gets a key for this
    process only: sessions then end when the server stops, which is safe.
    """
    path = local_config_path(library_dir)
    try:
        with locked(path):
            config = read_local_config(library_dir)
            if not config.secret_key:
                config.secret_key = secrets.token_hex(32)
                write_local_config(library_dir, config)
            return config.secret_key
    except PermissionError:
        logger.warning("%s: cannot be written; using a secret key for this run only", path)
        return secrets.token_hex(32)


def update_local_config(library_dir: Path, change: Callable[[LocalConfig], T]) -> T:
    """Apply `change` to the settings as they are on disk now and write them back, under the
    file's lock so that two changes at once (a logout while `user add` runs) both land."""
    with locked(local_config_path(library_dir)):
        config = read_local_config(library_dir)
        result = change(config)
        write_local_config(library_dir, config)
        return result


class LocalConfigWatch:
    """The library's local settings as last read, read again only when the file changes.

    Every request asks who may log in; one `stat` tells whether the file is still the one
    read (its time, size and inode: an atomic write is a new inode), so a request costs no
    read, and a change from another process (`florilegium user remove`) counts at once.
    """

    def __init__(self, library_dir: Path) -> None:
        self._library_dir = library_dir
        self._path = local_config_path(library_dir)
        # (stamp of the file read, what it held); replaced whole, so threads need no lock.
        self._seen: tuple[tuple[int, ...] | None, LocalConfig] | None = None

    def current(self) -> LocalConfig:
        """The settings as the file holds them now; treat the result as read-only."""
        stamp = self._stamp()
        seen = self._seen
        if seen is not None and seen[0] == stamp:
            return seen[1]
        config = LocalConfig() if stamp is None else read_local_config(self._library_dir)
        # Stat before reading: a change in between makes the next call read again.
        self._seen = (stamp, config)
        return config

    def _stamp(self) -> tuple[int, ...] | None:
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)


def _toml_string(value: str) -> str:
    # A JSON string without `\/` escapes is a valid TOML basic string.
    return json.dumps(value)
