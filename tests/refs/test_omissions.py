"""Why a style leaves a work out of its bibliography: the reason read from the style agrees
with what citeproc-js prints, and says what to add."""

from __future__ import annotations

from typing import Any

import pytest

from refs.citations import format_bibliography
from refs.omissions import omission_reason, unexplained_reason
from refs.styles import resolve_style

TYPES = (
    "book",
    "chapter",
    "article-journal",
    "document",
    "manuscript",
    "paper-conference",
    "speech",
    "interview",
    "personal_communication",
    "post",
    "entry-encyclopedia",
    "classic",
    "webpage",
    "thesis",
)
VARIANTS: dict[str, dict[str, Any]] = {
    "bare": {},
    "publisher": {"publisher": "Pravda"},
    "url": {"URL": "https://example.org/memo"},
    "unsigned": {"author": []},
}
STYLES = (
    "chicago",
    "chicago-notes-bibliography-17th-edition",
    "chicago-author-date",
    "apa",
    "mla",
    "the-historical-journal",
)


def item(csl_type: str, variant: str) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": f"{csl_type}-{variant}",
        "type": csl_type,
        "author": [{"family": "Zhukov", "given": "Georgy K."}],
        "title": "Words on the Army",
        "issued": {"date-parts": [[1957, 6]]},
    }
    return {**base, **VARIANTS[variant]}


@pytest.mark.parametrize("style", STYLES)
def test_the_reason_is_given_exactly_for_the_works_citeproc_leaves_out(style: str) -> None:
    chosen = resolve_style(style)
    disagreements = []
    for csl_type in TYPES:
        for variant in VARIANTS:
            work = item(csl_type, variant)
            printed = bool(format_bibliography([work], style))
            explained = omission_reason(work, chosen) is not None
            if printed == explained:
                disagreements.append(f"{work['id']}: printed={printed}, reason={explained}")
    assert not disagreements, "\n".join(disagreements)


def test_chicago_names_the_fields_that_would_bring_a_document_back() -> None:
    reason = omission_reason(item("document", "bare"), resolve_style("chicago"), entry_type="misc")
    assert reason == (
        "chicago-notes-bibliography prints items of type document (@misc) without an archive, "
        "archive place, container title, DOI, number, publisher, references or URL in notes "
        "only; add `publisher`, `howpublished`, `url` or `doi` to include it"
    )


@pytest.mark.parametrize(
    ("csl_type", "variant", "style", "expected"),
    [
        pytest.param(
            "entry-encyclopedia",
            "unsigned",
            "chicago",
            "chicago-notes-bibliography prints items of type entry-encyclopedia without an "
            "author in notes only; add `author` to include it",
            id="unsigned-entry",
        ),
        pytest.param(
            "post",
            "bare",
            "chicago",
            "chicago-notes-bibliography prints items of type post in notes only",
            id="post-nothing-to-add",
        ),
        pytest.param(
            "classic",
            "bare",
            "chicago",
            "chicago-notes-bibliography prints items of type classic without an archive, "
            "editor, translator or publisher in notes only; add `publisher`, `howpublished`, "
            "`editor` or `translator` to include it",
            id="classic-nested-choose",
        ),
        pytest.param(
            "personal_communication",
            "bare",
            "apa",
            "apa prints items of type personal_communication without an archive, archive "
            "place, container title, DOI, number, publisher, references or URL in the text "
            "only; add `publisher`, `howpublished`, `url` or `doi` to include it",
            id="apa-in-text",
        ),
        pytest.param(
            "book",
            "bare",
            "the-historical-journal",
            "the-historical-journal has no bibliography: it cites every work in notes only",
            id="no-bibliography",
        ),
    ],
)
def test_reasons_in_words(csl_type: str, variant: str, style: str, expected: str) -> None:
    assert omission_reason(item(csl_type, variant), resolve_style(style)) == expected


def test_works_the_style_prints_have_no_reason() -> None:
    assert omission_reason(item("document", "publisher"), resolve_style("chicago")) is None
    assert omission_reason(item("book", "bare"), resolve_style("chicago")) is None


def test_an_omission_the_style_does_not_explain_still_gets_words() -> None:
    assert unexplained_reason(item("book", "bare"), resolve_style("apa")) == (
        "apa prints no bibliography entry for this item of type book"
    )
