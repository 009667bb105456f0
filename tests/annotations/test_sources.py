"""Full texts are read only from regular files directly inside `sources/`: never through a
symbolic link, a FIFO or a folder, and never from a name that leaves the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import sources
from annotations.sources import (
    SourceNotFound,
    SourceRefused,
    SourceUnavailable,
    is_source_file_name,
    list_sources,
    read_source,
)

INSIDE = "The text of a work, kept in the library.\n"
OUTSIDE = "SECRET_KEY=0f1e2d3c4b5a\n"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library whose `sources/` holds one good text and every kind of thing refused,
    a second library whose `sources/` is a symbolic link, and secrets beside both."""
    root = tmp_path_factory.mktemp("tree")
    (root / "secret.txt").write_text(OUTSIDE, encoding="utf-8")
    library = root / "library"
    folder = library / "sources"
    folder.mkdir(parents=True)
    (library / ".florilegium-local.toml").write_text(OUTSIDE, encoding="utf-8")
    (folder / "good.txt").write_text(INSIDE, encoding="utf-8")
    (folder / "outside.txt").symlink_to(root / "secret.txt")
    (folder / "relative.txt").symlink_to("../../secret.txt")
    (folder / "config.txt").symlink_to("../.florilegium-local.toml")
    (folder / "beside.txt").symlink_to("good.txt")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "folder.txt").mkdir()
    (folder / "folder.txt" / "inner.txt").write_text(OUTSIDE, encoding="utf-8")
    os.mkfifo(folder / "fifo.txt")
    (folder / "latin1.txt").write_bytes(b"Khrushchev\ncaf\xe9\n")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "good.txt").write_text(OUTSIDE, encoding="utf-8")
    (root / "linked").mkdir()
    (root / "linked" / "sources").symlink_to(elsewhere, target_is_directory=True)
    return root


REFUSED = [
    pytest.param("outside.txt", "a symbolic link", id="symlink-to-a-file-outside"),
    pytest.param("relative.txt", "a symbolic link", id="relative-symlink-out"),
    pytest.param("config.txt", "a symbolic link", id="symlink-to-the-secret-key"),
    pytest.param("beside.txt", "a symbolic link", id="symlink-to-a-file-inside"),
    pytest.param("dangling.txt", "a symbolic link", id="dangling-symlink"),
    pytest.param("folder.txt", "a folder", id="folder-named-like-a-source"),
    pytest.param("fifo.txt", "a FIFO", id="fifo"),
    pytest.param("latin1.txt", "line 2: not UTF-8", id="not-utf-8"),
    pytest.param("../secret.txt", "not the name of a text", id="dot-dot"),
    pytest.param("x\0y.txt", "not the name of a text", id="nul"),
    pytest.param(".hidden.txt", "not the name of a text", id="leading-dot"),
    pytest.param("good", "not the name of a text", id="no-suffix"),
]


def test_a_regular_file_inside_sources_is_read(tree: Path) -> None:
    assert read_source(tree / "library" / "sources", "good.txt") == INSIDE


@pytest.mark.parametrize(("name", "reason"), REFUSED)
def test_anything_else_is_refused_and_named(tree: Path, name: str, reason: str) -> None:
    with pytest.raises(SourceRefused, match=reason) as refused:
        read_source(tree / "library" / "sources", name)
    assert str(refused.value).startswith(str(tree / "library" / "sources"))
    assert str(refused.value).endswith("not read") or "UTF-8" in str(refused.value)


def test_a_symlinked_sources_folder_is_refused(tree: Path) -> None:
    with pytest.raises(SourceRefused, match="a symbolic link"):
        read_source(tree / "linked" / "sources", "good.txt")
    listing = list_sources(tree / "linked" / "sources")
    assert listing.names == []
    assert [str(problem.path) for problem in listing.refused] == [str(tree / "linked" / "sources")]


def test_a_missing_file_or_folder_is_not_found(tree: Path) -> None:
    with pytest.raises(SourceNotFound):
        read_source(tree / "library" / "sources", "absent.txt")
    with pytest.raises(SourceNotFound):
        read_source(tree / "nowhere" / "sources", "good.txt")
    assert list_sources(tree / "nowhere" / "sources").names == []


def test_a_text_larger_than_the_bound_is_refused(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", len(INSIDE) - 1)
    with pytest.raises(SourceRefused, match="more than the"):
        read_source(tree / "library" / "sources", "good.txt")


def test_listing_names_regular_files_and_refuses_the_rest_without_reading(tree: Path) -> None:
    listing = list_sources(tree / "library" / "sources")
    assert listing.names == ["good.txt", "latin1.txt"]
    refused = {problem.path.name: problem.message for problem in listing.refused}
    assert refused == {
        "beside.txt": "a symbolic link, not a regular file; not read",
        "config.txt": "a symbolic link, not a regular file; not read",
        "dangling.txt": "a symbolic link, not a regular file; not read",
        "fifo.txt": "a FIFO (named pipe), not a regular file; not read",
        "folder.txt": "a folder, not a regular file; not read",
        "outside.txt": "a symbolic link, not a regular file; not read",
        "relative.txt": "a symbolic link, not a regular file; not read",
    }


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        pytest.param("freeze2009.txt", True, id="citekey"),
        pytest.param("Хрущёв 1957.txt", True, id="unicode-and-space"),
        pytest.param("a/b.txt", False, id="slash"),
        pytest.param("a\\b.txt", False, id="backslash"),
        pytest.param("..txt", False, id="leading-dot"),
        pytest.param("a\nb.txt", False, id="newline"),
        pytest.param("a.json", False, id="not-txt"),
        pytest.param("a" * 197 + ".txt", False, id="too-long"),
    ],
)
def test_source_file_names(name: str, valid: bool) -> None:
    assert is_source_file_name(name) is valid


_PARTS = st.sampled_from(
    ["..", ".", "", "sources", "library", "linked", "elsewhere", "secret.txt", "good.txt",
     "outside.txt", "relative.txt", "config.txt", "beside.txt", "folder.txt", "inner.txt",
     "fifo.txt", ".florilegium-local.toml", "\0", "/"]
)  # fmt: skip
_NAMES = st.lists(_PARTS, max_size=5).map("/".join) | st.lists(_PARTS, max_size=5).map("".join)


@settings(max_examples=300, deadline=None)
@given(name=_NAMES | st.text(max_size=20), folder=st.sampled_from(["library", "linked"]))
def test_no_source_read_returns_a_byte_of_a_file_outside_sources(
    tree: Path, name: str, folder: str
) -> None:
    try:
        text = read_source(tree / folder / "sources", name)
    except SourceUnavailable:
        return
    assert text == INSIDE
    assert (folder, name) == ("library", "good.txt")
