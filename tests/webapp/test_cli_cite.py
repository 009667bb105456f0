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
