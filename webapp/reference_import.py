"""Add the entries of an imported file to the library, leaving out the works it has.

`add_entries` compares each entry with the library's and with the file's others by
`refs.duplicates`' rules, decides which come in and under which citekey, keeps
`crossref` and `xdata` children pointing at their parents, and appends the newcomers in
one write. The import formats (`import_service`) turn their files into `IncomingEntry`s.
"""

from __future__ import annotations

import bisect
import logging
from collections import deque
from collections.abc import Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from annotations.progress import REPORT_EVERY, Progress, no_progress
from refs.citekeys import (
    CITEKEY_RULE,
    FoldedCitekeys,
    is_valid_citekey,
    make_citekey,
    unique_citekey,
)
from refs.crossref import resolved_fields
from refs.duplicates import NAMING_FIELDS, DuplicateFinder, Work, named_citekeys
from refs.entrytext import check_field_length, check_field_name, edit_entry_text, format_entry
from refs.errors import EntryError, InvalidBibtex, RefsError
from refs.latex import latex_to_text
from refs.model import NewEntry, Reference
from refs.names import parse_names
from refs.repository import ReferenceRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportDuplicate:
    """An imported item that the library already has, under `citekey`; left out.

    `where` is the item's place in the imported file (`file:line` for BibTeX); `entry` the
    item itself, for showing it beside the known work and adding it anyway
    (`held_entry_text`).
    """

    title: str
    citekey: str
    reason: str
    where: str = ""
    entry: IncomingEntry | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """An imported item that resembles the work `resembles` without surely being it.

    `citekey` is the one it was added under, or None if the import left it out; `where`
    is the item's place in the imported file; `entry` the item itself, for showing it
    beside the work it resembles and, when it was left out, adding it anyway.
    """

    citekey: str | None
    title: str
    resembles: str
    reason: str
    where: str = ""
    entry: IncomingEntry | None = field(default=None, compare=False, repr=False)


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

    `skip_possible_duplicates` leaves them out too (they are still listed);
    `add_duplicates` adds exact and possible duplicates all the same (still listed): a
    user's answer to a report that held them back; `dry_run` decides everything as a real
    import would and writes nothing.
    """

    skip_possible_duplicates: bool = False
    add_duplicates: bool = False
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
    refs: ReferenceRepository,
    incoming: list[IncomingEntry],
    options: ImportOptions,
    report: ImportReport | None = None,
    progress: Progress = no_progress,
) -> ImportReport:
    """Append the entries that are not known works in one write; report those that are.

    Entries are compared with the library's and with each other by `refs.duplicates`'
    rules. An exact duplicate is left out; a possible one comes in (unless `options` skips
    them) and is listed beside the work it resembles. An entry that others name in
    `crossref`, `xdata`… always comes in, so that they keep their parent, and a parent
    whose citekey had to change has its new citekey written into its children. An entry
    that cannot be written (a field name BibTeX would not read back) is left out and
    reported; the others still come in. A dry run decides all this and writes nothing.

    Every text written is read back, all of them in one parse (the one that places them
    in the file): an entry whose own text does not read back as itself is written from
    its fields, one whose fields do not is left out, and the entries are judged again
    without it (rare: its citekey and work must not count as taken).
    """
    report = report or ImportReport()
    report.dry_run = options.dry_run
    unwritable: dict[int, str] = {}
    own_text_refused: set[int] = set()
    for _attempt in range(_READ_BACK_ATTEMPTS):
        judge = _Judge(refs, incoming, options, unwritable, own_text_refused)
        order = _children_first(len(incoming), judge.named_by)
        for done, number in enumerate(order):
            if done % REPORT_EVERY == 0:
                progress("checking", done, len(incoming))
            judge.decide(number)
        progress("checking", len(incoming), len(incoming))
        attempt = ImportReport(skipped=list(report.skipped), dry_run=options.dry_run)
        planned = _planned_texts(judge, incoming, attempt)
        check = _ReadBack(planned)
        progress("writing", 0, len(planned))
        try:
            if planned and options.dry_run:
                parsed = refs.read_input("\n\n".join(p.text for p in planned), Path("<import>"))
                check(parsed.references, parsed.problems)
            elif planned:
                refs.append_entries([p.text for p in planned], check)
        except _NotReadBack as failed:
            _settle_failures(refs, incoming, failed.numbers, unwritable, own_text_refused)
            continue
        progress("writing", len(planned), len(planned))
        report.added, report.renamed = attempt.added, attempt.renamed
        report.duplicates, report.possible_duplicates = (
            attempt.duplicates,
            attempt.possible_duplicates,
        )
        report.skipped = attempt.skipped
        break
    else:
        raise InvalidBibtex("the entries do not read back as themselves when written together")
    logger.info(
        "imported %d entries (%d possible duplicates), left out %d duplicates%s",
        len(report.added),
        len(report.possible_duplicates),
        len(report.duplicates),
        " (dry run)" if options.dry_run else "",
    )
    return report


# Judging again after entries that do not read back: the first attempt finds them all,
# the second writes their fields instead, the third leaves out those that fail even so.
_READ_BACK_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class _Planned:
    """One text to append for entry `number`: `fields` it must read back as, or None for
    the entry's own text (which must read back under `citekey` without a problem)."""

    number: int
    citekey: str
    text: str
    fields: Mapping[str, str] | None


def _planned_texts(
    judge: _Judge, incoming: list[IncomingEntry], report: ImportReport
) -> list[_Planned]:
    """The texts to append, in file order, each outcome recorded in `report`."""
    planned = []
    for number, item in enumerate(incoming):
        outcome = judge.outcomes[number]
        text, fields = outcome.text, outcome.read_back
        if outcome.citekey is not None and text is not None:
            try:
                text, fields = judge.pointing_at_new_citekeys(item, outcome.citekey, text, fields)
            except RefsError as error:
                outcome = _Outcome(problem=f"{item.where}: entry '{item.entry.citekey}': {error}")
        _record(report, outcome)
        if outcome.citekey is not None and text is not None:
            planned.append(_Planned(number, outcome.citekey, text, fields))
    return planned


class _NotReadBack(Exception):
    """Raised from the read-back check: entries (by number) whose text did not read back."""

    def __init__(self, numbers: set[int]) -> None:
        super().__init__(f"{len(numbers)} entries do not read back")
        self.numbers = numbers


class _ReadBack:
    """Checks the planned texts as parsed: each entry under its citekey, with the fields it
    was written from (or, its own text, with no problem), and no problem in any of them."""

    def __init__(self, planned: list[_Planned]) -> None:
        self._planned = planned

    def __call__(self, references: Sequence[Reference], problems: Sequence[EntryError]) -> None:
        by_citekey = {reference.citekey: reference for reference in references}
        failed = set()
        for item in self._planned:
            reference = by_citekey.get(item.citekey)
            if reference is None or (
                item.fields is not None and dict(reference.fields) != item.fields
            ):
                failed.add(item.number)
        if problems:
            failed |= self._blamed(references, problems)
        if failed or len(references) != len(self._planned):
            raise _NotReadBack(failed or {item.number for item in self._planned})

    def _blamed(self, references: Sequence[Reference], problems: Sequence[EntryError]) -> set[int]:
        """The entries the problems lie in: by citekey, else by line."""
        number_of = {item.citekey: item.number for item in self._planned}
        starts = sorted((reference.line, reference.citekey) for reference in references)
        blamed = set()
        for problem in problems:
            citekey = problem.citekey if problem.citekey in number_of else None
            if citekey is None:
                place = bisect.bisect_right(starts, (problem.line, "\U0010ffff")) - 1
                citekey = starts[max(place, 0)][1] if starts else None
            if citekey in number_of:
                blamed.add(number_of[citekey])
            else:
                blamed |= set(number_of.values())
        return blamed


def _settle_failures(
    refs: ReferenceRepository,
    incoming: list[IncomingEntry],
    numbers: set[int],
    unwritable: dict[int, str],
    own_text_refused: set[int],
) -> None:
    """After a failed read-back: write the entries' fields instead of their own text, and
    leave out those whose fields do not read back either (with the reason, found alone)."""
    for number in numbers:
        item = incoming[number]
        if item.raw is not None and number not in own_text_refused:
            own_text_refused.add(number)
            continue
        citekey = item.entry.citekey if item.entry.citekey else "entry"
        try:
            _entry_text(refs, item.entry, citekey, None)
        except RefsError as error:
            unwritable[number] = f"{item.where}: entry '{item.entry.citekey}': {error}"
        else:
            unwritable[number] = (
                f"{item.where}: entry '{item.entry.citekey}': does not read back as itself "
                "beside the other entries"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Outcome:
    """What becomes of one incoming entry: added (`citekey`, `text`), perhaps resembling a
    known work (`possible`), or left out as a `duplicate`, a `possible` one or a `problem`."""

    citekey: str | None = None
    text: str | None = None
    read_back: Mapping[str, str] | None = None  # see `_Planned.fields`
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
        self,
        refs: ReferenceRepository,
        incoming: list[IncomingEntry],
        options: ImportOptions,
        unwritable: Mapping[int, str] | None = None,
        own_text_refused: AbstractSet[int] = frozenset(),
    ) -> None:
        """`unwritable`: entries known not to read back (left out with the reason);
        `own_text_refused`: entries to write from their fields, not their own text."""
        self._refs, self._incoming, self._options = refs, incoming, options
        self._unwritable = unwritable or {}
        self._own_text_refused = own_text_refused
        library = refs.references()
        self._library = {reference.citekey.lower(): reference for reference in library}
        self._taken = FoldedCitekeys(reference.citekey for reference in library)
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
        # Only the reports of duplicates show the title, and most entries are none.
        title = "" if match is None else latex_to_text(entry.fields.get("title", ""))
        is_needed = self._is_needed(number)
        is_wanted = is_needed or self._options.add_duplicates
        if match is not None and match.is_exact and not is_wanted:
            duplicate = ImportDuplicate(title, match.citekey, match.reason, item.where, item)
            self.outcomes[number] = _Outcome(duplicate=duplicate)
            return
        if match is not None and self._options.skip_possible_duplicates and not is_wanted:
            left_out = PossibleDuplicate(None, title, match.citekey, match.reason, item.where, item)
            self.outcomes[number] = _Outcome(possible=left_out)
            return
        if number in self._unwritable:
            self.outcomes[number] = _Outcome(problem=self._unwritable[number])
            return
        citekey = _citekey_for(entry, self._taken)
        raw = None if number in self._own_text_refused else item.raw
        try:
            text, read_back = _candidate_text(entry, citekey, raw)
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
            if match.is_exact and is_needed:
                reason += "; added all the same, since other entries cross-reference it"
            elif match.is_exact:
                reason += "; added all the same, as asked"
            possible = PossibleDuplicate(citekey, title, match.citekey, reason, item.where, item)
        self.outcomes[number] = _Outcome(
            citekey=citekey,
            text=text,
            read_back=read_back,
            renamed=_renamed(entry, citekey),
            possible=possible,
        )

    def pointing_at_new_citekeys(
        self,
        item: IncomingEntry,
        citekey: str,
        text: str,
        read_back: Mapping[str, str] | None,
    ) -> tuple[str, Mapping[str, str] | None]:
        """`text` (of `item`, added as `citekey`) with the citekeys it names in `crossref`,
        `xdata`… replaced by the ones their entries got here: a new citekey if the entry's
        own was taken, the known work's if it was left out as an exact duplicate; with the
        fields it must read back as (see `_Planned`)."""
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
            return text, read_back
        fields = {**item.entry.fields, **changes}
        entry = NewEntry(
            entry_type=item.entry.entry_type, citekey=item.entry.citekey, fields=fields
        )
        raw = None if read_back is not None else edit_entry_text(text, changes, ())
        return _candidate_text(entry, citekey, raw)

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


def held_entry_text(refs: ReferenceRepository, item: IncomingEntry) -> str:
    """The BibTeX text that adds `item` as it stands: its own text under its own citekey
    when that is free, else one written from its fields under a free citekey. For a user
    who decides that an entry an import held back as a duplicate is a work of its own
    (imported again with `add_duplicates`). `RefsError` if it cannot be written."""
    taken = {reference.citekey for reference in refs.references()}
    return _entry_text(refs, item.entry, _citekey_for(item.entry, taken), item.raw)


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


def _entry_text(refs: ReferenceRepository, entry: NewEntry, citekey: str, raw: str | None) -> str:
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


def _candidate_text(
    entry: NewEntry, citekey: str, raw: str | None
) -> tuple[str, Mapping[str, str] | None]:
    """The text to append for `entry`, to be read back with the others (`_ReadBack`): its
    own text if it keeps its citekey, else one written from its fields, with the fields it
    must read back as. `InvalidField` for what is refused without reading back (a field
    too long, a bad field name, unbalanced braces)."""
    for name, value in entry.fields.items():
        check_field_length(name, value)
    if raw is not None and citekey == entry.citekey:
        return raw, None
    text = format_entry(entry.entry_type, citekey, entry.fields, read_back=False)
    return text, {check_field_name(name): value for name, value in entry.fields.items()}


def _citekey_for(entry: NewEntry, taken: Collection[str]) -> str:
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
