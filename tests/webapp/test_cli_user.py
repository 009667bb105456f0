"""`florilegium user add|list|remove|sessions`: users in the local settings, never in git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from webapp.cli import cli
from webapp.localconfig import read_local_config


def user(runner: CliRunner, library: Path, *arguments: str, password: str = "") -> Result:
    stdin = f"{password}\n{password}\n" if password else None
    return runner.invoke(cli, ["--library", str(library), "user", *arguments], input=stdin)


@pytest.fixture
def library(empty_library: Path, runner: CliRunner) -> Path:
    """A library where ada and bob may log in."""
    for name in ("bob", "ada"):
        assert user(runner, empty_library, "add", name, password="long enough").exit_code == 0
    return empty_library


def test_list_names_the_users_sorted(runner: CliRunner, library: Path) -> None:
    listed = user(runner, library, "list")
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == ["ada", "bob"]
    as_json = user(runner, library, "list", "--json")
    assert json.loads(as_json.stdout) == [{"name": "ada"}, {"name": "bob"}]


def test_list_of_a_library_without_users_is_empty(runner: CliRunner, empty_library: Path) -> None:
    result = user(runner, empty_library, "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_remove_takes_the_user_out(runner: CliRunner, library: Path) -> None:
    result = user(runner, library, "remove", "bob")
    assert result.exit_code == 0
    assert "Removed bob" in result.stdout
    assert list(read_local_config(library).users) == ["ada"]
    last = user(runner, library, "remove", "ada")
    assert "No users are left" in last.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(("remove", "carol"), id="remove"),
        pytest.param(("sessions", "--revoke", "carol"), id="revoke"),
    ],
)
def test_an_unknown_user_is_an_error(
    runner: CliRunner, library: Path, arguments: tuple[str, ...]
) -> None:
    result = user(runner, library, *arguments)
    assert result.exit_code == 1
    assert "Error: no user named 'carol'" in result.stderr


def test_sessions_revoke_raises_the_generation(runner: CliRunner, library: Path) -> None:
    result = user(runner, library, "sessions", "--revoke", "ada")
    assert result.exit_code == 0
    assert "Ended every session of ada" in result.stdout
    assert read_local_config(library).session_generations == {"ada": 1}


def test_sessions_without_revoke_is_a_usage_error(runner: CliRunner, library: Path) -> None:
    assert user(runner, library, "sessions").exit_code == 2


def test_adding_an_existing_user_changes_the_password(runner: CliRunner, library: Path) -> None:
    before = read_local_config(library).users["ada"]
    result = user(runner, library, "add", "ada", password="another one")
    assert result.exit_code == 0
    assert "Changed the password of ada and ended their sessions" in result.stdout
    settings = read_local_config(library)
    assert settings.users["ada"] != before
    assert settings.session_generations["ada"] == 1


def test_a_short_password_is_refused(runner: CliRunner, library: Path) -> None:
    result = user(runner, library, "add", "carol", password="short")
    assert result.exit_code == 2
    assert "carol" not in read_local_config(library).users


def test_every_user_command_has_help(runner: CliRunner) -> None:
    group = runner.invoke(cli, ["user", "--help"])
    for command in ("add", "list", "remove", "sessions"):
        assert command in group.stdout
        help_text = runner.invoke(cli, ["user", command, "--help"]).stdout
        assert "Usage:" in help_text
    assert "--revoke NAME" in runner.invoke(cli, ["user", "sessions", "--help"]).stdout


def test_the_readme_lists_every_user_command() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for command in ("user add", "user list", "user remove", "user sessions --revoke"):
        assert f"florilegium {command}" in readme, command
