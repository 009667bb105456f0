"""Crash soak: SIGKILL writers for a fixed time and print what was checked and lost.

The long variant of `tests/test_crash_safety.py` (same harness, `tests/crash_harness.py`):

    .venv/bin/python bench/crash_soak.py --seconds 300

prints the rounds, kills, writes acknowledged and checked, and the writes lost (0 is the
only passing figure; the exit status is 1 otherwise).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crash_harness import CrashHarness, make_library


def main() -> int:
    """Run rounds until the time is up; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="How long to soak.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the kill timings.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        harness = CrashHarness(make_library(Path(scratch) / "library"), seed=args.seed)
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            harness.run_round()
        print(f"crash soak {args.seconds:g} s: {harness.counts.summary()}")
        for what in harness.counts.lost[:20]:
            print(f"lost: {what}")
    return 1 if harness.counts.lost else 0


if __name__ == "__main__":
    sys.exit(main())
