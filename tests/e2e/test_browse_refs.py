"""User stories in a real browser: browsing and adding references."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from annotations.model import Locator
from tests.e2e.conftest import LiveServer, save_screenshot


def test_filter_and_sort_the_references_list(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/refs")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(5)  # the header and four references
    page.get_by_label("Filter references").fill("khrushchev")
    expect(page.get_by_role("status")).to_have_text("2 references")
    expect(page.get_by_role("link", name="freeze2009")).to_be_hidden()
    page.get_by_role("link", name="Year", exact=True).click()
    body_rows = page.locator("tbody tr:visible")
    expect(body_rows.first).to_contain_text("linden1966")
    expect(body_rows.last).to_contain_text("taubman2004")
    expect(page).to_have_url(re.compile(r"q=khrushchev.*sort=year|sort=year.*q=khrushchev"))
    save_screenshot(page, "refs-list")


def test_reference_page_shows_hostile_title_as_text(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/refs/evil2020")
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>window.pwned=1</script>")
    expect(page.get_by_text("javascript:window.pwned=3", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="javascript:window.pwned=3")).to_have_count(0)
    assert page.evaluate("window.pwned") is None


def test_open_a_reference_and_see_its_passages_and_bibtex(
    page: Page, live_server: LiveServer
) -> None:
    live_server.passages.add("freeze2009", "The tanks stayed.", locator=Locator("page", "12"))
    page.goto(f"{live_server.url}/refs")
    page.get_by_role("link", name="freeze2009").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zhukov and the Tanks of June")
    expect(page.get_by_role("region", name="BibTeX")).to_contain_text("@article{freeze2009,")
    expect(page.get_by_role("region", name="Passages")).to_contain_text("The tanks stayed.")
    save_screenshot(page, "reference")


def test_add_a_reference_by_pasting_bibtex(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/refs")
    page.get_by_label("BibTeX entries").fill("@book{khrushchev1970, title={Khrushchev Remembers}}")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Khrushchev Remembers")
    live_server.services.refs.refresh()  # the server wrote the file; read it here too
    assert live_server.services.refs.get("khrushchev1970").text("title") == "Khrushchev Remembers"


def test_a_bib_file_edited_by_hand_while_serving_shows_on_reload(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/refs/freeze2009")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Zhukov and the Tanks of June")
    bib = live_server.services.library_dir / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("the Tanks of June", "the Armoured Columns"), encoding="utf-8")
    page.reload()
    expect(heading).to_have_text("Zhukov and the Armoured Columns")
    page.goto(f"{live_server.url}/?q=armoured")
    # The hit is headed by the reference's short citation, with the title as edited.
    expect(page.get_by_role("list", name="Results").get_by_role("link")).to_have_text(
        ["Freeze, “Zhukov and the Armoured Columns” (2009) reference"]
    )
