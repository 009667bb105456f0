"""Our citations against citeproc-js's own output (the fixtures in tests/fixtures/citeproc/).

Each fixture holds the CSL-JSON items that our converter made from a .bib file and what
citeproc-js (Node, npm `citeproc`) printed for them; regenerate with the command in
tests/fixtures/citeproc/README.md. Every reference is cited alone in a fresh document.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from refs.bibfile import parse_bib_text
from refs.citations import CiteItem, format_bibliography, format_citations
from refs.csl import csl_items

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "citeproc").glob("*.json"))
STYLES = ("mla", "chicago", "chicago-author-date", "apa")
FORMATS = ("text", "html")


@cache
def load_fixture(path: Path) -> dict[str, Any]:  # Any: the fixture is open-ended JSON
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_there_is_a_fixture_with_at_least_30_references() -> None:
    assert FIXTURES
    assert len(load_fixture(FIXTURES[0])["items"]) >= 30


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_conversion_gives_the_items_the_fixtures_were_made_from(fixture: Path) -> None:
    document = load_fixture(fixture)
    bib_path = ROOT / document["bib"]
    bib = parse_bib_text(bib_path.read_text(encoding="utf-8"), bib_path)
    assert csl_items(bib.references) == document["items"]


def _locator_cite(citekey: str, case: str) -> CiteItem:
    label, _, locator = case.partition(" ")
    return CiteItem(citekey=citekey, label=label, locator=locator)


@pytest.mark.parametrize("output", FORMATS)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_output_matches_citeproc_js_exactly(fixture: Path, style: str, output: str) -> None:
    document = load_fixture(fixture)
    differences = []
    for item in document["items"]:
        citekey = item["id"]
        expected = document["expected"][style][citekey]
        ours: dict[str, str] = {}
        bibliography = format_bibliography([item], style, output)
        ours["bibliography"] = bibliography[0][1] if bibliography else ""
        for case in expected["citations"]:
            [ours[case]] = format_citations([item], [[_locator_cite(citekey, case)]], style, output)
        first, subsequent = format_citations(
            [item],
            [[_locator_cite(citekey, "page 422")], [_locator_cite(citekey, "page 423")]],
            style,
            output,
        )
        ours["first_note"], ours["subsequent_note"] = first, subsequent
        theirs = {
            "bibliography": expected["bibliography"][output],
            **{case: value[output] for case, value in expected["citations"].items()},
            "first_note": expected["first_note"][output],
            "subsequent_note": expected["subsequent_note"][output],
        }
        differences.extend(
            f"{citekey} {what}:\n  ours:   {ours[what]}\n  theirs: {theirs[what]}"
            for what in theirs
            if ours[what] != theirs[what]
        )
    assert not differences, "\n".join(differences)
