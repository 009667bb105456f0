"""The source reader in a real browser: highlights open their passage in the side panel,
a selection is quoted with its page read from the text's page markers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from annotations.model import Anchor, Locator, TextQuoteSelector
from tests.e2e.conftest import DATA, LiveServer, save_screenshot

# pdftotext's output for a four-page article (a form feed after each page), as the full
# text of taubman2004 in the test library.
PDFTOTEXT = DATA / "sources" / "pdftotext_antiparty_group.txt"
ON_PAGE_TWO = "the Presidium's practice of appointing its own leader"
HIGHLIGHTED = "Khrushchev joined with both of them"


def _with_paged_source(server: LiveServer, *, first_line: str = "") -> str:
    """Give taubman2004 the pdftotext source (under its first line, if any); its text."""
    text = first_line + PDFTOTEXT.read_text(encoding="utf-8")
    path = Path(server.services.library_dir) / "sources" / "taubman2004.txt"
    path.write_text(text, encoding="utf-8")
    return text


def _select(page: Page, exact: str) -> None:
    """Select `exact` in the source text, as a reader dragging over the words would."""
    page.evaluate(
        """(exact) => {
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
        }""",
        exact,
    )


def _stored(server: LiveServer, citekey: str) -> list[dict[str, Any]]:
    path = Path(server.services.library_dir) / "passages" / f"{citekey}.json"
    records: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["passages"]
    return records


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None
    return dict(box)


def test_quote_a_selection_with_its_page_filled_in_beside_the_text(
    page: Page, live_server: LiveServer
) -> None:
    text = _with_paged_source(live_server, first_line="[p. 41]\n")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/sources/taubman2004")
    _select(page, ON_PAGE_TWO)
    page.get_by_role("button", name="Quote", exact=True).click()
    form = page.get_by_role("form", name="Add a passage")
    expect(form.get_by_label("Quoted words")).to_have_value(ON_PAGE_TWO)
    expect(form.get_by_label("Locator label")).to_have_value("page")
    expect(form.get_by_label("Locator (e.g. 422, xiv, 12-14)")).to_have_value("42")
    # A side panel, not an overlay: the text and the form side by side.
    article, panel = _box(page, "#source-text"), _box(page, "#reader-panel")
    assert article["x"] + article["width"] <= panel["x"]
    save_screenshot(page, "reader-quote-desktop")
    form.get_by_role("button", name="Add passage").click()
    expect(page).to_have_url(re.compile(r"/sources/taubman2004#passage-[0-9A-Z]{26}$"))
    passage_id = page.url.rsplit("#passage-", 1)[1]
    [record] = [r for r in _stored(live_server, "taubman2004") if r["id"] == passage_id]
    assert record["text"] == ON_PAGE_TWO
    assert record["locator"] == {"label": "page", "value": "42"}
    start, end = record["anchor"]["position"]["start"], record["anchor"]["position"]["end"]
    assert text[start:end] == ON_PAGE_TWO
    # The reloaded reader highlights the new passage and has it open in the panel.
    panel_passage = page.get_by_role("region", name="Passage")
    expect(panel_passage).to_be_visible()
    expect(panel_passage.get_by_role("blockquote")).to_have_text(ON_PAGE_TWO)
    expect(page.locator(f"#passage-{passage_id}")).to_have_text(ON_PAGE_TWO)


def test_a_quote_running_onto_the_next_page_gets_both_pages(
    page: Page, live_server: LiveServer
) -> None:
    text = _with_paged_source(live_server)
    feed = text.index("\f")
    before, after = text[feed - 30 : feed].split("\n")[-1], "2"
    page.goto(f"{live_server.url}/sources/taubman2004")
    page.evaluate(
        """([first, second]) => {
            const nodes = [];
            const walker = document.createTreeWalker(
                document.getElementById("source-text"), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
            const start = nodes.find((node) => node.textContent.includes(first));
            const end = nodes.find((node) => node.textContent.includes("majority. When"));
            const range = document.createRange();
            range.setStart(start, start.textContent.indexOf(first));
            range.setEnd(end, end.textContent.indexOf("majority. When") + 8);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
        }""",
        [before, after],
    )
    page.get_by_role("button", name="Quote", exact=True).click()
    expect(page.get_by_label("Locator (e.g. 422, xiv, 12-14)")).to_have_value("1-2")


def test_a_highlight_opens_its_passage_in_the_panel_and_its_deep_link_too(
    page: Page, live_server: LiveServer
) -> None:
    _with_paged_source(live_server)
    passage = live_server.passages.add(
        "taubman2004",
        HIGHLIGHTED,
        locator=Locator("page", "1"),
        anchor=Anchor(source="taubman2004.txt", quote=TextQuoteSelector(exact=HIGHLIGHTED)),
    )
    live_server.passages.add_note(passage.id, "Beria's *fall* first.")
    page.goto(f"{live_server.url}/sources/taubman2004")
    panel_passage = page.get_by_role("region", name="Passage")
    expect(panel_passage).to_be_hidden()
    page.get_by_role("link", name=HIGHLIGHTED).click()
    expect(page).to_have_url(re.compile(f"#passage-{passage.id}$"))
    expect(panel_passage.get_by_role("blockquote")).to_have_text(HIGHLIGHTED)
    expect(panel_passage.locator("em")).to_have_text("fall")
    expect(
        panel_passage.get_by_role("link", name=re.compile("Open the passage"))
    ).to_have_attribute("href", f"/passages/{passage.id}")
    panel_passage.get_by_role("button", name="Close the passage").click()
    expect(panel_passage).to_be_hidden()
    page.get_by_role("link", name=HIGHLIGHTED).press("Enter")  # by keyboard too
    expect(panel_passage.get_by_role("blockquote")).to_have_text(HIGHLIGHTED)
    page.keyboard.press("Escape")
    expect(panel_passage).to_be_hidden()
    expect(page.get_by_role("link", name=HIGHLIGHTED)).to_be_focused()
    # A deep link opens the passage on arrival.
    page.goto(f"{live_server.url}/sources/taubman2004#passage-{passage.id}")
    expect(panel_passage.get_by_role("blockquote")).to_have_text(HIGHLIGHTED)
    expect(page.locator(f"#passage-{passage.id}")).to_be_in_viewport()


def test_on_a_phone_the_form_is_a_sheet_that_leaves_the_selection_in_view(
    page: Page, live_server: LiveServer
) -> None:
    _with_paged_source(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/sources/taubman2004")
    page.get_by_text(ON_PAGE_TWO).scroll_into_view_if_needed()
    _select(page, ON_PAGE_TWO)
    expect(page.get_by_role("button", name="Quote", exact=True)).to_be_visible()
    page.keyboard.press("q")  # the button's shortcut
    expect(page.get_by_label("Locator (e.g. 422, xiv, 12-14)")).to_have_value("2")
    sheet = _box(page, "#reader-panel")
    assert sheet["height"] <= 0.4 * 844
    selection = page.evaluate(
        "(() => { const r = document.getSelection().getRangeAt(0).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom}; })()"
    )
    assert selection["top"] >= 0 and selection["bottom"] <= sheet["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(page, "reader-quote-phone")
