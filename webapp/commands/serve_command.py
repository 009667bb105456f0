"""`serve`: run the web app under waitress, a production WSGI server."""

from __future__ import annotations

import click
from waitress import serve as waitress_serve

from webapp import create_app
from webapp.clisupport import pass_services
from webapp.services import Services


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=int, help="Worker threads.")
@pass_services
def serve(services: Services, host: str, port: int, threads: int) -> None:
    """Run the web app for the library and print its URL."""
    app = create_app({"LIBRARY_DIR": services.library_dir, "SERVER_HOST": host})
    click.echo(f"Florilegium is serving {services.library_dir} at http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=threads)
