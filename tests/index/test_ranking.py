"""Ranking the best hits again: typed spelling, the person named, a passage before its notes."""

from __future__ import annotations

from index.ranking import RERANKED_HITS, Candidate, ranking_words, reranked


def candidate(docnum: int, score: float, kind: str = "passage", **fields: str) -> Candidate:
    return Candidate(
        docnum=docnum,
        score=score,
        kind=kind,
        text=fields.get("text", ""),
        authors=fields.get("authors", ""),
        passage_id=fields.get("passage_id", ""),
    )


def order(candidates: list[Candidate], query: str) -> list[int]:
    return [docnum for _score, docnum in reranked(candidates, ranking_words(query))]


def test_the_spelling_typed_comes_before_its_variants() -> None:
    hits = [candidate(1, 5.0, text="Khrushchev spoke"), candidate(2, 5.0, text="Khruschev spoke")]
    assert order(hits, "Khruschev") == [2, 1]
    assert order(hits, "Khrushchev") == [1, 2]


def test_a_passage_by_the_person_named_outranks_mentions() -> None:
    hits = [candidate(1, 9.0, text="Zhukov said so"), candidate(2, 2.0, authors="Zhukov, G. K.")]
    assert order(hits, "Жуков") == [2, 1]
    # Only for passages: a reference by them is found on its own merits.
    hits[1] = candidate(2, 2.0, kind="reference", authors="Zhukov, G. K.")
    assert order(hits, "Жуков") == [1, 2]


def test_a_passage_comes_before_its_own_note() -> None:
    note = candidate(1, 8.0, kind="note", text="Georgy Zhukov", passage_id="P")
    passage = candidate(2, 3.0, text="a tank", passage_id="P")
    other = candidate(3, 5.0, text="Zhukov")
    assert order([note, other, passage], "Georgy Zhukov") == [2, 1, 3]


def test_negated_fielded_and_wildcard_words_are_not_ranking_words() -> None:
    words = ranking_words('Zhukov -Molotov NOT Beria author:taubman khrush* zhukof~ "the tank"')
    assert words.folded == ("zhukov", "the", "tank")


def test_hits_past_the_window_keep_their_order() -> None:
    hits = [candidate(n, 100.0 - n, text="x") for n in range(RERANKED_HITS + 5)]
    hits[-1] = candidate(RERANKED_HITS + 4, 0.5, text="zhukov")
    assert order(hits, "zhukov")[RERANKED_HITS:] == list(range(RERANKED_HITS, RERANKED_HITS + 5))
