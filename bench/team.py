"""Benchmark: the team edition (PostgreSQL) under a group's load, and at scale.

`load`: the demo library pushed into a fresh team database (or, `--edition folder`, a
copy of it as a folder library, the baseline), served by
`florilegium --database URL serve --workers N` (`--processes N` where `--workers` is not
there), and `--users` simulated users for `--seconds`: each in a loop, 90% searches (the
relevance table's queries) and 10% new passages (`POST /api/passages`, each text with a
marker word of its own). Afterwards the database is checked: every acknowledged write is
stored exactly once and is in the search index (lost, duplicated and unindexed writes are
counted), and latencies are printed per kind (p50, p95, p99) with throughput and errors.

`scale`: `--passages` generated passages (bench/search.py's prose, 2,000 references)
ingested into the PostgreSQL search backend in one rebuild (ingest rate), its size
(`pg_total_relation_size` of the search tables with their indexes) and the search p50/p95
of bench/search.py's 30 queries (warm: one pass first, then five timed); beside it, in
the same run, the Whoosh index of `--whoosh-passages` of the same passages, each query
timed on one right after the other.

Without `--database`, each part starts a throwaway cluster (tests/pg.py: initdb and
pg_ctl on a Unix socket) and removes it after.

    .venv/bin/python bench/team.py load [--seconds 300] [--users 50] [--workers 4]
    .venv/bin/python bench/team.py scale [--passages 1000000] [--whoosh-passages 100000]
    (both take [--database URL], a server's database to create fresh databases in)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from annotations.store import PassageStore
from bench.search import QUERIES, iter_passages, load_sentences, open_index, write_library
from index.documents import passage_documents, reference_document, reference_facts
from index.pg_backend import PgSearchBackend
from index.whoosh_backend import WhooshBackend
from refs.store import ReferenceStore
from teamdb.connection import Database
from teamdb.schema import migrate

ROOT = Path(__file__).resolve().parent.parent
FLORILEGIUM = [str(Path(sys.executable).parent / "florilegium")]
RELEVANCE_TABLE = ROOT / "tests" / "data" / "relevance" / "queries.toml"
WRITE_SHARE = 0.10
MARKER = "loadmark"
READY_SECONDS = 120.0


# -- databases -------------------------------------------------------------------------------


@contextmanager
def server_databases(url: str | None) -> Iterator[Callable[[str], str]]:
    """A function making a fresh, empty database by name: on the server at `url`, or on
    a throwaway cluster for the run."""
    if url:
        yield lambda name: _create_database(url, name)
        return
    from tests.pg import PostgresCluster

    cluster = PostgresCluster()
    try:
        yield lambda name: cluster.create_database(name)
    finally:
        cluster.stop()


def _create_database(url: str, name: str) -> str:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}/{name}{query}"


def relation_bytes(url: str) -> int:
    """The search tables with their indexes and TOAST, in bytes."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT sum(pg_total_relation_size(name)) FROM unnest(ARRAY"
            "['search_documents', 'search_terms', 'search_state']) AS name"
        ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


# -- figures ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile of `values` (nearest rank), 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def latency_line(name: str, seconds: list[float]) -> str:
    return (
        f"  {name:8} {len(seconds):6d} requests  p50 {1000 * percentile(seconds, 0.50):7.1f} ms"
        f"  p95 {1000 * percentile(seconds, 0.95):7.1f} ms"
        f"  p99 {1000 * percentile(seconds, 0.99):7.1f} ms"
    )


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


# -- load ------------------------------------------------------------------------------------


@dataclass
class UserLog:
    """What one simulated user did: latencies, failures, and the writes acknowledged."""

    searches: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[str, str] = field(default_factory=dict)  # marker -> passage id
    attempted: list[str] = field(default_factory=list)


def florilegium(url: str, *args: str, stdin: str | None = None) -> str:
    """Run a command on the team library at `url` (or, given a folder, on that folder
    library); its stdout."""
    location = ["--library", url] if Path(url).is_dir() else ["--database", url]
    done = subprocess.run(
        [*FLORILEGIUM, *location, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"florilegium {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def api_token(url: str) -> str | None:
    """A token of an editor for the API, if this edition has members (else None)."""
    try:
        florilegium(
            url, "user", "add", "loadtest", "--role", "editor", "--password-stdin",
            stdin="load-test-password-1\n",
        )  # fmt: skip
        return florilegium(url, "user", "token", "loadtest").strip().split()[-1]
    except RuntimeError as error:
        print(f"no API token ({error}); requests go without one", flush=True)
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    url: str, port: int, workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """`serve` on `url` with `workers` processes, its output into `log` (a pipe nobody
    reads fills up and stops the server); returns the process and the option used."""
    help_text = florilegium(url, "serve", "--help")
    option = "--workers" if "--workers" in help_text else "--processes"
    location = ["--library", url] if Path(url).is_dir() else ["--database", url]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*FLORILEGIUM, *location, "serve", "--port", str(port), option, str(workers)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, option


def wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/openapi.json")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not answer in time")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (its workers), then wait."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def simulated_user(
    number: int,
    port: int,
    token: str | None,
    deadline: float,
    queries: list[str],
    citekeys: list[str],
    log: UserLog,
) -> None:
    """One user until `deadline`: searches, and now and then a new passage."""
    rng = random.Random(number)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    written = 0
    while time.monotonic() < deadline:
        writing = rng.random() < WRITE_SHARE
        if writing:
            written += 1
            marker = f"{MARKER}{number:02d}n{written:05d}"
            log.attempted.append(marker)
            body = json.dumps(
                {
                    "citekey": rng.choice(citekeys),
                    "text": f"Load test passage {marker}: {rng.choice(queries)}",
                    "locator": {"label": "page", "value": str(rng.randint(1, 500))},
                    "tags": ["load"],
                }
            )
            method, path = "POST", "/api/passages"
        else:
            body = None
            method, path = "GET", f"/api/search?q={quote(rng.choice(queries))}&limit=10"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            log.errors[type(error).__name__] = log.errors.get(type(error).__name__, 0) + 1
            continue
        elapsed = time.perf_counter() - started
        if status >= 400:
            log.errors[str(status)] = log.errors.get(str(status), 0) + 1
            continue
        if writing:
            log.writes.append(elapsed)
            log.acknowledged[marker] = json.loads(payload)["id"]
        else:
            log.searches.append(elapsed)


def run_load(make_database: Callable[[str], str], args: argparse.Namespace) -> None:
    if args.edition == "folder":
        url = str(Path(tempfile.mkdtemp(prefix="team-load-")) / "library")
        shutil.copytree(ROOT / "library", url, ignore=shutil.ignore_patterns(".index", "*.lock"))
        token = None  # a folder library served on loopback needs no login
        citekeys = [reference.citekey for reference in ReferenceStore(Path(url)).references()]
    else:
        url = make_database("team_load")
        florilegium(url, "init")
        florilegium(url, "push", str(ROOT / "library"))
        token = api_token(url)
        with psycopg.connect(url) as connection:
            citekeys = [
                str(row[0]) for row in connection.execute("SELECT citekey FROM bib_references")
            ]
    print(f"{args.edition} library: {url}", flush=True)
    with RELEVANCE_TABLE.open("rb") as file:
        queries = [row["text"] for row in tomllib.load(file)["query"]]
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="team-load-")) / "server.log"
    process, option = start_server(url, port, args.workers, log)
    try:
        wait_until_serving(port, process, log)
        print(
            f"serving with {option} {args.workers}; {args.users} users for {args.seconds} s",
            flush=True,
        )
        logs = [UserLog() for _ in range(args.users)]
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=simulated_user,
                args=(number, port, token, deadline, queries, citekeys, logs[number]),
            )
            for number in range(args.users)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        stop_server(process)
    report_load(url, logs, elapsed, option, args)
    print(f"  server log: {log}")


def _team_writes(url: str, acknowledged: dict[str, str]) -> tuple[list[tuple[str, str]], set[str]]:
    """(passage id, marker) of every load-test passage stored, and the ids indexed."""
    with psycopg.connect(url) as connection:
        stored = connection.execute(
            "SELECT id, substring(text FROM %s) FROM passages WHERE text LIKE %s",
            (f"({MARKER}[0-9]+n[0-9]+)", f"Load test passage {MARKER}%"),
        ).fetchall()
        indexed = {
            str(row[0])
            for row in connection.execute(
                "SELECT id FROM search_documents WHERE kind = 'passage' AND id = ANY(%s)",
                (list(acknowledged.values()),),
            )
        }
    return [(str(pid), str(marker)) for pid, marker in stored], indexed


def _folder_writes(
    library: Path, acknowledged: dict[str, str]
) -> tuple[list[tuple[str, str]], set[str]]:
    """The same for a folder library: its passage files, and its Whoosh index as it is
    (searched by each marker, without catching up with the files)."""
    pattern = re.compile(f"({MARKER}[0-9]+n[0-9]+)")
    stored = [
        (passage.id, found.group(1))
        for passage in PassageStore(library).passages()
        if (found := pattern.search(passage.text))
    ]
    whoosh = WhooshBackend(library / ".index" / "whoosh")
    indexed = {
        hit.id
        for marker in acknowledged
        for hit in whoosh.search(marker, limit=5, offset=0).hits
        if hit.kind == "passage"
    }
    return stored, indexed


def report_load(
    url: str, logs: list[UserLog], elapsed: float, option: str, args: argparse.Namespace
) -> None:
    searches = [value for log in logs for value in log.searches]
    writes = [value for log in logs for value in log.writes]
    acknowledged = {marker: pid for log in logs for marker, pid in log.acknowledged.items()}
    attempted = [marker for log in logs for marker in log.attempted]
    errors: dict[str, int] = {}
    for log in logs:
        for kind, count in log.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    stored, indexed = (
        _folder_writes(Path(url), acknowledged)
        if args.edition == "folder"
        else _team_writes(url, acknowledged)
    )
    by_marker: dict[str, list[str]] = {}
    for passage_id, marker in stored:
        by_marker.setdefault(str(marker), []).append(str(passage_id))
    lost = [m for m, pid in acknowledged.items() if pid not in by_marker.get(m, [])]
    duplicated = [m for m, ids in by_marker.items() if len(ids) > 1]
    unindexed = [pid for pid in acknowledged.values() if pid not in indexed]
    unacknowledged = [m for m in by_marker if m not in acknowledged]
    total = len(searches) + len(writes)
    print(
        f"\nload: {args.users} users, {args.seconds} s, `serve {option} {args.workers}` on "
        f"a {args.edition} library; {total} answered requests in {elapsed:.1f} s "
        f"({total / elapsed:.1f}/s)"
    )
    print(latency_line("search", searches))
    print(latency_line("write", writes))
    print(latency_line("all", searches + writes))
    print(f"  errors: {errors or 'none'}")
    print(
        f"  writes: {len(attempted)} sent, {len(acknowledged)} acknowledged, "
        f"{len(lost)} lost, {len(duplicated)} duplicated, {len(unindexed)} not in the index, "
        f"{len(unacknowledged)} stored without an acknowledgement (request failed)"
    )


# -- scale -----------------------------------------------------------------------------------


def timed_queries(
    searches: dict[str, Callable[[str], object]],
) -> dict[str, list[float]]:
    """bench/search.py's queries on every system: one pass, then five timed passes, each
    query on one system right after the other, so that a busy moment of the machine
    weighs on both alike."""
    for query in QUERIES:
        for search in searches.values():
            search(query)
    times: dict[str, list[float]] = {name: [] for name in searches}
    for _ in range(5):
        for query in QUERIES:
            for name, search in searches.items():
                started = time.perf_counter()
                search(query)
                times[name].append(time.perf_counter() - started)
    return times


def run_scale(make_database: Callable[[str], str], args: argparse.Namespace) -> None:
    sentences, sources = load_sentences()
    print(f"prose: {len(sentences)} sentences from {', '.join(sources)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="team-scale-") as folder:
        library = Path(folder) / "library"
        write_library(library, [])  # the references; passages come from the generator
        references = ReferenceStore(library).references()
        facts = {reference.citekey: reference_facts(reference) for reference in references}

        url = make_database("team_scale")
        migrate(url)
        database = Database(url)
        backend = PgSearchBackend.connect(database)

        def documents() -> Iterator[object]:
            yield from (reference_document(reference) for reference in references)
            for passage in iter_passages(sentences, args.passages):
                yield from passage_documents(passage, facts[passage.citekey])

        started = time.perf_counter()
        backend.rebuild(documents())  # type: ignore[arg-type]
        ingest = time.perf_counter() - started
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
            (count,) = connection.execute("SELECT count(*) FROM search_documents").fetchone()  # type: ignore[misc]
        pg_bytes = relation_bytes(url)
        print(
            f"\nPostgreSQL, {args.passages} passages ({count} documents with notes and "
            f"references): ingest {ingest:.1f} s = {args.passages / ingest:.0f} passages/s; "
            f"index {pg_bytes / 2**20:.0f} MiB",
            flush=True,
        )

        whoosh_library = Path(folder) / "whoosh"
        passages = list(iter_passages(sentences, args.whoosh_passages))
        write_library(whoosh_library, passages)
        index = open_index(whoosh_library)
        started = time.perf_counter()
        index.rebuild()
        whoosh_build = time.perf_counter() - started
        whoosh_bytes = folder_bytes(whoosh_library / ".index" / "whoosh")
        print(
            f"Whoosh, {args.whoosh_passages} passages: build {whoosh_build:.1f} s = "
            f"{args.whoosh_passages / whoosh_build:.0f} passages/s; index "
            f"{whoosh_bytes / 2**20:.0f} MiB",
            flush=True,
        )
        whoosh = index._backend  # the backend alone, as on PostgreSQL
        times = timed_queries(
            {
                "PostgreSQL": lambda query: backend.search(query, limit=10, offset=0),
                "Whoosh": lambda query: whoosh.search(query, limit=10, offset=0),
            }
        )
        database.close()
        for name, values in times.items():
            print(
                f"search on {name}, {len(values)} timed: p50 "
                f"{1000 * percentile(values, 0.5):.1f} ms, "
                f"p95 {1000 * percentile(values, 0.95):.1f} ms"
            )
        pg_times, whoosh_times = times["PostgreSQL"], times["Whoosh"]
        print(
            f"ratios PostgreSQL/Whoosh: search p95 "
            f"{percentile(pg_times, 0.95) / percentile(whoosh_times, 0.95):.2f}x, "
            f"p50 {percentile(pg_times, 0.5) / percentile(whoosh_times, 0.5):.2f}x"
        )


def _no_database(name: str) -> str:
    raise AssertionError(f"a folder library needs no database ({name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("load", "scale"))
    parser.add_argument("--database", help="a PostgreSQL server's URL to make databases on")
    parser.add_argument("--seconds", type=float, default=300.0, help="load: how long")
    parser.add_argument("--users", type=int, default=50, help="load: simulated users")
    parser.add_argument("--workers", type=int, default=4, help="load: server processes")
    parser.add_argument(
        "--edition",
        choices=("team", "folder"),
        default="team",
        help="load: a team library (PostgreSQL) or, for a baseline, a folder library",
    )
    parser.add_argument("--passages", type=int, default=1_000_000, help="scale: on PostgreSQL")
    parser.add_argument(
        "--whoosh-passages", type=int, default=100_000, help="scale: on Whoosh, beside it"
    )
    args = parser.parse_args()
    if args.part == "load" and args.edition == "folder":
        run_load(_no_database, args)
        return
    with server_databases(args.database) as make_database:
        if args.part == "load":
            run_load(make_database, args)
        else:
            run_scale(make_database, args)


if __name__ == "__main__":
    main()
