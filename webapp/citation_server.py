"""The citation service: one process keeping citeproc-js engines warm for the command line.

`python -m webapp.citation_server --socket PATH` serves the requests of
`webapp/citation_client.py` on a Unix socket: each request is a list of CSL items, a style
id and a format, answered by the same `CitationEngine` that formats in-process, so what
the service prints is byte for byte what the command would. It serves only processes of
its own user (the socket's folder is theirs alone, and each peer's uid is checked), exits
after its idle time without requests (or when asked), and removes its socket then.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Any

from refs.citations import CitationEngine, CitationError
from refs.styles import resolve_style
from webapp.citation_client import (
    PROTOCOL,
    cite_item_from_json,
    read_message,
    write_message,
)

logger = logging.getLogger(__name__)

_POLL_SECONDS = 1.0


class CitationServer:
    """Answer formatting requests on `listener` until idle for `idle_seconds` or stopped."""

    def __init__(self, listener: socket.socket, *, idle_seconds: float) -> None:
        self._listener = listener
        self._idle_seconds = idle_seconds
        self._engine = CitationEngine()
        self._lock = threading.Lock()
        self._active = 0
        self._last_request = time.monotonic()
        self._stopping = threading.Event()

    def serve(self) -> None:
        """Accept connections, each served on its own thread, until it is time to stop."""
        self._listener.settimeout(min(_POLL_SECONDS, self._idle_seconds))
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                with self._lock:
                    idle = self._active == 0
                    if idle and time.monotonic() - self._last_request >= self._idle_seconds:
                        return
                continue
            if not _same_user(connection):
                connection.close()
                continue
            with self._lock:
                self._active += 1
            threading.Thread(target=self._serve_connection, args=(connection,), daemon=True).start()

    def close(self) -> None:
        """Release V8."""
        self._engine.close()

    def _serve_connection(self, connection: socket.socket) -> None:
        try:
            with connection, connection.makefile("rb") as stream:
                while True:
                    request = read_message(stream)
                    if request is None:
                        return
                    write_message(connection, self._answer(request))
                    with self._lock:
                        self._last_request = time.monotonic()
                    if request.get("method") == "stop":
                        self._stopping.set()
                        return
        except (OSError, ValueError) as error:
            logger.info("dropped a connection: %s", error)
        finally:
            with self._lock:
                self._active -= 1
                self._last_request = time.monotonic()

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one request: `{"result": ...}` or `{"error", "kind"[, "field"]}`."""
        # Any: JSON from the client, read key by key; a malformed request is an "internal"
        # answer, after which the client formats in its own process.
        if request.get("protocol") != PROTOCOL:
            return {"error": f"protocol {request.get('protocol')!r}", "kind": "internal"}
        method = request.get("method")
        try:
            if method == "stop":
                return {"result": True}
            style = resolve_style(str(request["style"]))
            output = str(request["output"])
            if method == "bibliography":
                only = request["only"]
                entries = self._engine.bibliography(request["items"], style, output, only=only)
                return {"result": [list(entry) for entry in entries]}
            if method == "citations":
                clusters = [
                    [cite_item_from_json(cite) for cite in cluster]
                    for cluster in request["clusters"]
                ]
                return {"result": self._engine.citations(request["items"], clusters, style, output)}
        except CitationError as error:
            return {"error": str(error), "field": error.field, "kind": "citation"}
        except Exception as error:  # any failure (a V8 error...): the client formats it itself
            logger.exception("request failed")
            return {"error": f"{type(error).__name__}: {error}", "kind": "internal"}
        return {"error": f"unknown method {method!r}", "kind": "internal"}


def _same_user(connection: socket.socket) -> bool:
    """True when the peer runs as this process's user (where the system can tell)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True  # the folder's permissions are the only guard there
    credentials = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return int(uid) == os.getuid()


def serve(path: Path, *, idle_seconds: float) -> None:
    """Bind `path` and serve until idle; the socket is removed on the way out (unless
    another service has replaced it meanwhile)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with listener:
        listener.bind(str(path))
        os.chmod(path, 0o600)
        bound = path.stat().st_ino
        listener.listen(16)
        server = CitationServer(listener, idle_seconds=idle_seconds)
        try:
            server.serve()
        finally:
            with contextlib.suppress(OSError):
                if path.stat().st_ino == bound:
                    path.unlink()
            server.close()


def main() -> None:
    """Run the service (started by `citation_client`, not by hand)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", type=Path, required=True, help="the Unix socket to serve")
    parser.add_argument("--idle-seconds", type=float, default=600, help="exit after this idle")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    serve(args.socket, idle_seconds=args.idle_seconds)


if __name__ == "__main__":
    main()
