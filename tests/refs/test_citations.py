"""The traps a historian would notice first, the style registry and the engine's errors.

Expected strings here are what citeproc-js prints (they are also in the fixtures); each
test names the rule it guards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from refs import citations
from refs.citations import (
    CitationEngine,
    CitationError,
    CiteItem,
    format_bibliography,
    format_citations,
    missing_fields,
)
from refs.styles import UnknownStyle, resolve_style, style_names

TABLE = Path(__file__).resolve().parents[1] / "fixtures" / "citeproc" / "citation_table.json"
ITEMS: dict[str, dict[str, Any]] = {
    item["id"]: item for item in json.loads(TABLE.read_text(encoding="utf-8"))["items"]
}


def entry(citekey: str, style: str, output: str = "text") -> str:
    return format_bibliography([ITEMS[citekey]], style, output)[0][1]


def cite(citekey: str, style: str, locator: str = "", label: str = "page") -> str:
    [text] = format_citations(
        [ITEMS[citekey]], [[CiteItem(citekey=citekey, locator=locator, label=label)]], style
    )
    return text


def test_mla_prints_full_given_names_not_initials() -> None:
    assert entry("linden1966", "mla").startswith("Linden, Carl A. Khrushchev")


@pytest.mark.parametrize(
    ("style", "date"),
    [
        pytest.param("mla", "7 July 1957", id="mla"),
        pytest.param("chicago", "July 7, 1957", id="chicago"),
        pytest.param("apa", "(1957, July 7)", id="apa"),
    ],
)
def test_newspaper_dates_keep_the_day(style: str, date: str) -> None:
    assert date in entry("pravda1957jul07", style)


@pytest.mark.parametrize(
    ("style", "citekey", "expected"),
    [
        pytest.param("mla", "medvedev1976", "(Medvedev and Medvedev 12)", id="mla-2-names"),
        pytest.param("mla", "getty1993", "(Getty et al. 12)", id="mla-3-et-al"),
        pytest.param("apa", "getty1993", "(Getty et al., 1993, p. 12)", id="apa-3-et-al"),
        pytest.param(
            "chicago-author-date",
            "getty1993",
            "(Getty et al. 1993, 12)",
            id="cad-18th-3-et-al",
        ),
        pytest.param(
            "chicago-author-date", "medvedev1976", "(Medvedev and Medvedev 1976, 12)", id="cad-2"
        ),
    ],
)
def test_et_al_thresholds_follow_each_style(style: str, citekey: str, expected: str) -> None:
    assert cite(citekey, style, "12") == expected


def test_mla_bibliography_uses_et_al_from_three_authors_chicago_lists_them() -> None:
    assert entry("getty1993", "mla").startswith("Getty, J. Arch, et al. ")
    assert entry("getty1993", "chicago").startswith(
        "Getty, J. Arch, Gábor T. Rittersporn, and Viktor N. Zemskov."
    )


@pytest.mark.parametrize("style", ["mla", "chicago", "chicago-author-date", "apa"])
def test_containers_are_in_italics(style: str) -> None:
    assert "<i>Slavic Review</i>" in entry("gorlizki1995", style, "html")


def test_markdown_italics_use_asterisks() -> None:
    assert "*Slavic Review*" in entry("gorlizki1995", "mla", "markdown")


@pytest.mark.parametrize(
    ("citekey", "expected"),
    [
        pytest.param("pravda1957jul07", "Pravda, 7 July 1957, p. 1.", id="one-page"),
        pytest.param("gorlizki1995", "1995, pp. 1–22,", id="page-range"),
    ],
)
def test_mla_page_label_is_singular_or_plural(citekey: str, expected: str) -> None:
    assert expected in entry(citekey, "mla")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param("mla", "(Linden xiv)", id="mla"),
        pytest.param("apa", "(Linden, 1966, p. xiv)", id="apa"),
        pytest.param("chicago-author-date", "(Linden 1966, xiv)", id="chicago-author-date"),
    ],
)
def test_roman_numeral_pages(style: str, expected: str) -> None:
    assert cite("linden1966", style, "xiv") == expected


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param("mla", "(Linden 422–23)", id="mla"),
        pytest.param("apa", "(Linden, 1966, pp. 422–423)", id="apa"),
    ],
)
def test_ranges_use_en_dashes(style: str, expected: str) -> None:
    assert cite("linden1966", style, "422-423") == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        pytest.param("chapter", "(Linden, ch. 3)", id="chapter"),
        pytest.param("paragraph", "(Linden, par. 3)", id="paragraph"),
    ],
)
def test_non_page_locators_keep_their_label(label: str, expected: str) -> None:
    assert cite("linden1966", "mla", "3", label) == expected


def test_chicago_title_cases_and_apa_keeps_the_title_as_written() -> None:
    assert "in the Pre-War Years" in entry("getty1993", "chicago")
    assert "in the Pre-war Years" in entry("getty1993", "apa")


def test_transliterated_russian_titles_are_not_title_cased() -> None:
    assert "“Rech’ tovarishcha N. S. Khrushcheva na sobranii" in entry("pravda1957jul07", "chicago")


@pytest.mark.parametrize("style", ["mla", "chicago", "chicago-author-date", "apa"])
def test_no_doubled_period_after_an_initial_or_abbreviation(style: str) -> None:
    for citekey in ("carr1950history", "resis1993", "matlock1995"):
        assert ".." not in entry(citekey, style)


def test_chicago_first_note_is_full_and_the_next_is_short() -> None:
    first, second = format_citations(
        [ITEMS["linden1966"]],
        [
            [CiteItem(citekey="linden1966", locator="422")],
            [CiteItem(citekey="linden1966", locator="423")],
        ],
        "chicago",
    )
    assert first == (
        "Carl A. Linden, Khrushchev and the Soviet Leadership, 1957–1964 "
        "(Johns Hopkins Press, 1966), 422."
    )
    assert second == "Linden, Khrushchev and the Soviet Leadership, 1957–1964, 423."


def test_bibliography_is_sorted_as_the_style_says() -> None:
    items = [ITEMS[key] for key in ("trotsky2004", "linden1966", "carr1950history")]
    assert [key for key, _ in format_bibliography(items, "mla")] == [
        "carr1950history",
        "linden1966",
        "trotsky2004",
    ]


@pytest.mark.parametrize(
    ("name", "style_id"),
    [
        pytest.param("mla", "modern-language-association", id="mla"),
        pytest.param("chicago", "chicago-notes-bibliography", id="chicago"),
        pytest.param("chicago-author-date", "chicago-author-date", id="chicago-author-date"),
        pytest.param("apa", "apa", id="apa"),
        pytest.param(
            "chicago-notes-bibliography-17th-edition",
            "chicago-notes-bibliography-17th-edition",
            id="by-id",
        ),
        pytest.param("APA", "apa", id="case-insensitive"),
    ],
)
def test_style_names_resolve(name: str, style_id: str) -> None:
    assert resolve_style(name).id == style_id


def test_short_names_are_the_current_editions() -> None:
    assert "18th edition" in resolve_style("chicago").title
    assert "18th edition" in resolve_style("chicago-author-date").title
    assert "17th edition" in resolve_style("chicago-notes-bibliography-17th-edition").title
    assert "MLA Handbook 9th edition" in resolve_style("mla").title
    assert "APA Style 7th edition" in resolve_style("apa").title
    assert resolve_style("chicago").is_note and not resolve_style("mla").is_note


def test_unknown_style_suggests_close_names() -> None:
    with pytest.raises(UnknownStyle) as error:
        resolve_style("chicgo")
    assert "chicago" in error.value.suggestions
    assert str(error.value).startswith("unknown style 'chicgo'; did you mean: chicago")


def test_every_short_name_is_listed() -> None:
    assert style_names()[:4] == ["mla", "chicago", "chicago-author-date", "apa"]


def test_unknown_output_format_is_an_error_naming_the_field() -> None:
    with pytest.raises(CitationError) as error:
        format_bibliography([ITEMS["linden1966"]], "mla", "rtf")
    assert error.value.field == "format"


def test_missing_fields_are_named_and_the_entry_is_still_formatted() -> None:
    item = {"id": "x", "type": "article-journal", "title": "Untitled Notes"}
    assert missing_fields(item) == ["author or editor", "date or year", "journaltitle or journal"]
    assert entry_of(item, "mla") == "Untitled Notes."


def test_complete_items_miss_nothing() -> None:
    assert all(missing_fields(item) == [] for item in ITEMS.values() if item["type"] == "book")


def entry_of(item: dict[str, Any], style: str, output: str = "text") -> str:
    return format_bibliography([item], style, output)[0][1]


# BibTeX's "and others", as the converter emits it: a last name {"literal": "others"}.
OTHERS = {"literal": "others"}
SMITH = {"family": "Smith", "given": "John"}
JONES = {"family": "Jones", "given": "Ann"}
BROWN = {"family": "Brown", "given": "Bob"}
# Enough names for every style to truncate the list itself.
TWENTY_FIVE = [{"family": f"Name{number:02d}", "given": "Alan"} for number in range(25)]


def book_by(names: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": "etal",
        "type": "book",
        "author": names,
        "title": "A Book",
        "publisher": "Pub",
        "issued": {"date-parts": [[1957]]},
    }


def cite_of(item: dict[str, Any], style: str, output: str = "text") -> str:
    [text] = format_citations([item], [[CiteItem(citekey=item["id"])]], style, output)
    return text


@pytest.mark.parametrize("output", ["text", "html"])
@pytest.mark.parametrize(
    ("style", "bibliography", "citation"),
    [
        pytest.param("mla", "Smith, John, et al. ", "(Smith et al.)", id="mla"),
        pytest.param("chicago", "Smith, John, et al. ", "John Smith et al., ", id="chicago-notes"),
        pytest.param(
            "chicago-author-date", "Smith, John, et al. 1957", "(Smith et al. 1957)", id="cad"
        ),
        pytest.param("apa", "Smith, J., et al. (1957)", "(Smith et al., 1957)", id="apa"),
    ],
)
def test_and_others_prints_the_styles_et_al(
    style: str, bibliography: str, citation: str, output: str
) -> None:
    item = book_by([SMITH, OTHERS])
    assert entry_of(item, style, output).startswith(bibliography)
    assert cite_of(item, style, output).startswith(citation)
    assert "others" not in entry_of(item, style, output) + cite_of(item, style, output)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param("mla", "Smith, John, et al. ", id="mla"),
        pytest.param("chicago", "Smith, John, Ann Jones, et al. ", id="chicago"),
        pytest.param("apa", "Smith, J., Jones, A., et al. (1957)", id="apa"),
    ],
)
def test_and_others_after_two_names_keeps_both_where_the_style_lists_them(
    style: str, expected: str
) -> None:
    assert entry_of(book_by([SMITH, JONES, OTHERS]), style).startswith(expected)


@pytest.mark.parametrize("style", ["mla", "chicago", "chicago-author-date", "apa"])
def test_and_others_on_a_list_the_style_truncates_anyway_changes_no_citation(
    style: str,
) -> None:
    assert cite_of(book_by([*TWENTY_FIVE, OTHERS]), style) == cite_of(book_by(TWENTY_FIVE), style)


@pytest.mark.parametrize("style", ["mla", "chicago", "chicago-author-date"])
def test_and_others_on_a_list_the_style_truncates_anyway_changes_no_entry(style: str) -> None:
    assert entry_of(book_by([*TWENTY_FIVE, OTHERS]), style) == entry_of(book_by(TWENTY_FIVE), style)


def test_apa_and_others_on_a_long_list_ends_in_et_al_not_an_unknown_last_author() -> None:
    # APA lists 19 names, an ellipsis and the last author; with "and others" the last
    # author is unknown, so the list ends in the plain et-al instead.
    assert "Name18, A., … Name24, A. (1957)" in entry_of(book_by(TWENTY_FIVE), "apa")
    assert "Name18, A., et al. (1957)" in entry_of(book_by([*TWENTY_FIVE, OTHERS]), "apa")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param("mla", "Smith, John, et al. ", id="mla"),
        pytest.param("chicago", "Smith, John, Ann Jones, and Bob Brown. ", id="chicago"),
        pytest.param("apa", "Smith, J., Jones, A., & Brown, B. (1957)", id="apa"),
    ],
)
def test_lists_without_the_marker_are_as_citeproc_js_prints_them(style: str, expected: str) -> None:
    assert entry_of(book_by([SMITH, JONES, BROWN]), style).startswith(expected)


def test_an_institution_named_as_a_literal_is_still_printed() -> None:
    item = book_by([SMITH, {"literal": "Academy of Sciences"}])
    assert entry_of(item, "chicago").startswith("Smith, John and Academy of Sciences. ")


def book(citekey: str, family: str, title: str, year: int, **more: Any) -> dict[str, Any]:
    return {
        "id": citekey,
        "type": "book",
        "author": [{"family": family, "given": "Leon" if family == "Trotsky" else "B. D."}],
        "title": title,
        "publisher": "Harper",
        "issued": {"date-parts": [[year]]},
        **more,
    }


LENIN = book("lenin", "Trotsky", "Lenin", 1925)
STALIN = book("stalin", "Trotsky", "Stalin", 1941)
GHOST = book("ghost", "Wolfe", "Khrushchev and Stalin’s Ghost", 1957)
DURABILITY = book("durability", "Wolfe", "The Durability of Despotism", 1957)
MEMO = {
    "id": "memo",
    "type": "document",
    "author": [{"family": "Molotov", "given": "V. M."}],
    "title": "Memorandum",
    "issued": {"date-parts": [[1957]]},
}


@pytest.mark.parametrize(
    ("style", "items", "expected"),
    [
        pytest.param("mla", [LENIN, STALIN], "(Trotsky, Lenin)", id="mla-title"),
        pytest.param("mla", [LENIN], "(Trotsky)", id="mla-alone"),
        pytest.param("chicago-author-date", [GHOST, DURABILITY], "(Wolfe 1957a)", id="cad"),
        pytest.param("apa", [GHOST, DURABILITY], "(Wolfe, 1957a)", id="apa"),
    ],
)
def test_a_citation_is_told_apart_from_every_item_of_the_document_cited_or_not(
    style: str, items: list[dict[str, Any]], expected: str
) -> None:
    citekey = items[0]["id"]
    assert format_citations(items, [[CiteItem(citekey=citekey)]], style) == [expected]


def test_a_later_citation_changes_an_earlier_one_and_both_come_back_final() -> None:
    clusters = [[CiteItem(citekey="ghost")], [CiteItem(citekey="durability")]]
    assert format_citations([GHOST, DURABILITY], clusters, "chicago-author-date") == [
        "(Wolfe 1957a)",
        "(Wolfe 1957b)",
    ]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        pytest.param("chicago-author-date", "Wolfe, B. D. 1957b. ", id="year-suffix"),
        pytest.param("mla", "Wolfe, B. D. The Durability", id="no-dashes-for-the-author"),
    ],
)
def test_the_entries_of_some_items_are_as_in_the_bibliography_of_all(
    style: str, expected: str
) -> None:
    [(citekey, text)] = format_bibliography([GHOST, DURABILITY], style, only=["durability"])
    assert citekey == "durability"
    assert text.startswith(expected)


def test_a_work_the_style_leaves_out_has_no_entry_and_the_others_keep_theirs() -> None:
    # The memo sorts between the Trotsky and Wolfe works: every entry after it must still
    # be paired with its own citekey.
    items = {item["id"]: item for item in (LENIN, MEMO, GHOST, STALIN)}
    entries = format_bibliography(list(items.values()), "chicago")
    assert [citekey for citekey, _ in entries] == ["lenin", "stalin", "ghost"]
    assert all(f" {items[citekey]['title']}. " in text for citekey, text in entries)


def test_the_engine_cache_stays_within_its_heap_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citations, "ENGINE_HEAP_BUDGET", 60 * 1024 * 1024)
    engine = CitationEngine()
    item = {"id": "k", "type": "book", "title": "T", "issued": {"date-parts": [[1957]]}}
    try:
        for style in ("chicago", "apa", "chicago-author-date", "mla"):
            assert engine.bibliography([item], resolve_style(style))
            # Never more than the budget plus the one engine just built (Chicago's ~65 MB).
            assert engine.heap_used() < (60 + 80) * 1024 * 1024
        # Chicago author-date alone is past 60 MB: only the newest engine is left.
        assert engine.warm_engines() == ["modern-language-association|text"]
        # A dropped engine is built again when it is needed again.
        assert engine.bibliography([item], resolve_style("chicago"))
        assert engine.warm_engines()[-1] == "chicago-notes-bibliography|text"
    finally:
        engine.close()


def test_a_huge_title_is_cut_before_citeproc_sees_it() -> None:
    title = "<i>Pravda</i> " + "word " * 100_000
    item = {"id": "k", "type": "book", "title": title, "issued": {"date-parts": [[1957]]}}
    entries = format_bibliography([item], "chicago")
    text = entries[0][1]
    assert text.startswith("Pravda Word Word")  # Chicago title-cases it
    assert "…" in text and len(text) < citations.MAX_CITED_TEXT + 100
