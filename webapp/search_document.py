"""The search document that `search --json`, `GET /api/search` and the search page share.

It is the contract's document (`presenters.search_result_json`) with fields added, never
changed: each hit's `short_citation`, the work as people recognise it (`Taubman,
*Khrushchev* (2003), p. 422`), and `facet_labels`, the same for the references most hits
come from, so that a page lists works by author, title and year, not by citekey.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from refs.errors import UnknownCitekey
from webapp.presenters import search_result_json
from webapp.short_citations import (
    ShortCitation,
    short_citation,
    short_citation_json,
    unknown_work_citation,
)

if TYPE_CHECKING:
    from annotations.model import Locator
    from index.results import SearchResult
    from refs.csl import CslItem

CslLookup = Callable[[str], "CslItem"]

# The references facet lists every work with a match; only this many, those with the
# most hits, get a label (a page shows the first few and the rest on request).
LABELLED_FACETS = 50


def search_document(result: SearchResult, csl_item: CslLookup) -> dict[str, Any]:
    """The search document of `result`: each hit with its `short_citation` (`{text, html,
    author, title, title_style, year, locator}`), and `facet_labels` (`{"citekey":
    {citekey: text}}`) for the references with the most hits; `csl_item` gives a
    citekey's CSL-JSON item or raises `UnknownCitekey`."""
    document = search_result_json(result)
    items: dict[str, CslItem | None] = {}
    for hit, hit_json in zip(result.hits, document["hits"], strict=True):
        cited = _cited(hit.citekey, hit.locator, csl_item, items)
        hit_json["short_citation"] = short_citation_json(cited)
    counts = result.facets.get("citekey", {})
    busiest = sorted(counts, key=lambda citekey: (-counts[citekey], citekey))[:LABELLED_FACETS]
    document["facet_labels"] = {"citekey": _labels(busiest, csl_item, items)}
    return document


def _labels(
    citekeys: list[str], csl_item: CslLookup, items: dict[str, CslItem | None]
) -> dict[str, str]:
    """Each work in a few words ("Taubman (2003)"); works that would read alike get their
    short citation instead ("Taubman, “Anti-Party Group” (2004)")."""
    cited = {citekey: _cited(citekey, None, csl_item, items) for citekey in citekeys}
    labels = {citekey: citation.label for citekey, citation in cited.items()}
    seen = Counter(labels.values())
    return {
        citekey: label if seen[label] == 1 else cited[citekey].text
        for citekey, label in labels.items()
    }


def _cited(
    citekey: str,
    locator: Locator | None,
    csl_item: CslLookup,
    items: dict[str, CslItem | None],
) -> ShortCitation:
    """The short citation of `citekey` at `locator`; each item looked up once (`items`)."""
    if citekey not in items:
        try:
            items[citekey] = csl_item(citekey)
        except UnknownCitekey:
            items[citekey] = None
    item = items[citekey]
    if item is None:
        return unknown_work_citation(citekey, locator)
    return short_citation(item, locator)
