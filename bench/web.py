"""Search requests per second, median and p95 latency of `florilegium serve` on loopback.

Runs the real `florilegium --library COPY serve --threads N` (waitress) for N = 1 and 4 on a
private copy of the demo library, or with `--passages N` on a synthetic library of N
passages of real prose (bench/search.py's corpus: 2,000 references, notes on a third of the
passages). A load generator of `--clients` threads with keep-alive connections sends GET
/api/search for a fixed mix of queries for `--seconds`, `--runs` times, and prints the
medians of the runs. For a baseline it loads GET /api/refs/KEY (a lookup, no search) in the
same run and prints the search's rate as a ratio of it.

    .venv/bin/python bench/web.py                      # the demo library
    .venv/bin/python bench/web.py --passages 20000     # a synthetic library
    .venv/bin/python bench/web.py --library DIR        # a copy of your own library
    .venv/bin/python bench/web.py --passages 20000 --clients 1 --threads 1 --per-query

The client threads share the machine (and one GIL) with nothing but themselves; the server
runs in its own process. On a small shared machine the figures move with the other load:
compare the ratio to the baseline route more than the absolute rates.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.model import Passage
from annotations.passagefile import passage_file_bytes
from bench import search as corpus
from tests.liveserver import florilegium_command, running_server
from webapp.services import DEMO_LIBRARY, Services

# The demo library's mix: names in several spellings and scripts, phrases, prefixes, fuzzy
# terms, field restrictions and facets, as people type them on the search page.
DEMO_QUERIES = [
    "zhukov",
    "Georgii Zhukov tank",
    "Хрущёв Leningrad",
    "Георгий Жуков",
    "molotov",
    "malenkov kaganovich",
    '"anti-party group"',
    '"central committee"',
    "presidium vote",
    "khrush*",
    "plen*",
    "shepilov~",
    "bulganin~",
    "citekey:freeze2009",
    "kind:note zhukov",
    "tag:army",
    "year:1955..1960 plenum",
    "author:taubman",
    "leningrad affair",
    "army -tank",
]
STARTUP_SECONDS = 600.0


@dataclass
class Figures:
    """What one load run measured."""

    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def load(port: int, paths: list[str], seconds: float, clients: int) -> Figures:
    """Send GETs for `paths` (round robin, each client from its own start) for `seconds`."""
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start = index * len(paths) // clients
        for path in itertools.cycle(paths[start:] + paths[:start]):
            if time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            response = connection.getresponse()
            response.read()
            latencies[index].append(time.perf_counter() - started)
            if response.status != 200:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [value for chunk in latencies for value in chunk]
    return Figures(len(flat), sum(errors), elapsed, flat)


def write_synthetic_library(library: Path, passages: list[Passage]) -> None:
    """bench/search.py's references, and its passages written as the passage store writes
    them (`passage_file_bytes`), with ULID-shaped ids, so that every file loads."""
    corpus.write_library(library, [])
    by_citekey: dict[str, list[Passage]] = {}
    for number, passage in enumerate(passages):
        notes = tuple(
            replace(note, id=f"01N{number:07d}{n:016d}") for n, note in enumerate(passage.notes)
        )
        valid = replace(passage, id=f"01P{number:023d}", notes=notes)
        by_citekey.setdefault(passage.citekey, []).append(valid)
    for citekey, group in by_citekey.items():
        (library / "passages" / f"{citekey}.json").write_bytes(passage_file_bytes(citekey, group))


def print_per_query(port: int, paths: list[str]) -> None:
    """Each query's median latency over 5 requests sent one at a time, slowest first."""
    medians = {path: statistics.median(load_once(port, path) for _ in range(5)) for path in paths}
    for path, seconds in sorted(medians.items(), key=lambda item: -item[1]):
        print(f"  {seconds * 1e3:8.1f} ms  {unquote(path.removeprefix('/api/search?q='))}")


def load_once(port: int, path: str) -> float:
    """One GET's latency on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    connection.getresponse().read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def prepare_library(args: argparse.Namespace, folder: Path) -> tuple[Path, list[str]]:
    """The library to serve (a copy, or a synthetic one) and the queries to send it."""
    if args.passages:
        sentences, sources = corpus.load_sentences()
        library = folder / "synthetic"
        write_synthetic_library(library, corpus.make_passages(sentences, args.passages))
        print(f"synthetic library: {args.passages:,} passages of {', '.join(sources)}")
        return library, corpus.QUERIES
    library = Path(
        shutil.copytree(args.library, folder / "library", ignore=shutil.ignore_patterns(".index"))
    )
    return library, DEMO_QUERIES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=DEMO_LIBRARY, help="Library to copy.")
    parser.add_argument("--passages", type=int, default=0, help="Synthetic library of N.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Length of one run.")
    parser.add_argument("--clients", type=int, default=8, help="Load generator threads.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per setting; medians shown.")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4], help="Server threads.")
    parser.add_argument(
        "--per-query", action="store_true", help="Also each query's median of 5, one at a time."
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="florilegium-web-bench-") as tmp:
        folder = Path(tmp)
        library, queries = prepare_library(args, folder)
        started = time.perf_counter()
        subprocess.run([florilegium_command(), "--library", str(library), "reindex"], check=True)
        built = time.perf_counter() - started
        services = Services.for_library(library)
        passages = len(services.passage_store.passages())
        references = services.refs.references()
        paths = [f"/api/search?q={quote(query)}" for query in queries]
        baseline = [f"/api/refs/{quote(ref.citekey)}" for ref in references[:200]]
        print(
            f"library: {passages:,} passages, {len(references):,} references (index built in "
            f"{built:.1f} s); {len(paths)} queries; {args.clients} clients, "
            f"{args.runs} x {args.seconds:.0f} s per setting"
        )
        for threads in args.threads:
            log = folder / f"serve-{threads}.log"
            with running_server(library, log, threads=threads, startup_seconds=STARTUP_SECONDS) as (
                _process,
                port,
            ):
                load(port, paths, 1.0, args.clients)  # warm: index readers, caches
                runs = [load(port, paths, args.seconds, args.clients) for _ in range(args.runs)]
                base = [load(port, baseline, args.seconds, args.clients) for _ in range(args.runs)]
                if args.per_query:
                    print_per_query(port, paths)
            rps = statistics.median(f.per_second for f in runs)
            p50 = statistics.median(f.percentile(0.50) for f in runs)
            p95 = statistics.median(f.percentile(0.95) for f in runs)
            base_rps = statistics.median(f.per_second for f in base)
            base_p95 = statistics.median(f.percentile(0.95) for f in base)
            errors = sum(f.errors for f in runs) + sum(f.errors for f in base)
            print(
                f"{threads} server thread(s): search {rps:.0f} req/s, median "
                f"{p50 * 1e3:.1f} ms, p95 {p95 * 1e3:.1f} ms; baseline GET /api/refs/KEY "
                f"{base_rps:.0f} req/s, p95 {base_p95 * 1e3:.1f} ms; search/baseline rate "
                f"{rps / base_rps:.2f}x; {errors} errors",
                flush=True,
            )


if __name__ == "__main__":
    main()
