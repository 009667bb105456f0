"""axe-core on every page: no serious or critical violations, at desktop and phone width."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from annotations.model import Anchor, Locator, TextQuoteSelector
from tests.e2e.conftest import LiveServer, save_screenshot

PAGES = [
    pytest.param("/", "search-empty", id="search"),
    pytest.param("/?q=zhukov", "search-results", id="search-results"),
    pytest.param("/refs", "refs", id="refs"),
    pytest.param("/refs/freeze2009", "reference", id="reference"),
    pytest.param("/refs/evil2020", "reference-hostile", id="reference-hostile"),
    pytest.param("/passages/{passage}", "passage", id="passage"),
    pytest.param("/sources", "sources", id="sources"),
    pytest.param("/sources/taubman2004", "reader", id="reader"),
    pytest.param("/export", "export", id="export"),
    pytest.param("/nowhere", "not-found", id="not-found"),
]


@pytest.mark.parametrize("width", [pytest.param(1280, id="desktop"), pytest.param(375, id="phone")])
@pytest.mark.parametrize(("path", "name"), PAGES)
def test_page_has_no_serious_accessibility_violations(
    page: Page, live_server: LiveServer, path: str, name: str, width: int
) -> None:
    passage = live_server.passages.add(
        "freeze2009", "Zhukov moved the tanks", locator=Locator("page", "422"), tags=["army"]
    )
    live_server.passages.add_note(passage.id, "A **note** with [a link](https://example.org).")
    live_server.passages.add(
        "taubman2004",
        "Marshal Zhukov's planes",
        anchor=Anchor(
            source="taubman2004.txt", quote=TextQuoteSelector(exact="Marshal Zhukov's planes")
        ),
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{path.format(passage=passage.id)}")
    expect(page.get_by_role("main")).to_be_visible()
    if path.startswith("/?q="):
        expect(page.locator("#results li").first).to_be_visible()
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    # Nothing wider than the screen: usable at phone width without sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    save_screenshot(page, f"{name}-{width}")
