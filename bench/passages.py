"""Benchmark of the passage store: add latency and library load time.

Adds passages one by one through the service (citekey check, anchoring attempt, lock,
fresh read, validation, atomic write with fsyncs) to a library of 1,000 references, and
loads a library of 100,000 passages in a new store. Each figure comes with a baseline
measured in the same run: a bare locked atomic rewrite of the same file after each add,
reading and parsing the same JSON files without validation or model for the load.

Run: .venv/bin/python bench/passages.py [--adds 10000] [--passages 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from annotations.ids import new_id
from annotations.model import Locator, Note, Passage
from annotations.passagefile import passage_file_bytes
from annotations.store import PassageStore
from refs.atomicfile import locked, write_atomically
from refs.store import ReferenceStore
from webapp.passage_service import PassageService
from webapp.services import init_library

REFERENCES = 1_000
STAMP = "2026-11-23T18:00:00Z"
QUOTE = (
    "The underlying idea was to bring decision-making closer to the enterprise to ensure "
    "better management and greater productivity"
)


def write_references(library: Path) -> list[str]:
    """A main .bib with REFERENCES book entries; their citekeys."""
    citekeys = [f"author{n:04d}book" for n in range(REFERENCES)]
    entries = [
        f"@book{{{key},\n  author = {{Author, A.}},\n  title = {{Book {n}}},\n  year = 1957,\n}}\n"
        for n, key in enumerate(citekeys)
    ]
    (library / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    return citekeys


def bench_adds(count: int) -> None:
    """Median latency of one `add`, against a bare locked atomic write of the same size."""
    with tempfile.TemporaryDirectory() as folder:
        library = init_library(Path(folder) / "library")
        citekeys = write_references(library)
        service = PassageService(
            PassageStore(library), ReferenceStore(library), sources_dir=library / "sources"
        )
        ours: list[float] = []
        base: list[float] = []
        sizes: list[int] = []
        for n in range(count):
            citekey = citekeys[n % REFERENCES]
            started = time.perf_counter()
            service.add(citekey, f"{QUOTE} ({n})", locator=Locator("page", "422"))
            ours.append(time.perf_counter() - started)
            # The baseline, interleaved so that both see the same machine load: rewrite the
            # file just written with its own bytes, the locking and durable-write I/O of an
            # add without any of our logic.
            target = library / "passages" / f"{citekey}.json"
            data = target.read_bytes()
            sizes.append(len(data))
            started = time.perf_counter()
            with locked(target):
                write_atomically(target, data)
            base.append(time.perf_counter() - started)
        size = statistics.median(sizes)
    median, baseline = statistics.median(ours), statistics.median(base)
    print(
        f"add n={count} into {REFERENCES} references: {median * 1e3:.2f} ms median "
        f"(p95 {statistics.quantiles(ours, n=20)[-1] * 1e3:.2f} ms), "
        f"{median / baseline:.2f}x a bare locked atomic rewrite of the same files "
        f"(median {size:.0f} bytes: {baseline * 1e3:.2f} ms)"
    )


def bench_load(count: int, runs: int = 3) -> None:
    """Median time to open a store over `count` passages, against json.loads of its files."""
    per_file = max(1, count // REFERENCES)
    with tempfile.TemporaryDirectory() as folder:
        library = init_library(Path(folder) / "library")
        citekeys = write_references(library)
        for citekey in citekeys:
            passages = [_passage(citekey, n) for n in range(per_file)]
            (library / "passages" / f"{citekey}.json").write_bytes(
                passage_file_bytes(citekey, passages)
            )
        total = per_file * len(citekeys)
        paths = sorted((library / "passages").glob("*.json"))
        size = sum(path.stat().st_size for path in paths)
        loaded = PassageStore(library)
        assert len(loaded.passages()) == total and not loaded.problems
        ours = median_seconds(lambda: PassageStore(library), runs)
        base = median_seconds(lambda: [json.loads(path.read_bytes()) for path in paths], runs)
    print(
        f"load n={total} passages in {len(paths)} files ({size / 1e6:.1f} MB): "
        f"{ours:.2f} s median, {ours / base:.2f}x reading and parsing the JSON alone "
        f"({base:.2f} s)"
    )


def _passage(citekey: str, n: int) -> Passage:
    note = Note(id=new_id(), text=f"A note on passage {n}.", created=STAMP, modified=STAMP)
    return Passage(
        id=new_id(),
        citekey=citekey,
        text=f"{QUOTE} ({n})",
        locator=Locator("page", str(400 + n)),
        tags=("economy", "reform"),
        notes=(note,) if n % 3 == 0 else (),
        created=STAMP,
        modified=STAMP,
    )


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `action`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Run both benchmarks with the sizes of issue 4 (or smaller ones for a quick look)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adds", type=int, default=10_000, help="passages to add one by one")
    parser.add_argument("--passages", type=int, default=100_000, help="passages to load")
    arguments = parser.parse_args()
    bench_adds(arguments.adds)
    bench_load(arguments.passages)


if __name__ == "__main__":
    main()
