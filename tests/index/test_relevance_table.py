"""The relevance table (tests/data/relevance/queries.toml) is well-formed and points into
the demo library. Its scores live in bench/relevance.py, not here."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from annotations.store import PassageStore
from refs.store import ReferenceStore

TABLE = Path(__file__).parent.parent / "data" / "relevance" / "queries.toml"
CATEGORIES = {
    "phrase",
    "keywords",
    "paraphrase",
    "half-remembered",
    "romanisation",
    "cyrillic",
    "inflection",
    "typo",
    "citekey",
    "author-year",
    "date",
    "note",
    "tag",
    "bib-field",
    "compound",
}
KINDS = {"passage", "reference", "any-of-reference"}
MINIMUM_PER_CATEGORY = 15
KEYS = {"text", "category", "kind", "passage", "passages", "references", "citekey", "why"}


def _table() -> dict[str, Any]:  # Any: parsed TOML, checked field by field below
    with TABLE.open("rb") as file:
        return tomllib.load(file)


TABLE_DATA = _table()
QUERIES: list[dict[str, Any]] = TABLE_DATA["query"]


def _name(number: int, query: dict[str, Any]) -> str:
    return f"query {number} ({query.get('text', '?')!r})"


def test_table_names_every_category_once() -> None:
    categories = TABLE_DATA["categories"]
    assert sorted(categories) == sorted(CATEGORIES)


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_category_has_enough_queries(category: str) -> None:
    count = Counter(query.get("category") for query in QUERIES)[category]
    assert count >= MINIMUM_PER_CATEGORY, f"{category}: {count} queries"


def test_every_query_has_text_category_kind_and_why() -> None:
    problems = []
    for number, query in enumerate(QUERIES, 1):
        name = _name(number, query)
        if set(query) - KEYS:
            problems.append(f"{name}: unknown keys {sorted(set(query) - KEYS)}")
        if not isinstance(query.get("text"), str) or query["text"].strip() != query["text"]:
            problems.append(f"{name}: text must be a string without surrounding spaces")
        elif not query["text"]:
            problems.append(f"{name}: empty text")
        if query.get("category") not in CATEGORIES:
            problems.append(f"{name}: unknown category {query.get('category')!r}")
        if query.get("kind") not in KINDS:
            problems.append(f"{name}: unknown kind {query.get('kind')!r}")
        if not str(query.get("why", "")).strip():
            problems.append(f"{name}: no why")
    assert problems == []


def test_each_kind_names_its_answer_one_way() -> None:
    problems = []
    for number, query in enumerate(QUERIES, 1):
        name = _name(number, query)
        if query.get("kind") == "passage":
            if ("passage" in query) == ("passages" in query):
                problems.append(f"{name}: give passage or passages, not both or neither")
            passages = query.get("passages", [query.get("passage")])
            if not passages or len(set(passages)) != len(passages):
                problems.append(f"{name}: passages empty or repeated")
            if "citekey" in query:
                problems.append(f"{name}: a passage query names no citekey")
        else:
            if not query.get("citekey"):
                problems.append(f"{name}: a reference query needs its citekey")
            if {"passage", "passages", "references"} & set(query):
                problems.append(f"{name}: a reference query names no passages")
    assert problems == []


def test_no_query_is_asked_twice() -> None:
    counts = Counter(query["text"] for query in QUERIES)
    assert [text for text, count in counts.items() if count > 1] == []


def test_expected_answers_exist_in_the_demo_library(demo_library: Path) -> None:
    passage_ids = {passage.id for passage in PassageStore(demo_library).passages()}
    citekeys = {ref.citekey for ref in ReferenceStore(demo_library, use_cache=False).references()}
    problems = []
    for number, query in enumerate(QUERIES, 1):
        name = _name(number, query)
        passages = query.get("passages", [query["passage"]] if "passage" in query else [])
        problems += [f"{name}: no passage {pid}" for pid in passages if pid not in passage_ids]
        keys = [*query.get("references", []), *([query["citekey"]] if "citekey" in query else [])]
        problems += [f"{name}: no reference {key}" for key in keys if key not in citekeys]
    assert problems == []
