"""`florilegium check`: every problem as `FILE:LINE: message`, exit 1; `--json` for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from webapp.cli import cli

MAIN = (
    "@book{good, author={A}, title={Good}, year=2003}\n\n"
    "@book{broken, title={B}\n\n"
    "@article{nojournal, author={A}, title={T}, date={1957-07-40}}\n"
)
OTHER = "% another file\n@book{good, author={B}, title={Again}, year=2004}\n"


def _library(empty_library: Path) -> Path:
    (empty_library / "references.bib").write_text(MAIN, encoding="utf-8")
    (empty_library / "other.bib").write_text(OTHER, encoding="utf-8")
    return empty_library


def test_check_prints_each_problem_with_file_and_line(
    runner: CliRunner, empty_library: Path
) -> None:
    library = _library(empty_library)
    result = runner.invoke(cli, ["--library", str(library), "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    main, other = library / "references.bib", library / "other.bib"
    # Files are read in name order, so other.bib holds the first 'good'.
    assert lines[0] == f"{main}:1: duplicate citekey 'good' (first defined at {other}:2)"
    assert lines[1].startswith(f"{main}:3: could not parse this block: ")
    assert lines[2:] == [
        f"{main}:5: field 'journaltitle': @article 'nojournal' is missing journaltitle or journal",
        f"{main}:5: field 'date': expected a date like 1957-07-07, got '1957-07-40'",
    ]


def test_check_json_gives_each_problem_as_an_object(runner: CliRunner, empty_library: Path) -> None:
    library = _library(empty_library)
    result = runner.invoke(cli, ["--library", str(library), "check", "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert document["problems"][-1] == {
        "file": str(library / "references.bib"),
        "line": 5,
        "citekey": "nojournal",
        "field": "date",
        "message": "expected a date like 1957-07-07, got '1957-07-40'",
        "text": f"{library / 'references.bib'}:5: field 'date': expected a date like 1957-07-07, "
        "got '1957-07-40'",
    }


def test_check_of_a_clean_library_exits_0(runner: CliRunner, empty_library: Path) -> None:
    result = runner.invoke(cli, ["--library", str(empty_library), "check", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "problems": [], "warnings": [], "hints": []}


def test_reading_commands_serve_the_good_entries_of_a_broken_library(
    runner: CliRunner, empty_library: Path
) -> None:
    library = _library(empty_library)
    result = runner.invoke(cli, ["--library", str(library), "refs", "list", "--json"])
    assert result.exit_code == 0
    assert [row["citekey"] for row in json.loads(result.stdout)] == ["good", "nojournal"]
    assert "could not parse this block" in result.stderr


MEMO = "@misc{memo,\n  author = {Zhukov, Georgy K.},\n  title = {Words on the Army},\n}\n"


def test_check_hints_at_a_work_chicago_prints_in_notes_only_and_still_exits_0(
    runner: CliRunner, empty_library: Path
) -> None:
    (empty_library / "references.bib").write_text(MEMO, encoding="utf-8")
    result = runner.invoke(cli, ["--library", str(empty_library), "check"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"{empty_library / 'references.bib'}:1: hint: memo: chicago-notes-bibliography prints "
        "items of type document (@misc) without an archive, archive place, container title, "
        "DOI, number, publisher, references or URL in notes only; add `publisher`, "
        "`howpublished`, `url` or `doi` to include it"
    )


def test_check_json_lists_the_hints_apart_from_the_problems(
    runner: CliRunner, empty_library: Path
) -> None:
    (empty_library / "references.bib").write_text(MEMO, encoding="utf-8")
    result = runner.invoke(cli, ["--library", str(empty_library), "check", "--json"])
    document = json.loads(result.stdout)
    assert (result.exit_code, document["ok"], document["problems"]) == (0, True, [])
    [hint] = document["hints"]
    assert (hint["citekey"], hint["line"]) == ("memo", 1)
    assert hint["message"].startswith("chicago-notes-bibliography prints items of type document")


def test_a_published_misc_gets_no_hint(runner: CliRunner, empty_library: Path) -> None:
    published = MEMO.replace("title =", "howpublished = {Krasnaya Zvezda},\n  title =")
    (empty_library / "references.bib").write_text(published, encoding="utf-8")
    result = runner.invoke(cli, ["--library", str(empty_library), "check", "--json"])
    assert json.loads(result.stdout)["hints"] == []


def test_check_warns_of_unknown_latex_commands_and_still_exits_0(
    runner: CliRunner, empty_library: Path
) -> None:
    (empty_library / "references.bib").write_text(
        "@book{k, author={A}, title={The \\acro{TUG} Story}, publisher={P}, year=2003}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--library", str(empty_library), "check"])
    assert result.exit_code == 0
    main = empty_library / "references.bib"
    assert (
        f"{main}:1: warning: unknown LaTeX command \\acro in 'k', shown as 'The TUG Story'"
        in result.stderr
    )
    as_json = runner.invoke(cli, ["--library", str(empty_library), "check", "--json"])
    document = json.loads(as_json.stdout)
    assert [(w["citekey"], w["field"]) for w in document["warnings"]] == [("k", "title")]
    assert document["ok"] is True
