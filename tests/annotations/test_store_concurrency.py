"""Many processes writing one library at once: nothing lost, every file always valid."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.passagefile import parse_passage_file
from annotations.store import PassageStore
from tests.annotations import store_worker
from tests.annotations.store_worker import CITEKEYS, Step

WORKER_SCRIPT = Path(store_worker.__file__)


def _assert_every_file_valid(library: Path) -> None:
    for path in (library / "passages").glob("*.json"):
        parse_passage_file(path.read_bytes(), path)  # raises on a truncated or invalid file


def test_eight_processes_adding_fifty_passages_each_keep_all_400(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=8, mp_context=context) as pool:
        futures = [pool.submit(store_worker.add_many, str(tmp_path), n, 50) for n in range(8)]
        reported = [passage_id for future in futures for passage_id in future.result()]
    _assert_every_file_valid(tmp_path)
    stored = PassageStore(tmp_path).passages()
    assert len(reported) == len(set(reported)) == 400
    assert sorted(passage.id for passage in stored) == sorted(reported)
    assert {passage.text for passage in stored} == {
        f"worker {w} passage {n}" for w in range(8) for n in range(50)
    }


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=3, mp_context=context) as executor:
        yield executor


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).filter(str.strip)
steps = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2), words),
    st.tuples(st.sampled_from(["edit", "note"]), st.integers(0, 9), words),
    st.tuples(st.just("delete"), st.integers(0, 9), st.just("")),
)
lanes = st.lists(st.lists(steps, min_size=1, max_size=12), min_size=2, max_size=3)


def _expected(lane: list[Step], ids: list[str]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """What one lane's steps must leave: id → (citekey, text, note texts)."""
    records: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    live: list[str] = []
    added = iter(ids)
    for kind, number, text in lane:
        if kind == "add":
            passage_id = next(added)
            records[passage_id] = (CITEKEYS[number % len(CITEKEYS)], text, ())
            live.append(passage_id)
        elif live:
            passage_id = live[number % len(live)]
            citekey, old_text, notes = records[passage_id]
            if kind == "edit":
                records[passage_id] = (citekey, text, notes)
            elif kind == "note":
                records[passage_id] = (citekey, old_text, (*notes, text))
            else:
                del records[passage_id]
                live.remove(passage_id)
    return records


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=lanes)
def test_concurrent_lanes_leave_exactly_the_expected_records(
    pool: ProcessPoolExecutor, plan: list[list[Step]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        futures = [pool.submit(store_worker.run_lane, folder, lane) for lane in plan]
        expected: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for lane, future in zip(plan, futures, strict=True):
            expected.update(_expected(lane, future.result()))
        _assert_every_file_valid(Path(folder))
        stored = {
            passage.id: (passage.citekey, passage.text, tuple(n.text for n in passage.notes))
            for passage in PassageStore(Path(folder)).passages()
        }
        assert stored == expected


def test_killed_writer_never_leaves_a_broken_file_or_loses_an_acknowledged_write(
    tmp_path: Path,
) -> None:
    chance = random.Random(20261123)
    acknowledged: list[str] = []
    for _ in range(12):
        writer = subprocess.Popen(
            [sys.executable, str(WORKER_SCRIPT), str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        acknowledged.append(writer.stdout.readline().strip())  # it is writing by now
        time.sleep(chance.uniform(0.0, 0.25))
        os.kill(writer.pid, signal.SIGKILL)
        remaining, _ = writer.communicate()
        acknowledged.extend(line for line in remaining.splitlines() if line)
        _assert_every_file_valid(tmp_path)
        stored = {passage.id for passage in PassageStore(tmp_path).passages()}
        assert set(acknowledged) <= stored
    store = PassageStore(tmp_path)
    assert store.problems == []
    store.add(CITEKEYS[0], "the library still takes writes")


def test_threads_sharing_one_store_lose_nothing(tmp_path: Path) -> None:
    store = PassageStore(tmp_path)
    added: list[str] = []
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(25):
                added.append(store.add(CITEKEYS[n % 3], f"thread {worker} passage {n}").id)
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)

    def read() -> None:
        try:
            while len(added) < 100 and not failures:
                store.passages()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=read))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(p.id for p in store.passages()) == sorted(added)
    assert sorted(p.id for p in PassageStore(tmp_path).passages()) == sorted(added)
