"""Writers killed with SIGKILL at random moments lose no acknowledged write (issue 8).

200 rounds of `tests/crash_harness.py`: a writer process doing refs add/edit/delete and
quote add/edit/delete and note add through `Services`, killed 5-150 ms after it is ready;
after each round every file parses, every acknowledged write is on disk, and temporary
files (a stale one planted at the start, those of killed writers) are never read as data;
every 25 rounds the search index, caught up from the files, holds exactly their passages.
`bench/crash_soak.py` runs the same for longer.
"""

from __future__ import annotations

from pathlib import Path

from refs.atomicfile import is_temporary
from tests.crash_harness import CrashHarness, make_library

ROUNDS = 200
INDEX_CHECK_EVERY = 25


def test_sigkilled_writers_lose_no_acknowledged_write(tmp_path: Path) -> None:
    harness = CrashHarness(make_library(tmp_path / "library"), seed=8)
    for round_number in range(1, ROUNDS + 1):
        harness.run_round()
        if round_number % INDEX_CHECK_EVERY == 0:
            harness.check_index_agrees()
    counts = harness.counts
    assert counts.lost == [], counts.summary()
    assert counts.index_checks == ROUNDS // INDEX_CHECK_EVERY, counts.summary()
    assert counts.rounds == counts.kills == ROUNDS, counts.summary()
    assert counts.acknowledged >= ROUNDS, counts.summary()  # the writers did get to write
    assert counts.in_flight > 0, counts.summary()  # and were killed in the middle of calls
    assert [p for p in tmp_path.rglob("*") if is_temporary(p)]  # stale temp files stayed
