"""The source reader's text, cut into runs so that each anchored passage can be highlighted
and each page break shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from annotations.anchoring import reanchor
from annotations.model import Passage
from annotations.pagemarkers import FORM_FEED, PageStart


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of the source text and the passages (ids) that cover all of it; a form
    feed is a run of its own, with the page it turns to in `page_break`."""

    text: str
    passage_ids: tuple[str, ...] = ()
    page_break: str | None = None


def passage_span(text: str, passage: Passage) -> tuple[int, int] | None:
    """Where `passage` sits in `text` now, found as `check` finds it (stored position, else
    the quote with its prefix and suffix, else a close match), or None (the quote is lost)."""
    if passage.anchor is None:
        return None
    found = reanchor(passage.anchor, text)
    if found is None or found.position is None:
        return None
    return found.position.start, found.position.end


def highlight_runs(
    text: str, passages: list[Passage], pages: list[PageStart] | None = None
) -> list[Run]:
    """`text` cut at every passage boundary and around every form feed; overlapping
    passages share the runs they cover. With the text's `pages`, each form feed's run
    names the page that starts after it."""
    spans = [
        (span, passage.id)
        for passage in passages
        if (span := passage_span(text, passage)) is not None and span[0] < span[1]
    ]
    feeds = [found.start() for found in re.finditer(FORM_FEED, text)]
    edges = (edge for span, _ in spans for edge in span)
    cuts = sorted({0, len(text), *edges, *feeds, *(feed + 1 for feed in feeds)})
    # Each form feed starts a page just after it, so its page is looked up by that offset.
    page_starting = {start.offset: start.page for start in pages or ()}
    runs = []
    for start, end in pairwise(cuts):
        covering = tuple(pid for (s, e), pid in spans if s <= start and end <= e)
        is_feed = text[start:end] == FORM_FEED
        runs.append(Run(text[start:end], covering, page_starting.get(end) if is_feed else None))
    return runs


@dataclass(frozen=True, slots=True)
class ReaderRun:
    """A run as the reader draws it, with the `passage-ID` anchors of the passages that
    begin in it: the first on its highlight (`mark_id`), the others on empty elements just
    before it (`anchor_ids`), as are all of them before a page break, which is no
    highlight."""

    run: Run
    mark_id: str | None = None
    anchor_ids: tuple[str, ...] = ()


def reader_runs(runs: list[Run]) -> list[ReaderRun]:
    """`runs` with each passage's deep-link anchor placed on the first run it covers."""
    seen: set[str] = set()
    drawn = []
    for run in runs:
        starting = tuple(pid for pid in run.passage_ids if pid not in seen)
        seen.update(starting)
        if run.page_break is not None or not starting:
            drawn.append(ReaderRun(run, None, starting))
        else:
            drawn.append(ReaderRun(run, starting[0], starting[1:]))
    return drawn
