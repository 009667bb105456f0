"""Search results: snippets, locators, facets, paging, and any query at all answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.indexer import SearchIndex
from index.ranking import RERANKED_HITS
from refs.store import ReferenceStore
from tests.index.conftest import MakeIndex
from tests.index.fakes import JsonPassageFiles, make_passage

BIB = """@book{freeze2009, author = {Freeze, Gregory L.}, title = {Russia: A History}, year = 2009}
@book{taubman2003, author = {Taubman, William}, title = {Khrushchev}, year = 2003}
"""


def build(folder: Path, make_index: MakeIndex) -> SearchIndex:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "references.bib").write_text(BIB, encoding="utf-8")
    passages = JsonPassageFiles(folder / "passages")
    passages.save(
        make_passage(
            "P1",
            "freeze2009",
            'Zhukov said: "not even a tank will move" <script>alert("x")</script> & more',
            page="422-423",
            tags=("army", "plenum"),
            notes=("Zhukov <b>threatens</b> the Presidium",),
        )
    )
    for number in range(2, 14):
        passages.save(
            make_passage(
                f"P{number:02d}",
                "taubman2003",
                f"Khrushchev and the tank number {number}.",
                page=str(number),
                tags=("army",),
            )
        )
    return make_index(folder, passages=passages, references=ReferenceStore(folder))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, make_index: MakeIndex) -> Iterator[SearchIndex]:
    yield build(tmp_path_factory.mktemp("search") / "library", make_index)


def test_snippet_marks_matches_and_escapes_everything_else(index: SearchIndex) -> None:
    hit = index.search("script zhukov", limit=1).hits[0]
    assert hit.id == "P1"
    assert "<script>" not in hit.snippet
    assert "&lt;<mark>script</mark>&gt;" in hit.snippet
    assert "<mark>Zhukov</mark>" in hit.snippet
    assert "&amp; more" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_a_short_text_is_shown_whole_around_its_marks(index: SearchIndex) -> None:
    hit = index.search("number 7", limit=1).hits[0]
    assert hit.snippet == "Khrushchev and the tank <mark>number</mark> <mark>7</mark>."


def test_note_hit_names_its_passage_and_escapes_markup(index: SearchIndex) -> None:
    hits = index.search("kind:note threatens", limit=5).hits
    assert [(hit.kind, hit.id, hit.passage_id) for hit in hits] == [("note", "P1-n1", "P1")]
    assert "&lt;b&gt;<mark>threatens</mark>&lt;/b&gt;" in hits[0].snippet


def test_hit_carries_locator_and_full_text(index: SearchIndex) -> None:
    hit = index.search('"not even a tank"', limit=1).hits[0]
    assert (hit.locator.label, hit.locator.value) == ("page", "422-423")  # type: ignore[union-attr]
    assert hit.text.startswith('Zhukov said: "not even a tank will move" <script>')


def test_a_phrase_needs_its_words_in_order(index: SearchIndex) -> None:
    assert [hit.id for hit in index.search('"even a tank"', limit=5).hits] == ["P1"]
    out_of_order = index.search('"tank even"', limit=5)
    assert out_of_order.relaxed  # found only as words, not as the phrase typed
    assert index.search("tank even", limit=5).matched_all == 1


def test_pages_beyond_the_reranked_window_follow_each_other(
    tmp_path: Path, make_index: MakeIndex
) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "references.bib").write_text(BIB, encoding="utf-8")
    passages = JsonPassageFiles(folder / "passages")
    for number in range(RERANKED_HITS + 30):
        word = "tanks" if number % 2 else "tank"
        passages.save(make_passage(f"P{number:03d}", "taubman2003", f"{word} {number}", page="1"))
    index = make_index(folder, passages=passages, references=ReferenceStore(folder))
    everything = [hit.id for hit in index.search("tank", limit=200).hits]
    pages = [
        hit.id
        for offset in range(0, len(everything), 40)
        for hit in index.search("tank", limit=40, offset=offset).hits
    ]
    assert pages == everything
    assert len(set(everything)) == RERANKED_HITS + 30
    # The spelling typed first: every "tank" before every "tanks" among the reranked.
    first = everything[: RERANKED_HITS // 2]
    assert all(int(hit_id[1:]) % 2 == 0 for hit_id in first)


def test_facets_count_every_match_not_only_the_page(index: SearchIndex) -> None:
    result = index.search("tank", limit=2)
    assert result.total == 13
    assert len(result.hits) == 2
    assert result.facets["citekey"] == {"taubman2003": 12, "freeze2009": 1}
    assert result.facets["tag"] == {"army": 13, "plenum": 1}
    assert result.facets["kind"] == {"passage": 13}
    assert result.facets["year"] == {"2003": 12, "2009": 1}


def test_pages_follow_each_other_without_gaps(index: SearchIndex) -> None:
    everything = [hit.id for hit in index.search("tank", limit=50).hits]
    pages = [
        hit.id
        for offset in range(0, 13, 5)
        for hit in index.search("tank", limit=5, offset=offset).hits
    ]
    assert pages == everything
    beyond = index.search("tank", limit=5, offset=40)
    assert (beyond.total, beyond.hits, beyond.offset) == (13, (), 40)


def test_reference_hits_are_found_by_author_and_title(index: SearchIndex) -> None:
    hits = index.search("kind:reference russia", limit=5).hits
    assert [(hit.kind, hit.citekey) for hit in hits] == [("reference", "freeze2009")]
    assert hits[0].snippet == "<mark>Russia</mark>: A History"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('"unclosed phrase', id="open-quote"),
        pytest.param("tank AND", id="trailing-operator"),
        pytest.param("(tank OR", id="open-bracket"),
        pytest.param("year:[1950 TO", id="open-range"),
        pytest.param("tank^^2", id="double-boost"),
        pytest.param("*", id="bare-star"),
        pytest.param("nosuchfield:tank", id="unknown-field"),
        pytest.param("tag:", id="empty-field"),
        pytest.param('~~~ -- "" ()', id="only-syntax"),
    ],
)
def test_odd_queries_get_an_answer_not_an_error(index: SearchIndex, query: str) -> None:
    result = index.search(query, limit=5)
    assert result.query == query
    assert result.total >= len(result.hits)


# Pieces of the query language, Cyrillic, and punctuation, thrown together at random.
PIECES = [
    *"abkxzhuov ЖуковХрущёвΩ\"'()[]{}*~^:-+!?/\\",
    " AND ",
    " OR ",
    " NOT ",
    "year:",
    "tag:",
    "kind:",
    "..",
    "tank",
]
query_text = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=query_text | st.text(max_size=20))
def test_any_query_gets_a_result_document(index: SearchIndex, query: str) -> None:
    result = index.search(query, limit=3)
    assert result.query == query
    assert result.total >= len(result.hits)
    for hit in result.hits:
        assert "<script" not in hit.snippet
