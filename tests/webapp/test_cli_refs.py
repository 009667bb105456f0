"""The `refs` commands through the real command line parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import cli

ENTRY = (
    "@book{linden1966,\n  author = {Linden, Carl A.},\n"
    "  title = {Khrushchev and the Soviet Leadership, 1957--1964},\n  year = 1966,\n}"
)


def test_added_reference_is_listed_as_json(runner: CliRunner, empty_library: Path) -> None:
    added = runner.invoke(cli, ["--library", str(empty_library), "refs", "add", "--bibtex", ENTRY])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["--library", str(empty_library), "refs", "list", "--json"])
    assert json.loads(listed.stdout) == [
        {
            "citekey": "linden1966",
            "type": "book",
            "title": "Khrushchev and the Soviet Leadership, 1957\u20131964",
            "authors": ["Carl A. Linden"],
            "editors": [],
            "year": "1966",
        }
    ]


def test_unknown_citekey_exits_1_naming_it(runner: CliRunner, empty_library: Path) -> None:
    result = runner.invoke(cli, ["--library", str(empty_library), "refs", "show", "nobody"])
    assert result.exit_code == 1
    assert "unknown citekey 'nobody'" in result.stderr


def test_edit_changes_only_the_edited_value(runner: CliRunner, empty_library: Path) -> None:
    bib = empty_library / "references.bib"
    bib.write_text("% keep me\n" + ENTRY + '\n\n@misc{other,title="Other"}\n', encoding="utf-8")
    result = runner.invoke(
        cli, ["--library", str(empty_library), "refs", "edit", "linden1966", "--set", "year=1967"]
    )
    assert result.exit_code == 0, result.output
    assert bib.read_text(encoding="utf-8") == (
        "% keep me\n" + ENTRY.replace("year = 1966", "year = {1967}") + "\n\n"
        '@misc{other,title="Other"}\n'
    )


def test_delete_removes_exactly_the_entry(runner: CliRunner, empty_library: Path) -> None:
    bib = empty_library / "references.bib"
    bib.write_text("% keep me\n" + ENTRY + '\n\n@misc{other,title="Other"}\n', encoding="utf-8")
    result = runner.invoke(cli, ["--library", str(empty_library), "refs", "delete", "linden1966"])
    assert result.exit_code == 0, result.output
    assert bib.read_text(encoding="utf-8") == '% keep me\n@misc{other,title="Other"}\n'


def test_edit_with_an_unbalanced_value_names_the_field_and_writes_nothing(
    runner: CliRunner, empty_library: Path
) -> None:
    bib = empty_library / "references.bib"
    bib.write_text(ENTRY + "\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["--library", str(empty_library), "refs", "edit", "linden1966", "--set", "note=a{b"]
    )
    assert result.exit_code == 1
    assert "Error: field 'note': unbalanced braces" in result.stderr
    assert bib.read_text(encoding="utf-8") == ENTRY + "\n"


UNSAFE_CITEKEYS = [
    pytest.param("a/b", id="slash"),
    pytest.param("DBLP:journals/cacm/Knuth74", id="dblp"),
    pytest.param("../outside", id="dot-dot"),
    pytest.param(".hidden", id="leading-dot"),
    pytest.param("a|b", id="pipe"),
    pytest.param("x" * 201, id="too-long"),
]


@pytest.mark.parametrize("citekey", UNSAFE_CITEKEYS)
def test_add_refuses_a_citekey_that_cannot_name_a_file(
    citekey: str, runner: CliRunner, empty_library: Path
) -> None:
    before = (empty_library / "references.bib").read_bytes()
    entry = f"@book{{{citekey}, author = {{Doe, Jane}}, title = {{Title}}, year = 2000}}"
    result = runner.invoke(cli, ["--library", str(empty_library), "refs", "add", "--bibtex", entry])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert f"'{citekey}'" in result.stderr
    assert (empty_library / "references.bib").read_bytes() == before
