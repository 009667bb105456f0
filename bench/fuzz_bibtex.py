"""BibTeX fuzz soak: load (and import) damaged .bib text for N seconds; print cases and failures.

The long variant of `tests/refs/test_fuzz_bibtex.py`, with the same checks (no traceback,
every problem names the file and a line, a good entry after the damage still loads):

    .venv/bin/python bench/fuzz_bibtex.py --seconds 300           # atheris if installed
    .venv/bin/python bench/fuzz_bibtex.py --seconds 300 --random  # plain random mutation

atheris (coverage-guided, libFuzzer) is optional: `pip install atheris==3.0.0`. Without
it, or with `--random`, the script mutates the wild files itself. Exit status 1 when any
case failed; the first failing inputs are saved in `--failures` (default: a temp folder).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HAZARDS = [b"{", b"}", b"@", b'"', b"#", b"%", b"=", b",", b"\\", b"\n", b"\r\n", b"\x00",
           b"\xff", b"\xef\xbb\xbf", b"@string{", b"@comment{", b"@book{", b"{" * 2000]  # fmt: skip


class Tally:
    """Cases tried and failed, with the first failing inputs kept on disk."""

    def __init__(self, seconds: float, failures_dir: Path, check: Callable[[bytes], None]) -> None:
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.failures_dir = failures_dir
        self.check = check
        self.tried = 0
        self.failed = 0

    def run_one(self, data: bytes) -> None:
        """Check one input, counting it; stop the process when the time is up."""
        if time.monotonic() > self.deadline:
            self.finish()
        self.tried += 1
        try:
            self.check(data)
        except Exception:  # any exception at all is a finding: keep it, go on
            self.failed += 1
            if self.failed <= 20:
                saved = self.failures_dir / f"failure-{self.failed}.bib"
                saved.write_bytes(data)
                print(f"FAILED ({saved}):\n{traceback.format_exc(limit=4)}", file=sys.stderr)

    def finish(self) -> None:
        """Print the counts and exit (libFuzzer never returns to the caller)."""
        print(
            f"bibtex fuzz {self.seconds:g} s: cases tried={self.tried} failed={self.failed}",
            flush=True,
        )
        os._exit(1 if self.failed else 0)


def _checker(scratch: Path, with_import: bool) -> Callable[[bytes], None]:
    from tests.refs.test_fuzz_bibtex import check_import, check_library_text

    def check(data: bytes) -> None:
        case = Path(tempfile.mkdtemp(dir=scratch))
        check_library_text(data, case)
        if with_import:
            check_import(data, case)

    return check


def _random_mutations(tally: Tally, seed: int) -> None:
    chance = random.Random(seed)
    wild = [path.read_bytes() for path in sorted((ROOT / "tests/data/wild").glob("*.bib"))]
    while True:
        data = bytearray(chance.choice(wild))
        for _ in range(chance.randrange(1, 10)):
            at = chance.randrange(len(data) + 1)
            kind = chance.randrange(4)
            if kind == 0:
                data[at:at] = chance.choice(HAZARDS)
            elif kind == 1:
                del data[at : at + chance.randrange(1, 200)]
            elif kind == 2:
                data[at : at + 1] = bytes([chance.randrange(256)])
            else:
                del data[at:]
        tally.run_one(bytes(data))


def main() -> None:
    """Parse the options and fuzz until the time is up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="How long to fuzz.")
    parser.add_argument("--random", action="store_true", help="Do not use atheris.")
    parser.add_argument("--import", dest="with_import", action="store_true",
                        help="Also import every case into a fresh library (slower).")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="Seed of --random.")
    parser.add_argument("--failures", type=Path, help="Folder for failing inputs.")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # bibtexparser logs every damaged block it meets
    scratch = Path(tempfile.mkdtemp(prefix="fuzz-bibtex-"))
    failures = args.failures or scratch / "failures"
    failures.mkdir(parents=True, exist_ok=True)
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        atheris = None
        print("atheris is not installed: random mutation instead", file=sys.stderr)
    if atheris is None or args.random:
        tally = Tally(args.seconds, failures, _checker(scratch, args.with_import))
        _random_mutations(tally, args.seed)
        return
    with atheris.instrument_imports():
        import refs.bibfile
        import refs.parserinput
        import refs.values  # noqa: F401
    tally = Tally(args.seconds, failures, _checker(scratch, args.with_import))
    corpus = scratch / "corpus"
    corpus.mkdir()
    for path in (ROOT / "tests/data/wild").glob("*.bib"):
        (corpus / path.name).write_bytes(path.read_bytes())
    atheris.Setup([sys.argv[0], "-max_len=200000", str(corpus)], tally.run_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
