"""The errors the reference store raises, each naming the file, line and field it is about."""

from __future__ import annotations

from pathlib import Path

from refs.citekeys import CITEKEY_RULE


class RefsError(Exception):
    """Base of every error raised by the `refs` package."""


class EntryError(RefsError):
    """One entry could not be read; the rest of the file still loads.

    str(err) → "library/refs.bib:42: field 'year': expected a year like 1957, got 'l957'"
    """

    def __init__(
        self, message: str, *, path: Path, line: int, field: str = "", citekey: str = ""
    ) -> None:
        where = f"{path}:{line}" + (f": field '{field}'" if field else "")
        super().__init__(f"{where}: {message}")
        self.message, self.path, self.line, self.field = message, path, line, field
        self.citekey = citekey  # the entry the problem is in, when known


class UnknownCitekey(RefsError, KeyError):
    """No reference in the library has this citekey."""

    def __init__(self, citekey: str) -> None:
        super().__init__(f"unknown citekey '{citekey}'")
        self.citekey = citekey

    def __str__(self) -> str:
        return str(self.args[0])


class DuplicateCitekey(RefsError, ValueError):
    """A citekey that is already taken (citekeys are unique across the library)."""

    def __init__(self, citekey: str, *, path: Path, line: int) -> None:
        super().__init__(f"citekey '{citekey}' already exists at {path}:{line}")
        self.citekey, self.path, self.line = citekey, path, line


class InvalidCitekey(RefsError, ValueError):
    """A citekey that breaks the one rule, `refs.citekeys.is_valid_citekey` (`a/b`, `.x`...).

    str(err) → "citekey 'a/b' cannot be used: a citekey has 1 to 200 letters, digits and ..."
    """

    def __init__(self, citekey: str, *, problem: str = "cannot be used") -> None:
        super().__init__(f"citekey {citekey!r} {problem}: {CITEKEY_RULE}")
        self.citekey = citekey
        self.field = "citekey"


class InvalidBibtex(RefsError, ValueError):
    """Text given as BibTeX (to `refs add` or `import`) has no usable entry or a broken one."""


class InvalidImportFile(RefsError, ValueError):
    """A file given to `import` cannot be read in its format (not UTF-8, not JSON...).

    A reader that sees only the text raises it without `path`; the import names the file
    (`at`). str(err) → "zotero.json:3: invalid JSON: Expecting value"
    """

    def __init__(self, message: str, *, path: Path | None = None, line: int = 0) -> None:
        where = "" if path is None else f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")
        self.message, self.path, self.line = message, path, line

    def at(self, path: Path) -> InvalidImportFile:
        """The same problem, in the file `path`."""
        return InvalidImportFile(self.message, path=path, line=self.line)


class InvalidField(RefsError, ValueError):
    """A field name or value given on the command line or in a form is not acceptable."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"field '{field}': {message}")
        self.message, self.field = message, field


class FileChangedOnDisk(RefsError):
    """The file changed on disk after it was read; writing now would lose that change."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: changed on disk since it was read; nothing was written, try again"
        )
        self.path = path


class ReferenceHasPassages(RefsError):
    """A reference with passages cannot be deleted unless the deletion cascades."""


class WriteFailed(RefsError):
    """A file could not be written (disk full, read-only library...); it is unchanged.

    str(err) → "library/references.bib: could not write (No space left on device); the
    file is unchanged"
    """

    def __init__(self, path: Path, error: OSError) -> None:
        reason = error.strerror or str(error)
        super().__init__(f"{path}: could not write ({reason}); the file is unchanged")
        self.path, self.errno = path, error.errno


class FileBusy(RefsError):
    """Another process held a file's lock for too long; nothing was written."""

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(
            f"{path}: another writer held it for {seconds:g} s; nothing was written, try again"
        )
        self.path = path
