"""RIS records (through rispy) to BibLaTeX entries."""

from __future__ import annotations

from pathlib import Path

from refs.fromris import entries_from_ris

DATA = Path(__file__).parent.parent / "data" / "import"


def test_ris_records_become_entries() -> None:
    book, article = entries_from_ris((DATA / "endnote.ris").read_text(encoding="utf-8"))
    assert (book.entry_type, book.citekey) == ("book", None)
    assert dict(book.fields) == {
        "author": "Taubman, William",
        "title": "Khrushchev: The Man and His Era",
        "publisher": "W. W. Norton",
        "location": "New York",
        "year": "2003",
        "isbn": "978-0-393-32484-6",
        "langid": "english",
    }
    assert article.entry_type == "article"
    assert dict(article.fields) == {
        "author": "Mićunović, Veljko and Floyd, David",
        "title": "Moscow Diary \\& Notes",
        "journaltitle": "Journal of Examples",
        "volume": "12",
        "number": "3",
        "pages": "422--423",
        "date": "1980-05-01",
        "issn": "1234-5678",
        "doi": "10.1000/xyz",
        "url": "https://example.org/moscow",
        "note": "first note; second note",
    }


def test_ris_name_with_suffix_and_institution() -> None:
    text = "TY  - RPRT\nAU  - King, Martin, Jr.\nAU  - World Bank\nTI  - R\nER  - \n"
    [entry] = entries_from_ris(text)
    assert entry.entry_type == "report"
    assert entry.fields["author"] == "King, Jr., Martin and {World Bank}"


def test_newspaper_record_is_a_newspaper_article() -> None:
    text = "TY  - NEWS\nTI  - Report\nJO  - Pravda\nDA  - 1957/07/07\nER  - \n"
    [entry] = entries_from_ris(text)
    assert dict(entry.fields) == {
        "title": "Report",
        "journaltitle": "Pravda",
        "entrysubtype": "newspaper",
        "date": "1957-07-07",
    }
