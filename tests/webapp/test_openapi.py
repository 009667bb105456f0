"""The OpenAPI document describes exactly the API routes there are, in valid OpenAPI 3.1."""

from __future__ import annotations

import re

import jsonschema
from flask import Flask
from flask.testing import FlaskClient

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        found |= {
            (path, method.lower()) for method in rule.methods or () if method not in IGNORED_METHODS
        }
    return found


def _documented(document: dict[str, object]) -> set[tuple[str, str]]:
    paths = document["paths"]
    assert isinstance(paths, dict)
    return {(path, method) for path, item in paths.items() for method in item}


def test_every_api_route_is_documented_and_every_documented_path_exists(
    app: Flask, client: FlaskClient
) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert _documented(document) == _routes(app)


def test_documented_path_parameters_match_the_route(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    for path, item in document["paths"].items():
        in_path = set(re.findall(r"{([^}]+)}", path))
        for operation in item.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, path


def test_every_operation_documents_the_error_shape(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    for path, item in document["paths"].items():
        if path == "/api/openapi.json":
            continue
        for method, operation in item.items():
            errors = [code for code in operation["responses"] if code.startswith("4")]
            assert "400" in errors, (path, method)
            for code in errors:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}


def _validator(document: dict[str, object], name: str) -> jsonschema.Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_responses_match_their_documented_schemas(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    created = client.post(
        "/api/passages",
        json={"citekey": "linden1966", "text": "x", "locator": {"label": "page", "value": "3"}},
    ).get_json()
    _validator(document, "Passage").validate(created)
    _validator(document, "Reference").validate(client.get("/api/refs/linden1966").get_json())
    for row in client.get("/api/refs").get_json():
        _validator(document, "ReferenceSummary").validate(row)
    _validator(document, "SearchResults").validate(client.get("/api/search?q=x").get_json())
    _validator(document, "Error").validate(client.get("/api/refs/nobody").get_json())
    _validator(document, "Note").validate(
        client.post(f"/api/passages/{created['id']}/notes", json={"text": "n"}).get_json()
    )


def test_deletes_answer_the_documented_status_and_schema(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    passage = client.post("/api/passages", json={"citekey": "linden1966", "text": "x"}).get_json()
    note = client.post(f"/api/passages/{passage['id']}/notes", json={"text": "n"}).get_json()
    for path, url, schema in [
        ("/api/notes/{note_id}", f"/api/notes/{note['id']}", "Note"),
        ("/api/passages/{passage_id}", f"/api/passages/{passage['id']}", "Passage"),
    ]:
        response = client.delete(url, content_type="application/json")
        documented = document["paths"][path]["delete"]["responses"]
        assert [code for code in documented if code.startswith("2")] == [str(response.status_code)]
        _validator(document, schema).validate(response.get_json())
        assert client.delete(url, content_type="application/json").status_code == 404
