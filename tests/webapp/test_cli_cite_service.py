"""`cite` in fresh processes through the citation service prints what it prints in-process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.citation_client import SERVICE_ENV, socket_path
from webapp.cli import cli
from webapp.services import DEMO_LIBRARY

CASES = [
    pytest.param(["linden1966", "--style", "chicago"], id="chicago-entry"),
    pytest.param(["linden1966", "--style", "chicago", "--mode", "note", "-p", "422"], id="note"),
    pytest.param(["linden1966", "--style", "mla", "--mode", "citation", "-p", "12"], id="mla"),
    pytest.param(["linden1966", "--style", "apa", "--format", "html"], id="apa-html"),
    pytest.param(["linden1966", "--style", "chicago-author-date", "--json"], id="author-date"),
]

_COMMAND = [sys.executable, "-c", "from webapp.cli import main; main()"]


@pytest.fixture
def library() -> Iterator[Path]:
    """A copy of the demo library at a short path (a Unix socket's path is short), with
    its citation service stopped at the end."""
    folder = Path(tempfile.mkdtemp(prefix="flg-"))
    library = Path(shutil.copytree(DEMO_LIBRARY, folder / "lib", ignore=_derived))
    try:
        yield library
    finally:
        _florilegium(library, "cite", "--stop-service")
        shutil.rmtree(folder, ignore_errors=True)


def _derived(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if name == ".index" or name.endswith(".lock")]


def _florilegium(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"}
    env[SERVICE_ENV] = "on"
    return subprocess.run(
        [*_COMMAND, "--library", str(library), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def _in_process(library: Path, args: list[str]) -> str:
    result = CliRunner().invoke(cli, ["--library", str(library), "cite", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _service_processes(socket: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(socket).encode() in command and b"citation_server" in command:
                found.append(int(entry.name))
    return found


def _socket(library: Path) -> Path:
    return socket_path(library / ".index" / "citeproc")


@pytest.mark.parametrize("args", CASES)
def test_cite_through_the_service_prints_what_cite_prints_in_process(
    library: Path, args: list[str]
) -> None:
    expected = _in_process(library, args)
    first = _florilegium(library, "cite", *args)
    assert _socket(library).exists(), "the first cite started no service"
    second = _florilegium(library, "cite", *args)
    assert (first.returncode, first.stdout) == (0, expected), first.stderr
    assert (second.returncode, second.stdout) == (0, expected), second.stderr


def test_two_commands_starting_at_once_start_one_service(library: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"}
    env[SERVICE_ENV] = "on"
    argv = [*_COMMAND, "--library", str(library), "cite", "linden1966", "--style", "mla"]
    started = [subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    outputs = [process.communicate(timeout=120)[0] for process in started]
    assert len(set(outputs)) == 1 and outputs[0].startswith("Linden, Carl A.")
    assert len(_service_processes(_socket(library))) == 1


def test_stop_service_stops_it_and_removes_its_socket(library: Path) -> None:
    _florilegium(library, "cite", "linden1966", "--style", "mla")
    socket = _socket(library)
    assert _service_processes(socket)
    stopped = _florilegium(library, "cite", "--stop-service")
    assert stopped.returncode == 0
    assert "Stopped" in stopped.stderr
    deadline = time.monotonic() + 30
    while (_service_processes(socket) or socket.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not socket.exists()
    assert not _service_processes(socket)


def test_cite_formats_in_process_when_no_service_can_start(library: Path) -> None:
    (library / ".index").mkdir(exist_ok=True)
    (library / ".index" / "citeproc").write_text("not a folder", encoding="utf-8")
    args = ["linden1966", "--style", "apa"]
    result = _florilegium(library, "cite", *args)
    assert (result.returncode, result.stdout) == (0, _in_process(library, args))


def test_idle_service_exits_and_removes_its_socket() -> None:
    folder = Path(tempfile.mkdtemp(prefix="flg-"))
    socket = folder / "s.sock"
    try:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "webapp.citation_server",
                "--socket",
                str(socket),
                "--idle-seconds",
                "0.5",
            ]
        )
        assert server.wait(timeout=60) == 0
        assert not socket.exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
