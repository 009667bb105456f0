"""Create or migrate the team database's schema with Alembic (`florilegium init`).

Idempotent: a database at the newest revision is left as it is. Concurrent `init`s queue
on an advisory lock, so two of them never run one revision twice.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from teamdb.connection import CONNECT_TIMEOUT_SECONDS
from teamdb.errors import DatabaseUnavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_461_002  # any constant: the advisory lock `init` takes


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "teamdb/migrations/versions holds no revision"
    return head


def migrate(url: str) -> tuple[str | None, str]:
    """Bring the database at `url` to the newest revision; returns (before, after)."""
    engine = create_engine(
        "postgresql+psycopg://",
        creator=lambda: psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS),
        poolclass=NullPool,
    )
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            before = MigrationContext.configure(connection).get_current_revision()
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            after = MigrationContext.configure(connection).get_current_revision()
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(url, error) from error
    except Exception as error:
        cause = error.__cause__ or error.__context__
        if isinstance(cause, psycopg.OperationalError):
            raise DatabaseUnavailable(url, cause) from error
        raise
    finally:
        engine.dispose()
    return before, after or head_revision()


def current_revision(url: str) -> str | None:
    """The revision the database is at (None: never initialised)."""
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection:
            exists = connection.execute("SELECT to_regclass('alembic_version')").fetchone()
            if exists is None or exists[0] is None:
                return None
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            return None if row is None else str(row[0])
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(url, error) from error
