"""The real server (`florilegium serve`, 4 threads) and 4 CLI processes write passages and
notes to the same references at once, with HTTP clients writing and searching through the
API, for `FLORILEGIUM_CONCURRENCY_SECONDS` (30 by default).

Afterwards every acknowledged write (CLI exit 0 with its id, API 201 with its id) is in the
passages files and found by a search for its own word; no CLI run failed, no request was
answered with a 5xx, and the server's log holds no traceback, lock error or error line.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.liveserver import florilegium_command, running_server
from webapp.services import DEMO_LIBRARY

logger = logging.getLogger(__name__)

SECONDS = float(os.environ.get("FLORILEGIUM_CONCURRENCY_SECONDS", "30"))
CLI_WORKERS = 4
HTTP_WRITERS = 4
SERVER_THREADS = 4
# Few references, so that writers keep meeting on the same files.
CITEKEYS = ("freeze2009", "zhukov1957army")
FLORILEGIUM = florilegium_command()
LETTERS = "bcdfghjklmnpqrstvwxz"


def _word(*numbers: int) -> str:
    """A made-up word no library text holds, from the writer's numbers (letters only, so
    that the search's analysis keeps it as one token)."""
    word = "zq"
    for number in numbers:
        digits = ""
        while True:
            number, digit = divmod(number, len(LETTERS))
            digits += LETTERS[digit]
            if number == 0:
                break
        word += digits + "y"
    return word + "vo"


@dataclass
class Written:
    """What one writer was told was stored."""

    source: str  # "cli" or "api"
    kind: str  # "passage" or "note"
    id: str
    citekey: str
    word: str


@dataclass
class Tally:
    """Acknowledged writes and anything that went wrong, shared by the writer threads."""

    written: list[Written] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    searches: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, written: Written) -> None:
        with self.lock:
            self.written.append(written)

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return Path(
        shutil.copytree(
            DEMO_LIBRARY, tmp_path / "library", ignore=shutil.ignore_patterns(".index", "*.lock")
        )
    )


@pytest.fixture
def server(library: Path, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """`florilegium serve` on a free port; yields the port and its log file."""
    log = tmp_path / "server.log"
    with running_server(library, log, threads=SERVER_THREADS) as (_process, port):
        yield port, log


def _connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=120)


def _request(
    connection: http.client.HTTPConnection, method: str, path: str, body: object = None
) -> tuple[int, Any]:  # Any: a JSON document
    headers = {"Content-Type": "application/json"} if body is not None else {}
    data = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    document = json.loads(raw) if raw and response.getheader("Content-Type", "").startswith(
        "application/json"
    ) else None  # fmt: skip
    return response.status, document


def _cli_writer(number: int, library: Path, deadline: float, tally: Tally) -> None:
    """Alternate `quote add` and `note add` (on its own latest passage) until the deadline."""
    rng = random.Random(number)
    latest: Written | None = None
    sequence = 0
    while time.monotonic() < deadline:
        sequence += 1
        word = _word(1, number, sequence)
        if latest is None or sequence % 2:
            citekey = rng.choice(CITEKEYS)
            args = ["quote", "add", citekey, "--text", f"CLI quote {word}.", "--page", "7"]
        else:
            citekey = latest.citekey
            args = ["note", "add", latest.id, f"CLI note {word}."]
        done = subprocess.run(
            [str(FLORILEGIUM), "--library", str(library), *args, "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            tally.problem(f"cli {' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
            continue
        if done.stderr.strip():
            tally.problem(f"cli {' '.join(args)}: stderr: {done.stderr.strip()}")
        record_id = json.loads(done.stdout)["id"]
        kind = "note" if args[0] == "note" else "passage"
        written = Written("cli", kind, record_id, citekey, word)
        tally.add(written)
        if written.kind == "passage":
            latest = written


def _http_writer(number: int, port: int, deadline: float, tally: Tally) -> None:
    """Add passages and notes through the API (notes on passages of any writer) and search."""
    rng = random.Random(100 + number)
    connection = _connect(port)
    mine: list[Written] = []
    sequence = 0
    while time.monotonic() < deadline:
        sequence += 1
        word = _word(2, number, sequence)
        if not mine or rng.random() < 0.5:
            citekey = rng.choice(CITEKEYS)
            locator = {"label": "page", "value": str(sequence)}
            body = {"citekey": citekey, "text": f"API quote {word}.", "locator": locator}
            status, document = _request(connection, "POST", "/api/passages", body)
            kind = "passage"
        else:
            target = rng.choice(mine)
            citekey = target.citekey
            path = f"/api/passages/{target.id}/notes"
            status, document = _request(connection, "POST", path, {"text": f"API note {word}."})
            kind = "note"
        if status != 201:
            tally.problem(f"http {kind}: {status} {document}")
            continue
        written = Written("api", kind, document["id"], citekey, word)
        tally.add(written)
        if kind == "passage":
            mine.append(written)
        if sequence % 5 == 0:
            status, document = _request(connection, "GET", f"/api/search?q={rng.choice(mine).word}")
            with tally.lock:
                tally.searches += 1
            if status != 200:
                tally.problem(f"http search: {status} {document}")
    connection.close()


def _stored_ids(library: Path) -> dict[str, set[str]]:
    """Every passage and note id in the passages files, by kind."""
    found: dict[str, set[str]] = {"passage": set(), "note": set()}
    for path in (library / "passages").glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        for passage in document["passages"]:
            found["passage"].add(passage["id"])
            found["note"].update(note["id"] for note in passage.get("notes", []))
    return found


def test_server_and_cli_writing_the_same_references_lose_nothing(
    library: Path, server: tuple[int, Path]
) -> None:
    port, log = server
    tally = Tally()
    deadline = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_cli_writer, args=(n, library, deadline, tally))
        for n in range(CLI_WORKERS)
    ] + [
        threading.Thread(target=_http_writer, args=(n, port, deadline, tally))
        for n in range(HTTP_WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    logger.info(
        "%.0f s: acknowledged %s, %d searches, %d problems",
        SECONDS,
        Counter((w.source, w.kind) for w in tally.written),
        tally.searches,
        len(tally.problems),
    )
    assert tally.problems == []
    kinds = {kind: sum(w.kind == kind for w in tally.written) for kind in ("passage", "note")}
    assert kinds["passage"] >= CLI_WORKERS and kinds["note"] >= CLI_WORKERS, kinds

    stored = _stored_ids(library)
    lost = [w for w in tally.written if w.id not in stored[w.kind]]
    assert lost == []

    connection = _connect(port)
    unfound = []
    for written in tally.written:
        status, document = _request(connection, "GET", f"/api/search?q={written.word}")
        assert status == 200, document
        if written.id not in {hit["id"] for hit in document["hits"]}:
            unfound.append(written)
    connection.close()
    assert unfound == []

    server_log = log.read_text(encoding="utf-8", errors="replace")
    for sign in ("Traceback", "LockError", "IndexBusy", "ERROR", "Exception"):
        assert sign not in server_log, server_log[-3000:]
