"""User stories in a real browser: exports made for writing (a web page to print, a Word
document) and quotes that hold quotes of their own."""

from __future__ import annotations

import docx
from docx.shared import Cm
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, save_screenshot


def test_html_export_is_a_complete_document_with_hanging_indents(
    page: Page, demo_server: LiveServer
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
    text = download.path().read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    page.goto(download.path().as_uri())  # opened from disk, as a user would
    expect(page.get_by_text("Khrushchev and the Soviet Leadership")).to_be_visible()
    facts = page.evaluate(
        """() => {
            const entry = [...document.querySelectorAll("div")].find(
                (div) => div.textContent.startsWith("Linden"));
            const style = getComputedStyle(entry);
            return {
                doctype: document.doctype && document.doctype.name,
                lang: document.documentElement.lang,
                charset: document.characterSet,
                indent: parseFloat(style.textIndent),
                padding: parseFloat(style.paddingLeft),
            };
        }"""
    )
    assert facts["doctype"] == "html" and facts["lang"] == "en"
    assert facts["charset"] == "UTF-8"
    assert facts["indent"] < 0 and facts["padding"] == -facts["indent"]
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
    status = page.get_by_role("region", name="Copy citation").get_by_role("status")
    page.get_by_role("button", name="Quote with MLA citation").click()
    expected = "“Pravda branded them ‘the anti-party group’ at once” (Linden)."
    expect(status).to_have_text(f"Copied: {expected}")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    page.get_by_role("button", name="Quote with Chicago citation").click()
    expect(status).to_contain_text("“Pravda branded them ‘the anti-party group’ at once.”¹")
