"""Queries of words answered with dicts and sets give Whoosh's own matches and scores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh.collectors import UnlimitedCollector

from index.indexer import SearchIndex
from index.query import parse_query
from index.whoosh_backend import WhooshBackend, whoosh_search_index
from index.wordqueries import PostingCache, Unsupported, scored_matches
from tests.index.corpus import build_corpus_library
from tests.index.fakes import JsonPassageFiles, make_passage

QUERIES = [
    "zhukov",
    "zhukov tank",
    "Хрущёв Mikoyan",
    "Molotov OR Malenkov",
    "(Molotov OR Malenkov) -Kaganovich",
    "Shepilov NOT Kaganovich",
    "Molotov^3 faction",
    "kind:note Zhukov",
    "tag:kgb Moscow",
    "citekey:freeze2009 cult",
    "author:taubman",
    "khrush*",
    "zhukof~",
    "Malinovsy~ OR tass",
    "year:1950..1960 Zhukov",
    "nosuchword",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The relevance corpus, then one file rewritten: a second segment and deletions."""
    folder = tmp_path_factory.mktemp("wordqueries") / "library"
    index = build_corpus_library(folder, whoosh_search_index)
    index.rebuild()
    passages = JsonPassageFiles(folder / "passages")
    passages.save(make_passage("extra-zhukov", "freeze2009", "Zhukov and the tank again", page="9"))
    edited = passages.passages_of("freeze2009")[0]
    passages.save(replace(edited, text=f"{edited.text} Molotov, Zhukov and Malenkov."))
    index.passage_saved(edited)
    yield index


def _backend(index: SearchIndex) -> WhooshBackend:
    index.ensure_current()
    backend = index._backend
    assert isinstance(backend, WhooshBackend)
    return backend


@pytest.mark.parametrize("text", QUERIES)
def test_word_queries_match_and_score_as_whoosh_does(library: SearchIndex, text: str) -> None:
    backend = _backend(library)
    searcher = backend._current_searcher()
    assert len(searcher.reader().leaf_readers()) > 1 and searcher.reader().has_deletions()
    query = parse_query(text, backend._query_parser())
    collector = UnlimitedCollector()
    searcher.search_with_collector(query, collector)
    expected = {docnum: score for score, docnum in collector.items}
    ours = scored_matches(searcher, query, searcher.weighting, PostingCache())
    assert set(ours) == set(expected)
    for docnum, score in expected.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-9), text


@pytest.mark.parametrize("text", ['"collective leadership"', 'Zhukov "collective leadership"'])
def test_other_queries_are_left_to_whoosh(library: SearchIndex, text: str) -> None:
    backend = _backend(library)
    searcher = backend._current_searcher()
    with pytest.raises(Unsupported):
        scored_matches(
            searcher,
            parse_query(text, backend._query_parser()),
            searcher.weighting,
            PostingCache(),
        )


def test_a_deleted_passage_is_not_matched(tmp_path: Path) -> None:
    index = build_corpus_library(tmp_path / "library", whoosh_search_index)
    index.rebuild()
    passages = JsonPassageFiles(tmp_path / "library" / "passages")
    assert "tank" in [hit.id for hit in index.search("tank").hits]
    passages.delete("tank", "theinfolist2020antiparty")
    index.passage_deleted("tank", "theinfolist2020antiparty")
    assert "tank" not in [hit.id for hit in index.search("tank").hits]


def test_a_tiny_posting_cache_evicts_and_still_answers_the_same(library: SearchIndex) -> None:
    backend = _backend(library)
    searcher = backend._current_searcher()
    query = parse_query("Molotov OR Malenkov OR Zhukov", backend._query_parser())
    roomy = scored_matches(searcher, query, searcher.weighting, PostingCache())
    tiny = PostingCache(max_postings=1)
    first = scored_matches(searcher, query, searcher.weighting, tiny)
    again = scored_matches(searcher, query, searcher.weighting, tiny)
    assert first == again == roomy
    assert len(tiny._entries) == 1  # only the last term read is kept


def test_postings_of_segments_merged_away_are_forgotten(library: SearchIndex) -> None:
    backend = _backend(library)
    searcher = backend._current_searcher()
    cache = PostingCache()
    query = parse_query("zhukov", backend._query_parser())
    scored_matches(searcher, query, searcher.weighting, cache)
    held = set(cache._entries)
    assert held
    cache.retain(["no-such-segment"])
    assert not cache._entries and cache._held == 0
