"""Cutting a source text into highlighted runs."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from annotations.model import Anchor, Passage, TextPositionSelector, TextQuoteSelector
from annotations.pagemarkers import page_starts
from webapp.reader import highlight_runs, passage_span, reader_runs


def _passage(pid: str, text: str, start: int, end: int) -> Passage:
    return Passage(
        id=pid,
        citekey="w",
        text=text[start:end],
        anchor=Anchor(
            source="w.txt",
            quote=TextQuoteSelector(exact=text[start:end]),
            position=TextPositionSelector(start, end),
        ),
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(st.text(min_size=1, max_size=60))
    edges = st.integers(min_value=0, max_value=len(text))
    spans = draw(st.lists(st.tuples(edges, edges).map(sorted).map(tuple), max_size=5))
    return text, [(s, e) for s, e in spans if s < e]


@given(text_and_spans())
def test_runs_rebuild_the_text_and_mark_exactly_each_passage(
    case: tuple[str, list[tuple[int, int]]],
) -> None:
    text, spans = case
    passages = [_passage(f"p{i}", text, s, e) for i, (s, e) in enumerate(spans)]
    runs = highlight_runs(text, passages)
    assert "".join(run.text for run in runs) == text
    for passage, (start, end) in zip(passages, spans, strict=True):
        covered, offset = [], 0
        for run in runs:
            if passage.id in run.passage_ids:
                covered.append((offset, offset + len(run.text)))
            offset += len(run.text)
        assert covered[0][0] == start and covered[-1][1] == end
        assert all(a[1] == b[0] for a, b in itertools.pairwise(covered))


def test_moved_quote_is_found_by_its_words() -> None:
    passage = _passage("p", "the tanks rolled", 4, 9)
    assert passage_span("Then the tanks rolled", passage) == (9, 14)


def test_lost_quote_is_not_highlighted() -> None:
    passage = _passage("p", "the tanks rolled", 4, 9)
    assert passage_span("nothing like it", passage) is None


def test_moved_quote_is_found_where_its_prefix_says_not_at_the_first_match() -> None:
    moved = Anchor(
        source="w.txt",
        quote=TextQuoteSelector(exact="spoke", prefix="Then Molotov ", suffix="."),
        position=TextPositionSelector(0, 5),  # stale: the text gained words in front
    )
    passage = replace(_passage("p", "spoke", 0, 5), anchor=moved)
    changed = "Later, Malenkov spoke. Then Molotov spoke."
    assert passage_span(changed, passage) == (changed.rindex("spoke"), changed.rindex("spoke") + 5)


def test_each_form_feed_is_a_run_naming_the_page_it_turns_to() -> None:
    text = "[p. 41] one\ftwo\fthree"
    runs = highlight_runs(text, [_passage("p", text, 9, 14)], page_starts(text))
    assert [(run.text, run.passage_ids, run.page_break) for run in runs] == [
        ("[p. 41] o", (), None),
        ("ne", ("p",), None),
        ("\f", ("p",), "42"),
        ("tw", ("p",), None),
        ("o", (), None),
        ("\f", (), "43"),
        ("three", (), None),
    ]


def test_each_passage_is_anchored_once_on_the_first_run_it_covers() -> None:
    text = "ab\fcdef"
    passages = [_passage("p1", text, 2, 5), _passage("p2", text, 2, 4), _passage("p3", text, 3, 6)]
    drawn = reader_runs(highlight_runs(text, passages, page_starts(text)))
    assert [(d.run.text, d.mark_id, d.anchor_ids) for d in drawn] == [
        ("ab", None, ()),
        ("\f", None, ("p1", "p2")),  # a page break is no highlight: anchors before it
        ("c", "p3", ()),
        ("d", None, ()),
        ("e", None, ()),
        ("f", None, ()),
    ]
