"""Fixtures shared by every test folder: a fresh library per test, the CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.services import DEMO_LIBRARY, init_library

DATA = Path(__file__).parent / "data"

# Tests format citations in their own process (and so do the commands they start), never
# leaving a citation service behind; tests/webapp/test_cli_cite_service.py runs one.
os.environ["FLORILEGIUM_CITATION_SERVICE"] = "off"


@pytest.fixture
def empty_library(tmp_path: Path) -> Path:
    """A new, empty library folder."""
    return init_library(tmp_path / "library")


@pytest.fixture
def demo_library(tmp_path: Path) -> Path:
    """A private copy of the demo library that ships with the project."""
    return Path(shutil.copytree(DEMO_LIBRARY, tmp_path / "demo", ignore=_derived))


@pytest.fixture
def runner() -> CliRunner:
    """A Click test runner (stdout and stderr kept apart)."""
    return CliRunner()


def _derived(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if name == ".index" or name.endswith(".lock")]
