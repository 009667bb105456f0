"""W3C Web Annotation export and import: lossless for our own, matched by source for others."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from annotations.identifiers import identifier_key, source_iri
from annotations.model import Locator, Note, Passage
from annotations.webanno import export_collection, import_collection
from tests.annotations.strategies import PROPERTY_SETTINGS, passages

STAMP = "2026-11-23T18:00:00Z"
DOIS = {"freeze2009": "10.1093/freeze.2009"}


def _source_for(citekey: str) -> str:
    return source_iri(citekey, doi=DOIS.get(citekey, ""))


def _match_for(keys: set[str]) -> dict[str, str]:
    match = {f"citekey:{key}": key for key in keys}
    match.update({identifier_key(_source_for(key)) or "": key for key in keys})
    return match


@PROPERTY_SETTINGS
@given(records=st.lists(passages(), max_size=5, unique_by=lambda p: p.id))
def test_export_then_import_gives_the_same_passages_and_notes(records: list[Passage]) -> None:
    ids = [passage.id for passage in records]
    ids += [note.id for passage in records for note in passage.notes]
    if len(set(ids)) != len(ids):
        return  # no library holds two records under one id
    document = json.loads(json.dumps(export_collection(records, _source_for)))
    imported = import_collection(document, _match_for({p.citekey for p in records}))
    assert imported.skipped == []
    assert imported.passages == records


def test_exported_annotation_uses_the_standard_terms() -> None:
    note = Note(id="01JD0000000000000000000001", text="*Why* p. 422?", created=STAMP,
                modified=STAMP)  # fmt: skip
    passage = Passage(
        id="01JD0000000000000000000000",
        citekey="freeze2009",
        text="The underlying idea",
        locator=Locator("page", "422"),
        tags=("economy",),
        notes=(note,),
        created=STAMP,
        modified=STAMP,
    )
    document = export_collection([passage], _source_for)
    assert document["type"] == "AnnotationCollection"
    assert document["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    annotation = document["first"]["items"][0]
    assert annotation["type"] == "Annotation"
    assert annotation["target"] == {
        "source": "https://doi.org/10.1093/freeze.2009",
        "selector": [{"type": "TextQuoteSelector", "exact": "The underlying idea"}],
    }
    assert annotation["body"][0] | {"id": None, "created": None, "modified": None} == {
        "id": None,
        "type": "TextualBody",
        "purpose": "commenting",
        "format": "text/markdown",
        "value": "*Why* p. 422?",
        "created": None,
        "modified": None,
    }
    assert annotation["body"][1] == {"type": "TextualBody", "purpose": "tagging",
                                     "value": "economy"}  # fmt: skip
    assert annotation["florilegium"]["locator"] == {"label": "page", "value": "422"}


def test_foreign_annotation_joins_the_reference_its_source_names() -> None:
    foreign = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": [
            {
                "id": "https://annotations.example/1",
                "type": "Annotation",
                "created": "2020-05-01T10:00:00.123+02:00",
                "body": {"type": "TextualBody", "value": "A note", "purpose": "commenting"},
                "target": {
                    "source": "http://dx.doi.org/10.1093/FREEZE.2009",
                    "selector": {"type": "TextQuoteSelector", "exact": "closer to the enterprise"},
                },
            },
            {
                "type": "Annotation",
                "target": {
                    "source": "https://elsewhere.example/",
                    "selector": {"type": "TextQuoteSelector", "exact": "x"},
                },
            },
            {"type": "Annotation", "target": "https://doi.org/10.1093/freeze.2009"},
        ],
    }
    imported = import_collection(foreign, _match_for({"freeze2009"}))
    [passage] = imported.passages
    assert (passage.citekey, passage.text, passage.created) == (
        "freeze2009",
        "closer to the enterprise",
        "2020-05-01T08:00:00Z",
    )
    assert [note.text for note in passage.notes] == ["A note"]
    assert [(s.index, s.reason) for s in imported.skipped] == [
        (1, "matches no reference's DOI, URL or ISBN"),
        (2, "no TextQuoteSelector with the quoted text"),
    ]
    again = import_collection(foreign, _match_for({"freeze2009"}))
    assert again.passages[0].id == passage.id  # a re-import adds nothing new
