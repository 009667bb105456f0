"""Convert a reference to a CSL-JSON item, the input of every citation style.

The mapping follows BibLaTeX's data model (biber's view of an entry: its own fields, its
`xdata` and `crossref` inheritance, list fields, localisation keys, EDTF dates) and writes
what citeproc-js needs to print it as Zotero would. Each CSL variable is filled by one
step below, in order, and a step never overwrites what an earlier one set.

Titles are never re-cased here: the style decides casing, as Zotero's does. What the user
protected with braces (`{USSR}`) becomes `<span class="nocase">…</span>` and markup
becomes CSL rich text (`refs/latex.py`). URLs, DOIs and eprints are never read as LaTeX.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from refs.crossref import Lookup, resolved_fields
from refs.csldates import issued_date, parse_date
from refs.cslvocab import (
    CONTAINED_TYPES,
    ENTRY_TYPES,
    EPRINT_URLS,
    EPRINT_VARIABLES,
    LANGUAGES,
    LOCALISATION_KEYS,
    NAME_FIELDS,
    NOT_WORKS,
    ROLES,
    THESIS_GENRES,
)
from refs.latex import latex_to_markup, latex_to_text
from refs.model import Reference, remember_csl
from refs.names import NameList, Person, parse_names, split_list
from refs.repository import ReferenceRepository

# Any: a CSL-JSON item is open-ended JSON whose values are strings, lists and dicts.
CslItem = dict[str, Any]
Fields = Mapping[str, str]

# CSL's marker for BibTeX's `and others`: a last name that the citation bridge prints as
# the style's own "et al." (pandoc writes it the same way).
OTHERS = {"literal": "others"}

# Plain-text fields and the CSL variable each fills (the first field present wins).
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("isrn", "number"),
    ("abstract", "abstract"),
    ("keywords", "keyword"),
    ("volumes", "number-of-volumes"),
    ("pagetotal", "number-of-pages"),
    ("chapter", "chapter-number"),
    ("venue", "event-place"),
    ("version", "version"),
    ("origlocation", "original-publisher-place"),
    ("origpublisher", "original-publisher"),
    ("library", "call-number"),
)
# Title-like fields (rich text) and the CSL variable each fills.
TITLE_FIELDS: tuple[tuple[str, str], ...] = (
    ("shorttitle", "title-short"),
    ("shortjournal", "container-title-short"),
    ("eventtitle", "event-title"),
    ("origtitle", "original-title"),
)
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_URL_COMMAND = re.compile(r"^\s*\\(?:url|href)\s*\{([^{}]*)\}.*$", re.DOTALL)
_ORDINALS: Mapping[str, int] = {
    word: number
    for number, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
        ],
        start=1,
    )
}


def stored_reference_to_csl(store: ReferenceRepository, citekey: str) -> CslItem:
    """The CSL-JSON item of `citekey` in `store`, with what it inherits from other entries."""
    return reference_to_csl(store.get(citekey), store.find)


def reference_to_csl(reference: Reference, lookup: Lookup | None = None) -> CslItem:
    """The CSL-JSON item for `reference`; `lookup` finds its `crossref` and `xdata` entries.

    An entry that inherits nothing is converted once: the item stays on it (and the store
    keeps it in its cache), so callers share it and must not change it.
    """
    if reference.csl is not None:
        return reference.csl
    fields = resolved_fields(reference, lookup or _nothing)
    entry_type = reference.entry_type.lower()
    csl_type = _csl_type(entry_type, fields)
    item: CslItem = {"id": reference.citekey, "type": csl_type}
    for step in _STEPS:
        step(item, entry_type, fields)
    if not reference.inherits:
        remember_csl(reference, item)
    return item


def csl_items(
    references: Sequence[Reference], library: Mapping[str, Reference] | None = None
) -> list[CslItem]:
    """The CSL items of the works among `references`, in order, each with what it inherits
    from entries in `library` (by default, from the others among `references`)."""
    known = library if library is not None else {ref.citekey: ref for ref in references}
    folded = {citekey.lower(): reference for citekey, reference in known.items()}

    def lookup(citekey: str) -> Reference | None:
        return known.get(citekey) or folded.get(citekey.lower())

    return [reference_to_csl(reference, lookup) for reference in references if is_work(reference)]


def is_work(reference: Reference) -> bool:
    """False for entries that only lend fields to others (`@xdata`) or group them (`@set`)."""
    return reference.entry_type.lower() not in NOT_WORKS


def _nothing(citekey: str) -> Reference | None:
    return None


def _csl_type(entry_type: str, fields: Fields) -> str:
    subtype = fields.get("entrysubtype", "").strip().lower()
    if entry_type == "article" and subtype in ("newspaper", "news"):
        return "article-newspaper"
    if entry_type == "article" and subtype == "magazine":
        return "article-magazine"
    return ENTRY_TYPES.get(entry_type, "document")


def _add_names(item: CslItem, entry_type: str, fields: Fields) -> None:
    """Authors, editors (by `editortype`), translators, `editora`–`editorc` by their types."""
    for bib_name, csl_name in NAME_FIELDS.items():
        _add_people(item, csl_name, fields.get(bib_name, ""))
    for bib_name in ("editor", "editora", "editorb", "editorc"):
        default = "editor" if bib_name == "editor" else "contributor"
        role = latex_to_text(fields.get(f"{bib_name}type", "editor")).strip().lower()
        _add_people(item, ROLES.get(role, default), fields.get(bib_name, ""))


def _add_people(item: CslItem, variable: str, value: str) -> None:
    names = _csl_names(parse_names(value)) if value.strip() else []
    if names:
        item[variable] = [*item.get(variable, []), *names]


def _csl_names(names: NameList) -> list[dict[str, str]]:
    people = [_csl_person(person) for person in names.people]
    return [*people, dict(OTHERS)] if names.has_others and people else people


def _csl_person(person: Person) -> dict[str, str]:
    if person.literal:
        return {"literal": person.literal}
    csl = {"family": person.family, "given": person.given}
    if person.particle:
        csl["non-dropping-particle"] = person.particle
    if person.suffix:
        csl["suffix"] = person.suffix
    return {key: value for key, value in csl.items() if value}


def _add_titles(item: CslItem, entry_type: str, fields: Fields) -> None:
    """The work's title, its container's, and a volume's title within a multi-volume work."""
    title = full_title(fields, "title", "subtitle", "titleaddon")
    if title:
        item["title"] = title
    container = full_title(fields, "journaltitle", "journalsubtitle", "journaltitleaddon")
    if not container and fields.get("journal", "").strip():
        container = latex_to_markup(fields["journal"])
    if not container and entry_type in CONTAINED_TYPES:
        container = full_title(fields, "booktitle", "booksubtitle", "booktitleaddon")
    if container:
        item["container-title"] = container
    issue = full_title(fields, "issuetitle", "issuesubtitle", "issuetitleaddon")
    if issue and item["type"] == "periodical" and title:
        # A special issue: the issue is the item, the periodical its container.
        item["title"], item["container-title"] = issue, title
    elif issue:
        item["volume-title"] = issue
    main = full_title(fields, "maintitle", "mainsubtitle", "maintitleaddon")
    if main and item.get("container-title", main) != main:
        item["volume-title"], item["container-title"] = item["container-title"], main
    elif main and "container-title" not in item and "title" in item and main != title:
        item["volume-title"], item["title"] = item["title"], main
    elif main and "title" not in item:
        item["title"] = main  # a volume with no title of its own is known by the set's
    for bib_name, csl_name in TITLE_FIELDS:
        if fields.get(bib_name, "").strip():
            item.setdefault(csl_name, latex_to_markup(fields[bib_name]))
    # A journal's series may name a localisation key (`newseries`); a book's series never.
    series_field = fields.get("series", "")
    if item["type"] in ("article-journal", "periodical"):
        series = _localised(series_field, markup=True)
    else:
        series = latex_to_markup(series_field)
    if series:
        item["collection-title"] = series


def full_title(fields: Fields, title: str, subtitle: str, addon: str) -> str:
    """`title: subtitle`, then the addon: after a space when it is in square brackets (a
    translated title, as APA and Chicago print one), else after a period, as BibLaTeX does."""
    text = latex_to_markup(fields.get(title, ""))
    if not text:
        return ""
    sub = latex_to_markup(fields.get(subtitle, ""))
    if sub:
        separator = " " if text.endswith(("?", "!", ":", ".")) else ": "
        text = f"{text}{separator}{sub}"
    extra = latex_to_markup(fields.get(addon, ""))
    if extra:
        separator = " " if extra.startswith("[") or text.endswith((".", "?", "!")) else ". "
        text = f"{text}{separator}{extra}"
    return text


def _add_publication(item: CslItem, entry_type: str, fields: Fields) -> None:
    """Who published the work and where (lists in BibLaTeX: `A and B` is two of them)."""
    publisher = _list_text(fields.get("publisher", ""))
    institution = _list_text(fields.get("institution", "") or fields.get("school", ""))
    organization = _list_text(fields.get("organization", ""))
    if entry_type in ("report", "techreport", "thesis", "phdthesis", "mastersthesis"):
        publisher = institution or publisher or organization
    else:
        publisher = publisher or institution or organization
    if item["type"] == "legal_case" and publisher:
        item["authority"] = publisher  # the court
    elif item["type"] == "webpage" and publisher and "container-title" not in item:
        item["container-title"] = publisher  # the website, as MLA and Chicago print it
    elif publisher:
        item["publisher"] = publisher
    place = _list_text(fields.get("location", "") or fields.get("address", ""))
    if place:
        item["publisher-place"] = place
    howpublished = fields.get("howpublished", "")
    url = _verbatim_url(howpublished)
    if url:
        item.setdefault("URL", url)
    elif howpublished.strip() and "publisher" not in item:
        item["publisher"] = latex_to_text(howpublished)


def _list_text(value: str) -> str:
    """A BibLaTeX literal list as its English strings join it: `A`, `A and B`,
    `A, B, and C` (the serial comma of `\\finalandcomma`), `A et al.` for `and others`."""
    items = [latex_to_text(item) for item in split_list(value)]
    items = [item for item in items if item]
    if items and items[-1].lower() == "others":
        return ", ".join(items[:-1]) + " et al."
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _add_plain_fields(item: CslItem, entry_type: str, fields: Fields) -> None:
    for bib_name, csl_name in TEXT_FIELDS:
        if fields.get(bib_name, "").strip() and csl_name not in item:
            item[csl_name] = latex_to_text(fields[bib_name])


def _add_numbers(item: CslItem, entry_type: str, fields: Fields) -> None:
    """Volume, issue, a series number or another number, pages and edition."""
    volume = latex_to_text(fields.get("volume", ""))
    part = latex_to_text(fields.get("part", ""))
    if volume:
        item["volume"] = f"{volume}.{part}" if part else volume
    number = latex_to_text(fields.get("number", ""))
    issue = latex_to_text(fields.get("issue", ""))
    if item["type"].startswith("article") or item["type"] == "periodical":
        # BibLaTeX's `issue` is a designation such as "Spring": part of the date.
        if number or issue.isdigit():
            item["issue"] = number or issue
    elif number and "collection-title" in item:
        item["collection-number"] = number
    elif number:
        item["number"] = number
    # A range in CSL data takes a hyphen, as Zotero and every other converter write it;
    # the style sets the dash ("413–47").
    pages = latex_to_text(fields.get("pages", "")).replace("\u2013", "-")
    if pages:
        item["page"] = pages
    elif fields.get("eid", "").strip():
        item["number"] = latex_to_text(fields["eid"])
    edition = _edition(latex_to_text(fields.get("edition", "")))
    if edition:
        item["edition"] = edition


def _edition(value: str) -> str:
    """`3`, `3rd`, `third` → "3" (a number the style writes as "3rd ed."); else as given."""
    text = value.strip()
    match = re.fullmatch(r"(\d+)\s*(st|nd|rd|th|\.)?", text, re.IGNORECASE)
    if match:
        return match.group(1)
    ordinal = _ORDINALS.get(text.lower())
    return str(ordinal) if ordinal else text


def _add_genre(item: CslItem, entry_type: str, fields: Fields) -> None:
    """`type` names the kind of thesis or report, often by a localisation key."""
    genre = _localised(fields.get("type", "")) or LOCALISATION_KEYS.get(
        THESIS_GENRES.get(entry_type, ""), ""
    )
    if genre:
        item["genre"] = genre
    status = _localised(fields.get("pubstate", ""))
    if status:
        item["status"] = status


def _localised(value: str, *, markup: bool = False) -> str:
    """A field's text, or the English string when the field names a localisation key."""
    text = latex_to_markup(value) if markup else latex_to_text(value)
    return LOCALISATION_KEYS.get(text.strip().lower(), text)


def _add_notes(item: CslItem, entry_type: str, fields: Fields) -> None:
    """`note` and `addendum` are printed notes; an `annotation` (`annote` in BibTeX) is the
    reader's own comment, CSL's `annote`, which only annotated-bibliography styles print."""
    notes = [latex_to_text(fields.get(name, "")) for name in ("note", "addendum")]
    notes = [note for note in notes if note]
    if notes:
        *first, last = notes
        item["note"] = "".join(f"{note.rstrip('.')}. " for note in first) + last
    annotation = latex_to_text(fields.get("annotation", "") or fields.get("annote", ""))
    if annotation:
        item["annote"] = annotation


def _add_identifiers(item: CslItem, entry_type: str, fields: Fields) -> None:
    """DOI, URL and eprint, read verbatim (a `%` or `~` in a URL is part of it)."""
    doi = _DOI_PREFIX.sub("", _unwrapped(fields.get("doi", ""))).strip()
    if doi:
        item["DOI"] = doi
    url = _unwrapped(fields.get("url", "")).strip()
    if url:
        item["URL"] = url  # as written, a scheme or not (`www.example.org/x`)
    eprint = _unwrapped(fields.get("eprint", "")).strip()
    kind = (fields.get("eprinttype", "") or fields.get("archiveprefix", "")).strip().lower()
    if eprint and kind in EPRINT_VARIABLES:
        item[EPRINT_VARIABLES[kind]] = eprint
    elif eprint and kind in EPRINT_URLS:
        item.setdefault("URL", EPRINT_URLS[kind].format(eprint))


def _verbatim_url(value: str) -> str:
    text = _unwrapped(value).strip()
    return text if re.match(r"(?:https?|ftp)://", text) else ""


def _unwrapped(value: str) -> str:
    """A verbatim value without a `\\url{…}` around it."""
    match = _URL_COMMAND.match(value)
    return match.group(1) if match else value


def _add_language(item: CslItem, entry_type: str, fields: Fields) -> None:
    """The item's language as a BCP 47 tag: `langid`, else `hyphenation`, else `language`."""
    for name in ("langid", "hyphenation", "language"):
        value = latex_to_text(fields.get(name, "")).strip()
        if value:
            first = re.split(r"\s+and\s+|,", value)[0].strip()
            item["language"] = LANGUAGES.get(first.lower(), first)
            return


def _add_dates(item: CslItem, entry_type: str, fields: Fields) -> None:
    issued = issued_date(fields)
    issue = latex_to_text(fields.get("issue", ""))
    if issue and not issue.isdigit() and "issue" not in item:
        if issued is not None:
            issued["season"] = issue
        else:
            item["issue"] = issue  # no date to qualify: keep it where it shows
    if issued is not None:
        item["issued"] = issued
    for bib_name, csl_name in (
        ("urldate", "accessed"),
        ("origdate", "original-date"),
        ("eventdate", "event-date"),
    ):
        if fields.get(bib_name, "").strip():
            date = parse_date(latex_to_text(fields[bib_name]))
            if date is not None:
                item[csl_name] = date


_Step = Callable[[CslItem, str, Fields], None]
_STEPS: tuple[_Step, ...] = (
    _add_names,
    _add_titles,
    _add_publication,
    _add_numbers,
    _add_genre,
    _add_plain_fields,
    _add_notes,
    _add_identifiers,
    _add_language,
    _add_dates,
)
