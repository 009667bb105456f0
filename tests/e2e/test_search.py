"""User stories in a real browser: searching the demo library with the real index."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Request, Route, expect

from tests.e2e.conftest import LiveServer, save_screenshot

ZHUKOV_TANK = "01M84V6NVG8NA9XCBTXZ7GF7YY"  # "…not even a tank will leave its position…"


def test_type_a_query_and_see_the_zhukov_tank_quote_first_highlighted(
    page: Page, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url)
    page.get_by_role("searchbox").press_sequentially("Georgii Zhukov tank")
    expect(page.get_by_role("status")).to_have_text("1 result")
    first = page.get_by_role("list", name="Results").get_by_role("listitem").first
    # Headed by the work as people know it (Author, [Title] (Year)), not by its citekey.
    expect(first.get_by_role("link")).to_have_text(
        "Zhukov, [Words to the Anti-Party Group on the…] (1957)"
    )
    expect(first.get_by_role("link")).to_have_attribute("href", f"/passages/{ZHUKOV_TANK}")
    expect(first).to_contain_text("not even a tank will leave its position without my order")
    expect(first.locator("mark")).to_have_text(["tank"])
    expect(page).to_have_url(re.compile(r"/\?q=Georgii\+Zhukov\+tank$"))
    save_screenshot(page, "search-results")


def test_a_cyrillic_query_finds_the_romanised_quotes(page: Page, demo_server: LiveServer) -> None:
    page.goto(demo_server.url)
    page.get_by_role("searchbox").fill("Хрущёв Leningrad")
    expect(page.get_by_role("status")).to_have_text("6 results")
    results = page.get_by_role("list", name="Results")
    # The quote with both words comes first; «Хрущёв» is the same word as "Khrushchev",
    # highlighted in the English quote.
    first = results.get_by_role("listitem").first
    expect(first).to_contain_text("scheduled to make in Leningrad")
    expect(first.get_by_role("link")).to_have_text(
        "GlobalSecurity.org, “Malenkov and the Anti-Party Group,” para. 8"
    )
    expect(first.locator("mark").first).to_have_text("Khrushchev")
    # Pravda's report of the speech follows, found through its reference's title.
    pravda = results.get_by_role("listitem").filter(has_text="the so-called Leningrad Affair")
    expect(pravda.get_by_role("link")).to_have_text(
        "Pravda, [Report of N. S. Khrushchev’s Speech in…] (1957)"
    )
    expect(pravda.locator("mark").first).to_have_text("Leningrad")


def test_typing_sends_few_requests_and_shows_the_last_query(
    page: Page, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url)
    searched: list[str] = []

    def remember(request: Request) -> None:
        if "/api/search?" in request.url:
            searched.append(request.url)

    page.on("request", remember)
    with page.expect_response(lambda response: "q=zhukov+tank&" in response.url):
        page.get_by_role("searchbox").press_sequentially("zhukov tank", delay=10)
    expect(page.get_by_role("status")).to_have_text("1 result")
    assert "q=zhukov+tank&" in searched[-1]
    assert len(searched) < len("zhukov tank")  # debounced, not one request per key


def test_narrow_by_reference_then_by_kind_and_back(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/?q=zhukov")
    status = page.get_by_role("status")
    expect(status).to_have_text("24 results")
    facets = page.get_by_role("region", name="Narrow down")
    expect(facets.get_by_role("group", name="Kind").get_by_role("button")).to_have_text(
        ["Passages 14", "Notes 7", "References 3"]
    )
    # Works are named by author and year; the citekey goes into the query.
    by_work = facets.get_by_role("group", name="Reference")
    by_work.get_by_role("button", name="Freeze (2009)").click()
    expect(status).to_have_text("2 results")
    expect(page.get_by_role("searchbox")).to_have_value("zhukov citekey:freeze2009")
    expect(page).to_have_url(re.compile(r"q=zhukov\+citekey%3Afreeze2009$"))
    links = page.get_by_role("list", name="Results").get_by_role("link")
    expect(links).to_have_text(
        ["Freeze, Russia (2009), p. 423", "Freeze, Russia (2009), p. 423 note"]
    )
    pressed = by_work.get_by_role("button", name="Freeze (2009) 2")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    pressed.click()  # pressed: takes it out
    expect(status).to_have_text("24 results")
    notes = facets.get_by_role("group", name="Kind").get_by_role("button", name="Notes 7")
    expect(notes).to_have_attribute("aria-pressed", "false")
    notes.click()
    expect(status).to_have_text("7 results")
    expect(page.get_by_role("searchbox")).to_have_value("zhukov kind:note")
    expect(links).to_have_count(7)
    for link in links.all():
        expect(link.locator(".kind")).to_have_text("note")
    expect(facets.get_by_role("button", name="Notes 7")).to_have_attribute("aria-pressed", "true")
    save_screenshot(page, "search-narrowed")


def test_next_page_of_results_changes_the_hits_and_the_url(
    page: Page, demo_server: LiveServer
) -> None:
    page.goto(f"{demo_server.url}/?q=zhukov")
    links = page.get_by_role("list", name="Results").get_by_role("link")
    expect(page.get_by_role("status")).to_have_text("24 results")
    expect(links).to_have_count(20)
    first_page = links.all_text_contents()
    page.get_by_role("button", name="More results").click()
    expect(links).to_have_count(4)
    expect(links.first).to_be_focused()  # not lost with the vanished button
    expect(page).to_have_url(re.compile(r"\?q=zhukov&offset=20$"))
    expect(page.get_by_role("button", name="More results")).to_have_count(0)
    second_page = links.all_text_contents()
    assert not set(second_page) & set(first_page[:1])
    page.reload()  # the offset is part of the bookmark
    expect(links).to_have_text(second_page)
    page.get_by_role("button", name="Previous results").click()
    expect(links).to_have_text(first_page)
    expect(page).to_have_url(re.compile(r"\?q=zhukov$"))


def test_keyboard_only_search_from_another_page(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/refs")
    page.keyboard.press("Tab")  # the first stop is the skip link, then the site's links
    for _ in range(10):
        if page.evaluate("document.activeElement.textContent") == "Search":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{demo_server.url}/")
    box = page.get_by_role("searchbox")
    expect(box).to_be_focused()
    page.keyboard.press("Tab")  # away from the box; "/" brings the focus back
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.type("zhukov")
    expect(page.get_by_role("status")).to_have_text("24 results")
    expect(page.locator("#results mark").nth(1)).to_have_text("Zhukov")
    links = page.get_by_role("list", name="Results").get_by_role("link")
    page.keyboard.press("ArrowDown")
    expect(links.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(links.first).to_be_focused()
    expect(links.first).to_have_text("Zhukov, [Words to the Anti-Party Group on the…] (1957)")
    save_screenshot(page, "search")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/passages/{ZHUKOV_TANK}$"))
    expect(page.get_by_role("blockquote")).to_contain_text("not even a tank will leave")


def test_a_slow_answer_to_an_older_query_never_replaces_the_newer_one(
    page: Page, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url)
    held: list[Route] = []

    def hold_the_first_query(route: Route) -> None:
        if "q=zhukov&" in route.request.url:
            held.append(route)  # answered only after the newer query's answer is shown
        else:
            route.continue_()

    page.route("**/api/search?*", hold_the_first_query)
    box = page.get_by_role("searchbox")
    with page.expect_request(lambda request: "q=zhukov&" in request.url):
        box.fill("zhukov")
    # The page gives up the older request as soon as it sends the newer one.
    with page.expect_event("requestfailed", lambda request: "q=zhukov&" in request.url):
        box.fill("zhukov tank")
    expect(page.get_by_role("status")).to_have_text("1 result")
    [slow] = held
    slow.fulfill(json={"query": "zhukov", "total": 24, "offset": 0, "hits": [], "facets": {}})
    expect(page.get_by_role("status")).to_have_text("1 result")
    # The one hit with both words first; hits with one of them follow it.
    expect(page.get_by_role("list", name="Results").get_by_role("link").first).to_have_text(
        "Zhukov, [Words to the Anti-Party Group on the…] (1957)"
    )
