"""Format citations through the local citation service, which keeps citeproc-js warm.

Building a citeproc-js engine costs 0.2–4 s per style (Chicago's is the slowest), more
than the rest of a `cite` command, and no part of it can be cached on disk: the time
goes into citeproc-js compiling the style into its token lists, not into reading the
XML, and mini-racer offers no V8 start-up snapshot. So the command line hands its
formatting to one service process (`webapp/citation_server.py`) that keeps the engines
warm between commands: the first `cite` starts it, later ones reuse it, and it exits
after `IDLE_SECONDS` without a request.

The service listens on a Unix socket only (never on the network) in a folder only its
user may enter, `$XDG_RUNTIME_DIR/florilegium/` or else the library's `.index/citeproc/`,
and answers only processes of its own user. The socket's name carries a fingerprint of
the code and styles it runs, so a changed install starts a new service. Starting it is
serialised by a lock file, so two commands starting at once start one service. If it
cannot be started or reached, or answers anything but a result, the citation is
formatted in this process instead, by the same code: output never depends on the path.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from refs.citations import CitationError, CiteItem, Formatter, shared_engine
from refs.csl import CslItem
from refs.styles import LOCALES_DIR, STYLES_DIR, Style

logger = logging.getLogger(__name__)

PROTOCOL = 1
IDLE_SECONDS = 600
SERVICE_ENV = "FLORILEGIUM_CITATION_SERVICE"  # "off": always format in this process
SERVER_MODULE = "webapp.citation_server"
# Waiting for a service to start, and for an answer (a first Chicago engine takes seconds
# on a busy machine; a 1,000-entry bibliography tens of seconds).
START_TIMEOUT = 20.0
ANSWER_TIMEOUT = 600.0
# sun_path holds 108 bytes on Linux; a longer path cannot be bound.
_MAX_SOCKET_PATH = 100
_CODE = (
    Path(__file__),
    Path(__file__).with_name("citation_server.py"),
    Path(__file__).parent.parent / "refs" / "citations.py",
    Path(__file__).parent.parent / "refs" / "citeproc_bridge.js",
    Path(__file__).parent.parent / "refs" / "vendor" / "citeproc" / "citeproc_commonjs.js",
    STYLES_DIR,
    LOCALES_DIR,
)


class ServiceUnavailable(OSError):
    """The citation service could not be started, reached or understood."""


def service_enabled() -> bool:
    """False when `$FLORILEGIUM_CITATION_SERVICE` is `off` (or the system has no Unix
    sockets): every citation is then formatted in the process that asks for it."""
    return os.environ.get(SERVICE_ENV, "on").lower() != "off" and hasattr(socket, "AF_UNIX")


def service_folder(library_dir: Path) -> Path:
    """Where the service's socket and lock live: the user's runtime folder when there is
    one of theirs, else the library's `.index/citeproc/`."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        folder = Path(runtime)
        with contextlib.suppress(OSError):
            if folder.is_dir() and folder.stat().st_uid == os.getuid():
                return folder / "florilegium"
    return library_dir / ".index" / "citeproc"


def fingerprint() -> str:
    """What the service runs: the interpreter and the size and time of the code, styles
    and locales; a service of another fingerprint is another socket."""
    digest = hashlib.sha256(f"{PROTOCOL}|{sys.executable}".encode())
    for path in _CODE:
        with contextlib.suppress(OSError):
            stat = path.stat()
            digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def socket_path(folder: Path) -> Path:
    """The service's socket in `folder`."""
    return folder / f"citeproc-{fingerprint()}.sock"


def write_message(connection: socket.socket, message: dict[str, Any]) -> None:
    """Send one message: a line of ASCII JSON (lone surrogates escaped, never lost)."""
    # Any: a message is JSON, its shape checked by the side that reads it.
    connection.sendall(json.dumps(message, ensure_ascii=True).encode("ascii") + b"\n")


def read_message(stream: Any) -> dict[str, Any] | None:  # Any: a socket's binary file
    """Read one message from a socket's file; None at the end of the stream."""
    line = stream.readline()
    if not line:
        return None
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError("a message is a JSON object")
    return message


def cite_item_to_json(cite: CiteItem) -> dict[str, str]:
    """A `CiteItem` on the wire."""
    return {
        "citekey": cite.citekey,
        "locator": cite.locator or "",
        "label": cite.label,
        "prefix": cite.prefix,
        "suffix": cite.suffix,
    }


def cite_item_from_json(document: dict[str, str]) -> CiteItem:
    """A `CiteItem` read from the wire."""
    return CiteItem(
        citekey=document["citekey"],
        locator=document["locator"] or None,
        label=document["label"],
        prefix=document["prefix"],
        suffix=document["suffix"],
    )


class ServiceFormatter:
    """`Formatter` that asks the citation service, starting it when none runs, and formats
    in this process when the service cannot answer."""

    def __init__(self, folder: Path, *, idle_seconds: int = IDLE_SECONDS) -> None:
        self._folder = folder
        self._idle_seconds = idle_seconds
        self._connection: socket.socket | None = None
        self._stream: Any = None  # Any: the connection's binary file
        self._local: Formatter | None = None  # once the service failed, for good

    def bibliography(
        self,
        items: Sequence[CslItem],
        style: Style,
        output: str = "text",
        *,
        only: Collection[str] | None = None,
    ) -> list[tuple[str, str]]:
        """Each item's bibliography entry as `(citekey, entry)` (see `CitationEngine`)."""
        request = {
            "method": "bibliography",
            "items": list(items),
            "style": style.id,
            "output": output,
            "only": None if only is None else list(only),
        }
        answer = self._ask(request)
        if answer is None:
            return self._formatter().bibliography(items, style, output, only=only)
        return [(str(citekey), str(entry)) for citekey, entry in answer]

    def citations(
        self,
        items: Sequence[CslItem],
        clusters: Sequence[Sequence[CiteItem]],
        style: Style,
        output: str = "text",
    ) -> list[str]:
        """Citation clusters cited in this order in one new document (see `CitationEngine`)."""
        request = {
            "method": "citations",
            "items": list(items),
            "clusters": [[cite_item_to_json(cite) for cite in cluster] for cluster in clusters],
            "style": style.id,
            "output": output,
        }
        answer = self._ask(request)
        if answer is None:
            return self._formatter().citations(items, clusters, style, output)
        return [str(text) for text in answer]

    def close(self) -> None:
        """Close the connection (the service goes on for later commands)."""
        if self._connection is not None:
            self._connection.close()
        self._connection = self._stream = None

    def _formatter(self) -> Formatter:
        if self._local is None:
            self._local = shared_engine()
        return self._local

    def _ask(self, request: dict[str, Any]) -> Any:  # Any: the result's JSON
        """The service's result for `request`; None when this process must format it.

        A `CitationError` the service reports is raised here as it would be in-process.
        """
        if self._local is not None:
            return None
        for attempt in (1, 2):  # a service that just exited for idleness: start another
            try:
                answer = self._exchange({"protocol": PROTOCOL, **request}, start=attempt == 2)
            except (OSError, ValueError) as error:
                self.close()
                logger.debug("citation service, attempt %d: %s", attempt, error)
                continue
            if "result" in answer:
                return answer["result"]
            if answer.get("kind") == "citation":
                raise CitationError(str(answer.get("error")), field=str(answer.get("field", "")))
            logger.info("citation service failed (%s); formatting here", answer.get("error"))
            break
        self._local = shared_engine()
        return None

    def _exchange(self, request: dict[str, Any], *, start: bool) -> dict[str, Any]:
        if self._connection is None:
            self._connect(start=start)
        assert self._connection is not None
        write_message(self._connection, request)
        answer = read_message(self._stream)
        if answer is None:
            raise ServiceUnavailable("the citation service closed the connection")
        return answer

    def _connect(self, *, start: bool) -> None:
        path = socket_path(self._folder)
        if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
            raise ServiceUnavailable(f"{path}: too long for a Unix socket")
        try:
            connection = _connected(path)
        except OSError:
            if not start:
                raise
            connection = self._start(path)
        connection.settimeout(ANSWER_TIMEOUT)
        self._connection, self._stream = connection, connection.makefile("rb")

    def _start(self, path: Path) -> socket.socket:
        """Start the service under the lock, unless another process started it meanwhile."""
        self._folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self._folder, 0o700)
        with _locked(path.with_suffix(".lock")):
            with contextlib.suppress(OSError):
                return _connected(path)
            path.unlink(missing_ok=True)  # a socket left by a service that died
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    SERVER_MODULE,
                    "--socket",
                    str(path),
                    "--idle-seconds",
                    str(self._idle_seconds),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # not stopped by the terminal's Ctrl-C
                close_fds=True,
                cwd="/",
            )
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    return _connected(path)
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)


def stop_running_service(folder: Path) -> bool:
    """Ask the service in `folder` to exit; True if one was running."""
    try:
        connection = _connected(socket_path(folder))
    except OSError:
        return False
    with connection, connection.makefile("rb") as stream:
        write_message(connection, {"protocol": PROTOCOL, "method": "stop"})
        with contextlib.suppress(OSError, ValueError):
            read_message(stream)
    return True


def _connected(path: Path) -> socket.socket:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        raise
    return connection


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) while the block runs."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
