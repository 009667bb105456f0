"""User stories in a real browser: a pasted duplicate, an edit, a delete and an import of a
file, each checked on the library's files on disk."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from annotations.model import Locator
from tests.e2e.conftest import LiveServer, save_screenshot

LINDEN_AGAIN = """@book{linden66,
  author = {Linden, Carl A.},
  title = {Khrushchev and the Soviet Leadership, 1957--1964},
  publisher = {Johns Hopkins Press},
  year = 1966,
}"""


def _bib(server: LiveServer) -> str:
    return (server.services.library_dir / "references.bib").read_text(encoding="utf-8")


def test_a_pasted_duplicate_is_shown_beside_its_twin_and_added_only_when_asked(
    page: Page, live_server: LiveServer
) -> None:
    before = _bib(live_server)
    page.goto(f"{live_server.url}/refs")
    page.get_by_label("BibTeX entries").fill(LINDEN_AGAIN)
    page.get_by_role("button", name="Add", exact=True).click()
    held = page.get_by_role("article", name="Khrushchev and the Soviet Leadership, 1957–1964")
    expect(held.get_by_role("region", name="In your library: linden1966")).to_contain_text(
        "Johns Hopkins Press"
    )
    expect(held.get_by_role("region", name="Imported entry 1")).to_contain_text("Linden, Carl A.")
    assert _bib(live_server) == before
    save_screenshot(page, "refs-duplicate")
    held.get_by_role("button", name="Add anyway").click()
    expect(held.get_by_role("status")).to_have_text("Added as linden66.")
    assert _bib(live_server) == before + "\n" + LINDEN_AGAIN + "\n"


def test_editing_a_field_shows_a_bad_value_at_its_input_then_saves_to_the_bib(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/refs/freeze2009")
    page.get_by_role("link", name="Edit fields").click()
    year = page.get_by_label("year", exact=True)
    year.fill("l957")
    page.get_by_role("button", name="Save changes").click()
    year = page.get_by_label("year", exact=True)
    expect(year).to_be_focused()
    expect(year).to_have_attribute("aria-invalid", "true")
    expect(year).to_have_accessible_description(re.compile("expected a year like 1957"))
    year.fill("2010")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zhukov and the Tanks of June")
    assert "  year = {2010},\n" in _bib(live_server)


def test_deleting_a_reference_asks_first_and_removes_its_passages_when_chosen(
    page: Page, live_server: LiveServer
) -> None:
    live_server.passages.add("freeze2009", "The tanks stayed.", locator=Locator("page", "12"))
    page.goto(f"{live_server.url}/refs/freeze2009")
    page.get_by_label("Remove the passages and their notes too").check()
    page.get_by_role("button", name="Delete reference").click()
    dialog = page.get_by_role("dialog", name="Delete the reference freeze2009?")
    expect(dialog).to_be_visible()
    assert "freeze2009" in _bib(live_server)  # nothing happens before the answer
    dialog.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(f"{live_server.url}/refs")
    assert "freeze2009" not in _bib(live_server)
    assert live_server.services.passage_store.passages("freeze2009") == []


def test_importing_a_file_reports_what_was_added_held_and_skipped(
    page: Page, live_server: LiveServer
) -> None:
    upload = (
        f"{LINDEN_AGAIN}\n\n"
        "@book{khrushchev1970, author = {Khrushchev, Nikita}, title = {Khrushchev Remembers},"
        " publisher = {Little, Brown}, year = 1970}\n\n"
        "@book{broken, title = {Unclosed}\n"
    )
    page.goto(f"{live_server.url}/refs")
    page.get_by_role("link", name="Import a file").click()
    page.get_by_label("Choose a file").set_input_files(
        files=[{"name": "mine.bib", "mimeType": "text/plain", "buffer": upload.encode()}]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import report")).to_be_focused()
    expect(page.get_by_role("progressbar", name="Import progress")).to_have_attribute(
        "value", "100"
    )
    expect(page.get_by_role("region", name="Added (1)")).to_contain_text("khrushchev1970")
    held = page.get_by_role("region", name="Possible duplicates (1)")
    expect(held).to_contain_text("linden1966")
    expect(page.get_by_role("region", name="Skipped (1)")).to_contain_text("mine.bib:10")
    save_screenshot(page, "import-report")
    held.get_by_role("button", name="Skip").click()
    expect(held.get_by_role("status")).to_have_text("Skipped: nothing was added.")
    text = _bib(live_server)
    assert "@book{khrushchev1970" in text and "linden66" not in text
