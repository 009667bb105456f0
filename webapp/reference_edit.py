"""Edit one reference's fields after checking every changed field, for the form and PATCH.

`ReferenceStore.edit` writes the change (every other byte of the file stays as it was);
before it, each changed field is checked as the store would write it (its name, its
length, a value that reads back as itself) and the entry as `check` would judge it
(required fields, dates and years), and every problem the edit brings is reported at once,
each naming its field, so that a form can show each message at its input. An entry that
already lacked a field is not refused for it: only what the edit changes is judged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from refs.entrytext import braced, check_field_length, check_field_name
from refs.errors import InvalidField, RefsError
from refs.model import Reference
from refs.repository import ReferenceRepository
from refs.validation import validate_entry


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one field of an edit."""

    field: str
    message: str


class ReferenceEditRefused(RefsError, ValueError):
    """An edit with problems in some fields; nothing was written.

    str(err) → "field 'year': expected a year like 1957, got 'l957'"
    """

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"field '{item.field}': {item.message}" for item in problems))
        self.problems = problems
        self.field = problems[0].field


class StaleReference(RefsError):
    """An edit based on a version of the entry that has changed since (another tab, the
    command line, a text editor): refused, so that neither change is lost silently."""

    def __init__(self, reference: Reference) -> None:
        super().__init__(
            f"reference '{reference.citekey}' was changed since this form was opened; "
            "nothing was written: compare with the entry as it is now and edit again"
        )
        self.reference = reference
        self.field = "revision"


def entry_revision(reference: Reference) -> str:
    """A short fingerprint of the entry's exact text: an edit names the version it saw."""
    return hashlib.sha256(reference.raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def edit_reference(
    refs: ReferenceRepository,
    citekey: str,
    *,
    set_fields: Mapping[str, str],
    unset_fields: Collection[str] = (),
    revision: str | None = None,
) -> Reference:
    """Check and write an edit; `ReferenceEditRefused` lists every problem, and
    `StaleReference` refuses an edit of an entry that is no longer at `revision`."""
    reference = refs.get(citekey)
    if revision is not None and revision != entry_revision(reference):
        raise StaleReference(reference)
    problems = edit_problems(refs, reference, set_fields, unset_fields)
    if problems:
        raise ReferenceEditRefused(problems)
    if not set_fields and not unset_fields:
        return reference
    return refs.edit(citekey, set_fields=set_fields, unset_fields=unset_fields)


def edit_problems(
    refs: ReferenceRepository,
    reference: Reference,
    set_fields: Mapping[str, str],
    unset_fields: Collection[str],
) -> list[FieldProblem]:
    """Every problem the edit brings, field by field (none: it may be written)."""
    problems = [
        FieldProblem(name, "the entry has no such field")
        for name in unset_fields
        if name not in reference.fields
    ]
    writable = {}
    for name, value in set_fields.items():
        problem = _value_problem(name, value)
        if problem is None:
            writable[name.lower()] = value
        else:
            problems.append(problem)
    # The entry as it would be with the changes that can be written, judged as `check`
    # judges it; a field with a problem above keeps its old value here.
    fields = {name: value for name, value in reference.fields.items() if name not in unset_fields}
    fields.update(writable)
    before = {str(problem) for problem in validate_entry(reference, refs.find)}
    after = validate_entry(replace(reference, fields=fields), refs.find)
    problems += [
        FieldProblem(problem.field or "entry", problem.message)
        for problem in after
        if str(problem) not in before
    ]
    return problems


def _value_problem(name: str, value: str) -> FieldProblem | None:
    """Whether `value` can be written as field `name`, as `ReferenceStore.edit` writes it."""
    try:
        check_field_name(name)
        check_field_length(name, value)
        braced(value)
    except InvalidField as error:
        return FieldProblem(name, error.message)
    if not value.strip():
        return FieldProblem(name, "empty: clear the field to remove it")
    return None
