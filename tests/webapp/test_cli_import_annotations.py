"""`import --format w3c|hypothesis` through the real command line, on the demo library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from webapp.cli import cli


def _run(runner: CliRunner, library: Path, *args: str) -> str:
    result = runner.invoke(cli, ["--library", str(library), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _passages(runner: CliRunner, library: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(_run(runner, library, "quote", "list", "--json"))
    return sorted(rows, key=lambda row: str(row["id"]))


def test_w3c_export_imports_into_an_empty_copy_without_loss(
    runner: CliRunner, demo_library: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "passages.jsonld"
    _run(runner, demo_library, "export", "--format", "w3c", "-o", str(exported))
    fresh = tmp_path / "fresh"
    shutil.copytree(demo_library, fresh)
    shutil.rmtree(fresh / "passages")
    (fresh / "passages").mkdir()

    report = json.loads(_run(runner, fresh, "import", str(exported), "--format", "w3c", "--json"))

    assert report["skipped"] == []
    assert _passages(runner, fresh) == _passages(runner, demo_library)
    assert len(report["added"]) == len(_passages(runner, demo_library))


def test_hypothesis_annotation_joins_the_reference_at_its_url(
    runner: CliRunner, demo_library: Path, tmp_path: Path
) -> None:
    url = "https://www.globalsecurity.org/military/world/russia/malenkov-1957.htm"
    export = [
        {
            "id": "hyp-1",
            "uri": url,
            "text": "Compare *Taubman* on the vote.",
            "tags": ["kgb"],
            "created": "2024-01-02T03:04:05.000000+00:00",
            "updated": "2024-01-02T03:04:05.000000+00:00",
            "target": [
                {
                    "source": url,
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": "hardly counted"},
                    ],
                }
            ],
        },
        {"id": "hyp-2", "uri": "https://example.org/elsewhere", "text": "x", "target": []},
    ]
    file = tmp_path / "hypothesis.json"
    file.write_text(json.dumps(export), encoding="utf-8")

    report = json.loads(
        _run(runner, demo_library, "import", str(file), "--format", "hypothesis", "--json")
    )

    assert len(report["added"]) == 1
    assert len(report["skipped"]) == 1 and "example.org" in report["skipped"][0]
    [passage] = [row for row in _passages(runner, demo_library) if row["id"] in report["added"]]
    assert passage["citekey"] == "globalsecurity-malenkov"
    assert passage["text"] == "hardly counted"
    assert passage["tags"] == ["kgb"]


def test_invalid_json_names_the_file_and_line(
    runner: CliRunner, demo_library: Path, tmp_path: Path
) -> None:
    file = tmp_path / "broken.json"
    file.write_text('{\n  "items": [\n', encoding="utf-8")
    result = runner.invoke(
        cli, ["--library", str(demo_library), "import", str(file), "--format", "w3c"]
    )
    assert result.exit_code == 1
    assert f"{file}:3: invalid JSON" in result.stderr


TWO_WORKS = (
    "@book{freeze2009, title={Russia}, year=2009, url={https://example.org/freeze}}\n\n"
    "@book{taubman2004, title={Khrushchev}, year=2004, url={https://example.org/taubman}}\n"
)


def _import(runner: CliRunner, library: Path, document: object, file: Path) -> dict[str, Any]:
    file.write_text(json.dumps(document), encoding="utf-8")
    report: dict[str, Any] = json.loads(
        _run(runner, library, "import", str(file), "--format", "w3c", "--json")
    )
    return report


def test_imported_ids_that_are_taken_get_fresh_ones_and_nothing_is_shadowed(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    (empty_library / "references.bib").write_text(TWO_WORKS, encoding="utf-8")
    kept = json.loads(
        _run(runner, empty_library, "quote", "add", "freeze2009", "--text", "kept", "--json")
    )
    note = json.loads(_run(runner, empty_library, "note", "add", kept["id"], "mine", "--json"))
    exported = json.loads(_run(runner, empty_library, "export", "--format", "w3c"))
    [annotation] = exported["first"]["items"]
    # Another library's passage that happens to carry the same passage and note ids.
    annotation["florilegium"]["citekey"] = "taubman2004"
    annotation["target"]["source"] = "https://example.org/taubman"
    annotation["target"]["selector"][0]["exact"] = "an impostor"
    twin = json.loads(json.dumps(annotation))
    twin["target"]["selector"][0]["exact"] = "another impostor"
    before = _passages(runner, empty_library)

    report = _import(runner, empty_library, [annotation, twin], tmp_path / "clash.json")

    renamed = {(row["from"], row["to"]) for row in report["renamed"]}
    assert len(renamed) == 4  # both passages' ids and both notes' ids
    assert {old for old, _ in renamed} == {kept["id"], note["id"]}
    assert len(set(report["added"])) == 2 and kept["id"] not in report["added"]
    assert set(report["added"]) <= {new for _, new in renamed}
    after = _passages(runner, empty_library)
    assert [row for row in after if row["id"] == kept["id"]] == before
    ids = [row["id"] for row in after] + [n["id"] for row in after for n in row["notes"]]
    assert len(ids) == len(set(ids)) == 6
    for new_id in report["added"]:
        _run(runner, empty_library, "quote", "delete", new_id)
    assert _passages(runner, empty_library) == before


def test_importing_the_same_export_twice_adds_nothing_and_renames_nothing(
    runner: CliRunner, demo_library: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "passages.jsonld"
    _run(runner, demo_library, "export", "--format", "w3c", "-o", str(exported))
    before = _passages(runner, demo_library)

    report = json.loads(
        _run(runner, demo_library, "import", str(exported), "--format", "w3c", "--json")
    )

    assert report["added"] == [] and report["renamed"] == []
    assert sorted(report["present"]) == [row["id"] for row in before]
    assert _passages(runner, demo_library) == before
    text = _run(runner, demo_library, "import", str(exported), "--format", "w3c")
    assert text.count("Already present: ") == len(before)


def test_renamed_ids_are_listed_one_per_line(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    (empty_library / "references.bib").write_text(TWO_WORKS, encoding="utf-8")
    kept = json.loads(
        _run(runner, empty_library, "quote", "add", "freeze2009", "--text", "kept", "--json")
    )
    exported = json.loads(_run(runner, empty_library, "export", "--format", "w3c"))
    [annotation] = exported["first"]["items"]
    annotation["target"]["selector"][0]["exact"] = "changed elsewhere"
    file = tmp_path / "changed.json"
    file.write_text(json.dumps(annotation), encoding="utf-8")

    lines = _run(runner, empty_library, "import", str(file), "--format", "w3c").splitlines()

    [renamed] = [line for line in lines if line.startswith("Renamed ")]
    assert renamed.startswith(f"Renamed passage {kept['id']} to ")
    assert "already" in renamed


def test_hypothesis_reimport_is_present_not_doubled(
    runner: CliRunner, empty_library: Path, tmp_path: Path
) -> None:
    (empty_library / "references.bib").write_text(TWO_WORKS, encoding="utf-8")
    row = {
        "id": "hyp-1",
        "uri": "https://example.org/freeze",
        "text": "a note",
        "created": "2024-01-02T03:04:05+00:00",
        "updated": "2024-01-02T03:04:05+00:00",
        "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "hardly counted"}]}],
    }
    file = tmp_path / "hypothesis.json"
    file.write_text(json.dumps([row, row]), encoding="utf-8")
    args = ("import", str(file), "--format", "hypothesis", "--json")

    first = json.loads(_run(runner, empty_library, *args))
    second = json.loads(_run(runner, empty_library, *args))

    assert len(first["added"]) == 1 and first["present"] == first["added"]
    assert second["added"] == [] and second["present"] == first["added"] * 2
    assert len(_passages(runner, empty_library)) == 1
