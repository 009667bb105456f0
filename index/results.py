"""What a search returns: the hits of one page, the total and the facets of all matches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from annotations.model import Locator

FACET_NAMES = ("citekey", "year", "tag", "kind")


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One matching passage, note or reference.

    `snippet` is HTML: the matched words in `<mark>`, everything else escaped. A note hit
    names its passage in `passage_id`; for passages it is the passage's own id.
    """

    kind: str
    id: str
    citekey: str
    text: str
    snippet: str
    score: float
    locator: Locator | None = None
    passage_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """One page of results for `query`: `hits` start at `offset` among `total` matches.

    `facets` counts every match (not only this page) by citekey, year, tag and kind,
    largest count first.
    """

    query: str
    total: int
    offset: int
    hits: tuple[SearchHit, ...]
    facets: Mapping[str, Mapping[str, int]]
