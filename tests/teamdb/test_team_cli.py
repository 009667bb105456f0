"""Every command on `--database` as on a folder: init, push, pull, the listings, usage."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
from click.testing import CliRunner

from refs.bibfile import parse_bib_text
from tests.teamdb.conftest import TeamCli
from webapp.cli import cli
from webapp.services import DEMO_LIBRARY
from webapp.team_services import TeamServices


def test_init_twice_creates_the_schema_then_changes_nothing(pg_empty_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["--database", pg_empty_url, "init"])
    second = runner.invoke(cli, ["--database", pg_empty_url, "init"])
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert "Initialised" in first.stdout
    assert "up to date" in second.stdout


def test_push_gives_the_folders_listings_and_a_second_push_adds_nothing(
    pushed: TeamCli, tmp_path: Path
) -> None:
    folder = shutil.copytree(DEMO_LIBRARY, tmp_path / "demo", ignore=shutil.ignore_patterns(".*"))
    on_folder = CliRunner()
    for listing in (["refs", "list"], ["quote", "list"]):
        expected = on_folder.invoke(cli, ["--library", str(folder), *listing, "--json"])
        assert pushed.json(*listing) == json.loads(expected.stdout)
    again = pushed.json("push", str(DEMO_LIBRARY))
    assert again["references"] == {"added": 0, "already": 20}
    assert again["passages"]["added"] == 0
    assert again["sources"]["added"] == 0


def test_pull_writes_every_bib_entry_byte_for_byte(pushed: TeamCli, tmp_path: Path) -> None:
    result = pushed("pull", str(tmp_path / "pulled"))
    assert result.exit_code == 0, result.output
    for original in DEMO_LIBRARY.glob("*.bib"):
        pulled = tmp_path / "pulled" / original.name
        assert pulled.read_bytes() == original.read_bytes()
        before = parse_bib_text(original.read_text("utf-8"), original).references
        after = parse_bib_text(pulled.read_text("utf-8"), pulled).references
        assert [r.raw for r in after] == [r.raw for r in before]
    for passages in (DEMO_LIBRARY / "passages").glob("*.json"):
        pulled = tmp_path / "pulled" / "passages" / passages.name
        assert json.loads(pulled.read_bytes()) == json.loads(passages.read_bytes())


def test_edits_on_the_database_reach_the_pulled_folder(pushed: TeamCli, tmp_path: Path) -> None:
    edited = pushed("refs", "edit", "zhukov1957army", "--set", "note=Read aloud")
    assert edited.exit_code == 0, edited.output
    pushed("pull", str(tmp_path / "pulled"))
    text = (tmp_path / "pulled" / "references.bib").read_text("utf-8")
    assert "Read aloud" in text
    untouched = parse_bib_text(text, Path("references.bib")).references
    demo = DEMO_LIBRARY / "references.bib"
    original = parse_bib_text(demo.read_text("utf-8"), demo).references
    changed = {a.citekey for a, b in zip(untouched, original, strict=True) if a.raw != b.raw}
    assert changed == {"zhukov1957army"}
    with psycopg.connect(pushed.url) as connection:
        audited = connection.execute(
            "SELECT actor, action, before->>'raw' FROM audit_log "
            "WHERE record_kind = 'reference' AND record_id = 'zhukov1957army' ORDER BY id"
        ).fetchall()
    assert [(actor.endswith("(command line)"), action) for actor, action, _ in audited] == [
        (True, "add"),
        (True, "edit"),
    ]
    assert "Read aloud" not in audited[1][2]


# Two processes write to each reference: writes to one queue on its row, others run apart.
CITEKEYS = ("zhukov1957army", "curtis1998", "freeze2009", "cpsu1957decree")


def _add_quotes(url: str, worker: int, count: int) -> list[str]:
    """One process's `quote add`s, each through the command line's own code."""
    runner = CliRunner()
    ids = []
    citekey = CITEKEYS[worker % len(CITEKEYS)]
    for number in range(count):
        text = f"Concurrent quote w{worker}n{number} marker{worker}x{number}"
        result = runner.invoke(
            cli, ["--database", url, "quote", "add", citekey, "--text", text, "--json"]
        )
        assert result.exit_code == 0, result.output
        ids.append(json.loads(result.stdout)["id"])
    return ids


def test_eight_processes_adding_25_quotes_each_store_200_searchable_passages(
    pushed: TeamCli,
) -> None:
    before = len(pushed.json("quote", "list"))
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        batches = pool.starmap(_add_quotes, [(pushed.url, worker, 25) for worker in range(8)])
    ids = [passage_id for batch in batches for passage_id in batch]
    assert len(set(ids)) == 200
    listed = pushed.json("quote", "list")
    assert len(listed) == before + 200
    assert set(ids) <= {passage["id"] for passage in listed}
    services = TeamServices.for_database(pushed.url)
    try:
        for worker in range(8):
            for number in range(25):
                found = services.search.search(f"marker{worker}x{number}", limit=5)
                assert [hit.id for hit in found.hits][:1] == [ids[worker * 25 + number]]
    finally:
        services.database.close()


def test_library_and_database_together_are_a_usage_error(pg_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--library", str(tmp_path), "--database", pg_url, "refs"])
    assert result.exit_code == 2
    assert "--library and --database" in result.stderr


def test_a_database_without_the_schema_says_to_run_init(pg_empty_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database", pg_empty_url, "refs", "list"])
    assert result.exit_code == 1
    assert "holds no team library" in result.stderr
    assert "init" in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_unreachable_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    url = f"postgresql://nobody@/none?host={tmp_path}"
    program = "from webapp.cli import main; main()"
    command = [sys.executable, "-c", program, "--database", url, "refs", "list"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot reach the database")
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
