"""How well the real .bib files in tests/data/wild/ load and convert to CSL-JSON, and how fast.

For each file (a `.bib`, or a `.bib.gz` read decompressed) it prints: the entries in the
file's text (`@type{` openings other than @string, @comment and @preamble), the references
`refs.bibfile.parse_bib_text` loads and the problems it reports, the entries of the text
that were neither loaded nor reported (lost silently), the entries whose CSL
conversion raises, the titles that come out empty although the entry has one, the entries
with a CSL string value that still holds a backslash or a brace (LaTeX that leaked through;
`URL`, `DOI` and `id` are not checked), and the speed of parsing plus converting in
entries per second beside a bare `bibtexparser.parse_string` of the same text (medians of
`--runs` runs, and the ratio of the two times). A bad entry or file is counted and shown,
never fatal.

    .venv/bin/python bench/corpus_report.py [--runs 3] [--details 3] [--no-timing] [PATH ...]

PATH may be a file or a folder (searched for *.bib and *.bib.gz); the default is every
file under tests/data/wild/ and, when it exists, the folder given by `--cache` (a place for
larger corpus files kept outside the repository; nothing downloads into it by default).
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import logging
import math
import re
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bibtexparser.entrypoint import parse_string as bibtexparser_parse_string

from refs.bibfile import BOM, DECODE_ERRORS, ENCODING, parse_bib_text
from refs.csl import csl_items
from refs.model import Reference

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "tests" / "data" / "wild"
DEFAULT_CACHE = Path.home() / ".cache" / "florilegium" / "corpus"

_ENTRY_OPENING = re.compile(r"@\s*([A-Za-z][\w-]*)\s*[{(]")
_NOT_ENTRIES = {"string", "comment", "preamble"}
_CITEKEY = re.compile(r"\s*([^,\s}]*)")
# Fields whose values are verbatim by nature (a backslash or brace there is data), and the
# citekey, which is copied, not converted.
_VERBATIM_KEYS = {"URL", "DOI", "id"}
# Fields naming other entries that an entry inherits from.
_PARENT_FIELDS = ("crossref", "xdata", "xref")
_TAG = re.compile(r"<[^>]+>")

# Any: a CSL-JSON item is open-ended JSON whose values are strings, lists and dicts.
CslItem = dict[str, Any]


@dataclass(slots=True, kw_only=True)
class FileReport:
    """What one file gave: counts, examples of each kind of failure, and timings."""

    path: Path
    size: int
    entries: int = 0
    loaded: int = 0
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    crashed: str = ""
    csl_errors: list[str] = field(default_factory=list)
    empty_titles: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    leaky_entries: int = 0
    ours_seconds: float | None = None
    base_seconds: float | None = None
    base_error: str = ""


def read_bib(path: Path) -> str:
    """The text of `path` as the app reads an input file: a BOM dropped, invalid UTF-8
    kept as lone surrogates; a `.gz` file is decompressed first."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.removeprefix(BOM).decode(ENCODING, errors=DECODE_ERRORS)


def count_entries(text: str) -> int:
    """The `@type{` openings in `text` other than @string, @comment and @preamble."""
    return len(entry_openings(text))


def entry_openings(text: str) -> list[tuple[int, str, str]]:
    """Each entry opening in `text`: its line, its `@type` and the citekey after it."""
    openings = []
    line, cursor = 1, 0
    for match in _ENTRY_OPENING.finditer(text):
        if match.group(1).lower() in _NOT_ENTRIES:
            continue
        line += text.count("\n", cursor, match.start())
        cursor = match.start()
        citekey = _CITEKEY.match(text, match.end())
        openings.append((line, match.group(1), citekey.group(1) if citekey else ""))
    return openings


def silently_lost(
    openings: Sequence[tuple[int, str, str]], loaded: set[str], problem_lines: Sequence[int]
) -> list[str]:
    """The openings whose citekey was not loaded and that no problem was reported for
    (no problem on a line from the opening up to the next one); `problem_lines` sorted."""
    lost = []
    for index, (line, entry_type, citekey) in enumerate(openings):
        end = openings[index + 1][0] if index + 1 < len(openings) else math.inf
        first = bisect.bisect_left(problem_lines, line)
        if citekey in loaded or (first < len(problem_lines) and problem_lines[first] < end):
            continue
        lost.append(f"@{entry_type}{{{citekey} (line {line})")
    return lost


def bib_paths(targets: Sequence[Path]) -> list[Path]:
    """The .bib and .bib.gz files named by `targets` (files, or folders searched deeply)."""
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found += sorted(
                path
                for path in target.rglob("*")
                if path.is_file() and path.name.lower().endswith((".bib", ".bib.gz"))
            )
        elif target.is_file():
            found.append(target)
    return found


def _relatives(reference: Reference, by_citekey: Mapping[str, Reference]) -> list[Reference]:
    """The entries `reference` inherits from (crossref, xdata, xref), transitively."""
    found: dict[str, Reference] = {}
    pending = [reference]
    while pending:
        current = pending.pop()
        for name in _PARENT_FIELDS:
            for citekey in current.fields.get(name, "").split(","):
                parent = by_citekey.get(citekey.strip().lower())
                if parent is not None and parent.citekey not in found:
                    found[parent.citekey] = parent
                    pending.append(parent)
    found.pop(reference.citekey, None)
    return list(found.values())


def convert_each(
    references: Sequence[Reference],
) -> Iterator[tuple[Reference, CslItem | Exception | None]]:
    """Each reference with its CSL item, or with the exception its conversion raised.

    One entry at a time, with the entries it inherits from, so that one bad entry shows
    itself instead of stopping the file. Entries that are not works (`@xdata`, `@set`)
    give None.
    """
    by_citekey = {reference.citekey.lower(): reference for reference in references}
    for reference in references:
        try:
            items = csl_items([reference, *_relatives(reference, by_citekey)])
        # Broad on purpose: this report exists to count every way a conversion can fail.
        except Exception as error:
            yield reference, error
            continue
        yield reference, next((item for item in items if item["id"] == reference.citekey), None)


def leaked_values(value: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Each string in a CSL item (`value`, JSON) holding a backslash or a brace, with the
    path of its key (`author.0.family`)."""
    if isinstance(value, str):
        if "\\" in value or "{" in value or "}" in value:
            yield where, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if not where and key in _VERBATIM_KEYS:
                continue
            yield from leaked_values(inner, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from leaked_values(inner, f"{where}.{index}")


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def check_file(path: Path, display: str) -> FileReport:
    """Load and convert `path` once, counting every failure."""
    text = read_bib(path)
    report = FileReport(path=path, size=len(text.encode(ENCODING, errors=DECODE_ERRORS)))
    openings = entry_openings(text)
    report.entries = len(openings)
    try:
        bib = parse_bib_text(text, Path(display))
    # Broad on purpose: a crash of the whole parse is itself what the report must show.
    except Exception as error:
        report.crashed = f"{type(error).__name__}: {error}"
        return report
    report.loaded = len(bib.references)
    report.problems = [str(problem) for problem in bib.problems]
    report.lost = silently_lost(
        openings,
        {reference.citekey for reference in bib.references},
        sorted(problem.line for problem in bib.problems),
    )
    for reference, outcome in convert_each(bib.references):
        if isinstance(outcome, Exception):
            report.csl_errors.append(
                f"{reference.citekey} (line {reference.line}): "
                f"{type(outcome).__name__}: {_short(str(outcome))}"
            )
            continue
        if outcome is None:
            continue
        title = reference.fields.get("title", "")
        shown = _TAG.sub("", str(outcome.get("title", ""))).strip()
        if title.strip() and not shown:
            report.empty_titles.append(f"{reference.citekey}: title = {_short(title)!r}")
        leaks = list(leaked_values(outcome))
        if leaks:
            report.leaky_entries += 1
            report.leaks += [
                f"{reference.citekey} {key}: {_short(value)!r}" for key, value in leaks
            ]
    return report


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `action`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_file(report: FileReport, runs: int) -> None:
    """Time our parse plus conversion, and bibtexparser's bare parse, of `report.path`."""
    text = read_bib(report.path)
    path = report.path

    def ours() -> None:
        bib = parse_bib_text(text, path)
        try:
            csl_items(bib.references)
        # One bad entry must not stop the timing: then convert the entries one by one.
        except Exception:
            for _ in convert_each(bib.references):
                pass

    if not report.crashed:
        report.ours_seconds = median_seconds(ours, runs)
    try:
        report.base_seconds = median_seconds(lambda: bibtexparser_parse_string(text), runs)
    # The baseline may fail on a file ours survives: worth a line, not a crash.
    except Exception as error:
        report.base_error = f"{type(error).__name__}: {_short(str(error), 60)}"


def _rate(entries: int, seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{entries / seconds:,.0f}" if seconds > 0 else "inf"


def print_table(reports: Sequence[FileReport], names: Mapping[Path, str]) -> None:
    """One row per file and a total row."""
    width = max([len("file"), *(len(names[report.path]) for report in reports)])
    header = (
        f"{'file':<{width}} {'KB':>6} {'entries':>7} {'loaded':>7} {'lost':>4} {'probl.':>6} "
        f"{'csl err':>7} {'no title':>8} {'latex':>6} {'ours e/s':>9} {'btp e/s':>9} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for report in reports:
        ratio = (
            f"{report.ours_seconds / report.base_seconds:.1f}x"
            if report.ours_seconds and report.base_seconds
            else "-"
        )
        print(
            f"{names[report.path]:<{width}} {report.size / 1024:6.0f} {report.entries:7d} "
            f"{report.loaded:7d} {len(report.lost):4d} {len(report.problems):6d} "
            f"{len(report.csl_errors):7d} "
            f"{len(report.empty_titles):8d} {report.leaky_entries:6d} "
            f"{_rate(report.entries, report.ours_seconds):>9} "
            f"{_rate(report.entries, report.base_seconds):>9} {ratio:>6}"
        )
    print("-" * len(header))
    entries = sum(report.entries for report in reports)
    timed = [r for r in reports if r.ours_seconds is not None and r.base_seconds is not None]
    ours = sum(r.ours_seconds or 0.0 for r in timed)
    base = sum(r.base_seconds or 0.0 for r in timed)
    timed_entries = sum(r.entries for r in timed)
    print(
        f"{'total (' + str(len(reports)) + ' files)':<{width}} "
        f"{sum(r.size for r in reports) / 1024:6.0f} {entries:7d} "
        f"{sum(r.loaded for r in reports):7d} {sum(len(r.lost) for r in reports):4d} "
        f"{sum(len(r.problems) for r in reports):6d} "
        f"{sum(len(r.csl_errors) for r in reports):7d} "
        f"{sum(len(r.empty_titles) for r in reports):8d} "
        f"{sum(r.leaky_entries for r in reports):6d} "
        f"{_rate(timed_entries, ours if timed else None):>9} "
        f"{_rate(timed_entries, base if timed else None):>9} "
        f"{(f'{ours / base:.1f}x' if timed and base else '-'):>6}"
    )


def print_details(reports: Sequence[FileReport], names: Mapping[Path, str], limit: int) -> None:
    """Up to `limit` examples of each kind of failure, file by file."""
    for report in reports:
        kinds = [
            ("parse crashed", [report.crashed] if report.crashed else []),
            ("in the text, not loaded, no problem reported", report.lost),
            ("problems", report.problems),
            ("CSL conversion raised", report.csl_errors),
            ("empty title", report.empty_titles),
            ("LaTeX left in CSL values", report.leaks),
            ("bibtexparser failed", [report.base_error] if report.base_error else []),
        ]
        if not any(examples for _, examples in kinds):
            continue
        print(f"\n{names[report.path]}")
        for label, examples in kinds:
            if examples:
                print(f"  {label}: {len(examples)}")
                for example in examples[:limit]:
                    print(f"    {_short(example, 150)}")


def main() -> None:
    """Check every file, then print the table and the examples."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="extra .bib files or folders")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per file (median)")
    parser.add_argument("--no-timing", action="store_true", help="skip the speed columns")
    parser.add_argument(
        "--details", type=int, default=3, help="examples of each failure per file (0: none)"
    )
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="folder of downloaded corpus files"
    )
    parser.add_argument(
        "--only", action="store_true", help="check only PATHs, not tests/data/wild/"
    )
    args = parser.parse_args()
    # The loaders log every problem they report; the report lists them itself.
    logging.basicConfig(level=logging.CRITICAL)

    targets = list(args.paths)
    if not args.only:
        targets = [WILD, *([args.cache] if args.cache.is_dir() else []), *targets]
    paths = bib_paths(targets)
    names = {
        path: str(path.relative_to(WILD)) if path.is_relative_to(WILD) else str(path)
        for path in paths
    }
    reports = []
    for path in paths:
        report = check_file(path, names[path])
        if not args.no_timing:
            time_file(report, args.runs)
        reports.append(report)

    timing = "" if args.no_timing else f", speeds are medians of {args.runs} runs"
    print(
        f"corpus report: {len(reports)} files{timing}. KB: text size; lost: entries in the "
        "text neither loaded nor reported; latex: entries with a CSL value holding \\ { or }; "
        "e/s: entries in the text per second; ratio: our time / bibtexparser's"
    )
    print_table(reports, names)
    if args.details > 0:
        print_details(reports, names, args.details)


if __name__ == "__main__":
    main()
