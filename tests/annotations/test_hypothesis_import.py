"""Importing a Hypothes.is export: matched by URL or DOI, replies as notes, the rest listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.hypothesis_import import import_hypothesis
from annotations.identifiers import identifier_key
from annotations.webanno import InvalidAnnotationDocument

EXPORT = json.loads(
    (Path(__file__).parent.parent / "data" / "hypothesis_export.json").read_text("utf-8")
)


def _match() -> dict[str, str]:
    return {
        identifier_key("https://blog.example.edu/2019/crashing-the-anti-party") or "": "blog2019",
        identifier_key("10.1093/FREEZE.2009") or "": "freeze2009",
    }


def test_annotations_join_references_by_url_and_doi() -> None:
    imported = import_hypothesis(EXPORT, _match())
    blog, freeze = imported.passages
    assert (blog.citekey, blog.text) == (
        "blog2019",
        "The underlying idea was to bring decision-making closer to the enterprise",
    )
    assert blog.tags == ("sovnarkhozy", "Freeze")
    assert (blog.created, blog.modified) == ("2026-11-02T14:03:11Z", "2026-11-03T08:00:00Z")
    assert [note.text for note in blog.notes] == [
        "Freeze quoted at second hand; check the page against the 3rd edition.",
        "Same wording in the 2nd edition, p. 396.",
    ]
    assert (freeze.citekey, freeze.text, freeze.notes) == (
        "freeze2009",
        "cult of Comrade G. K. Zhukov",
        (),
    )


def test_page_notes_and_unmatched_annotations_are_listed() -> None:
    skipped = import_hypothesis(EXPORT, _match()).skipped
    assert [(s.index, s.source, s.reason) for s in skipped] == [
        (
            2,
            "https://blog.example.edu/2019/crashing-the-anti-party/",
            "a page note (no quoted text)",
        ),
        (4, "https://unrelated.example.org/page", "matches no reference's DOI, URL or ISBN"),
    ]


def test_importing_twice_gives_the_same_ids() -> None:
    first = import_hypothesis(EXPORT, _match()).passages
    assert [p.id for p in import_hypothesis(EXPORT, _match()).passages] == [p.id for p in first]


def test_api_search_rows_are_read_too() -> None:
    rows = {"total": 5, "rows": EXPORT["annotations"]}
    assert len(import_hypothesis(rows, _match()).passages) == 2


def test_something_else_is_refused() -> None:
    with pytest.raises(InvalidAnnotationDocument, match=r"expected a Hypothes\.is export"):
        import_hypothesis({"type": "AnnotationCollection"}, _match())
