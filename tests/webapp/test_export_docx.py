"""Word exports (`export --format docx`, `GET /api/export?format=docx`): documents that
python-docx opens, with italic runs and hanging indents rather than markup."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from click.testing import CliRunner
from docx.shared import Cm

from webapp import create_app
from webapp.cli import cli
from webapp.docx_export import html_to_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _runs(paragraph: docx.text.paragraph.Paragraph) -> list[tuple[str, bool]]:
    return [(run.text, bool(run.italic)) for run in paragraph.runs]


def test_bibliography_as_docx_has_italic_titles_and_hanging_indents(
    demo_library: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "works.docx"
    result = runner.invoke(
        cli,
        ["--library", str(demo_library), "export", "freeze2009", "linden1966",
         "--format", "docx", "--style", "mla", "-o", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    paragraphs = docx.Document(str(target)).paragraphs
    assert [_runs(paragraph) for paragraph in paragraphs] == [
        [
            ("Freeze, Gregory L., editor. ", False),
            ("Russia: A History", True),
            (". 3rd ed., Oxford University Press, 2009.", False),
        ],
        [
            ("Linden, Carl A. ", False),
            ("Khrushchev and the Soviet Leadership, 1957–1964", True),
            (". Johns Hopkins Press, 1966.", False),
        ],
    ]
    for paragraph in paragraphs:
        assert paragraph.paragraph_format.left_indent == Cm(1.27)
        assert paragraph.paragraph_format.first_line_indent == -Cm(1.27)


def test_literature_notes_as_docx_have_headings_and_indented_quotes(
    demo_library: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "notes.docx"
    result = runner.invoke(
        cli,
        ["--library", str(demo_library), "export", "freeze2009", "--notes",
         "--format", "docx", "-o", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    paragraphs = docx.Document(str(target)).paragraphs
    assert (paragraphs[0].style.name, paragraphs[0].text) == ("Heading 1", "Literature notes")
    assert paragraphs[1].style.name == "Heading 2"
    assert ("Russia: A History", True) in _runs(paragraphs[1])
    quote = next(p for p in paragraphs if p.text.startswith("The underlying idea"))
    assert quote.paragraph_format.left_indent == Cm(1.27)


def test_docx_export_needs_a_file(demo_library: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--library", str(demo_library), "export", "--format", "docx"])
    assert result.exit_code == 2
    assert "give -o FILE" in result.output


def test_docx_export_from_the_api_is_a_download(demo_library: Path) -> None:
    client = create_app({"TESTING": True, "LIBRARY_DIR": demo_library}).test_client()
    response = client.get("/api/export?format=docx&key=linden1966&style=apa")
    assert response.status_code == 200
    assert response.mimetype == DOCX_TYPE
    assert 'filename="florilegium.docx"' in response.headers["Content-Disposition"]
    [paragraph] = docx.Document(io.BytesIO(response.get_data())).paragraphs
    assert ("Khrushchev and the Soviet Leadership, 1957–1964", True) in _runs(paragraph)


def test_inline_markup_nests_and_spaces_stay_with_the_words_before_them() -> None:
    html = (
        "<h2>Heading</h2><p>A <i>slanted <b>and bold</b></i> word, H<sub>2</sub>O "
        "and x<sup>2</sup>.</p><ul><li>one</li></ul><p>line<br>break</p>"
    )
    paragraphs = docx.Document(io.BytesIO(html_to_docx(html))).paragraphs
    assert [p.text for p in paragraphs] == [
        "Heading",
        "A slanted and bold word, H2O and x2.",
        "one",
        "line\nbreak",
    ]
    runs = paragraphs[1].runs
    assert [(r.text, bool(r.italic), bool(r.bold)) for r in runs[:3]] == [
        ("A ", False, False),
        ("slanted ", True, False),
        ("and bold ", True, True),
    ]
    assert runs[4].font.subscript and runs[6].font.superscript
    assert paragraphs[2].style.name == "List Bullet"
