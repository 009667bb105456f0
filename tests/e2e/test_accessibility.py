"""axe-core on every page: no serious or critical violations at 1280×800 and 390×844;
and the keyboard-only path from a search to a passage, a note and a copied citation.

One server (a copy of the test library with a passage, a note and an anchored passage)
serves every page of this module; each page is checked at both sizes in one test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.exceptions import NotFound

from annotations.model import Anchor, Locator, TextQuoteSelector
from tests.e2e.axe import blocking_violations
from tests.e2e.conftest import DATA, LiveServer, save_screenshot, serving
from webapp import create_app

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
ANCHORED = "Marshal Zhukov's planes"

# Every page of the app, with the state worth checking: `{passage}` and `{anchored}` are
# the ids of the module's passages. A `!quote` suffix opens the reader's quote form.
PAGES = [
    pytest.param("/", id="search"),
    pytest.param("/?q=zhukov", id="search-results"),
    pytest.param("/?q=zhukov+nothingmatchesthis", id="search-some-words"),
    pytest.param("/passages/{passage}", id="passage-with-note"),
    pytest.param("/refs", id="refs"),
    pytest.param("/refs/freeze2009", id="reference"),
    pytest.param("/refs/evil2020", id="reference-hostile"),
    pytest.param("/refs/freeze2009/edit", id="reference-edit"),
    pytest.param("/refs/freeze2009/delete", id="reference-delete"),
    pytest.param("/sources", id="sources"),
    pytest.param("/sources/taubman2004", id="reader"),
    pytest.param("/sources/taubman2004#passage-{anchored}", id="reader-passage-panel"),
    pytest.param("/sources/taubman2004!quote", id="reader-quote-form"),
    pytest.param("/export", id="export"),
    pytest.param("/import", id="import"),
    pytest.param("/trash", id="trash"),
    pytest.param("/login", id="login"),
    pytest.param("/nowhere", id="not-found"),
]
# GET routes that are no page of their own (none yet); every other one must be in PAGES.
NOT_PAGES: set[str] = set()


class Library:
    """The module's server and the ids of the passages it holds."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        passage = server.passages.add(
            "freeze2009", "Zhukov moved the tanks", locator=Locator("page", "422"), tags=["army"]
        )
        server.passages.add_note(passage.id, "A **note** with [a link](https://example.org).")
        anchored = server.passages.add(
            "taubman2004",
            ANCHORED,
            anchor=Anchor(source="taubman2004.txt", quote=TextQuoteSelector(exact=ANCHORED)),
        )
        self.ids = {"passage": passage.id, "anchored": anchored.id}

    def url(self, path: str) -> str:
        return self.server.url + path.removesuffix("!quote").format(**self.ids)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    folder = tmp_path_factory.mktemp("a11y")
    copy = Path(shutil.copytree(DATA / "web_library", folder / "library"))
    with serving(copy, folder / "serve.log") as server:
        yield Library(server)


def _open_quote_form(page: Page) -> None:
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
        "the Presidium",
    )
    page.get_by_role("button", name="Quote", exact=True).click()
    expect(page.get_by_role("form", name="Add a passage")).to_be_visible()


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violations(
    page: Page, library: Library, path: str, request: pytest.FixtureRequest
) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(library.url(path))
        expect(page.get_by_role("main")).to_be_visible()
        if path.startswith("/?q="):
            expect(page.locator("#results li").first).to_be_visible()
        if path.endswith("!quote"):
            _open_quote_form(page)
        if "#passage-" in path:
            expect(page.get_by_role("region", name="Passage")).to_be_visible()
        assert blocking_violations(page) == [], f"{path} at {width}×{height}"
        # Nothing wider than the screen: usable on a phone without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, size
        save_screenshot(page, f"a11y-{request.node.callspec.id}-{size}")


def test_every_page_of_the_app_is_checked(tmp_path: Path) -> None:
    """A page added to the app without a line in PAGES fails here, naming it."""
    library = shutil.copytree(DATA / "web_library", tmp_path / "library")
    app: Flask = create_app({"TESTING": True, "LIBRARY_DIR": Path(library)})
    adapter = app.url_map.bind("localhost")
    checked = set()
    for param in PAGES:
        path = str(param.values[0]).removesuffix("!quote").split("#")[0].split("?")[0]
        try:
            endpoint, _ = adapter.match(path.format(passage="P", anchored="P"), method="GET")
        except NotFound:
            continue  # the not-found page
        checked.add(endpoint)
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.rule.startswith(("/api/", "/static/"))
    }
    missing = pages - checked - NOT_PAGES
    assert not missing, f"add these pages to PAGES in {__file__}: {sorted(missing)}"


def test_from_search_to_passage_note_and_copied_citation_by_keyboard_alone(
    page: Page, library: Library
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(library.server.url)
    # The search box has the focus on arrival, or is one Tab past the skip link and menu.
    box = page.get_by_role("searchbox")
    for _ in range(10):
        if box.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(box).to_be_focused()
    page.keyboard.type("Zhukov tanks")
    first_hit = page.locator("#results a").first
    expect(first_hit).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(first_hit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/passages/{library.ids['passage']}$"))
    # Tab on to the new note's box, write, and send it with the form's button.
    note_box = page.get_by_label("New note (Markdown)")
    _tab_to(page, note_box)
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add note")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".note-body").filter(has_text="Typed without a mouse.")).to_be_visible()
    # Then copy the quote with its citation.
    copy = page.get_by_role("button", name="Quote with citation")
    _tab_to(page, copy)
    page.keyboard.press("Enter")
    # The first citation warms up citeproc-js: seconds on a busy machine.
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible(timeout=60_000)
    pasted = page.evaluate("navigator.clipboard.readText()")
    assert "Zhukov moved the tanks" in pasted and "422" in pasted
    notes = library.server.passages.get(library.ids["passage"]).notes
    assert "Typed without a mouse." in [note.text for note in notes]


def _tab_to(page: Page, target: object, presses: int = 60) -> None:
    """Press Tab until `target` (a Playwright Locator) has the focus, as a keyboard user
    would; fail if it never gets it."""
    for _ in range(presses):
        if target.evaluate("element => element === document.activeElement"):  # type: ignore[attr-defined]
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()  # type: ignore[arg-type]


def test_the_vendored_axe_finds_what_it_should(page: Page) -> None:
    """The check above can fail: an unlabelled field and an image without text are serious."""
    page.set_content('<main><img src="data:,"><input type="text"></main>')
    found = blocking_violations(page)
    assert any(line.startswith("image-alt (critical)") for line in found), found
    assert any(line.startswith("label (critical)") for line in found), found
