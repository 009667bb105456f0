"""Add the entries of an imported file to the library, leaving out the works it has.

`add_entries` compares each entry with the library's and with the file's others by
`refs.duplicates`' rules, decides which come in and under which citekey, keeps
`crossref` and `xdata` children pointing at their parents, and appends the newcomers in
one write. The import formats (`import_service`) turn their files into `IncomingEntry`s.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from refs.citekeys import CITEKEY_RULE, is_valid_citekey, make_citekey, unique_citekey
from refs.crossref import resolved_fields
from refs.duplicates import NAMING_FIELDS, DuplicateFinder, Work, named_citekeys
from refs.entrytext import check_field_length, edit_entry_text, format_entry
from refs.errors import InvalidBibtex, RefsError
from refs.latex import latex_to_text
from refs.model import NewEntry, Reference
from refs.names import parse_names
from refs.store import ReferenceStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportDuplicate:
    """An imported item that the library already has, under `citekey`; left out.

    `where` is the item's place in the imported file (`file:line` for BibTeX).
    """

    title: str
    citekey: str
    reason: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """An imported item that resembles the work `resembles` without surely being it.

    `citekey` is the one it was added under, or None if the import left it out; `where`
    is the item's place in the imported file.
    """

    citekey: str | None
    title: str
    resembles: str
    reason: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class Renamed:
    """An imported item stored under another name than the one it came with: `kind` is
    `citekey`, `passage` or `note`, `reason` says why its own could not be kept."""

    kind: str
    old: str
    new: str
    reason: str


@dataclass(slots=True, kw_only=True)
class ImportReport:
    """What an import did (or, in a dry run, would do): items added (by citekey or id),
    items renamed on the way in, exact duplicates left out, possible duplicates, passages
    the library held already, items left out for other reasons."""

    added: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    duplicates: list[ImportDuplicate] = field(default_factory=list)
    possible_duplicates: list[PossibleDuplicate] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportOptions:
    """How an import of references treats possible duplicates, and whether it writes.

    `skip_possible_duplicates` leaves them out too (they are still listed); `dry_run`
    decides everything as a real import would and writes nothing.
    """

    skip_possible_duplicates: bool = False
    dry_run: bool = False


DEFAULT_OPTIONS = ImportOptions()


@dataclass(frozen=True, slots=True)
class IncomingEntry:
    """An entry of a file being imported: `raw` its own text (None: write it from its
    fields), `where` its place in the file, for messages."""

    entry: NewEntry
    raw: str | None
    where: str


def add_entries(
    refs: ReferenceStore,
    incoming: list[IncomingEntry],
    options: ImportOptions,
    report: ImportReport | None = None,
) -> ImportReport:
    """Append the entries that are not known works in one write; report those that are.

    Entries are compared with the library's and with each other by `refs.duplicates`'
    rules. An exact duplicate is left out; a possible one comes in (unless `options` skips
    them) and is listed beside the work it resembles. An entry that others name in
    `crossref`, `xdata`… always comes in, so that they keep their parent, and a parent
    whose citekey had to change has its new citekey written into its children. An entry
    that cannot be written (a field name BibTeX would not read back) is left out and
    reported; the others still come in. A dry run decides all this and writes nothing.
    """
    report = report or ImportReport()
    report.dry_run = options.dry_run
    judge = _Judge(refs, incoming, options)
    for number in _children_first(len(incoming), judge.named_by):
        judge.decide(number)
    texts = []
    for number, item in enumerate(incoming):
        outcome = judge.outcomes[number]
        text = outcome.text
        if outcome.citekey is not None and text is not None:
            try:
                text = judge.pointing_at_new_citekeys(item, outcome.citekey, text)
            except RefsError as error:
                outcome = _Outcome(problem=f"{item.where}: entry '{item.entry.citekey}': {error}")
        _record(report, outcome)
        if outcome.citekey is not None and text is not None:
            texts.append(text)
    if texts and not options.dry_run:
        refs.add("\n\n".join(texts))
    logger.info(
        "imported %d entries (%d possible duplicates), left out %d duplicates%s",
        len(report.added),
        len(report.possible_duplicates),
        len(report.duplicates),
        " (dry run)" if options.dry_run else "",
    )
    return report


@dataclass(frozen=True, slots=True, kw_only=True)
class _Outcome:
    """What becomes of one incoming entry: added (`citekey`, `text`), perhaps resembling a
    known work (`possible`), or left out as a `duplicate`, a `possible` one or a `problem`."""

    citekey: str | None = None
    text: str | None = None
    renamed: Renamed | None = None
    duplicate: ImportDuplicate | None = None
    possible: PossibleDuplicate | None = None
    problem: str | None = None


def _record(report: ImportReport, outcome: _Outcome) -> None:
    if outcome.citekey is not None:
        report.added.append(outcome.citekey)
    if outcome.renamed is not None:
        report.renamed.append(outcome.renamed)
    if outcome.duplicate is not None:
        report.duplicates.append(outcome.duplicate)
    if outcome.possible is not None:
        report.possible_duplicates.append(outcome.possible)
    if outcome.problem is not None:
        report.skipped.append(outcome.problem)


class _Judge:
    """Decides, entry by entry, what an import does with the entries of one file."""

    def __init__(
        self, refs: ReferenceStore, incoming: list[IncomingEntry], options: ImportOptions
    ) -> None:
        self._refs, self._incoming, self._options = refs, incoming, options
        library = refs.references()
        self._library = {reference.citekey.lower(): reference for reference in library}
        self._taken = {reference.citekey for reference in library}
        self._by_key: dict[str, int] = {}  # lower-cased citekey -> its first entry in the file
        for number, item in enumerate(incoming):
            if item.entry.citekey:
                self._by_key.setdefault(item.entry.citekey.lower(), number)
        self._file = [_as_reference(item) for item in incoming]
        self._finder = DuplicateFinder()
        for reference in library:
            resolved = resolved_fields(reference, self._in_library)
            self._finder.add(reference.citekey, _work(reference, resolved))
        # Citekeys that library entries name but no library entry has: the file may hold them.
        self._wanted = {
            name.lower() for reference in library for name in named_citekeys(reference.fields)
        } - self._library.keys()
        self.named_by: dict[int, set[int]] = {}  # entry -> the entries in the file naming it
        for number, item in enumerate(incoming):
            for name in named_citekeys(item.entry.fields):
                target = self._by_key.get(name.lower())
                if target is not None and target != number:
                    self.named_by.setdefault(target, set()).add(number)
        self.outcomes: dict[int, _Outcome] = {}

    def decide(self, number: int) -> None:
        """Judge entry `number`; the entries naming it must have been judged already."""
        item = self._incoming[number]
        entry = item.entry
        reference = self._file[number]
        work = _work(reference, resolved_fields(reference, self._in_file_or_library))
        match = self._finder.find(work, citekey=entry.citekey or "")
        title = latex_to_text(entry.fields.get("title", ""))
        is_needed = self._is_needed(number)
        if match is not None and match.is_exact and not is_needed:
            duplicate = ImportDuplicate(title, match.citekey, match.reason, item.where)
            self.outcomes[number] = _Outcome(duplicate=duplicate)
            return
        if match is not None and self._options.skip_possible_duplicates and not is_needed:
            left_out = PossibleDuplicate(None, title, match.citekey, match.reason, item.where)
            self.outcomes[number] = _Outcome(possible=left_out)
            return
        citekey = _citekey_for(entry, self._taken)
        try:
            text = _entry_text(self._refs, entry, citekey, item.raw)
        except RefsError as error:
            self.outcomes[number] = _Outcome(
                problem=f"{item.where}: entry '{entry.citekey}': {error}"
            )
            return
        self._taken.add(citekey)
        self._finder.add(citekey, work)
        possible = None
        if match is not None:
            reason = match.reason
            if match.is_exact:
                reason += "; added all the same, since other entries cross-reference it"
            possible = PossibleDuplicate(citekey, title, match.citekey, reason, item.where)
        self.outcomes[number] = _Outcome(
            citekey=citekey, text=text, renamed=_renamed(entry, citekey), possible=possible
        )

    def pointing_at_new_citekeys(self, item: IncomingEntry, citekey: str, text: str) -> str:
        """`text` (of `item`, added as `citekey`) with the citekeys it names in `crossref`,
        `xdata`… replaced by the ones their entries got here: a new citekey if the entry's
        own was taken, the known work's if it was left out as an exact duplicate."""
        changes = {}
        for name in NAMING_FIELDS:
            value = item.entry.fields.get(name)
            if not value:
                continue
            parts = [part.strip() for part in value.split(",")]
            renamed = [self._citekey_now(part) for part in parts]
            if renamed != parts:
                changes[name] = ",".join(renamed)
        if not changes:
            return text
        fields = {**item.entry.fields, **changes}
        entry = NewEntry(
            entry_type=item.entry.entry_type, citekey=item.entry.citekey, fields=fields
        )
        raw = None if item.raw is None else edit_entry_text(item.raw, changes, ())
        return _entry_text(self._refs, entry, citekey, raw)

    def _citekey_now(self, name: str) -> str:
        """The citekey that the file's `name` stands for once the import is done (`name`
        itself, as written, if that is the same but for case)."""
        number = self._by_key.get(name.lower())
        outcome = self.outcomes.get(number) if number is not None else None
        now = name
        if outcome is not None and outcome.citekey is not None:
            now = outcome.citekey
        elif outcome is not None and outcome.duplicate is not None:
            now = outcome.duplicate.citekey
        return name if now.lower() == name.lower() else now

    def _is_needed(self, number: int) -> bool:
        """Whether entries added by this import, or in the library, name entry `number`."""
        citekey = self._incoming[number].entry.citekey
        if citekey and citekey.lower() in self._wanted:
            return True
        return any(
            self.outcomes[child].citekey is not None
            for child in self.named_by.get(number, ())
            if child in self.outcomes
        )

    def _in_library(self, citekey: str) -> Reference | None:
        return self._library.get(citekey.lower())

    def _in_file_or_library(self, citekey: str) -> Reference | None:
        """The entry `citekey` names for an entry of the file: the file's own, else the
        library's (as BibTeX reads the file, a `crossref` names an entry in it)."""
        number = self._by_key.get(citekey.lower())
        return self._in_library(citekey) if number is None else self._file[number]


def _as_reference(item: IncomingEntry) -> Reference:
    """An incoming entry as a `Reference`, the shape `crossref.resolved_fields` reads; it is
    never stored, so its place is only what the messages say."""
    entry = item.entry
    return Reference(
        citekey=entry.citekey or "",
        entry_type=entry.entry_type,
        fields=entry.fields,
        path=Path(item.where),
        line=0,
        raw=item.raw or "",
    )


def _work(reference: Reference, resolved: Mapping[str, str]) -> Work:
    return Work(entry_type=reference.entry_type, fields=reference.fields, resolved=resolved)


def _children_first(count: int, named_by: Mapping[int, set[int]]) -> list[int]:
    """Entry numbers in file order, except that an entry comes after every entry naming it
    (so that whether it is needed is known when it is judged); cycles of names in file order."""
    waiting = {number: len(children) for number, children in named_by.items()}
    parents_of: dict[int, list[int]] = {}
    for parent, children in named_by.items():
        for child in children:
            parents_of.setdefault(child, []).append(parent)
    ready = deque(number for number in range(count) if not waiting.get(number))
    order = []
    while ready:
        number = ready.popleft()
        order.append(number)
        for parent in sorted(parents_of.get(number, ())):
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
    done = set(order)
    return order + [number for number in range(count) if number not in done]


def _entry_text(refs: ReferenceStore, entry: NewEntry, citekey: str, raw: str | None) -> str:
    """The text to append for `entry`: its own text if it keeps its citekey and reads back
    alone without a problem, else one written from its fields; `InvalidBibtex` if neither
    reads back, `InvalidField` if a field is longer than the store writes (one damaged entry
    must not stop the import of the others)."""
    for name, value in entry.fields.items():
        check_field_length(name, value)
    if (
        raw is not None
        and citekey == entry.citekey
        and not refs.read_input(raw, Path("<entry>")).problems
    ):
        return raw
    text = format_entry(entry.entry_type, citekey, entry.fields)
    problems = refs.read_input(text, Path("<entry>")).problems
    if problems:
        raise InvalidBibtex(f"does not read back as itself ({problems[0].message})")
    return text


def _citekey_for(entry: NewEntry, taken: set[str]) -> str:
    """The entry's own citekey if it is valid (suffixed if taken), else `authoryearword`."""
    if entry.citekey and is_valid_citekey(entry.citekey):
        own = unique_citekey(entry.citekey, taken)
        if is_valid_citekey(own):  # a suffix may take it past the longest allowed
            return own
    names = parse_names(entry.fields.get("author") or entry.fields.get("editor") or "")
    person = names.people[0] if names.people else None
    family = (person.family or person.literal) if person else ""
    year = entry.fields.get("year") or entry.fields.get("date", "")[:4]
    return make_citekey(family, year, latex_to_text(entry.fields.get("title", "")), taken)


def _renamed(entry: NewEntry, citekey: str) -> Renamed | None:
    """How an entry that came with a citekey was renamed on the way in, if it was."""
    if not entry.citekey or entry.citekey == citekey:
        return None
    if is_valid_citekey(entry.citekey):
        reason = "citekey taken in the library or earlier in the file"
    else:
        reason = f"not a valid citekey: {CITEKEY_RULE}"
    return Renamed("citekey", entry.citekey, citekey, reason)
