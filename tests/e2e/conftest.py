"""Browser tests: Debian's Chromium, headless, against the real `florilegium serve`.

Each test gets a private copy of the test library (`live_server`) or of the demo library
(`demo_server`), served by `florilegium --library COPY serve` (waitress, the real search
index, citeproc-js citations and exports) in a subprocess on a free loopback port. The test
process opens the same folder with its own `Services` to set up passages and to check what
reached the disk, as another program (or a second `florilegium` command) would.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.liveserver import running_server
from webapp.passage_service import PassageService
from webapp.services import Services

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

DATA = Path(__file__).parent.parent / "data"
DEMO_LIBRARY = Path(__file__).parents[2] / "library"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
# Building the demo library's index and starting waitress takes a few seconds at most.
STARTUP_SECONDS = 60.0

pytestmark = pytest.mark.e2e


def chromium_path() -> str:
    """Debian's chromium; the tests cannot run without it (`make test` installs it)."""
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("chromium is not installed: run `apt-get install chromium` (make test does)")
    return found


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No fixed base URL: each test gets its own server. (Replaces pytest-base-url's fixture,
    whose class-method form pytest deprecates, which our warnings-as-errors would turn fatal.)"""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's chromium headless, with nothing talking to the network on its own."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "headless": True,
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    }


@dataclass
class LiveServer:
    """A running `florilegium serve`: its base URL, and the library opened in this process."""

    url: str
    services: Services

    @property
    def passages(self) -> PassageService:
        """The passage service on the served folder (writes land on disk, as the CLI's do)."""
        return self.services.passages


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Serve a fresh copy of the test library on a free loopback port."""
    library = Path(shutil.copytree(DATA / "web_library", tmp_path / "library"))
    with serving(library, tmp_path / "serve.log") as server:
        yield server


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Serve a fresh copy of the demo library (the README's first stop) on a free port."""
    library = shutil.copytree(
        DEMO_LIBRARY, tmp_path / "demo", ignore=shutil.ignore_patterns(".index", "*.lock")
    )
    with serving(Path(library), tmp_path / "serve.log") as server:
        yield server


@contextmanager
def serving(library: Path, log: Path, *, threads: int = 4) -> Iterator[LiveServer]:
    """Run `florilegium --library LIBRARY serve` on a free port until the block ends."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLORILEGIUM")}
    with running_server(
        library, log, threads=threads, startup_seconds=STARTUP_SECONDS, env=env
    ) as (_process, port):
        yield LiveServer(f"http://127.0.0.1:{port}", Services.for_library(library))


def save_screenshot(page: Any, name: str) -> None:  # Any: a Playwright Page
    """Keep a full-page screenshot under test-artifacts/ (git-ignored, uploaded by CI)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def copy_citation(page: Page, style: str, button: str) -> Locator:
    """On a passage's page, choose `style` (its label in the Style menu) and press `button`
    in "Copy citation"; the status line, which says what was copied or why nothing was."""
    region = page.get_by_role("region", name="Copy citation")
    region.get_by_label("Style").select_option(label=style)
    region.get_by_role("button", name=button, exact=True).click()
    return region.get_by_role("status")
