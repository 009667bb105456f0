"""`serve`: run the web app under waitress, a production WSGI server."""

from __future__ import annotations

import os

import click
from flask import Flask
from waitress import serve as waitress_serve

from webapp import create_app
from webapp.clisupport import pass_services
from webapp.config import is_loopback_host
from webapp.localconfig import local_config_path, read_local_config
from webapp.prefork import serve_forked
from webapp.services import Services


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=int, help="Worker threads.")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes sharing the port, each with --threads threads (one process uses "
    "one core at a time). Not on Windows.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    help="Another name this server answers to (repeatable); other Host headers are refused.",
)
@pass_services
def serve(
    services: Services,
    host: str,
    port: int,
    threads: int,
    processes: int,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Run the web app for the library and print its URL.

    It listens on loopback unless told otherwise; any other address is refused until a
    user exists (`florilegium user add NAME`), and then every page needs a login.
    """
    if not is_loopback_host(host) and not read_local_config(services.library_dir).users:
        raise click.ClickException(
            f"refusing to listen on {host}, which other machines can reach, without "
            f"credentials: add a user with `florilegium user add NAME` (stored as a hash in "
            f"{local_config_path(services.library_dir)}), or serve on 127.0.0.1"
        )
    if processes > 1 and not hasattr(os, "fork"):
        raise click.UsageError("--processes above 1 needs fork(), which this system lacks")
    # Build the index now, before any thread exists (a full build may fork workers); the
    # server's own services never fork, as forking a threaded process is unsafe.
    services.search.prepare()

    def make_app() -> Flask:
        return create_app(
            {
                "SERVICES": Services.for_library(services.library_dir),
                "SERVER_HOST": host,
                "SERVER_PORT": port,
                "ALLOWED_HOSTS": list(allowed_hosts),
            }
        )

    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Florilegium is serving {services.library_dir} at http://{shown}:{port}/")
    if processes == 1:
        waitress_serve(make_app(), host=host, port=port, threads=threads)
        return
    status = serve_forked(make_app, host=host, port=port, threads=threads, processes=processes)
    if status:
        raise SystemExit(status)
