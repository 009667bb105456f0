"""The JSON API's reference writes: POST /api/refs, PATCH and DELETE /api/refs/KEY, and
POST /api/import, on the test library."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from annotations.model import Locator
from tests.webapp.conftest import DATA
from tests.webapp.test_pages_ref_imports import LINDEN_AGAIN, NEW_BOOK
from webapp.services import Services


def test_pasted_entries_are_added_and_reported(client: FlaskClient, web_library: Path) -> None:
    response = client.post("/api/refs", json={"text": NEW_BOOK})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["format"], body["added"], body["duplicates"]) == ("bibtex", ["khrushchev1970"], [])
    assert client.get("/api/refs/khrushchev1970").status_code == 200


def test_a_duplicate_is_held_with_the_bibtex_that_adds_it_anyway(
    client: FlaskClient, web_library: Path
) -> None:
    before = (web_library / "references.bib").read_text(encoding="utf-8")
    held = client.post("/api/refs", json={"text": LINDEN_AGAIN})
    assert held.status_code == 200
    [duplicate] = held.get_json()["duplicates"]
    assert (duplicate["citekey"], duplicate["where"]) == ("linden1966", "pasted text:1")
    assert (web_library / "references.bib").read_text(encoding="utf-8") == before
    added = client.post(
        "/api/refs", json={"text": duplicate["bibtex"], "format": "bibtex", "duplicates": "add"}
    )
    assert added.status_code == 201
    assert added.get_json()["added"] == ["linden66"]
    assert (web_library / "references.bib").read_text(encoding="utf-8") == (
        before + "\n" + LINDEN_AGAIN + "\n"
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        pytest.param({"text": ""}, 400, "text", id="empty-text"),
        pytest.param({"text": NEW_BOOK, "format": "docx"}, 400, "format", id="unknown-format"),
        pytest.param({"text": "just words"}, 400, "format", id="undetectable"),
        pytest.param({"text": NEW_BOOK, "duplicates": "merge"}, 400, "duplicates", id="choice"),
        pytest.param({"text": "@misc{linden1966, title={Other}}"}, 409, None, id="taken"),
    ],
)
def test_bad_pastes_are_refused_naming_the_field(
    client: FlaskClient, web_library: Path, body: dict[str, str], status: int, field: str | None
) -> None:
    before = (web_library / "references.bib").read_bytes()
    response = client.post("/api/refs", json=body)
    assert response.status_code == status
    assert response.get_json()["field"] == field
    assert (web_library / "references.bib").read_bytes() == before


def test_patch_changes_fields_and_answers_the_new_etag(
    client: FlaskClient, web_library: Path
) -> None:
    etag = client.get("/api/refs/taubman2004").headers["ETag"]
    response = client.patch(
        "/api/refs/taubman2004",
        json={"set": {"year": "2003"}, "unset": ["publisher"]},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200
    assert response.get_json()["fields"]["year"] == "2003"
    assert "publisher" not in response.get_json()["fields"]
    assert response.headers["ETag"] != etag
    stale = client.patch(
        "/api/refs/taubman2004", json={"set": {"year": "2004"}}, headers={"If-Match": etag}
    )
    assert stale.status_code == 409
    assert stale.get_json()["current"]["fields"]["year"] == "2003"


def test_patch_lists_every_bad_field(client: FlaskClient, web_library: Path) -> None:
    before = (web_library / "references.bib").read_bytes()
    response = client.patch(
        "/api/refs/freeze2009",
        json={"set": {"year": "l957", "title": "x{", "bad name": "v"}, "unset": ["isbn"]},
    )
    assert response.status_code == 400
    errors = {item["field"]: item["error"] for item in response.get_json()["errors"]}
    assert set(errors) == {"year", "title", "bad name", "isbn"}
    assert errors["year"] == "expected a year like 1957, got 'l957'"
    assert (web_library / "references.bib").read_bytes() == before


def test_delete_refuses_a_reference_with_passages_unless_told_what_to_do(
    client: FlaskClient, services: Services
) -> None:
    services.passages.add("freeze2009", "The tanks stayed.", locator=Locator("page", "12"))
    assert client.delete("/api/refs/freeze2009", json={}).status_code == 409
    assert client.delete("/api/refs/freeze2009?passages=maybe", json={}).status_code == 400
    response = client.delete("/api/refs/freeze2009?passages=keep", json={})
    body = response.get_json()
    assert services.trash.get(body.pop("trash_id")).citekey == "freeze2009"
    assert body == {
        "deleted": "freeze2009",
        "passages_deleted": 0,
        "passages_kept": 1,
    }
    assert client.get("/api/refs/freeze2009").status_code == 404
    assert len(services.passage_store.passages("freeze2009")) == 1


def test_import_reports_a_ris_file_with_its_duplicate(client: FlaskClient) -> None:
    text = (DATA / "import" / "endnote.ris").read_text(encoding="utf-8")
    first = client.post("/api/import", json={"text": text, "filename": "endnote.ris"})
    assert first.status_code == 201
    added = first.get_json()["added"]
    assert added
    again = client.post("/api/import", json={"text": text, "filename": "endnote.ris"})
    assert again.status_code == 200
    body = again.get_json()
    assert body["added"] == []
    assert sorted(item["citekey"] for item in body["duplicates"]) == sorted(added)
    assert all(item["bibtex"].startswith("@") for item in body["duplicates"])
