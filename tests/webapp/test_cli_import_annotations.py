"""`import --format w3c|hypothesis` through the real command line, on the demo library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
