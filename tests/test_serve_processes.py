"""`florilegium serve --processes 2`: workers share the port and the library, and stop
together (by Ctrl-C, when one dies, or when their parent is killed)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.liveserver import florilegium_command, free_port, running_server
from webapp.services import DEMO_LIBRARY


@pytest.fixture
def library(tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(DEMO_LIBRARY, copy, ignore=shutil.ignore_patterns(".index", "*.lock"))
    return copy


def workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    return [int(child) for child in children.split()]


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet collected, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1]
    except FileNotFoundError:
        return False
    return state.split()[0] != "Z"


def wait_until(condition: Any, seconds: float = 20.0) -> bool:  # Any: a callable
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def request(port: int, method: str, path: str, body: object = None) -> tuple[int, Any]:
    """One request on a connection of its own (so that either worker may answer it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = None if body is None else json.dumps(body).encode()
        headers = {} if method == "GET" else {"Content-Type": "application/json"}
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.fixture
def two_workers(library: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    with running_server(library, tmp_path / "server.log", threads=2, processes=2) as started:
        yield started


def test_every_worker_answers_with_the_writes_of_the_others(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    server, port = two_workers
    assert len(workers_of(server.pid)) == 2
    for round_number in range(4):
        word = f"Quadrilateral{round_number}"
        status, passage = request(
            port, "POST", "/api/passages", {"citekey": "freeze2009", "text": f"{word} words."}
        )
        assert status == 201
        # Sixteen connections: the kernel hands them to both workers; each one finds it.
        for _ in range(16):
            status, result = request(port, "GET", f"/api/search?q={word}")
            assert status == 200
            assert [hit["id"] for hit in result["hits"]] == [passage["id"]]
        status, _note = request(
            port, "POST", f"/api/passages/{passage['id']}/notes", {"text": "Seen."}
        )
        assert status == 201
        for _ in range(8):
            status, shown = request(port, "GET", f"/api/passages/{passage['id']}")
            assert [note["text"] for note in shown["notes"]] == ["Seen."]


def test_ctrl_c_stops_every_worker(library: Path, tmp_path: Path) -> None:
    with running_server(library, tmp_path / "server.log", threads=2, processes=2) as (server, _):
        workers = workers_of(server.pid)
    # running_server stopped it with SIGINT, as Ctrl-C does.
    assert server.returncode == 0
    assert not any(alive(worker) for worker in workers)


def test_a_dead_worker_stops_the_server_and_says_so(library: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with running_server(library, log, threads=2, processes=2) as (server, _port):
        first, second = workers_of(server.pid)
        os.kill(first, signal.SIGKILL)
        assert server.wait(timeout=30) == 1
        assert wait_until(lambda: not alive(second))
    assert f"worker {first} exited (killed by signal 9); stopping the others" in log.read_text()


def test_workers_stop_when_their_parent_is_killed(library: Path, tmp_path: Path) -> None:
    port = free_port()
    command = [florilegium_command(), "--library", str(library), "serve", "--port", str(port)]
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen([*command, "--processes", "2"], stdout=log, stderr=log)
    try:
        assert wait_until(lambda: len(workers_of(server.pid)) == 2, seconds=120)
        workers = workers_of(server.pid)
        assert wait_until(lambda: _answers(port), seconds=120)
        server.kill()
        server.wait()
        assert wait_until(lambda: not any(alive(worker) for worker in workers))
    finally:
        for worker in workers_of(server.pid) if server.poll() is None else []:
            os.kill(worker, signal.SIGKILL)


def _answers(port: int) -> bool:
    try:
        return request(port, "GET", "/api/refs")[0] == 200
    except OSError:
        return False


def test_more_than_one_process_needs_a_count_of_at_least_one(library: Path) -> None:
    command = [florilegium_command(), "--library", str(library), "serve", "--processes", "0"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 2
    assert "--processes" in finished.stderr
