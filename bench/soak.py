"""Soak the real server: a steady mix of searches (90%) and writes (10%) on loopback.

Starts `florilegium serve` (waitress, `--server-threads`) on a private copy of a library,
then drives it from `--threads` client threads, each with one keep-alive connection, for
a warm-up and then `--seconds` measured. The writes are what a reader does: add passages,
add notes to them, correct their text, and delete them. A passage of a work whose full
text the library holds quotes a sentence of it, as the reader's select-and-quote does; a
note compares it with a sentence of some work, so notes use the library's vocabulary as a
reader's mostly do (`--typed-quotes`: quotes and notes of made-up words no text holds,
which the server looks for fuzzily, the costly case, and whose vocabulary never stops
growing). Each client keeps at most `KEPT_PASSAGES` of its own, deleting its oldest
beyond that, so the library stays the same size through a long run and memory growth is
the server's own. Prints requests per second, p50/p95/p99 latency (searches and writes
apart), errors (any status other than 200/201, and lines of the server's log that show an
error) and the server's memory (VmRSS from /proc) after warm-up, at the end and its slope.

    .venv/bin/python bench/soak.py [--library DIR] [--seconds 60] [--threads 4]

Target on the demo library with 4 threads: over 200 searches per second, p99 under
250 ms, no errors, memory flat after warm-up.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.liveserver import running_server
from webapp.services import DEMO_LIBRARY

# Queries people ask of the demo library, in several spellings and scripts.
QUERIES = [
    "Zhukov",
    "Георгий Жуков",
    "Khrushchev",
    "Хрущёв",
    "Malenkov",
    "Molotov Kaganovich",
    "anti-party group",
    '"Central Committee"',
    "Presidium vote",
    "plenum June 1957",
    "author:taubman",
    "year:1955..1960 kind:passage",
    "army",
    "Shepilov",
    "Bulganin~",
    "econom*",
]
# Passages each client keeps before it deletes its oldest: the library's size stays steady.
KEPT_PASSAGES = 20
SERVER_LOG_ERRORS = re.compile(r"Traceback|LockError|IndexBusy|ERROR|Exception")


@dataclass
class Sample:
    """One request: what it was, how long it took, whether it failed."""

    kind: str  # "search" or "write"
    seconds: float
    ok: bool


@dataclass
class Load:
    """Samples gathered by every client thread; only those after warm-up count."""

    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    measuring: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, default=DEMO_LIBRARY, help="Library to copy.")
    parser.add_argument("--seconds", type=float, default=60.0, help="Measured duration.")
    parser.add_argument("--warmup", type=float, default=10.0, help="Unmeasured warm-up.")
    parser.add_argument("--threads", type=int, default=4, help="Client threads.")
    parser.add_argument(
        "--server-threads", type=int, default=4, help="waitress threads (in each process)."
    )
    parser.add_argument(
        "--server-processes", type=int, default=1, help="Server processes (serve --processes)."
    )
    parser.add_argument("--write-share", type=float, default=0.1, help="Share of writes.")
    parser.add_argument(
        "--typed-quotes", action="store_true", help="Quote words no source text holds."
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="florilegium-soak-") as scratch:
        library = Path(scratch) / "library"
        shutil.copytree(args.library, library, ignore=shutil.ignore_patterns(".index", "*.lock"))
        citekeys = [path.stem for path in (library / "passages").glob("*.json")]
        quotable = {} if args.typed_quotes else _sentences(library / "sources", citekeys)
        log_path = Path(scratch) / "server.log"
        with running_server(
            library, log_path, threads=args.server_threads, processes=args.server_processes
        ) as (server, port):
            _run(args, port, server.pid, Writes(citekeys, quotable), log_path)


def _run(args: argparse.Namespace, port: int, pid: int, writes: Writes, log_path: Path) -> None:
    load = Load()
    stop = threading.Event()
    memory: list[tuple[float, int]] = []
    clients = [
        threading.Thread(target=_client, args=(n, port, writes, args.write_share, load, stop))
        for n in range(args.threads)
    ]
    sampler = threading.Thread(target=_sample_memory, args=(pid, load, memory, stop))
    for thread in [*clients, sampler]:
        thread.start()
    time.sleep(args.warmup)
    warm_rss = _rss_kib(pid)
    warm_parts = [_rss_kib(pid, name) for name in ("RssAnon", "RssFile")]
    log_offset = log_path.stat().st_size
    with load.lock:
        load.measuring = True
    started = time.perf_counter()
    time.sleep(args.seconds)
    with load.lock:
        load.measuring = False
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in [*clients, sampler]:
        thread.join()
    end_rss = _rss_kib(pid)
    end_parts = [_rss_kib(pid, name) for name in ("RssAnon", "RssFile")]
    with log_path.open("rb") as log:
        log.seek(log_offset)
        server_log = log.read().decode("utf-8", "replace")
    _report(args, load, elapsed, warm_rss, end_rss, memory, server_log)
    anon, mapped = ((end - warm) / 1024 for warm, end in zip(warm_parts, end_parts, strict=True))
    print(f"  of which heap (RssAnon) {anon:+.1f} MiB, mapped files (RssFile) {mapped:+.1f} MiB")


def _client(
    number: int,
    port: int,
    writes: Writes,
    write_share: float,
    load: Load,
    stop: threading.Event,
) -> None:
    rng = random.Random(number)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    passages: list[tuple[str, str]] = []  # (id, citekey), oldest first
    sequence = 0
    while not stop.is_set():
        sequence += 1
        if rng.random() < write_share:
            kind = "write"
            method, path, body = writes.next(rng, passages, f"{number}-{sequence}")
            data = None if body is None else json.dumps(body).encode()
        else:
            kind = "search"
            path = f"/api/search?q={quote(rng.choice(QUERIES))}"
            method, data = "GET", None
        # Every write is JSON, a DELETE too: the server refuses others (cross-site forms).
        headers = {"Content-Type": "application/json"} if method != "GET" else {}
        begun = time.perf_counter()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status, payload = 0, str(error).encode()
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        seconds = time.perf_counter() - begun
        ok = status in (200, 201)
        if ok and path == "/api/passages":
            record = json.loads(payload)
            passages.append((record["id"], record["citekey"]))
        if ok and method == "DELETE":
            passages.pop(0)
        with load.lock:
            if load.measuring:
                load.samples.append(Sample(kind, seconds, ok))
                if not ok:
                    load.failures.append(f"{method} {path}: {status} {payload[:200]!r}")
    connection.close()


@dataclass(frozen=True)
class Writes:
    """What the clients write: passages of these citekeys, quoting their sentences."""

    citekeys: list[str]
    sentences: dict[str, list[str]]  # citekey -> sentences of its full text, if any

    def next(
        self, rng: random.Random, passages: list[tuple[str, str]], label: str
    ) -> tuple[str, str, dict[str, object] | None]:
        """The next write of a client whose own passages (oldest first) are `passages`."""
        if len(passages) >= KEPT_PASSAGES:
            return "DELETE", f"/api/passages/{passages[0][0]}", None
        choice = rng.random() if passages else 0.0
        if choice < 0.4:
            citekey = rng.choice(self.citekeys)
            body: dict[str, object] = {
                "citekey": citekey,
                "text": self._quote(rng, citekey, label),
                "locator": {"label": "page", "value": str(rng.randint(1, 500))},
            }
            return "POST", "/api/passages", body
        passage_id, citekey = rng.choice(passages)
        if choice < 0.7:
            note = f"Compare: {self._quote(rng, rng.choice(self.citekeys), label)}"
            return "POST", f"/api/passages/{passage_id}/notes", {"text": note}
        return "PATCH", f"/api/passages/{passage_id}", {"text": self._quote(rng, citekey, label)}

    def _quote(self, rng: random.Random, citekey: str, label: str) -> str:
        sentences = self.sentences.get(citekey)
        if sentences:
            return rng.choice(sentences)
        return f"Soak {label}: the Presidium voted against Khrushchev."


def _sentences(sources: Path, citekeys: list[str]) -> dict[str, list[str]]:
    """The sentences (40 to 300 characters) of each citekey's full text in `sources/`."""
    found: dict[str, list[str]] = {}
    for citekey in citekeys:
        path = sources / f"{citekey}.txt"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            found[citekey] = [
                sentence.strip()
                for sentence in re.split(r"(?<=[.!?])\s+", text)
                if 40 <= len(sentence.strip()) <= 300
            ]
    return found


def _sample_memory(
    pid: int, load: Load, memory: list[tuple[float, int]], stop: threading.Event
) -> None:
    while not stop.wait(1.0):
        with load.lock:
            measuring = load.measuring
        if measuring:
            memory.append((time.perf_counter(), _rss_kib(pid)))


def _rss_kib(pid: int, name: str = "VmRSS") -> int:
    """A memory figure of the server `pid` and its worker processes (`--processes`), from
    /proc: VmRSS, or its parts RssAnon (the heap) and RssFile (mapped files)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split()
    total = 0
    for process in [pid, *map(int, children)]:
        status = Path(f"/proc/{process}/status").read_text(encoding="ascii")
        found = re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return total


def _slope_mib_per_minute(memory: list[tuple[float, int]]) -> float:
    if len(memory) < 2:
        return 0.0
    times = [t for t, _ in memory]
    sizes = [kib / 1024 for _, kib in memory]
    slope = statistics.linear_regression(times, sizes).slope
    return slope * 60


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _report(
    args: argparse.Namespace,
    load: Load,
    elapsed: float,
    warm_rss: int,
    end_rss: int,
    memory: list[tuple[float, int]],
    server_log: str,
) -> None:
    log_errors = [line for line in server_log.splitlines() if SERVER_LOG_ERRORS.search(line)]
    print(
        f"soak: {args.threads} client threads, {args.server_processes} server process(es) "
        f"of {args.server_threads} threads, "
        f"{elapsed:.0f} s measured after {args.warmup:.0f} s warm-up, "
        f"{args.write_share:.0%} writes"
    )
    total = len(load.samples)
    print(f"all: {total} requests, {total / elapsed:.1f} req/s")
    for kind in ("search", "write"):
        latencies = [s.seconds * 1e3 for s in load.samples if s.kind == kind]
        print(
            f"{kind}: {len(latencies)} ({len(latencies) / elapsed:.1f}/s), "
            f"p50 {_percentile(latencies, 0.50):.1f} ms, "
            f"p95 {_percentile(latencies, 0.95):.1f} ms, "
            f"p99 {_percentile(latencies, 0.99):.1f} ms"
        )
    print(f"errors: {len(load.failures)} requests, {len(log_errors)} server log lines")
    for failure in load.failures[:5]:
        print(f"  {failure}")
    for line in log_errors[:5]:
        print(f"  log: {line}")
    # Sampled once a second: every sixtieth sample is a minute apart.
    print("memory each minute (MiB):", " ".join(f"{kib / 1024:.0f}" for _, kib in memory[::60]))
    growth = (end_rss - warm_rss) / 1024
    print(
        f"memory (VmRSS): {warm_rss / 1024:.1f} MiB after warm-up, {end_rss / 1024:.1f} MiB "
        f"at the end ({growth:+.1f} MiB), slope {_slope_mib_per_minute(memory):+.2f} MiB/min"
    )


if __name__ == "__main__":
    main()
