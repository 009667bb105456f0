"""`check`'s findings on references that parsed."""

from __future__ import annotations

from pathlib import Path

from refs.store import ReferenceStore
from refs.validation import validate_references


def _problems(library: Path, bibtex: str) -> list[str]:
    (library / "references.bib").write_text(bibtex, encoding="utf-8")
    return [str(problem) for problem in validate_references(ReferenceStore(library))]


def test_unsigned_newspaper_report_needs_no_author(empty_library: Path) -> None:
    bibtex = (
        "@article{pravda1957jul07, title={Report}, journaltitle={Pravda},\n"
        "  entrysubtype={newspaper}, date={1957-07-07}}\n"
    )
    assert _problems(empty_library, bibtex) == []


def test_journal_article_without_author_is_reported(empty_library: Path) -> None:
    bibtex = "@article{k, title={T}, journaltitle={J}, date={1999}}\n"
    assert _problems(empty_library, bibtex) == [
        f"{empty_library / 'references.bib'}:1: field 'author': @article 'k' is missing author"
    ]
