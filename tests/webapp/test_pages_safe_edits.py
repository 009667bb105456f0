"""Safe edits in the pages: deletes ask first and offer Undo, the Trash page restores,
a stale edit shows both versions, and a rejected form marks its field."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from annotations.model import Locator
from tests.webapp.conftest import csrf_token
from webapp.services import Services


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _undo_action(page: str) -> str:
    """The Undo form's action in a page's status line."""
    found = re.search(r'<form class="undo" method="post" action="([^"]+)"', page)
    assert found, "no Undo in the status line"
    return found.group(1)


def test_deleting_a_passage_asks_first_without_javascript_then_offers_undo(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add(
        "freeze2009", "Tanks rolled", locator=Locator("page", "4"), notes=["a note"]
    )
    token = csrf_token(client, f"/passages/{passage.id}")
    asked = client.post(f"/passages/{passage.id}/delete", data={"csrf_token": token})
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Delete this passage?" in text and "Tanks rolled" in text
    assert "Its note goes with it." in text
    assert '<input type="hidden" name="confirmed" value="yes">' in text
    assert services.passages.get(passage.id) == passage  # nothing deleted yet

    deleted = client.post(
        f"/passages/{passage.id}/delete",
        data={"csrf_token": token, "confirmed": "yes", "revision": "1"},
    )
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/refs/freeze2009"
    after = _page(client, "/refs/freeze2009")
    assert "Deleted the passage “Tanks rolled” of freeze2009." in after
    assert 'role="status" aria-live="polite"' in after
    undone = client.post(_undo_action(after), data={"csrf_token": token})
    assert undone.status_code == 303
    assert undone.headers["Location"] == f"/passages/{passage.id}"
    assert services.passages.get(passage.id) == passage
    assert "Restored the passage “Tanks rolled” of freeze2009." in _page(
        client, f"/passages/{passage.id}"
    )
    assert services.trash.items() == []


def test_a_deleted_note_is_undone_back_onto_its_passage(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("linden1966", "A quote", notes=["keep me"])
    [note] = passage.notes
    token = csrf_token(client, f"/passages/{passage.id}")
    page = _page(client, f"/passages/{passage.id}")
    assert 'data-confirm="Delete this note?"' in page
    deleted = client.post(
        f"/passages/{passage.id}/notes/{note.id}/delete",
        data={"csrf_token": token, "confirmed": "yes", "revision": "1"},
    )
    assert deleted.status_code == 303
    assert services.passages.get(passage.id).notes == ()
    undone = client.post(
        _undo_action(_page(client, f"/passages/{passage.id}")), data={"csrf_token": token}
    )
    assert undone.headers["Location"] == f"/passages/{passage.id}#note-{note.id}"
    assert services.passages.get(passage.id).notes == (note,)


def test_the_trash_page_restores_and_says_why_a_note_cannot_come_back(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("linden1966", "A quote", notes=["orphan"])
    note_item = services.passages.delete_note(passage.notes[0].id)
    passage_item = services.passages.delete(passage.id)
    page = _page(client, "/trash")
    assert "Restore note “orphan” on a passage of linden1966" in html.unescape(page)
    assert 'href="/api/trash"' in page
    token = csrf_token(client, "/trash")
    refused = client.post(f"/trash/{note_item.id}/restore", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "the passage this note was on" in refused.get_data(as_text=True)
    assert (
        client.post(f"/trash/{passage_item.id}/restore", data={"csrf_token": token}).status_code
        == 303
    )
    assert (
        client.post(f"/trash/{note_item.id}/restore", data={"csrf_token": token}).status_code == 303
    )
    assert [n.text for n in services.passages.get(passage.id).notes] == ["orphan"]


def test_trash_api_lists_restores_and_names_what_is_missing(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("linden1966", "A quote", notes=["orphan"])
    note_item = services.passages.delete_note(passage.notes[0].id)
    deleted = client.delete(f"/api/passages/{passage.id}", json={}).get_json()
    listed = client.get("/api/trash").get_json()
    assert [item["id"] for item in listed] == [deleted["trash_id"], note_item.id]
    assert client.get(f"/api/trash/{note_item.id}").get_json()["note"]["text"] == "orphan"
    refused = client.post(f"/api/trash/{note_item.id}/restore", json={})
    assert refused.status_code == 409 and refused.get_json()["field"] == "id"
    restored = client.post(f"/api/trash/{deleted['trash_id']}/restore", json={})
    assert restored.status_code == 200
    assert restored.get_json()["passages"][0]["id"] == passage.id
    missing = client.post("/api/trash/01M8YFPK7FM868DKMP53BY4W5P/restore", json={})
    assert missing.status_code == 404


def test_a_stale_note_edit_shows_both_versions_and_keeping_mine_saves_it(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks", notes=["original"])
    [note] = passage.notes
    token = csrf_token(client, f"/passages/{passage.id}")
    url = f"/passages/{passage.id}/notes/{note.id}/edit"
    client.post(url, data={"csrf_token": token, "revision": "1", "text": "their words"})
    stale = client.post(url, data={"csrf_token": token, "revision": "1", "text": "my words"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Their version (now, revision 2)" in page
    assert '<pre class="version" tabindex="0">their words</pre>' in page
    assert re.search(r'aria-invalid="true">my words</textarea>', page)
    assert f'aria-describedby="note-text-{note.id}-error"' in page
    assert "Keep mine" in page and "Take theirs" in page
    assert '<input type="hidden" name="revision" value="2">' in page
    kept = client.post(url, data={"csrf_token": token, "revision": "2", "text": "my words"})
    assert kept.status_code == 303
    assert services.passages.get_note(note.id).text == "my words"


def test_a_stale_passage_edit_shows_both_versions(client: FlaskClient, services: Services) -> None:
    passage = services.passages.add("freeze2009", "Tanks rolled", locator=Locator("page", "4"))
    services.passages.edit(passage.id, text="Tanks rolled in, theirs")
    token = csrf_token(client, f"/passages/{passage.id}")
    stale = client.post(
        f"/passages/{passage.id}/edit",
        data={"csrf_token": token, "revision": "1", "text": "Mine", "label": "page",
              "locator": "5", "tags": "army"},
    )  # fmt: skip
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Their version (now, revision 2)" in page
    assert "Tanks rolled in, theirs" in page
    assert ">Mine</textarea>" in page and 'value="5"' in page and 'value="army"' in page
    assert '<div class="error-summary" role="alert"><p>Problem: <a href="#revision">' in page
    assert services.passages.get(passage.id).text == "Tanks rolled in, theirs"


def test_a_rejected_form_marks_its_field_and_keeps_what_was_typed(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks rolled")
    token = csrf_token(client, f"/passages/{passage.id}")
    refused = client.post(
        f"/passages/{passage.id}/edit",
        data={"csrf_token": token, "revision": "1", "text": "Still typed", "label": "page",
              "locator": "p4x2", "tags": "kept, tags"},
    )  # fmt: skip
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert re.search(
        r'<input id="locator" name="locator" value="p4x2" '
        r'aria-describedby="locator-error" aria-invalid="true">',
        page,
    )
    assert '<p class="field-error" id="locator-error">' in page
    assert '<div class="error-summary" role="alert"><p>Problem: <a href="#locator">' in page
    assert ">Still typed</textarea>" in page and 'value="kept, tags"' in page
    empty = client.post(f"/passages/{passage.id}/notes", data={"csrf_token": token, "text": " "})
    page = empty.get_data(as_text=True)
    assert 'aria-describedby="note-error" aria-invalid="true"' in page
    assert '<a href="#note">Write the note first.</a>' in page


def test_deleting_a_reference_offers_undo_that_brings_back_its_bibtex(
    client: FlaskClient, services: Services
) -> None:
    raw = services.refs.get("taubman2004").raw
    token = csrf_token(client, "/refs/taubman2004/delete")
    deleted = client.post(
        "/refs/taubman2004/delete", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert deleted.status_code == 303
    after = _page(client, "/refs")
    assert "Deleted the reference taubman2004." in after
    assert client.post(_undo_action(after), data={"csrf_token": token}).status_code == 303
    assert services.refs.get("taubman2004").raw.strip() == raw.strip()


def test_emptying_the_trash_asks_first_and_cannot_be_undone(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("linden1966", "A quote")
    services.passages.delete(passage.id)
    page = _page(client, "/trash")
    assert 'data-confirm="Empty the trash?"' in page
    token = csrf_token(client, "/trash")
    asked = client.post("/trash/empty", data={"csrf_token": token})
    assert asked.status_code == 200
    assert "Empty the trash?" in asked.get_data(as_text=True)
    assert len(services.trash.items()) == 1
    emptied = client.post("/trash/empty", data={"csrf_token": token, "confirmed": "yes"})
    assert emptied.status_code == 303
    assert services.trash.items() == []
    assert "Deleted 1 item for good." in _page(client, "/trash")


def test_deleting_a_passage_changed_since_the_page_was_drawn_is_refused(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks rolled")
    token = csrf_token(client, f"/passages/{passage.id}")
    services.passages.edit(passage.id, text="Tanks rolled in")
    refused = client.post(
        f"/passages/{passage.id}/delete",
        data={"csrf_token": token, "confirmed": "yes", "revision": "1"},
    )
    assert refused.status_code == 409
    assert "Not deleted: someone changed this passage" in refused.get_data(as_text=True)
    assert services.passages.get(passage.id).text == "Tanks rolled in"
    assert services.trash.items() == []


def test_editing_a_note_deleted_meanwhile_keeps_the_text_as_a_new_note(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks", notes=["original"])
    [note] = passage.notes
    token = csrf_token(client, f"/passages/{passage.id}")
    services.passages.delete_note(note.id)
    refused = client.post(
        f"/passages/{passage.id}/notes/{note.id}/edit",
        data={"csrf_token": token, "revision": "1", "text": "my careful words"},
    )
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "someone deleted this note while you were editing it" in page
    assert re.search(
        r'<textarea id="note" name="text"[^>]*aria-invalid="true">my careful words<', page
    )
    assert services.passages.get(passage.id).notes == ()


def test_writing_on_a_passage_deleted_meanwhile_keeps_what_was_typed(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks")
    token = csrf_token(client, f"/passages/{passage.id}")
    services.passages.delete(passage.id)
    for url, data in (
        (f"/passages/{passage.id}/notes", {"text": "a long note"}),
        (f"/passages/{passage.id}/edit", {"text": "a better quote", "revision": "1"}),
    ):
        refused = client.post(url, data={"csrf_token": token, **data})
        assert refused.status_code == 404
        page = refused.get_data(as_text=True)
        assert "Not saved: this passage was deleted" in page
        assert f"readonly>{data['text']}</textarea>" in page
