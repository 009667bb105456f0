"""The source reader's text, cut into runs so that each anchored passage can be highlighted."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from annotations.model import Passage


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of the source text and the passages (ids) that cover all of it."""

    text: str
    passage_ids: tuple[str, ...] = ()


def passage_span(text: str, passage: Passage) -> tuple[int, int] | None:
    """Where `passage` sits in `text`: its stored position if the quote is still there,
    else the first place its exact words occur, else None (the quote is lost)."""
    anchor = passage.anchor
    if anchor is None or not anchor.quote.exact:
        return None
    exact = anchor.quote.exact
    position = anchor.position
    if position is not None and text[position.start : position.end] == exact:
        return position.start, position.end
    start = text.find(exact)
    return None if start < 0 else (start, start + len(exact))


def highlight_runs(text: str, passages: list[Passage]) -> list[Run]:
    """`text` cut at every passage boundary; overlapping passages share the runs they cover."""
    spans = [
        (span, passage.id)
        for passage in passages
        if (span := passage_span(text, passage)) is not None and span[0] < span[1]
    ]
    cuts = sorted({0, len(text), *(edge for span, _ in spans for edge in span)})
    runs = []
    for start, end in pairwise(cuts):
        covering = tuple(pid for (s, e), pid in spans if s <= start and end <= e)
        runs.append(Run(text[start:end], covering))
    return runs
