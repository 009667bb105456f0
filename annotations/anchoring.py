"""Finding a quote again in a source text that changed: the re-anchoring of selectors.

The approach Hypothes.is uses: the old position first, then every exact occurrence of the
quote (scored by how well its prefix and suffix match, the old position breaking ties),
then a fuzzy search with diff-match-patch's Bitap matcher, which handles patterns of at
most 32 characters: a long quote's start and end are located separately and the span
between them must be within an error budget of a quarter of the quote's length. A quote
that cannot be found within that budget is an orphan (None); it is reported, never deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from annotations.model import Anchor, TextPositionSelector, TextQuoteSelector

logger = logging.getLogger(__name__)

CONTEXT_LENGTH = 32
ERROR_BUDGET = 0.25  # edits allowed per character of the quote
_MAX_BITAP = 32  # diff-match-patch's Match_MaxBits
_MAX_EXACT_CANDIDATES = 500
_QGRAM = 3  # the length of the pieces `_regions` counts
# Weights of the parts of a candidate's score, as in Hypothes.is's match-quote.
_QUOTE_WEIGHT, _CONTEXT_WEIGHT, _POSITION_WEIGHT = 50.0, 20.0, 2.0


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    score: float


def describe_span(text: str, source: str, start: int, end: int) -> Anchor:
    """The selectors of `text[start:end]`: the exact words, 32 characters either side, offsets."""
    return Anchor(
        source=source,
        quote=TextQuoteSelector(
            exact=text[start:end],
            prefix=text[max(0, start - CONTEXT_LENGTH) : start],
            suffix=text[end : end + CONTEXT_LENGTH],
        ),
        position=TextPositionSelector(start, end),
    )


def find_quote(text: str, source: str, exact: str, *, near: int | None = None) -> Anchor | None:
    """Anchor a quote (as typed) in a source text, exactly or within the error budget."""
    return reanchor(
        Anchor(
            source=source,
            quote=TextQuoteSelector(exact=exact),
            position=None if near is None else TextPositionSelector(near, near + len(exact)),
        ),
        text,
    )


def reanchor(anchor: Anchor, text: str) -> Anchor | None:
    """Where `anchor`'s quote is in `text` now (new selectors describing it), or None."""
    quote = anchor.quote
    if not quote.exact:
        return None
    hint = anchor.position.start if anchor.position is not None else None
    if hint is not None and text[hint : hint + len(quote.exact)] == quote.exact:
        best: _Candidate | None = _Candidate(hint, hint + len(quote.exact), 0.0)
    else:
        best = _best_exact(text, quote, hint) or _best_fuzzy(text, quote, hint)
    if best is None:
        logger.debug("orphan in %s: %r", anchor.source, quote.exact[:40])
        return None
    return describe_span(text, anchor.source, best.start, best.end)


def _best_exact(text: str, quote: TextQuoteSelector, hint: int | None) -> _Candidate | None:
    candidates: list[_Candidate] = []
    start = text.find(quote.exact)
    while start != -1 and len(candidates) < _MAX_EXACT_CANDIDATES:
        end = start + len(quote.exact)
        candidates.append(_Candidate(start, end, _score(text, quote, start, end, hint, 1.0)))
        start = text.find(quote.exact, start + 1)
    return max(candidates, key=_by_score, default=None)


def _best_fuzzy(text: str, quote: TextQuoteSelector, hint: int | None) -> _Candidate | None:
    exact = quote.exact
    regions = _regions(text, exact, _budget(exact))
    anywhere = max(1000, 10 * len(text))
    # Near the old place first, when there is one, then anywhere.
    for distance in (anywhere,) if hint is None else (1000, anywhere):
        matcher = diff_match_patch()
        matcher.Match_Threshold = 0.4
        matcher.Match_Distance = distance
        expected = hint if hint is not None else 0
        candidates = [
            candidate
            for region in regions
            if region[0] - distance <= expected <= region[1] + distance
            for starts, ends in [_start_and_end_candidates(matcher, text, quote, expected, region)]
            for start in starts
            for end in {*ends, start + len(exact)}
            if (candidate := _candidate(matcher, text, quote, start, end, hint)) is not None
        ]
        if candidates:
            return _refined(matcher, text, quote, hint, max(candidates, key=_by_score))
    return None


def _budget(exact: str) -> int:
    """The edits a span may differ from the quote by and still be it."""
    return max(1, int(len(exact) * ERROR_BUDGET))


def _regions(text: str, exact: str, budget: int) -> list[tuple[int, int]]:
    """The stretches of `text` where a span within `budget` edits of `exact` may lie.

    Each edit spoils at most q of the quote's overlapping q-grams, so a span within the
    budget shares at least `len - q + 1 - budget * q` of them, counted with repeats
    (Ukkonen's q-gram lemma), all inside a window of `len + budget` characters. One pass
    over the text counts them in every such window; Bitap, which costs tens of
    milliseconds a page, then runs only where a window holds enough (with room for the
    quote's context either side), and not at all for a quote the text cannot hold.
    """
    q = _QGRAM
    needed = len(exact) - q + 1 - budget * q
    if needed <= 0:
        return [(0, len(text))]
    grams = {exact[start : start + q] for start in range(len(exact) - q + 1)}
    shared = [text[start : start + q] in grams for start in range(len(text) - q + 1)]
    window = len(exact) + budget - q + 1
    margin = _MAX_BITAP + budget
    regions: list[tuple[int, int]] = []
    count = sum(shared[:window])
    for first in range(max(1, len(shared) - window + 1)):
        if first:
            count += shared[first + window - 1] - shared[first - 1]
        if count < needed:
            continue
        low, high = max(0, first - margin), min(len(text), first + window + q - 1 + margin)
        if regions and low <= regions[-1][1]:
            regions[-1] = (regions[-1][0], high)
        else:
            regions.append((low, high))
    return regions


def _candidate(
    matcher: diff_match_patch,
    text: str,
    quote: TextQuoteSelector,
    start: int,
    end: int,
    hint: int | None,
) -> _Candidate | None:
    """The span [start, end) scored, if it is within the error budget of the quote."""
    exact = quote.exact
    budget = _budget(exact)
    if not 0 <= start < end <= len(text) or end - start > len(exact) + budget:
        return None
    errors = _edit_distance(matcher, exact, text[start:end])
    if errors > budget:
        return None
    similarity = 1.0 - errors / len(exact)
    return _Candidate(start, end, _score(text, quote, start, end, hint, similarity))


def _refined(
    matcher: diff_match_patch,
    text: str,
    quote: TextQuoteSelector,
    hint: int | None,
    best: _Candidate,
) -> _Candidate:
    """Move the span's edges a character at a time while that improves the score.

    Bitap reports where a match with errors lies only roughly; this puts the edges on the
    characters that really differ.
    """
    improved = True
    while improved:
        improved = False
        for start, end in (
            (best.start - 1, best.end),
            (best.start + 1, best.end),
            (best.start, best.end - 1),
            (best.start, best.end + 1),
        ):
            candidate = _candidate(matcher, text, quote, start, end, hint)
            if candidate is not None and candidate.score > best.score:
                best, improved = candidate, True
    return best


def _by_score(candidate: _Candidate) -> float:
    return candidate.score


def _start_and_end_candidates(
    matcher: diff_match_patch,
    text: str,
    quote: TextQuoteSelector,
    expected: int,
    region: tuple[int, int],
) -> tuple[set[int], set[int]]:
    """Where in `region` the quote may begin and end: its head and tail located, and its
    context's."""
    exact = quote.exact
    head, tail = exact[:_MAX_BITAP], exact[-_MAX_BITAP:]
    starts: set[int] = set()
    ends: set[int] = set()
    found = _match(matcher, text, head, expected, region)
    if found is not None:
        starts.add(found)
    tail_guess = (found if found is not None else expected) + len(exact) - len(tail)
    found_tail = _match(matcher, text, tail, tail_guess, region)
    if found_tail is not None:
        ends.add(found_tail + len(tail))
        starts.add(max(0, found_tail + len(tail) - len(exact)))
    if quote.prefix:
        piece = quote.prefix[-_MAX_BITAP:]
        found = _match(matcher, text, piece, max(0, expected - len(piece)), region)
        if found is not None:
            starts.add(found + len(piece))
    if quote.suffix:
        piece = quote.suffix[:_MAX_BITAP]
        found = _match(matcher, text, piece, expected + len(exact), region)
        if found is not None:
            ends.add(found)
    return starts, ends


def _match(
    matcher: diff_match_patch, text: str, pattern: str, loc: int, region: tuple[int, int]
) -> int | None:
    """Where `pattern` is best matched in `text[low:high]` near `loc`, or None."""
    low, high = region
    found: int = matcher.match_main(text[low:high], pattern, max(0, min(loc - low, high - low)))
    return None if found == -1 else low + found


def _edit_distance(matcher: diff_match_patch, first: str, second: str) -> int:
    distance: int = matcher.diff_levenshtein(matcher.diff_main(first, second, False))
    return distance


def _score(
    text: str,
    quote: TextQuoteSelector,
    start: int,
    end: int,
    hint: int | None,
    quote_similarity: float,
) -> float:
    """Hypothes.is's weighting: the quote, then its prefix and suffix, then the old position."""
    prefix = _similarity(quote.prefix, text[max(0, start - len(quote.prefix)) : start])
    suffix = _similarity(quote.suffix, text[end : end + len(quote.suffix)])
    position = 1.0 if hint is None else 1.0 - abs(start - hint) / max(1, len(text))
    return (
        _QUOTE_WEIGHT * quote_similarity
        + _CONTEXT_WEIGHT * (prefix + suffix)
        + _POSITION_WEIGHT * position
    )


def _similarity(expected: str, found: str) -> float:
    """1.0 for the same text, falling to 0.0 as the edits approach the expected length."""
    if not expected:
        return 1.0
    matcher = diff_match_patch()
    return max(0.0, 1.0 - _edit_distance(matcher, expected, found) / len(expected))
