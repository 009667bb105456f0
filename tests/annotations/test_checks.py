"""What `check` reports about passages beyond unreadable files."""

from __future__ import annotations

from pathlib import Path

from annotations.anchoring import describe_span
from annotations.checks import check_passages
from annotations.model import Passage, QuotedIn

STAMP = "2026-11-23T18:00:00Z"
TEXT = "Zhukov was made a full member of the Presidium in mid-1957."


def _passage(n: int, citekey: str, **fields: object) -> Passage:
    return Passage(id=f"01JD000000000000000000000{n}", citekey=citekey, text="words",
                   created=STAMP, modified=STAMP, **fields)  # type: ignore[arg-type]  # fmt: skip


def test_each_problem_names_file_field_and_passage(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "blog.txt").write_text("Something else entirely now.", encoding="utf-8")
    anchor = describe_span(TEXT, "blog.txt", 0, 30)
    missing = describe_span(TEXT, "gone.txt", 0, 30)
    passages = [
        _passage(1, "known", quoted_in=QuotedIn("nobody")),
        _passage(2, "known", anchor=anchor),
        _passage(3, "known", anchor=missing),
        _passage(4, "ghost"),
        _passage(5, "ghost"),
    ]
    problems = check_passages(
        passages, passages_dir=Path("passages"), sources_dir=sources, known_citekeys={"known"}
    )
    assert [(str(p.path), p.field) for p in problems] == [
        ("passages/ghost.json", "citekey"),
        ("passages/known.json", "passages.0.quoted_in.citekey"),
        ("passages/known.json", "passages.1.anchor"),
        ("passages/known.json", "passages.2.anchor.source"),
    ]
    assert "orphaned passage 01JD0000000000000000000002" in str(problems[2])
    assert "no source text sources/gone.txt" in str(problems[3])


def test_anchored_quote_still_in_its_source_is_fine(tmp_path: Path) -> None:
    (tmp_path / "blog.txt").write_text("Preface. " + TEXT, encoding="utf-8")
    anchor = describe_span(TEXT, "blog.txt", 0, 30)
    problems = check_passages(
        [_passage(1, "known", anchor=anchor)],
        passages_dir=Path("passages"),
        sources_dir=tmp_path,
        known_citekeys={"known"},
    )
    assert problems == []
