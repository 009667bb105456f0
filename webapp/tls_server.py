"""Serving the web app over HTTPS with gunicorn (`serve --certfile FILE --keyfile FILE`).

waitress, which serves plain HTTP, speaks no TLS, and wrapping its listening socket in
Python's `ssl` is not sound: the TLS handshake then runs in waitress's one event-loop
thread, without a timeout, so one client that connects and says nothing stops every
other request (measured: a second client's request timed out). gunicorn's threaded
worker does each handshake in a worker thread, with a timeout: a silent client holds one
thread for a while, not the server. Its worker processes and threads are the same idea
as `--processes` and `--threads`, and each worker builds its own app after the fork, as
`prefork.py`'s do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)

App = Callable[..., Any]  # a WSGI application


def serve_tls(
    make_app: Callable[[], App],
    *,
    host: str,
    port: int,
    threads: int,
    processes: int,
    certfile: Path,
    keyfile: Path,
) -> None:
    """Serve HTTPS on host:port until Ctrl-C or SIGTERM, with `processes` worker processes
    of `threads` threads, each building its app with `make_app`.

    gunicorn ends by raising SystemExit: 0 when stopped, non-zero when workers could not
    start.
    """
    address = f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"
    options: dict[str, object] = {
        "bind": [address],
        "workers": processes,
        "threads": threads,
        "worker_class": "gthread",
        "certfile": str(certfile),
        "keyfile": str(keyfile),
        # X-Forwarded-* are the app's to trust (PROXY_FIX), never gunicorn's.
        "forwarded_allow_ips": "",
        # No runtime control socket in the user's home: Ctrl-C and SIGTERM stop it.
        "control_socket_disable": True,
        "proc_name": "florilegium",
        "loglevel": "warning",
    }
    _GunicornServer(make_app, options).run()


class _GunicornServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's documented way to run an app from Python, with our options only (no
    command line, no config file, no $GUNICORN_CMD_ARGS)."""

    def __init__(self, make_app: Callable[[], App], options: Mapping[str, object]) -> None:
        self._make_app = make_app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> App:
        return self._make_app()
