"""The reading page's design holds in a real browser: a serif face for quotes and a UI face
for the controls, a 60-75 character measure, a dark scheme that passes axe, print without
the controls."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from annotations.model import Anchor, Locator, TextQuoteSelector
from tests.e2e.axe import blocking_violations
from tests.e2e.conftest import LiveServer

QUOTE = "Zhukov moved the tanks"
ANCHORED = "Marshal Zhukov's planes"


def _font(page: Page, selector: str) -> str:
    family: str = page.locator(selector).first.evaluate(
        "element => getComputedStyle(element).fontFamily"
    )
    return family


def _characters_per_line(page: Page, selector: str) -> float:
    """How many characters of the element's own font fit on one of its lines."""
    measured: float = page.locator(selector).first.evaluate(
        """element => {
            const probe = document.createElement("span");
            probe.textContent = "abcdefghijklmnopqrstuvwxyz ".repeat(4);
            probe.style.position = "absolute";
            probe.style.whiteSpace = "nowrap";
            element.appendChild(probe);
            const perCharacter = probe.getBoundingClientRect().width / probe.textContent.length;
            probe.remove();
            const style = getComputedStyle(element);
            const inner = element.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return inner / perCharacter;
        }"""
    )
    return measured


def test_quotes_in_a_serif_at_a_readable_measure_the_controls_in_a_ui_face(
    page: Page, live_server: LiveServer
) -> None:
    passage = live_server.passages.add("freeze2009", QUOTE, locator=Locator("page", "422"))
    live_server.passages.add(
        "taubman2004",
        ANCHORED,
        anchor=Anchor(source="taubman2004.txt", quote=TextQuoteSelector(exact=ANCHORED)),
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/passages/{passage.id}")
    assert _font(page, "blockquote").startswith('"PT Serif"')
    assert "PT Serif" not in _font(page, "nav")
    assert "PT Serif" not in _font(page, "button")
    # The vendored face is really used, not a fallback: the browser loaded it.
    assert page.evaluate("document.fonts.check('1rem \"PT Serif\"')")
    page.goto(f"{live_server.url}/sources/taubman2004")
    # A prose text in average characters: 60-75 is the typographers' measure (68ch).
    measure = _characters_per_line(page, "#source-text")
    assert 60 <= measure <= 75, measure


def test_dark_scheme_follows_the_system_and_keeps_its_contrast(
    page: Page, live_server: LiveServer
) -> None:
    passage = live_server.passages.add("freeze2009", QUOTE, locator=Locator("page", "422"))
    page.goto(f"{live_server.url}/refs")
    light = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    page.emulate_media(color_scheme="dark")
    for path in (
        "/?q=zhukov",
        f"/passages/{passage.id}",
        "/refs/freeze2009",
        "/sources/taubman2004",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("main")).to_be_visible()
        if path.startswith("/?q="):
            expect(page.locator("#results li").first).to_be_visible()
        background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        assert background == "rgb(25, 24, 22)", path
        assert blocking_violations(page) == [], f"{path} in dark mode"
    assert light == "rgb(250, 248, 243)"


def test_print_shows_the_text_without_the_controls(page: Page, live_server: LiveServer) -> None:
    passage = live_server.passages.add("freeze2009", QUOTE, locator=Locator("page", "422"))
    page.goto(f"{live_server.url}/passages/{passage.id}")
    page.emulate_media(media="print")
    expect(page.get_by_role("blockquote")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Add note")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
