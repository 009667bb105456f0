"""The passage service: citekeys checked against the references, listeners told of writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.errors import BrokenPassageFile, InvalidPassage, WriteNotUndone, WriteUndone
from annotations.ids import new_id
from annotations.model import (
    Anchor,
    Locator,
    Passage,
    QuotedIn,
    TextPositionSelector,
    TextQuoteSelector,
)
from annotations.store import PassageStore
from refs.errors import UnknownCitekey
from refs.store import ReferenceStore
from webapp.passage_service import PassageService

DATA = Path(__file__).parent.parent / "data"


class RecordingListener:
    """A fake search index that remembers what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.writes = 0  # writes begun and not yet ended
        self.told_outside_a_write: list[str] = []

    def passage_saved(self, passage: Passage) -> None:
        self.events.append(("saved", passage.id))
        if not self.writes:
            self.told_outside_a_write.append(passage.id)

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        self.events.append(("deleted", f"{passage_id}@{citekey}"))
        if not self.writes:
            self.told_outside_a_write.append(passage_id)

    @contextmanager
    def writing(self) -> Iterator[None]:
        self.writes += 1
        try:
            yield
        finally:
            self.writes -= 1


@pytest.fixture
def service(empty_library: Path) -> PassageService:
    (empty_library / "references.bib").write_text(
        "@book{freeze2009, title={Russia}, year=2009}\n"
        "@book{taubman2004, title={Khrushchev}, year=2004}\n",
        encoding="utf-8",
    )
    return PassageService(PassageStore(empty_library), ReferenceStore(empty_library))


NOW = "2026-01-02T03:04:05Z"


def test_every_write_is_announced_to_listeners(service: PassageService) -> None:
    listener = RecordingListener()
    service.add_listener(listener)
    passage = service.add("freeze2009", "a quote")
    note = service.add_note(passage.id, "a note")
    service.edit_note(note.id, "a better note")
    service.delete_note(note.id)
    service.edit(passage.id, text="the quote")
    service.delete(passage.id)
    # Every notification came inside the listener's `writing()` (the index leaves the file
    # to the writer from before it is written until it is indexed).
    assert listener.told_outside_a_write == []
    assert listener.writes == 0
    assert listener.events == [("saved", passage.id)] * 5 + [
        ("deleted", f"{passage.id}@freeze2009")
    ]


class _Bug(Exception):
    """A failure no step after a write should ever raise."""


class FailingListener(RecordingListener):
    """A fake index with a bug: it raises once told of a write, after `meanwhile` ran (the
    moment another writer could slip in)."""

    def __init__(self, meanwhile: Callable[[], object] = lambda: None) -> None:
        super().__init__()
        self.meanwhile = meanwhile

    def passage_saved(self, passage: Passage) -> None:
        self.meanwhile()
        raise _Bug("index bug")

    def passage_deleted(self, passage_id: str, citekey: str) -> None:
        self.meanwhile()
        raise _Bug("index bug")


def _files(library: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (library / "passages").glob("*.json")}


def test_every_write_whose_listener_fails_is_put_back(
    service: PassageService, empty_library: Path
) -> None:
    kept = service.add("freeze2009", "a quote", notes=["a note"])
    note = kept.notes[0]
    service.add_listener(FailingListener())
    before = _files(empty_library)
    writes: list[Callable[[], object]] = [
        lambda: service.add("freeze2009", "another quote"),
        lambda: service.add("taubman2004", "a quote in a new file"),
        lambda: service.edit(kept.id, text="changed"),
        lambda: service.delete(kept.id),
        lambda: service.add_note(kept.id, "another note"),
        lambda: service.edit_note(note.id, "changed"),
        lambda: service.delete_note(note.id),
        lambda: service.delete_for_reference("freeze2009"),
    ]
    for write in writes:
        with pytest.raises(WriteUndone, match=r"^nothing was stored: ") as caught:
            write()
        assert isinstance(caught.value.__cause__, _Bug)
        assert _files(empty_library) == before
        assert service.passages() == [kept]


def test_a_write_changed_again_before_its_undo_stays_and_says_so(
    service: PassageService, empty_library: Path
) -> None:
    kept = service.add("freeze2009", "a quote")
    store = PassageStore(empty_library)  # another writer, beside the service's store
    service.add_listener(FailingListener(lambda: store.edit(kept.id, revision=2, tags=["theirs"])))
    with pytest.raises(WriteNotUndone, match=r"^stored, but "):
        service.edit(kept.id, text="mine")
    assert service.get(kept.id).text == "mine"
    assert service.get(kept.id).tags == ("theirs",)


def test_an_import_refused_at_its_second_file_leaves_the_first_as_it_was(
    service: PassageService, empty_library: Path
) -> None:
    broken = empty_library / "passages" / "taubman2004.json"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text("{not json", encoding="utf-8")
    first = Passage(id=new_id(), citekey="freeze2009", text="a", created=NOW, modified=NOW)
    second = replace(first, id=new_id(), citekey="taubman2004")
    with pytest.raises(BrokenPassageFile):
        service.import_passages([first, second])
    assert service.passages("freeze2009") == []
    assert not (empty_library / "passages" / "freeze2009.json").exists()


def test_unknown_citekeys_are_refused_before_anything_is_written(
    service: PassageService,
) -> None:
    with pytest.raises(UnknownCitekey, match="'nobody'"):
        service.add("nobody", "a quote")
    with pytest.raises(UnknownCitekey, match="'elsewhere'"):
        service.add("freeze2009", "a quote", quoted_in=QuotedIn("elsewhere"))
    assert service.passages() == []


def test_w3c_export_imports_into_another_library_without_loss(
    service: PassageService, tmp_path: Path
) -> None:
    passage = service.add("freeze2009", "a quote", tags=["t"], notes=["a note"])
    document = service.export_w3c()
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    (other_dir / "references.bib").write_text(
        "@book{freeze2009, title={Russia}, year=2009}\n", encoding="utf-8"
    )
    other = PassageService(PassageStore(other_dir), ReferenceStore(other_dir))
    imported = other.import_w3c(document)
    assert (imported.passages, imported.skipped) == ([passage], [])
    assert other.passages() == [passage]
    assert other.import_w3c(document).passages == []  # nothing twice


def test_hypothesis_export_joins_the_reference_with_that_url(empty_library: Path) -> None:
    (empty_library / "references.bib").write_text(
        "@online{blog2019, title={Crashing}, year=2019,"
        " url={https://blog.example.edu/2019/crashing-the-anti-party}}\n",
        encoding="utf-8",
    )
    service = PassageService(PassageStore(empty_library), ReferenceStore(empty_library))
    export = json.loads((DATA / "hypothesis_export.json").read_text("utf-8"))
    imported = service.import_hypothesis(export)
    assert [p.citekey for p in imported.passages] == ["blog2019"]
    assert [s.index for s in imported.skipped] == [2, 3, 4]
    assert service.passages("blog2019") == imported.passages
    assert "> The underlying idea" in service.literature_notes(["blog2019"])


SOURCE_TEXT = "Before the plenum, Marshal Zhukov's planes flew the members to Moscow."


@pytest.fixture
def anchored_service(empty_library: Path) -> PassageService:
    """A library with one reference and its full text under sources/."""
    (empty_library / "references.bib").write_text(
        "@book{taubman2004, title={Khrushchev}, year=2004}\n@book{freeze2009, title={R}}\n",
        encoding="utf-8",
    )
    (empty_library / "sources" / "taubman2004.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return PassageService(
        PassageStore(empty_library),
        ReferenceStore(empty_library),
        sources_dir=empty_library / "sources",
    )


def _selection(exact: str, *, source: str = "taubman2004.txt", shift: int = 0) -> Anchor:
    start = SOURCE_TEXT.index(exact) + shift
    return Anchor(
        source=source,
        quote=TextQuoteSelector(exact=exact, prefix="typed by the client"),
        position=TextPositionSelector(start, start + len(exact)),
    )


def test_a_given_anchor_is_stored_with_the_source_own_prefix_and_suffix(
    anchored_service: PassageService, empty_library: Path
) -> None:
    passage = anchored_service.add("taubman2004", "Zhukov", anchor=_selection("Zhukov"))
    stored = json.loads((empty_library / "passages" / "taubman2004.json").read_text("utf-8"))
    start = SOURCE_TEXT.index("Zhukov")
    assert stored["passages"][0]["anchor"] == {
        "source": "taubman2004.txt",
        "quote": {
            "exact": "Zhukov",
            "prefix": SOURCE_TEXT[max(0, start - 32) : start],
            "suffix": SOURCE_TEXT[start + 6 : start + 6 + 32],
        },
        "position": {"start": start, "end": start + 6},
    }
    assert passage.anchor is not None and passage.anchor.quote.prefix.endswith("Marshal ")


def test_a_given_anchor_without_position_is_found_by_its_quote(
    anchored_service: PassageService,
) -> None:
    selection = Anchor(source="taubman2004.txt", quote=TextQuoteSelector(exact="the members"))
    passage = anchored_service.add("taubman2004", "the members", anchor=selection)
    start = SOURCE_TEXT.index("the members")
    assert passage.anchor is not None
    assert passage.anchor.position == TextPositionSelector(start, start + len("the members"))


@pytest.mark.parametrize(
    ("text", "selection", "field"),
    [
        pytest.param("Zhukov", _selection("Zhukov", shift=1), "anchor.position", id="off-by-one"),
        pytest.param("Marshal", _selection("Zhukov"), "anchor.quote.exact", id="other-words"),
        pytest.param(
            "Zhukov", _selection("Zhukov", source="nowhere.txt"), "anchor.source", id="no-file"
        ),
        pytest.param(
            "Zhukov",
            _selection("Zhukov", source="../references.bib"),
            "anchor.source",
            id="outside-sources",
        ),
        pytest.param(
            "absent words",
            Anchor(source="taubman2004.txt", quote=TextQuoteSelector(exact="absent words")),
            "anchor.quote",
            id="not-in-text",
        ),
    ],
)
def test_an_anchor_that_does_not_select_the_quote_is_refused_before_writing(
    anchored_service: PassageService, text: str, selection: Anchor, field: str
) -> None:
    with pytest.raises(InvalidPassage) as refused:
        anchored_service.add("taubman2004", text, anchor=selection)
    assert refused.value.field == field
    assert anchored_service.passages() == []


def test_a_changed_text_is_anchored_again_in_the_passage_own_source(
    anchored_service: PassageService,
) -> None:
    passage = anchored_service.add("freeze2009", "Zhukov", anchor=_selection("Zhukov"))
    edited = anchored_service.edit(passage.id, text="the members")
    start = SOURCE_TEXT.index("the members")
    assert edited.anchor is not None and edited.anchor.source == "taubman2004.txt"
    assert edited.anchor.position == TextPositionSelector(start, start + len("the members"))


PAGED_TEXT = "[p. 41]\nBefore the plenum,\fMarshal Zhukov's planes\fflew the members."


@pytest.mark.parametrize(
    ("text", "locator", "expected"),
    [
        pytest.param("Marshal Zhukov", None, Locator("page", "42"), id="page-from-markers"),
        pytest.param("planes\fflew", None, Locator("page", "42-43"), id="across-a-page-break"),
        pytest.param(
            "Marshal Zhukov", Locator("page", "7"), Locator("page", "7"), id="given-is-kept"
        ),
    ],
)
def test_an_anchored_passage_without_a_locator_gets_its_page_from_the_source(
    anchored_service: PassageService,
    empty_library: Path,
    text: str,
    locator: Locator | None,
    expected: Locator,
) -> None:
    (empty_library / "sources" / "taubman2004.txt").write_text(PAGED_TEXT, encoding="utf-8")
    passage = anchored_service.add("taubman2004", text, locator=locator)
    assert passage.anchor is not None
    assert passage.locator == expected
    assert anchored_service.get(passage.id).locator == expected


def test_a_source_without_page_markers_gives_no_page(anchored_service: PassageService) -> None:
    passage = anchored_service.add("taubman2004", "Zhukov", anchor=_selection("Zhukov"))
    assert passage.anchor is not None and passage.locator is None
