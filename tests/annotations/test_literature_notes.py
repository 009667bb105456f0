"""Literature notes in Markdown."""

from __future__ import annotations

from annotations.literature_notes import literature_notes
from annotations.model import Locator, Note, Passage, QuotedIn

STAMP = "2026-11-23T18:00:00Z"


def _passage(passage_id: str, citekey: str, text: str, **fields: object) -> Passage:
    return Passage(id=passage_id, citekey=citekey, text=text, created=STAMP, modified=STAMP,
                   **fields)  # type: ignore[arg-type]  # fmt: skip


def test_each_reference_gets_its_entry_quotes_and_notes() -> None:
    note = Note(id="01JD0000000000000000000009", text="See also *Taubman*.", created=STAMP,
                modified=STAMP)  # fmt: skip
    passages = [
        _passage("01JD0000000000000000000002", "taubman2004", "Seven to four.",
                 locator=Locator("chapter", "13")),
        _passage("01JD0000000000000000000001", "freeze2009", "cult of Comrade *G. K.* Zhukov",
                 locator=Locator("page", "423"), quoted_in=QuotedIn("blog2019"),
                 tags=("army",), notes=(note,)),
    ]  # fmt: skip
    markdown = literature_notes(passages, format_entry=lambda key: f"Entry for {key}.")
    assert markdown == (
        "# Literature notes\n\n"
        "## Entry for freeze2009.\n\n"
        "> cult of Comrade \\*G. K.\\* Zhukov\n>\n> — p. 423 (qtd. in blog2019)\n\n"
        "Tags: `army`\n\nSee also *Taubman*.\n\n"
        "## Entry for taubman2004.\n\n"
        "> Seven to four.\n>\n> — chapter 13\n"
    )


def test_default_entry_is_the_citekey_and_ranges_say_pp() -> None:
    passages = [_passage("01JD0000000000000000000001", "freeze2009", "a\n\nb",
                         locator=Locator("page", "422-423"))]  # fmt: skip
    assert literature_notes(passages) == (
        "# Literature notes\n\n## freeze2009\n\n> a\n>\n> b\n>\n> — pp. 422-423\n"
    )
