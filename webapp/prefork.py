"""Serving one listening socket from several processes (`serve --processes N`).

A Python process runs one thread at a time, so however many threads waitress has, one
server uses one core: under a mix of searches and writes the demo library's server was
CPU-bound at about one core. Forked processes, each with its own waitress and threads,
accept connections from one shared socket and use every core. They share nothing but the
library's files, which every part already shares safely between processes (the CLI
writes beside a running server): each write is locked per file, the index by its lock,
and each process sees the others' writes as the index's generation moves on.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from contextlib import suppress
from types import FrameType
from typing import Any

from waitress import serve as waitress_serve

logger = logging.getLogger(__name__)

# How often a worker checks that the process that started it is still there.
PARENT_CHECK_SECONDS = 1.0
# How long a stopping worker may take before it is killed.
STOP_SECONDS = 20.0

App = Callable[..., Any]  # a WSGI application


def serve_forked(
    make_app: Callable[[], App],
    *,
    host: str,
    port: int,
    threads: int,
    processes: int,
    options: Mapping[str, Any] | None = None,  # Any: waitress's options are of many types
) -> int:
    """Listen on host:port, fork `processes` workers that each build an app and serve it
    with `threads` threads (and waitress's `options`), and wait; returns the exit status.

    Ctrl-C or SIGTERM stops every worker; a worker that dies stops the others (a server
    that answers only some requests is worse than one that stops and says why). Workers
    whose parent is killed outright stop by themselves.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    workers: list[int] = []
    try:
        for _ in range(processes):
            workers.append(_start_worker(make_app, listener, threads, options or {}))
    finally:
        listener.close()  # the workers hold their own copies
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        _signal_all(workers, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    while workers:
        pid, code = os.wait()
        if pid not in workers:
            continue
        workers.remove(pid)
        if not stopping:
            logger.error("worker %d exited (%s); stopping the others", pid, _describe(code))
            status = 1
            stopping = True
            _signal_all(workers, signal.SIGTERM)
            _kill_after(workers, STOP_SECONDS)
    return status


def _start_worker(
    make_app: Callable[[], App],
    listener: socket.socket,
    threads: int,
    options: Mapping[str, Any],
) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _exit_quietly)
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
        waitress_serve(make_app(), sockets=[listener], threads=threads, **options)
    except (KeyboardInterrupt, SystemExit):
        pass
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)  # never return into the parent's code (click, atexit handlers)


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed: it could not stop us)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _signal_all(workers: list[int], signum: int) -> None:
    for pid in workers:
        with suppress(ProcessLookupError):  # already gone: os.wait() collects it
            os.kill(pid, signum)


def _kill_after(workers: list[int], seconds: float) -> None:
    """Kill, after `seconds`, whichever of `workers` has not stopped by then."""

    def kill_late() -> None:
        time.sleep(seconds)
        _signal_all(list(workers), signal.SIGKILL)

    threading.Thread(target=kill_late, daemon=True).start()


def _describe(code: int) -> str:
    if os.WIFSIGNALED(code):
        return f"killed by signal {os.WTERMSIG(code)}"
    return f"status {os.waitstatus_to_exitcode(code)}"
