"""BibLaTeX's default `crossref` and `xdata` inheritance: which fields an entry gets from others.

The rules are the BibLaTeX manual's (appendix "Default Crossref Setup", biblatex 3.18):
every field is inherited as it is unless the child has it already, except a few that
never are (`ids`, `crossref`, `label`…), and for some pairs of entry types a field is
renamed on the way down: a `@book` parent's `title` becomes an `@inbook` child's
`booktitle`, an `@mvbook`'s `title` becomes `maintitle`, a `@periodical`'s `title` an
`@article`'s `journaltitle`. An `xdata` entry's fields are copied as they are.

Conversion to CSL-JSON, `check` and display all read an entry's fields through
`resolved_fields`, so that they agree on what an entry inherits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from refs.model import Reference

# Fields that no child inherits.
NOT_INHERITED = frozenset(
    [
        "ids",
        "crossref",
        "xref",
        "entryset",
        "entrysubtype",
        "execute",
        "label",
        "options",
        "presort",
        "related",
        "relatedoptions",
        "relatedstring",
        "relatedtype",
        "shorthand",
        "shorthandintro",
        "sortkey",
    ]
)

# BibTeX's and BibLaTeX's aliases, as biber maps them before inheritance.
TYPE_ALIASES: Mapping[str, str] = {
    "conference": "inproceedings",
    "electronic": "online",
    "www": "online",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "techreport": "report",
}

_TITLES = ("title", "subtitle", "titleaddon")
_TITLE_INDEXES = ("shorttitle", "sorttitle", "indextitle", "indexsorttitle")


_Mapping = Mapping[str, tuple[str, ...]]


def _rule(sources: str, targets: str, mapping: _Mapping) -> list[tuple[tuple[str, str], _Mapping]]:
    return [((s, t), mapping) for s in sources.split() for t in targets.split()]


def _titles_to(prefix: str, *, addon: bool = True) -> dict[str, tuple[str, ...]]:
    names = _TITLES if addon else _TITLES[:2]
    renamed = {name: (prefix + name,) for name in names}
    return {**renamed, **{name: () for name in _TITLE_INDEXES}}


# (parent type, child type) -> {parent field: the child fields it fills; () for none}.
# Where a pair appears twice, the rules add up (author rule and title rule for mvbook).
_RULES: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
for _pair, _mapping in [
    *_rule("mvbook book", "inbook bookinbook suppbook", {"author": ("author", "bookauthor")}),
    *_rule("mvbook", "book inbook bookinbook suppbook", _titles_to("main")),
    *_rule(
        "mvcollection mvreference",
        "collection reference incollection inreference suppcollection",
        _titles_to("main"),
    ),
    *_rule("mvproceedings", "proceedings inproceedings", _titles_to("main")),
    *_rule("book", "inbook bookinbook suppbook", _titles_to("book")),
    *_rule("collection reference", "incollection inreference suppcollection", _titles_to("book")),
    *_rule("proceedings", "inproceedings", _titles_to("book")),
    *_rule("periodical", "article suppperiodical", _titles_to("journal", addon=False)),
]:
    _RULES.setdefault(_pair, {}).update(_mapping)


def entry_type_of(reference: Reference) -> str:
    """The entry type as biber sees it (`phdthesis` is a `thesis`)."""
    return TYPE_ALIASES.get(reference.entry_type, reference.entry_type)


def _inherit(
    child_type: str, child: Mapping[str, str], parent_type: str, parent: Mapping[str, str]
) -> dict[str, str]:
    rules = _RULES.get((parent_type, child_type), {})
    fields: dict[str, str] = {}
    for name, value in parent.items():
        if name in NOT_INHERITED:
            continue
        for target in rules.get(name, (name,)):
            fields[target] = value
    fields.update(child)
    return fields


Lookup = Callable[[str], Reference | None]


def resolved_fields(reference: Reference, lookup: Lookup) -> dict[str, str]:
    """The fields biber hands to a style for `reference`: its own, then those of its `xdata`
    entries (copied as they are), then those its `crossref` parent passes down by the rules
    above, the parent itself resolved first. `lookup` finds an entry by citekey (biber
    ignores the case of a crossref); a chain that loops back stops where it does."""
    return _resolved(reference, lookup, frozenset())


def _resolved(reference: Reference, lookup: Lookup, seen: frozenset[str]) -> dict[str, str]:
    seen = seen | {reference.citekey.lower()}
    fields = dict(reference.fields)
    for citekey in _citekeys(fields.get("xdata", "")):
        source = lookup(citekey)
        if source is not None and citekey.lower() not in seen:
            fields = {**_resolved(source, lookup, seen), **fields}
    parent_key = fields.get("crossref", "").strip()
    parent = lookup(parent_key) if parent_key else None
    if parent is not None and parent_key.lower() not in seen:
        parent_fields = _resolved(parent, lookup, seen)
        fields = _inherit(entry_type_of(reference), fields, entry_type_of(parent), parent_fields)
    fields.pop("xdata", None)
    return fields


def _citekeys(value: str) -> list[str]:
    return [citekey.strip() for citekey in value.split(",") if citekey.strip()]
