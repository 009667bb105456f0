"""The `quote` and `note` commands, `refs delete` of quoted references and `check` of passages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from webapp.cli import cli

DATA = Path(__file__).parent.parent / "data"
REFERENCES = """\
@book{freeze2009,
  author = {Freeze, Gregory L.},
  title = {Russia: A History},
  year = 2009,
  publisher = {Oxford University Press},
}

@online{blog2019,
  author = {Seventeen Moments},
  title = {Crashing the Anti-Party},
  year = 2019,
  url = {https://example.org/crashing},
}
"""
FREEZE = "The underlying idea was to bring decision-making closer to the enterprise"


@pytest.fixture
def library(empty_library: Path) -> Path:
    (empty_library / "references.bib").write_text(REFERENCES, encoding="utf-8")
    shutil.copy(DATA / "sources" / "crashing_the_antiparty.txt", empty_library / "sources")
    (empty_library / "sources" / "crashing_the_antiparty.txt").rename(
        empty_library / "sources" / "blog2019.txt"
    )
    return empty_library


def _run(runner: CliRunner, library: Path, *args: str) -> Result:
    return runner.invoke(cli, ["--library", str(library), *args])


def _json(runner: CliRunner, library: Path, *args: str) -> Any:
    result = _run(runner, library, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_added_quote_is_printed_listed_and_shown_as_json(runner: CliRunner, library: Path) -> None:
    added = _json(
        runner, library, "quote", "add", "freeze2009", "--text", FREEZE, "--page", "422\u201323",
        "--quoted-in", "blog2019", "--quoted-in-page", "1", "--tag", "economy",
        "--note", "The *sovnarkhoz* reform of 1957.",
    )  # fmt: skip
    assert added["citekey"] == "freeze2009"
    assert added["text"] == FREEZE
    assert added["locator"] == {"label": "page", "value": "422-423"}
    assert added["quoted_in"] == {"citekey": "blog2019", "locator": {"label": "page", "value": "1"}}
    assert added["tags"] == ["economy"]
    assert [note["text"] for note in added["notes"]] == ["The *sovnarkhoz* reform of 1957."]
    assert set(added["notes"][0]) == {"id", "text", "created", "modified", "revision"}
    assert added["created"] == added["modified"]
    assert added["created"].endswith("Z")
    assert _json(runner, library, "quote", "list") == [added]
    assert _json(runner, library, "quote", "list", "freeze2009") == [added]
    assert _json(runner, library, "quote", "list", "blog2019") == []
    assert _json(runner, library, "quote", "show", added["id"]) == added


def test_quote_of_a_work_with_a_full_text_is_anchored(runner: CliRunner, library: Path) -> None:
    added = _json(
        runner, library, "quote", "add", "blog2019", "--text", "the fate of loyal Zhukov",
        "--locator", "paragraph:4",
    )  # fmt: skip
    source = (library / "sources" / "blog2019.txt").read_text("utf-8")
    position = added["anchor"]["position"]
    assert source[position["start"] : position["end"]] == "the fate of loyal Zhukov"
    assert added["locator"] == {"label": "paragraph", "value": "4"}


def test_edit_changes_only_what_is_named(runner: CliRunner, library: Path) -> None:
    added = _json(runner, library, "quote", "add", "freeze2009", "--text", FREEZE, "--tag", "a")
    edited = _json(
        runner, library, "quote", "edit", added["id"], "--page", "xiv", "--tag", "b", "--tag", "c"
    )
    assert edited["text"] == FREEZE
    assert edited["locator"] == {"label": "page", "value": "xiv"}
    assert edited["tags"] == ["b", "c"]
    assert edited["revision"] == 2
    stale = _run(runner, library, "quote", "edit", added["id"], "--text", "x", "--revision", "1")
    assert stale.exit_code == 1
    assert "changed by someone else" in stale.stderr
    assert _json(runner, library, "quote", "show", added["id"])["text"] == FREEZE


def test_notes_are_added_edited_and_deleted_in_order(runner: CliRunner, library: Path) -> None:
    passage = _json(runner, library, "quote", "add", "freeze2009", "--text", FREEZE)
    first = _json(runner, library, "note", "add", passage["id"], "First.")
    second = _json(runner, library, "note", "add", passage["id"], "Second.")
    assert _run(runner, library, "note", "edit", first["id"], "First, revised.").exit_code == 0
    shown = _json(runner, library, "quote", "show", passage["id"])
    assert [note["text"] for note in shown["notes"]] == ["First, revised.", "Second."]
    assert _run(runner, library, "note", "delete", first["id"]).exit_code == 0
    shown = _json(runner, library, "quote", "show", passage["id"])
    assert [note["id"] for note in shown["notes"]] == [second["id"]]


def test_deleting_a_quote_deletes_its_notes(runner: CliRunner, library: Path) -> None:
    passage = _json(runner, library, "quote", "add", "freeze2009", "--text", FREEZE, "--note", "n")
    assert _run(runner, library, "quote", "delete", passage["id"]).exit_code == 0
    assert _run(runner, library, "quote", "show", passage["id"]).exit_code == 1
    missing = _run(runner, library, "note", "edit", passage["notes"][0]["id"], "x")
    assert missing.exit_code == 1
    assert f"unknown note id '{passage['notes'][0]['id']}'" in missing.stderr


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        pytest.param(["quote", "add", "nobody", "--text", "x"], 1, "unknown citekey 'nobody'",
                     id="unknown-citekey"),
        pytest.param(["quote", "add", "freeze2009", "--text", "x", "--quoted-in", "nobody"], 1,
                     "unknown citekey 'nobody'", id="unknown-quoted-in"),
        pytest.param(["quote", "add", "freeze2009", "--text", "x", "--page", "four"], 1,
                     "page: expected a page like 422", id="bad-page"),
        pytest.param(["quote", "add", "freeze2009", "--text", "x", "--locator", "chapitre:3"],
                     1, "locator.label: unknown locator label", id="bad-label"),
        pytest.param(["quote", "add", "freeze2009", "--text", "x", "--page", "1",
                      "--locator", "chapter:2"], 2, "either --page or --locator", id="both"),
        pytest.param(["quote", "add", "freeze2009", "--text", " "], 1, "text: must not be empty",
                     id="empty-text"),
        pytest.param(["quote", "show", "01JD0000000000000000000000"], 1,
                     "unknown passage id", id="unknown-passage"),
        pytest.param(["note", "add", "01JD0000000000000000000000", "x"], 1,
                     "unknown passage id", id="note-on-unknown-passage"),
    ],
)  # fmt: skip
def test_bad_input_exits_with_a_message_and_writes_nothing(
    runner: CliRunner, library: Path, args: list[str], exit_code: int, message: str
) -> None:
    result = _run(runner, library, *args)
    assert result.exit_code == exit_code
    assert message in result.stderr
    assert list((library / "passages").iterdir()) == []


def test_quoted_reference_cannot_be_deleted_unless_cascading(
    runner: CliRunner, library: Path
) -> None:
    passage = _json(runner, library, "quote", "add", "freeze2009", "--text", FREEZE)
    refused = _run(runner, library, "refs", "delete", "freeze2009")
    assert refused.exit_code == 1
    assert "still has 1 passage(s)" in refused.stderr
    assert "freeze2009" in (library / "references.bib").read_text("utf-8")
    assert _run(runner, library, "refs", "delete", "freeze2009", "--cascade").exit_code == 0
    assert "freeze2009" not in (library / "references.bib").read_text("utf-8")
    assert not (library / "passages" / "freeze2009.json").exists()
    assert _run(runner, library, "quote", "show", passage["id"]).exit_code == 1


def test_a_reference_deleted_keeping_its_passages_gets_them_back_when_it_returns(
    runner: CliRunner, library: Path
) -> None:
    passage = _json(runner, library, "quote", "add", "freeze2009", "--text", FREEZE)
    entry = _json(runner, library, "refs", "show", "freeze2009")
    both = _run(runner, library, "refs", "delete", "freeze2009", "--cascade", "--keep-passages")
    assert both.exit_code == 2
    assert _run(runner, library, "refs", "delete", "freeze2009", "--keep-passages").exit_code == 0
    assert "@book{freeze2009" not in (library / "references.bib").read_text("utf-8")
    assert (library / "passages" / "freeze2009.json").exists()
    text = REFERENCES[: REFERENCES.index("\n\n@online")]
    assert _run(runner, library, "refs", "add", "--bibtex", text).exit_code == 0
    assert _json(runner, library, "refs", "show", "freeze2009")["fields"] == entry["fields"]
    assert _json(runner, library, "quote", "show", passage["id"])["text"] == FREEZE


def test_check_reports_every_kind_of_passage_problem(runner: CliRunner, library: Path) -> None:
    _json(runner, library, "quote", "add", "freeze2009", "--text", FREEZE,
          "--quoted-in", "blog2019")  # fmt: skip
    anchored = _json(
        runner, library, "quote", "add", "blog2019", "--text", "the fate of loyal Zhukov"
    )
    assert _run(runner, library, "check").exit_code == 0
    passages = library / "passages"
    # A broken file, a file for a reference that does not exist, a dangling "quoted in"
    # and a quote removed from its source.
    (passages / "broken.json").write_text('{"citekey": "broken"', encoding="utf-8")
    shutil.copy(passages / "freeze2009.json", passages / "ghost2000.json")
    ghost = passages / "ghost2000.json"
    ghost.write_text(
        ghost.read_text("utf-8").replace('"citekey": "freeze2009"', '"citekey": "ghost2000"'),
        "utf-8",
    )
    freeze = passages / "freeze2009.json"
    freeze.write_text(freeze.read_text("utf-8").replace('"blog2019"', '"nobody"'), "utf-8")
    source = library / "sources" / "blog2019.txt"
    source.write_text(
        source.read_text("utf-8").replace("the fate of loyal Zhukov", "the marshal"), "utf-8"
    )

    result = _run(runner, library, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{passages / 'broken.json'}:1: invalid JSON" in lines[0]
    assert any(
        line.startswith(f"{ghost}: citekey: no reference has citekey 'ghost2000'") for line in lines
    )
    assert any(
        line.startswith(f"{freeze}: passages.0.quoted_in.citekey: no reference has citekey")
        for line in lines
    )
    assert any(
        line.startswith(f"{passages / 'blog2019.json'}: passages.0.anchor: quote no longer found")
        and anchored["id"] in line
        for line in lines
    )
    assert len(lines) == 4
    listed = _run(runner, library, "quote", "list", "--json")
    assert listed.exit_code == 0
    assert "broken.json" in listed.stderr
    assert len(json.loads(listed.stdout)) == 3


def test_reference_with_a_broken_passage_file_is_not_deleted_even_cascading(
    runner: CliRunner, library: Path
) -> None:
    broken = library / "passages" / "freeze2009.json"
    broken.write_text('{"citekey": "freeze2009"', encoding="utf-8")
    result = _run(runner, library, "refs", "delete", "freeze2009", "--cascade")
    assert result.exit_code == 1
    assert "broken passage file" in result.stderr
    assert "freeze2009" in (library / "references.bib").read_text("utf-8")
    assert broken.read_text("utf-8") == '{"citekey": "freeze2009"'
