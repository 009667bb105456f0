"""Citations written without a style: a hit's heading and pandoc's Markdown citation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.model import LOCATOR_LABELS, Locator, QuotedIn
from webapp.short_citations import (
    locator_text,
    pandoc_citation,
    short_citation,
    short_title,
    unknown_work_citation,
)

TAUBMAN: dict[str, Any] = {
    "id": "taubman2003",
    "type": "book",
    "author": [{"family": "Taubman", "given": "William"}],
    "title": '<span class="nocase">Khrushchev</span>: The Man and His Era',
    "issued": {"date-parts": [[2003]]},
}


def test_a_book_is_author_italic_short_title_year_and_page() -> None:
    cited = short_citation(TAUBMAN, Locator("page", "422"))
    assert cited.text == "Taubman, Khrushchev (2003), p. 422"
    assert cited.html == "Taubman, <i>Khrushchev</i> (2003), p. 422"


@pytest.mark.parametrize(
    ("item", "text"),
    [
        pytest.param(
            {
                "type": "article-journal",
                "author": [{"family": "Freeze"}],
                "title": "Tanks",
            },
            "Freeze, “Tanks,” p. 3",
            id="article-quoted-comma-inside",
        ),
        pytest.param(
            {
                "type": "book",
                "author": [{"family": "Heller"}, {"family": "Nekrich"}],
                "title": "Utopia in Power",
            },
            "Heller and Nekrich, Utopia in Power, p. 3",
            id="two-authors-no-year",
        ),
        pytest.param(
            {"type": "book", "author": [{"family": f"A{n}"} for n in range(4)], "title": "T"},
            "A0 et al., T, p. 3",
            id="four-authors",
        ),
        pytest.param(
            {
                "type": "book",
                "editor": [{"family": "Freeze", "given": "G."}],
                "title": "Russia: A History",
                "issued": {"date-parts": [[2009]]},
            },
            "Freeze, Russia (2009), p. 3",
            id="editor-when-no-author",
        ),
        pytest.param(
            {
                "type": "article-newspaper",
                "container-title": "Pravda",
                "title": "[Report of a Speech]",
                "issued": {"date-parts": [[1957, 7, 7]]},
            },
            "Pravda, [Report of a Speech] (1957), p. 3",
            id="unsigned-newspaper-descriptive-title",
        ),
        pytest.param(
            {
                "type": "book",
                "author": [{"non-dropping-particle": "de", "family": "Gaulle"}],
                "title": "Mémoires",
                "issued": {"date-parts": [[-43]]},
            },
            "de Gaulle, Mémoires (43 BCE), p. 3",
            id="particle-and-bce",
        ),
        pytest.param(
            {
                "type": "document",
                "author": [{"literal": "TASS"}],
                "title": 'On the "Anti-Party Group"',
                "title-short": 'The "Group"',
            },
            "TASS, “The ‘Group’,” p. 3",
            id="institution-short-title-inner-quotes",
        ),
    ],
)
def test_short_citations_of_other_works(item: dict[str, Any], text: str) -> None:
    assert short_citation(item, Locator("page", "3")).text == text


def test_html_is_escaped_everywhere_but_the_italics() -> None:
    item = {"type": "book", "author": [{"literal": "<img>Eve"}], "title": "A & <script>"}
    assert short_citation(item).html == "&lt;img&gt;Eve, <i>A &amp; &lt;script&gt;</i>"


def test_a_long_main_title_is_cut_at_a_word() -> None:
    assert short_title("Khrushchev and the Soviet Leadership, 1957–1964: A Study") == (
        "Khrushchev and the Soviet Leadership, 1957–1964"
    )
    long = "[Words to the Anti-Party Group on the Army’s Loyalty, Spoken in June 1957]"
    assert short_title(long) == "[Words to the Anti-Party Group on the…]"


def test_an_unknown_citekey_is_shown_as_itself() -> None:
    assert unknown_work_citation("gone1999", Locator("page", "3")).text == "gone1999, p. 3"


@pytest.mark.parametrize(
    ("locator", "text"),
    [
        pytest.param(Locator("page", "422"), "p. 422", id="page"),
        pytest.param(Locator("page", "422-423"), "pp. 422–423", id="range"),
        pytest.param(Locator("page", "xiv"), "p. xiv", id="roman"),
        pytest.param(Locator("chapter", "3"), "chap. 3", id="chapter"),
        pytest.param(Locator("section", "Take-over"), "sec. Take-over", id="words-not-a-range"),
    ],
)
def test_locators_are_abbreviated_as_csl_does(locator: Locator, text: str) -> None:
    assert locator_text(locator) == text


@pytest.mark.parametrize(
    ("citekey", "locator", "quoted_in", "markdown"),
    [
        pytest.param(
            "freeze2009", Locator("page", "422"), None, "[@freeze2009, p. 422]", id="page"
        ),
        pytest.param("freeze2009", None, None, "[@freeze2009]", id="no-locator"),
        pytest.param("a-b", Locator("page", "12-14"), None, "[@a-b, pp. 12-14]", id="range"),
        pytest.param("x--y", Locator("chapter", "3"), None, "[@{x--y}, chap. 3]", id="braced-key"),
        pytest.param(
            "zhukov1957army",
            None,
            QuotedIn("wikipedia-antiparty", Locator("section", "Attempted take-over")),
            "[@zhukov1957army; quoted in @wikipedia-antiparty, {sec. Attempted take-over}]",
            id="quoted-in-braced-locator",
        ),
    ],
)
def test_pandoc_citations(
    citekey: str, locator: Locator | None, quoted_in: QuotedIn | None, markdown: str
) -> None:
    assert pandoc_citation(citekey, locator, quoted_in) == markdown


@given(
    label=st.sampled_from(LOCATOR_LABELS),
    value=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
)
def test_a_pandoc_citation_is_one_bracketed_cite_whatever_the_locator(
    label: str, value: str
) -> None:
    markdown = pandoc_citation("freeze2009", Locator(label, value), None)
    assert markdown.startswith("[@freeze2009") and markdown.endswith("]")
    inner = markdown[1:-1]
    assert "[" not in inner and "]" not in inner
    assert inner.count("{") == inner.count("}") <= 1  # braces only around the locator
