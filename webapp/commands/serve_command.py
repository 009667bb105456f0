"""`serve`: run the web app under waitress (HTTP) or gunicorn (HTTPS), production servers."""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import Any

import click
from flask import Flask
from waitress import serve as waitress_serve

from teamdb.errors import redacted
from webapp import create_app
from webapp.clisupport import pass_services
from webapp.config import is_loopback_host
from webapp.localconfig import local_config_path, read_local_config
from webapp.members import Members
from webapp.prefork import serve_forked
from webapp.services import Services


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=int, help="Worker threads.")
@click.option(
    "--processes",
    "--workers",
    "processes",
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
@click.option(
    "--certfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Serve HTTPS with this PEM certificate (its chain after it); needs --keyfile.",
)
@click.option(
    "--keyfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The PEM private key of --certfile.",
)
@click.option(
    "--proxy-fix",
    "proxies",
    default=0,
    show_default=True,
    envvar="FLORILEGIUM_PROXY_FIX",
    type=click.IntRange(min=0),
    help="Behind N reverse proxies (1 for one nginx or Caddy): take the client's address "
    "and scheme from the last N X-Forwarded-For/-Proto values. Never set it without a "
    "proxy: clients could then forge their address.",
)
@pass_services
def serve(
    services: Services,
    host: str,
    port: int,
    threads: int,
    processes: int,
    allowed_hosts: tuple[str, ...],
    certfile: Path | None,
    keyfile: Path | None,
    proxies: int,
) -> None:
    """Run the web app for the library and print its URL.

    It listens on loopback unless told otherwise. Any other address, or a server behind a
    proxy (--proxy-fix), is refused until a user exists (`florilegium user add NAME`), and
    then every page needs a login. With --certfile and --keyfile it serves HTTPS itself
    (secure cookies, HSTS); see docs/deploy.md.
    """
    reachable = not is_loopback_host(host) or proxies > 0
    # A team library always needs a login (its members are in the database).
    if (
        reachable
        and services.database is None
        and not read_local_config(services.library_dir).users
    ):
        where = f"on {host}, which other machines can reach," if proxies == 0 else "behind a proxy"
        raise click.ClickException(
            f"refusing to serve {where} without credentials: add a user with "
            f"`florilegium user add NAME` (stored as a hash in "
            f"{local_config_path(services.library_dir)}), or serve on 127.0.0.1"
        )
    tls = _checked_tls(certfile, keyfile)
    if (processes > 1 or tls) and not hasattr(os, "fork"):
        raise click.UsageError(
            "--processes above 1 and --certfile need fork(), which this system lacks"
        )
    # Build the index now, before any thread exists (a full build may fork workers); the
    # server's own services never fork, as forking a threaded process is unsafe.
    services.search.prepare()
    team_url = None if services.database is None else services.database.url
    if services.database is not None:
        if not Members(services.database).names():
            click.echo(
                "Warning: this team library has no members yet, so no one can log in: add "
                "one with `florilegium --database URL user add NAME --role owner`",
                err=True,
            )
        services.database.close()  # each worker opens its own connections

    config: dict[str, Any] = {  # Any: Flask config values
        "SERVER_HOST": host,
        "SERVER_PORT": port,
        "ALLOWED_HOSTS": list(allowed_hosts),
        "PROXY_FIX": proxies,
    }
    if tls:
        config |= {
            "SESSION_COOKIE_SECURE": True,
            "REMEMBER_COOKIE_SECURE": True,
            "PREFERRED_URL_SCHEME": "https",
        }

    def make_app() -> Flask:
        if team_url is not None:
            from webapp.team_services import TeamServices

            return create_app({"SERVICES": TeamServices.for_database(team_url), **config})
        return create_app({"SERVICES": Services.for_library(services.library_dir), **config})

    shown = f"[{host}]" if ":" in host else host
    scheme = "https" if tls else "http"
    served = services.library_dir if team_url is None else redacted(team_url)
    click.echo(f"Florilegium is serving {served} at {scheme}://{shown}:{port}/")
    if tls:
        assert certfile is not None and keyfile is not None
        from webapp.tls_server import serve_tls  # gunicorn is loaded only to serve HTTPS

        serve_tls(
            make_app,
            host=host,
            port=port,
            threads=threads,
            processes=processes,
            certfile=certfile,
            keyfile=keyfile,
        )
        return
    # waitress drops X-Forwarded-* before the app sees them; behind a proxy, ProxyFix
    # (security.py) reads them instead, trusting only the last `proxies` values.
    options = {"clear_untrusted_proxy_headers": proxies == 0}
    if processes == 1:
        waitress_serve(make_app(), host=host, port=port, threads=threads, **options)
        return
    status = serve_forked(
        make_app, host=host, port=port, threads=threads, processes=processes, options=options
    )
    if status:
        raise SystemExit(status)


def _checked_tls(certfile: Path | None, keyfile: Path | None) -> bool:
    """True when HTTPS is asked for, once the certificate and key are known to load."""
    if certfile is None and keyfile is None:
        return False
    if certfile is None or keyfile is None:
        raise click.UsageError("--certfile and --keyfile go together")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError) as error:
        raise click.ClickException(
            f"{certfile}, {keyfile}: cannot serve HTTPS with this certificate and key: {error}"
        ) from error
    return True
