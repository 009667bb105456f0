"""Decide whether an entry describes a work already known, surely or only possibly.

Imports ask this before adding an entry, so that importing the same export twice, or the
same book from two managers, reports the duplicate instead of adding it again, while a
distinct work that merely looks alike (a column that recurs in every issue under the same
title, a chapter that shares its book's ISBN) is never taken for one. The rules:

- the same DOI is the same work (a DOI names one work), unless the two titles have little
  in common (a DOI copied into the wrong entry, a chapter carrying its book's DOI);
- the same ISBN is the same work when the entry types agree (after BibLaTeX's aliases) and
  so do `pages`, `chapter` and `volume` (one ISBN may cover every volume of a set);
- the same title (with its subtitle), year and first author (editor if there is none) is
  the same work when the entry type, the other authors, the month and day, the container
  (`journaltitle`, `journal` or `booktitle`), `volume`, `number` (or `issue`) and `pages`
  agree as well;
- the same citekey, entry type and fields, every one, is the same work (this catches what
  has no title or no year when a file is imported again).

A work that shares a DOI, an ISBN or a title with a known one without meeting its rule is a
possible duplicate. A field agrees when both entries have it with the same folded value, or
neither has it; author lists agree when one is the start of the other (`and others`); dates
agree when the more precise one starts with the other. No entry is ever matched with an
entry it names in `crossref`, `xref`, `xdata`, `related` or `entryset`, or that names it.

Titles and names are compared after decoding LaTeX, folding to lower-case ASCII and
dropping punctuation, so `Mi{\\'c}unovi{\\'c}` and `Mićunović` match. A `crossref` child is
compared with the fields it inherits from its parent (its year, its book's title), its DOI
and ISBN excepted: those of the parent name the parent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from unidecode import unidecode

from refs.crossref import TYPE_ALIASES
from refs.latex import latex_to_text
from refs.names import parse_names

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Bytes that were not UTF-8, kept as lone surrogates (a macro may carry them into a field).
_SURROGATES = re.compile("[\ud800-\udfff]+")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Fields whose value names other entries by citekey (comma-separated where BibLaTeX allows).
NAMING_FIELDS = ("crossref", "xref", "xdata", "related", "entryset")

# What must agree beside title, year and author, each with the fields that give it.
_DESCRIPTION = (
    ("container", ("journaltitle", "journal", "booktitle")),
    ("volume", ("volume",)),
    ("number", ("number", "issue")),
    ("pages", ("pages",)),
)
# What must agree beside the ISBN: the part of the book an entry is.
_PART = (("pages", ("pages",)), ("chapter", ("chapter",)), ("volume", ("volume",)))
# Two titles under one DOI are the same work's if they share at least this share of words.
_TITLE_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class Match:
    """The citekey of a known work that an entry resembles, and why.

    `is_exact` is True when the rules say it is the same work, False when it only may be.
    """

    citekey: str
    reason: str
    is_exact: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Work:
    """An entry as the rules see it: its type, its own fields (BibTeX values), and its
    fields with what it inherits through `crossref` and `xdata` (`crossref.resolved_fields`)
    when that differs. The DOI and ISBN are read from its own fields only."""

    entry_type: str
    fields: Mapping[str, str]
    resolved: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Profile:
    """The folded values the rules compare, worked out once per work."""

    entry_type: str
    doi: str
    isbns: list[str]
    title: str  # title and subtitle, folded
    shown_title: str
    title_key: str  # "title|year|family", or "" without a title or a year
    families: tuple[str, ...]  # the authors' (else editors') family names, folded
    date: tuple[str, ...]  # (year, month, day), as far as known
    fingerprint: str  # the type and every field, or "" for an entry without fields
    aspects: _Aspects  # the _DESCRIPTION and _PART values
    names: frozenset[str]  # the citekeys it names, lower-cased

    @property
    def described(self) -> Mapping[str, str]:
        """The _DESCRIPTION and _PART values, folded."""
        return self.aspects.described()

    @property
    def shown(self) -> Mapping[str, str]:
        """The same, as written, for reasons."""
        return self.aspects.shown()


class _Aspects:
    """A work's container, volume, number, pages and chapter, read from LaTeX only when it
    is compared with another work that shares a key: most works of an import never are,
    and converting them all was much of the time judging a large file took."""

    __slots__ = ("_described", "_fields", "_shown")

    def __init__(self, fields: Mapping[str, str]) -> None:
        self._fields = fields
        self._shown: dict[str, str] | None = None
        self._described: dict[str, str] | None = None

    def shown(self) -> dict[str, str]:
        """Each aspect's first value, as plain text (aspects without one left out)."""
        if self._shown is None:
            shown: dict[str, str] = {}
            for aspect, names in _DESCRIPTION + _PART:
                value = next((self._fields[n] for n in names if self._fields.get(n)), "")
                if value:
                    shown[aspect] = latex_to_text(value).strip()
            self._shown = shown
        return self._shown

    def described(self) -> dict[str, str]:
        """The same values, folded for comparing."""
        if self._described is None:
            self._described = {aspect: _fold(value) for aspect, value in self.shown().items()}
        return self._described


class DuplicateFinder:
    """The known works, indexed by DOI, ISBN, (title, year, first author) and citekey."""

    def __init__(self) -> None:
        self._works: list[tuple[str, _Profile]] = []
        self._by_key: dict[tuple[str, str], list[int]] = {}
        # The work last looked for: an import adds the very work it has just looked for,
        # and profiling it (its title, names and date read from LaTeX) twice cost a third
        # of the comparison.
        self._last: tuple[Work, _Profile] | None = None

    def add(self, citekey: str, work: Work) -> None:
        """Remember `work` under `citekey`."""
        profile = self._profile(work)
        number = len(self._works)
        self._works.append((citekey, profile))
        for key in _index_keys(profile, citekey):
            self._by_key.setdefault(key, []).append(number)

    def _profile(self, work: Work) -> _Profile:
        last = self._last
        return last[1] if last is not None and last[0] is work else _profile(work)

    def find(self, work: Work, *, citekey: str = "") -> Match | None:
        """The known work that `work` is (an exact match), else the one it resembles most,
        else None.

        Known works that `work` names (in `crossref`, `xdata`…) never match it, nor those
        that name `citekey`, its own: an entry is not a duplicate of its parent or child.
        """
        profile = self._profile(work)
        self._last = (work, profile)
        own = citekey.lower()
        closest: tuple[int, Match] | None = None
        for key in _index_keys(profile, citekey):
            for number in self._by_key.get(key, []):
                known_citekey, known = self._works[number]
                if known_citekey.lower() in profile.names or own in known.names:
                    continue
                differences, match = _compare(key, profile, known_citekey, known)
                if match.is_exact:
                    return match
                if closest is None or differences < closest[0]:
                    closest = (differences, match)
        return None if closest is None else closest[1]


def named_citekeys(fields: Mapping[str, str]) -> list[str]:
    """The citekeys that `fields` name in `crossref`, `xref`, `xdata`, `related`, `entryset`."""
    found = []
    for name in NAMING_FIELDS:
        found += [part.strip() for part in fields.get(name, "").split(",") if part.strip()]
    return found


def normalise_doi(doi: str) -> str:
    """`https://doi.org/10.1000/ABC` → `10.1000/abc` (DOIs ignore case)."""
    return _DOI_PREFIX.sub("", doi.strip()).lower()


def normalise_isbns(isbn: str) -> list[str]:
    """Each ISBN in the field as 13 digits (ISBN-10s converted), so both forms match."""
    found = []
    for candidate in re.split(r"[;,\s]+(?=\d)", isbn):
        digits = re.sub(r"[^0-9Xx]", "", candidate).upper()
        if len(digits) == 10:
            digits = _isbn13("978" + digits[:9])
        if len(digits) == 13 and digits.isdigit():
            found.append(digits)
    return found


def _index_keys(profile: _Profile, citekey: str) -> list[tuple[str, str]]:
    keys = [("DOI", profile.doi)] if profile.doi else []
    keys += [("ISBN", isbn) for isbn in profile.isbns]
    if profile.title_key:
        keys.append(("title", profile.title_key))
    if profile.fingerprint and citekey:
        keys.append(("fields", f"{citekey.lower()}|{profile.fingerprint}"))
    return keys


def _compare(
    key: tuple[str, str], new: _Profile, citekey: str, known: _Profile
) -> tuple[int, Match]:
    """How the work `new` relates to `known`, which shares `key` with it: the number of
    differences that make it only a possible duplicate, and the match."""
    kind, value = key
    if kind == "fields":
        return 0, Match(citekey, "same citekey, entry type and fields")
    reason = f"same {kind} ({', '.join(part for part in value.split('|') if part)})"
    if kind == "DOI":
        differences = [] if _titles_overlap(new, known) else [_shown("title", new, known)]
    elif kind == "ISBN":
        differences = _differences(new, known, _PART)
        if new.entry_type != known.entry_type:
            differences.insert(0, f"type {new.entry_type} vs {known.entry_type}")
    else:
        differences = _differences(new, known, _DESCRIPTION)
        if not _is_prefix(new.date, known.date):
            differences.insert(0, f"date {'-'.join(new.date)} vs {'-'.join(known.date)}")
        if not _is_prefix(new.families, known.families):
            authors = f"{', '.join(new.families)} vs {', '.join(known.families)}"
            differences.insert(0, f"authors {authors}")
        if new.entry_type != known.entry_type:
            differences.insert(0, f"type {new.entry_type} vs {known.entry_type}")
    if not differences:
        return 0, Match(citekey, reason)
    return len(differences), Match(
        citekey, f"{reason} but {', '.join(differences)}", is_exact=False
    )


def _differences(
    new: _Profile, known: _Profile, aspects: tuple[tuple[str, tuple[str, ...]], ...]
) -> list[str]:
    return [
        _shown(aspect, new, known)
        for aspect, _ in aspects
        if new.described.get(aspect, "") != known.described.get(aspect, "")
    ]


def _shown(aspect: str, new: _Profile, known: _Profile) -> str:
    if aspect == "title":
        return f"title {new.shown_title!r} vs {known.shown_title!r}"
    return f"{aspect} {new.shown.get(aspect) or 'none'} vs {known.shown.get(aspect) or 'none'}"


def _titles_overlap(new: _Profile, known: _Profile) -> bool:
    """Whether two titles could be one work's: either missing, or enough words shared."""
    words, other = set(new.title.split()), set(known.title.split())
    if not words or not other:
        return True
    return len(words & other) >= _TITLE_OVERLAP * len(words | other)


def _is_prefix(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether the shorter of two sequences is the start of the longer."""
    shorter = min(len(one), len(other))
    return one[:shorter] == other[:shorter]


def _profile(work: Work) -> _Profile:
    described = work.fields if work.resolved is None else work.resolved
    own = work.fields
    entry_type = _canonical_type(work.entry_type)
    shown_title = " ".join(
        latex_to_text(described[name]).strip()
        for name in ("title", "subtitle")
        if described.get(name)
    )
    title = _fold(shown_title)
    date = _date(described)
    families = _families(described)
    # An anonymous work matches only another anonymous one with the same title and year.
    title_key = f"{title}|{date[0]}|{families[0] if families else ''}" if title and date else ""
    return _Profile(
        entry_type=entry_type,
        doi=normalise_doi(own.get("doi", "")),
        isbns=normalise_isbns(own.get("isbn", "")),
        title=title,
        shown_title=shown_title,
        title_key=title_key,
        families=families,
        date=date,
        fingerprint=repr((entry_type, sorted(own.items()))) if own else "",
        aspects=_Aspects(described),
        names=frozenset(citekey.lower() for citekey in named_citekeys(own)),
    )


def _canonical_type(entry_type: str) -> str:
    lowered = entry_type.lower()
    return TYPE_ALIASES.get(lowered, lowered)


def _isbn13(first_twelve: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


def _fold(text: str) -> str:
    return _NOT_ALNUM.sub(" ", unidecode(_SURROGATES.sub(" ", text)).lower()).strip()


def _date(fields: Mapping[str, str]) -> tuple[str, ...]:
    """(year, month, day) as far as the fields give them, each from `date` (ISO 8601, the
    start of a range) or else from `year`, `month` and `day`; () without a year.

    A `month` that cannot be read counts as none: dates compare as compatible when the more
    precise one starts with the other, so a value not understood never makes a difference.
    """
    date = latex_to_text(fields.get("date", ""))
    found = re.match(r"\s*(-?[0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?", date)
    year, month, day = found.groups() if found else (None, None, None)
    if not year:  # `year = 2003`, or a date that is not ISO 8601 (`Summer 1957`)
        written = re.search(r"-?[0-9]{4}", latex_to_text(fields.get("year", "")) or date)
        year = written.group() if written else None
    month = month or _month(latex_to_text(fields.get("month", "")))
    if not day:
        written = re.fullmatch(r"\s*([0-9]{1,2})\s*", fields.get("day", ""))
        day = f"{int(written.group(1)):02d}" if written else None
    if not year:
        return ()
    return (year, month, day) if month and day else (year, month) if month else (year,)


def _month(text: str) -> str:
    """`7`, `jul`, `July` or `10~January` as `07`/`01`; "" if no month can be read."""
    number = re.fullmatch(r"\s*([0-9]{1,2})\s*", text)
    if number and 1 <= int(number.group(1)) <= 12:
        return f"{int(number.group(1)):02d}"
    name = re.search(rf"\b({'|'.join(_MONTHS)})", text.lower())
    return f"{_MONTHS.index(name.group()) + 1:02d}" if name else ""


def _families(fields: Mapping[str, str]) -> tuple[str, ...]:
    names = parse_names(fields.get("author") or fields.get("editor") or "")
    return tuple(_fold(person.family or person.literal) for person in names.people)
