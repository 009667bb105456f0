"""Quotes ready to paste, bibliographies and exports, through `CitationService`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import rispy

from annotations.model import Locator, Passage, QuotedIn
from refs.omissions import Omission
from refs.store import ReferenceStore
from webapp.citation_service import CitationService, inner_quotes_single

TABLE = Path(__file__).resolve().parents[1] / "data" / "citation_table.bib"
CHICAGO_DOCUMENT_REASON = (
    "chicago-notes-bibliography prints items of type document (@misc) without an archive, "
    "archive place, container title, DOI, number, publisher, references or URL in notes "
    "only; add `publisher`, `howpublished`, `url` or `doi` to include it"
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("citations")
    shutil.copy(TABLE, folder / "references.bib")
    return folder


@pytest.fixture(scope="module")
def service(library: Path) -> CitationService:
    return CitationService(ReferenceStore(library))


def passage(text: str, citekey: str, page: str, quoted_in: QuotedIn | None = None) -> Passage:
    return Passage(
        id="01JDQ8Z6M0000000000000000",
        citekey=citekey,
        text=text,
        locator=Locator("page", page),
        quoted_in=quoted_in,
        created="2026-11-23T18:00:00Z",
        modified="2026-11-23T18:00:00Z",
    )


FREEZE = passage("The underlying idea was to decentralise.", "freeze2009stagnation", "422")
VIA_TAUBMAN = passage(
    "We will bury you.", "linden1966", "12", QuotedIn("taubman2003", Locator("page", "310"))
)


# The citation table holds two works by Freeze of 2009 (the book he edited, his chapter
# in it) and several by Taubman, so a citation is told apart from them as in a paper
# citing the whole library: MLA adds the title, author-date styles a year suffix.
@pytest.mark.parametrize(
    ("quote", "style", "expected"),
    [
        pytest.param(
            FREEZE,
            "mla",
            "“The underlying idea was to decentralise” "
            "(Freeze, “From Stalinism to Stagnation, 1953–1985” 422).",
            id="mla",
        ),
        pytest.param(
            FREEZE,
            "apa",
            "“The underlying idea was to decentralise” (Freeze, 2009a, p. 422).",
            id="apa",
        ),
        pytest.param(
            VIA_TAUBMAN,
            "mla",
            "“We will bury you” (qtd. in Taubman, Khrushchev: The Man and His Era 310).",
            id="mla-qtd-in",
        ),
        pytest.param(
            VIA_TAUBMAN,
            "apa",
            "“We will bury you” (as cited in Taubman, 2003, p. 310).",
            id="apa-as-cited-in",
        ),
        pytest.param(
            VIA_TAUBMAN,
            "chicago-author-date",
            "“We will bury you” (Linden 1966, 12, quoted in Taubman 2003, 310).",
            id="author-date-quoted-in",
        ),
    ],
)
def test_in_text_quote_is_ready_to_paste(
    service: CitationService, quote: Passage, style: str, expected: str
) -> None:
    assert service.quote(quote, style).text == expected


def test_chicago_quote_has_its_full_note(service: CitationService) -> None:
    assert service.quote(FREEZE, "chicago").text == (
        "“The underlying idea was to decentralise.”¹\n\n"
        "1. Gregory L. Freeze, “From Stalinism to Stagnation, 1953–1985,” in Russia: A History,"
        " 3rd ed., ed. Gregory L. Freeze (Oxford University Press, 2009), 422."
    )


def test_chicago_secondary_source_note_says_quoted_in(service: CitationService) -> None:
    note = service.quote(VIA_TAUBMAN, "chicago").text.split("\n\n1. ")[1]
    assert note == (
        "Carl A. Linden, Khrushchev and the Soviet Leadership, 1957–1964 (Johns Hopkins Press,"
        " 1966), 12, quoted in William Taubman, Khrushchev: The Man and His Era (W. W. Norton,"
        " 2003), 310."
    )


def test_quote_in_html_escapes_the_quote_and_italicises_titles(service: CitationService) -> None:
    text = passage("a < b & c", "linden1966", "1")
    assert service.quote(text, "chicago", "html").text == (
        "<p>“a &lt; b &amp; c.”<sup>1</sup></p>\n"
        '<p class="footnote">1. Carl A. Linden, <i>Khrushchev and the Soviet Leadership,'
        " 1957–1964</i> (Johns Hopkins Press, 1966), 1.</p>"
    )


def test_ellipsis_at_the_end_of_a_quote_is_kept(service: CitationService) -> None:
    text = passage("The underlying idea was ...", "linden1966", "422")
    assert service.quote(text, "mla").text == "“The underlying idea was ...” (Linden 422)."


NESTED = passage('Pravda called them “the Anti-Party Group” and "plotters".', "linden1966", "7")


@pytest.mark.parametrize(
    ("style", "output", "expected"),
    [
        pytest.param(
            "mla",
            "text",
            "“Pravda called them ‘the Anti-Party Group’ and ‘plotters’” (Linden 7).",
            id="mla-text",
        ),
        pytest.param(
            "apa",
            "markdown",
            "“Pravda called them ‘the Anti-Party Group’ and ‘plotters’” (Linden, 1966, p. 7).",
            id="apa-markdown",
        ),
        pytest.param(
            "chicago",
            "html",
            "<p>“Pravda called them ‘the Anti-Party Group’ and ‘plotters’.”<sup>1</sup></p>",
            id="chicago-html",
        ),
        pytest.param(
            "chicago",
            "text",
            "“Pravda called them ‘the Anti-Party Group’ and ‘plotters’.”¹",
            id="chicago-text",
        ),
    ],
)
def test_a_quote_within_the_quote_gets_single_quotation_marks(
    service: CitationService, style: str, output: str, expected: str
) -> None:
    assert service.quote(NESTED, style, output).text.split("\n")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("“a” and “b”", "‘a’ and ‘b’", id="curly"),
        pytest.param('"a" ("b") ["c"]', "‘a’ (‘b’) [‘c’]", id="straight"),
        pytest.param("don’t ‘touch’ these", "don’t ‘touch’ these", id="singles-stay"),
        pytest.param("no quotes at all", "no quotes at all", id="none"),
    ],
)
def test_inner_quotes_single(text: str, expected: str) -> None:
    assert inner_quotes_single(text) == expected


def test_bibliography_export_is_sorted_by_the_style(service: CitationService) -> None:
    text = service.export(["trotsky2004", "carr1950history", "linden1966"], "text", "mla").text
    assert [line.split(",")[0] for line in text.splitlines()] == ["Carr", "Linden", "Trotsky"]


def test_bibtex_export_of_a_bibtex_entry_is_byte_identical(
    service: CitationService, library: Path
) -> None:
    source = (library / "references.bib").read_text(encoding="utf-8")
    exported = service.export(["cohen1969bukharin"], "bibtex").text
    assert exported.strip() in source


def test_bibtex_export_renames_biblatex_fields(service: CitationService) -> None:
    exported = service.export(["gorlizki1995"], "bibtex").text
    # The renamed fields follow the entry's own `=` alignment.
    assert re.search(r"\n  journal +\= \{Slavic Review\},", exported)
    assert "journaltitle" not in exported
    assert re.search(r"\n  year +\= \{1995\},", exported)


def test_biblatex_export_renames_classic_fields(service: CitationService) -> None:
    exported = service.export(["kramer1998"], "biblatex").text
    assert re.search(r"\n  journaltitle +\= \{Journal of Contemporary History\},", exported)
    assert "journal " not in exported


def test_csljson_export_is_the_items(service: CitationService) -> None:
    items = json.loads(service.export(["linden1966"], "csljson").text)
    assert items == [service.csl_item("linden1966")]


def test_ris_export_reads_back(service: CitationService) -> None:
    [record] = rispy.loads(service.export(["gorlizki1995"], "ris").text)
    assert record["type_of_reference"] == "JOUR"
    assert record["authors"] == ["Gorlizki, Yoram"]
    assert (record["start_page"], record["end_page"]) == ("1", "22")
    assert record["doi"] == "10.2307/2501117"


def test_markdown_quote_uses_a_footnote(service: CitationService) -> None:
    text = passage("*Bold* claim", "linden1966", "5")
    assert service.quote(text, "chicago", "markdown").text == (
        "“\\*Bold\\* claim.”[^1]\n\n"
        "[^1]: Carl A. Linden, *Khrushchev and the Soviet Leadership, 1957–1964* (Johns Hopkins"
        " Press, 1966), 5."
    )


def test_html_bibliography_wraps_each_entry(service: CitationService) -> None:
    text = service.export(["linden1966", "trotsky2004"], "html", "apa").text
    assert text.startswith('<div class="csl-bib-body">\n  <div class="csl-entry">Linden, C. A.')
    assert text.count('<div class="csl-entry">') == 2


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param(
            "chicago-notes-bibliography-17th-edition",
            "Linden, Carl A. Khrushchev and the Soviet Leadership, 1957–1964."
            " Baltimore: Johns Hopkins Press, 1966.",
            id="chicago-17th-keeps-the-place",
        ),
        pytest.param(
            "ieee",
            "[1] C. A. Linden, Khrushchev and the Soviet Leadership, 1957–1964."
            " Baltimore: Johns Hopkins Press, 1966.",
            id="ieee",
        ),
    ],
)
def test_other_bundled_styles_work_by_id(
    service: CitationService, style: str, expected: str
) -> None:
    assert service.cite("linden1966", style).text == expected


def test_a_work_the_style_leaves_out_is_empty_with_the_reason(library: Path) -> None:
    folder = library.parent / "private"
    folder.mkdir()
    (folder / "references.bib").write_text(
        "@misc{memo, author={Zhukov, Georgy K.}, title={Words on the Army}, date={1957-06}}\n",
        encoding="utf-8",
    )
    result = CitationService(ReferenceStore(folder)).cite("memo", "chicago")
    assert result.text == ""
    assert result.omitted == (Omission("memo", CHICAGO_DOCUMENT_REASON),)


DISAMBIGUATION = Path(__file__).resolve().parents[1] / "data" / "disambiguation.bib"


@pytest.fixture(scope="module")
def works(tmp_path_factory: pytest.TempPathFactory) -> CitationService:
    """Two works by Trotsky, two by Wolfe from 1957, and an unpublished memorandum."""
    folder = tmp_path_factory.mktemp("disambiguation")
    shutil.copy(DISAMBIGUATION, folder / "references.bib")
    return CitationService(ReferenceStore(folder))


@pytest.mark.parametrize(
    ("citekey", "style", "expected"),
    [
        pytest.param("trotsky1925lenin", "mla", "(Trotsky, Lenin)", id="mla-lenin"),
        pytest.param("trotsky1941stalin", "mla", "(Trotsky, Stalin)", id="mla-stalin"),
        pytest.param(
            "wolfe1957durability",
            "mla",
            "(Wolfe, “The Durability of Despotism in the Soviet System”)",
            id="mla-article-title-in-quotes",
        ),
        pytest.param("deutscher1957", "mla", "(Deutscher)", id="mla-alone"),
        pytest.param("wolfe1957ghost", "chicago-author-date", "(Wolfe 1957a)", id="cad-a"),
        pytest.param("wolfe1957durability", "chicago-author-date", "(Wolfe 1957b)", id="cad-b"),
        pytest.param("deutscher1957", "chicago-author-date", "(Deutscher 1957)", id="cad-alone"),
        pytest.param("wolfe1957ghost", "apa", "(Wolfe, 1957a)", id="apa-a"),
        pytest.param("wolfe1957durability", "apa", "(Wolfe, 1957b)", id="apa-b"),
    ],
)
def test_one_citation_is_told_apart_from_the_librarys_other_works(
    works: CitationService, citekey: str, style: str, expected: str
) -> None:
    assert works.cite(citekey, style, mode="citation").text == expected


@pytest.mark.parametrize(
    ("citekey", "style", "expected"),
    [
        pytest.param("wolfe1957durability", "chicago-author-date", "Wolfe, Bertram D. 1957b. "),
        pytest.param("wolfe1957durability", "apa", "Wolfe, B. D. (1957b). "),
        pytest.param("trotsky1941stalin", "mla", "Trotsky, Leon. Stalin. "),
    ],
)
def test_one_bibliography_entry_agrees_with_its_citation(
    works: CitationService, citekey: str, style: str, expected: str
) -> None:
    assert works.cite(citekey, style).text.startswith(expected)


def test_a_quote_is_told_apart_too(works: CitationService) -> None:
    quote = passage("Despotism endures.", "wolfe1957durability", "93")
    assert works.quote(quote, "apa").text == "“Despotism endures” (Wolfe, 1957b, p. 93)."


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param(
            "chicago-author-date",
            ["Wolfe, Bertram D. 1957a. ", "Wolfe, Bertram D. 1957b. "],
            id="cad",
        ),
        pytest.param("apa", ["Wolfe, B. D. (1957a). ", "Wolfe, B. D. (1957b). "], id="apa"),
    ],
)
def test_an_export_tells_its_works_apart(
    works: CitationService, style: str, expected: list[str]
) -> None:
    text = works.export(["wolfe1957durability", "wolfe1957ghost"], "text", style).text
    assert [line[: len(expected[0])] for line in text.splitlines()] == expected


def test_an_export_names_each_work_the_style_leaves_out(works: CitationService) -> None:
    result = works.export(None, "text", "chicago")
    assert len(result.text.splitlines()) == 5
    assert "Molotov" not in result.text
    assert [omission.citekey for omission in result.omitted] == ["molotov1957memo"]
    assert result.omitted[0].reason.startswith(
        "chicago-notes-bibliography prints items of type document (@misc) without an archive"
    )


def test_an_export_in_a_style_that_prints_everything_omits_nothing(
    works: CitationService,
) -> None:
    result = works.export(None, "text", "mla")
    assert (len(result.text.splitlines()), result.omitted) == (6, ())


def test_entries_are_formatted_in_one_document(works: CitationService) -> None:
    entries, omitted = works.entries(
        ["wolfe1957ghost", "wolfe1957durability", "molotov1957memo"], "chicago-author-date"
    )
    assert entries["wolfe1957durability"].startswith("Wolfe, Bertram D. 1957b. ")
    assert set(entries) == {"wolfe1957ghost", "wolfe1957durability", "molotov1957memo"}
    assert omitted == ()


def test_omissions_of_the_library_are_read_from_the_style(works: CitationService) -> None:
    [(reference, omission)] = works.omissions("chicago")
    assert (reference.citekey, reference.line) == ("molotov1957memo", 47)
    assert omission.citekey == "molotov1957memo"
