"""Revisions over HTTP (the contract's last paragraph): every passage and note carries a
`revision`, answers carry it in `ETag` (`"3"`), and a PATCH or DELETE whose `If-Match`
names only older revisions (`3`, `"3"`, a list) is refused with 409 and the record as it is
now, so that two people editing one note never silently overwrite each other. Without
`If-Match` (or with `*`) a change applies to the record as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from tests.webapp.conftest import csrf_token
from webapp.cli import cli
from webapp.services import Services

PASSAGES = "passages/linden1966.json"


@pytest.fixture
def note(client: FlaskClient) -> dict[str, str]:
    """A new note (revision 1) on a new passage: its id and its passage's."""
    passage = client.post("/api/passages", json={"citekey": "linden1966", "text": "Words."})
    created = client.post(f"/api/passages/{passage.get_json()['id']}/notes", json={"text": "A"})
    assert created.status_code == 201
    return {"id": created.get_json()["id"], "passage": passage.get_json()["id"]}


@pytest.fixture
def app_client_pair(client: FlaskClient) -> tuple[FlaskClient, FlaskClient]:
    """Two clients of one server, as two people in two browsers."""
    return client, client.application.test_client()


def _stored_note(library: Path, note_id: str) -> dict[str, object]:
    document = json.loads((library / PASSAGES).read_text(encoding="utf-8"))
    for passage in document["passages"]:
        for stored in passage["notes"]:
            if stored["id"] == note_id:
                found: dict[str, object] = stored
                return found
    raise AssertionError(f"no note {note_id} in {PASSAGES}")


def test_two_clients_editing_one_note_the_stale_one_gets_409_and_the_current_note(
    app_client_pair: tuple[FlaskClient, FlaskClient],
    note: dict[str, str],
    web_library: Path,
) -> None:
    first, second = app_client_pair
    seen_by_first = first.get(f"/api/notes/{note['id']}")
    seen_by_second = second.get(f"/api/notes/{note['id']}")
    assert seen_by_first.headers["ETag"] == seen_by_second.headers["ETag"] == '"1"'
    assert seen_by_first.get_json()["revision"] == 1

    saved = first.patch(
        f"/api/notes/{note['id']}",
        json={"text": "First's edit"},
        headers={"If-Match": seen_by_first.headers["ETag"]},
    )
    assert saved.status_code == 200
    assert saved.get_json()["revision"] == 2
    assert saved.headers["ETag"] == '"2"'

    refused = second.patch(
        f"/api/notes/{note['id']}",
        json={"text": "Second's edit"},
        headers={"If-Match": seen_by_second.headers["ETag"]},
    )
    assert refused.status_code == 409
    document = refused.get_json()
    assert document["field"] == "revision"
    assert "revision 1" in document["error"] and "revision 2" in document["error"]
    assert document["current"]["text"] == "First's edit"
    assert document["current"]["revision"] == 2
    assert refused.headers["ETag"] == '"2"'
    stored = _stored_note(web_library, note["id"])
    assert (stored["text"], stored["revision"]) == ("First's edit", 2)


@pytest.mark.parametrize(
    ("header", "status"),
    [
        pytest.param("1", 409, id="bare-old"),
        pytest.param('"1"', 409, id="etag-old"),
        pytest.param('"1", "3"', 409, id="list-without-current"),
        pytest.param('W/"2"', 409, id="weak-never-matches"),
        pytest.param('"abc"', 409, id="no-revision"),
        pytest.param("", 409, id="empty"),
        pytest.param('""', 409, id="empty-tag"),
        pytest.param('"", "abc", 1x', 409, id="garbage-list"),
        pytest.param("2", 200, id="bare-current"),
        pytest.param('"2"', 200, id="etag-current"),
        pytest.param('"1", "2"', 200, id="list-with-current"),
        pytest.param("*", 200, id="any"),
    ],
)
@pytest.mark.parametrize("kind", ["passage", "note"])
def test_if_match_on_patch_applies_only_to_a_revision_it_names(
    client: FlaskClient,
    note: dict[str, str],
    web_library: Path,
    kind: str,
    header: str,
    status: int,
) -> None:
    url = f"/api/notes/{note['id']}" if kind == "note" else f"/api/passages/{note['passage']}"
    assert client.patch(url, json={"text": "Revision two"}).status_code == 200
    before = (web_library / PASSAGES).read_bytes()
    response = client.patch(url, json={"text": "Three"}, headers={"If-Match": header})
    assert response.status_code == status
    if status == 409:
        assert response.get_json()["current"]["text"] == "Revision two"
        assert response.headers["ETag"] == '"2"'
        assert (web_library / PASSAGES).read_bytes() == before
    else:
        assert response.get_json()["revision"] == 3
        assert response.headers["ETag"] == '"3"'


@pytest.mark.parametrize("kind", ["passage", "note"])
def test_delete_with_an_old_revision_is_409_and_removes_nothing(
    client: FlaskClient, note: dict[str, str], web_library: Path, kind: str
) -> None:
    url = f"/api/notes/{note['id']}" if kind == "note" else f"/api/passages/{note['passage']}"
    assert client.patch(url, json={"text": "Revision two"}).status_code == 200
    before = (web_library / PASSAGES).read_bytes()
    headers = {"If-Match": '"1"', "Content-Type": "application/json"}
    refused = client.delete(url, headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["current"]["revision"] == 2
    assert (web_library / PASSAGES).read_bytes() == before
    deleted = client.delete(url, headers={**headers, "If-Match": '"2"'})
    assert deleted.status_code == 200
    assert client.get(url).status_code == 404


def test_without_if_match_a_change_applies_to_the_record_as_it_is(
    client: FlaskClient, note: dict[str, str]
) -> None:
    for text in ("Two", "Three"):
        response = client.patch(f"/api/notes/{note['id']}", json={"text": text})
        assert response.status_code == 200
    assert client.get(f"/api/notes/{note['id']}").get_json()["revision"] == 3
    gone = client.delete(f"/api/notes/{note['id']}", headers={"Content-Type": "application/json"})
    assert gone.status_code == 200


def test_a_note_patch_may_name_its_revision_in_the_body_as_a_passage_patch_does(
    client: FlaskClient, note: dict[str, str]
) -> None:
    url = f"/api/notes/{note['id']}"
    assert client.patch(url, json={"text": "Two", "revision": 1}).status_code == 200
    refused = client.patch(url, json={"text": "Three", "revision": 1})
    assert refused.status_code == 409
    assert refused.get_json()["current"]["text"] == "Two"


def test_body_revision_and_if_match_must_agree(client: FlaskClient, note: dict[str, str]) -> None:
    url = f"/api/passages/{note['passage']}"
    response = client.patch(url, json={"text": "B", "revision": 1}, headers={"If-Match": '"2"'})
    assert response.status_code == 409
    assert response.get_json()["current"]["revision"] == 1


def test_reads_and_writes_carry_the_etag_of_the_revision_they_show(
    client: FlaskClient, note: dict[str, str]
) -> None:
    added = client.post(f"/api/passages/{note['passage']}/notes", json={"text": "Another"})
    assert added.headers["ETag"] == '"1"'
    created = client.post("/api/passages", json={"citekey": "linden1966", "text": "New"})
    assert created.headers["ETag"] == '"1"'
    passage = client.get(f"/api/passages/{note['passage']}")
    assert passage.headers["ETag"] == f'"{passage.get_json()["revision"]}"'
    edited = client.patch(f"/api/passages/{note['passage']}", json={"tags": ["army"]})
    assert edited.headers["ETag"] == '"2"'
    shown = client.get(f"/api/notes/{note['id']}")
    assert shown.get_json()["text"] == "A"
    assert shown.headers["ETag"] == '"1"'
    assert client.get("/api/notes/N404").status_code == 404


def test_an_edited_note_stores_its_revision_and_old_files_read_as_revision_one(
    client: FlaskClient, services: Services, note: dict[str, str], web_library: Path
) -> None:
    assert _stored_note(web_library, note["id"])["revision"] == 1
    client.patch(f"/api/notes/{note['id']}", json={"text": "B"})
    assert _stored_note(web_library, note["id"])["revision"] == 2
    document = json.loads((web_library / PASSAGES).read_text(encoding="utf-8"))
    for passage in document["passages"]:
        for stored in passage["notes"]:
            del stored["revision"]  # as files written before notes had revisions
    (web_library / PASSAGES).write_text(json.dumps(document), encoding="utf-8")
    assert services.passages.get_note(note["id"]).revision == 1


def test_cli_note_edit_and_delete_refuse_an_old_revision(
    runner: CliRunner, web_library: Path, note: dict[str, str]
) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, ["--library", str(web_library), *args])
        return result.exit_code, result.stdout + result.stderr

    assert run("note", "edit", note["id"], "Two", "--revision", "1")[0] == 0
    code, output = run("note", "edit", note["id"], "Three", "--revision", "1")
    assert code == 1
    assert "revision 1" in output and "revision 2" in output
    assert run("note", "delete", note["id"], "--revision", "1")[0] == 1
    assert _stored_note(web_library, note["id"])["text"] == "Two"
    assert run("note", "delete", note["id"], "--revision", "2")[0] == 0


def test_note_form_saved_from_an_old_revision_comes_back_with_what_was_typed(
    client: FlaskClient, note: dict[str, str], web_library: Path
) -> None:
    page = f"/passages/{note['passage']}"
    token = csrf_token(client, page)
    assert client.patch(f"/api/notes/{note['id']}", json={"text": "Theirs"}).status_code == 200
    response = client.post(
        f"{page}/notes/{note['id']}/edit",
        data={"text": "Mine", "revision": "1", "csrf_token": token},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Mine" in html and "Theirs" in html and "someone changed this note" in html
    assert _stored_note(web_library, note["id"])["text"] == "Theirs"
