"""Regenerate the README's screenshots: the demo library at desktop and phone size.

Runs the real `florilegium serve` on a private copy of the demo library (`library/`),
opens its pages in Debian's headless Chromium (Playwright) at 1280×800 and 390×844, and
writes one PNG of the first screen of each into `docs/screenshots/`, plus the search page
in dark mode (`prefers-color-scheme: dark`). Nothing in `library/` is changed.

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, expect, sync_playwright

from tests.liveserver import running_server
from webapp.services import DEMO_LIBRARY, Services

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
QUERY = "Георгий Жуков"  # any spelling finds him: the README's first picture


def shots(services: Services) -> dict[str, str]:
    """Screenshot name → path on the server: search results, a passage, the reader with
    a passage open in its side panel, the references."""
    anchored = next(p for p in services.passages.passages() if p.anchor is not None)
    assert anchored.anchor is not None
    source = anchored.anchor.source.removesuffix(".txt")
    return {
        "search": f"/?q={quote_plus(QUERY)}",
        "passage": f"/passages/{anchored.id}",
        "reader": f"/sources/{source}#passage-{anchored.id}",
        "references": "/refs",
    }


def capture(page: Page, url: str, path: Path) -> None:
    """Open `url`, wait until its content is drawn, and save the first screen."""
    page.goto(url)
    expect(page.get_by_role("main")).to_be_visible()
    if "/?q=" in url:
        expect(page.locator("#results li").first).to_be_visible()
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(path))
    sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    OUTPUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        shutil.copytree(DEMO_LIBRARY, library, ignore=shutil.ignore_patterns(".index", "*.lock"))
        paths = shots(Services.for_library(library))
        with (
            running_server(library, Path(folder) / "serve.log") as (_process, port),
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
            )
            base = f"http://127.0.0.1:{port}"
            for size, viewport in SIZES.items():
                page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
                for name, path in paths.items():
                    capture(page, base + path, OUTPUT / f"{name}-{size}.png")
                page.close()
            dark = browser.new_page(viewport=SIZES["desktop"], color_scheme="dark")  # type: ignore[arg-type]
            capture(dark, base + paths["search"], OUTPUT / "search-desktop-dark.png")
            browser.close()


if __name__ == "__main__":
    main()
