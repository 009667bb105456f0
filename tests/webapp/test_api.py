"""The JSON API routes of the contract, through the Flask test client."""

from __future__ import annotations

from flask.testing import FlaskClient

from webapp.services import Services


def test_refs_list_is_refs_list_json_sorted_by_citekey(client: FlaskClient) -> None:
    response = client.get("/api/refs")
    rows = response.get_json()
    assert [row["citekey"] for row in rows] == [
        "evil2020",
        "freeze2009",
        "linden1966",
        "taubman2004",
    ]
    assert rows[2] == {
        "citekey": "linden1966",
        "type": "book",
        "title": "Khrushchev and the Soviet Leadership, 1957–1964",
        "authors": ["Carl A. Linden"],
        "editors": [],
        "year": "1966",
    }
    assert response.headers["X-Total-Count"] == "4"


def test_refs_list_pages_with_limit_and_offset(client: FlaskClient) -> None:
    rows = client.get("/api/refs?limit=2&offset=1").get_json()
    assert [row["citekey"] for row in rows] == ["freeze2009", "linden1966"]


def test_refs_show_has_fields_file_line_and_csl(client: FlaskClient) -> None:
    document = client.get("/api/refs/freeze2009").get_json()
    assert document["fields"]["journal"] == "Slavic Review"
    assert document["file"].endswith("references.bib")
    assert document["line"] == 11
    assert document["csl"]["title"] == "Zhukov and the Tanks of June"


def test_citation_comes_from_the_citation_service(client: FlaskClient) -> None:
    text = client.get("/api/refs/linden1966/citation?style=mla&locator=12&mode=citation").get_json()
    assert text == {"text": "(Linden 12)"}
    html = client.get("/api/refs/linden1966/citation?format=html").get_json()
    assert set(html) == {"html"}
    assert "<i>Khrushchev and the Soviet Leadership, 1957–1964</i>" in html["html"]


def test_passage_round_trip_create_read_patch_delete(
    client: FlaskClient, services: Services
) -> None:
    created = client.post(
        "/api/passages",
        json={
            "citekey": "freeze2009",
            "text": "Zhukov moved the tanks.",
            "locator": {"label": "page", "value": "422"},
            "quoted_in": {"citekey": "linden1966", "locator": None},
            "tags": ["army"],
        },
    )
    assert created.status_code == 201
    passage = created.get_json()
    assert passage["citekey"] == "freeze2009"
    assert passage["quoted_in"] == {"citekey": "linden1966", "locator": None}
    assert client.get(f"/api/passages/{passage['id']}").get_json() == passage
    listed = client.get("/api/passages?citekey=freeze2009").get_json()
    assert [p["id"] for p in listed] == [passage["id"]]
    patched = client.patch(
        f"/api/passages/{passage['id']}", json={"locator": {"label": "page", "value": "xiv"}}
    ).get_json()
    assert patched["locator"] == {"label": "page", "value": "xiv"}
    assert patched["text"] == "Zhukov moved the tanks."
    deleted = client.delete(f"/api/passages/{passage['id']}", content_type="application/json")
    assert deleted.status_code == 200
    body = deleted.get_json()
    trash_id = body.pop("trash_id")
    assert body == patched  # the record as it was stored
    assert services.trash.get(trash_id).passages[0].id == passage["id"]  # what Undo restores
    assert client.get(f"/api/passages/{passage['id']}").status_code == 404


def test_notes_are_added_edited_and_deleted(client: FlaskClient, services: Services) -> None:
    passage = services.passages.add("linden1966", "A quote")
    added = client.post(f"/api/passages/{passage.id}/notes", json={"text": "*first*"})
    assert added.status_code == 201
    note = added.get_json()
    assert set(note) == {"id", "text", "created", "modified", "revision"}
    edited = client.patch(f"/api/notes/{note['id']}", json={"text": "second"}).get_json()
    assert edited["text"] == "second"
    assert services.passages.get(passage.id).notes[0].text == "second"
    deleted = client.delete(f"/api/notes/{note['id']}", json={})
    assert deleted.status_code == 200
    assert {k: v for k, v in deleted.get_json().items() if k != "trash_id"} == edited
    assert services.trash.get(deleted.get_json()["trash_id"]).note is not None
    assert services.passages.get(passage.id).notes == ()


def test_search_answers_the_search_document(client: FlaskClient, services: Services) -> None:
    services.passages.add("freeze2009", "Zhukov & the tank <army>")
    document = client.get("/api/search?q=zhukov&limit=5").get_json()
    assert document["total"] == 2  # the passage, and the reference "Zhukov and the Tanks…"
    assert [hit["kind"] for hit in document["hits"]] == ["passage", "reference"]
    assert document["hits"][0]["snippet"].startswith("<mark>Zhukov</mark> &amp; the tank &lt;")
    assert document["facets"]["citekey"] == {"freeze2009": 2}
    assert document["facets"]["kind"] == {"passage": 1, "reference": 1}


def test_passage_citation_is_the_quote_with_its_citation(
    client: FlaskClient, services: Services
) -> None:
    from annotations.model import Locator

    passage = services.passages.add("freeze2009", "Tanks", locator=Locator("page", "422"))
    text = client.get(f"/api/passages/{passage.id}/citation?style=mla").get_json()["text"]
    assert text == "“Tanks” (Freeze 422)."


def test_export_downloads_the_chosen_references(client: FlaskClient) -> None:
    response = client.get("/api/export?keys=linden1966&key=freeze2009&format=bibtex")
    assert response.status_code == 200
    assert response.mimetype == "application/x-bibtex"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert "@book{linden1966" in body and "@article{freeze2009" in body
    assert "taubman2004" not in body
