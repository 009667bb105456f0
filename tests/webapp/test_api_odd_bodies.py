"""Properties of every write route against deep and odd JSON bodies (Flask test client):
the answer is a 2xx, or a 4xx in the contract's `{"error", "field"}` shape that stored
nothing; never a 5xx.

The bodies mix the fields each route reads, with values right and wrong: nesting far past
`MAX_JSON_DEPTH`, numbers of hundreds of digits, NaN, keys given twice, wrong types, lone
surrogates, NUL, bidi controls and strings of 100,000 characters. They are written as JSON
text by hand, so that what `json.dumps` would never write (a repeated key, a bare
surrogate escape) reaches the server as a client could send it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import create_app
from webapp.jsonbody import MAX_JSON_DEPTH
from webapp.services import Services

DATA = Path(__file__).parent.parent / "data"
EXAMPLES = int(os.environ.get("FLORILEGIUM_BODY_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

# Characters that break naive code: NUL and other controls, both halves of a surrogate
# pair alone, bidi overrides and isolates, a BOM, a non-character, a combining mark.
ODD_CHARACTERS = (
    "\x00\x01\x1b\x7f\ud800\udbff\udc00\udfff\u202a\u202e\u2066\u2069\ufeff\uffff\u0301"
)
odd_texts = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.sampled_from(ODD_CHARACTERS) | st.characters(), max_size=20),
    st.sampled_from(["", " ", "linden1966", "page", "422", "a.txt", "*", "\ud83d\ude00"]),
    st.integers(1, 3).map(lambda n: "x" * (100_000 * n // 2)),  # at and past MAX_TEXT_CHARS
)
numbers = st.one_of(
    st.integers(-5, 5),
    st.integers(),
    st.integers(1, 400).map(lambda digits: int("9" * digits)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, -0.0, 1e308, 1e-308]),
)
scalars = st.none() | st.booleans() | numbers | odd_texts
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(odd_texts, children, max_size=4)
    ),
    max_leaves=12,
)
# What the routes read, so that the bodies reach the checks behind the first field.
FIELDS = ["citekey", "text", "locator", "quoted_in", "tags", "anchor", "revision", "name"]
fields = st.sampled_from(FIELDS) | odd_texts
good_values = st.sampled_from(
    [
        "linden1966",
        "Words quoted.",
        {"label": "page", "value": "12"},
        {"citekey": "linden1966", "locator": None},
        ["army", "party"],
        None,
        1,
    ]
)


if_matches = st.sampled_from(
    ["*", "1", '"1"', '"2", "1"', 'W/"1"', '""', 'W/""', "", ",", '"abc"', "9" * 40, '"1'],
) | st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)


def _json_text(value: object) -> str:
    """`value` as JSON text, surrogates escaped as a client may send them."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


@st.composite
def raw_bodies(draw: st.DrawFn) -> str:
    """The text of a body: mostly an object of the routes' fields, sometimes not."""
    kind = draw(st.sampled_from(["object", "object", "object", "deep", "value"]))
    if kind == "deep":
        depth = draw(st.integers(MAX_JSON_DEPTH - 2, 3000))
        opener = draw(st.sampled_from(["[", '{"a":', '{"tags": [']))
        closer = {"[": "]", '{"a":': "}", '{"tags": [': "]}"}[opener]
        inner = "[" * depth + "]" * depth
        return opener + inner + closer if draw(st.booleans()) else "[" * depth + "]" * depth
    if kind == "value":
        return _json_text(draw(values))
    members = draw(
        st.lists(st.tuples(fields, good_values | values), max_size=7)
    )  # a field may come twice: a repeated key
    return "{" + ", ".join(f"{_json_text(key)}: {_json_text(item)}" for key, item in members) + "}"


WRITE_ROUTES = [
    ("POST", "/api/passages"),
    ("PATCH", "/api/passages/{passage}"),
    ("DELETE", "/api/passages/{passage}"),
    ("POST", "/api/passages/{passage}/notes"),
    ("PATCH", "/api/notes/{note}"),
    ("DELETE", "/api/notes/{note}"),
    ("POST", "/api/login"),
    ("POST", "/api/logout"),
]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[FlaskClient, Services]:
    """One app on a private library for all the examples (a fresh one per example would
    spend the test building search indexes)."""
    library = shutil.copytree(DATA / "web_library", tmp_path_factory.mktemp("odd") / "library")
    services = Services.for_library(Path(library))
    return create_app({"TESTING": True, "SERVICES": services}).test_client(), services


def _stored(services: Services) -> dict[str, bytes]:
    folder = services.library_dir / "passages"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.json"))}


def _ids(services: Services) -> dict[str, str]:
    """A passage and a note to change, made again when an earlier example deleted them."""
    passages = [p for p in services.passages.passages("linden1966") if p.notes]
    if passages:
        return {"passage": passages[0].id, "note": passages[0].notes[0].id}
    passage = services.passages.add("linden1966", "Target.", notes=["Target note."])
    return {"passage": passage.id, "note": passage.notes[0].id}


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_odd_bodies_get_a_2xx_or_a_4xx_that_stored_nothing(
    fuzzed: tuple[FlaskClient, Services], method: str, path: str
) -> None:
    client, services = fuzzed

    @SETTINGS
    @given(body=raw_bodies(), if_match=st.none() | if_matches)
    def answers_without_a_5xx(body: str, if_match: str | None) -> None:
        random.seed()  # Whoosh names index segments from `random`, which Hypothesis seeds
        url = path.format(**_ids(services))
        before = _stored(services)
        headers = {} if if_match is None else {"If-Match": if_match}
        response = client.open(
            url, method=method, data=body, content_type="application/json", headers=headers
        )
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        if response.status_code >= 400:
            document = response.get_json()
            assert isinstance(document["error"], str) and document["error"]
            assert document["field"] is None or isinstance(document["field"], str)
            assert set(document) <= {"error", "field", "current"}
            assert _stored(services) == before, f"{response.status_code} stored something"

    answers_without_a_5xx()
