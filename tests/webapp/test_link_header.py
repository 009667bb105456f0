"""A page's `Link: <…>; rel="alternate"` header to its JSON twin stays one valid header,
whatever the query holds: the URL is percent-encoded, so `>`, `,`, `;`, quotes, line breaks
and non-ASCII letters can neither end the URL, start another link, nor add a header."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import create_app
from webapp.services import Services

DATA = Path(__file__).parent.parent / "data"

# RFC 8288: `<URI-Reference>` then parameters. Inside the brackets only the characters a
# URI may hold, minus the ones naive Link parsers split on (`,` between links, `;` before
# parameters) and the brackets themselves.
LINK = re.compile(
    r'<([A-Za-z0-9\-._~:/?#\[\]@!$&\'()*+=%]*)>; rel="alternate"; type="application/json"'
)


def _twin_url(header: str) -> str:
    found = LINK.fullmatch(header)
    assert found, f"not one well-formed link: {header!r}"
    return found.group(1)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("a>b", id="closing-bracket"),
        pytest.param("a,<https://evil.example/>; rel=preload", id="second-link"),
        pytest.param('x; rel="stylesheet"', id="parameter"),
        pytest.param("x\r\nSet-Cookie: evil=1", id="crlf"),
        pytest.param("x\nX-Injected: 1", id="lf"),
        pytest.param("Хрущёв «тезисы»", id="non-ascii"),
        pytest.param('"quoted" \\ back', id="quote-backslash"),
        pytest.param("a%2C%3Eb", id="percent-signs"),
    ],
)
def test_search_page_link_header_is_percent_encoded(client: FlaskClient, query: str) -> None:
    response = client.get("/", query_string={"q": query})
    assert response.status_code == 200
    headers = [name.lower() for name, _ in response.headers]
    assert "set-cookie" not in headers and "x-injected" not in headers
    url = _twin_url(response.headers["Link"])
    assert url.isascii()
    parts = urlsplit(url)
    assert parts.path == "/api/search"
    assert parse_qs(parts.query) == {"q": [query]}
    assert client.get(url).get_json()["query"] == query


def test_passage_page_link_header_names_its_twin(client: FlaskClient, services: Services) -> None:
    passage = services.passages.add("freeze2009", "Words")
    response = client.get(f"/passages/{passage.id}")
    assert _twin_url(response.headers["Link"]) == f"/api/passages/{passage.id}"


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """One app for the property test (Hypothesis runs many examples per fixture)."""
    library = shutil.copytree(DATA / "web_library", tmp_path_factory.mktemp("link") / "library")
    return create_app({"TESTING": True, "LIBRARY_DIR": Path(library)}).test_client()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_query_gives_one_well_formed_link_header(
    shared_client: FlaskClient, query: str
) -> None:
    response = shared_client.get("/", query_string={"q": query})
    assert response.status_code == 200
    url = _twin_url(response.headers["Link"])
    assert parse_qs(urlsplit(url).query).get("q", [""]) == [query or ""]
