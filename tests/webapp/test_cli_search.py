"""`search` and `reindex` through the real command line parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import cli

BIB = (
    "@online{theinfolist2020antiparty,\n  title = {Anti-Party Group},\n  year = {2020},\n}\n\n"
    "@book{taubman2003,\n  author = {Taubman, William},\n"
    "  title = {Khrushchev: The Man and His Era},\n  year = {2003},\n}\n"
)
TANK_ID = "01JTANKAAAAAAAAAAAAAAAAAAA"
STAMP = "2026-11-23T18:00:00Z"
TANK = (
    'Zhukov emphasized that the Red Army supported Khrushchev: "The Army is against this '
    'resolution and not even a tank will leave its position without my order!"'
)


def passages_file(citekey: str, passages: list[dict[str, object]]) -> str:
    stamp = STAMP
    records = [
        {
            "anchor": None,
            "created": stamp,
            "locator": {"label": "page", "value": "12"},
            "modified": stamp,
            "notes": [],
            "quoted_in": None,
            "revision": 1,
            "tags": [],
            **passage,
        }
        for passage in passages
    ]
    document = {"citekey": citekey, "format": "florilegium-passages/1", "passages": records}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@pytest.fixture
def library(empty_library: Path) -> Path:
    (empty_library / "references.bib").write_text(BIB, encoding="utf-8")
    note = {
        "id": "01JN0TEAAAAAAAAAAAAAAAAAAA",
        "text": "Georgy Zhukov at the plenum",
        "created": STAMP,
        "modified": STAMP,
    }
    (empty_library / "passages" / "theinfolist2020antiparty.json").write_text(
        passages_file(
            "theinfolist2020antiparty",
            [{"id": TANK_ID, "text": TANK, "tags": ["army"], "notes": [note]}],
        ),
        encoding="utf-8",
    )
    return empty_library


def search(runner: CliRunner, library: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(cli, ["--library", str(library), "search", *args, "--json"])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_cyrillic_query_finds_the_tank_quote_first(runner: CliRunner, library: Path) -> None:
    document = search(runner, library, "Георгий Жуков")
    hits = document["hits"]
    assert isinstance(hits, list)
    assert hits[0]["id"] == TANK_ID
    assert hits[0] == {
        "kind": "passage",
        "id": TANK_ID,
        "citekey": "theinfolist2020antiparty",
        "text": TANK,
        "snippet": hits[0]["snippet"],
        "locator": {"label": "page", "value": "12"},
        "score": hits[0]["score"],
        "match": "all",
        "missing": [],
        "short_citation": hits[0]["short_citation"],
    }
    assert "<mark>Zhukov</mark>" in hits[0]["snippet"]
    assert hits[0]["short_citation"]["text"] == "“Anti-Party Group” (2020), p. 12"


def test_result_document_has_the_contract_shape(runner: CliRunner, library: Path) -> None:
    document = search(runner, library, "zhukov", "--limit", "1", "--offset", "1")
    contract = {"query", "total", "offset", "hits", "facets"}
    added = {"matched_all", "suggestion", "relaxed", "facet_labels"}
    assert set(document) == contract | added
    assert (document["query"], document["total"], document["offset"]) == ("zhukov", 2, 1)
    assert (document["matched_all"], document["suggestion"], document["relaxed"]) == (
        2,
        None,
        False,
    )
    assert document["facets"] == {
        "citekey": {"theinfolist2020antiparty": 2},
        "year": {"2020": 2},
        "tag": {"army": 2},
        "kind": {"note": 1, "passage": 1},
    }
    (hit,) = document["hits"]  # type: ignore[misc]
    assert (hit["kind"], hit["passage_id"]) == ("note", TANK_ID)


def test_unparsable_query_answers_with_plain_words(runner: CliRunner, library: Path) -> None:
    document = search(runner, library, '(tank OR "army')
    hits = document["hits"]
    assert isinstance(hits, list)
    assert hits[0]["id"] == TANK_ID


def test_text_output_lists_hits_and_counts_on_stderr(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(cli, ["--library", str(library), "search", "tank"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "passage\t01JTANKAAAAAAAAAAAAAAAAAAA\ttheinfolist2020antiparty, page 12\t"
    )
    assert "1 matches for 'tank'" in result.stderr


def test_text_output_names_the_words_a_partial_hit_lacks(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(cli, ["--library", str(library), "search", "tank submarine"])
    assert result.exit_code == 0, result.output
    assert "0 match every word; the others only some" in result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("passage")]
    assert line.endswith("\t(without: submarine)")


def test_reindex_rebuilds_from_the_files(runner: CliRunner, library: Path) -> None:
    search(runner, library, "tank")
    result = runner.invoke(cli, ["--library", str(library), "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 4 passages, notes and references" in result.stderr
    assert (library / ".index" / "state.json").exists()


def test_negative_limit_is_a_usage_error(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(cli, ["--library", str(library), "search", "tank", "--limit", "-1"])
    assert result.exit_code == 2
