"""Every API error is `{"error": "...", "field": ...}` with a 4xx status, never HTML."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from webapp import create_app
from webapp.services import Services


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        pytest.param("GET", "/api/nowhere", None, 404, None, id="unknown-route"),
        pytest.param("DELETE", "/api/refs", None, 405, None, id="wrong-method"),
        pytest.param("GET", "/api/refs/nobody", None, 404, "citekey", id="unknown-citekey"),
        pytest.param("GET", "/api/refs?limit=x", None, 400, "limit", id="bad-limit"),
        pytest.param("GET", "/api/search?q=a&offset=-1", None, 400, "offset", id="bad-offset"),
        pytest.param("GET", "/api/passages/P404", None, 404, "id", id="unknown-passage"),
        pytest.param(
            "GET", "/api/passages?citekey=nobody", None, 404, "citekey", id="list-of-unknown"
        ),
        pytest.param("POST", "/api/passages", [1, 2], 400, None, id="body-not-object"),
        pytest.param("POST", "/api/passages", {"text": "x"}, 400, "citekey", id="no-citekey"),
        pytest.param(
            "POST",
            "/api/passages",
            {"citekey": "linden1966", "text": " "},
            400,
            "text",
            id="blank-text",
        ),
        pytest.param(
            "POST",
            "/api/passages",
            {"citekey": "nobody", "text": "x"},
            404,
            "citekey",
            id="passage-for-unknown-citekey",
        ),
        pytest.param(
            "POST",
            "/api/passages",
            {"citekey": "linden1966", "text": "x", "locator": {"label": "leaf", "value": "1"}},
            400,
            "locator.label",
            id="bad-locator-label",
        ),
        pytest.param(
            "POST",
            "/api/passages",
            {"citekey": "linden1966", "text": "x", "tags": ["ok", 3]},
            400,
            "tags.1",
            id="bad-tag",
        ),
        pytest.param(
            "POST",
            "/api/passages",
            {
                "citekey": "linden1966",
                "text": "x",
                "anchor": {
                    "source": "a.txt",
                    "quote": {"exact": "x"},
                    "position": {"start": 5, "end": 1},
                },
            },
            400,
            "anchor.position",
            id="bad-anchor",
        ),
        pytest.param("PATCH", "/api/passages/P404", {"text": "x"}, 404, "id", id="patch-unknown"),
        pytest.param(
            "POST",
            "/api/passages/P404/notes",
            {"text": "x"},
            404,
            "id",
            id="note-on-unknown-passage",
        ),
        pytest.param("PATCH", "/api/notes/N404", {"text": "x"}, 404, "id", id="unknown-note"),
        pytest.param("PATCH", "/api/notes/N404", {}, 400, "text", id="note-without-text"),
        pytest.param(
            "GET", "/api/refs/linden1966/citation?mode=poem", None, 400, "mode", id="bad-mode"
        ),
        pytest.param(
            "GET",
            "/api/refs/linden1966/citation?locator=3&label=leaf",
            None,
            400,
            "label",
            id="bad-label",
        ),
        pytest.param("GET", "/api/export?format=pdf", None, 400, "format", id="bad-format"),
        pytest.param("GET", "/api/export?keys=nobody", None, 404, "citekey", id="export-unknown"),
    ],
)
def test_api_error_has_the_contract_shape(
    client: FlaskClient,
    method: str,
    path: str,
    body: object,
    status: int,
    field: str | None,
) -> None:
    response = client.open(path, method=method, json=body)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert set(document) == {"error", "field"}
    assert isinstance(document["error"], str) and document["error"]
    assert document["field"] == field


@pytest.mark.parametrize("path", ["/api/refs/linden1966/citation", "/api/export"])
def test_missing_service_is_503_in_the_contract_shape(services: Services, path: str) -> None:
    services.citations = None
    services.exports = None
    client = create_app({"TESTING": True, "SERVICES": services}).test_client()
    response = client.get(path)
    assert response.status_code == 503
    assert set(response.get_json()) == {"error", "field"}


@pytest.mark.parametrize(
    ("path", "status"), [("/nowhere", 404), ("/refs/nobody", 404), ("/passages/P404", 404)]
)
def test_page_errors_are_friendly_html(client: FlaskClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "Back to search" in response.get_data(as_text=True)


def test_unexpected_exception_is_500_json_without_details(services: Services) -> None:
    class Broken:
        def search(self, query: str, *, limit: int = 20, offset: int = 0) -> dict[str, object]:
            raise RuntimeError("secret internals")

    services.search = Broken()
    app = create_app({"TESTING": False, "SERVICES": services})
    response = app.test_client().get("/api/search?q=x")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert set(response.get_json()) == {"error", "field"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/api/passages", id="add"),
        pytest.param("PATCH", "/api/passages/P1", id="edit"),
        pytest.param("POST", "/api/passages/P1/notes", id="add-note"),
        pytest.param("PATCH", "/api/notes/N1", id="edit-note"),
    ],
)
def test_body_over_the_configured_limit_is_413_json(
    services: Services, monkeypatch: pytest.MonkeyPatch, method: str, path: str
) -> None:
    monkeypatch.setenv("FLORILEGIUM_MAX_CONTENT_LENGTH", "500")
    client = create_app({"TESTING": True, "SERVICES": services}).test_client()
    response = client.open(path, method=method, json={"citekey": "linden1966", "text": "x" * 600})
    assert response.status_code == 413
    assert response.mimetype == "application/json"
    assert set(response.get_json()) == {"error", "field"}
    assert services.passages.passages() == []
