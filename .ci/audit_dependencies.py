"""Known vulnerabilities in every package installed in this environment, from PyPI.

`pip-audit` asks PyPI's per-release JSON (`/pypi/<name>/<version>/json`) or api.osv.dev;
where neither answers (this workplace's registry proxy serves neither) it cannot audit
anything. This check asks the same per-release JSON first and, where it is refused, the
project JSON (`/pypi/<name>/json`), whose `vulnerabilities` are those of the project's
latest release: authoritative for an installed version only when that version is the
latest. Dependencies that are not pinned install at their latest, so in practice that
covers all but pins behind a new release, which are listed as not vouched for.

    .venv/bin/python .ci/audit_dependencies.py

Exit status 1 when a vulnerability (not withdrawn) is known for an installed version or
PyPI cannot be reached: an audit that could not run must not pass.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import distributions
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

PYPI = "https://pypi.org/pypi"
ATTEMPTS = 3
TIMEOUT_SECONDS = 30
THIS_PROJECT = "florilegium"


@dataclass(frozen=True)
class Verdict:
    """What PyPI says of one installed distribution."""

    name: str
    version: str
    vulnerabilities: tuple[str, ...]  # "ID (fixed in ...)" for each known vulnerability
    vouched: bool  # False when PyPI's list is for another (later) version
    latest: str


def main() -> int:
    installed = _installed()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            verdicts = list(pool.map(lambda pair: _audit(*pair), installed))
    except OSError as error:
        print(f"audit: could not reach PyPI ({error}); nothing was audited", file=sys.stderr)
        return 1
    vulnerable = [verdict for verdict in verdicts if verdict.vulnerabilities]
    unvouched = [verdict for verdict in verdicts if not verdict.vouched]
    for verdict in vulnerable:
        print(f"VULNERABLE {verdict.name} {verdict.version}: {', '.join(verdict.vulnerabilities)}")
    for verdict in unvouched:
        print(
            f"not vouched for: {verdict.name} {verdict.version} "
            f"(PyPI lists vulnerabilities of {verdict.latest} only)"
        )
    print(
        f"audit: {len(verdicts)} installed distributions, {len(verdicts) - len(unvouched)} "
        f"checked against PyPI's advisories, {len(vulnerable)} with known vulnerabilities"
    )
    return 1 if vulnerable else 0


def _installed() -> list[tuple[str, str]]:
    """(name, version) of every distribution in this environment but the project itself."""
    return sorted(
        {
            (canonicalize_name(dist.metadata["Name"]), dist.version)
            for dist in distributions()
            if canonicalize_name(dist.metadata["Name"]) != THIS_PROJECT
        }
    )


def _audit(name: str, version: str) -> Verdict:
    release = _fetch(f"{PYPI}/{name}/{version}/json")
    if release is not None:
        return Verdict(name, version, _known(release), True, version)
    project = _fetch(f"{PYPI}/{name}/json")
    if project is None:
        raise OSError(f"PyPI has no project {name!r}")
    latest = str(project["info"]["version"])
    vouched = Version(latest) == Version(version)
    return Verdict(name, version, _known(project) if vouched else (), vouched, latest)


def _known(document: dict[str, Any]) -> tuple[str, ...]:  # Any: PyPI's JSON
    return tuple(
        f"{entry['id']} (fixed in {', '.join(entry.get('fixed_in') or ['no release'])})"
        for entry in document.get("vulnerabilities") or []
        if not entry.get("withdrawn")
    )


def _fetch(url: str) -> dict[str, Any] | None:  # Any: PyPI's JSON
    """The JSON at `url`, or None when PyPI answers 404; retries other failures."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
                document: dict[str, Any] = json.load(response)
                return document
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            if attempt == ATTEMPTS:
                raise OSError(f"{url}: HTTP {error.code}") from error
        except OSError as error:
            if attempt == ATTEMPTS:
                raise OSError(f"{url}: {error}") from error
        time.sleep(attempt)
    raise AssertionError("unreachable")


if __name__ == "__main__":
    sys.exit(main())
