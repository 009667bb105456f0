"""How long a 20,000-entry library takes to load cold and warm, and one lossless edit on it.

Builds the .bib from the real entries in tests/data/wild/ (repeated, each copy under a
new citekey) in a temporary folder, then prints medians with the ratio to a baseline
measured in the same run: reading the file's bytes and decoding them.

Targets (issue 3): cold load < 10 s, warm start < 1 s, one edit < 0.5 s.

    .venv/bin/python bench/refs_load.py [--entries 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from refs.bibfile import parse_bib_text
from refs.store import CACHE_FOLDER, ReferenceStore

WILD = Path(__file__).resolve().parent.parent / "tests" / "data" / "wild"
_HEAD = re.compile(r"^(@\w+\s*\{\s*)([^,\s]+)")


def build_bib(entries: int) -> str:
    """A .bib of `entries` real entries: the wild files' macros, then their entries repeated."""
    macros: list[str] = []
    templates: list[str] = []
    for path in sorted(WILD.glob("*.bib")):
        bib = parse_bib_text(path.read_text(encoding="utf-8"), path)
        macros += [f"@string{{{name} = {{{value}}}}}" for name, value in bib.macros.items()]
        templates += [reference.raw for reference in bib.references]
    blocks = list(macros)
    for number in range(entries):
        template = templates[number % len(templates)]
        blocks.append(_HEAD.sub(lambda m, n=number: f"{m.group(1)}{m.group(2)}-{n}", template, 1))
    return "\n\n".join(blocks) + "\n"


def median_seconds(
    action: Callable[[], object], runs: int, before: Callable[[], None]
) -> tuple[float, float]:
    """Median wall and CPU time of `action` over `runs` runs, calling `before` untimed.

    CPU time is printed too because on a shared machine the wall time also counts the
    time spent waiting for a core.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before()
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    """Build the library, time each operation and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000, help="entries in the .bib")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder)
        bib_path = library / "references.bib"
        bib_path.write_text(build_bib(args.entries), encoding="utf-8")
        cache = library / CACHE_FOLDER

        def drop_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def nothing() -> None:
            pass

        base = median_seconds(
            lambda: bib_path.read_bytes().decode("utf-8"), max(args.runs, 5), nothing
        )
        parse = median_seconds(
            lambda: ReferenceStore(library, use_cache=False), args.runs, drop_cache
        )
        cold = median_seconds(lambda: ReferenceStore(library), args.runs, drop_cache)
        warm = median_seconds(lambda: ReferenceStore(library), max(args.runs, 5), nothing)

        store = ReferenceStore(library)
        count = len(store.references())
        target = store.references()[count // 2].citekey
        values = iter(range(10**6))
        edit = median_seconds(
            lambda: store.edit(target, set_fields={"note": f"edited {next(values)}"}),
            max(args.runs, 5),
            nothing,
        )
        fresh = ReferenceStore(library, use_cache=False)
        assert fresh.get(target).fields["note"].startswith("edited "), "the edit was not written"
        assert len(fresh.references()) == count, "the edit lost entries"

        size_mb = bib_path.stat().st_size / 1e6
        print(f"refs load: {count} entries, {size_mb:.1f} MB, medians of {args.runs}+ runs")
        print(
            f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        print(f"baseline (read + decode the file): {base[0] * 1e3:8.1f} ms wall")
        rows = [
            ("cold load (parse, no cache)", parse, 10.0),
            ("cold start (parse + write cache)", cold, 10.0),
            ("warm start (from the cache)", warm, 1.0),
            ("one lossless edit (incl. cache)", edit, 0.5),
        ]
        for label, (wall, cpu), target_seconds in rows:
            verdict = "ok" if wall < target_seconds else "OVER TARGET"
            print(
                f"{label:34} {wall * 1e3:8.1f} ms wall {cpu * 1e3:8.1f} ms CPU"
                f"  {wall / base[0]:6.1f}x baseline  (target < {target_seconds:g} s: {verdict})"
            )


if __name__ == "__main__":
    main()
