"""The dependency audit (`.ci/audit_dependencies.py`, run by `make test`) reads PyPI's
advisories right: a vulnerability of the installed version fails, withdrawn ones do not,
and the project-wide list is trusted only for the release it describes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_dependencies.py"


@pytest.fixture()
def audit(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, dict[str, Any]]:
    """The script as a module, with PyPI replaced by a dict of URL -> JSON (absent: 404)."""
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    pypi: dict[str, Any] = {}
    monkeypatch.setattr(module, "_fetch", pypi.get)
    return module, pypi


def _advisory(identifier: str, *, withdrawn: str | None = None) -> dict[str, Any]:
    return {"id": identifier, "fixed_in": ["2.0"], "withdrawn": withdrawn}


def test_a_vulnerability_of_the_installed_release_is_reported(
    audit: tuple[ModuleType, dict[str, Any]],
) -> None:
    module, pypi = audit
    pypi["https://pypi.org/pypi/demo/1.0/json"] = {
        "info": {"version": "1.0"},
        "vulnerabilities": [_advisory("PYSEC-1"), _advisory("PYSEC-2", withdrawn="2024-01-01")],
    }

    verdict = module._audit("demo", "1.0")

    assert verdict.vouched
    assert verdict.vulnerabilities == ("PYSEC-1 (fixed in 2.0)",)


def test_the_project_list_vouches_only_for_the_latest_release(
    audit: tuple[ModuleType, dict[str, Any]],
) -> None:
    module, pypi = audit
    pypi["https://pypi.org/pypi/demo/json"] = {
        "info": {"version": "1.0.0"},
        "vulnerabilities": [_advisory("GHSA-x")],
    }

    latest = module._audit("demo", "1.0")
    older = module._audit("demo", "0.9")

    assert latest.vouched and latest.vulnerabilities == ("GHSA-x (fixed in 2.0)",)
    assert not older.vouched and older.vulnerabilities == () and older.latest == "1.0.0"


def test_a_project_pypi_does_not_know_stops_the_audit(
    audit: tuple[ModuleType, dict[str, Any]],
) -> None:
    module, _pypi = audit

    with pytest.raises(OSError, match="no project 'ghost'"):
        module._audit("ghost", "1.0")


def test_the_audit_fails_when_an_installed_package_is_vulnerable(
    audit: tuple[ModuleType, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    module, pypi = audit
    installed = [("demo", "1.0"), ("other", "3.1")]
    monkeypatch.setattr(module, "_installed", lambda: installed)
    pypi["https://pypi.org/pypi/demo/1.0/json"] = {"vulnerabilities": [_advisory("PYSEC-1")]}
    pypi["https://pypi.org/pypi/other/3.1/json"] = {"vulnerabilities": []}

    assert module.main() == 1
    assert "VULNERABLE demo 1.0: PYSEC-1" in capsys.readouterr().out

    pypi["https://pypi.org/pypi/demo/1.0/json"] = {"vulnerabilities": []}
    assert module.main() == 0
