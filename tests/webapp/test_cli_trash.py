"""`trash list|restore|empty`, after `quote delete`, `note delete` and `refs delete`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from webapp.cli import cli


def _run(runner: CliRunner, library: Path, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(cli, ["--library", str(library), *args], input=stdin)


def _json(runner: CliRunner, library: Path, *args: str) -> Any:  # Any: the printed JSON
    result = _run(runner, library, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_deletes_are_listed_and_restored_from_the_command_line(
    runner: CliRunner, web_library: Path
) -> None:
    passage = _json(
        runner, web_library, "quote", "add", "freeze2009", "--text", "Tanks", "--page", "4",
        "--note", "A note",
    )  # fmt: skip
    note_id = passage["notes"][0]["id"]
    deleted_note = _run(runner, web_library, "note", "delete", note_id)
    assert deleted_note.exit_code == 0
    assert "undo with: florilegium trash restore " in deleted_note.stdout
    deleted = _run(runner, web_library, "quote", "delete", passage["id"])
    assert deleted.exit_code == 0
    listed = _json(runner, web_library, "trash", "list")
    assert [(item["kind"], item["record_id"]) for item in listed] == [
        ("passage", passage["id"]),
        ("note", note_id),
    ]
    assert listed[1]["passage_id"] == passage["id"]
    assert listed[1]["note"]["text"] == "A note"
    text = _run(runner, web_library, "trash", "list").stdout
    assert f"{listed[0]['id']}  " in text and "passage “Tanks” of freeze2009" in text

    refused = _run(runner, web_library, "trash", "restore", listed[1]["id"])
    assert refused.exit_code == 1
    assert "the passage this note was on" in refused.stderr and "is gone" in refused.stderr

    restored = _json(runner, web_library, "trash", "restore", listed[0]["id"])
    assert restored["kind"] == "passage" and restored["renamed"] == []
    assert [p["id"] for p in restored["passages"]] == [passage["id"]]
    note_back = _json(runner, web_library, "trash", "restore", listed[1]["id"])
    assert note_back["note"]["id"] == note_id
    shown = _json(runner, web_library, "quote", "show", passage["id"])
    assert [n["text"] for n in shown["notes"]] == ["A note"]
    assert _json(runner, web_library, "trash", "list") == []


def test_a_deleted_reference_comes_back_into_its_bib_file(
    runner: CliRunner, web_library: Path
) -> None:
    bib = web_library / "references.bib"
    before = bib.read_text("utf-8")
    deleted = _run(runner, web_library, "refs", "delete", "linden1966")
    assert deleted.exit_code == 0, deleted.output
    [item] = _json(runner, web_library, "trash", "list")
    assert item["kind"] == "reference" and item["reference"]["file"] == "references.bib"
    assert item["reference"]["bibtex"] in before
    restored = _json(runner, web_library, "trash", "restore", item["id"])
    assert restored["citekey"] == "linden1966"
    assert item["reference"]["bibtex"].strip() in bib.read_text("utf-8")
    assert _json(runner, web_library, "refs", "show", "linden1966")["citekey"] == "linden1966"


def test_unknown_trash_id_is_an_error_naming_it(runner: CliRunner, web_library: Path) -> None:
    result = _run(runner, web_library, "trash", "restore", "01M8YFPK7FM868DKMP53BY4W5P")
    assert result.exit_code == 1
    assert "nothing in the trash has id '01M8YFPK7FM868DKMP53BY4W5P'" in result.stderr


def test_emptying_asks_first_unless_told_yes(runner: CliRunner, web_library: Path) -> None:
    passage = _json(runner, web_library, "quote", "add", "freeze2009", "--text", "Tanks")
    assert _run(runner, web_library, "quote", "delete", passage["id"]).exit_code == 0
    declined = _run(runner, web_library, "trash", "empty", stdin="n\n")
    assert declined.exit_code == 1
    assert len(_json(runner, web_library, "trash", "list")) == 1
    emptied = _run(runner, web_library, "trash", "empty", "--yes")
    assert emptied.exit_code == 0 and "Deleted 1 item(s) for good." in emptied.stdout
    assert _json(runner, web_library, "trash", "list") == []


def test_check_names_a_trash_file_broken_by_hand(runner: CliRunner, web_library: Path) -> None:
    assert _run(runner, web_library, "refs", "delete", "linden1966").exit_code == 0
    [path] = (web_library / "trash").glob("*.json")
    path.write_text(path.read_text("utf-8").replace('"reference"', '"refrence"'), "utf-8")
    checked = _run(runner, web_library, "check")
    assert checked.exit_code == 1
    assert f"{path}: expected the keys" in checked.stdout + checked.stderr
    listed = _run(runner, web_library, "trash", "list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    assert str(path) in listed.stderr
