"""The hand-checked conversion cases of tests/data/conversion_cases/: CSL-JSON and citations.

Each case is a small .bib text, the CSL variables its last entry must convert to, and
(for most) the Chicago and MLA strings citeproc-js prints for those variables. The
strings check the whole way from .bib to citation: our conversion, then our engine.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from refs.bibfile import parse_bib_text
from refs.citations import CiteItem, format_bibliography, format_citations
from refs.csl import csl_items

CASES_DIR = Path(__file__).parents[1] / "data" / "conversion_cases"


def _load_cases() -> list[Any]:  # Any: each case is a TOML table
    cases = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        for case in tomllib.loads(path.read_text(encoding="utf-8"))["case"]:
            cases.append(pytest.param(case, id=case["id"]))
    return cases


CASES = _load_cases()


def converted(case: dict[str, Any]) -> dict[str, Any]:  # Any: a CSL item is open-ended JSON
    bib = parse_bib_text(case["bibtex"], Path(f"{case['id']}.bib"))
    return csl_items(bib.references)[-1]


@pytest.mark.parametrize("case", CASES)
def test_case_converts_to_its_csl(case: dict[str, Any]) -> None:
    item = converted(case)
    expected = case["csl"]
    assert {key: item.get(key) for key in expected} == expected
    assert not set(case.get("absent", [])) & item.keys()


STRINGS = [
    pytest.param(case.values[0], kind, id=f"{case.id}-{kind}")
    for case in CASES
    for kind in case.values[0].get("strings", {})
]


@pytest.mark.parametrize(("case", "kind"), STRINGS)
def test_case_prints_its_citation(case: dict[str, Any], kind: str) -> None:
    item = converted(case)
    style, mode = kind.rsplit("-", 1)
    if mode == "bibliography":
        entries = format_bibliography([item], style)
        printed = entries[0][1] if entries else ""
    else:
        cite = CiteItem(citekey=item["id"], locator="12", label="page")
        printed = format_citations([item], [[cite]], style)[0]
    assert printed == case["strings"][kind]
