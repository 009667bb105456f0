"""What a search returns: the hits of one page, the total and the facets of all matches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from annotations.model import Locator

FACET_NAMES = ("citekey", "year", "tag", "kind")

# How a hit matched the query's words: every word as typed (or as a variant the analysis
# merges: inflections, romanisations, compounds), every word but some only through a
# near spelling, or only some of the words.
MATCH_ALL = "all"
MATCH_FUZZY = "fuzzy"
MATCH_SOME = "some"


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One matching passage, note or reference.

    `snippet` is HTML: the matched words in `<mark>`, everything else escaped. A note hit
    names its passage in `passage_id`; for passages it is the passage's own id. `match` is
    `MATCH_ALL`, `MATCH_FUZZY` or `MATCH_SOME`; `missing` lists the query's words (as typed)
    that the hit does not contain.
    """

    kind: str
    id: str
    citekey: str
    text: str
    snippet: str
    score: float
    locator: Locator | None = None
    passage_id: str = ""
    match: str = MATCH_ALL
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """One page of results for `query`: `hits` start at `offset` among `total` matches.

    `facets` counts every match (not only this page) by citekey, year, tag and kind,
    largest count first. Hits matching every word come first (`matched_all` of them), then
    those matching some. `suggestion` is the query with each word the library does not
    hold replaced by the nearest one it does, or "" when every word was found. `relaxed`
    is True when the query as written (a phrase, a field, an operator) matched nothing and
    its plain words were searched instead.
    """

    query: str
    total: int
    offset: int
    hits: tuple[SearchHit, ...]
    facets: Mapping[str, Mapping[str, int]]
    matched_all: int = 0
    suggestion: str = ""
    relaxed: bool = False
