"""Browser tests: Debian's Chromium, headless, against the app served on loopback.

The app is the one `florilegium serve` runs (the same factory and config), served by
werkzeug's threaded server on a free port of 127.0.0.1 for a private copy of the test
library (`live_server`) or of the demo library (`demo_server`). Passages and notes are the
real store, on disk; the services not wired in yet (search, citations, export) are the
in-memory fakes the API tests use.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.webapp.fakes import FakeCitations, FakeExports, FakeSearch
from webapp import create_app
from webapp.passage_service import PassageService
from webapp.services import Services

DATA = Path(__file__).parent.parent / "data"
DEMO_LIBRARY = Path(__file__).parents[2] / "library"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"

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
    """A running server: its base URL, the services behind it and their passage service."""

    url: str
    services: Services
    passages: PassageService


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Serve a fresh copy of the test library on a free loopback port."""
    with _serving(Path(shutil.copytree(DATA / "web_library", tmp_path / "library"))) as server:
        yield server


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Serve a fresh copy of the demo library (the README's first stop) on a free port."""
    library = shutil.copytree(
        DEMO_LIBRARY, tmp_path / "demo", ignore=shutil.ignore_patterns(".index", "*.lock")
    )
    with _serving(Path(library)) as server:
        yield server


@contextmanager
def _serving(library: Path) -> Iterator[LiveServer]:
    plain = Services.for_library(library)
    # As `serve` does: the index is built before the first request, not inside one.
    plain.search.prepare()
    services = replace(
        plain,
        search=FakeSearch(plain.passages),
        citations=FakeCitations(plain.refs, plain.passages),
        exports=FakeExports(plain.refs),
    )
    app = create_app({"SERVICES": services, "SERVER_HOST": "127.0.0.1"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SERVER_PORT"] = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", services, plain.passages)
    finally:
        server.shutdown()
        thread.join()


def save_screenshot(page: Any, name: str) -> None:  # Any: a Playwright Page
    """Keep a full-page screenshot under test-artifacts/ (git-ignored, uploaded by CI)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
