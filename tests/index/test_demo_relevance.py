"""Relevance on the real demo library: the queries a historian types find the right quote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import cli

TANK = "The Army is against this resolution and not even a tank will leave its position"


def _search(runner: CliRunner, library: Path, query: str, limit: int = 10) -> list[dict[str, str]]:
    result = runner.invoke(
        cli, ["--library", str(library), "search", query, "--limit", str(limit), "--json"]
    )
    assert result.exit_code == 0, result.output
    hits: list[dict[str, str]] = json.loads(result.stdout)["hits"]
    return hits


@pytest.mark.parametrize(
    ("query", "expected_start", "within"),
    [
        pytest.param("Георгий Жуков", TANK, 1, id="cyrillic-full-name"),
        pytest.param("Georgii Zhukov tank", TANK, 1, id="scholarly-spelling-and-word"),
        pytest.param("Жуков танк", TANK, 1, id="cyrillic-name-english-word-missing"),
        pytest.param("Хрущёв Leningrad", "all the members of the anti-party group", 3, id="pravda"),
        pytest.param("underlying idea", "The underlying idea was to bring", 1, id="freeze-phrase"),
        pytest.param("cult of Comrade", "cult of Comrade G. K. Zhukov", 1, id="freeze-p423"),
        pytest.param("Viacheslav Molotov", "This faction included many powerful", 3, id="molotov"),
        pytest.param("Serov delegation", "According to Roy and Zhores Medvedev", 1, id="serov"),
        pytest.param("TASS Malinovsky", "On 26 October 1957, TASS announced", 1, id="tass"),
        pytest.param("7 to 4 votes", "Nikolai Bulganin won with 7 to 4 votes", 3, id="vote"),
    ],
)
def test_demo_query_finds_its_quote(
    runner: CliRunner, demo_library: Path, query: str, expected_start: str, within: int
) -> None:
    hits = _search(runner, demo_library, query)
    texts = [hit["text"] for hit in hits[:within] if hit["kind"] == "passage"]
    assert any(text.startswith(expected_start) for text in texts), [h["text"][:60] for h in hits]


@pytest.mark.parametrize("query", ["Георгий Жуков", "Khrushchev Presidium", "Molotov"])
def test_top_hits_do_not_depend_on_the_page_size(
    runner: CliRunner, demo_library: Path, query: str
) -> None:
    ten = [hit["id"] for hit in _search(runner, demo_library, query, limit=10)]
    for limit in (1, 2, 3):
        assert [hit["id"] for hit in _search(runner, demo_library, query, limit)] == ten[:limit]
