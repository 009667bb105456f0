"""The team database's errors, importable without loading psycopg (the CLI's error
handling names them before any command runs)."""

from __future__ import annotations


class DatabaseUnavailable(Exception):
    """The database cannot be reached (no server, wrong name, refused): one line saying so."""

    def __init__(self, url: str, error: Exception) -> None:
        lines = str(error).strip().splitlines()
        reason = lines[0] if lines else type(error).__name__
        super().__init__(f"cannot reach the database {redacted(url)}: {reason}")
        self.url = url


class SchemaNotCurrent(Exception):
    """The database holds no team library yet, or one of an older schema: `init` first."""

    def __init__(self, url: str, found: str | None, wanted: str) -> None:
        state = "holds no team library" if found is None else f"is at schema {found}"
        super().__init__(
            f"the database {redacted(url)} {state}, not {wanted}: run "
            f"`florilegium --database URL init` first"
        )
        self.url = url


def redacted(url: str) -> str:
    """`url` with any password replaced by `***`, fit for messages and logs."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
