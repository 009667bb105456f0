"""`user add`: let a person log in, which a server on a non-loopback address requires."""

from __future__ import annotations

import click
from werkzeug.security import generate_password_hash

from webapp.clisupport import pass_services
from webapp.localconfig import local_config_path, set_user_password_hash
from webapp.services import Services

MIN_PASSWORD_CHARS = 8


@click.group("user")
def user() -> None:
    """Manage who may log in to the web app."""


@user.command("add")
@click.argument("name")
@click.password_option(help="The password (asked twice when not given).")
@pass_services
def add_user(services: Services, name: str, password: str) -> None:
    """Add user NAME (or change their password); only a salted hash is stored."""
    if not name.strip():
        raise click.BadParameter("must not be empty", param_hint="NAME")
    if len(password) < MIN_PASSWORD_CHARS:
        raise click.BadParameter(
            f"must have at least {MIN_PASSWORD_CHARS} characters", param_hint="--password"
        )
    set_user_password_hash(services.library_dir, name, generate_password_hash(password))
    click.echo(
        f"User {name} can now log in (hash kept in {local_config_path(services.library_dir)})"
    )
