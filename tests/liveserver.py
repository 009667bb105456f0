"""`florilegium serve` for real, in a subprocess on a free loopback port.

The browser tests, the server-and-CLI concurrency test and the web benchmarks
(bench/web.py, bench/soak.py) all need the same: the environment's own `florilegium`
command, a port nothing listens on, a wait until the server answers, and a stop that
lets it shut down cleanly.
"""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path


class ServerFailed(RuntimeError):
    """The server could not be started, or died or never answered; says why, with its log."""


def florilegium_command() -> str:
    """The `florilegium` script beside this Python (the .venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "florilegium"
    found = str(beside) if beside.is_file() else shutil.which("florilegium")
    if found is None:
        raise ServerFailed("no `florilegium` command: run `make setup` first")
    return found


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(
    library: Path,
    log: Path,
    *,
    threads: int = 4,
    processes: int = 1,
    startup_seconds: float = 120.0,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
    tls: ssl.SSLContext | None = None,
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Run `florilegium --library LIBRARY serve` on a free port, its output in `log`, until
    the block ends; yields the process and the port once the server answers.

    `options` are more of serve's options; with `tls` (a client context trusting the
    server's certificate) the server is awaited over HTTPS.
    """
    port = free_port()
    command = [florilegium_command(), "--library", str(library), "serve"]
    command += ["--port", str(port), "--threads", str(threads), "--processes", str(processes)]
    command += options
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_until_answering(process, port, log, startup_seconds, tls)
        yield process, port
    finally:
        _stop(process)


def connect(
    port: int, tls: ssl.SSLContext | None = None, timeout: float = 30
) -> http.client.HTTPConnection:
    """A new connection to the server on `port` (HTTPS, as `localhost`, with `tls`)."""
    if tls is None:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    return http.client.HTTPSConnection("localhost", port, timeout=timeout, context=tls)


def _wait_until_answering(
    process: subprocess.Popen[bytes],
    port: int,
    log: Path,
    startup_seconds: float,
    tls: ssl.SSLContext | None,
) -> None:
    """Poll the server's API description until it answers (401 when the library has
    users: the server is up all the same); fail with its log if it died."""
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"serve exited with {process.returncode}:\n{log.read_text()}")
        connection = connect(port, tls, timeout=startup_seconds)
        try:
            connection.request("GET", "/api/openapi.json")
            if connection.getresponse().status in (200, 401):
                return
        except OSError:
            time.sleep(0.05)  # not listening yet: poll again shortly
        finally:
            connection.close()
    raise ServerFailed(f"serve did not answer within {startup_seconds} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a user stops it (waitress finishes and the log is complete), then kill."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
