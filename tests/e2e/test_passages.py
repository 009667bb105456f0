"""User stories in a real browser: a passage's notes, citations, the reader and export."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from annotations.model import Locator
from tests.e2e.conftest import LiveServer, save_screenshot


def test_add_edit_and_delete_a_note_and_see_it_after_reload(
    page: Page, live_server: LiveServer
) -> None:
    passage = live_server.passages.add("freeze2009", "Tanks rolled", locator=Locator("page", "4"))
    page.goto(f"{live_server.url}/passages/{passage.id}")
    page.get_by_label("New note (Markdown)").fill(
        "A **strong** claim <script>window.pwned=1</script>"
    )
    page.get_by_role("button", name="Add note").click()
    note = page.get_by_role("listitem").filter(has_text="A strong claim")
    expect(note.locator("strong")).to_have_text("strong")
    page.reload()
    expect(note).to_be_visible()
    assert page.evaluate("window.pwned") is None
    save_screenshot(page, "passage")
    note.get_by_text("Edit note").click()
    note.get_by_label("Note text (Markdown)").fill("Changed my mind")
    note.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Changed my mind").first).to_be_visible()
    page.get_by_role("button", name="Delete note").click()
    expect(page.get_by_text("No notes yet.")).to_be_visible()
    assert live_server.passages.get(passage.id).notes == ()


def test_copy_a_citation(page: Page, live_server: LiveServer) -> None:
    passage = live_server.passages.add("freeze2009", "Tanks rolled", locator=Locator("page", "4"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/passages/{passage.id}")
    page.get_by_role("button", name="Quote with MLA citation").click()
    expected = "“Tanks rolled” (Freeze, Gregory L. 4)."
    expect(page.get_by_role("status")).to_have_text(f"Copied: {expected}")
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_select_text_in_the_reader_and_quote_it(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/sources/taubman2004")
    text = page.get_by_role("article")
    exact = "Marshal Zhukov's planes"
    page.evaluate(
        """(exact) => {
            const node = document.getElementById("source-text").firstChild;
            const start = node.textContent.indexOf(exact);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + exact.length);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
        }""",
        exact,
    )
    expect(page.get_by_role("button", name="Quote this")).to_be_visible()
    expect(page.get_by_label("Reference")).to_have_value("taubman2004")  # named after it
    page.get_by_label("Locator (e.g. 422, xiv, 12-14)").fill("301")
    page.get_by_role("button", name="Quote this").click()
    expect(page).to_have_url(re.compile(r"/passages/P1$"))
    [passage] = live_server.passages.find("taubman2004")
    assert passage.text == exact
    assert passage.locator == Locator("page", "301")
    assert passage.anchor is not None and passage.anchor.position is not None
    source = (live_server.services.library_dir / "sources" / "taubman2004.txt").read_text("utf-8")
    assert source[passage.anchor.position.start : passage.anchor.position.end] == exact
    page.get_by_role("link", name="In the source text").click()
    expect(text.locator(f"#passage-{passage.id}")).to_have_text(exact)


def test_export_a_bibliography(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/export")
    page.get_by_label("linden1966").check()
    page.get_by_label("Format").select_option("bibtex")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "florilegium.bib"
    content = download.path().read_text(encoding="utf-8")
    assert "@book{linden1966" in content and "freeze2009" not in content
