"""Citekeys and source names that try to leave the library (`../../etc/passwd`) are refused
by the stores and the CLI, and nothing outside the library is read or written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotations.errors import InvalidCitekey
from annotations.store import PassageStore, passage_path
from webapp.cli import cli

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
