"""Imports as batches (issue 18): one write per passage file, one index commit, a progress
bar only on a terminal and never under `--json`."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from annotations.model import Passage
from webapp.import_service import import_hypothesis, import_w3c
from webapp.services import Services, init_library

ROOT = Path(__file__).resolve().parents[2]
WORKS = 4


def _library(folder: Path) -> Path:
    library = init_library(folder)
    entries = [
        f"@book{{work{n},\n  author = {{Doe, Jane}},\n  title = {{Work {n}}},\n  year = 2000,\n"
        f"  url = {{https://example.org/work/{n}}},\n}}\n"
        for n in range(WORKS)
    ]
    (library / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    return library


def _w3c(count: int, notes: int = 1) -> dict[str, Any]:
    items = [
        {
            "id": f"https://example.org/annotation/{n}",
            "type": "Annotation",
            "created": "2024-01-02T03:04:05Z",
            "body": [
                {"type": "TextualBody", "purpose": "commenting", "value": f"note {n}.{k}"}
                for k in range(notes)
            ],
            "target": {
                "source": f"https://example.org/work/{n % WORKS}",
                "selector": {"type": "TextQuoteSelector", "exact": f"quoted words {n}"},
            },
        }
        for n in range(count)
    ]
    return {"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": items}}


class _CountingIndex:
    """Wraps the index backend's `update`, counting commits and the groups each held."""

    def __init__(self, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
        services.search.prepare()  # the index exists before the import, as in a used library
        backend = services.search._opened().index._backend  # type: ignore[attr-defined]
        self.commits: list[set[str]] = []
        update = backend.update

        def counted(groups: dict[str, Any]) -> None:
            self.commits.append(set(groups))
            update(groups)

        monkeypatch.setattr(backend, "update", counted)


def test_w3c_import_writes_each_file_once_and_indexes_in_one_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library(tmp_path / "library")
    services = Services.for_library(library)
    index = _CountingIndex(services, monkeypatch)
    passage_files = library / "passages"
    written: list[Path] = []
    real_replace = os.replace

    def replace(source: Any, target: Any) -> None:
        if Path(target).parent == passage_files:
            written.append(Path(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)

    report = import_w3c(services, json.dumps(_w3c(40)), tmp_path / "in.json")

    assert len(report.added) == 40
    assert sorted(p.name for p in written) == [f"work{n}.json" for n in range(WORKS)]
    assert index.commits == [{f"passages:work{n}" for n in range(WORKS)}]
    hits = services.search.search("quoted words 39", limit=5).hits
    assert hits[0].text == "quoted words 39"


def test_hypothesis_thread_of_many_replies_is_one_passage_with_every_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library(tmp_path / "library")
    services = Services.for_library(library)
    index = _CountingIndex(services, monkeypatch)
    base = {"created": "2024-01-02T03:04:05+00:00", "uri": "https://example.org/work/1"}
    quote = {"selector": [{"type": "TextQuoteSelector", "exact": "the quote"}]}
    rows = [{**base, "id": "root", "text": "first", "target": [quote]}]
    rows += [
        {**base, "id": f"r{n}", "text": f"reply {n}", "references": ["root"]} for n in range(300)
    ]

    report = import_hypothesis(services, json.dumps(rows), tmp_path / "in.json")

    [passage] = services.passages.passages("work1")
    assert report.added == [passage.id]
    assert [note.text for note in passage.notes] == ["first", *(f"reply {n}" for n in range(300))]
    assert len(index.commits) == 1


def test_listener_without_batches_still_hears_of_every_passage(tmp_path: Path) -> None:
    library = _library(tmp_path / "library")
    services = Services.for_library(library)
    heard: list[str] = []

    class OnePassageListener:
        def passage_saved(self, passage: Passage) -> None:
            heard.append(passage.id)

        def passage_deleted(self, passage_id: str, citekey: str) -> None:
            raise AssertionError("nothing is deleted")

        def writing(self) -> AbstractContextManager[None]:
            return nullcontext()

    services.passages.add_listener(OnePassageListener())
    report = import_w3c(services, json.dumps(_w3c(6)), tmp_path / "in.json")

    assert sorted(heard) == sorted(report.added)


def _import_in_a_terminal(library: Path, document: Path, *extra: str) -> tuple[str, bytes]:
    """Run `florilegium import` with stderr on a pseudo-terminal: (stdout, stderr bytes)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", "TERM": "xterm"}
    env.pop("FLORILEGIUM_LIBRARY", None)
    command = "import sys; from webapp.cli import main; sys.argv[0] = 'florilegium'; main()"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            command,
            "--library",
            str(library),
            "import",
            str(document),
            "--format",
            "w3c",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    stderr = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        stderr += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0, stderr.decode(errors="replace")
    return stdout.decode(), stderr


def test_progress_bar_on_a_terminal_and_none_under_json(tmp_path: Path) -> None:
    document = tmp_path / "in.json"
    document.write_text(json.dumps(_w3c(30)), encoding="utf-8")

    _, drawn = _import_in_a_terminal(_library(tmp_path / "one"), document)
    output, quiet = _import_in_a_terminal(_library(tmp_path / "two"), document, "--json")

    assert b"Matching annotations" in drawn and b"\x1b[" in drawn
    assert quiet == b""
    assert len(json.loads(output)["added"]) == 30
