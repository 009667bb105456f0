"""`push DIR` and `pull DIR`: move a library between a folder and a team library.

`push` copies what the team library lacks (references with their exact BibTeX text,
passages with their notes, source texts) and counts what it had already, so pushing
twice adds nothing. `pull` writes the team library as a new folder library: every .bib
file is the exact text the team library holds, so an entry nobody changed is
byte-identical to the one pushed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from annotations.model import Passage
from annotations.passagefile import passage_file_bytes
from annotations.sources import SOURCES_FOLDER, list_sources, read_source
from annotations.store import PASSAGES_FOLDER, PassageStore
from refs.atomicfile import write_atomically
from refs.bibfile import encode_text, parse_bib_text, read_text
from refs.store import ReferenceStore
from webapp.clisupport import echo_json, json_option, pass_services, warn
from webapp.services import Services, init_library
from webapp.team_services import TeamServices


@dataclass(slots=True)
class Counts:
    """How many records of one kind a push added and how many were there already."""

    added: int = 0
    present: int = 0

    def json(self) -> dict[str, int]:
        """`{"added": n, "already": m}`."""
        return {"added": self.added, "already": self.present}

    def __str__(self) -> str:
        return f"{self.added} added, {self.present} already there"


def _team(services: Services) -> TeamServices:
    if not isinstance(services, TeamServices):
        raise click.UsageError("this command works on a team library: give --database URL")
    return services


@click.command("push")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@json_option
@pass_services
def push(services: Services, folder: Path, as_json: bool) -> None:
    """Copy the folder library DIR into the team library (--database).

    References keep their exact BibTeX text (a .bib file the team library lacks is stored
    whole), passages keep their ids, notes and revisions, source texts are copied; what
    the team library has already is counted, not copied again.
    """
    team = _team(services)
    references = _push_references(team, folder)
    folder_passages = PassageStore(folder)
    for problem in folder_passages.problems:
        warn(f"{problem} (not pushed)")
    result = team.passage_store.import_passages(folder_passages.passages())
    passages = Counts(len(result.added), len(result.present))
    for renamed in result.renamed:
        warn(f"{renamed.kind} {renamed.old} is stored as {renamed.new} (its id was taken)")
    sources = Counts()
    listing = list_sources(folder / SOURCES_FOLDER)
    for refused in listing.refused:
        warn(f"{refused} (not pushed)")
    for name in listing.names:
        if team.source_table.put(name, read_source(folder / SOURCES_FOLDER, name)):
            sources.added += 1
        else:
            sources.present += 1
    if as_json:
        echo_json(
            {
                "references": references.json(),
                "passages": passages.json(),
                "sources": sources.json(),
                "renamed": [{"kind": r.kind, "old": r.old, "new": r.new} for r in result.renamed],
            }
        )
        return
    click.echo(f"references: {references}")
    click.echo(f"passages: {passages}")
    click.echo(f"sources: {sources}")


def _push_references(team: TeamServices, folder: Path) -> Counts:
    """Store each .bib file the team library lacks whole, and the entries of the others
    it lacks one by one (appended, with their exact text)."""
    counts = Counts()
    refs = team.team_refs
    stored = set(refs.file_texts())
    for path in ReferenceStore(folder, use_cache=False).bib_paths():
        text, _ = read_text(path)
        entries = parse_bib_text(text, path).references
        known = {citekey for citekey in (e.citekey for e in entries) if citekey in refs}
        if path.name not in stored:
            refs.put_file(path.name, text)
            counts.added += len({e.citekey for e in entries} - known)
            counts.present += len(known)
            continue
        for entry in entries:
            if entry.citekey in refs:
                counts.present += 1
            else:
                refs.add(entry.raw, to=path.name)
                counts.added += 1
    return counts


@click.command("pull")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@pass_services
def pull(services: Services, folder: Path) -> None:
    """Write the team library (--database) out as the folder library DIR.

    DIR must be new or empty. Each .bib file is written as the team library holds it, so
    the text of every entry nobody changed is byte-identical to what was pushed.
    """
    team = _team(services)
    init_library(folder)
    texts = team.team_refs.file_texts()
    for name, text in texts.items():
        write_atomically(folder / name, encode_text(text))
    passages = team.passage_store.passages()
    by_citekey: dict[str, list[Passage]] = {}
    for passage in passages:
        by_citekey.setdefault(passage.citekey, []).append(passage)
    for citekey, owned in by_citekey.items():
        write_atomically(
            folder / PASSAGES_FOLDER / f"{citekey}.json", passage_file_bytes(citekey, owned)
        )
    sources = team.source_table.texts()
    for name, text in sources.items():
        write_atomically(folder / SOURCES_FOLDER / name, text.encode("utf-8"))
    click.echo(
        f"Wrote {len(texts)} .bib file(s), {len(passages)} passage(s) of "
        f"{len(by_citekey)} reference(s) and {len(sources)} source text(s) to {folder}"
    )
