"""Fixtures of the team edition's tests: the CLI on a database, a pushed demo library."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

from webapp.cli import cli
from webapp.services import DEMO_LIBRARY


class TeamCli:
    """Runs `florilegium --database URL ...` in this process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(cli, ["--database", self.url, *args], input=input)

    def json(self, *args: str) -> Any:  # Any: the command's JSON document
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def team(pg_url: str) -> TeamCli:
    """The CLI on a fresh, empty team library."""
    return TeamCli(pg_url)


@pytest.fixture
def pushed(team: TeamCli) -> Iterator[TeamCli]:
    """The CLI on a team library holding the demo library."""
    result = team("push", str(DEMO_LIBRARY))
    assert result.exit_code == 0, result.output + result.stderr
    yield team
