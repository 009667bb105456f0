"""The library's local, git-ignored settings file: the secret key, users and allowed hosts.

A library folder is meant to be shared through git, but a session secret and password
hashes must never be. They live in `.florilegium-local.toml` at the top of the library,
which `init_library` lists in the library's `.gitignore`. Only password *hashes* are kept.
"""

from __future__ import annotations

import json
import logging
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from refs.atomicfile import locked, write_atomically

logger = logging.getLogger(__name__)

LOCAL_CONFIG_NAME = ".florilegium-local.toml"


class LocalConfigError(ValueError):
    """The local settings file exists but cannot be read as the TOML we write."""


@dataclass(slots=True, kw_only=True)
class LocalConfig:
    """What `.florilegium-local.toml` holds; every part is optional."""

    secret_key: str = ""
    users: dict[str, str] = field(default_factory=dict)  # name -> werkzeug password hash
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
    hosts = document.get("allowed_hosts", [])
    secret = document.get("secret_key", "")
    if not isinstance(users, dict) or not all(isinstance(v, str) for v in users.values()):
        raise LocalConfigError(f"{path}: field 'users': expected a table of name = hash")
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise LocalConfigError(f"{path}: field 'allowed_hosts': expected a list of names")
    if not isinstance(secret, str):
        raise LocalConfigError(f"{path}: field 'secret_key': expected a string")
    return LocalConfig(secret_key=secret, users=dict(users), allowed_hosts=list(hosts))


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


def set_user_password_hash(library_dir: Path, name: str, password_hash: str) -> None:
    """Add or replace one user's password hash in the local settings."""
    with locked(local_config_path(library_dir)):
        config = read_local_config(library_dir)
        config.users[name] = password_hash
        write_local_config(library_dir, config)


def _toml_string(value: str) -> str:
    # A JSON string without `\/` escapes is a valid TOML basic string.
    return json.dumps(value)
