"""Citations and exports through the API: works told apart, works a style leaves out."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from webapp.services import Services

MEMO = "@misc{zhukov1957memo, author = {Zhukov, Georgy K.}, title = {On the Army}, date = {1957}}\n"
GHOST = "@book{taubman1957, author = {Taubman, William}, title = {Notes}, date = {2004}}\n"
MEMO_REASON = (
    "chicago-notes-bibliography prints items of type document (@misc) without an archive, "
    "archive place, container title, DOI, number, publisher, references or URL in notes only; "
    "add `publisher`, `howpublished`, `url` or `doi` to include it"
)


@pytest.fixture
def with_memo(services: Services) -> Services:
    services.refs.add(MEMO)
    return services


@pytest.mark.parametrize("output", ["text", "html"])
def test_a_bibliography_entry_the_style_leaves_out_answers_200_with_the_reason(
    client: FlaskClient, with_memo: Services, output: str
) -> None:
    response = client.get(
        f"/api/refs/zhukov1957memo/citation?style=chicago&mode=bibliography&format={output}"
    )
    assert response.status_code == 200
    assert response.get_json() == {output: "", "omitted": MEMO_REASON}


def test_its_note_is_still_printed(client: FlaskClient, with_memo: Services) -> None:
    response = client.get("/api/refs/zhukov1957memo/citation?style=chicago&mode=note")
    assert response.get_json() == {"text": "Georgy K. Zhukov, “On the Army,” 1957."}


def test_a_citation_is_told_apart_from_the_librarys_other_works(
    client: FlaskClient, services: Services
) -> None:
    services.refs.add(GHOST)
    response = client.get("/api/refs/taubman2004/citation?style=apa&mode=citation")
    assert response.get_json() == {"text": "(Taubman, 2004a)"}
    response = client.get("/api/refs/taubman2004/citation?style=apa")
    assert response.get_json()["text"].startswith("Taubman, W. (2004a). ")


def test_export_as_json_names_the_works_left_out(client: FlaskClient, with_memo: Services) -> None:
    response = client.get(
        "/api/export?keys=linden1966,zhukov1957memo&format=text&style=chicago",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    document = response.get_json()
    assert document["format"] == "text"
    assert document["text"].startswith("Linden, Carl A. Khrushchev")
    assert len(document["text"].splitlines()) == 1
    assert document["omitted"] == [{"citekey": "zhukov1957memo", "reason": MEMO_REASON}]


def test_export_is_a_download_unless_json_is_preferred(
    client: FlaskClient, with_memo: Services
) -> None:
    response = client.get("/api/export?format=text&style=chicago", headers={"Accept": "*/*"})
    assert response.mimetype == "text/plain"
    assert "attachment" in response.headers["Content-Disposition"]
