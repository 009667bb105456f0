"""Bulk work and start-up, each figure beside a baseline measured in the same run (issue 18).

Every figure is the median of several runs of a fresh `florilegium` process (wall time and
the child's CPU time: on a shared machine the wall time also counts waiting for a core),
with bytecode cached as an installation has it, printed as a ratio to its baseline:

- `--help` and `refs list` on the demo library: `python -c pass`;
- `refs list` of a generated 20,000-entry .bib (the real entries of tests/data/wild/,
  repeated under fresh citekeys), cold (no `.index/`) and warm: a fresh process that only
  parses the file with bibtexparser (`bibtexparser.parse_string`, its default stack);
- `cite linden1966 --style S` (four styles) in a fresh process: `python -c pass`; the
  formatter service is stopped before the first run (its start is shown apart) and used
  by the others, as it is by every `cite` after the first;
- `import` of TUGboat's .bib (4,839 entries) into an empty library: bare bibtexparser;
- a 1,000-entry Chicago bibliography through `CitationService`: bare citeproc-js calls
  (`updateItems`, `makeBibliography`) on the same items in the same V8 context;
- `export --notes` of the demo library: `python -c pass`;
- `import` of 10,000 W3C annotations, 1,000 Hypothes.is annotations, one W3C annotation
  with 1,000 notes and one Hypothes.is thread of 1,000 replies, into a library of 100
  works with its index built: a fresh process that writes the same records as JSON files
  (one per work, fsynced and renamed) and indexes their texts in SQLite FTS5 (one
  transaction); the import's peak memory beside it;
- memory (no baseline but itself): a `serve` process's resident size after its first
  citation, then after each of two cycles citing every shipped style in every format
  through `/api/refs/KEY/citation` (the second cycle must add nothing).

    .venv/bin/python bench/bulk.py [--runs 5] [--entries 20000] [--only NAME ...]

`FLORILEGIUM_BENCH_TREE=DIR` runs the commands of another checkout (an older commit
unpacked with `git archive`), with this interpreter, to compare before and after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = Path(os.environ.get("FLORILEGIUM_BENCH_TREE", ROOT)).resolve()
WILD = ROOT / "tests" / "data" / "wild"
TUGBOAT = WILD / "beebe" / "tugboat.bib.gz"
DEMO = ROOT / "library"
STYLES = ("chicago", "mla", "apa", "chicago-author-date")
# Start-up differs from its baseline by a tenth of a second: a median of at least 11 runs.
STARTUP_RUNS = 11
_HEAD = re.compile(r"^(@\w+\s*\{\s*)([^,\s]+)")
_CLI = "import sys; from webapp.cli import main; sys.argv[0] = 'florilegium'; main()"
_BARE_PARSE = (
    "import sys, bibtexparser; "
    "bibtexparser.parse_string(open(sys.argv[1], encoding='utf-8', errors='surrogateescape')"
    ".read())"
)


@dataclass(frozen=True, slots=True)
class Timing:
    """Medians of several runs: wall seconds, the process's CPU seconds, its peak memory."""

    wall: float
    cpu: float
    peak_mb: float = 0.0

    def ratio(self, base: Timing) -> str:
        """`self` as ratios of `base`, wall and CPU."""
        return f"{self.wall / base.wall:5.2f}x wall {self.cpu / base.cpu:5.2f}x CPU"

    def __str__(self) -> str:
        return f"{self.wall:7.3f} s wall {self.cpu:7.3f} s CPU"


def environment(library: Path | None = None) -> dict[str, str]:
    """The environment of a measured process: the tree under test first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(TREE)
    # Bytecode cached as an installation has it (a session may turn caching off).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("FLORILEGIUM_LIBRARY", None)
    if library is not None:
        env["FLORILEGIUM_LIBRARY"] = str(library)
    return env


def run(argv: Sequence[str], env: dict[str, str], *, check: bool = True) -> Timing:
    """Run one process to its end, its output thrown away; its wall and CPU seconds and
    peak resident memory (from its own rusage, not that of every child so far)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=TREE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {stderr.decode()[-2000:]}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def florilegium(*args: str) -> list[str]:
    """The command line of `florilegium ARGS` in the tree under test."""
    return [sys.executable, "-c", _CLI, *args]


def medians(
    actions: dict[str, Callable[[], Timing]], runs: int, before: Callable[[], None] | None = None
) -> dict[str, Timing]:
    """Each action's median timing, the actions interleaved run by run (so that a change
    in the machine's load hits all of them alike)."""
    samples: dict[str, list[Timing]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            if before is not None:
                before()
            samples[name].append(action())
    return {
        name: Timing(
            statistics.median(t.wall for t in timings),
            statistics.median(t.cpu for t in timings),
            max(t.peak_mb for t in timings),
        )
        for name, timings in samples.items()
    }


def wild_bib(entries: int) -> str:
    """A .bib of `entries` real entries: every wild file's macros (the first definition of
    a name), then their entries repeated in turn, each copy under a fresh citekey."""
    sys.path.insert(0, str(ROOT))
    from refs.bibfile import decode_input_bytes, parse_bib_text

    macros: dict[str, str] = {}
    templates: list[str] = []
    for path in sorted(WILD.rglob("*.bib*")):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        bib = parse_bib_text(decode_input_bytes(data), path)
        for name, value in bib.macros.items():
            macros.setdefault(name, value)
        templates += [reference.raw for reference in bib.references]
    blocks = [f"@string{{{name} = {{{value}}}}}" for name, value in macros.items()]
    for number in range(entries):
        template = templates[number % len(templates)]
        blocks.append(_HEAD.sub(lambda m, n=number: f"{m.group(1)}{m.group(2)}-{n}", template, 1))
    return "\n\n".join(blocks) + "\n"


def row(label: str, timing: Timing, base: Timing, base_label: str, extra: str = "") -> None:
    """Print one figure beside its baseline."""
    print(f"{label:44} {timing}  {timing.ratio(base)} {base_label}{extra}")


def bench_startup(runs: int) -> None:
    """`--help` and `refs list` on the demo library against Python's own start-up."""
    env = environment()
    run(florilegium("refs", "list"), env)  # the demo library's refs cache is warm
    got = medians(
        {
            "pass": lambda: run([sys.executable, "-c", "pass"], env),
            "help": lambda: run(florilegium("--help"), env),
            "list": lambda: run(florilegium("refs", "list"), env),
        },
        runs,
    )
    base = got["pass"]
    print(f"{'python -c pass (baseline)':44} {base}")
    for name, label in (("help", "florilegium --help"), ("list", "refs list (demo library)")):
        extra = (
            f"  (+{got[name].wall - base.wall:.3f} s wall, +{got[name].cpu - base.cpu:.3f} s CPU)"
        )
        row(label, got[name], base, "python -c pass", extra)


def bench_refs_list(runs: int, entries: int) -> None:
    """`refs list` of a large real-world .bib, cold and warm, against bare bibtexparser."""
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder)
        bib = library / "references.bib"
        bib.write_text(wild_bib(entries), encoding="utf-8", errors="surrogateescape")
        env = environment(library)
        cache = library / ".index"
        bare = medians(
            {"bare": lambda: run([sys.executable, "-c", _BARE_PARSE, str(bib)], env)}, runs
        )
        cold = medians(
            {"cold": lambda: run(florilegium("refs", "list"), env)},
            runs,
            before=lambda: shutil.rmtree(cache, ignore_errors=True),
        )
        warm = medians({"warm": lambda: run(florilegium("refs", "list"), env)}, runs)
        size = bib.stat().st_size / 1e6
        label = "bare bibtexparser parse (baseline)"
        print(f"{label:44} {bare['bare']}  ({entries} entries, {size:.1f} MB)")
        row(f"refs list, {entries} entries, cold", cold["cold"], bare["bare"], "bare parse")
        row(f"refs list, {entries} entries, warm", warm["warm"], bare["bare"], "bare parse")


def bench_cite(runs: int) -> None:
    """`cite` in a fresh process, per style, against Python's own start-up."""
    env = environment(DEMO)
    stop = florilegium("cite", "--stop-service")
    has_service = run(stop, env, check=False).cpu >= 0 and _has_service_option(env)
    first = {}
    for style in STYLES:
        if has_service:
            run(stop, env)
        first[style] = run(florilegium("cite", "linden1966", "--style", style), env)
    actions: dict[str, Callable[[], Timing]] = {
        "pass": lambda: run([sys.executable, "-c", "pass"], env)
    }
    for style in STYLES:
        actions[style] = lambda style=style: run(
            florilegium("cite", "linden1966", "--style", style), env
        )
    got = medians(actions, runs)
    base = got["pass"]
    print(f"{'python -c pass (baseline)':44} {base}")
    for style in STYLES:
        row(f"cite --style {style}", got[style], base, "python -c pass")
        row(f"  first cite --style {style} (cold engine)", first[style], base, "python -c pass")
    if has_service:
        run(stop, env)


def _has_service_option(env: dict[str, str]) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", _CLI, "cite", "--help"],
        env=env,
        cwd=TREE,
        capture_output=True,
        text=True,
        check=False,
    )
    return "--stop-service" in done.stdout


def bench_import(runs: int) -> None:
    """`import` of TUGboat's .bib into an empty library against bare bibtexparser."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "tugboat.bib"
        source.write_bytes(gzip.decompress(TUGBOAT.read_bytes()))
        empty = work / "empty"
        env = environment()
        run(florilegium("init", str(empty)), env)
        target = work / "library"

        def fresh_library() -> None:
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(empty, target)

        bare = medians(
            {"bare": lambda: run([sys.executable, "-c", _BARE_PARSE, str(source)], env)}, runs
        )
        imported = medians(
            {
                "import": lambda: run(
                    florilegium("--library", str(target), "import", str(source), "--json"), env
                )
            },
            runs,
            before=fresh_library,
        )
        label = "bare bibtexparser parse (baseline)"
        print(f"{label:44} {bare['bare']}  (tugboat.bib, 4,839 entries)")
        extra = f"  (target 3x + 1 s: {3 * bare['bare'].wall + 1:.2f} s wall)"
        row("import tugboat.bib", imported["import"], bare["bare"], "bare parse", extra)


def bench_bibliography(runs: int) -> None:
    """A 1,000-entry Chicago bibliography through our service against bare citeproc-js."""
    done = subprocess.run(
        [sys.executable, __file__, "--inside-bibliography", str(runs)],
        env=environment(),
        cwd=TREE,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"bibliography: failed: {done.stderr[-1500:]}")
        return
    ours, bare, count = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{'bare citeproc-js, same V8 (baseline)':44} {bare:7.3f} s wall  ({count} entries)")
    label = "1,000-entry Chicago bibliography (ours)"
    print(f"{label:44} {ours:7.3f} s wall  {ours / bare:5.2f}x bare citeproc-js")


_BARE_ENGINE = """(function (styleXml, localeXml, list) {
    var all = {};
    list.forEach(function (item) { all[item.id] = item; });
    var sys = {retrieveLocale: function () { return localeXml; },
               retrieveItem: function (id) { return all[id]; }};
    globalThis.bareEngine = new CSL.Engine(sys, styleXml, "en-US", true);
    globalThis.bareIds = list.map(function (item) { return item.id; });
    return true; })"""
_BARE_BIBLIOGRAPHY = """(function () {
    bareEngine.restoreProcessorState([]);
    bareEngine.updateItems(bareIds);
    return bareEngine.makeBibliography()[1].length; })"""


def inside_bibliography(runs: int) -> None:
    """In the tree under test: a fresh store and `CitationService` each run (as a fresh
    `export` has), then the same items through a bare citeproc-js engine in the same V8."""
    from refs.bibfile import parse_bib_text, read_text
    from refs.citations import shared_engine
    from refs.store import ReferenceStore
    from refs.styles import locale_xml, resolve_style
    from webapp.citation_service import CitationService

    table = ROOT / "tests" / "data" / "citation_table.bib"
    references = parse_bib_text(read_text(table)[0], table).references
    blocks = []
    for number in range(1000):
        reference = references[number % len(references)]
        raw = reference.raw.replace(reference.citekey, f"{reference.citekey}-{number}", 1)
        blocks.append(raw.replace("title", f"note = {{copy {number}}}, title", 1))
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder)
        (library / "references.bib").write_text("\n\n".join(blocks), encoding="utf-8")
        store = ReferenceStore(library)
        keys = [reference.citekey for reference in store.references()]
        service = CitationService(store)
        items = [service.csl_item(key) for key in keys]
        service.bibliography(keys, "chicago")  # builds the engine
        context = shared_engine()._js()
        context.call(_BARE_ENGINE, resolve_style("chicago").xml(), locale_xml("en-US"), items)
        context.call(_BARE_BIBLIOGRAPHY)
        ours, bare, count = [], [], 0
        for _ in range(runs):
            service = CitationService(ReferenceStore(library))
            started = time.perf_counter()
            service.bibliography(keys, "chicago")
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            count = context.call(_BARE_BIBLIOGRAPHY)
            bare.append(time.perf_counter() - started)
    print(json.dumps([statistics.median(ours), statistics.median(bare), count]))


def bench_export_notes(runs: int) -> None:
    """`export --notes` of the demo library against Python's own start-up."""
    env = environment(DEMO)
    argv = florilegium("export", "--notes", "--format", "markdown", "--style", "chicago")
    first = run(argv, env)
    got = medians(
        {
            "pass": lambda: run([sys.executable, "-c", "pass"], env),
            "export": lambda: run(argv, env),
        },
        runs,
    )
    print(f"{'python -c pass (baseline)':44} {got['pass']}")
    row("export --notes (demo library)", got["export"], got["pass"], "python -c pass")
    row("  its first run", first, got["pass"], "python -c pass")


_WORDS = [
    "the",
    "party",
    "plenum",
    "central",
    "committee",
    "presidium",
    "secretary",
    "malenkov",
    "molotov",
    "kaganovich",
    "khrushchev",
    "zhukov",
    "army",
    "decision",
    "letter",
    "vote",
    "resolution",
    "meeting",
    "minister",
    "speech",
    "report",
]
_WORKS = 100  # references the generated annotations are spread over

_BARE_ANNOTATIONS = """
import json, os, sqlite3, sys
document, folder = json.load(open(sys.argv[1], encoding='utf-8')), sys.argv[2]
items = document['first']['items'] if isinstance(document, dict) else document
groups, rows = {}, []
for number, item in enumerate(items):
    target = item.get('target')
    target = target[0] if isinstance(target, list) and target else target or {}
    source = item.get('uri') or target.get('source') or 'replies'
    groups.setdefault(source, []).append(item)
    selectors = target.get('selector') or []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    quote = ' '.join(s.get('exact', '') for s in selectors if isinstance(s, dict))
    rows.append((str(number), 'passage', quote))
    bodies = item.get('body') or []
    bodies = bodies if isinstance(bodies, list) else [bodies]
    notes = [b['value'] for b in bodies if b.get('purpose') == 'commenting']
    notes += [item['text']] if isinstance(item.get('text'), str) else []
    rows += [(f'{number}.{k}', 'note', note) for k, note in enumerate(notes)]
for number, records in enumerate(groups.values()):
    path = os.path.join(folder, f'{number}.json')
    with open(path + '.part', 'w', encoding='utf-8') as stream:
        json.dump(records, stream, ensure_ascii=False, indent=1)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(path + '.part', path)
database = sqlite3.connect(os.path.join(folder, 'index.sqlite3'))
database.execute('CREATE VIRTUAL TABLE texts USING fts5(id, kind, text)')
database.executemany('INSERT INTO texts VALUES (?, ?, ?)', rows)
database.commit()
"""


def _words(chance: random.Random, count: int) -> str:
    return " ".join(chance.choice(_WORDS) for _ in range(count))


def w3c_document(annotations: int, notes: int = 1) -> dict[str, object]:
    """A W3C AnnotationCollection of `annotations` annotations (a quote, `notes` notes and
    a tag each) on `_WORKS` works, as another tool exports them."""
    chance = random.Random(18)
    items = [
        {
            "id": f"https://annotations.example.org/{n}",
            "type": "Annotation",
            "created": "2024-01-02T03:04:05Z",
            "body": [
                {
                    "id": f"https://annotations.example.org/{n}/notes/{k}",
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "value": _words(chance, 12),
                }
                for k in range(notes)
            ]
            + [{"type": "TextualBody", "purpose": "tagging", "value": f"tag{n % 7}"}],
            "target": {
                "source": f"https://example.org/work/{n % _WORKS}",
                "selector": {"type": "TextQuoteSelector", "exact": _words(chance, 25)},
            },
        }
        for n in range(annotations)
    ]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "total": annotations,
        "first": {"type": "AnnotationPage", "items": items},
    }


def hypothesis_document(annotations: int, replies: int = 0) -> list[dict[str, object]]:
    """A Hypothes.is export: `annotations` annotations on `_WORKS` works, then `replies`
    replies to the first one."""
    chance = random.Random(19)
    stamp = "2024-01-02T03:04:05.000000+00:00"
    rows: list[dict[str, object]] = [
        {
            "id": f"hyp{n}",
            "uri": f"https://example.org/work/{n % _WORKS}",
            "text": _words(chance, 12),
            "tags": [f"tag{n % 7}"],
            "created": stamp,
            "updated": stamp,
            "target": [
                {
                    "source": f"https://example.org/work/{n % _WORKS}",
                    "selector": [{"type": "TextQuoteSelector", "exact": _words(chance, 25)}],
                }
            ],
        }
        for n in range(annotations)
    ]
    rows += [
        {
            "id": f"reply{n}",
            "uri": "https://example.org/work/0",
            "text": _words(chance, 12),
            "references": ["hyp0"],
            "created": stamp,
            "updated": stamp,
        }
        for n in range(replies)
    ]
    return rows


def bench_annotations(runs: int) -> None:
    """Passage imports (W3C, Hypothes.is) into a library of 100 works with its index built,
    against writing the same records as JSON files and indexing them in SQLite FTS5."""
    cases = (
        ("10,000 W3C annotations", "w3c", w3c_document(10_000)),
        ("1,000 Hypothes.is annotations", "hypothesis", hypothesis_document(1_000)),
        ("1 W3C annotation with 1,000 notes", "w3c", w3c_document(1, notes=1_000)),
        ("1 Hypothes.is thread of 1,000 replies", "hypothesis", hypothesis_document(1, 1_000)),
    )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = environment()
        template = work / "template"
        run(florilegium("init", str(template)), env)
        (template / "references.bib").write_text(
            "\n".join(
                f"@book{{work{n},\n  author = {{Author{n}, Anna}},\n  title = {{Work {n}}},\n"
                f"  year = {{{1950 + n % 50}}},\n  url = {{https://example.org/work/{n}}},\n}}\n"
                for n in range(_WORKS)
            ),
            encoding="utf-8",
        )
        run(florilegium("--library", str(template), "reindex"), env)
        target, bare_folder = work / "library", work / "bare"

        def fresh() -> None:
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(template, target)
            shutil.rmtree(bare_folder, ignore_errors=True)
            bare_folder.mkdir()

        for label, format_name, document in cases:
            path = work / f"{format_name}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            argv = florilegium("--library", str(target), "import", str(path))
            got = medians(
                {
                    "bare": lambda path=path: run(
                        [sys.executable, "-c", _BARE_ANNOTATIONS, str(path), str(bare_folder)],
                        env,
                    ),
                    "ours": lambda argv=argv, name=format_name: run(
                        [*argv, "--format", name, "--json"], env
                    ),
                },
                runs,
                before=fresh,
            )
            print(f"{'JSON files + SQLite FTS5 (baseline)':44} {got['bare']}  ({label})")
            extra = f"  (peak {got['ours'].peak_mb:.0f} MB)"
            row(f"import {label}", got["ours"], got["bare"], "JSON + FTS5", extra)


def bench_memory(cycles: int = 2) -> None:
    """The server's memory while every shipped style and format is cited through
    `/api/refs/KEY/citation`: after the first citation, after each cycle of all of them."""
    sys.path.insert(0, str(TREE))
    from refs.styles import style_names

    formats = ("text", "html", "markdown")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = florilegium("serve", "--port", str(port), "--threads", "1")
    server = subprocess.Popen(
        argv, env=environment(DEMO), cwd=TREE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}/api/refs/linden1966/citation"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/refs", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        started = _rss_mb(server.pid)
        urllib.request.urlopen(f"{base}?style=chicago", timeout=120).read()
        first = _rss_mb(server.pid)
        print(f"{'server after start-up':44} {started:7.0f} MB")
        print(f"{'server after its first citation':44} {first:7.0f} MB")
        previous = first
        for cycle in range(1, cycles + 1):
            begun = time.perf_counter()
            for style in style_names():
                for output in formats:
                    query = urllib.parse.urlencode({"style": style, "format": output})
                    urllib.request.urlopen(f"{base}?{query}", timeout=300).read()
            now = _rss_mb(server.pid)
            count = len(style_names()) * len(formats)
            print(
                f"{f'after cycle {cycle} ({count} citations)':44} {now:7.0f} MB"
                f"  (+{now - first:.0f} MB over the first citation, +{now - previous:.0f} MB "
                f"over the cycle before; {time.perf_counter() - begun:.0f} s)"
            )
            previous = now
    finally:
        server.terminate()
        server.wait(30)


def _rss_mb(pid: int) -> float:
    """The resident memory of process `pid`, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


BENCHES: dict[str, Callable[[argparse.Namespace], None]] = {
    "startup": lambda args: bench_startup(max(args.runs, STARTUP_RUNS)),
    "refs-list": lambda args: bench_refs_list(args.runs, args.entries),
    "cite": lambda args: bench_cite(args.runs),
    "import": lambda args: bench_import(args.runs),
    "bibliography": lambda args: bench_bibliography(args.runs),
    "export-notes": lambda args: bench_export_notes(args.runs),
    "annotations": lambda args: bench_annotations(args.runs),
    "memory": lambda args: bench_memory(),
}


def main() -> None:
    """Run the chosen benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--entries", type=int, default=20_000, help="entries of the large .bib")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="these benchmarks only")
    parser.add_argument("--inside-bibliography", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside_bibliography:
        inside_bibliography(args.inside_bibliography)
        return
    print(f"tree: {TREE}; load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, bench in BENCHES.items():
        if args.only and name not in args.only:
            continue
        print(f"--- {name}")
        bench(args)
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
