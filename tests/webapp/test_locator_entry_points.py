"""One locator parser behind every door: `cite`, `quote add` and the API accept and refuse
the same locators, with the same message naming the input at fault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from annotations.model import LOCATOR_LABELS, Locator
from tests.annotations.strategies import PROPERTY_SETTINGS, words
from webapp.cli import cli
from webapp.clisupport import LOCATOR, PAGE
from webapp.services import Services
from webapp.viewsupport import form_locator

NOT_A_PAGE = "expected a page like 422, xiv or 422-423, got 'chaptr 3'"
UNKNOWN_LABEL = (
    f"unknown locator label 'chapitre'; expected one of CSL's labels ({', '.join(LOCATOR_LABELS)})"
)

# What people type after `--locator` (or in the API's `locator` without a `label`), and
# what it means: a locator, or the input at fault and why.
TABLE = [
    pytest.param("422", Locator("page", "422"), id="page"),
    pytest.param("xiv", Locator("page", "xiv"), id="roman"),
    pytest.param("422-23", Locator("page", "422-423"), id="abbreviated-range"),
    pytest.param("422\u201323", Locator("page", "422-423"), id="en-dash"),
    pytest.param("chapter:3", Locator("chapter", "3"), id="label-colon"),
    pytest.param("para. 12", Locator("paragraph", "12"), id="abbreviated-label"),
    pytest.param("pg:3", Locator("page", "3"), id="pg"),
    pytest.param("chaptr 3", ("locator", NOT_A_PAGE), id="typo-is-no-page"),
    pytest.param("chapitre:3", ("locator.label", UNKNOWN_LABEL), id="unknown-label"),
    pytest.param("line 3\n4", ("locator", "contains a line break or control character"),
                 id="line-break"),
    pytest.param("9" * 101, ("locator", "longer than 100 characters"), id="too-long"),
]  # fmt: skip

Expected = Locator | tuple[str, str]


def _cli(runner: CliRunner, library: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["--library", str(library), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("typed", "expected"), TABLE)
def test_cite_reads_the_locator_as_everywhere(
    runner: CliRunner, web_library: Path, services: Services, typed: str, expected: Expected
) -> None:
    args = ("cite", "linden1966", "--style", "mla", "--mode", "citation", "--locator", typed)
    code, out, err = _cli(runner, web_library, *args)
    if isinstance(expected, Locator):
        assert (code, out, err) == (0, f"{_citation(services, expected)}\n", "")
    else:
        field, message = expected
        assert (code, out, err) == (1, "", f"Error: {field}: {message}\n")


@pytest.mark.parametrize(("typed", "expected"), TABLE)
def test_quote_add_reads_the_locator_as_everywhere(
    runner: CliRunner, web_library: Path, typed: str, expected: Expected
) -> None:
    args = ("quote", "add", "linden1966", "--text", "Tanks.", "--locator", typed, "--json")
    code, out, err = _cli(runner, web_library, *args)
    if isinstance(expected, Locator):
        assert code == 0
        assert json.loads(out)["locator"] == {"label": expected.label, "value": expected.value}
    else:
        field, message = expected
        assert (code, out, err) == (1, "", f"Error: {field}: {message}\n")
        assert not (web_library / "passages" / "linden1966.json").exists()


@pytest.mark.parametrize(("typed", "expected"), TABLE)
def test_the_api_reads_the_locator_as_everywhere(
    client: FlaskClient, services: Services, typed: str, expected: Expected
) -> None:
    response = client.get(
        "/api/refs/linden1966/citation",
        query_string={"style": "mla", "mode": "citation", "locator": typed},
    )
    if isinstance(expected, Locator):
        assert response.status_code == 200
        assert response.get_json() == {"text": _citation(services, expected)}
    else:
        field, message = expected
        assert response.status_code == 400
        assert response.get_json() == {"error": f"{field}: {message}", "field": field}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("xiv", Locator("page", "xiv"), id="page"),
        pytest.param("chaptr 3", NOT_A_PAGE, id="typo-is-no-page"),
    ],
)
def test_a_page_is_read_alike_by_page_options_and_the_apis_page_label(
    runner: CliRunner,
    web_library: Path,
    client: FlaskClient,
    services: Services,
    typed: str,
    expected: Locator | str,
) -> None:
    cite = _cli(runner, web_library, "cite", "linden1966", "-s", "mla", "--mode", "citation",
                "--page", typed)  # fmt: skip
    quote = _cli(runner, web_library, "quote", "add", "linden1966", "--text", "T.", "--page",
                 typed)  # fmt: skip
    api = client.get(
        "/api/refs/linden1966/citation",
        query_string={"style": "mla", "mode": "citation", "locator": typed, "label": "page"},
    )
    if isinstance(expected, Locator):
        citation = _citation(services, expected)
        assert (cite[0], cite[1], quote[0]) == (0, f"{citation}\n", 0)
        assert api.get_json() == {"text": citation}
    else:
        assert cite == quote == (1, "", f"Error: page: {expected}\n")
        assert api.get_json() == {"error": f"locator: {expected}", "field": "locator"}


def test_an_unknown_label_input_is_named_by_its_own_name(client: FlaskClient) -> None:
    response = client.get("/api/refs/linden1966/citation?locator=3&label=chapitre")
    assert response.get_json() == {"error": f"label: {UNKNOWN_LABEL}", "field": "label"}


def _citation(services: Services, locator: Locator) -> str:
    assert services.citations is not None
    found = services.citations.cite("linden1966", style="mla", locator=locator, mode="citation")
    return found.text


pages = st.integers(min_value=1, max_value=5000).map(str) | st.sampled_from(["xiv", "XLII"])
typed_locators = st.builds(Locator, st.just("page"), pages) | st.builds(
    Locator, st.sampled_from([label for label in LOCATOR_LABELS if label != "page"]), words
)


@PROPERTY_SETTINGS
@given(locator=typed_locators)
def test_a_locator_reads_back_through_every_door(locator: Locator) -> None:
    """What a command prints (`page 422`, `chapter 3`) reads back as the same locator."""
    typed = str(locator)
    assert LOCATOR.convert(typed, None, None) == locator
    assert form_locator("", typed) == locator
    assert form_locator(locator.label, locator.value) == locator
    if locator.label == "page":
        assert PAGE.convert(locator.value, None, None) == locator
