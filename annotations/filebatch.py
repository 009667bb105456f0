"""Replace several passage files as one commit: after a crash, all of them or none.

An import writes one file per reference it brings passages to. Written one by one, a
crash between two of them leaves half an import in the library. A batch is staged
instead: the new contents go to `passages/.batch/` (each file fsynced), then a journal
naming them is written there atomically, which is the commit; then each staged file is
renamed over its target and the journal removed. Whoever opens the folder next finishes
what a killed writer left (`recover`): with a journal, the renames are replayed (roll
forward); without one, the staging folder is thrown away (roll back). Renames within one
folder are atomic, and replaying one that was done already is a no-op, so recovery may
itself be interrupted and run again.

The batch lock (`passages/.batch.lock`) is held while a batch is staged and committed and
while one is recovered, so a recovery never races a live writer's renames; the caller
also holds the lock of every file the batch replaces, so no other write interleaves.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from refs.atomicfile import LOCK_TIMEOUT_SECONDS, write_atomically
from refs.errors import FileBusy, WriteFailed
from refs.filelocks import FileWriteLock

logger = logging.getLogger(__name__)

STAGING_NAME = ".batch"
JOURNAL_NAME = "journal.json"
LOCK_NAME = ".batch.lock"
# A batch of thousands of files takes a while to stage; a writer waiting on it should wait.
BATCH_LOCK_TIMEOUT_SECONDS = max(LOCK_TIMEOUT_SECONDS, 600.0)


def has_interrupted_batch(folder: Path) -> bool:
    """True when a batch was staged or committed in `folder` and not finished (one `stat`)."""
    return (folder / STAGING_NAME).exists()


@contextlib.contextmanager
def batch_lock(folder: Path, timeout: float = BATCH_LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold `folder`'s batch lock (`FileBusy` after `timeout` seconds; 0: only if free)."""
    from filelock import Timeout  # here: commands that only read never load filelock

    lock = FileWriteLock(folder / LOCK_NAME)
    try:
        lock.acquire(timeout)
    except Timeout as error:
        raise FileBusy(folder / LOCK_NAME, timeout) from error
    except OSError as error:
        raise WriteFailed(folder / LOCK_NAME, error) from error
    try:
        yield
    finally:
        lock.release()


def recover(folder: Path) -> bool:
    """Finish or undo a batch a killed writer left in `folder`; True if there was one.

    The caller holds the batch lock. A committed batch (its journal written) is replayed,
    an uncommitted one discarded; the targets are never left half replaced.
    """
    staging = folder / STAGING_NAME
    if not staging.exists():
        return False
    journal = staging / JOURNAL_NAME
    try:
        names = json.loads(journal.read_bytes())["files"]
    except FileNotFoundError:
        logger.warning("%s: an unfinished batch was never committed; discarded", staging)
    except (OSError, ValueError, KeyError, TypeError) as error:
        # The journal is written atomically, so an unreadable one was damaged after the
        # fact: nothing safe can be replayed, and the targets are as they were or done.
        logger.error("%s: journal unreadable (%s); staged files discarded", staging, error)
    else:
        _replay(folder, staging, [str(name) for name in names])
        logger.warning("%s: finished a committed batch of %d files", folder, len(names))
    _remove_staging(staging)
    return True


def recover_if_needed(folder: Path, *, wait: bool) -> None:
    """`recover` when a batch is unfinished: waiting for the batch lock (a writer), or only
    if it is free now (a reader, which leaves a live writer's batch to that writer)."""
    if not has_interrupted_batch(folder):
        return
    try:
        with batch_lock(folder, BATCH_LOCK_TIMEOUT_SECONDS if wait else 0):
            recover(folder)
    except FileBusy:
        if wait:
            raise
        logger.debug("%s: a batch is being committed; reading the files as they are", folder)


def commit_files(folder: Path, contents: Mapping[str, bytes]) -> None:
    """Replace the files `contents` names (file names in `folder`) as one commit.

    The caller holds the batch lock and every target's lock. Any leftover of an earlier
    batch is recovered first. A failure before the journal is written leaves the targets
    untouched (and the staging folder removed); after it, the batch is finished here or,
    if this process dies, by the next `recover`.
    """
    recover(folder)
    staging = folder / STAGING_NAME
    try:
        staging.mkdir(parents=True)
        for name, data in contents.items():
            _write_staged(staging / name, data, folder / name)
        _fsync_folder(staging)
        journal = json.dumps({"files": sorted(contents)}).encode()
        write_atomically(staging / JOURNAL_NAME, journal)  # the commit point
    except BaseException as error:
        _remove_staging(staging)
        if isinstance(error, OSError):
            raise WriteFailed(staging, error) from error
        raise
    _replay(folder, staging, list(contents))
    _remove_staging(staging)


def _write_staged(path: Path, data: bytes, target: Path) -> None:
    with path.open("xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    os.chmod(path, mode)


def _replay(folder: Path, staging: Path, names: list[str]) -> None:
    """Rename each staged file over its target (those renamed already are skipped)."""
    for name in names:
        if "/" in name or name.startswith("."):
            logger.error("%s: journal names %r, not a passage file; skipped", staging, name)
            continue
        with contextlib.suppress(FileNotFoundError):
            os.replace(staging / name, folder / name)
    _fsync_folder(folder)


def _remove_staging(staging: Path) -> None:
    journal = staging / JOURNAL_NAME
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()  # first: a half-removed folder must never still read as committed
    shutil.rmtree(staging, ignore_errors=True)
    _fsync_folder(staging.parent)


def _fsync_folder(folder: Path) -> None:
    """Make renames and removals in `folder` durable (some filesystems refuse; fine)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
