"""A full disk or a read-only library: every write fails with `Error: FILE: ...`, exit 1, and
the old file stays byte for byte as it was, with no temporary file left behind.

The real thing (a 64 KiB tmpfs, a read-only remount) runs where the tests may mount, as
root in a container usually can; the same failures are also injected at the system-call
boundary (`os.replace`, `os.fsync`) so that they are checked everywhere.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from refs.atomicfile import is_temporary
from tests.smallfs import fill, mounted_tmpfs
from webapp.cli import cli
from webapp.services import init_library

REFERENCES = """\
@book{freeze2009,
  author = {Freeze, Gregory L.},
  title = {Russia: A History},
  year = 2009,
  publisher = {Oxford University Press},
}

@book{linden1966,
  author = {Linden, Carl A.},
  title = {Khrushchev and the Soviet Leadership},
  year = 1966,
  publisher = {Johns Hopkins Press},
}
"""


def _run(runner: CliRunner, library: Path, *args: str) -> Result:
    return runner.invoke(cli, ["--library", str(library), *args])


def _snapshot(library: Path) -> dict[str, bytes]:
    """Every data file of the library with its bytes (locks and the cache left out)."""
    return {
        str(path.relative_to(library)): path.read_bytes()
        for path in sorted(library.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock") and ".index" not in path.parts
    }


def _temporary_files(library: Path) -> list[Path]:
    return [path for path in library.rglob("*") if is_temporary(path)]


def _make_library(folder: Path) -> tuple[Path, str]:
    """A library with one reference and one passage; returns it and the passage's id."""
    library = init_library(folder)
    (library / "references.bib").write_text(REFERENCES, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--library", str(library), "quote", "add", "freeze2009", "--text", "Words."]
    )
    assert result.exit_code == 0, result.output
    passage_id = result.stdout.split()[1]
    return library, passage_id


NEW_ENTRY = "@book{new2020, author={Doe, Jane}, title={T}, year=2020, publisher={P}}"
BIB, PASSAGES = "references.bib", "passages/freeze2009.json"
# A delete keeps what it removes in the trash first: its new file there is the first write.
TRASH_ITEM = "trash/ULID.json"
# Each write the CLI can make, and the file it would change.
WRITES = [
    pytest.param(("refs", "edit", "freeze2009", "--set", "year=2010"), BIB, id="refs-edit"),
    pytest.param(("refs", "add", "--bibtex", NEW_ENTRY), BIB, id="refs-add"),
    pytest.param(("refs", "delete", "freeze2009", "--cascade"), TRASH_ITEM, id="refs-delete"),
    pytest.param(("quote", "delete", "{passage}"), TRASH_ITEM, id="quote-delete"),
    pytest.param(("quote", "add", "freeze2009", "--text", "More."), PASSAGES, id="quote-add"),
    pytest.param(("note", "add", "{passage}", "A note."), PASSAGES, id="note-add"),
    pytest.param(("quote", "edit", "{passage}", "--text", "Other."), PASSAGES, id="quote-edit"),
]


def _args(args: tuple[str, ...], passage_id: str) -> list[str]:
    return [arg.replace("{passage}", passage_id) for arg in args]


def _assert_refused_cleanly(
    result: Result, library: Path, target: str, before: dict[str, bytes], reason: str
) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    named = re.escape(f"Error: {library / target}: could not write ({reason})")
    assert re.match(named.replace("ULID", "[0-9A-Z]{26}"), result.stderr), result.stderr
    assert "the file is unchanged" in result.stderr
    assert _snapshot(library) == before
    assert _temporary_files(library) == []


@pytest.mark.parametrize(("args", "target"), WRITES)
@pytest.mark.parametrize(
    ("patched", "code"),
    [
        pytest.param("replace", errno.EROFS, id="rename-on-read-only"),
        pytest.param("fsync", errno.ENOSPC, id="fsync-on-full-disk"),
    ],
)
def test_write_refused_by_the_system_is_an_error_naming_the_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    target: str,
    patched: str,
    code: int,
) -> None:
    library, passage_id = _make_library(tmp_path / "library")
    before = _snapshot(library)

    def refuse(*_args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, patched, refuse)
    result = _run(CliRunner(), library, *_args(args, passage_id))
    _assert_refused_cleanly(result, library, target, before, os.strerror(code))


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "tmpfs") as mount_point:
        yield mount_point


@pytest.mark.parametrize(("args", "target"), WRITES)
def test_write_to_a_full_disk_fails_and_keeps_the_old_file(
    tmpfs: Path, args: tuple[str, ...], target: str
) -> None:
    library, passage_id = _make_library(tmpfs / "library")
    filler = fill(tmpfs)
    before = _snapshot(library)
    runner = CliRunner()
    result = _run(runner, library, *_args(args, passage_id))
    _assert_refused_cleanly(result, library, target, before, os.strerror(errno.ENOSPC))
    filler.unlink()
    assert _run(runner, library, *_args(args, passage_id)).exit_code == 0
    assert _run(runner, library, "check").exit_code == 0


@pytest.mark.parametrize(("args", "target"), WRITES)
def test_write_to_a_read_only_library_fails_and_keeps_the_old_file(
    tmpfs: Path, args: tuple[str, ...], target: str
) -> None:
    library, passage_id = _make_library(tmpfs / "library")
    before = _snapshot(library)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    runner = CliRunner()
    try:
        result = _run(runner, library, *_args(args, passage_id))
        _assert_refused_cleanly(result, library, target, before, os.strerror(errno.EROFS))
        assert _run(runner, library, "quote", "list").exit_code == 0
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
