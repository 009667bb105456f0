"""Citekeys and source names that try to leave the library (`../../etc/passwd`) are refused
by the stores and the CLI, and nothing outside the library is read or written; nor is
anything in `sources/` that is not a regular file inside it (symbolic links, FIFOs...)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotations.errors import InvalidCitekey, InvalidPassage
from annotations.model import Anchor, Passage, TextPositionSelector, TextQuoteSelector
from annotations.passagefile import passage_file_bytes
from annotations.store import PassageStore, passage_path
from webapp import create_app
from webapp.cli import cli
from webapp.services import Services

ESCAPES = ["../../etc/passwd", "../outside", "/etc/passwd", "..", ".hidden", "a/../../b", "a\0b"]
ENTRY = "@book{{{key},\n  author = {{Doe, Jane}},\n  title = {{T}},\n  year = 2000,\n}}\n"


def _run(runner: CliRunner, library: Path, *args: str) -> Result:
    return runner.invoke(cli, ["--library", str(library), *args])


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".index" not in path.parts and not path.name.endswith(".lock")
    }


@pytest.mark.parametrize("citekey", ESCAPES)
def test_passage_store_refuses_a_citekey_that_leaves_the_folder(
    citekey: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidCitekey):
        passage_path(tmp_path / "passages", citekey)
    store = PassageStore(tmp_path)
    with pytest.raises(InvalidCitekey):
        store.add(citekey, "words")
    assert store.passages(citekey) == []
    assert list(tmp_path.rglob("*.json")) == []


@pytest.mark.parametrize("citekey", ESCAPES)
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("quote", "add", "{key}", "--text", "words"), id="quote-add"),
        pytest.param(("quote", "list", "{key}"), id="quote-list"),
        pytest.param(("refs", "show", "{key}"), id="refs-show"),
        pytest.param(("refs", "edit", "{key}", "--set", "year=1"), id="refs-edit"),
        pytest.param(("refs", "delete", "{key}"), id="refs-delete"),
        pytest.param(("cite", "{key}"), id="cite"),
    ],
)
def test_cli_refuses_a_citekey_that_is_not_in_the_library(
    citekey: str, command: tuple[str, ...], tmp_path: Path, empty_library: Path, runner: CliRunner
) -> None:
    before = _tree(tmp_path)
    result = _run(runner, empty_library, *(arg.replace("{key}", citekey) for arg in command))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("citekey", ["../outside", "a/../../outside"])
def test_quote_of_a_reference_whose_citekey_leaves_the_library_is_refused(
    citekey: str, tmp_path: Path, empty_library: Path, runner: CliRunner
) -> None:
    # BibTeX allows `/` in citekeys (DBLP's `DBLP:journals/x`), so such a reference may be in
    # a library; its passages and full text must still never be looked for outside it.
    (empty_library / "references.bib").write_text(ENTRY.format(key=citekey), encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret words", encoding="utf-8")
    (tmp_path / "outside.json").write_text("{}", encoding="utf-8")
    before = _tree(tmp_path)
    assert _run(runner, empty_library, "refs", "show", citekey).exit_code == 0
    added = _run(runner, empty_library, "quote", "add", citekey, "--text", "secret words")
    assert added.exit_code == 1
    assert "cannot name a passage file" in added.stderr
    assert _run(runner, empty_library, "quote", "list", citekey).stdout == ""
    assert _tree(tmp_path) == before


SECRET = "SECRET_KEY=0f1e2d3c4b5a"
FULL_TEXT = f"{SECRET} Zhukov's planes were ready, and the quick brown fox jumped at once.\n"
QUOTE = "quick brown fox"
WORK = ENTRY.format(key="taubman2004")


def _symlink_outside(library: Path, secret: Path) -> None:
    (library / "sources" / "taubman2004.txt").symlink_to(secret)


def _symlink_inside(library: Path, secret: Path) -> None:
    (library / "sources" / "real.txt").write_text("the quick brown fox", encoding="utf-8")
    (library / "sources" / "taubman2004.txt").symlink_to("real.txt")


def _symlinked_folder(library: Path, secret: Path) -> None:
    elsewhere = secret.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "taubman2004.txt").write_text(FULL_TEXT, encoding="utf-8")
    (library / "sources").rmdir()
    (library / "sources").symlink_to(elsewhere, target_is_directory=True)


def _fifo(library: Path, secret: Path) -> None:
    os.mkfifo(library / "sources" / "taubman2004.txt")


def _folder(library: Path, secret: Path) -> None:
    (library / "sources" / "taubman2004.txt").mkdir()
    (library / "sources" / "taubman2004.txt" / "inner.txt").write_text(FULL_TEXT, "utf-8")


REFUSED_SOURCES = [
    pytest.param(_symlink_outside, "sources/taubman2004.txt", id="symlink-to-a-file-outside"),
    pytest.param(_symlink_inside, "sources/taubman2004.txt", id="symlink-to-a-file-inside"),
    pytest.param(_symlinked_folder, "sources", id="symlinked-sources-folder"),
    pytest.param(_fifo, "sources/taubman2004.txt", id="fifo"),
    pytest.param(_folder, "sources/taubman2004.txt", id="folder-named-like-a-source"),
]


@pytest.fixture
def work_library(tmp_path: Path, empty_library: Path) -> Path:
    """A library with one reference, and a secret beside it that must never be read."""
    (empty_library / "references.bib").write_text(WORK, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(FULL_TEXT, encoding="utf-8")
    return empty_library


@pytest.mark.parametrize(("make", "named"), REFUSED_SOURCES)
def test_a_source_that_is_not_a_regular_file_inside_sources_is_never_read(
    make: Callable[[Path, Path], None],
    named: str,
    tmp_path: Path,
    work_library: Path,
    runner: CliRunner,
) -> None:
    make(work_library, tmp_path / "secret.txt")
    added = _run(runner, work_library, "quote", "add", "taubman2004", "--text", QUOTE, "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["anchor"] is None
    assert SECRET not in added.stdout
    checked = _run(runner, work_library, "check")
    assert checked.exit_code == 1
    assert any(
        line.startswith(f"{work_library / named}: ") and "not read" in line
        for line in checked.stdout.splitlines()
    ), checked.stdout
    client = create_app({"TESTING": True, "LIBRARY_DIR": work_library}).test_client()
    reader = client.get("/sources/taubman2004")
    assert reader.status_code == 404
    assert SECRET not in reader.get_data(as_text=True)
    assert "taubman2004" not in client.get("/sources").get_data(as_text=True)


@pytest.mark.parametrize(("make", "named"), REFUSED_SOURCES)
def test_a_reader_selection_in_a_refused_source_is_refused(
    make: Callable[[Path, Path], None], named: str, tmp_path: Path, work_library: Path
) -> None:
    make(work_library, tmp_path / "secret.txt")
    services = Services.for_library(work_library)
    start = FULL_TEXT.index(QUOTE)
    selection = Anchor(
        source="taubman2004.txt",
        quote=TextQuoteSelector(exact=QUOTE),
        position=TextPositionSelector(start, start + len(QUOTE)),
    )
    with pytest.raises(InvalidPassage, match="not read"):
        services.passages.add("taubman2004", QUOTE, anchor=selection)
    assert services.passages.passages() == []


# Names with a `/` are refused by the passage file's schema already.
@pytest.mark.parametrize("source", ["..", "x\0y.txt", ".hidden.txt", "secret"])
def test_check_reports_an_anchor_whose_source_name_leaves_sources(
    source: str, tmp_path: Path, work_library: Path, runner: CliRunner
) -> None:
    start = FULL_TEXT.index(QUOTE)
    anchor = Anchor(
        source=source,
        quote=TextQuoteSelector(exact=QUOTE),
        position=TextPositionSelector(start, start + len(QUOTE)),
    )
    passage = Passage(
        id="01JD0000000000000000000001",
        citekey="taubman2004",
        text=QUOTE,
        anchor=anchor,
        created="2026-11-23T18:00:00Z",
        modified="2026-11-23T18:00:00Z",
    )
    passages = work_library / "passages" / "taubman2004.json"
    passages.write_bytes(passage_file_bytes("taubman2004", [passage]))
    checked = _run(runner, work_library, "check")
    assert checked.exit_code == 1
    assert "Traceback" not in checked.output
    assert f"{passages}: passages.0.anchor.source: " in checked.stdout
    assert "01JD0000000000000000000001" in checked.stdout
    assert SECRET not in checked.output
