"""The source reader's text, cut into runs so that each anchored passage can be highlighted."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from annotations.anchoring import reanchor
from annotations.model import Passage


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of the source text and the passages (ids) that cover all of it."""

    text: str
    passage_ids: tuple[str, ...] = ()


def passage_span(text: str, passage: Passage) -> tuple[int, int] | None:
    """Where `passage` sits in `text` now, found as `check` finds it (stored position, else
    the quote with its prefix and suffix, else a close match), or None (the quote is lost)."""
    if passage.anchor is None:
        return None
    found = reanchor(passage.anchor, text)
    if found is None or found.position is None:
        return None
    return found.position.start, found.position.end


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
