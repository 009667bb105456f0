"""Reading the locators people type into CSL label + value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.errors import InvalidLocator
from annotations.locators import parse_locator, parse_page
from annotations.model import LOCATOR_LABELS, Locator
from tests.annotations.strategies import PROPERTY_SETTINGS

arabic = st.integers(min_value=1, max_value=99999).map(str)
roman = st.sampled_from(["i", "ii", "iv", "ix", "xiv", "xlii", "XIV", "MCM"])
single_pages = arabic | roman
page_ranges = st.tuples(st.integers(1, 5000), st.integers(1, 5000)).map(
    lambda pair: f"{min(pair)}-{max(pair) + 1}"
)
page_values = single_pages | page_ranges
other_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("422", Locator("page", "422"), id="arabic"),
        pytest.param("xiv", Locator("page", "xiv"), id="roman"),
        pytest.param("422-423", Locator("page", "422-423"), id="range"),
        pytest.param("422\u201323", Locator("page", "422-423"), id="abbreviated-en-dash-range"),
        pytest.param("1536--38", Locator("page", "1536-1538"), id="double-hyphen"),
        pytest.param("chapter:3", Locator("chapter", "3"), id="label-colon"),
        pytest.param("paragraph 12", Locator("paragraph", "12"), id="label-space"),
        pytest.param("para. 12", Locator("paragraph", "12"), id="abbreviation"),
        pytest.param("pp. 12 , 15", Locator("page", "12, 15"), id="page-list"),
        pytest.param("Chapter: IV", Locator("chapter", "IV"), id="capitalised"),
    ],
)
def test_typed_locator_becomes_csl_label_and_value(typed: str, expected: Locator) -> None:
    assert parse_locator(typed) == expected


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        pytest.param("chaptr 3", "locator", id="typo-is-not-a-page"),
        pytest.param("pg:", "locator", id="no-value"),
        pytest.param("chapitre:3", "locator.label", id="unknown-label"),
        pytest.param("", "locator", id="empty"),
        pytest.param("line 3\n4", "locator", id="line-break"),
    ],
)
def test_unreadable_locator_is_refused_naming_the_field(typed: str, field: str) -> None:
    with pytest.raises(InvalidLocator) as caught:
        parse_locator(typed)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_page_option_names_its_own_field() -> None:
    with pytest.raises(InvalidLocator, match=r"^page: expected a page"):
        parse_page("four")
    assert parse_page(" xiv ") == Locator("page", "xiv")


@PROPERTY_SETTINGS
@given(value=page_values)
def test_page_round_trips_through_its_text(value: str) -> None:
    locator = Locator("page", value)
    assert parse_page(value) == locator
    assert parse_locator(str(locator)) == locator
    assert parse_locator(f"page:{value}") == locator


@PROPERTY_SETTINGS
@given(
    label=st.sampled_from([label for label in LOCATOR_LABELS if label != "page"]),
    value=other_values,
)
def test_any_labelled_locator_round_trips(label: str, value: str) -> None:
    locator = Locator(label, value)
    assert parse_locator(f"{label}:{value}") == locator
    assert parse_locator(str(locator)) == locator
