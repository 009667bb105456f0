"""A throwaway PostgreSQL cluster for the tests: `initdb` and `pg_ctl` in a temporary
folder, reached on a Unix socket only (no TCP port, no system service).

`PostgresCluster.database()` makes a fresh database per test by copying a template that
was migrated once (`CREATE DATABASE ... TEMPLATE` copies files: milliseconds), so every
test starts from the newest schema and no test sees another's rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

# PostgreSQL refuses to run as root (as CI does): the server then runs as this user.
SERVER_USER = "postgres"

PG_BIN = Path(os.environ.get("FLORILEGIUM_PG_BIN", "/usr/lib/postgresql/15/bin"))
TEMPLATE = "florilegium_template"


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries are not installed (Debian's `postgresql`)."""


class PostgresCluster:
    """One running cluster in its own folder; `stop()` ends it and removes the folder."""

    def __init__(self) -> None:
        for tool in ("initdb", "pg_ctl"):
            if not (PG_BIN / tool).exists():
                raise PostgresMissing(
                    f"{PG_BIN / tool} not found: install Debian's postgresql package "
                    "(`make postgres` does, as root)"
                )
        # A short path: a Unix socket's path may hold at most 107 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="flpg-"))
        self._as_user = _unprivileged(self.folder)
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self._counter = itertools.count(1)
        subprocess.run(
            [*self._as_user, PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        subprocess.run(
            [*self._as_user, PG_BIN / "pg_ctl", "-D", self.data, "-o", options, "-l",
             self.folder / "server.log", "-w", "start"],
            check=True, capture_output=True,
        )  # fmt: skip

    def url(self, database: str) -> str:
        """The libpq URL of `database` in this cluster (socket folder as `host`)."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def create_database(self, name: str, *, template: str = "template0") -> str:
        """Create `name` as a copy of `template`; returns its URL."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def fresh_name(self) -> str:
        """A database name no test has used yet."""
        return f"test_{next(self._counter)}"

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        subprocess.run(
            [*self._as_user, PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def _unprivileged(folder: Path) -> list[str]:
    """The command prefix that runs the server's tools as a user other than root (and
    gives `folder` to that user); nothing when this process is not root."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, user=SERVER_USER)
    return ["runuser", "-u", SERVER_USER, "--"]
