"""docs/reference.md is the reference the code generates, never a stale copy."""

from __future__ import annotations

import re
from pathlib import Path

from webapp.openapi import openapi_document
from webapp.reference_doc import REGENERATE, reference_markdown

REFERENCE = Path(__file__).parents[2] / "docs" / "reference.md"


def test_docs_reference_is_what_the_code_generates() -> None:
    generated = reference_markdown()
    written = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    assert written == generated, f"docs/reference.md is stale: run `{REGENERATE}`"


def test_reference_has_every_command_and_every_route() -> None:
    generated = reference_markdown()
    for command in ("florilegium quote add", "florilegium export", "florilegium refs edit"):
        assert f"\n### {command}\n" in generated
    assert "Usage: florilegium quote add [OPTIONS] CITEKEY" in generated
    for path, methods in openapi_document()["paths"].items():
        for method in methods:
            assert f"### `{method.upper()} {path}`" in generated
    assert "| `/sources/<name>` |" in generated


def test_readme_links_only_to_files_in_the_repository() -> None:
    root = REFERENCE.parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)", readme)
    assert "docs/reference.md" in targets
    local = [target for target in targets if not target.startswith(("http://", "https://"))]
    broken = [
        target
        for target in local
        if not (root / target).resolve().is_relative_to(root) or not (root / target).exists()
    ]
    assert broken == []
