"""An import killed with SIGKILL leaves the library as it was or fully imported (issue 18).

A W3C import brings passages to many references at once. Each round copies one library,
forks a process that imports the same document into it, kills the process at a random
moment, then opens the library as the next command would (which finishes or discards
what the killed import left) and checks that it holds exactly the passages it held
before, or those and every imported one: never part of them. Two more tests kill the
importer at the two moments that matter, just before and just after its commit point.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import annotations.filebatch as filebatch
from annotations.store import PassageStore
from webapp.import_service import import_w3c
from webapp.services import Services, init_library

WORKS = 24
ANNOTATIONS = 240
ROUNDS = 8


def _library(folder: Path) -> Path:
    """A library of `WORKS` references, two of which hold a passage already."""
    library = init_library(folder)
    entries = [
        f"@book{{work{n},\n  title = {{Work {n}}},\n  year = 2000,\n"
        f"  url = {{https://example.org/work/{n}}},\n}}\n"
        for n in range(WORKS)
    ]
    (library / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    services = Services.for_library(library)
    services.passages.add("work0", "held before the import")
    services.passages.add("work5", "also held before")
    return library


def _document(folder: Path) -> Path:
    items = [
        {
            "id": f"https://example.org/annotation/{n}",
            "type": "Annotation",
            "created": "2024-01-02T03:04:05Z",
            "body": {"type": "TextualBody", "purpose": "commenting", "value": f"note {n}"},
            "target": {
                "source": f"https://example.org/work/{n % WORKS}",
                "selector": {"type": "TextQuoteSelector", "exact": f"imported quote {n}"},
            },
        }
        for n in range(ANNOTATIONS)
    ]
    path = folder / "annotations.json"
    path.write_text(json.dumps({"type": "AnnotationPage", "items": items}), encoding="utf-8")
    return path


def _import(library: Path, document: Path) -> None:
    """The child: import `document` into `library` through the services, as the CLI does."""
    import_w3c(Services.for_library(library), document.read_text(encoding="utf-8"), document)


def _texts(library: Path) -> set[str]:
    """The passage texts of `library`, opened as the next command opens it."""
    store = PassageStore(library)
    assert store.problems == []
    return {passage.text for passage in store.passages()}


def _run_child(target: Callable[..., None], *args: Any, kill_after: float | None = None) -> int:
    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    process.start()
    if kill_after is not None:
        time.sleep(kill_after)
        process.kill()
    process.join(60)
    assert process.exitcode is not None
    return process.exitcode


@pytest.fixture
def pristine(tmp_path: Path) -> tuple[Path, Path, set[str], set[str]]:
    """A library, the document, and the texts before and after a whole import."""
    library = _library(tmp_path / "pristine")
    document = _document(tmp_path)
    whole = shutil.copytree(library, tmp_path / "whole")
    assert _run_child(_import, whole, document) == 0
    return library, document, _texts(library), _texts(whole)


def test_import_killed_at_random_moments_is_all_or_nothing(
    tmp_path: Path, pristine: tuple[Path, Path, set[str], set[str]]
) -> None:
    library, document, before, after = pristine
    assert len(after - before) == ANNOTATIONS
    started = time.perf_counter()
    _run_child(_import, shutil.copytree(library, tmp_path / "timed"), document)
    duration = time.perf_counter() - started
    chance = random.Random(18)
    outcomes = {"as it was": 0, "fully imported": 0}
    for number in range(ROUNDS):
        copy = shutil.copytree(library, tmp_path / f"round{number}")
        exit_code = _run_child(_import, copy, document, kill_after=chance.uniform(0, duration))
        texts = _texts(copy)
        assert texts in (before, after), f"round {number}: {len(texts - before)} imported"
        assert not (copy / "passages" / filebatch.STAGING_NAME).exists()
        outcomes["as it was" if texts == before else "fully imported"] += 1
        if exit_code == -signal.SIGKILL and texts == after:
            search = Services.for_library(copy).search.search("kind:passage", limit=10_000)
            assert {hit.text for hit in search.hits} == after
    assert outcomes["as it was"] > 0, outcomes  # some kills landed before the commit


def _killed_during_renames(library: Path, document: Path) -> None:
    """The child: renames half of the committed batch, then is killed."""
    replay = filebatch._replay

    def half_then_die(folder: Path, staging: Path, names: list[str]) -> None:
        replay(folder, staging, names[: len(names) // 2])
        os.kill(os.getpid(), signal.SIGKILL)

    filebatch._replay = half_then_die  # type: ignore[assignment]
    _import(library, document)


def _killed_before_commit(library: Path, document: Path) -> None:
    """The child: stages every file, then is killed before writing the journal."""

    def die(path: Path, data: bytes) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    filebatch.write_atomically = die  # type: ignore[assignment]
    _import(library, document)


def test_import_killed_after_its_commit_is_finished_by_the_next_open(
    tmp_path: Path, pristine: tuple[Path, Path, set[str], set[str]]
) -> None:
    library, document, _, after = pristine
    copy = shutil.copytree(library, tmp_path / "copy")

    assert _run_child(_killed_during_renames, copy, document) == -signal.SIGKILL
    staged = copy / "passages" / filebatch.STAGING_NAME
    assert (staged / filebatch.JOURNAL_NAME).exists()

    assert _texts(copy) == after
    assert not staged.exists()


def test_import_killed_before_its_commit_leaves_the_library_as_it_was(
    tmp_path: Path, pristine: tuple[Path, Path, set[str], set[str]]
) -> None:
    library, document, before, _ = pristine
    copy = shutil.copytree(library, tmp_path / "copy")

    assert _run_child(_killed_before_commit, copy, document) == -signal.SIGKILL
    staged = copy / "passages" / filebatch.STAGING_NAME
    assert staged.exists() and not (staged / filebatch.JOURNAL_NAME).exists()

    assert _texts(copy) == before
    assert not staged.exists()
    services = Services.for_library(copy)  # a write after the crash works as ever
    services.passages.add("work3", "written after the crash")
    assert _texts(copy) == before | {"written after the crash"}
