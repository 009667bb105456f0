"""`cite` and `export` through the real command line parser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import cli

TABLE = Path(__file__).resolve().parents[1] / "data" / "citation_table.bib"


@pytest.fixture
def library(empty_library: Path) -> Path:
    shutil.copy(TABLE, empty_library / "references.bib")
    return empty_library


def run(runner: CliRunner, library: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["--library", str(library), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--style", "mla"],
            "Linden, Carl A. Khrushchev and the Soviet Leadership, 1957–1964. Johns Hopkins Press, 1966.\n",
            id="bibliography",
        ),
        pytest.param(
            ["--style", "mla", "--mode", "citation", "--page", "422"],
            "(Linden 422)\n",
            id="mla-citation",
        ),
        pytest.param(
            ["--style", "apa", "--mode", "citation", "--locator", "chapter:3"],
            "(Linden, 1966, Chapter 3)\n",
            id="apa-chapter",
        ),
        pytest.param(
            ["--style", "chicago", "--mode", "note", "--page", "xiv", "--format", "markdown"],
            "Carl A. Linden, *Khrushchev and the Soviet Leadership, 1957–1964* (Johns Hopkins Press, 1966), xiv.\n",
            id="chicago-note-markdown",
        ),
    ],
)
def test_cite_prints_the_formatted_reference(
    runner: CliRunner, library: Path, args: list[str], expected: str
) -> None:
    assert run(runner, library, "cite", "linden1966", *args) == (0, expected, "")


def test_cite_json_has_the_format_as_key(runner: CliRunner, library: Path) -> None:
    code, out, _ = run(
        runner, library, "cite", "linden1966", "--style", "mla", "--format", "html", "--json"
    )
    assert code == 0
    assert json.loads(out) == {
        "html": "Linden, Carl A. <i>Khrushchev and the Soviet Leadership, 1957–1964</i>. Johns Hopkins Press, 1966.",
        "warnings": [],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["cite", "linden1966", "--style", "chicgo"],
            "Error: unknown style 'chicgo'; did you mean: chicago",
            id="unknown-style",
        ),
        pytest.param(
            ["cite", "nobody", "--style", "mla"],
            "Error: unknown citekey 'nobody'",
            id="unknown-citekey",
        ),
        pytest.param(
            ["cite", "linden1966", "--style", "mla", "--mode", "note"],
            "Error: style 'modern-language-association' cites in the text",
            id="note-in-text-style",
        ),
        pytest.param(
            ["export", "--format", "text", "--style", "nope"],
            "Error: unknown style 'nope'",
            id="export-unknown-style",
        ),
    ],
)
def test_errors_exit_1_with_a_message(
    runner: CliRunner, library: Path, args: list[str], message: str
) -> None:
    code, out, err = run(runner, library, *args)
    assert (code, out) == (1, "")
    assert err.startswith(message)


def test_cite_warns_about_a_missing_field_and_still_formats(
    runner: CliRunner, library: Path
) -> None:
    code, out, err = run(runner, library, "cite", "wikipedia2026antiparty", "--style", "chicago")
    assert code == 0
    assert out.startswith("Wikipedia. “Anti-Party Group.” Accessed November 21, 2026.")
    assert "wikipedia2026antiparty: no date or year" in err


def test_list_styles_names_the_short_names_and_editions(runner: CliRunner, library: Path) -> None:
    code, out, _ = run(runner, library, "cite", "--list-styles")
    assert code == 0
    assert "chicago\tChicago Manual of Style 18th edition (notes and bibliography)" in out
    assert "chicago-notes-bibliography-17th-edition\t" in out


def test_export_writes_a_file(runner: CliRunner, library: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    code, _, _ = run(
        runner, library, "export", "cohen1969bukharin", "--format", "bibtex", "-o", str(target)
    )
    assert code == 0
    source = (library / "references.bib").read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8").strip() in source


def test_export_of_the_whole_library_has_every_reference(runner: CliRunner, library: Path) -> None:
    code, out, _ = run(runner, library, "export", "--format", "csljson")
    assert code == 0
    assert len(json.loads(out)) == 36


def test_export_query_exports_the_references_whose_passages_match(
    runner: CliRunner, demo_library: Path
) -> None:
    code, out, _ = run(runner, demo_library, "export", "--format", "bibtex", "--query", "tank")
    assert code == 0
    assert "@misc{zhukov1957army," in out
    assert "@book{linden1966," not in out


DISAMBIGUATION = Path(__file__).resolve().parents[1] / "data" / "disambiguation.bib"
MEMO_REASON = (
    "chicago-notes-bibliography prints items of type document (@misc) without an archive, "
    "archive place, container title, DOI, number, publisher, references or URL in notes only; "
    "add `publisher`, `howpublished`, `url` or `doi` to include it"
)


@pytest.fixture
def works(empty_library: Path) -> Path:
    shutil.copy(DISAMBIGUATION, empty_library / "references.bib")
    return empty_library


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["trotsky1925lenin", "--style", "mla"], "(Trotsky, Lenin)\n", id="mla"),
        pytest.param(["wolfe1957ghost", "--style", "apa"], "(Wolfe, 1957a)\n", id="apa"),
        pytest.param(
            ["wolfe1957durability", "--style", "chicago-author-date", "--page", "93"],
            "(Wolfe 1957b, 93)\n",
            id="cad",
        ),
    ],
)
def test_cite_tells_the_work_apart_from_the_rest_of_the_library(
    runner: CliRunner, works: Path, args: list[str], expected: str
) -> None:
    assert run(runner, works, "cite", *args, "--mode", "citation") == (0, expected, "")


def test_export_says_on_stderr_which_work_the_style_leaves_out(
    runner: CliRunner, works: Path
) -> None:
    code, out, err = run(runner, works, "export", "--format", "text", "--style", "chicago")
    assert code == 0
    assert len(out.splitlines()) == 5
    assert f"Warning: molotov1957memo left out of the bibliography: {MEMO_REASON}\n" in err


def test_export_json_lists_the_omitted_works(runner: CliRunner, works: Path) -> None:
    code, out, _ = run(runner, works, "export", "--format", "html", "--style", "chicago", "--json")
    document = json.loads(out)
    assert code == 0
    assert document["format"] == "html"
    assert document["text"].count('<div class="csl-entry">') == 5
    assert document["omitted"] == [{"citekey": "molotov1957memo", "reason": MEMO_REASON}]


def test_cite_json_of_an_omitted_entry_gives_the_reason(runner: CliRunner, works: Path) -> None:
    code, out, err = run(runner, works, "cite", "molotov1957memo", "--style", "chicago", "--json")
    assert code == 0
    assert json.loads(out)["omitted"] == [{"citekey": "molotov1957memo", "reason": MEMO_REASON}]
    assert MEMO_REASON in err


def test_literature_notes_tell_their_works_apart(runner: CliRunner, works: Path) -> None:
    for citekey in ("wolfe1957ghost", "wolfe1957durability"):
        code, _, _ = run(runner, works, "quote", "add", citekey, "--text", "Despotism.", "-p", "1")
        assert code == 0
    code, out, _ = run(runner, works, "export", "--notes", "--format", "markdown", "--style", "apa")
    assert code == 0
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert [heading[:24] for heading in headings] == [
        "## Wolfe, B. D. (1957b).",
        "## Wolfe, B. D. (1957a).",
    ]


@pytest.mark.parametrize(
    ("style", "left_out"),
    [
        pytest.param("mla", set(), id="mla"),
        # Two unpublished @misc with no publisher or URL: cited in notes only.
        pytest.param("chicago", {"purgezhukov2017", "zhukov1957army"}, id="chicago"),
        pytest.param("chicago-author-date", set(), id="chicago-author-date"),
        pytest.param("apa", set(), id="apa"),
    ],
)
def test_export_of_the_demo_library_has_an_entry_or_a_named_omission_for_each_reference(
    runner: CliRunner, demo_library: Path, style: str, left_out: set[str]
) -> None:
    code, out, _ = run(runner, demo_library, "refs", "list", "--json")
    citekeys = {row["citekey"] for row in json.loads(out)}
    code, out, _ = run(
        runner, demo_library, "export", "--format", "html", "--style", style, "--json"
    )
    document = json.loads(out)
    entries = document["text"].count('<div class="csl-entry">')
    omitted = {row["citekey"] for row in document["omitted"]}
    assert code == 0
    assert entries + len(omitted) == len(citekeys)
    assert omitted == left_out
    assert all(row["reason"] for row in document["omitted"])
