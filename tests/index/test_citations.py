"""Works found the way a historian cites them: citekey, author and year, any .bib field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.indexer import SearchIndex
from refs.store import ReferenceStore
from tests.index.conftest import MakeIndex
from tests.index.fakes import JsonPassageFiles, make_passage

BIB = """@book{taubman2003, author = {Taubman, William}, title = {Khrushchev: The Man and His Era},
  date = {2003}, annotation = {Awarded the 2004 Pulitzer Prize for Biography.}}
@inreference{taubman2004antiparty, author = {Taubman, William}, title = {Anti-Party Group},
  date = {2004}}
@book{linden1966, author = {Linden, Carl A.}, title = {Khrushchev and the Soviet Leadership},
  date = {1966}, publisher = {Johns Hopkins Press}, edition = {3}}
@book{freeze2009, editor = {Freeze, Gregory L.}, title = {Russia: A History}, date = {2009}}
@collection{millar2004, editor = {Millar, James R.}, title = {Encyclopedia of Russian History},
  date = {2004}}
@inreference{smith-entry, author = {Smith, John}, title = {Presidium}, crossref = {millar2004}}
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, make_index: MakeIndex) -> Iterator[SearchIndex]:
    folder = tmp_path_factory.mktemp("citations") / "library"
    folder.mkdir(parents=True)
    (folder / "references.bib").write_text(BIB, encoding="utf-8")
    passages = JsonPassageFiles(folder / "passages")
    passages.save(make_passage("T1", "taubman2004antiparty", "The group was no group at all."))
    passages.save(
        make_passage(
            "G1", "taubman2003", "Khrushchev fought his rivals.", notes=("See linden1966.",)
        )
    )
    passages.save(make_passage("F1", "freeze2009", "Decision-making moved closer.", page="422"))
    passages.save(make_passage("F2", "freeze2009", "Cult of Comrade Zhukov.", page="423"))
    yield make_index(folder, passages=passages, references=ReferenceStore(folder))


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("linden1966", id="bare"),
        pytest.param("@linden1966", id="pandoc"),
        pytest.param("[@linden1966]", id="pandoc-brackets"),
        pytest.param("\\cite{linden1966}", id="latex"),
        pytest.param("LINDEN1966", id="other-case"),
    ],
)
def test_a_citekey_finds_its_reference_before_texts_mentioning_it(
    index: SearchIndex, query: str
) -> None:
    hits = index.search(query, limit=5).hits
    assert (hits[0].kind, hits[0].citekey) == ("reference", "linden1966")
    assert hits[0].match == "all"


def test_a_citekey_with_passages_lists_them_after_the_reference(index: SearchIndex) -> None:
    hits = index.search("freeze2009", limit=5).hits
    assert [(hit.kind, hit.citekey) for hit in hits[:3]] == [
        ("reference", "freeze2009"),
        ("passage", "freeze2009"),
        ("passage", "freeze2009"),
    ]


def test_author_and_year_find_that_work_not_the_authors_others(index: SearchIndex) -> None:
    hits = index.search("Taubman 2003", limit=5).hits
    assert (hits[0].kind, hits[0].citekey) == ("reference", "taubman2003")
    assert hits[0].match == "all"


def test_author_year_and_a_word_find_the_passage(index: SearchIndex) -> None:
    assert index.search("Taubman 2003 rivals", limit=5).hits[0].id == "G1"


def test_a_page_cited_with_the_author_finds_the_passage(index: SearchIndex) -> None:
    assert index.search("Freeze p. 423", limit=5).hits[0].id == "F2"


@pytest.mark.parametrize(
    ("query", "citekey"),
    [
        pytest.param("Pulitzer Prize", "taubman2003", id="annotation"),
        pytest.param("Johns Hopkins", "linden1966", id="publisher"),
        pytest.param("3rd edition", "linden1966", id="edition-as-ordinal"),
    ],
)
def test_any_bib_field_finds_its_reference(index: SearchIndex, query: str, citekey: str) -> None:
    hits = index.search(query, limit=5).hits
    assert (hits[0].kind, hits[0].citekey) == ("reference", citekey)


def test_a_work_is_cited_by_the_year_it_inherits_from_its_crossref_parent(
    index: SearchIndex,
) -> None:
    hits = index.search("Smith 2004", limit=5).hits
    assert (hits[0].kind, hits[0].citekey) == ("reference", "smith-entry")
