"""Benchmark: does search find what historians type? Ours beside SQLite FTS5, per category.

Every query of the relevance table (tests/data/relevance/queries.toml, described in the
README.md beside it) is run through three systems over the demo library (library/):

- ours: the real `SearchService` (`Services.for_library`) on a temporary copy of the
  library, its index built from scratch; with `--postgres`, ours again on the PostgreSQL
  search backend (the team edition's), on a migrated database or a throwaway cluster;
- FTS5 AND and FTS5 OR: SQLite FTS5 (Python's sqlite3) over the same records, one row per
  passage (its text, its notes, its tags, its reference's authors, title, year and citekey
  and the reference's other .bib fields, crossref parent's included) and one row per
  reference, tokenizer `unicode61 remove_diacritics 2`, ranked by BM25. The words of the
  query are quoted one by one (so no query is a syntax error) and joined by AND (FTS5's
  default) or by OR; text in double quotes stays a phrase.

A hit counts as what the query expects by its target: a passage hit or a note hit stands for
its passage, a reference hit for its reference. Hits are ranked as distinct targets (a
passage followed by its own note is one), the first 10 counted. For each category and
overall it prints success@1 and success@3 (share of queries whose expected answer is first,
or in the first three), MRR (mean of 1/rank, 0 when not in the first 10) and the number of
empty answers, for the three systems side by side, with each system's total time.

    .venv/bin/python bench/relevance.py [--failures FILE] [--json | --markdown]
                                        [--write-doc docs/relevance.md] [--postgres [URL]]

`--failures FILE` writes every query ours does not answer first: what was expected, where it
came, and what came first. `--markdown` prints the table as docs/relevance.md shows it;
`--write-doc FILE` puts it in place of the table already there.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.model import Passage
from annotations.store import PassageStore
from index.indexer import SearchIndex
from index.pg_backend import PgSearchBackend
from index.results import SearchResult
from refs.crossref import resolved_fields
from refs.latex import latex_to_text
from refs.model import Reference
from refs.store import ReferenceStore
from teamdb.schema import migrate
from webapp.search_service import PassageFolder
from webapp.services import Services

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "data" / "relevance" / "queries.toml"
LIBRARY = ROOT / "library"
TOP = 10
# Ours returns a passage and its notes as separate hits; enough are asked for that the
# first TOP distinct targets are there even when every passage comes with two notes.
OURS_LIMIT = 50
SYSTEM_TITLES = {
    "ours": "ours",
    "ours-pg": "ours on PostgreSQL",
    "fts5-and": "FTS5 AND",
    "fts5-or": "FTS5 OR",
}
TABLE_START = "<!-- relevance-table: start (bench/relevance.py --write-doc) -->"
TABLE_END = "<!-- relevance-table: end -->"
# The fields that name a work (FTS5's `reference` column); the rest go to `fields`.
NAMING_FIELDS = ("author", "editor", "title", "subtitle", "date", "year")


@dataclass(frozen=True, slots=True, kw_only=True)
class Expected:
    """What a query must find: passages, a reference, or a reference or any of its passages.

    `kind` is "passage" (any of `passages`, or any of `references`), "reference" (the
    reference `citekey`) or "any-of-reference" (that reference or any passage of it).
    """

    kind: str
    passages: frozenset[str] = frozenset()
    citekey: str = ""
    references: frozenset[str] = frozenset()

    def matches(self, hit: Hit) -> bool:
        """True if `hit` is (or stands for) an answer to the query."""
        if self.kind == "passage":
            return hit.target in self.passages or (
                hit.is_reference and hit.citekey in self.references
            )
        if self.kind == "reference":
            return hit.is_reference and hit.citekey == self.citekey
        return hit.citekey == self.citekey

    def describe(self, passage_texts: dict[str, str]) -> str:
        """One line naming the expected answer, with the start of each passage's text."""
        if self.kind == "passage":
            answers = [
                f"{pid} {excerpt(passage_texts.get(pid, ''))}" for pid in sorted(self.passages)
            ]
            answers += [f"reference {key}" for key in sorted(self.references)]
            return "passage " + " | ".join(answers)
        if self.kind == "reference":
            return f"reference {self.citekey}"
        return f"reference {self.citekey} or any of its passages"


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """One row of the relevance table."""

    text: str
    category: str
    expected: Expected
    why: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """One answer of a system: a passage (its id) or a reference (`reference:<citekey>`)."""

    target: str
    citekey: str
    label: str

    @property
    def is_reference(self) -> bool:
        """True for a reference hit."""
        return self.target.startswith("reference:")


@dataclass(slots=True)
class Outcome:
    """How one system answered one query: the rank of the expected answer (None: not in
    the first TOP) and the distinct hits it returned."""

    query: Query
    rank: int | None
    hits: list[Hit]


@dataclass(slots=True)
class Run:
    """One system's answers to every query, with its build and query times in seconds."""

    name: str
    outcomes: list[Outcome] = field(default_factory=list)
    build_seconds: float = 0.0
    query_seconds: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    """success@1, success@3 and MRR (shares, 0 to 1) and empty answers of some queries."""

    count: int
    success_at_1: float
    success_at_3: float
    mrr: float
    empty: int


# -- the table ------------------------------------------------------------------------------


def load_table(path: Path) -> tuple[list[str], list[Query]]:
    """The categories (in table order) and the queries of the relevance table at `path`."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    queries = [
        Query(
            text=row["text"],
            category=row["category"],
            expected=expected_of(row),
            why=row.get("why", ""),
        )
        for row in data["query"]
    ]
    return list(data["categories"]), queries


def expected_of(row: dict[str, object]) -> Expected:
    """The expected answer of one `[[query]]` row."""
    kind = str(row["kind"])
    passages = row.get("passages") or ([row["passage"]] if "passage" in row else [])
    references = row.get("references") or []
    if not isinstance(passages, list) or not isinstance(references, list):
        raise ValueError(f"query {row.get('text')!r}: passages and references must be lists")
    return Expected(
        kind=kind,
        passages=frozenset(str(p) for p in passages),
        citekey=str(row.get("citekey", "")),
        references=frozenset(str(r) for r in references),
    )


# -- the systems ----------------------------------------------------------------------------


def run_ours(library: Path, queries: Sequence[Query]) -> Run:
    """Every query through Florilegium's search on `library` (a copy the index may write to)."""
    services = Services.for_library(library)
    return run_index("ours", services.search.prepare, services.search.search, queries)


def run_ours_on_postgres(library: Path, queries: Sequence[Query], url: str) -> Run:
    """Every query through the PostgreSQL search backend (the team edition's), its index
    built from the same copy of the library into the database at `url`."""
    store = Services.for_library(library).passage_store
    index = SearchIndex(
        library,
        passages=PassageFolder(store.passages_dir, lambda path: store.passages(path.stem)),
        references=ReferenceStore(library),
        backend=PgSearchBackend.connect(url),
    )
    return run_index("ours-pg", index.rebuild, index.search, queries)


def run_index(
    name: str,
    build: Callable[[], object],
    search: Callable[..., SearchResult],
    queries: Sequence[Query],
) -> Run:
    """Build an index with `build`, then run every query through `search`."""
    run = Run(name)
    started = time.perf_counter()
    build()
    run.build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for query in queries:
        result = search(query.text, limit=OURS_LIMIT)
        hits = [
            Hit(
                target=f"reference:{hit.citekey}" if hit.kind == "reference" else hit.passage_id,
                citekey=hit.citekey,
                label=f"{hit.kind} {hit.citekey} {excerpt(hit.text)}",
            )
            for hit in result.hits
        ]
        run.outcomes.append(outcome(query, hits))
    run.query_seconds = time.perf_counter() - started
    return run


FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE records USING fts5("
    "target UNINDEXED, citekey UNINDEXED, label UNINDEXED, "
    "quote, notes, tags, reference, fields, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)


def build_fts(library: Path) -> sqlite3.Connection:
    """An in-memory FTS5 table of the library: one row per passage, one per reference."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(FTS_SCHEMA)
    except sqlite3.OperationalError as err:
        raise SystemExit(f"this Python's SQLite has no FTS5: {err}") from err
    references = ReferenceStore(library, use_cache=False)
    by_citekey = {ref.citekey: ref for ref in references.references()}
    rows = [reference_row(ref, references.find) for ref in by_citekey.values()]
    for passage in PassageStore(library).passages():
        rows.append(passage_row(passage, by_citekey.get(passage.citekey), references.find))
    connection.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return connection


def reference_columns(
    reference: Reference | None, find: Callable[[str], Reference | None]
) -> tuple[str, str]:
    """The `reference` and `fields` columns of a reference: its naming fields and citekey,
    then every other field, crossref parent's included, all as plain text."""
    if reference is None:
        return "", ""
    fields = {
        name: latex_to_text(value) for name, value in resolved_fields(reference, find).items()
    }
    naming = [reference.citekey, *(fields.pop(name, "") for name in NAMING_FIELDS)]
    return "\n".join(naming), "\n".join(fields.values())


def reference_row(reference: Reference, find: Callable[[str], Reference | None]) -> tuple[str, ...]:
    """The FTS5 row of one reference."""
    naming, fields = reference_columns(reference, find)
    label = f"reference {reference.citekey} {excerpt(reference.text('title'))}"
    return (f"reference:{reference.citekey}", reference.citekey, label, "", "", "", naming, fields)


def passage_row(
    passage: Passage, reference: Reference | None, find: Callable[[str], Reference | None]
) -> tuple[str, ...]:
    """The FTS5 row of one passage: its text, notes and tags, and its reference's fields."""
    naming, fields = reference_columns(reference, find)
    notes = "\n\n".join(note.text for note in passage.notes)
    label = f"passage {passage.citekey} {excerpt(passage.text)}"
    return (
        passage.id,
        passage.citekey,
        label,
        passage.text,
        notes,
        " ".join(passage.tags),
        naming,
        fields,
    )


PHRASE = re.compile(r'"([^"]*)"')
WORD = re.compile(r"\w+")


def fts_query(text: str, operator: str) -> str:
    """`text` as an FTS5 query: each word quoted (no syntax errors), text in double quotes
    kept as a phrase, all joined by `operator` ("AND" or "OR"); "" if no word is left."""
    parts = [f'"{" ".join(WORD.findall(phrase))}"' for phrase in PHRASE.findall(text)]
    parts = [part for part in parts if part != '""']
    parts += [f'"{word}"' for word in WORD.findall(PHRASE.sub(" ", text))]
    return f" {operator} ".join(parts)


def run_fts(
    name: str, connection: sqlite3.Connection, operator: str, queries: Sequence[Query]
) -> Run:
    """Every query through FTS5 with `operator` between the words, best BM25 first."""
    run = Run(name)
    started = time.perf_counter()
    for query in queries:
        match = fts_query(query.text, operator)
        rows: list[tuple[str, str, str]] = []
        if match:
            rows = connection.execute(
                "SELECT target, citekey, label FROM records WHERE records MATCH ? "
                "ORDER BY bm25(records) LIMIT ?",
                (match, TOP),
            ).fetchall()
        hits = [Hit(target=target, citekey=citekey, label=label) for target, citekey, label in rows]
        run.outcomes.append(outcome(query, hits))
    run.query_seconds = time.perf_counter() - started
    return run


def outcome(query: Query, hits: Iterable[Hit]) -> Outcome:
    """The first TOP distinct targets of `hits`, and the rank of the expected answer."""
    distinct: list[Hit] = []
    seen: set[str] = set()
    for hit in hits:
        if hit.target not in seen:
            seen.add(hit.target)
            distinct.append(hit)
    distinct = distinct[:TOP]
    rank = next((n for n, hit in enumerate(distinct, 1) if query.expected.matches(hit)), None)
    return Outcome(query, rank, distinct)


# -- scores and reports ---------------------------------------------------------------------


def scores(outcomes: Sequence[Outcome]) -> Scores:
    """The scores of some outcomes (all zero for none)."""
    count = len(outcomes)
    if count == 0:
        return Scores(count=0, success_at_1=0.0, success_at_3=0.0, mrr=0.0, empty=0)
    ranks = [o.rank for o in outcomes]
    return Scores(
        count=count,
        success_at_1=sum(1 for r in ranks if r == 1) / count,
        success_at_3=sum(1 for r in ranks if r is not None and r <= 3) / count,
        mrr=sum(1 / r for r in ranks if r is not None) / count,
        empty=sum(1 for o in outcomes if not o.hits),
    )


def score_table(runs: Sequence[Run], categories: Sequence[str]) -> dict[str, dict[str, Scores]]:
    """Scores by system, then by category (and "overall")."""
    table: dict[str, dict[str, Scores]] = {}
    for run in runs:
        per = {c: scores([o for o in run.outcomes if o.query.category == c]) for c in categories}
        per["overall"] = scores(run.outcomes)
        table[run.name] = per
    return table


def side_by_side(table: dict[str, dict[str, Scores]], row: str, measure: str) -> str:
    """One measure of one row for every system in the run's order, "ours / AND / OR"."""
    return " / ".join(shown(measure, getattr(table[system][row], measure)) for system in table)


def shown(measure: str, value: float) -> str:
    """A measure as the tables show it: a count, an MRR to two places, or a percentage."""
    if measure == "empty":
        return str(value)
    if measure == "mrr":
        return f"{value:.2f}"
    return f"{100 * value:.0f}%"


MEASURES = (
    ("success_at_1", "success@1"),
    ("success_at_3", "success@3"),
    ("mrr", "MRR"),
    ("empty", "empty answers"),
)


def markdown(
    table: dict[str, dict[str, Scores]], runs: Sequence[Run], categories: Sequence[str], stamp: str
) -> str:
    """The table as docs/relevance.md shows it, with the timings and the run's stamp."""
    systems = " / ".join(SYSTEM_TITLES[s] for s in table)
    lines = [
        f"{stamp}. Each cell: {systems}.",
        "",
        "| category | queries | " + " | ".join(title for _, title in MEASURES) + " |",
        "|---|---:|" + "---:|" * len(MEASURES),
    ]
    for row in [*categories, "overall"]:
        name = f"**{row}**" if row == "overall" else row
        cells = [side_by_side(table, row, measure) for measure, _ in MEASURES]
        lines.append(f"| {name} | {table['ours'][row].count} | " + " | ".join(cells) + " |")
    lines += ["", timings(runs)]
    return "\n".join(lines) + "\n"


def plain(
    table: dict[str, dict[str, Scores]], runs: Sequence[Run], categories: Sequence[str], stamp: str
) -> str:
    """The table as aligned text for a terminal."""
    header = f"{'category':17} {'n':>4}"
    names = "/".join(run.name for run in runs)
    for _, title in MEASURES:
        header += f"  {title + f' ({names})':>28}"
    lines = [stamp, "", header]
    for row in [*categories, "overall"]:
        line = f"{row:17} {table['ours'][row].count:>4}"
        for measure, _ in MEASURES:
            line += f"  {side_by_side(table, row, measure):>28}"
        lines.append(line)
    lines += ["", timings(runs)]
    return "\n".join(lines) + "\n"


def timings(runs: Sequence[Run]) -> str:
    """Each system's build time and total query time."""
    parts = []
    for run in runs:
        per_query = 1000 * run.query_seconds / max(1, len(run.outcomes))
        build = f"index built in {run.build_seconds:.2f} s, " if run.build_seconds else ""
        parts.append(
            f"{SYSTEM_TITLES[run.name]}: {build}{len(run.outcomes)} queries in "
            f"{run.query_seconds:.2f} s ({per_query:.2f} ms each)"
        )
    return "Time: " + "; ".join(parts) + "."


def as_json(
    table: dict[str, dict[str, Scores]], runs: Sequence[Run], info: dict[str, object]
) -> str:
    """The figures as JSON: per system, per category and overall, with times."""
    systems = {}
    for run in runs:
        systems[run.name] = {
            "build_seconds": round(run.build_seconds, 4),
            "query_seconds": round(run.query_seconds, 4),
            "scores": {
                row: {
                    "queries": s.count,
                    "success_at_1": round(s.success_at_1, 4),
                    "success_at_3": round(s.success_at_3, 4),
                    "mrr": round(s.mrr, 4),
                    "empty": s.empty,
                }
                for row, s in table[run.name].items()
            },
        }
    return json.dumps({**info, "top": TOP, "systems": systems}, indent=2, ensure_ascii=False)


def failures(run: Run, passage_texts: dict[str, str]) -> str:
    """Every query `run` did not answer first: expected, where it came, what came first."""
    blocks = []
    for o in run.outcomes:
        if o.rank == 1:
            continue
        where = f"rank {o.rank}" if o.rank else f"not in the first {TOP}"
        first = o.hits[0].label if o.hits else "(no hits)"
        blocks.append(
            f"[{o.query.category}] {o.query.text}\n"
            f"  expected: {o.query.expected.describe(passage_texts)}\n"
            f"  found:    {where} ({len(o.hits)} distinct hits)\n"
            f"  first:    {first}\n"
        )
    return (
        f"{len(blocks)} of {len(run.outcomes)} queries not answered first by {run.name}\n\n"
        + "\n".join(blocks)
    )


def excerpt(text: str, length: int = 60) -> str:
    """The start of `text` on one line, quoted."""
    flat = " ".join(text.split())
    return json.dumps(flat if len(flat) <= length else flat[:length] + "…", ensure_ascii=False)


def git_stamp() -> tuple[str, bool]:
    """The short commit of the working tree, and whether search's code has uncommitted edits
    (the stamp of a run: the other figures are only comparable at the same code)."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        status = _git("status", "--porcelain", "--", "index", "webapp/search_service.py")
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False
    return commit, bool(status)


def _git(*args: str) -> str:
    # No optional locks: `git status` would otherwise refresh the index file of a working
    # tree that others are committing from.
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    done = subprocess.run(
        ["git", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write_doc(path: Path, table_markdown: str) -> None:
    """Put `table_markdown` between the table markers of the document at `path`."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {TABLE_START} ... {TABLE_END} markers")
    body = text[: start + len(TABLE_START)] + "\n" + table_markdown + text[end:]
    path.write_text(body, encoding="utf-8")


def copy_library(source: Path, destination: Path) -> Path:
    """A copy of the library without its derived files (index, locks)."""

    def derived(_folder: str, names: list[str]) -> list[str]:
        return [name for name in names if name == ".index" or name.endswith(".lock")]

    return Path(shutil.copytree(source, destination, ignore=derived))


def on_postgres(library: Path, queries: Sequence[Query], url: str) -> Run:
    """`run_ours_on_postgres` on the database at `url`, or on a throwaway cluster."""
    if url:
        return run_ours_on_postgres(library, queries, url)
    from tests.pg import PostgresCluster

    cluster = PostgresCluster()
    try:
        url = cluster.create_database("relevance")
        migrate(url)
        return run_ours_on_postgres(library, queries, url)
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, default=TABLE, help="the relevance table (TOML)")
    parser.add_argument("--library", type=Path, default=LIBRARY, help="the library searched")
    parser.add_argument("--failures", type=Path, help="write ours' failures to this file")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the figures as JSON")
    output.add_argument("--markdown", action="store_true", help="print the Markdown table")
    output.add_argument("--write-doc", type=Path, help="replace the table in this document")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="",
        metavar="URL",
        help="also run ours on the PostgreSQL backend: the migrated database at URL, or "
        "(no URL) a throwaway cluster started for the run",
    )
    args = parser.parse_args()

    categories, queries = load_table(args.table)
    with tempfile.TemporaryDirectory(prefix="relevance-") as folder:
        library = copy_library(args.library, Path(folder) / "library")
        ours = [run_ours(library, queries)]
        if args.postgres is not None:
            ours.append(on_postgres(library, queries, args.postgres))
        started = time.perf_counter()
        connection = build_fts(library)
        fts_build = time.perf_counter() - started
        runs = [
            *ours,
            run_fts("fts5-and", connection, "AND", queries),
            run_fts("fts5-or", connection, "OR", queries),
        ]
        runs[-1].build_seconds = runs[-2].build_seconds = fts_build
        passage_texts = {p.id: p.text for p in PassageStore(library).passages()}

    commit, dirty = git_stamp()
    today = datetime.date.today().isoformat()
    changes = " with uncommitted changes to index/" if dirty else ""
    stamp = (
        f"Run {today} at commit {commit}{changes}: {len(queries)} queries "
        f"({args.table.relative_to(ROOT) if args.table.is_relative_to(ROOT) else args.table}), "
        f"first {TOP} distinct hits"
    )
    table = score_table(runs, categories)
    if args.failures:
        args.failures.write_text(
            "".join(failures(run, passage_texts) for run in ours), encoding="utf-8"
        )
    if args.json:
        info = {"date": today, "commit": commit, "uncommitted_index_changes": dirty}
        print(as_json(table, runs, info))
    elif args.markdown:
        print(markdown(table, runs, categories, stamp), end="")
    elif args.write_doc:
        write_doc(args.write_doc, markdown(table, runs, categories, stamp))
        print(f"wrote the table into {args.write_doc}")
    else:
        print(plain(table, runs, categories, stamp), end="")


if __name__ == "__main__":
    main()
