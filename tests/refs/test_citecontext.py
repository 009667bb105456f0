"""The works a citation is told apart from: those sharing a name or a title with it, from
one conversion of the library that lasts until the library changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from refs.citecontext import LibraryItems
from refs.errors import UnknownCitekey
from refs.store import ReferenceStore

DISAMBIGUATION = Path(__file__).resolve().parents[1] / "data" / "disambiguation.bib"


@pytest.fixture
def store(tmp_path: Path) -> ReferenceStore:
    shutil.copy(DISAMBIGUATION, tmp_path / "references.bib")
    return ReferenceStore(tmp_path, use_cache=False)


def ids(items: list[dict[str, object]]) -> list[object]:
    return [item["id"] for item in items]


@pytest.mark.parametrize(
    ("cited", "expected"),
    [
        pytest.param(["wolfe1957ghost"], ["wolfe1957ghost", "wolfe1957durability"], id="same-name"),
        pytest.param(["deutscher1957"], ["deutscher1957"], id="same-year-other-name"),
        pytest.param(
            ["trotsky1941stalin", "deutscher1957"],
            ["trotsky1941stalin", "deutscher1957", "trotsky1925lenin"],
            id="cited-first-then-the-others",
        ),
    ],
)
def test_context_is_the_cited_works_and_those_sharing_a_name(
    store: ReferenceStore, cited: list[str], expected: list[str]
) -> None:
    assert ids(LibraryItems(store).context(cited)) == expected


def test_a_translator_is_a_first_name_too(store: ReferenceStore) -> None:
    store.add("@book{malamuth1950, author = {Malamuth, Charles}, title = {Notes}, date = {1950}}")
    context = LibraryItems(store).context(["malamuth1950"])
    assert ids(context) == ["malamuth1950", "trotsky1941stalin"]


def test_works_that_name_nobody_share_their_titles(store: ReferenceStore) -> None:
    store.add(
        "@misc{anon1957, title = {Lenin: A Sketch}, date = {1957}}\n"
        "@misc{anon1958, title = {Lenin}, date = {1958}}\n"
    )
    # A work that names someone is cited by the name, never confused with these.
    assert ids(LibraryItems(store).context(["anon1957"])) == ["anon1957", "anon1958"]


def test_the_library_is_converted_once_until_it_changes(store: ReferenceStore) -> None:
    library = LibraryItems(store)
    first = library.item("deutscher1957")
    assert library.item("deutscher1957") is first
    store.edit("deutscher1957", set_fields={"title": "Russia after Stalin"})
    assert library.item("deutscher1957")["title"] == "Russia after Stalin"


def test_an_unknown_citekey_is_refused(store: ReferenceStore) -> None:
    with pytest.raises(UnknownCitekey):
        LibraryItems(store).context(["nobody"])
