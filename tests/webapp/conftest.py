"""Fixtures for the web tests: an app on a fresh copy of a small library, with the real
services (stores, search index, citeproc-js citations, exports) that `serve` uses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.services import Services

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def web_library(tmp_path: Path) -> Path:
    """A private copy of the web tests' library."""
    return Path(shutil.copytree(DATA / "web_library", tmp_path / "library"))


@pytest.fixture
def services(web_library: Path) -> Services:
    """The library's real services."""
    return Services.for_library(web_library)


@pytest.fixture
def app(services: Services) -> Flask:
    """The app as `serve` builds it, on the test library."""
    return create_app({"TESTING": True, "SERVICES": services})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (Host: localhost)."""
    return app.test_client()


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token from a form on `page`, as a browser would submit it."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)
