"""No entry, however odd, breaks its conversion or its citation (and so the library's)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refs.citations import CiteItem, format_bibliography, format_citations
from refs.csl import reference_to_csl
from refs.cslvocab import ENTRY_TYPES
from refs.model import Reference

_FIELDS = [
    "author",
    "editor",
    "editora",
    "editoratype",
    "translator",
    "title",
    "subtitle",
    "titleaddon",
    "journaltitle",
    "booktitle",
    "maintitle",
    "issuetitle",
    "publisher",
    "location",
    "institution",
    "date",
    "year",
    "month",
    "day",
    "urldate",
    "origdate",
    "eventdate",
    "volume",
    "number",
    "issue",
    "pages",
    "edition",
    "series",
    "type",
    "pubstate",
    "langid",
    "language",
    "url",
    "doi",
    "eprint",
    "eprinttype",
    "note",
    "annotation",
    "howpublished",
    "entrysubtype",
]
_PIECES = st.sampled_from(
    [
        "Smith, John",
        " and ",
        "others",
        "{Library of Congress}",
        "von",
        "Jr.",
        "family=Beethoven, given=Ludwig",
        "1957",
        "-0043",
        "1957-07-07",
        "/",
        "..",
        "~",
        "?",
        "%",
        "21",
        "XX",
        "T10:00",
        "--",
        "\\emph{",
        "{",
        "}",
        "$x^2$",
        "\\TeX",
        "\\href{u}{t}",
        "\\foo",
        "\\'e",
        "techreport",
        "newseries",
        "arxiv",
        "german",
        "Spring",
        "https://x.org/a%20b",
        "doi:10.1/x",
        "Хрущёв",
        " ",
        "",
    ]
)
_VALUES = st.lists(_PIECES, max_size=6).map("".join)
_ENTRIES = st.tuples(
    st.sampled_from([*ENTRY_TYPES, "xdata", "whatever"]),
    st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=10),
)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(_ENTRIES)
def test_any_entry_converts_and_cites_without_raising(entry: tuple[str, dict[str, str]]) -> None:
    entry_type, fields = entry
    reference = Reference(
        citekey="k", entry_type=entry_type, fields=fields, path=Path("t.bib"), line=1, raw=""
    )
    item = reference_to_csl(reference)
    assert item["id"] == "k"
    for style in ("chicago", "mla", "apa"):
        format_bibliography([item], style, "html")
        format_citations([item], [[CiteItem(citekey="k", locator="12")]], style)
