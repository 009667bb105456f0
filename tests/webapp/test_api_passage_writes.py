"""Passage writes through the API on the real store: revisions, anchors and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from webapp.services import Services


def _stored(library: Path, citekey: str) -> list[dict[str, object]]:
    path = library / "passages" / f"{citekey}.json"
    records: list[dict[str, object]] = json.loads(path.read_text("utf-8"))["passages"]
    return records


def test_patch_with_the_current_revision_applies_and_moves_it_on(
    client: FlaskClient, services: Services
) -> None:
    passage = client.post("/api/passages", json={"citekey": "freeze2009", "text": "A"}).get_json()
    assert passage["revision"] == 1
    patched = client.patch(
        f"/api/passages/{passage['id']}",
        json={"text": "B", "tags": ["army"], "revision": 1},
    )
    assert patched.status_code == 200
    assert patched.get_json()["revision"] == 2
    [record] = _stored(services.library_dir, "freeze2009")
    assert (record["text"], record["tags"], record["revision"]) == ("B", ["army"], 2)


def test_patch_with_a_stale_revision_is_409_naming_revision_and_writes_nothing(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "A")
    services.passages.edit(passage.id, tags=["elsewhere"])
    response = client.patch(f"/api/passages/{passage.id}", json={"text": "B", "revision": 1})
    assert response.status_code == 409
    document = response.get_json()
    assert document["field"] == "revision"
    assert "revision 1" in document["error"] and "revision 2" in document["error"]
    [record] = _stored(services.library_dir, "freeze2009")
    assert (record["text"], record["revision"]) == ("A", 2)


def test_patch_null_locator_clears_it_and_absent_fields_stay(
    client: FlaskClient, services: Services
) -> None:
    passage = client.post(
        "/api/passages",
        json={"citekey": "freeze2009", "text": "A", "locator": {"value": "422-23"}, "tags": ["t"]},
    ).get_json()
    assert passage["locator"] == {"label": "page", "value": "422-423"}  # as the CLI reads it
    patched = client.patch(f"/api/passages/{passage['id']}", json={"locator": None}).get_json()
    assert patched["locator"] is None
    assert (patched["text"], patched["tags"]) == ("A", ["t"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"revision": 0}, "revision", id="revision-zero"),
        pytest.param({"revision": True}, "revision", id="revision-bool"),
        pytest.param({"text": None}, "text", id="text-null"),
        pytest.param({"tags": None}, "tags", id="tags-null"),
        pytest.param({"locator": {"value": "p4x2"}}, "locator.value", id="bad-page"),
        pytest.param({"citekey": "other"}, "citekey", id="citekey-not-patchable"),
    ],
)
def test_bad_patch_is_400_naming_the_field(
    client: FlaskClient, services: Services, body: dict[str, object], field: str
) -> None:
    passage = services.passages.add("freeze2009", "A")
    response = client.patch(f"/api/passages/{passage.id}", json=body)
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert services.passages.get(passage.id).revision == 1


def test_reader_selection_is_stored_as_its_anchor(client: FlaskClient, services: Services) -> None:
    source = (services.library_dir / "sources" / "taubman2004.txt").read_text("utf-8")
    exact = "Marshal Zhukov's planes"
    start = source.index(exact)
    anchor = {
        "source": "taubman2004.txt",
        "quote": {"exact": exact, "prefix": "", "suffix": ""},
        "position": {"start": start, "end": start + len(exact)},
    }
    created = client.post(
        "/api/passages", json={"citekey": "taubman2004", "text": exact, "anchor": anchor}
    )
    assert created.status_code == 201
    [record] = _stored(services.library_dir, "taubman2004")
    stored = record["anchor"]
    assert isinstance(stored, dict)
    assert stored["position"] == anchor["position"]
    assert stored["quote"]["suffix"] == source[start + len(exact) :][:32]


def test_selection_that_is_not_in_the_source_is_400_naming_the_selector(
    client: FlaskClient, services: Services
) -> None:
    anchor = {
        "source": "taubman2004.txt",
        "quote": {"exact": "Zhukov"},
        "position": {"start": 0, "end": 6},
    }
    response = client.post(
        "/api/passages", json={"citekey": "taubman2004", "text": "Zhukov", "anchor": anchor}
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "anchor.position"
    assert not (services.library_dir / "passages" / "taubman2004.json").exists()


def test_write_to_a_broken_passage_file_is_409_and_leaves_it_alone(
    client: FlaskClient, services: Services
) -> None:
    path = services.library_dir / "passages" / "freeze2009.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text('{"citekey": "freeze2009", "passages": [', encoding="utf-8")
    response = client.post("/api/passages", json={"citekey": "freeze2009", "text": "A"})
    assert response.status_code == 409
    message = response.get_json()["error"]
    assert "freeze2009.json" in message and "nothing was written" in message
    assert path.read_text("utf-8") == '{"citekey": "freeze2009", "passages": ['
