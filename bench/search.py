"""Benchmark: Whoosh search (our index) against SQLite FTS5 on a library of real prose.

The prose is English text shipped with packages on this machine: the Python standard
library's `pydoc_data/topics.py` (the language reference and library topics that `help()`
shows) and, when installed, the Vim manual from Debian's `vim-runtime` package
(/usr/share/vim/vim*/doc/*.txt). Both are split into sentences; each passage is a run of
consecutive sentences of 20-120 words starting at a random sentence, so passages overlap the
way quotes from the same books do. Notes (one or two sentences from elsewhere) go on a third
of the passages. Passages are spread over 2,000 references, 50 to a passages file.

Prints: full build time, index size, incremental add latency (median of 20, commit
included), query latency (median and p95 over a fixed mix of 30 queries, top 10 with
highlighted snippets) in a warm process and in cold processes, and the same measures for
SQLite FTS5 (stdlib sqlite3) on the same passages, with the ratios.

Usage: python bench/search.py [--passages 100000] [--procs 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.model import Locator, Note, Passage
from annotations.passagefile import passage_file_bytes
from annotations.store import PassageStore
from index.indexer import SearchIndex
from index.whoosh_backend import WhooshBackend
from refs.store import ReferenceStore
from webapp.search_service import PassageFolder

REFERENCES = 2000
STAMP = "2026-11-23T18:00:00Z"
TAGS = ["python", "vim", "syntax", "files", "errors", "history", "politics", "army", "economy"]
AUTHORS = [
    "Taubman, William",
    "Freeze, Gregory L.",
    "Linden, Carl A.",
    "Mi{\\'c}unovi{\\'c}, Veljko",
    "Resis, Albert",
    "Khrushchev, Sergei",
    "Molotov, Vyacheslav",
    "Moolenaar, Bram",
    "van Rossum, Guido",
    "Wall, Larry",
]

# 30 queries: words, phrases, prefixes, fuzzy terms and field restrictions.
QUERIES = [
    "buffer",
    "function argument",
    "window split",
    "exception handling",
    "regular expression",
    "file name",
    "cursor position",
    "default value",
    "string method",
    "keyword arguments",
    '"the current buffer"',
    '"for example"',
    '"return value"',
    '"the cursor is"',
    '"an exception is raised"',
    "exce*",
    "wind*",
    "iter*",
    "conv*",
    "bufer~",
    "functon~",
    "excepton~",
    "widnow~",
    "citekey:ref00042 buffer",
    "tag:python function",
    "year:1990..2000 window",
    "author:molotov",
    "kind:note option",
    "tag:vim -window",
    "Хрущёв OR khrushchev",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--procs", type=int, default=1, help="Whoosh build processes")
    parser.add_argument("--keep", type=Path, help="build the library here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="florilegium-bench-"))
    try:
        run(folder, args.passages, args.procs)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path, count: int, procs: int) -> None:
    sentences, sources = load_sentences()
    print(f"prose: {len(sentences):,} sentences from {', '.join(sources)}")
    passages = make_passages(sentences, count)
    write_library(folder, passages)
    notes = sum(len(p.notes) for p in passages)
    words = sum(len(p.text.split()) for p in passages)
    print(
        f"library: {len(passages):,} passages ({words:,} words), {notes:,} notes, "
        f"{REFERENCES:,} references, in {folder}"
    )

    index = open_index(folder, procs)
    build = timed(index.rebuild)
    build_cpu = CPU_SECONDS[-1]
    whoosh_size = folder_size(folder / ".index")
    progress(
        f"whoosh build {build:.1f} s wall, {build_cpu:.1f} s CPU ({procs} processes; CPU of "
        f"this process only), {whoosh_size / 1e6:.0f} MB"
    )
    adds = incremental_adds(folder, index, passages[:20])
    adds_cpu = cpu_of_last(len(adds))
    progress(
        f"whoosh adds: median {ms(median(adds)):.1f} ms wall, {ms(median(adds_cpu)):.1f} ms CPU"
    )
    warm, warm_backend = warm_queries(index)
    warm_cpu = cpu_of_last(2 * len(warm))[: len(warm)]
    progress(
        f"whoosh warm queries: median {ms(median(warm)):.1f} ms, p95 {ms(p95(warm)):.1f} wall; "
        f"CPU median {ms(median(warm_cpu)):.1f} ms, p95 {ms(p95(warm_cpu)):.1f}"
    )
    per_query(index)
    cold = cold_queries(folder)
    progress(f"whoosh cold queries: median {ms(median(cold)):.1f} ms")

    database = folder / "fts5.sqlite"
    fts_build = timed(lambda: fts_build_index(database, passages))
    fts_size = database.stat().st_size
    fts_adds = fts_incremental_adds(database, passages[:20])
    fts_warm = fts_queries(database)
    fts_cpu = cpu_of_last(len(fts_warm))
    progress(
        f"fts5: build {fts_build:.1f} s, queries CPU median {ms(median(fts_cpu)):.2f} ms, "
        f"p95 {ms(p95(fts_cpu)):.2f}"
    )

    print()
    print(f"{'measure':44} {'Whoosh':>12} {'FTS5':>12} {'ratio':>8}")
    line("full build (s)", build, fts_build, "{:.1f}")
    line("index size (MB)", whoosh_size / 1e6, fts_size / 1e6, "{:.1f}")
    line("add one passage + commit, median (ms)", ms(median(adds)), ms(median(fts_adds)))
    line("query + highlights, warm, median (ms)", ms(median(warm)), ms(median(fts_warm)))
    line("query + highlights, warm, p95 (ms)", ms(p95(warm)), ms(p95(fts_warm)))
    line("  same, index only (no file check), p95", ms(p95(warm_backend)), ms(p95(fts_warm)))
    line("  first time each query, median (ms)", ms(median(FIRST_PASS)), ms(median(fts_warm)))
    line("  first time each query, p95 (ms)", ms(p95(FIRST_PASS)), ms(p95(fts_warm)))
    line("query in a new process, median (ms)", ms(median(cold)), ms(median(fts_warm)))
    print()
    print(
        f"targets: p95 query < 100 ms: {ms(p95(warm)):.1f}; add < 150 ms: "
        f"{ms(median(adds)):.1f}; build < 180 s: {build:.1f}"
    )


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def per_query(index: SearchIndex) -> None:
    """Each query's median time, to see which kinds of query cost most."""
    for query in QUERIES:
        times = [timed(lambda q=query: index.search(q, limit=10)) for _ in range(3)]
        print(f"  {query!r:36} {ms(median(times)):8.1f} ms", flush=True)


def load_sentences() -> tuple[list[str], list[str]]:
    import pydoc_data.topics

    texts = list(pydoc_data.topics.topics.values())
    sources = ["Python's pydoc_data/topics.py"]
    vim_docs = sorted(Path("/usr/share/vim").glob("vim*/doc/*.txt"))
    if vim_docs:
        texts.extend(path.read_text(encoding="utf-8", errors="replace") for path in vim_docs)
        sources.append(f"Vim's manual ({len(vim_docs)} files of Debian's vim-runtime)")
    sentences: list[str] = []
    for text in texts:
        prose = re.sub(r"\s+", " ", text)
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", prose):
            if 4 <= len(sentence.split()) <= 60 and sum(c.isalpha() for c in sentence) > 20:
                sentences.append(sentence.strip())
    return sentences, sources


def make_passages(sentences: list[str], count: int) -> list[Passage]:
    return list(iter_passages(sentences, count))


def iter_passages(sentences: list[str], count: int) -> Iterator[Passage]:
    """The bench's `count` passages one by one (the same ones `make_passages` lists), so a
    million need not be held at once."""
    rng = random.Random(1957)
    for number in range(count):
        start = rng.randrange(len(sentences))
        target = rng.randint(20, 120)
        chosen: list[str] = []
        position = start
        while sum(len(s.split()) for s in chosen) < target and position < len(sentences):
            chosen.append(sentences[position])
            position += 1
        notes: tuple[Note, ...] = ()
        if number % 3 == 0:
            note_text = " ".join(rng.sample(sentences, rng.randint(1, 2)))
            notes = (Note(id=bench_id("N", number), text=note_text, created=STAMP, modified=STAMP),)
        yield Passage(
            id=bench_id("P", number),
            citekey=f"ref{number % REFERENCES:05d}",
            text=" ".join(chosen),
            locator=Locator("page", str(rng.randint(1, 900))),
            tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
            notes=notes,
            created=STAMP,
            modified=STAMP,
        )


def write_library(folder: Path, passages: list[Passage]) -> None:
    (folder / "passages").mkdir(parents=True, exist_ok=True)
    entries = []
    for number in range(REFERENCES):
        author = AUTHORS[number % len(AUTHORS)]
        entries.append(
            f"@book{{ref{number:05d},\n  author = {{{author}}},\n"
            f"  title = {{Collected Writings, Volume {number}}},\n"
            f"  publisher = {{Press {number % 17}}},\n  year = {{{1950 + number % 70}}},\n}}\n"
        )
    (folder / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    by_citekey: dict[str, list[Passage]] = {}
    for passage in passages:
        by_citekey.setdefault(passage.citekey, []).append(passage)
    for citekey, group in by_citekey.items():
        write_passages_file(folder, citekey, group)


def write_passages_file(folder: Path, citekey: str, passages: list[Passage]) -> None:
    """The file as the passage store writes it."""
    (folder / "passages" / f"{citekey}.json").write_bytes(passage_file_bytes(citekey, passages))


def bench_id(kind: str, number: int) -> str:
    """A valid, repeatable ULID for passage (P), note (N) or added passage (Q) `number`."""
    return f"01{'PNQ'.index(kind)}{number:023d}"


def _reader(folder: Path) -> Callable[[Path], list[Passage]]:
    """Read passage files through the real store, as the app does."""
    store = PassageStore(folder)
    return lambda path: store.passages(path.stem)


def open_index(folder: Path, procs: int = 1) -> SearchIndex:
    return SearchIndex(
        folder,
        passages=PassageFolder(folder / "passages", _reader(folder)),
        references=ReferenceStore(folder),
        backend=WhooshBackend(folder / ".index" / "whoosh", build_processes=procs),
    )


def incremental_adds(folder: Path, index: SearchIndex, samples: list[Passage]) -> list[float]:
    """Add a passage to an existing file, as `quote add` does, and time the index update."""
    times = []
    for number, sample in enumerate(samples):
        citekey = sample.citekey
        current = PassageStore(folder).passages(citekey)
        new = Passage(
            id=bench_id("Q", number),
            citekey=citekey,
            text=f"Freshly added passage {number} about the zhukovian tank question.",
            locator=Locator("page", "1"),
            created=STAMP,
            modified=STAMP,
        )
        write_passages_file(folder, citekey, [*current, new])
        times.append(timed(lambda new=new: index.passage_saved(new)))
        assert [hit.id for hit in index.search(f"freshly {number}").hits][:1] == [new.id]
    return times


def warm_queries(index: SearchIndex) -> tuple[list[float], list[float]]:
    """Each query 5 times after one warm-up pass: through SearchIndex, and backend only.

    The warm-up pass is timed too (`FIRST_PASS`): the first time a word is searched its
    postings are decoded from disk; afterwards they come from the posting cache.
    """
    FIRST_PASS.extend(timed(lambda q=q: index.search(q, limit=10)) for q in QUERIES)
    full = [timed(lambda q=q: index.search(q, limit=10)) for _ in range(5) for q in QUERIES]
    backend = index._backend  # the backend alone: what the freshness check costs on top
    bare = [
        timed(lambda q=q: backend.search(q, limit=10, offset=0)) for _ in range(5) for q in QUERIES
    ]
    return full, bare


COLD_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from bench.search import open_index
index = open_index(__import__("pathlib").Path({folder!r}))
index.search({query!r}, limit=10)
print(time.perf_counter() - started)
"""


def cold_queries(folder: Path) -> list[float]:
    """A new Python process per query: imports, opening the index and one search."""
    root = str(Path(__file__).resolve().parent.parent)
    times = []
    for query in QUERIES[::3]:
        script = COLD_SCRIPT.format(root=root, folder=str(folder), query=query)
        output = subprocess.run(
            [sys.executable, "-c", script], check=True, capture_output=True, text=True
        )
        times.append(float(output.stdout.strip().splitlines()[-1]))
    return times


# -- SQLite FTS5 ---------------------------------------------------------------------------

FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE passages USING fts5(id UNINDEXED, kind UNINDEXED, citekey, "
    "year UNINDEXED, tags, quote, note, tokenize='porter unicode61 remove_diacritics 2')"
)


def fts_rows(passages: list[Passage]) -> Iterator[tuple[str, str, str, str, str, str, str]]:
    for p in passages:
        year = str(1950 + int(p.citekey[3:]) % 70)
        tags = " ".join(p.tags)
        notes = " ".join(n.text for n in p.notes)
        yield (p.id, "passage", p.citekey, year, tags, p.text, notes)
        for n in p.notes:
            yield (n.id, "note", p.citekey, year, tags, "", n.text)


def fts_build_index(database: Path, passages: list[Passage]) -> None:
    database.unlink(missing_ok=True)
    with sqlite3.connect(database) as connection:
        connection.execute(FTS_SCHEMA)
        connection.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?)", fts_rows(passages))
    connection.close()


def fts_incremental_adds(database: Path, samples: list[Passage]) -> list[float]:
    connection = sqlite3.connect(database)
    times = []
    for number, sample in enumerate(samples):
        row = (f"Q{number}", "passage", sample.citekey, "2000", "", f"Fresh {number}", "")

        def add(row: tuple[str, ...] = row) -> None:
            connection.execute("INSERT INTO passages VALUES (?,?,?,?,?,?,?)", row)
            connection.commit()

        times.append(timed(add))
    connection.close()
    return times


def fts_query(query: str) -> tuple[str, str]:
    """Our query language in FTS5 syntax, and an extra WHERE clause for years."""
    where = ""
    match = re.search(r"year:(\d+)\.\.(\d+)", query)
    if match:
        where = f" AND year BETWEEN '{match.group(1)}' AND '{match.group(2)}'"
        query = query.replace(match.group(0), "")
    query = query.replace("~", "")  # FTS5 has no fuzzy terms
    query = re.sub(r"\btag:", "tags:", query)
    query = re.sub(r"\bauthor:\w+", "", query)  # no reference fields in this table
    query = re.sub(r"\bkind:note\b", "", query)
    query = re.sub(r"(^|\s)-(\w+)", r" NOT \2", query)
    return query.strip() or "buffer", where


def fts_queries(database: Path) -> list[float]:
    connection = sqlite3.connect(database)

    def search(query: str) -> None:
        match, where = fts_query(query)
        connection.execute(
            f"SELECT count(*) FROM passages WHERE passages MATCH ?{where}", (match,)
        ).fetchone()
        connection.execute(
            "SELECT id, citekey, snippet(passages, 5, '<mark>', '</mark>', ' … ', 40) "
            f"FROM passages WHERE passages MATCH ?{where} ORDER BY rank LIMIT 10",
            (match,),
        ).fetchall()

    for query in QUERIES:
        search(query)
    times = [timed(lambda q=q: search(q)) for _ in range(5) for q in QUERIES]
    connection.close()
    return times


# -- figures -------------------------------------------------------------------------------


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    cpu_started = time.process_time()
    work()
    CPU_SECONDS.append(time.process_time() - cpu_started)
    return time.perf_counter() - started


# Each query's time the first time this process searched it.
FIRST_PASS: list[float] = []

# The CPU time of each `timed` call: on a machine shared with other work, wall-clock times
# grow with the load and CPU times do not (they leave out waiting for the disk).
CPU_SECONDS: list[float] = []


def cpu_of_last(count: int) -> list[float]:
    return CPU_SECONDS[-count:]


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def ms(seconds: float) -> float:
    return seconds * 1e3


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def line(name: str, ours: float, base: float, template: str = "{:.1f}") -> None:
    ratio = ours / base if base else float("inf")
    print(f"{name:44} {template.format(ours):>12} {template.format(base):>12} {ratio:>7.1f}x")


if __name__ == "__main__":
    main()
