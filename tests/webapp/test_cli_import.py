"""`florilegium import`: new works appended, duplicates reported, citekeys made."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from refs.store import ReferenceStore
from webapp.cli import cli
from webapp.import_service import IMPORTERS

DATA = Path(__file__).parent.parent / "data" / "import"
EXISTING = (
    "% keep\n@book{taubman2003,\n  author = {Taubman, William},\n  title = {Khrushchev},\n"
    "  year = 2003,\n  isbn = {0393324842},\n}\n"
)


def _import(runner: CliRunner, library: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(cli, ["--library", str(library), "import", *args, "--json"])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_csljson_import_adds_entries_with_authoryearword_citekeys(
    runner: CliRunner, empty_library: Path
) -> None:
    report = _import(runner, empty_library, str(DATA / "zotero.json"))
    assert report == {
        "format": "csljson",
        "added": [
            "linden1966khrushchev",
            "anon1957speech",
            "taubman2004anti",
            "freeze2009",
            "seventeenmomentsinsoviethistory1957anti",
        ],
        "duplicates": [],
        "skipped": [],
    }
    store = ReferenceStore(empty_library)
    assert store.get("freeze2009").fields["isbn"] == "0-19-956041-3"
    assert store.get("anon1957speech").fields["date"] == "1957-07-07"


def test_importing_the_same_file_again_reports_every_entry_as_a_duplicate(
    runner: CliRunner, empty_library: Path
) -> None:
    _import(runner, empty_library, str(DATA / "zotero.json"))
    before = (empty_library / "references.bib").read_bytes()
    report = _import(runner, empty_library, str(DATA / "zotero.json"))
    assert report["added"] == []
    assert [row["citekey"] for row in report["duplicates"]] == [  # type: ignore[attr-defined]
        "linden1966khrushchev",
        "anon1957speech",
        "taubman2004anti",
        "freeze2009",
        "seventeenmomentsinsoviethistory1957anti",
    ]
    assert (empty_library / "references.bib").read_bytes() == before


def test_ris_import_reports_the_isbn_duplicate_and_keeps_the_file(
    runner: CliRunner, empty_library: Path
) -> None:
    bib = empty_library / "references.bib"
    bib.write_text(EXISTING, encoding="utf-8")
    report = _import(runner, empty_library, str(DATA / "endnote.ris"))
    assert report["added"] == ["micunovic1980moscow"]
    assert report["duplicates"] == [
        {
            "title": "Khrushchev: The Man and His Era",
            "citekey": "taubman2003",
            "reason": "same ISBN (9780393324846)",
        }
    ]
    text = bib.read_text(encoding="utf-8")
    assert text.startswith(EXISTING + "\n@article{micunovic1980moscow,\n")


def test_bibtex_import_keeps_entry_text_and_renames_a_taken_citekey(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    (empty_library / "references.bib").write_text(EXISTING, encoding="utf-8")
    source = tmp_path / "other.bib"
    source.write_text(
        '@Book{new1,\n    title = "New",  year = 1999 }\n'
        "@book{taubman2003, author = {Someone, Else}, title = {Other}, year = 1990}\n"
        "@book{nomacro, title = undefined}\n"
        "@book{broken, title = {x}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--library", str(empty_library), "import", str(source), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == ["new1", "taubman2003a"]
    assert report["skipped"][0] == (f"{source}:4: field 'title': unknown @string macro 'undefined'")
    assert report["skipped"][1].startswith(f"{source}:5: could not parse this block")
    assert "left out" in result.stderr
    text = (empty_library / "references.bib").read_text(encoding="utf-8")
    assert '@Book{new1,\n    title = "New",  year = 1999 }' in text
    assert "@book{taubman2003a,\n  author = {Someone, Else}," in text


def test_import_without_a_known_extension_needs_format(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    source = tmp_path / "export.txt"
    shutil.copy(DATA / "endnote.ris", source)
    result = runner.invoke(cli, ["--library", str(empty_library), "import", str(source)])
    assert result.exit_code == 2
    assert "give --format" in result.stderr
    ok = runner.invoke(
        cli, ["--library", str(empty_library), "import", str(source), "--format", "ris"]
    )
    assert ok.exit_code == 0
    assert "Added taubman2003khrushchev" in ok.stdout


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_every_import_format_is_described_in_help(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, ["import", "--help"], terminal_width=1000)
    summary = (IMPORTERS[name].__doc__ or "").strip().splitlines()[0].rstrip(".")
    assert f"{name}: {summary}" in result.stdout
