"""A passage file edited by hand into something invalid: `check` names the file and the
field, the rest of the library keeps working, and the broken bytes are never rewritten."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any  # Any: a JSON document edited by hand

import pytest
from click.testing import CliRunner, Result

from webapp.cli import cli

REFERENCES = "".join(
    f"@book{{{key},\n  author = {{Doe, Jane}},\n  title = {{T}},\n  year = 2000,\n"
    "  publisher = {P},\n}\n\n"
    for key in ("freeze2009", "linden1966")
)


def _run(runner: CliRunner, library: Path, *args: str) -> Result:
    return runner.invoke(cli, ["--library", str(library), *args])


def _break_locator(document: Any) -> None:
    document["passages"][0]["locator"]["label"] = "pg"


def _drop_text(document: Any) -> None:
    del document["passages"][0]["text"]


def _revision_as_text(document: Any) -> None:
    document["passages"][0]["revision"] = "one"


def _note_without_id(document: Any) -> None:
    del document["passages"][0]["notes"][0]["id"]


def _wrong_citekey(document: Any) -> None:
    document["citekey"] = "linden1966"


EDITS = [
    pytest.param(_break_locator, "passages.0.locator.label", id="bad-locator-label"),
    pytest.param(_drop_text, "passages.0", id="missing-text"),
    pytest.param(_revision_as_text, "passages.0.revision", id="revision-not-a-number"),
    pytest.param(_note_without_id, "passages.0.notes.0", id="note-without-id"),
    pytest.param(_wrong_citekey, "citekey", id="citekey-not-the-file-name"),
]


@pytest.fixture
def library(empty_library: Path, runner: CliRunner) -> Path:
    (empty_library / "references.bib").write_text(REFERENCES, encoding="utf-8")
    for citekey in ("freeze2009", "linden1966"):
        added = _run(runner, empty_library, "quote", "add", citekey, "--text", "Words.",
                     "--page", "4", "--note", "A note.", "--json")  # fmt: skip
        assert added.exit_code == 0, added.output
    return empty_library


@pytest.mark.parametrize(("edit", "field"), EDITS)
def test_hand_edited_passage_file_is_reported_by_field_and_never_rewritten(
    edit: Callable[[Any], None], field: str, library: Path, runner: CliRunner
) -> None:
    broken = library / "passages" / "freeze2009.json"
    document = json.loads(broken.read_text("utf-8"))
    passage_id = document["passages"][0]["id"]
    note_id = document["passages"][0]["notes"][0]["id"]
    edit(document)
    broken.write_text(json.dumps(document, indent=2), encoding="utf-8")
    before = broken.read_bytes()

    checked = _run(runner, library, "check")
    assert checked.exit_code == 1
    assert any(line.startswith(f"{broken}: {field}") for line in checked.stdout.splitlines()), (
        checked.stdout
    )
    # The rest of the library works.
    listed = _run(runner, library, "quote", "list", "--json")
    assert listed.exit_code == 0
    assert [passage["citekey"] for passage in json.loads(listed.stdout)] == ["linden1966"]
    assert str(broken) in listed.stderr
    assert _run(runner, library, "quote", "add", "linden1966", "--text", "More.").exit_code == 0
    assert _run(runner, library, "refs", "list").exit_code == 0
    # Every write to the broken file is refused with a message saying what to do.
    for args in (
        ("quote", "add", "freeze2009", "--text", "Other."),
        ("quote", "edit", passage_id, "--text", "Other."),
        ("quote", "delete", passage_id),
        ("note", "add", passage_id, "Another note."),
        ("note", "edit", note_id, "Changed."),
        ("refs", "delete", "freeze2009", "--cascade"),
    ):
        result = _run(runner, library, *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith("Error: "), (args, result.stderr)
        assert broken.read_bytes() == before, args
    refused = _run(runner, library, "quote", "add", "freeze2009", "--text", "Other.")
    assert "fix freeze2009.json first" in refused.stderr
