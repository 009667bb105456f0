"""The HTML pages: what they show, their JSON twins, and their forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from annotations.model import Anchor, Locator, TextPositionSelector, TextQuoteSelector
from tests.webapp.conftest import csrf_token
from webapp.services import Services


def _text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _row_order(page: str) -> list[str]:
    return re.findall(r'<tr data-citekey="([^"]+)"', page)


def test_refs_list_links_its_json_twin(client: FlaskClient) -> None:
    response = client.get("/refs")
    assert response.headers["Link"] == '</api/refs>; rel="alternate"; type="application/json"'
    assert '<link rel="alternate" type="application/json" href="/api/refs">' in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("query", "order"),
    [
        pytest.param("", ["evil2020", "freeze2009", "linden1966", "taubman2004"], id="citekey"),
        pytest.param(
            "?sort=year", ["linden1966", "taubman2004", "freeze2009", "evil2020"], id="year"
        ),
        pytest.param(
            "?sort=authors", ["freeze2009", "linden1966", "evil2020", "taubman2004"], id="authors"
        ),
        pytest.param("?q=khrushchev", ["linden1966", "taubman2004"], id="filter"),
        pytest.param("?q=KHRUSHCHEV&sort=year", ["linden1966", "taubman2004"], id="filter-sort"),
    ],
)
def test_refs_list_sorts_and_filters_by_query_args(
    client: FlaskClient, query: str, order: list[str]
) -> None:
    assert _row_order(_text(client, f"/refs{query}")) == order


def test_rejected_bibtex_is_shown_again_with_the_message(
    client: FlaskClient, web_library: Path
) -> None:
    before = (web_library / "references.bib").read_bytes()
    token = csrf_token(client, "/refs")
    typed = "@misc{linden1966, title={Again}}"
    response = client.post("/refs", data={"bibtex": typed, "csrf_token": token})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "already exists" in page
    assert "@misc{linden1966, title={Again}}</textarea>" in page
    assert (web_library / "references.bib").read_bytes() == before


def test_an_over_long_field_is_refused_and_nothing_is_stored(
    client: FlaskClient, web_library: Path
) -> None:
    before = (web_library / "references.bib").read_bytes()
    token = csrf_token(client, "/refs")
    typed = "@misc{huge2024, title={" + "x" * 100_001 + "}}"
    response = client.post("/refs", data={"bibtex": typed, "csrf_token": token})
    assert response.status_code == 400
    assert "field &#39;title&#39;: 100,001 characters" in response.get_data(as_text=True)
    assert (web_library / "references.bib").read_bytes() == before


def test_reference_page_shows_fields_bibtex_and_formatted_entry(client: FlaskClient) -> None:
    response = client.get("/refs/freeze2009?style=apa")
    page = response.get_data(as_text=True)
    assert response.headers["Link"].startswith("</api/refs/freeze2009>")
    assert "<dt>journal</dt>" in page and "Slavic Review" in page
    assert "@article{freeze2009," in page  # the raw BibTeX
    assert (
        '<div class="formatted-entry">Freeze, G. L. (2009). Zhukov and the Tanks of June. '
        "<i>Slavic Review</i>. https://doi.org/10.2307/example</div>"
    ) in page
    assert 'href="https://doi.org/10.2307/example"' in page


def test_reference_page_lists_its_passages_in_locator_order(
    client: FlaskClient, services: Services
) -> None:
    services.passages.add("freeze2009", "Second quote", locator=Locator("page", "20"))
    services.passages.add("freeze2009", "First quote", locator=Locator("page", "10"))
    services.passages.add("linden1966", "Other work")
    page = _text(client, "/refs/freeze2009")
    assert page.index("First quote") < page.index("Second quote")
    assert "Other work" not in page


def test_passage_form_adds_a_passage_or_keeps_what_was_typed(
    client: FlaskClient, services: Services
) -> None:
    token = csrf_token(client, "/refs/linden1966")
    rejected = client.post(
        "/refs/linden1966/passages",
        data={"text": "  ", "locator": "12", "tags": "army, plenum", "csrf_token": token},
    )
    assert rejected.status_code == 400
    page = rejected.get_data(as_text=True)
    assert 'id="text-error"' in page and 'value="army, plenum"' in page
    assert services.passages.passages() == []
    added = client.post(
        "/refs/linden1966/passages",
        data={
            "text": "The plenum",
            "label": "page",
            "locator": "12",
            "tags": "army, plenum",
            "csrf_token": token,
        },
    )
    assert added.status_code == 303
    [passage] = services.passages.passages()
    assert (passage.text, passage.locator, passage.tags) == (
        "The plenum",
        Locator("page", "12"),
        ("army", "plenum"),
    )
    assert added.headers["Location"] == f"/passages/{passage.id}"


def test_passage_page_renders_notes_from_markdown_and_its_forms_work(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks rolled", locator=Locator("page", "422"))
    token = csrf_token(client, f"/passages/{passage.id}")
    client.post(
        f"/passages/{passage.id}/notes", data={"text": "**bold** claim", "csrf_token": token}
    )
    page = _text(client, f"/passages/{passage.id}")
    assert "<strong>bold</strong> claim" in page
    assert "Quote with citation" in page
    assert "[@freeze2009, p. 422]" in page  # pandoc's Markdown, ready to copy
    assert "Freeze, “Zhukov and the Tanks of June” (2009), p. 422" in page
    [note] = services.passages.get(passage.id).notes
    client.post(
        f"/passages/{passage.id}/notes/{note.id}/edit",
        data={"text": "changed", "csrf_token": token},
    )
    assert services.passages.get(passage.id).notes[0].text == "changed"
    client.post(
        f"/passages/{passage.id}/notes/{note.id}/delete",
        data={"csrf_token": token, "confirmed": "yes"},
    )
    assert services.passages.get(passage.id).notes == ()
    client.post(
        f"/passages/{passage.id}/edit",
        data={
            "text": "Tanks rolled in",
            "label": "page",
            "locator": "423",
            "tags": "",
            "csrf_token": token,
        },
    )
    assert services.passages.get(passage.id).locator == Locator("page", "423")
    deleted = client.post(
        f"/passages/{passage.id}/delete", data={"csrf_token": token, "confirmed": "yes"}
    )
    assert deleted.headers["Location"] == "/refs/freeze2009"
    assert services.passages.passages() == []


def test_empty_note_is_refused_and_nothing_is_added(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks")
    token = csrf_token(client, f"/passages/{passage.id}")
    response = client.post(f"/passages/{passage.id}/notes", data={"text": " ", "csrf_token": token})
    assert response.status_code == 400
    assert "Write the note first." in response.get_data(as_text=True)
    assert services.passages.get(passage.id).notes == ()


def test_search_page_answers_a_bookmarked_query_on_the_server(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Zhukov moved the tanks")
    response = client.get("/?q=zhukov")
    page = response.get_data(as_text=True)
    assert 'value="zhukov"' in page
    assert "<mark>Zhukov</mark> moved the tanks" in page
    assert f'href="/passages/{passage.id}"' in page
    assert (
        response.headers["Link"]
        == '</api/search?q=zhukov>; rel="alternate"; type="application/json"'
    )


def test_source_reader_highlights_anchored_passages(
    client: FlaskClient, services: Services
) -> None:
    text = (Path(services.library_dir) / "sources" / "taubman2004.txt").read_text(encoding="utf-8")
    exact = "Marshal Zhukov's planes"
    start = text.index(exact)
    anchor = Anchor(
        source="taubman2004.txt",
        quote=TextQuoteSelector(exact=exact),
        position=TextPositionSelector(start, start + len(exact)),
    )
    passage = services.passages.add("taubman2004", exact, anchor=anchor)
    page = _text(client, "/sources/taubman2004")
    assert (
        f'<mark id="passage-{passage.id}" data-passages="{passage.id}">'
        f'<a href="#passage-{passage.id}" draggable="false">{exact}</a></mark>'
        in page.replace("&#39;", "'")
    )


@pytest.mark.parametrize(
    "name", ["..%2F..%2Fetc%2Fpasswd", "..", "%2Fetc%2Fpasswd", "taubman2004.txt", "nothing"]
)
def test_source_names_cannot_leave_the_sources_folder(client: FlaskClient, name: str) -> None:
    assert client.get(f"/sources/{name}").status_code == 404


def test_export_page_lists_references_formats_and_styles(client: FlaskClient) -> None:
    page = _text(client, "/export")
    assert 'action="/api/export"' in page
    assert 'value="linden1966"' in page
    assert '<option value="csljson">' in page and '<option value="apa">' in page


def test_passage_form_from_a_stale_revision_is_409_and_keeps_what_was_typed(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks", locator=Locator("page", "4"))
    token = csrf_token(client, f"/passages/{passage.id}")
    services.passages.edit(passage.id, tags=["elsewhere"])
    form = {"text": "Tanks <b>rolled</b>", "label": "page", "locator": "5", "tags": "mine"}
    response = client.post(
        f"/passages/{passage.id}/edit", data={**form, "revision": "1", "csrf_token": token}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "someone changed this passage" in page
    assert "Tanks &lt;b&gt;rolled&lt;/b&gt;</textarea>" in page
    assert 'name="revision" value="2"' in page  # saving again is a deliberate overwrite
    stored = services.passages.get(passage.id)
    assert (stored.text, stored.tags, stored.revision) == ("Tanks", ("elsewhere",), 2)


def test_passage_form_with_a_bad_page_names_the_locator_field(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add("freeze2009", "Tanks")
    token = csrf_token(client, f"/passages/{passage.id}")
    response = client.post(
        f"/passages/{passage.id}/edit",
        data={"text": "Tanks", "label": "page", "locator": "p4x2", "revision": "1",
              "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="locator-error"' in page and "p4x2" in page
    assert services.passages.get(passage.id).revision == 1


def test_bib_file_edited_by_hand_shows_on_the_next_request(
    client: FlaskClient, web_library: Path
) -> None:
    assert "Zhukov and the Tanks of June" in client.get("/refs/freeze2009").get_data(as_text=True)
    bib = web_library / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(
        text.replace("Zhukov and the Tanks of June", "The Tanks of June, Revised")
        + "\n@book{added1999, title = {Added By Hand}}\n",
        encoding="utf-8",
    )
    page = client.get("/refs/freeze2009").get_data(as_text=True)
    assert "The Tanks of June, Revised" in page and "Zhukov and the Tanks" not in page
    assert client.get("/api/refs/added1999").get_json()["fields"]["title"] == "Added By Hand"


def test_reference_page_says_why_the_style_prints_no_entry(
    client: FlaskClient, services: Services
) -> None:
    services.refs.add("@misc{memo1957, author = {Zhukov, Georgy K.}, title = {On the Army}}\n")
    page = _text(client, "/refs/memo1957?style=chicago").replace("&#96;", "`")
    assert '<div class="formatted-entry">' not in page
    assert (
        "No bibliography entry: chicago-notes-bibliography prints items of type document (@misc)"
        in page
    )
    assert "add `publisher`, `howpublished`, `url` or `doi` to include it." in page


def test_reader_links_every_passage_even_one_starting_at_a_page_break(
    client: FlaskClient, services: Services
) -> None:
    source = Path(services.library_dir) / "sources" / "taubman2004.txt"
    source.write_text("Page one.\fPage two starts here.", encoding="utf-8")
    selection = {
        "source": "taubman2004.txt",
        "quote": {"exact": "\fPage two"},
        "position": {"start": 9, "end": 18},
    }
    created = client.post(
        "/api/passages", json={"citekey": "taubman2004", "text": "\fPage two", "anchor": selection}
    )
    assert created.status_code == 201
    passage_id = created.get_json()["id"]
    page = _text(client, "/sources/taubman2004")
    assert f'<span id="passage-{passage_id}"></span><span class="page-break"' in page
    assert 'data-page="p. 2">\f</span>' in page
    assert created.get_json()["locator"] == {"label": "page", "value": "2"}


def test_reader_panel_links_the_passages_sharing_words(
    client: FlaskClient, services: Services
) -> None:
    first = services.passages.add("taubman2004", "Marshal Zhukov's planes")
    second = services.passages.add("taubman2004", "Zhukov's planes")
    page = _text(client, "/sources/taubman2004").replace("&#39;", "'")
    panel = page[page.index(f'id="panel-{first.id}"') :]
    panel = panel[: panel.index("</section>")]
    assert "Sharing words with it" in panel
    assert f'<a href="#passage-{second.id}">Zhukov\'s planes</a>' in panel
