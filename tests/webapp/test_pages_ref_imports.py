"""Adding references in the browser: pasting entries, importing a file, answering for the
entries held back as duplicates; through the CLI's import service, on the test library."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from annotations.model import Locator
from tests.webapp.conftest import DATA, csrf_token
from webapp.services import Services

# The web library's linden1966, pasted again under another citekey.
LINDEN_AGAIN = """@book{linden66,
  author = {Linden, Carl A.},
  title = {Khrushchev and the Soviet Leadership, 1957--1964},
  publisher = {Johns Hopkins Press},
  year = 1966,
}"""
NEW_BOOK = (
    "@book{khrushchev1970, author = {Khrushchev, Nikita}, title = {Khrushchev Remembers},"
    " publisher = {Little, Brown}, year = 1970}"
)


def _bib(library: Path) -> str:
    return (library / "references.bib").read_text(encoding="utf-8")


def _paste(client: FlaskClient, text: str, format_name: str = "auto") -> tuple[int, str, str]:
    token = csrf_token(client, "/refs")
    response = client.post(
        "/refs", data={"bibtex": text, "format": format_name, "csrf_token": token}
    )
    return (
        response.status_code,
        response.headers.get("Location", ""),
        response.get_data(as_text=True),
    )


def _held_bibtex(page: str) -> list[str]:
    return [html.unescape(value) for value in re.findall(r'name="bibtex" value="([^"]*)"', page)]


def test_pasted_bibtex_is_added_and_its_page_opens(client: FlaskClient, web_library: Path) -> None:
    status, location, _ = _paste(client, NEW_BOOK)
    assert (status, location) == (303, "/refs/khrushchev1970")
    assert _bib(web_library).endswith(NEW_BOOK + "\n")


def test_a_paste_sent_with_crlf_line_breaks_is_written_with_the_files_lf(
    client: FlaskClient, web_library: Path
) -> None:
    status, _, _ = _paste(client, NEW_BOOK.replace(", ", ",\r\n  "))
    assert status == 303
    assert b"\r" not in (web_library / "references.bib").read_bytes()


def test_the_same_book_under_a_new_citekey_is_held_beside_the_one_it_resembles(
    client: FlaskClient, web_library: Path
) -> None:
    before = _bib(web_library)
    status, _, page = _paste(client, LINDEN_AGAIN)
    assert status == 200
    assert _bib(web_library) == before  # nothing added without a word
    held = page[page.index("Possible duplicates") :]
    assert "linden1966" in held and "Johns Hopkins Press" in held  # the known entry, beside
    assert "Add anyway" in held and "Skip" in held
    [bibtex] = _held_bibtex(page)
    assert bibtex == LINDEN_AGAIN

    token = csrf_token(client, "/refs")
    skipped = client.post(
        "/refs/held", data={"bibtex": bibtex, "choice": "skip", "csrf_token": token}
    )
    assert (skipped.status_code, skipped.headers["Location"]) == (303, "/refs")
    assert _bib(web_library) == before

    added = client.post("/refs/held", data={"bibtex": bibtex, "choice": "add", "csrf_token": token})
    assert (added.status_code, added.headers["Location"]) == (303, "/refs/linden66")
    assert _bib(web_library) == before + "\n" + LINDEN_AGAIN + "\n"


@pytest.mark.parametrize(
    ("text", "format_name"),
    [
        pytest.param(
            "TY  - BOOK\nAU  - Khrushchev, Nikita\nTI  - Khrushchev Remembers\nPY  - 1970\n"
            "PB  - Little, Brown\nER  - \n",
            "auto",
            id="ris-detected",
        ),
        pytest.param(
            json.dumps(
                [
                    {
                        "id": "x1",
                        "type": "book",
                        "title": "Khrushchev Remembers",
                        "author": [{"family": "Khrushchev", "given": "Nikita"}],
                        "issued": {"date-parts": [[1970]]},
                    }
                ]
            ),
            "csljson",
            id="csljson-chosen",
        ),
    ],
)
def test_pasted_ris_and_csljson_become_entries(
    client: FlaskClient, services: Services, text: str, format_name: str
) -> None:
    status, location, _ = _paste(client, text, format_name)
    assert status == 303
    citekey = location.removeprefix("/refs/")
    services.refs.refresh()
    assert services.refs.get(citekey).text("title") == "Khrushchev Remembers"


def test_a_text_of_no_known_format_keeps_what_was_typed_and_marks_the_format(
    client: FlaskClient, web_library: Path
) -> None:
    before = _bib(web_library)
    status, _, page = _paste(client, "Khrushchev, Remembers, 1970")
    assert status == 400
    assert "Khrushchev, Remembers, 1970</textarea>" in page
    assert re.search(r'<select id="format"[^>]*aria-describedby="format-error" '
                     r'aria-invalid="true"[^>]* autofocus', page)  # fmt: skip
    assert 'id="format-error"' in page and "choose the format" in page
    assert _bib(web_library) == before


def test_one_broken_entry_adds_nothing_and_names_its_line(
    client: FlaskClient, web_library: Path
) -> None:
    before = _bib(web_library)
    typed = NEW_BOOK + "\n\n@book{broken, title = {Unclosed}\n"
    status, _, page = _paste(client, typed)
    assert status == 400
    assert "pasted text:3" in page
    assert html.escape(typed, quote=False) + "</textarea>" in page
    assert 'id="bibtex-error"' in page
    assert _bib(web_library) == before


def _upload(
    client: FlaskClient, name: str, data: bytes, format_name: str = "auto"
) -> tuple[int, str]:
    token = csrf_token(client, "/import")
    response = client.post(
        "/import",
        data={"file": (io.BytesIO(data), name), "format": format_name, "csrf_token": token},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_an_imported_file_is_reported_added_held_and_skipped_by_line(
    client: FlaskClient, web_library: Path
) -> None:
    wild = (DATA / "wild" / "xampl.bib").read_text(encoding="utf-8")
    upload = f"{LINDEN_AGAIN}\n\n{NEW_BOOK}\n\n@book{{broken, title = {{Unclosed}}\n\n{wild}"
    status, page = _upload(client, "mine.bib", upload.encode())
    assert status == 200
    assert "Import report" in page
    added = page[page.index("Added (") : page.index("Possible duplicates")]
    assert "khrushchev1970" in added and "whole-journal" in added  # ours and xampl.bib's
    held = page[page.index("Possible duplicates (") : page.index("Skipped (")]
    assert "The same work as <code>linden1966</code>" in held and "(mine.bib:1)" in held
    # xampl.bib's full entries repeat its minimal ones: the same works, held back too.
    assert "The same work as <code>mastersthesis-minimal</code>" in held
    skipped = page[page.index("Skipped (") :]
    assert "mine.bib:10: could not parse" in skipped  # the unclosed entry, by its line
    text = _bib(web_library)
    assert "@book{khrushchev1970" in text and "linden66" not in text


def test_a_w3c_export_imported_in_the_browser_brings_its_passage_back(
    client: FlaskClient, services: Services
) -> None:
    passage = services.passages.add(
        "freeze2009", "The tanks stayed.", locator=Locator("page", "12")
    )
    exported = client.get("/api/export?format=w3c&keys=freeze2009").get_data()
    services.passages.delete(passage.id)
    status, page = _upload(client, "annotations.json", exported)
    assert status == 200
    assert "W3C Web Annotation" in page and "Added (1)" in page
    assert [found.text for found in services.passages.passages("freeze2009")] == [
        "The tanks stayed."
    ]


def test_a_hypothesis_export_matching_no_reference_is_skipped_with_reasons(
    client: FlaskClient,
) -> None:
    status, page = _upload(client, "export.json", (DATA / "hypothesis_export.json").read_bytes())
    assert status == 200
    assert "Hypothes.is export" in page and "Added (0)" in page
    assert "matches no reference" in page


def test_an_upload_that_is_not_text_is_refused_at_the_file_input(client: FlaskClient) -> None:
    status, page = _upload(client, "photo.ris", b"TY  - BOOK\n\x00\x01")
    assert status == 400
    assert "photo.ris:2: holds a NUL byte" in page
    assert re.search(r'<input id="file"[^>]*aria-invalid="true"[^>]* autofocus', page)


def test_an_import_without_a_file_asks_for_one(client: FlaskClient) -> None:
    token = csrf_token(client, "/import")
    response = client.post("/import", data={"format": "auto", "csrf_token": token})
    assert response.status_code == 400
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_a_script_asking_for_progress_gets_each_step_then_the_report(
    client: FlaskClient,
) -> None:
    token = csrf_token(client, "/import")
    response = client.post(
        "/import",
        data={
            "file": (io.BytesIO((DATA / "wild" / "xampl.bib").read_bytes()), "xampl.bib"),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
        headers={"Accept": "application/x-ndjson"},
    )
    assert response.mimetype == "application/x-ndjson"
    *steps, last = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert {"stage": "checking", "done": 36, "total": 36} in steps  # xampl.bib's 36 entries
    assert steps[-1]["stage"] == "writing" and steps[-1]["done"] == steps[-1]["total"]
    assert last["status"] == 200 and "Import report" in last["html"]
