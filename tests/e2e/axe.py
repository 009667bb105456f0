"""Run the vendored axe-core (tests/vendor/axe-core/) in a page and list what it finds.

The version is pinned in the repository, not fetched by a Python wrapper, so a new axe
release cannot change what the tests call a violation without a commit saying so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).parents[1] / "vendor" / "axe-core" / "axe.min.js"
# The impacts a page may not have: axe's own scale is minor, moderate, serious, critical.
BLOCKING = ("serious", "critical")


def axe_violations(page: Any) -> list[dict[str, Any]]:  # Any: a Playwright Page; axe's JSON
    """axe's violations of the page as it is now (WCAG 2.x A and AA rules and best
    practices), after checking that the script injected is the pinned version."""
    if page.evaluate("typeof window.axe") == "undefined":
        # Evaluated through the DevTools protocol: the app's Content-Security-Policy
        # (script-src 'self') would refuse it as a <script> element, rightly.
        page.evaluate(_script())
    version = page.evaluate("axe.version")
    assert version == AXE_VERSION, f"tests/vendor/axe-core holds axe {version}"
    result: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def _script() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined"


def blocking_violations(page: Any) -> list[str]:  # Any: a Playwright Page
    """The serious and critical violations, one line each: rule, impact, help, where."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in axe_violations(page)
        if v["impact"] in BLOCKING
    ]
