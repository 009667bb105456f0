"""`user add|list|remove|sessions`: who may log in to the web app, and their sessions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import click

from webapp.accounts import MIN_PASSWORD_CHARS, Accounts, UnknownUser
from webapp.clisupport import pass_services
from webapp.localconfig import LocalConfigError, local_config_path
from webapp.services import Services

T = TypeVar("T")


@click.group("user")
def user() -> None:
    """Manage who may log in to the web app and end their sessions.

    Users are kept in the library's git-ignored .florilegium-local.toml (only password
    hashes). A running server sees every change at its next request.
    """


@user.command("add")
@click.argument("name")
@click.password_option(help="The password (asked twice when not given).")
@pass_services
def add_user(services: Services, name: str, password: str) -> None:
    """Add user NAME, or change their password (which ends all their sessions).

    Only a salted scrypt hash of the password is stored.
    """
    if not name.strip():
        raise click.BadParameter("must not be empty", param_hint="NAME")
    if len(password) < MIN_PASSWORD_CHARS:
        raise click.BadParameter(
            f"must have at least {MIN_PASSWORD_CHARS} characters", param_hint="--password"
        )
    existed = _checked(lambda: _accounts(services).set_password(name, password))
    where = local_config_path(services.library_dir)
    if existed:
        click.echo(f"Changed the password of {name} and ended their sessions (hash in {where})")
    else:
        click.echo(f"User {name} can now log in (hash kept in {where})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help='Print [{"name": ...}, ...] as JSON.')
@pass_services
def list_users(services: Services, as_json: bool) -> None:
    """List the users who may log in, by name."""
    names = _checked(lambda: _accounts(services).names())
    if as_json:
        click.echo(json.dumps([{"name": name} for name in names], ensure_ascii=False))
        return
    for name in names:
        click.echo(name)
    if not names:
        click.echo("No users: the web app serves loopback only, without login.", err=True)


@user.command("remove")
@click.argument("name")
@pass_services
def remove_user(services: Services, name: str) -> None:
    """Remove user NAME; their sessions end at once, on every running server."""
    accounts = _accounts(services)
    _checked(lambda: accounts.remove(name))
    click.echo(f"Removed {name}; their sessions have ended")
    if not _checked(accounts.names):
        click.echo(
            "No users are left: a server reachable from other machines now refuses every "
            "request, and `serve --host` will not start until one is added.",
            err=True,
        )


@user.command("sessions")
@click.option(
    "--revoke",
    "name",
    required=True,
    metavar="NAME",
    help="End every session of user NAME: each browser or script must log in again.",
)
@pass_services
def sessions(services: Services, name: str) -> None:
    """End a user's sessions (e.g. after a lost laptop); their password stays."""
    _checked(lambda: _accounts(services).end_sessions(name))
    click.echo(f"Ended every session of {name}")


def _accounts(services: Services) -> Accounts:
    return Accounts(services.library_dir)


def _checked(action: Callable[[], T]) -> T:
    """`action()`, with an unknown user or a broken settings file as `Error: ...`, exit 1."""
    try:
        return action()
    except (UnknownUser, LocalConfigError) as error:
        raise click.ClickException(str(error)) from error
