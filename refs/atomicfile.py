"""Crash-safe file replacement under a cross-process lock, shared by every store on disk.

A writer takes the lock of the file it changes, writes a temporary file beside it, fsyncs
it, renames it over the old one and fsyncs the folder, so a crash at any moment leaves
either the old file or the new one, never half of each. Temporary files start with
`.tmp-` and end in `.part`, so no loader mistakes one for data.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from refs.errors import FileBusy, WriteFailed
from refs.filelocks import FileWriteLock

LOCK_TIMEOUT_SECONDS = 30.0
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".part"


def lock_path_for(path: Path) -> Path:
    """The lock file guarding `path`: hidden, beside it, so a library folder stays tidy."""
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the cross-process lock of `path` for the duration of the block.

    A lock that cannot be taken becomes a `RefsError` naming `path` (`FileBusy` after
    `timeout` seconds, `WriteFailed` when the folder refuses the lock file), not a
    traceback.
    """
    from filelock import Timeout  # here: commands that only read never load filelock

    lock = FileWriteLock(lock_path_for(path))
    try:
        lock.acquire(timeout)
    except Timeout as error:
        raise FileBusy(path, timeout) from error
    except OSError as error:
        raise WriteFailed(path, error) from error
    try:
        yield
    finally:
        lock.release()


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers only ever see the old or the new bytes.

    A write the system refuses (disk full, read-only folder) raises `WriteFailed` naming
    the file; the old file is then untouched and no temporary file is left behind.
    """
    folder = path.parent
    temp_path: Path | None = None
    try:
        descriptor, temp_name = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX, dir=folder
        )
        temp_path = Path(temp_name)
        with os.fdopen(descriptor, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        if path.exists():
            os.chmod(temp_path, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp_path, 0o644)
        os.replace(temp_path, path)
    except BaseException as error:
        if temp_path is not None:
            with contextlib.suppress(OSError):
                temp_path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteFailed(path, error) from error
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some filesystems refuse to open a folder, which is fine."""
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


def is_temporary(path: Path) -> bool:
    """True for a temporary file left by a writer that died before its rename."""
    return path.name.startswith(TEMP_PREFIX) and path.name.endswith(TEMP_SUFFIX)
