"""Safe edits in a real browser: a delete asks in a dialog and can be undone, the Trash page
restores, two tabs editing one note never overwrite each other silently, and a rejected
form puts the focus on its field.

One server serves the module (each test works on passages of its own), so the module
pays for one start.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from annotations.errors import PassageNotFound
from annotations.model import Locator
from tests.e2e.axe import blocking_violations
from tests.e2e.conftest import DATA, LiveServer, serving


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One served copy of the test library for the module's stories."""
    folder = tmp_path_factory.mktemp("safe-edits")
    library = Path(shutil.copytree(DATA / "web_library", folder / "library"))
    with serving(library, folder / "serve.log") as server:
        yield server


def _texts(server: LiveServer, citekey: str) -> list[str]:
    return [passage.text for passage in server.passages.passages(citekey)]


def test_delete_asks_in_a_dialog_by_keyboard_and_undo_brings_it_back(
    page: Page, live_server: LiveServer
) -> None:
    passage = live_server.passages.add(
        "freeze2009", "Tanks rolled into Moscow", locator=Locator("page", "4"), notes=["mine"]
    )
    page.goto(f"{live_server.url}/passages/{passage.id}")
    delete = page.get_by_role("button", name="Delete passage")
    delete.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Delete this passage and its 1 note?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    assert live_server.passages.get(passage.id) == passage

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Delete")).to_be_focused()
    assert blocking_violations(page) == []
    page.keyboard.press("Enter")
    # The reference's page formats its entry: citeproc-js's first start takes seconds.
    expect(page).to_have_url(f"{live_server.url}/refs/freeze2009", timeout=30_000)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Deleted the passage “Tanks rolled into Moscow”")
    with pytest.raises(PassageNotFound):
        live_server.passages.get(passage.id)
    assert blocking_violations(page) == []

    status.get_by_role("button", name="Undo").click()
    expect(page).to_have_url(f"{live_server.url}/passages/{passage.id}")
    expect(page.get_by_role("status").filter(has_text="Restored the passage")).to_be_visible()
    assert live_server.passages.get(passage.id) == passage


def test_a_note_is_restored_from_the_trash_page(page: Page, live_server: LiveServer) -> None:
    passage = live_server.passages.add("linden1966", "A quote", notes=["Worth keeping"])
    [note] = passage.notes
    live_server.passages.delete_note(note.id)
    page.goto(f"{live_server.url}/sources")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash").click()
    page.get_by_role("button", name="Restore note “Worth keeping”").click()
    expect(page).to_have_url(f"{live_server.url}/passages/{passage.id}#note-{note.id}")
    expect(page.locator(f"#note-{note.id}")).to_contain_text("Worth keeping")
    assert live_server.passages.get_note(note.id) == note


def test_two_tabs_editing_one_note_see_both_versions_and_choose(
    browser: Browser, live_server: LiveServer
) -> None:
    passage = live_server.passages.add("freeze2009", "Tanks", notes=["first draft"])
    [note] = passage.notes
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.goto(f"{live_server.url}/passages/{passage.id}")
        tab.get_by_text("Edit note").click()
    first.get_by_label("Note text (Markdown)").fill("Written in the first tab")
    first.get_by_role("button", name="Save note").click()
    expect(first.locator(f"#note-{note.id} .note-body")).to_have_text("Written in the first tab")

    second.get_by_label("Note text (Markdown)").fill("Written in the second tab")
    second.get_by_role("button", name="Save note").click()
    theirs = second.get_by_role("region", name="Their version (now, revision 2)")
    expect(theirs).to_contain_text("Written in the first tab")
    mine = second.get_by_label("Your version (as you typed it)")
    expect(mine).to_have_value("Written in the second tab")
    expect(mine).to_be_focused()
    expect(second.get_by_role("alert").first).to_contain_text("someone changed this note")
    assert live_server.passages.get_note(note.id).text == "Written in the first tab"
    assert blocking_violations(second) == []

    second.get_by_role("button", name="Keep mine").click()
    expect(second.locator(f"#note-{note.id} .note-body")).to_have_text("Written in the second tab")
    assert live_server.passages.get_note(note.id).text == "Written in the second tab"
    context.close()


def test_form_errors_are_at_the_field_focused_and_keep_what_was_typed(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/refs/linden1966")
    page.get_by_text("Add a passage").click()
    page.get_by_label("Tags (comma-separated)").fill("army, plenum")
    page.get_by_role("button", name="Add passage").click()
    quote = page.get_by_label("Quoted words")
    expect(quote).to_be_focused()
    expect(quote).to_have_attribute("aria-invalid", "true")
    expect(quote).to_have_accessible_description("Type the quoted words.")
    expect(page.get_by_role("alert")).to_contain_text("Type the quoted words.")
    expect(page.get_by_label("Tags (comma-separated)")).to_have_value("army, plenum")

    quote.fill("Zhukov's tanks")
    page.get_by_label("Locator (e.g. 422, xiv, 12-14)").fill("p4x2")
    page.get_by_role("button", name="Add passage").click()  # the server refuses the locator
    locator = page.get_by_label("Locator (e.g. 422, xiv, 12-14)")
    expect(locator).to_be_focused()
    expect(locator).to_have_attribute("aria-invalid", "true")
    expect(locator).to_have_accessible_description(re.compile("expected a page"))
    expect(page.get_by_label("Quoted words")).to_have_value("Zhukov's tanks")
    assert blocking_violations(page) == []
    expect(page.get_by_label("Tags (comma-separated)")).to_have_value("army, plenum")
    assert "Zhukov's tanks" not in _texts(live_server, "linden1966")

    # The reader's form is sent by script: the API's error goes beside its field too.
    page.goto(f"{live_server.url}/sources/taubman2004")
    page.evaluate(SELECT_WORDS, "Marshal Zhukov's planes")
    page.get_by_role("button", name="Quote", exact=True).click()
    form = page.get_by_role("form", name="Add a passage")
    form.get_by_label("Locator (e.g. 422, xiv, 12-14)").fill("p4x2")
    form.get_by_role("button", name="Add passage").click()
    locator = form.get_by_label("Locator (e.g. 422, xiv, 12-14)")
    expect(locator).to_be_focused()
    expect(locator).to_have_attribute("aria-invalid", "true")
    expect(locator).to_have_accessible_description(re.compile("expected a page"))
    assert "Marshal Zhukov's planes" not in _texts(live_server, "taubman2004")


# Selects words in the source text, as a reader dragging over them would.
SELECT_WORDS = """(exact) => {
    const walker = document.createTreeWalker(
        document.getElementById("source-text"), NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    while (node && !node.textContent.includes(exact)) node = walker.nextNode();
    const start = node.textContent.indexOf(exact);
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + exact.length);
    document.getSelection().removeAllRanges();
    document.getSelection().addRange(range);
}"""
