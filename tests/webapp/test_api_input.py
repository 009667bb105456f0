"""What a request may carry: JSON bodies nested at most `MAX_JSON_DEPTH` deep, with no
repeated keys, no numbers too long to read and no NaN, and no NUL or lone surrogate in any
text (body strings, query arguments, form fields). Anything else is a 400 naming the field
and stores nothing; a search query with odd characters is searched as plain words."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.webapp.conftest import csrf_token
from webapp.cli import cli
from webapp.jsonbody import MAX_JSON_DEPTH
from webapp.services import Services


def _snapshot(library: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(library)): path.read_bytes()
        for path in sorted(library.rglob("*"))
        if path.is_file() and ".index" not in path.parts and not path.name.endswith(".lock")
    }


@pytest.fixture
def ids(services: Services) -> dict[str, str]:
    """A passage with a note, for the routes that change one."""
    passage = services.passages.add("linden1966", "Words.")
    note = services.passages.add_note(passage.id, "A note.")
    return {"passage": passage.id, "note": note.id}


Send = Callable[[str, str, str], TestResponse]


@pytest.fixture
def send(client: FlaskClient, ids: dict[str, str]) -> Send:
    """Sends a raw JSON text to a route with `{passage}` and `{note}` filled in."""

    def send_raw(method: str, path: str, body: str) -> TestResponse:
        url = path.format(**ids)
        return client.open(url, method=method, data=body, content_type="application/json")

    return send_raw


WRITE_ROUTES = [
    pytest.param("POST", "/api/passages", id="add"),
    pytest.param("PATCH", "/api/passages/{passage}", id="edit"),
    pytest.param("POST", "/api/passages/{passage}/notes", id="add-note"),
    pytest.param("PATCH", "/api/notes/{note}", id="edit-note"),
]


def _refused(response: TestResponse, field: str | None) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)
    document = response.get_json()
    assert set(document) == {"error", "field"}
    assert document["field"] == field
    message: str = document["error"]
    return message


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_body_nested_a_thousand_deep_is_400_naming_the_field(
    send: Send, web_library: Path, method: str, path: str
) -> None:
    before = _snapshot(web_library)
    deep = "[" * 1000 + "]" * 1000
    body = f'{{"citekey": "linden1966", "text": "x", "tags": {deep}}}'
    message = _refused(send(method, path, body), "tags")
    assert f"nested more than {MAX_JSON_DEPTH} levels deep" in message
    assert _snapshot(web_library) == before


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_body_that_is_only_nesting_is_400(
    send: Send, web_library: Path, method: str, path: str
) -> None:
    before = _snapshot(web_library)
    _refused(send(method, path, "[" * 100_000 + "]" * 100_000), None)
    _refused(send(method, path, '{"a":' * 5000 + "1" + "}" * 5000), "a")
    assert _snapshot(web_library) == before


def test_body_at_the_depth_limit_is_read(send: Send) -> None:
    tags = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    response = send(
        "POST", "/api/passages", f'{{"citekey": "linden1966", "text": "x", "tags": {tags}}}'
    )
    assert response.get_json()["field"] == "tags.0"  # read, then refused as a tag


def test_brackets_inside_strings_do_not_count_as_nesting(send: Send) -> None:
    text = json.dumps("[{" * 5000 + '\\" [')
    response = send("POST", "/api/passages", f'{{"citekey": "linden1966", "text": {text}}}')
    assert response.status_code == 201
    assert response.get_json()["text"] == json.loads(text)


# The start of a valid new passage, to which each case adds a member.
NEW = '{"citekey": "linden1966", "text": "x"'

# Every text field of every write body, as (route, body with BAD where the text goes, field).
TEXT_FIELDS = [
    pytest.param("POST", "/api/passages", '{"citekey": BAD, "text": "x"}', "citekey", id="key"),
    pytest.param("POST", "/api/passages", '{"citekey": "x", "text": BAD}', "text", id="text"),
    pytest.param("POST", "/api/passages", NEW + ', "tags": ["a", BAD]}', "tags.1", id="tag"),
    pytest.param(
        "POST", "/api/passages", NEW + ', "locator": {"value": BAD}}', "locator.value", id="locator"
    ),
    pytest.param(
        "POST", "/api/passages", NEW + ', "locator": {"label": BAD, "value": "1"}}',
        "locator.label", id="locator-label",
    ),
    pytest.param(
        "POST", "/api/passages", NEW + ', "quoted_in": {"citekey": BAD}}', "quoted_in.citekey",
        id="quoted-in",
    ),
    pytest.param(
        "POST", "/api/passages", NEW + ', "anchor": {"source": "a.txt", "quote": {"exact": BAD}}}',
        "anchor.quote.exact", id="anchor-quote",
    ),
    pytest.param("PATCH", "/api/passages/{passage}", '{"text": BAD}', "text", id="edit-text"),
    pytest.param("PATCH", "/api/passages/{passage}", '{"tags": [BAD]}', "tags.0", id="edit-tag"),
    pytest.param("POST", "/api/passages/{passage}/notes", '{"text": BAD}', "text", id="note"),
    pytest.param("PATCH", "/api/notes/{note}", '{"text": BAD}', "text", id="edit-note"),
]  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param('"\\ud800"', id="lone-high-surrogate"),
        pytest.param('"ok \\udfff ok"', id="lone-low-surrogate"),
        pytest.param('"\\ude00\\ud83d"', id="reversed-pair"),
        pytest.param('"a\\u0000b"', id="nul"),
    ],
)
@pytest.mark.parametrize(("method", "path", "template", "field"), TEXT_FIELDS)
def test_text_with_nul_or_lone_surrogate_is_400_naming_the_field(
    send: Send,
    web_library: Path,
    method: str,
    path: str,
    template: str,
    field: str,
    bad: str,
) -> None:
    before = _snapshot(web_library)
    message = _refused(send(method, path, template.replace("BAD", bad)), field)
    assert "NUL" in message or "surrogate" in message
    assert _snapshot(web_library) == before


def test_a_surrogate_pair_is_one_character_and_welcome(send: Send) -> None:
    response = send("POST", "/api/passages", '{"citekey": "linden1966", "text": "\\ud83d\\ude00"}')
    assert response.status_code == 201
    assert response.get_json()["text"] == "\N{GRINNING FACE}"


def test_bidi_controls_are_text_like_any_other(send: Send) -> None:
    text = "\u202eגדול\u202c \u2067x\u2069"
    response = send("POST", "/api/passages", json.dumps({"citekey": "linden1966", "text": text}))
    assert response.status_code == 201
    assert response.get_json()["text"] == text


@pytest.mark.parametrize(
    ("member", "field", "words"),
    [
        pytest.param('"text": "b"', "text", "twice", id="repeated-key"),
        pytest.param('"\\ud800": 1', "\ufffd", "surrogate", id="surrogate-in-a-key"),
        pytest.param('"a\\u0000": 1', "a\ufffd", "NUL", id="nul-in-a-key"),
        pytest.param('"tags": NaN', "tags", "NaN", id="nan"),
        pytest.param('"tags": -Infinity', "tags", "Infinity", id="infinity"),
        pytest.param(
            '"anchor": {"position": {"start": 1' + "0" * 5000 + "}}",
            "anchor.position.start",
            "digits",
            id="huge-number",
        ),
    ],
)
def test_odd_json_is_400_naming_the_field(
    send: Send, web_library: Path, member: str, field: str, words: str
) -> None:
    before = _snapshot(web_library)
    assert words in _refused(send("POST", "/api/passages", f"{NEW}, {member}}}"), field)
    assert _snapshot(web_library) == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        pytest.param(b'{"citekey": "linden1966", "text": "\xff"}', "UTF-8", id="not-utf8"),
        pytest.param(b'{"citekey": "linden1966", "text": "a"', "JSON", id="unfinished"),
        pytest.param(b"", "JSON", id="empty"),
        pytest.param(b'["citekey"]', "object", id="array"),
    ],
)
def test_a_body_that_is_no_json_object_is_400(client: FlaskClient, body: bytes, words: str) -> None:
    response = client.post("/api/passages", data=body, content_type="application/json")
    assert words in _refused(response, None)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        pytest.param("/api/passages?citekey=linden%001966", "citekey", id="passages"),
        pytest.param("/api/refs/linden1966/citation?style=mla%00", "style", id="citation-style"),
        pytest.param("/api/export?keys=linden1966%00", "keys", id="export-keys"),
        pytest.param("/api/refs?limit=1&%00=1", "\ufffd", id="argument-name"),
    ],
)
def test_query_argument_with_nul_is_400_naming_it(
    client: FlaskClient, path: str, field: str
) -> None:
    assert "NUL" in _refused(client.get(path), field)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("Zhukov\x00tank", id="nul"),
        pytest.param("\ufffd\ufffd", id="replacement-characters"),
        pytest.param("\u202eZhukov\u202c", id="bidi"),
        pytest.param('"unfinished (phrase AND* ~2 ^', id="syntax"),
        pytest.param("\x01\x7f\u200b", id="controls"),
    ],
)
def test_a_search_with_odd_characters_is_searched_as_words(client: FlaskClient, query: str) -> None:
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200
    assert response.get_json()["query"] == query
    assert client.get("/", query_string={"q": query}).status_code == 200
    assert client.get("/api/search?q=%ED%A0%80").status_code == 200  # a surrogate, encoded


def test_search_page_offset_in_other_digits_is_the_first_page(client: FlaskClient) -> None:
    assert client.get("/", query_string={"q": "Zhukov", "offset": "²"}).status_code == 200


def test_form_field_with_nul_is_refused_and_stores_nothing(
    client: FlaskClient, ids: dict[str, str], web_library: Path
) -> None:
    page = f"/passages/{ids['passage']}"
    token = csrf_token(client, page)
    before = _snapshot(web_library)
    response = client.post(f"{page}/notes", data={"text": "a\x00b", "csrf_token": token})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "NUL" in response.get_data(as_text=True)
    assert _snapshot(web_library) == before


def test_passage_edit_form_with_a_revision_in_other_digits_is_not_a_500(
    client: FlaskClient, ids: dict[str, str]
) -> None:
    page = f"/passages/{ids['passage']}"
    token = csrf_token(client, page)
    form = {"text": "New words.", "revision": "¹", "csrf_token": token}
    assert client.post(f"{page}/edit", data=form).status_code == 303


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["quote", "add", "linden1966", "--text", "bad \udcff byte"], id="quote-add"),
        pytest.param(["note", "add", "PASSAGE", "bad \udcff byte"], id="note-add"),
    ],
)
def test_cli_text_that_is_not_unicode_is_refused_naming_the_field(
    runner: CliRunner, web_library: Path, ids: dict[str, str], args: list[str]
) -> None:
    before = _snapshot(web_library)
    args = [arg.replace("PASSAGE", ids["passage"]) for arg in args]
    result = runner.invoke(cli, ["--library", str(web_library), *args])
    assert result.exit_code == 1
    assert "text: " in result.stderr and "surrogate" in result.stderr
    assert _snapshot(web_library) == before
