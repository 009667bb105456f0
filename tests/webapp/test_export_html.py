"""HTML exports are safe to open: nothing from a note or a field runs, and the document's
Content-Security-Policy forbids scripts even if something slipped through."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp import create_app
from webapp.cli import cli
from webapp.services import Services

CSP = "default-src 'none'; style-src 'unsafe-inline'"
ATTACKS = [
    "<script>alert('note')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(2))",
    '<a href="javascript:alert(3)">link</a>',
    "<style>body { display: none }</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<svg onload="alert(4)"></svg>',
]
WORK = (
    "@book{hostile2020,\n"
    "  author = {Doe, Jane},\n"
    "  title = {A Title <script>alert('title')</script> <img src=x onerror=alert(5)>},\n"
    "  publisher = {Press},\n"
    "  year = 2020,\n"
    "  url = {javascript:alert(6)},\n"
    "}\n"
)


class _Document(HTMLParser):
    """The tags (with their attributes) inside `<body>`, and the `<head>`'s meta tags."""

    def __init__(self) -> None:
        super().__init__()
        self.in_body = False
        self.body_tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.metas: list[dict[str, str | None]] = []
        self.first_tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.first_tag = self.first_tag or tag
        if tag == "body":
            self.in_body = True
        elif self.in_body:
            self.body_tags.append((tag, attrs))
        elif tag == "meta":
            self.metas.append(dict(attrs))


@pytest.fixture
def hostile_library(empty_library: Path) -> Path:
    """A library whose one reference and its passage's notes carry every attack."""
    (empty_library / "references.bib").write_text(WORK, encoding="utf-8")
    services = Services.for_library(empty_library)
    services.passages.add("hostile2020", "<b onmouseover=alert(7)>quoted</b>", notes=ATTACKS)
    return empty_library


def _assert_safe_document(text: str) -> None:
    assert text.lstrip().lower().startswith("<!doctype html>")
    document = _Document()
    document.feed(text)
    assert document.first_tag == "html"
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in document.metas
    assert {"charset": "utf-8"} in document.metas
    live = [
        (tag, attrs)
        for tag, attrs in document.body_tags
        if tag in {"script", "style", "img", "iframe", "svg", "object", "embed", "meta", "link"}
        or any(name.startswith("on") or name == "style" for name, _ in attrs)
        or any(
            name in {"href", "src"} and (value or "").strip().lower().startswith("javascript:")
            for name, value in attrs
        )
    ]
    assert live == []


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["export", "--format", "html"], id="bibliography"),
        pytest.param(["export", "--notes", "--format", "html"], id="notes"),
        pytest.param(["export", "hostile2020", "--format", "html", "--style", "apa"], id="apa"),
    ],
)
def test_html_export_from_the_command_line_runs_nothing(
    args: list[str], hostile_library: Path, runner: CliRunner
) -> None:
    result = runner.invoke(cli, ["--library", str(hostile_library), *args])
    assert result.exit_code == 0, result.output
    _assert_safe_document(result.stdout)
    assert "Doe" in result.stdout


def test_html_notes_export_keeps_the_notes_words_as_text(
    hostile_library: Path, runner: CliRunner
) -> None:
    result = runner.invoke(
        cli, ["--library", str(hostile_library), "export", "--notes", "--format", "html"]
    )
    assert "&lt;script&gt;alert('note')&lt;/script&gt;" in result.stdout.replace("&#x27;", "'")
    assert "click me" in result.stdout
    assert "quoted" in result.stdout


@pytest.mark.parametrize("notes", ["", "1"], ids=["bibliography", "notes"])
def test_html_export_from_the_api_runs_nothing(hostile_library: Path, notes: str) -> None:
    client = create_app({"TESTING": True, "LIBRARY_DIR": hostile_library}).test_client()
    response = client.get(f"/api/export?format=html&notes={notes}", headers={"Accept": "*/*"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    _assert_safe_document(response.get_data(as_text=True))


class _Head(HTMLParser):
    """The `<html>` element's attributes and the text of the `<head>`'s `<style>`."""

    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_attrs = dict(attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def test_html_bibliography_is_a_complete_document_ready_to_print(
    demo_library: Path, runner: CliRunner
) -> None:
    result = runner.invoke(
        cli, ["--library", str(demo_library), "export", "--format", "html", "--style", "mla"]
    )
    assert result.exit_code == 0, result.output
    _assert_safe_document(result.stdout)
    head = _Head()
    head.feed(result.stdout)
    assert head.html_attrs["lang"] == "en"
    assert ".csl-entry { padding-left: 2em; text-indent: -2em;" in head.style
    assert "@media print" in head.style
    assert result.stdout.count('<div class="csl-entry">') == len(
        Services.for_library(demo_library).refs.references()
    )
