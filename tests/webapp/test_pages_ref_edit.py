"""Editing and deleting a reference in the browser: the .bib on disk, every other entry
byte for byte; problems shown at their fields with what was typed kept."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from annotations.model import Locator
from tests.webapp.conftest import csrf_token
from webapp.services import Services


def _form(client: FlaskClient, citekey: str) -> dict[str, str]:
    """The edit form's inputs as the page fills them in."""
    page = client.get(f"/refs/{citekey}/edit").get_data(as_text=True)
    values = dict(re.findall(r'<input[^>]* name="([^"]+)" value="([^"]*)"', page))
    values.update(re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>([^<]*)</textarea>', page))
    return values


def _field_input(client: FlaskClient, citekey: str, field: str) -> str:
    page = client.get(f"/refs/{citekey}/edit").get_data(as_text=True)
    found = re.search(rf'<label for="(field-\d+)">{field}</label>', page)
    assert found, f"no input for {field}"
    return found.group(1)


def test_editing_a_field_changes_only_that_entry_on_disk(
    client: FlaskClient, web_library: Path
) -> None:
    bib = web_library / "references.bib"
    before = bib.read_text(encoding="utf-8")
    form = _form(client, "freeze2009")
    form[_field_input(client, "freeze2009", "year")] = "2010"
    form["new-0-name"], form["new-0"] = "pages", "12--30"
    response = client.post("/refs/freeze2009/edit", data=form)
    assert (response.status_code, response.headers["Location"]) == (303, "/refs/freeze2009")
    after = bib.read_text(encoding="utf-8")
    assert "  year = {2010},\n" in after and "pages = {12--30}" in after
    changed = before.index("@article{freeze2009"), before.index("@book{taubman2004")
    assert after[: changed[0]] == before[: changed[0]]  # the entries before, untouched
    assert after.endswith(before[changed[1] :])  # and those after


def test_a_value_of_several_lines_sent_back_as_crlf_is_left_as_it_was(
    client: FlaskClient, services: Services, web_library: Path
) -> None:
    services.refs.add("@book{memo1957,\n  title = {On the Army},\n  abstract = {One.\n  Two.},\n}")
    bib = web_library / "references.bib"
    before = bib.read_bytes()
    form = _form(client, "memo1957")
    abstract = _field_input(client, "memo1957", "abstract")
    assert form[abstract] == "One.\n  Two."
    form[abstract] = form[abstract].replace("\n", "\r\n")  # as a browser sends a text area
    form["new-0-name"], form["new-0"] = "year", "1957"
    assert client.post("/refs/memo1957/edit", data=form).status_code == 303
    after = bib.read_bytes()
    assert b"abstract = {One.\n  Two.}," in after and b"\r" not in after
    assert after.replace(b"  year = {1957},\n", b"") == before


def test_bad_fields_are_all_shown_at_their_inputs_and_nothing_is_written(
    client: FlaskClient, web_library: Path
) -> None:
    bib = web_library / "references.bib"
    before = bib.read_bytes()
    year, title = (_field_input(client, "freeze2009", name) for name in ("year", "title"))
    form = _form(client, "freeze2009")
    form[year], form[title] = "l957", "Zhukov {and the Tanks"
    response = client.post("/refs/freeze2009/edit", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert bib.read_bytes() == before
    assert f'id="{title}" name="{title}" value="Zhukov {{and the Tanks" aria-invalid="true" ' \
           f'aria-describedby="{title}-error"' in page  # fmt: skip
    assert f'id="{year}" name="{year}" value="l957" aria-invalid="true"' in page
    assert re.search(rf'<p class="field-error" id="{year}-error">expected a year like 1957', page)
    assert "unbalanced braces" in page
    assert 'role="alert"' in page and f'href="#{title}"' in page  # a summary linking each
    assert len(re.findall(r" autofocus", page)) == 1  # focus on the first field at fault


def test_a_new_field_with_a_bad_name_is_marked_at_its_name(
    client: FlaskClient, web_library: Path
) -> None:
    before = (web_library / "references.bib").read_bytes()
    form = _form(client, "freeze2009")
    form["new-0-name"], form["new-0"] = "page range", "12--30"
    form["new-1-name"], form["new-1"] = "", "orphan value"
    response = client.post("/refs/freeze2009/edit", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for number in (0, 1):
        assert re.search(rf'id="new-{number}-name"[^>]*aria-invalid="true" '
                         rf'aria-describedby="new-{number}-name-error"', page)  # fmt: skip
    assert 'value="page range"' in page and 'value="orphan value"' in page
    assert (web_library / "references.bib").read_bytes() == before


def test_removing_a_required_field_is_refused_but_an_old_lack_is_not(
    client: FlaskClient, services: Services, web_library: Path
) -> None:
    form = _form(client, "freeze2009")
    form[_field_input(client, "freeze2009", "journal")] = ""
    response = client.post("/refs/freeze2009/edit", data=form)
    assert response.status_code == 400
    assert "is missing journaltitle or journal" in response.get_data(as_text=True)
    # evil2020 (a @misc) lacks nothing; linden1966 is fine: a note can be added to it.
    form = _form(client, "linden1966")
    form["new-0-name"], form["new-0"] = "note", "Read in the 1966 printing."
    assert client.post("/refs/linden1966/edit", data=form).status_code == 303


def test_an_edit_of_an_entry_changed_meanwhile_is_refused_with_both_shown(
    client: FlaskClient, web_library: Path
) -> None:
    form = _form(client, "freeze2009")
    bib = web_library / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("year = 2009", "year = 2011"))
    form[_field_input(client, "freeze2009", "title")] = "Mine"
    response = client.post("/refs/freeze2009/edit", data=form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "changed since this form was opened" in page and "year = 2011" in page
    assert 'value="Mine"' in page
    assert "Mine" not in bib.read_text(encoding="utf-8")


def test_delete_asks_first_then_keeps_the_passages_when_asked(
    client: FlaskClient, services: Services, web_library: Path
) -> None:
    services.passages.add("freeze2009", "The tanks stayed.", locator=Locator("page", "12"))
    page = client.get("/refs/freeze2009").get_data(as_text=True)
    assert 'data-confirm="Delete the reference freeze2009?"' in page  # the dialog asks
    token = csrf_token(client, "/refs/freeze2009")
    # Sent without the dialog's confirmation (no JavaScript): a page asks first.
    asked = client.post("/refs/freeze2009/delete", data={"passages": "keep", "csrf_token": token})
    assert asked.status_code == 200
    assert "It has 1 passage" in asked.get_data(as_text=True)
    assert "@article{freeze2009" in (web_library / "references.bib").read_text(encoding="utf-8")
    unanswered = client.post(
        "/refs/freeze2009/delete", data={"confirmed": "yes", "csrf_token": token}
    )
    assert unanswered.status_code == 400
    response = client.post(
        "/refs/freeze2009/delete",
        data={"passages": "keep", "confirmed": "yes", "csrf_token": token},
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/refs")
    services.refs.refresh()
    assert "freeze2009" not in services.refs
    assert [passage.text for passage in services.passage_store.passages("freeze2009")] == [
        "The tanks stayed."
    ]


def test_delete_removes_the_passages_when_asked(
    client: FlaskClient, services: Services, web_library: Path
) -> None:
    services.passages.add("linden1966", "A quote.", locator=Locator("page", "3"))
    token = csrf_token(client, "/refs/linden1966/delete")
    response = client.post(
        "/refs/linden1966/delete",
        data={"passages": "delete", "confirmed": "yes", "csrf_token": token},
    )
    assert response.status_code == 303
    assert "linden1966" not in (web_library / "references.bib").read_text(encoding="utf-8")
    assert services.passage_store.passages("linden1966") == []
