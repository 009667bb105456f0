"""User stories in a real browser: exports made for writing (a web page to print, a Word
document) and quotes that hold quotes of their own."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.shared import Cm
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, copy_citation, save_screenshot


def test_html_export_is_a_complete_document_with_hanging_indents(
    page: Page, demo_server: LiveServer, tmp_path: Path
) -> None:
    page.goto(f"{demo_server.url}/export")
    page.get_by_label("linden1966").check()
    page.get_by_label("freeze2009").check()
    page.get_by_label("Format").select_option("html")
    page.get_by_label("Style (for text, html, markdown and docx)").select_option("chicago")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "florilegium.html"
    # Saved under its name, as a user's browser saves it: a file named .html opens as a page
    # (Playwright keeps downloads under nameless files, which open as plain text).
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    page.goto(saved.as_uri())  # opened from disk, as a user would
    expect(page.get_by_text("Khrushchev and the Soviet Leadership")).to_be_visible()
    entry = page.locator(".csl-entry").filter(has_text=re.compile(r"^Linden, Carl A\."))
    expect(entry).to_have_count(1)
    style = entry.evaluate(
        "(entry) => { const style = getComputedStyle(entry); "
        "return { indent: parseFloat(style.textIndent), padding: parseFloat(style.paddingLeft) }; }"
    )
    facts = page.evaluate(
        """() => ({
            doctype: document.doctype && document.doctype.name,
            lang: document.documentElement.lang,
            charset: document.characterSet,
        })"""
    )
    assert facts["doctype"] == "html" and facts["lang"] == "en"
    assert facts["charset"] == "UTF-8"
    assert style["indent"] < 0 and style["padding"] == -style["indent"]
    save_screenshot(page, "export-html")
    page.emulate_media(media="print")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 16  # 12pt


def test_word_export_opens_with_italic_titles(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/export")
    page.get_by_label("linden1966").check()
    page.get_by_label("Format").select_option("docx")
    page.get_by_label("Style (for text, html, markdown and docx)").select_option("mla")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "florilegium.docx"
    [entry] = docx.Document(str(download.path())).paragraphs
    assert entry.text == (
        "Linden, Carl A. Khrushchev and the Soviet Leadership, 1957–1964. "
        "Johns Hopkins Press, 1966."
    )
    italic = [run.text for run in entry.runs if run.italic]
    assert italic == ["Khrushchev and the Soviet Leadership, 1957–1964"]
    assert entry.paragraph_format.first_line_indent == -Cm(1.27)


def test_a_quote_holding_a_quote_is_copied_with_single_inner_marks(
    page: Page, demo_server: LiveServer
) -> None:
    passage = demo_server.passages.add(
        "linden1966", "Pravda branded them “the anti-party group” at once.", locator=None
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{demo_server.url}/passages/{passage.id}")
    status = copy_citation(page, "MLA", "Quote with citation")
    expected = "“Pravda branded them ‘the anti-party group’ at once” (Linden)."
    # The first citation warms up citeproc-js: seconds on a busy machine.
    expect(status).to_have_text(f"Copied: {expected}", timeout=60_000)
    assert page.evaluate("navigator.clipboard.readText()") == expected
    copy_citation(page, "Chicago (notes)", "Quote with citation")
    expect(status).to_contain_text("“Pravda branded them ‘the anti-party group’ at once.”¹")
    assert page.evaluate("navigator.clipboard.readText()").startswith(
        "“Pravda branded them ‘the anti-party group’ at once.”¹"
    )
