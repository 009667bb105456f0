"""The library's full texts, read only from regular files directly inside its `sources/`.

An anchor keeps 32 characters either side of its quote, so whatever a source read returns
can end up in a passage file, an export or a page. A library may come from anywhere (a git
clone, an archive), so a name in `sources/` that is a symbolic link (even to a file beside
it), a FIFO, a folder or a device is refused, never followed or read, and so is a
`sources/` folder that is itself a symbolic link. The folder is opened with `O_NOFOLLOW`,
the file relative to it with `O_NOFOLLOW` (and `O_NONBLOCK`, so a FIFO cannot hang the
reader), `fstat` must say it is a regular file, and its resolved path must lie in the
folder. Every reader of sources (the reader page, anchoring, `check`, the list of sources)
goes through `read_source` and `list_sources`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from annotations.errors import AnnotationError

SOURCES_FOLDER = "sources"
SOURCE_SUFFIX = ".txt"
# A book's full text is a few megabytes; anything far larger is not one, and reading it
# whole (as anchoring must) would hold a server's memory.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
# One file name ending in `.txt`: no separator, no control character, no leading dot.
_FILE_NAME = re.compile(r"[^./\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]{0,195}\.txt")
_READ_CHUNK = 1024 * 1024


class SourceUnavailable(AnnotationError):
    """A full text that cannot be read, naming the file (or the folder) and why."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(f"{path}: {message}")
        self.message, self.path = message, path


class SourceNotFound(SourceUnavailable, LookupError):
    """No file of that name in `sources/` (or no `sources/` folder at all)."""

    def __str__(self) -> str:
        return str(self.args[0])


class SourceRefused(SourceUnavailable):
    """A name in `sources/` that is not a regular UTF-8 file inside it; it is never read.

    str(err) → "library/sources/freeze2009.txt: a symbolic link, not a regular file; not read"
    """


@dataclass(frozen=True, slots=True)
class SourceListing:
    """The readable-looking full texts in `sources/` (file names) and the names refused."""

    names: list[str] = field(default_factory=list)
    refused: list[SourceRefused] = field(default_factory=list)


def is_source_file_name(name: str) -> bool:
    """True for one file name ending in `.txt` that cannot leave `sources/` (`a.txt`, not
    `../a.txt`, `.a.txt` or a name with a NUL or a control character)."""
    return _FILE_NAME.fullmatch(name) is not None


def read_source(sources_dir: Path, file_name: str) -> str:
    """The text of `sources_dir/file_name`, a regular UTF-8 file directly inside the folder.

    Raises `SourceNotFound` when there is no such file, `SourceRefused` for anything else
    that is not a regular file of at most `MAX_SOURCE_BYTES` bytes of UTF-8 inside it.
    """
    if not is_source_file_name(file_name):
        raise SourceRefused(
            f"{file_name!r} is not the name of a text in {SOURCES_FOLDER}/ (one file name "
            f"ending in {SOURCE_SUFFIX}, not starting with a dot); not read",
            path=sources_dir,
        )
    path = sources_dir / file_name
    folder = _open_folder(sources_dir)
    try:
        try:
            descriptor = os.open(
                file_name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder
            )
        except FileNotFoundError as error:
            raise SourceNotFound("no such source text", path=path) from error
        except OSError as error:
            raise _refusal(path, error) from error
    finally:
        os.close(folder)
    try:
        return _read_regular_file(descriptor, path, sources_dir)
    finally:
        os.close(descriptor)


def list_sources(sources_dir: Path) -> SourceListing:
    """The full texts in `sources/` by file name, sorted, and the `.txt` names refused
    (symbolic links, folders, FIFOs...). Nothing is read; a missing folder lists nothing."""
    try:
        folder = _open_folder(sources_dir)
    except SourceNotFound:
        return SourceListing()
    except SourceRefused as refused:
        return SourceListing(refused=[refused])
    listing = SourceListing()
    try:
        with os.scandir(folder) as entries:
            found = sorted(entries, key=lambda entry: entry.name)
        for entry in found:
            if entry.name.startswith(".") or not entry.name.endswith(SOURCE_SUFFIX):
                continue
            path = sources_dir / entry.name
            if not is_source_file_name(entry.name):
                listing.refused.append(
                    SourceRefused(f"{entry.name!r} is not a usable file name; not read", path=path)
                )
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except FileNotFoundError:
                continue  # removed while listing
            if stat.S_ISREG(mode):
                listing.names.append(entry.name)
            else:
                listing.refused.append(_not_regular(path, mode))
    finally:
        os.close(folder)
    return listing


def _open_folder(sources_dir: Path) -> int:
    """A descriptor of `sources/` itself, refused if it is a symbolic link or no folder."""
    try:
        mode = os.lstat(sources_dir).st_mode
    except FileNotFoundError as error:
        raise SourceNotFound(f"no {SOURCES_FOLDER}/ folder", path=sources_dir) from error
    if not stat.S_ISDIR(mode):
        raise _not_regular(sources_dir, mode, expected="a folder")
    try:
        return os.open(sources_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError as error:
        raise SourceNotFound(f"no {SOURCES_FOLDER}/ folder", path=sources_dir) from error
    except OSError as error:  # swapped for a symbolic link since the lstat
        raise _refusal(sources_dir, error) from error


def _read_regular_file(descriptor: int, path: Path, sources_dir: Path) -> str:
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        raise _not_regular(path, status.st_mode)
    if status.st_size > MAX_SOURCE_BYTES:
        raise SourceRefused(
            f"{status.st_size} bytes, more than the {MAX_SOURCE_BYTES} a source text may "
            "have; not read",
            path=path,
        )
    if not _is_inside(path, sources_dir, status):
        raise SourceRefused("not a file inside the sources folder; not read", path=path)
    chunks: list[bytes] = []
    size = 0
    while chunk := os.read(descriptor, _READ_CHUNK):
        size += len(chunk)
        if size > MAX_SOURCE_BYTES:
            raise SourceRefused(
                f"grew past the {MAX_SOURCE_BYTES} bytes a source text may have; not read",
                path=path,
            )
        chunks.append(chunk)
    data = b"".join(chunks)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceRefused(
            f"line {line}: not UTF-8 text ({error.reason}); save it as UTF-8", path=path
        ) from error


def _is_inside(path: Path, sources_dir: Path, opened: os.stat_result) -> bool:
    """Whether `path` resolves to a file directly in `sources_dir`, the very file opened."""
    try:
        resolved = path.resolve(strict=True)
        folder = sources_dir.resolve(strict=True)
        now = os.stat(resolved)
    except (OSError, RuntimeError):
        return False
    return resolved.parent == folder and (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino)


def _refusal(path: Path, error: OSError) -> SourceRefused:
    if error.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
        return SourceRefused("a symbolic link, never followed; not read", path=path)
    return SourceRefused(f"cannot be read ({error.strerror or error}); not read", path=path)


def _not_regular(path: Path, mode: int, *, expected: str = "a regular file") -> SourceRefused:
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISREG, "a regular file"),
    )
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    return SourceRefused(f"{kind}, not {expected}; not read", path=path)
