"""What the trash costs a delete, and what a restore costs, beside baselines in the same run.

On a copy of the web tests' library with `--passages` passages of one reference (each with
a note), each figure is the median over `--runs` records:

- what the trash adds to a delete, `TrashBin.put` of a passage's item: baseline
  `PassageStore.delete` of a passage of the same file (the write a delete makes anyway);
  and `PassageService.delete` whole (item, delete, search index told) beside it too;
- `TrashService.restore` of a deleted passage: baseline `PassageService.add` of a new one;
- `trash list` of `--runs` items (read and checked): baseline `json.loads` of the same
  files' bytes, read.

    .venv/bin/python bench/trash.py [--runs 30] [--passages 500]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from webapp.services import Services

LIBRARY = Path(__file__).resolve().parent.parent / "tests" / "data" / "web_library"


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    """Print each median and its ratio to its baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--passages", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Path(shutil.copytree(LIBRARY, Path(folder) / "library"))
        services = Services.for_library(library)
        service, store = services.passages, services.passage_store
        ids = [
            service.add("freeze2009", f"Passage {n} about tanks", notes=[f"note {n}"]).id
            for n in range(args.passages)
        ]
        service.passages("freeze2009")
        services.search.search("tanks")  # the index built before anything is timed
        runs = args.runs
        ours_ids, base_ids = ids[:runs], ids[runs : 2 * runs]
        deletes = [_seconds(lambda i=i: service.delete(i)) for i in ours_ids]
        bare = [_seconds(lambda i=i: store.delete(i)) for i in base_ids]
        items = services.trash.items()
        puts = [_seconds(lambda item=item: store.trash.put(item)) for item in items]
        restores = [_seconds(lambda t=item.id: services.trash.restore(t)) for item in items]
        adds = [_seconds(lambda n=n: service.add("freeze2009", f"New {n}")) for n in range(runs)]
        for passage_id in ours_ids:
            service.delete(passage_id)
        listing = [_seconds(services.trash.items) for _ in range(5)]
        files = sorted((library / "trash").glob("*.json"))
        reading = [
            _seconds(lambda: [json.loads(path.read_bytes()) for path in files]) for _ in range(5)
        ]
    for name, ours, base, what in (
        ("trash item written", puts, bare, "bare store delete"),
        ("delete into the trash, whole", deletes, bare, "bare store delete"),
        ("restore from the trash", restores, adds, "add a passage"),
        (f"list {runs} trash items", listing, reading, "json.loads of their files"),
    ):
        mine, theirs = statistics.median(ours), statistics.median(base)
        print(f"{name}: {mine * 1e3:.2f} ms median, {mine / theirs:.2f}x {what}")


if __name__ == "__main__":
    main()
