"""Queries of plain words answered in tiers: every word, then some words, near spellings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.indexer import SearchIndex
from refs.store import ReferenceStore
from tests.index.conftest import MakeIndex
from tests.index.fakes import JsonPassageFiles, make_passage

BIB = "@book{taubman2003, author = {Taubman, William}, title = {Khrushchev}, year = 2003}\n"
TEXTS = {
    "tank": "Zhukov said that not even a tank would leave its position.",
    "plenum": "The plenum met in Moscow and Zhukov spoke for the army.",
    "moscow": "Moscow was quiet; the army stayed in its barracks.",
    "kazakhstan": "Malenkov was sent to Kazakhstan to run a power station.",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, make_index: MakeIndex) -> Iterator[SearchIndex]:
    folder = tmp_path_factory.mktemp("tiers") / "library"
    folder.mkdir(parents=True)
    (folder / "references.bib").write_text(BIB, encoding="utf-8")
    passages = JsonPassageFiles(folder / "passages")
    for passage_id, text in TEXTS.items():
        passages.save(make_passage(passage_id, "taubman2003", text))
    yield make_index(folder, passages=passages, references=ReferenceStore(folder))


def test_hits_with_every_word_come_before_hits_with_some(index: SearchIndex) -> None:
    result = index.search("Zhukov army Moscow", limit=10)
    assert [hit.id for hit in result.hits][:1] == ["plenum"]
    assert result.hits[0].match == "all"
    assert result.matched_all == 1
    assert {hit.match for hit in result.hits[1:]} == {"some"}


def test_a_word_the_library_lacks_leaves_the_others_found(index: SearchIndex) -> None:
    result = index.search("Zhukov tank bicycle", limit=10)
    assert result.hits[0].id == "tank"
    assert (result.hits[0].match, result.hits[0].missing) == ("some", ("bicycle",))
    assert result.matched_all == 0


def test_missing_a_rare_word_costs_more_than_missing_a_common_one(index: SearchIndex) -> None:
    # "army" is in three texts, "Kazakhstan" in one: the text with Kazakhstan comes first.
    result = index.search("army Kazakhstan", limit=10)
    assert result.hits[0].id == "kazakhstan"
    assert result.hits[0].missing == ("army",)


def test_a_misspelt_word_finds_the_near_spelling_and_suggests_it(index: SearchIndex) -> None:
    result = index.search("Zukhov tank", limit=10)
    assert result.hits[0].id == "tank"
    assert result.hits[0].match == "fuzzy"
    assert result.suggestion == "Zhukov tank"


def test_a_query_of_found_words_suggests_nothing(index: SearchIndex) -> None:
    assert index.search("Zhukov tank", limit=10).suggestion == ""


def test_a_phrase_that_matches_nothing_falls_back_to_its_words(index: SearchIndex) -> None:
    result = index.search('"tank Zhukov"', limit=10)
    assert result.relaxed
    assert result.hits[0].id == "tank"


def test_a_long_pasted_text_is_answered_by_its_significant_words(index: SearchIndex) -> None:
    filler = " ".join(f'("quoted" word{number}) and' for number in range(40))
    pasted = f"{filler} Malenkov ran a power station in Kazakhstan, far from the army."
    result = index.search(pasted, limit=10)
    assert not result.relaxed  # a pasted text is never parsed as the query language
    assert result.hits[0].id == "kazakhstan"
