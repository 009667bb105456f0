"""CSL-JSON items to BibLaTeX entries, one row per field or type."""

from __future__ import annotations

from typing import Any

import pytest

from refs.errors import InvalidImportFile
from refs.fromcsl import entries_from_csljson, entry_from_csl


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(
            {
                "author": [
                    {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}
                ]
            },
            {"author": "van Beethoven, Ludwig"},
            id="particle",
        ),
        pytest.param(
            {"author": [{"family": "King", "given": "Martin Luther", "suffix": "Jr."}]},
            {"author": "King, Jr., Martin Luther"},
            id="suffix",
        ),
        pytest.param(
            {"author": [{"literal": "Library of Congress"}, {"family": "Ng", "given": "A"}]},
            {"author": "{Library of Congress} and Ng, A"},
            id="literal-and-second",
        ),
        pytest.param(
            {"editor": [{"family": "Smith and Sons"}]}, {"editor": "{Smith and Sons}"}, id="and"
        ),
        pytest.param(
            {"translator": [{"family": "Floyd", "given": "David"}]},
            {"translator": "Floyd, David"},
            id="translator",
        ),
        pytest.param({"title": "Rock & Roll 50%"}, {"title": "Rock \\& Roll 50\\%"}, id="escaped"),
        pytest.param(
            {"title": 'The <i>Pravda</i> <span class="nocase">iPhone</span> <i><b>x</b></i>'},
            {"title": "The \\emph{Pravda} {iPhone} \\emph{\\textbf{x}}"},
            id="rich-text",
        ),
        pytest.param({"issued": {"date-parts": [[1966]]}}, {"year": "1966"}, id="year-only"),
        pytest.param(
            {"issued": {"date-parts": [[1957, 7, 7]]}}, {"date": "1957-07-07"}, id="full-date"
        ),
        pytest.param(
            {"issued": {"date-parts": [["1957", "6"], [1957, 7]]}},
            {"date": "1957-06/1957-07"},
            id="range-with-strings",
        ),
        pytest.param({"issued": {"raw": "1957-07"}}, {"date": "1957-07"}, id="raw-iso"),
        pytest.param({"issued": {"literal": "Summer 1957"}}, {"year": "1957"}, id="literal"),
        pytest.param(
            {"accessed": {"date-parts": [[2019, 3, 1]]}}, {"urldate": "2019-03-01"}, id="accessed"
        ),
        pytest.param(
            {"original-date": {"date-parts": [[1867]]}}, {"origdate": "1867"}, id="original-date"
        ),
        pytest.param({"page": "422-423"}, {"pages": "422--423"}, id="page-range"),
        pytest.param({"volume": 12, "issue": "3"}, {"volume": "12", "number": "3"}, id="numbers"),
        pytest.param({"DOI": "10.1000/X_Y"}, {"doi": "10.1000/X_Y"}, id="doi-verbatim"),
        pytest.param({"URL": "https://a.org/x_%20"}, {"url": "https://a.org/x_%20"}, id="url"),
        pytest.param({"language": "ru-RU"}, {"langid": "russian"}, id="language"),
        pytest.param({"publisher-place": "Baltimore"}, {"location": "Baltimore"}, id="place"),
    ],
)
def test_csl_fields_become_bibtex_fields(item: dict[str, Any], expected: dict[str, str]) -> None:
    assert dict(entry_from_csl({"type": "book", **item}).fields) == expected


@pytest.mark.parametrize(
    ("csl_type", "entry_type", "container_field"),
    [
        pytest.param("article-journal", "article", "journaltitle", id="article"),
        pytest.param("article-newspaper", "article", "journaltitle", id="newspaper"),
        pytest.param("chapter", "incollection", "booktitle", id="chapter"),
        pytest.param("paper-conference", "inproceedings", "booktitle", id="paper"),
        pytest.param("entry-encyclopedia", "inreference", "booktitle", id="encyclopedia"),
        pytest.param("webpage", "online", "organization", id="webpage"),
        pytest.param("motion_picture", "misc", "booktitle", id="unknown-is-misc"),
    ],
)
def test_csl_types_and_their_container(
    csl_type: str, entry_type: str, container_field: str
) -> None:
    entry = entry_from_csl({"type": csl_type, "container-title": "C"})
    assert entry.entry_type == entry_type
    assert entry.fields[container_field] == "C"


def test_citation_key_is_kept() -> None:
    assert entry_from_csl({"type": "book", "citation-key": "freeze2009"}).citekey == "freeze2009"


@pytest.mark.parametrize(
    "text", [pytest.param("[{", id="broken-json"), pytest.param("[1]", id="not-an-object")]
)
def test_bad_csljson_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidImportFile, match="CSL-JSON"):
        entries_from_csljson(text)
