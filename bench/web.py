"""Search requests per second and p95 latency of the web app on loopback, 1 and 4 threads.

Serves a library with waitress (as `florilegium serve` does) in a child process, then hammers
GET /api/search from client threads with http.client, and for comparison a baseline route
(GET /api/refs/KEY, a dict lookup) measured in the same run.

    .venv/bin/python bench/web.py [--library DIR] [--seconds 5] [--clients 8]

Until the search service is wired into `Services`, the search route is served by a plain
scan over reference titles (`ScanSearch` below), so the figures measure the web layer only.
"""

from __future__ import annotations

import argparse
import html
import http.client
import itertools
import logging
import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from waitress.server import create_server

from webapp import create_app
from webapp.services import DEMO_LIBRARY, Services


class ScanSearch:
    """A stand-in search: case-insensitive substring scan of titles, in the contract's shape."""

    def __init__(self, services: Services) -> None:
        self.rows = [(ref.citekey, ref.text("title")) for ref in services.refs.references()]

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> dict[str, Any]:
        needle = query.casefold()
        found = [(key, title) for key, title in self.rows if needle in title.casefold()]
        hits = [
            {"kind": "reference", "id": key, "citekey": key, "text": title,
             "snippet": html.escape(title), "locator": None, "score": 1.0}
            for key, title in found[offset : offset + limit]
        ]  # fmt: skip
        return {"query": query, "total": len(found), "offset": offset, "hits": hits,
                "facets": {"citekey": {}, "year": {}, "tag": {}}}  # fmt: skip


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
    """Send GETs for `paths` (round robin) from `clients` threads for `seconds`."""
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for path in itertools.cycle(paths[index:] + paths[:index]):
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


def _run_server(services: Services, threads: int, ports: multiprocessing.Queue[int]) -> None:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth" is expected
    app = create_app({"SERVICES": services, "SERVER_HOST": "127.0.0.1"})
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    port = int(server.effective_port)  # type: ignore[union-attr]
    app.config["SERVER_PORT"] = port
    ports.put(port)
    server.run()


def serve(services: Services, threads: int) -> tuple[multiprocessing.Process, int]:
    """Start waitress for `services` in a child process (its own GIL); returns it and its port."""
    context = multiprocessing.get_context("fork")
    ports: multiprocessing.Queue[int] = context.Queue()
    process = context.Process(target=_run_server, args=(services, threads, ports), daemon=True)
    process.start()
    return process, ports.get(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=DEMO_LIBRARY)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="Runs per setting; medians shown.")
    args = parser.parse_args()

    services = Services.for_library(args.library)
    wired = services.search is not None
    if not wired:
        services = replace(services, search=ScanSearch(services))
    words = sorted({w for ref in services.refs.references() for w in ref.text("title").split()})
    queries = [f"/api/search?q={quote(word)}" for word in words[:200]] or ["/api/search?q=a"]
    keys = [f"/api/refs/{quote(ref.citekey)}" for ref in services.refs.references()]
    baseline_paths = keys or ["/api/refs"]
    print(f"library {args.library}: {len(keys)} references, {len(queries)} queries, "
          f"search {'wired' if wired else 'NOT wired (title scan stand-in)'}")  # fmt: skip
    for threads in (1, 4):
        process, port = serve(services, threads)
        load(port, queries, 0.5, args.clients)  # warm up
        search = [load(port, queries, args.seconds, args.clients) for _ in range(args.runs)]
        base = [load(port, baseline_paths, args.seconds, args.clients) for _ in range(args.runs)]
        rps = statistics.median(f.per_second for f in search)
        p95 = statistics.median(f.percentile(0.95) for f in search)
        base_rps = statistics.median(f.per_second for f in base)
        errors = sum(f.errors for f in search)
        print(f"{threads} server thread(s): search {rps:.0f} req/s, "
              f"p95 {p95 * 1e3:.1f} ms, {errors} errors; "
              f"{rps / base_rps:.2f}x the baseline route ({base_rps:.0f} req/s)")  # fmt: skip
        process.terminate()
        process.join()


if __name__ == "__main__":
    main()
