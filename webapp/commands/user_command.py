"""`user add|list|remove|sessions`: who may log in to the web app, and their sessions."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from webapp.accounts import MIN_PASSWORD_CHARS, AccountError, Accounts
from webapp.clisupport import pass_services
from webapp.localconfig import LocalConfigError, local_config_path
from webapp.members import ROLES, Members
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
@click.option("--password", help="The password (asked twice when not given).")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    help="On a team library (--database): owner, editor (may write) or reader (may only "
    "read). Default: editor for a new member, else unchanged.",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@pass_services
def add_user(
    services: Services, name: str, password: str | None, role: str | None, password_stdin: bool
) -> None:
    """Add user NAME, or change their password (which ends all their sessions).

    Only a salted scrypt hash of the password is stored. On a team library (--database)
    a member has a role, and may have no password at all (API tokens only) when neither
    --password nor --password-stdin is given and stdin is not a terminal.
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    if services.database is not None:
        _add_member(services, name, role, password)
        return
    if role is not None:
        raise click.UsageError("--role is for team libraries (--database)")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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
    """List the users who may log in, by name (on a team library, with their roles)."""
    if services.database is not None:
        members = _checked(lambda: _members(services).members())
        if as_json:
            click.echo(
                json.dumps(
                    [
                        {
                            "name": m.name,
                            "role": m.role,
                            "password": m.has_password,
                            "tokens": m.tokens,
                        }
                        for m in members
                    ],
                    ensure_ascii=False,
                )
            )
            return
        for member in members:
            click.echo(f"{member.name}\t{member.role}")
        return
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
    if services.database is None and not _checked(accounts.names):
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


@user.command("token")
@click.argument("name")
@pass_services
def token(services: Services, name: str) -> None:
    """Print a new API token for member NAME of a team library (--database).

    Scripts send it as `Authorization: Bearer TOKEN`; it acts with NAME's role until NAME
    is removed. Only its hash is kept: it is shown this once.
    """
    if services.database is None:
        raise click.UsageError("API tokens are for team libraries (--database)")
    click.echo(_checked(lambda: _members(services).new_token(name)))


def _add_member(services: Services, name: str, role: str | None, password: str | None) -> None:
    """`user add` on a team library: the member's role, and a password when one is given."""
    members = _members(services)
    if password is None and sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password is not None and len(password) < MIN_PASSWORD_CHARS:
        raise click.BadParameter(
            f"must have at least {MIN_PASSWORD_CHARS} characters", param_hint="--password"
        )
    chosen = role or _checked(lambda: members.role_of(name)) or "editor"
    existed = _checked(lambda: members.add(name, chosen, password))
    login = "" if password is not None else " (no password: API tokens only)"
    if existed:
        click.echo(f"Member {name} is now {chosen}{login}")
    else:
        click.echo(f"Member {name} added as {chosen}{login}")


def _members(services: Services) -> Members:
    assert services.database is not None
    return Members(services.database)


def _accounts(services: Services) -> Accounts | Members:
    return Accounts(services.library_dir) if services.database is None else _members(services)


def _checked(action: Callable[[], T]) -> T:
    """`action()`, with an unknown user or a broken settings file as `Error: ...`, exit 1."""
    try:
        return action()
    except (AccountError, LocalConfigError) as error:
        raise click.ClickException(str(error)) from error
