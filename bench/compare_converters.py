"""Measure five BibTeX/BibLaTeX → CSL-JSON converters side by side, to choose one by numbers.

Converters: ours (`refs.bibfile.parse_bib_text`, then `refs.csl.csl_items`), three npm
libraries run by `bench/converters/convert.js` (`bbt`: @retorquere/bibtex-parser with our thin
field mapping; `fidus`: biblatex-csl-converter; `citationjs`: @citation-js/plugin-bibtex) and
pandoc (`pandoc -f biblatex`, which votes, and `pandoc -f bibtex`, shown beside it).

Inputs: every .bib (or .bib.gz) under tests/data/wild/ and every case in
tests/data/conversion_cases/*.toml. Prints Markdown tables: per file and converter, what came
out and how fast (medians, with the ratio to a bare `bibtexparser.parse_string` of the same
file in the same run); per CSL variable, how often each converter agrees with the majority
of the others; and the feature cases each converter gets right. `--out` gets every item
(`items.json`), every outvoted value (`outvoted.json`), the entries where ours disagrees with
the majority (`ours_vs_majority.md`), the leaked LaTeX (`leaks.md`) and the failed cases
(`cases.md`).

    (cd bench/converters && npm ci)
    python3 -m venv /work/scratch/pandoc-venv
    /work/scratch/pandoc-venv/bin/pip install pypandoc-binary==1.17
    .venv/bin/python bench/compare_converters.py --out /tmp/converters [--pandoc PATH]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bibtexparser import model as bibmodel
from bibtexparser.entrypoint import parse_string

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "tests" / "data" / "wild"
CASES = ROOT / "tests" / "data" / "conversion_cases"
CONVERT_JS = Path(__file__).resolve().parent / "converters" / "convert.js"

NODE_CONVERTERS = ("bbt", "fidus", "citationjs")
CONVERTERS = ("ours", *NODE_CONVERTERS, "pandoc", "pandoc-bibtex")
# pandoc votes once, with its BibLaTeX reader: it reads BibTeX's fields too.
VOTERS = ("ours", *NODE_CONVERTERS, "pandoc")
# The `bbt` type comes from our mapping table, not from the library: it does not vote on it.
ABSTAINS = {("bbt", "type")}
VARIABLES = (
    "type", "title", "container-title", "author", "editor", "issued", "publisher",
    "publisher-place", "page", "volume", "issue", "DOI", "URL", "genre", "language", "note",
    "collection-title", "edition", "number",
)  # fmt: skip
NAME_VARIABLES = frozenset({"author", "editor"})
# Values where a backslash or brace is no leaked LaTeX.
VERBATIM = frozenset({"URL", "DOI", "id", "citation-key"})
# pandoc loops for ever, growing, on a crossref cycle: a time-out and a heap limit stop it.
PANDOC_TIMEOUT = 60.0  # seconds
PANDOC_HEAP = "-M2g"
NODE_TIMEOUT = 400.0  # one conversion; biblatex-csl-converter can loop for ever
SLOW_SECONDS = 60.0  # a conversion slower than this is timed once, not `--runs` times
_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s]*)\s*,")
_NOT_ENTRIES = frozenset({"string", "preamble", "comment"})
_TAG = re.compile(r"<[^>]+>")
_UNDECODABLE = re.compile("[\udc80-\udcff]")

# Any: CSL-JSON is open-ended JSON (strings, numbers, lists of names, date objects).
CslItem = dict[str, Any]


@dataclass(kw_only=True)
class Conversion:
    """What one converter made of one .bib text: items by citekey, messages, run times."""

    items: dict[str, CslItem] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    failed: bool = False  # the whole file gave nothing: a crash, a time-out, a rejection


@dataclass(frozen=True, kw_only=True)
class Case:
    """A hand-written feature case: BibTeX and the CSL fields expected of its last entry."""

    id: str
    feature: str
    bibtex: str
    expected: dict[str, Any]
    citekey: str


def entry_heads(text: str) -> list[str]:
    """The citekeys of the entries in `text`, in order, found by their `@type{citekey,`."""
    return [
        m.group(2) for m in _ENTRY_HEAD.finditer(text) if m.group(1).lower() not in _NOT_ENTRIES
    ]


def titled_citekeys(text: str) -> set[str]:
    """Citekeys whose entry has a non-empty title of its own, as bibtexparser reads them."""
    titled = set()
    for block in parse_string(text).blocks:
        if isinstance(block, bibmodel.Entry):
            title = block.fields_dict.get("title")
            if title is not None and str(title.value).strip('{}" \t\n'):
                titled.add(block.key)
    return titled


def run_ours(text: str, name: str, runs: int) -> Conversion:
    """Our converter, imported afresh on each call's first use (refs/csl.py is being rewritten)."""
    from refs.bibfile import parse_bib_text
    from refs.csl import csl_items

    result = Conversion()
    for _ in range(runs):
        start = time.perf_counter()
        try:
            bib = parse_bib_text(text, Path(name))
            items = csl_items(bib.references)
        # A bench harness measures a module under rewrite: any crash is a result to report.
        except Exception as err:
            result.seconds.append(time.perf_counter() - start)
            result.errors, result.failed = [f"crash: {err!r}"], True
            continue
        result.seconds.append(time.perf_counter() - start)
        result.errors = [str(problem) for problem in bib.problems]
        result.items = {}
        for item in items:
            result.items.setdefault(item["id"], item)
    return result


def run_node(converter: str, paths: list[Path], runs: int) -> dict[Path, Conversion]:
    """The npm converter `converter` on each of `paths` (one node process for them all)."""
    command = [
        "node", str(CONVERT_JS), converter, *map(str, paths),
        "--runs", str(runs), "--max-seconds", str(SLOW_SECONDS),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=NODE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        if len(paths) > 1:
            return {path: run_node(converter, [path], runs)[path] for path in paths}
        return {paths[0]: Conversion(errors=["time-out"], failed=True)}
    results: dict[Path, Conversion] = {}
    for line in done.stdout.splitlines():
        answer = json.loads(line)
        items = answer["items"]
        results[Path(answer["file"])] = Conversion(
            items=items, errors=answer["errors"], seconds=answer["seconds"], failed=not items
        )
    for path in paths:
        if path not in results:
            stderr = done.stderr.strip().splitlines()
            last = stderr[-1] if stderr else f"exit {done.returncode}"
            results[path] = Conversion(errors=[f"crash: {last}"], failed=True)
    return results


def run_pandoc(pandoc: Path, reader: str, path: Path, runs: int) -> Conversion:
    """`pandoc -f reader -t csljson path`, timed as a whole process (start-up included)."""
    result = Conversion()
    for _ in range(runs):
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [
                    str(pandoc),
                    "+RTS",
                    PANDOC_HEAP,
                    "-RTS",
                    "-f",
                    reader,
                    "-t",
                    "csljson",
                    str(path),
                ],
                capture_output=True,
                timeout=PANDOC_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            result.seconds.append(PANDOC_TIMEOUT)
            result.errors, result.failed, result.items = ["time-out"], True, {}
            break  # a loop does not end sooner on a second try
        result.seconds.append(time.perf_counter() - start)
        stderr = done.stderr.decode("utf-8", "replace")
        result.errors = [line for line in stderr.splitlines() if line.strip()]
        if done.returncode != 0:
            result.failed, result.items = True, {}
            continue
        result.items = {}
        for item in json.loads(done.stdout):
            result.items.setdefault(item["id"], item)
    return result


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `action`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline_seconds(path: Path, runs: int) -> float:
    """The median time of a bare `bibtexparser.parse_string` of the file at `path`."""
    text = read_text(path)
    return median_seconds(lambda: parse_string(text), runs)


def gather_corpus(wild: Path, folder: Path) -> dict[str, Path]:
    """Every .bib under `wild`, by its path there; a .bib.gz is unpacked into `folder`."""
    files = {str(path.relative_to(wild)): path for path in wild.rglob("*.bib")}
    for packed in wild.rglob("*.bib.gz"):
        label = str(packed.relative_to(wild).with_suffix(""))
        unpacked = folder / label
        unpacked.parent.mkdir(parents=True, exist_ok=True)
        unpacked.write_bytes(gzip.decompress(packed.read_bytes()))
        files[label] = unpacked
    return dict(sorted(files.items()))


def convert_all(
    files: dict[str, Path], pandoc: Path, runs: int
) -> dict[str, dict[str, Conversion]]:
    """Every converter on every file: {file label: {converter: Conversion}}."""
    results: dict[str, dict[str, Conversion]] = {label: {} for label in files}
    for label, path in files.items():
        print(f"converting {label}", file=sys.stderr)
        for converter in NODE_CONVERTERS:
            results[label][converter] = run_node(converter, [path], runs)[path]
        results[label]["ours"] = run_ours(read_text(path), path.name, runs)
        results[label]["pandoc"] = run_pandoc(pandoc, "biblatex", path, runs)
        results[label]["pandoc-bibtex"] = run_pandoc(pandoc, "bibtex", path, runs)
    return results


def is_utf8(path: Path) -> bool:
    """True when the file at `path` is valid UTF-8."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_text(path: Path) -> str:
    """The text every converter reads: as our importer reads it (`read_input_text`)."""
    from refs.bibfile import read_input_text

    return read_input_text(path)


def leaked_latex(item: CslItem) -> list[tuple[str, str]]:
    """(variable, value) of each string in `item` left with a backslash or a brace."""
    leaks = []
    for variable, value in item.items():
        if variable in VERBATIM:
            continue
        for text in _strings(value):
            if re.search(r"[\\{}]", text):
                leaks.append((variable, text))
    return leaks


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def exact(value: object) -> str:
    """A canonical text of a CSL value: key order and `3` against `"3"` do not count."""
    return json.dumps(_canonical(value), sort_keys=True, ensure_ascii=False)


def _canonical(value: object) -> object:
    if isinstance(value, dict):
        return {key: _canonical(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_canonical(inner) for inner in value]
    if isinstance(value, bool) or value is None:
        return value
    # An undecodable byte: a lone surrogate from our reader, U+FFFD from node's.
    return _UNDECODABLE.sub("\ufffd", str(value))


def loose(variable: str, value: object) -> str:
    """The value with markup, case, spacing, dashes, quotes and particle kinds ignored."""
    if variable in NAME_VARIABLES and isinstance(value, list):
        return " | ".join(_loose_name(name) for name in value)
    if isinstance(value, dict) and ("date-parts" in value or "literal" in value or "raw" in value):
        parts = value.get("date-parts")
        if parts:
            return json.dumps([[int(str(piece)) for piece in part] for part in parts])
        return _loose_text(str(value.get("literal") or value.get("raw")))
    if isinstance(value, list):
        return " ; ".join(_loose_text(str(inner)) for inner in value)
    return _loose_text(str(value))


def _loose_name(name: object) -> str:
    if not isinstance(name, dict):
        return _loose_text(str(name))
    keys = ("literal", "given", "dropping-particle", "non-dropping-particle", "family", "suffix")
    return _loose_text(" ".join(str(name[key]) for key in keys if name.get(key)))


def _loose_text(text: str) -> str:
    text = html.unescape(_TAG.sub("", text))
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(
        str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})
    )
    return re.sub(r"\s+", " ", text).strip()


def strip_tags(value: object) -> object:
    """`value` with HTML tags taken out of every string in it."""
    if isinstance(value, str):
        return html.unescape(_TAG.sub("", value))
    if isinstance(value, dict):
        return {key: strip_tags(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [strip_tags(inner) for inner in value]
    return value


@dataclass(frozen=True, kw_only=True)
class Outvoted:
    """One value of one converter that the majority of the others does not share."""

    file: str
    citekey: str
    variable: str
    converter: str
    kind: str  # what the difference is: see `difference_kind`
    values: dict[str, object]  # every converter's value, voters or not


@dataclass
class Agreement:
    """Per (converter, variable): entries with a majority among the others, and agreements."""

    judged: Counter[tuple[str, str]] = field(default_factory=Counter)
    agreed: Counter[tuple[str, str]] = field(default_factory=Counter)
    agreed_loose: Counter[tuple[str, str]] = field(default_factory=Counter)
    outvoted: list[Outvoted] = field(default_factory=list)


def vote(agreement: Agreement, file: str, results: dict[str, Conversion]) -> None:
    """Add each converter's agreement with the majority of the others, entry by entry.

    A converter without an item for the entry abstains, and so does one whose value for the
    variable is not its own (`ABSTAINS`); absence of the variable is a value like any other,
    but entries where every voter leaves a variable out are not counted, nor are ties
    between the two commonest values.
    """
    citekeys = dict.fromkeys(key for name in VOTERS for key in results[name].items)
    for citekey in citekeys:
        for variable in VARIABLES:
            values = {
                name: results[name].items[citekey].get(variable)
                for name in VOTERS
                if citekey in results[name].items and (name, variable) not in ABSTAINS
            }
            if all(value is None for value in values.values()):
                continue
            tally = Counter(exact(value) for value in values.values()).most_common(2)
            if len(tally) == 2 and tally[0][1] == tally[1][1]:
                continue  # a tie (2 against 2): each side would be "outvoted" by the other
            for name, value in values.items():
                others = [values[other] for other in values if other != name]
                majority = _majority([exact(other) for other in others])
                if majority is None:
                    continue
                loose_majority = _majority([loose(variable, other) for other in others])
                agreement.judged[name, variable] += 1
                agrees = exact(value) == majority
                agreement.agreed[name, variable] += agrees
                agreement.agreed_loose[name, variable] += loose(variable, value) == loose_majority
                if not agrees:
                    expected = next(other for other in others if exact(other) == majority)
                    agreement.outvoted.append(
                        Outvoted(
                            file=file,
                            citekey=citekey,
                            variable=variable,
                            converter=name,
                            kind=difference_kind(variable, value, expected),
                            values={
                                other: results[other].items.get(citekey, {}).get(variable)
                                for other in CONVERTERS
                            },
                        )
                    )


def difference_kind(variable: str, value: object, majority: object) -> str:
    """How `value` differs from the majority's: the first of these that explains it."""
    if value is None:
        return "missing"
    if majority is None:
        return "extra"
    if exact(strip_tags(value)) == exact(strip_tags(majority)):
        return "markup only"
    if exact(strip_tags(value)).casefold() == exact(strip_tags(majority)).casefold():
        return "case (and markup)"
    if loose(variable, value) == loose(variable, majority):
        return "typography"
    return "content"


def _majority(values: list[str]) -> str | None:
    """The value more than half of `values` share, if there is one."""
    if not values:
        return None
    value, count = Counter(values).most_common(1)[0]
    return value if count * 2 > len(values) else None


def load_cases(folder: Path) -> list[Case]:
    """Every `[[case]]` of every .toml in `folder`, in file then case order."""
    cases = []
    for path in sorted(folder.glob("*.toml")):
        for raw in tomllib.loads(path.read_text(encoding="utf-8")).get("case", []):
            heads = entry_heads(raw["bibtex"])
            if not heads:
                continue
            cases.append(
                Case(
                    id=f"{path.stem}:{raw['id']}",
                    feature=raw.get("feature", ""),
                    bibtex=raw["bibtex"],
                    expected=raw.get("csl", {}),
                    citekey=heads[-1],
                )
            )
    return cases


def check_cases(cases: list[Case], pandoc: Path) -> dict[str, dict[str, tuple[bool, bool, str]]]:
    """Each converter on each case: {converter: {case id: (right, right without tags, got)}}."""
    results: dict[str, dict[str, tuple[bool, bool, str]]] = {name: {} for name in CONVERTERS}
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, case in enumerate(cases):
            path = Path(folder) / f"case{number}.bib"
            path.write_text(case.bibtex, encoding="utf-8")
            paths.append(path)
        outputs: dict[str, list[Conversion]] = {}
        for name in NODE_CONVERTERS:
            by_path = run_node(name, paths, 1) if paths else {}
            outputs[name] = [by_path[path] for path in paths]
        outputs["ours"] = [run_ours(case.bibtex, f"{case.id}.bib", 1) for case in cases]
        outputs["pandoc"] = [run_pandoc(pandoc, "biblatex", path, 1) for path in paths]
        outputs["pandoc-bibtex"] = [run_pandoc(pandoc, "bibtex", path, 1) for path in paths]
    for name, conversions in outputs.items():
        for case, conversion in zip(cases, conversions, strict=True):
            item = conversion.items.get(case.citekey, {})
            got = {key: item.get(key) for key in case.expected}
            right = all(exact(got[key]) == exact(value) for key, value in case.expected.items())
            right_plain = all(
                exact(strip_tags(got[key])) == exact(strip_tags(value))
                for key, value in case.expected.items()
            )
            results[name][case.id] = (right, right_plain, json.dumps(got, ensure_ascii=False))
    return results


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def print_file_table(
    results: dict[str, dict[str, Conversion]],
    files: dict[str, Path],
    baselines: dict[str, float],
    runs: int,
) -> list[str]:
    """Print what each converter made of each file; return the leaked values, for `--out`."""
    print(f"\n## Per file (times: median of {runs} runs)\n")
    print(
        "| file | converter | entries in | items out | dropped | messages | whole file failed"
        " | empty titles | values with LaTeX | median ms | entries/s | × bibtexparser |"
    )
    print("|---|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|")
    leaks_found = []
    totals: dict[str, Counter[str]] = {name: Counter() for name in CONVERTERS}
    for label, by_converter in results.items():
        text = read_text(files[label])
        citekeys, titled = entry_heads(text), titled_citekeys(text)
        shown = label if is_utf8(files[label]) else f"{label} (not UTF-8)"
        for name in CONVERTERS:
            conversion = by_converter[name]
            items = conversion.items
            empty = sum(
                1 for key in titled if key in items and not str(items[key].get("title", "")).strip()
            )
            leaks = [
                (key, variable, value)
                for key, item in items.items()
                for variable, value in leaked_latex(item)
            ]
            leaks_found += [f"| {label} | {name} | {k} | {v} | {_cell(t)} |" for k, v, t in leaks]
            failed = conversion.failed and bool(citekeys)
            seconds = statistics.median(conversion.seconds) if conversion.seconds else 0.0
            row = Counter(
                entries=len(citekeys),
                items=len(items),
                dropped=len(set(citekeys) - set(items)),
                messages=len(conversion.errors),
                failed=int(failed),
                empty=empty,
                leaks=len(leaks),
            )
            timed_out = "time-out" in conversion.errors
            if timed_out or not seconds:
                timing = "time-out | – | –" if timed_out else "– | – | –"
            else:
                once = " (1 run)" if len(conversion.seconds) == 1 < runs else ""
                timing = (
                    f"{seconds * 1e3:,.1f}{once} | {len(citekeys) / seconds:,.0f}"
                    f" | {seconds / baselines[label]:.1f}"
                )
            if not (timed_out or failed or not seconds):  # the totals time what succeeded
                row["timed entries"] = len(citekeys)
                row["µs"] = round(seconds * 1e6)
                row["baseline µs"] = round(baselines[label] * 1e6)
            totals[name] += row
            print(
                f"| {shown} | {name} | {row['entries']} | {row['items']} | {row['dropped']}"
                f" | {row['messages']} | {'yes' if failed else 'no'} | {empty}"
                f" | {len(leaks)} | {timing} |"
            )
    print("\n## All files\n")
    print(
        "| converter | entries in | items out | dropped | messages | files failed"
        " | empty titles | values with LaTeX | s (files timed) | entries/s | × bibtexparser |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for name, row in totals.items():
        seconds = row["µs"] / 1e6
        speed = f"{row['timed entries'] / seconds:,.0f}" if seconds else "–"
        ratio = f"{row['µs'] / row['baseline µs']:.1f}" if row["baseline µs"] else "–"
        print(
            f"| {name} | {row['entries']} | {row['items']} | {row['dropped']} | {row['messages']}"
            f" | {row['failed']} | {row['empty']} | {row['leaks']} | {seconds:,.1f}"
            f" | {speed} | {ratio} |"
        )
    return leaks_found


def print_agreement(agreement: Agreement) -> None:
    """Print, per CSL variable, how often each voter agrees with the majority of the others."""
    print("\n## Agreement with the majority of the others\n")
    print("Each cell: exact / loose (markup, case, spacing, dashes, particle kind ignored),")
    print("then how many entries had a majority among the others for that variable.\n")
    print("| variable | " + " | ".join(VOTERS) + " |")
    print("|---|" + "--:|" * len(VOTERS))
    for variable in (*VARIABLES, "all"):
        cells = []
        for name in VOTERS:
            keys = [(name, v) for v in VARIABLES] if variable == "all" else [(name, variable)]
            judged = sum(agreement.judged[key] for key in keys)
            agreed = sum(agreement.agreed[key] for key in keys)
            agreed_loose = sum(agreement.agreed_loose[key] for key in keys)
            cells.append(
                f"{_percent(agreed, judged)} / {_percent(agreed_loose, judged)} ({judged})"
            )
        print(f"| {variable} | " + " | ".join(cells) + " |")


def print_kinds(agreement: Agreement) -> None:
    """Print what kind of difference each converter's outvoted values are, and ours per variable."""
    kinds = ("missing", "extra", "markup only", "case (and markup)", "typography", "content")
    print("\n## Outvoted values by kind of difference\n")
    print("| converter | " + " | ".join(kinds) + " |")
    print("|---|" + "--:|" * len(kinds))
    for name in VOTERS:
        found = Counter(row.kind for row in agreement.outvoted if row.converter == name)
        print(f"| {name} | " + " | ".join(str(found[kind]) for kind in kinds) + " |")
    print("\nOurs, per variable:\n")
    print("| variable | " + " | ".join(kinds) + " |")
    print("|---|" + "--:|" * len(kinds))
    for variable in VARIABLES:
        found = Counter(
            row.kind
            for row in agreement.outvoted
            if row.converter == "ours" and row.variable == variable
        )
        if found:
            print(f"| {variable} | " + " | ".join(str(found[kind]) for kind in kinds) + " |")


def print_cases(cases: list[Case], checked: dict[str, dict[str, tuple[bool, bool, str]]]) -> None:
    """Print how many feature cases each converter gets wholly right, overall and by feature."""
    print(f"\n## Feature cases ({len(cases)})\n")
    print("| converter | every expected field right | right with HTML tags stripped |")
    print("|---|--:|--:|")
    for name in CONVERTERS:
        right = sum(result[0] for result in checked[name].values())
        plain = sum(result[1] for result in checked[name].values())
        print(f"| {name} | {right} ({_percent(right, len(cases))}) | {plain} |")
    features = sorted({case.feature for case in cases})
    print("\n| feature | cases | " + " | ".join(CONVERTERS) + " |")
    print("|---|--:|" + "--:|" * len(CONVERTERS))
    for feature in features:
        ids = [case.id for case in cases if case.feature == feature]
        cells = [str(sum(checked[name][i][0] for i in ids)) for name in CONVERTERS]
        print(f"| {feature} | {len(ids)} | " + " | ".join(cells) + " |")


def _cell(value: object) -> str:
    if value is None:
        return "∅"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def write_reports(
    out: Path,
    results: dict[str, dict[str, Conversion]],
    agreement: Agreement,
    leaks: list[str],
    cases: list[Case],
    checked: dict[str, dict[str, tuple[bool, bool, str]]],
) -> None:
    """Write every item, ours against the majority, the leaks and the failed cases to `out`."""
    out.mkdir(parents=True, exist_ok=True)
    items = {
        label: {name: conversion.items for name, conversion in by_converter.items()}
        for label, by_converter in results.items()
    }
    (out / "items.json").write_text(json.dumps(items, ensure_ascii=True, indent=1))
    outvoted = [vars(row) for row in agreement.outvoted]
    (out / "outvoted.json").write_text(json.dumps(outvoted, ensure_ascii=True, indent=1))
    lines = ["# Where ours disagrees with the majority of the others", ""]
    header = "| file | citekey | kind | " + " | ".join(CONVERTERS) + " |"
    ours = [row for row in agreement.outvoted if row.converter == "ours"]
    for variable in VARIABLES:
        rows = [row for row in ours if row.variable == variable]
        if not rows:
            continue
        lines += [f"## {variable} ({len(rows)})", "", header, "|" + "---|" * (3 + len(CONVERTERS))]
        for row in rows:
            cells = " | ".join(_cell(row.values[name]) for name in CONVERTERS)
            lines.append(f"| {row.file} | {row.citekey} | {row.kind} | {cells} |")
        lines.append("")
    (out / "ours_vs_majority.md").write_text("\n".join(lines), errors="backslashreplace")
    leak_lines = ["| file | converter | citekey | variable | value |", "|---|---|---|---|---|"]
    (out / "leaks.md").write_text("\n".join(leak_lines + leaks) + "\n", errors="backslashreplace")
    case_lines = ["# Feature cases not wholly right", ""]
    for name in CONVERTERS:
        case_lines += [f"## {name}", ""]
        for case in cases:
            right, _, got = checked[name][case.id]
            if not right:
                expected = json.dumps(case.expected, ensure_ascii=False)
                case_lines += [f"- `{case.id}` ({case.feature})", f"  - expected `{expected}`"]
                case_lines.append(f"  - got      `{got}`")
        case_lines.append("")
    (out / "cases.md").write_text("\n".join(case_lines), errors="backslashreplace")


def describe_ours() -> str:
    """The commit of ours that runs, and whether refs/ has changes not yet committed."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "refs/"], capture_output=True, text=True)
    changes = " plus uncommitted changes in refs/" if dirty.stdout.strip() else ""
    return f"commit {head.stdout.strip() or '?'}{changes}"


def find_pandoc() -> Path:
    """pandoc from the separate venv of pypandoc-binary (see the module docstring)."""
    found = sorted(
        Path("/work/scratch/pandoc-venv").glob("lib/*/site-packages/pypandoc/files/pandoc")
    )
    return found[0] if found else Path("pandoc")


def main() -> None:
    """Run every converter on the corpus and the feature cases; print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per file and converter")
    parser.add_argument("--pandoc", type=Path, default=None, help="the pandoc executable")
    parser.add_argument("--out", type=Path, default=None, help="folder for the detailed lists")
    parser.add_argument("--wild", type=Path, default=WILD, help="folder of .bib files")
    parser.add_argument("--cases", type=Path, default=CASES, help="folder of feature cases")
    args = parser.parse_args()
    # bibtexparser warns of each bad block on stderr; the tables count them instead.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    pandoc = args.pandoc or find_pandoc()
    out = args.out or Path(tempfile.mkdtemp(prefix="converters-"))

    version = subprocess.run([str(pandoc), "--version"], capture_output=True, text=True, check=True)
    with tempfile.TemporaryDirectory() as folder:
        files = gather_corpus(args.wild, Path(folder))
        print(f"# Converters: {len(files)} files in {args.wild}, {version.stdout.splitlines()[0]}")
        print(f"\nours: {describe_ours()}")
        results = convert_all(files, pandoc, args.runs)
        baselines = {label: baseline_seconds(path, args.runs) for label, path in files.items()}
        empty = Path(folder) / "empty.bib"
        empty.write_text("")
        start_up = statistics.median(run_pandoc(pandoc, "biblatex", empty, args.runs).seconds)
        leaks = print_file_table(results, files, baselines, args.runs)
    print(f"\npandoc's times are whole processes: {start_up * 1e3:.0f} ms on an empty file.")
    print(f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
    agreement = Agreement()
    for label, by_converter in results.items():
        vote(agreement, label, by_converter)
    print_agreement(agreement)
    print_kinds(agreement)
    cases = load_cases(args.cases) if args.cases.is_dir() else []
    checked = check_cases(cases, pandoc) if cases else {name: {} for name in CONVERTERS}
    if cases:
        print_cases(cases, checked)
    else:
        print(f"\nNo feature cases in {args.cases}.")
    write_reports(out, results, agreement, leaks, cases, checked)
    print(f"\nDetails in {out}: items.json, outvoted.json, ours_vs_majority.md, leaks.md, cases.md")


if __name__ == "__main__":
    main()
