"""Convert a reference to a CSL-JSON item, the input of every citation style.

Titles are never re-cased here: the style decides casing, as Zotero's does. What the user
protected with braces (`{USSR}`, `{de Gaulle}`) becomes `<span class="nocase">…</span>`,
the CSL-JSON markup that citeproc-js honours, so no style's title case touches it;
`\\emph{…}` inside a title becomes `<i>…</i>` (a title within a title).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from refs.latex import latex_to_text
from refs.model import Reference
from refs.names import NameList, Person, parse_names
from refs.store import ReferenceStore

# Any: a CSL-JSON item is open-ended JSON whose values are strings, lists and dicts.
CslItem = dict[str, Any]

ENTRY_TYPES: Mapping[str, str] = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "incollection": "chapter",
    "collection": "book",
    "mvcollection": "book",
    "inproceedings": "paper-conference",
    "proceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "inreference": "entry-encyclopedia",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "manual": "report",
    "booklet": "pamphlet",
    "unpublished": "manuscript",
    "misc": "document",
    "periodical": "periodical",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
}

# BibLaTeX `editoratype` values and the CSL name variable each means.
EDITOR_TYPES: Mapping[str, str] = {
    "editor": "editor",
    "translator": "translator",
    "compiler": "compiler",
    "director": "director",
    "organizer": "organizer",
    "collaborator": "contributor",
    "redactor": "editor",
    "reviser": "editor",
    "founder": "contributor",
    "continuator": "contributor",
}

NAME_FIELDS: Mapping[str, str] = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
}

TEXT_FIELDS: Mapping[str, str] = {
    "volume": "volume",
    "publisher": "publisher",
    "location": "publisher-place",
    "address": "publisher-place",
    "isbn": "ISBN",
    "issn": "ISSN",
    "url": "URL",
    "note": "note",
    "abstract": "abstract",
    "keywords": "keyword",
    "volumes": "number-of-volumes",
    "pagetotal": "number-of-pages",
    "series": "collection-title",
    "chapter": "chapter-number",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "eventtitle": "event-title",
    "venue": "event-place",
    "version": "version",
    "shortjournal": "container-title-short",
    "origlocation": "original-publisher-place",
    "origpublisher": "original-publisher",
}

# Babel/polyglossia language names (BibLaTeX `langid`) as BCP 47 tags; citeproc-js
# applies English title case only to items in English (or of no stated language).
LANGUAGES: Mapping[str, str] = {
    "english": "en",
    "american": "en-US",
    "usenglish": "en-US",
    "british": "en-GB",
    "ukenglish": "en-GB",
    "russian": "ru",
    "ukrainian": "uk",
    "german": "de",
    "ngerman": "de",
    "austrian": "de-AT",
    "french": "fr",
    "italian": "it",
    "spanish": "es",
    "portuguese": "pt",
    "polish": "pl",
    "czech": "cs",
    "serbian": "sr",
    "croatian": "hr",
    "dutch": "nl",
    "swedish": "sv",
    "latin": "la",
    "greek": "el",
}

_THESIS_GENRES: Mapping[str, str] = {
    "phdthesis": "PhD diss.",
    "mastersthesis": "Master's thesis",
    "mathesis": "Master's thesis",
    "phd": "PhD diss.",
}

_ORDINALS: Mapping[str, int] = {
    word: number
    for number, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"),
        start=1,
    )
} | {"tenth": 10}

# Fields a child never takes from its `crossref` parent (BibLaTeX's inheritance rules).
_NOT_INHERITED = frozenset(
    {"ids", "crossref", "xref", "entryset", "entrysubtype", "label", "shorthand", "sortkey"}
)
# A parent's own title fields become the child's container fields.
_INHERITED_AS: Mapping[str, str] = {
    "title": "booktitle",
    "subtitle": "booksubtitle",
    "titleaddon": "booktitleaddon",
    "shorttitle": "",
}
_NEWSPAPER_HINTS = ("newspaper", "news")


def stored_reference_to_csl(store: ReferenceStore, citekey: str) -> CslItem:
    """The CSL-JSON item of `citekey` in `store`, with its `crossref` parent's fields."""
    reference = store.get(citekey)
    parent_key = reference.fields.get("crossref", "")
    parent = store.get(parent_key) if parent_key in store else None
    return reference_to_csl(reference, parent)


def reference_to_csl(reference: Reference, parent: Reference | None = None) -> CslItem:
    """The CSL-JSON item for `reference`; `parent` is its `crossref` target, if any."""
    fields = _inherited_fields(reference, parent)
    csl_type = _csl_type(reference.entry_type, fields)
    item: CslItem = {"id": reference.citekey, "type": csl_type}
    _add_names(item, fields)
    title = _full_title(fields, "title", "subtitle", "titleaddon")
    if title:
        item["title"] = title
    if "shorttitle" in fields:
        item["title-short"] = latex_to_markup(fields["shorttitle"])
    container = _container_title(fields, csl_type)
    if container:
        item["container-title"] = container
    _add_main_title(item, fields)
    for bib_name, csl_name in TEXT_FIELDS.items():
        if bib_name in fields and csl_name not in item:
            item[csl_name] = latex_to_text(fields[bib_name])
    _add_howpublished(item, fields)
    if csl_type == "webpage" and "container-title" not in item and "publisher" in item:
        item["container-title"] = item.pop("publisher")
    _add_numbers(item, fields, csl_type)
    _add_genre(item, reference.entry_type, fields)
    if "edition" in fields:
        item["edition"] = _edition(latex_to_text(fields["edition"]))
    if "pages" in fields:
        item["page"] = latex_to_text(fields["pages"]).replace("\u2013", "-")
    if "doi" in fields:
        item["DOI"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", fields["doi"].strip())
    language = fields.get("langid") or fields.get("language")
    if language:
        folded = latex_to_text(language).strip().lower()
        item["language"] = LANGUAGES.get(folded, folded)
    issued = _issued(fields)
    if issued is not None:
        item["issued"] = issued
    for bib_name, csl_name in (
        ("urldate", "accessed"),
        ("origdate", "original-date"),
        ("eventdate", "event-date"),
    ):
        if bib_name in fields:
            date = parse_date(fields[bib_name])
            if date is not None:
                item[csl_name] = date
    return item


def _inherited_fields(reference: Reference, parent: Reference | None) -> dict[str, str]:
    fields = dict(reference.fields)
    if parent is None:
        return fields
    for name, value in parent.fields.items():
        if name in _NOT_INHERITED:
            continue
        target = _INHERITED_AS.get(name, name)
        if target:
            fields.setdefault(target, value)
    return fields


def _csl_type(entry_type: str, fields: Mapping[str, str]) -> str:
    entry_subtype = fields.get("entrysubtype", "").strip().lower()
    if entry_type == "article" and entry_subtype in _NEWSPAPER_HINTS:
        return "article-newspaper"
    if entry_type == "article" and entry_subtype == "magazine":
        return "article-magazine"
    return ENTRY_TYPES.get(entry_type, "document")


def _add_names(item: CslItem, fields: Mapping[str, str]) -> None:
    for bib_name, csl_name in NAME_FIELDS.items():
        if bib_name in fields:
            names = _csl_names(parse_names(fields[bib_name]))
            if names:
                item[csl_name] = names
    if "editora" in fields:
        role = EDITOR_TYPES.get(fields.get("editoratype", "editor").strip().lower(), "editor")
        names = _csl_names(parse_names(fields["editora"]))
        if names:
            item[role] = [*item.get(role, []), *names]


def _csl_names(names: NameList) -> list[dict[str, str]]:
    """CSL names; "and others" is left out, since CSL-JSON has no way to say it (the
    style's own et-al rule then decides)."""
    return [_csl_person(person) for person in names.people]


def _csl_person(person: Person) -> dict[str, str]:
    if person.literal:
        return {"literal": person.literal}
    csl = {"family": person.family, "given": person.given}
    if person.particle:
        csl["non-dropping-particle"] = person.particle
    if person.suffix:
        csl["suffix"] = person.suffix
    return {key: value for key, value in csl.items() if value}


def _full_title(fields: Mapping[str, str], title: str, subtitle: str, addon: str) -> str:
    """`title: subtitle. addon`, as BibLaTeX prints them (no colon after `?` or `!`)."""
    if title not in fields:
        return ""
    text = latex_to_markup(fields[title])
    if subtitle in fields:
        separator = " " if text.rstrip().endswith(("?", "!")) else ": "
        text = f"{text}{separator}{latex_to_markup(fields[subtitle])}"
    if addon in fields:
        separator = " " if text.rstrip().endswith((".", "?", "!")) else ". "
        text = f"{text}{separator}{latex_to_markup(fields[addon])}"
    return text


def _container_title(fields: Mapping[str, str], csl_type: str) -> str:
    journal = _full_title(fields, "journaltitle", "journalsubtitle", "journaltitleaddon")
    if journal or "journal" in fields:
        return journal or latex_to_markup(fields["journal"])
    return _full_title(fields, "booktitle", "booksubtitle", "booktitleaddon")


def _add_howpublished(item: CslItem, fields: Mapping[str, str]) -> None:
    """BibTeX's `howpublished` is a URL (`\\url{…}`) or, most often, who published it."""
    if "howpublished" not in fields:
        return
    value = latex_to_text(re.sub(r"\\url\s*\{([^}]*)\}", r"\1", fields["howpublished"]))
    if re.match(r"https?://", value):
        item.setdefault("URL", value)
    else:
        item.setdefault("publisher", value)


def _add_main_title(item: CslItem, fields: Mapping[str, str]) -> None:
    """A volume of a multi-volume work: CSL's `volume-title` is the volume's own title and
    the set's title (`maintitle`) becomes the title or container title."""
    main = _full_title(fields, "maintitle", "mainsubtitle", "maintitleaddon")
    if not main:
        return
    if "container-title" in item and item["container-title"] != main:
        item["volume-title"], item["container-title"] = item["container-title"], main
    elif "container-title" not in item and "title" in item:
        item["volume-title"], item["title"] = item["title"], main


def _add_numbers(item: CslItem, fields: Mapping[str, str], csl_type: str) -> None:
    """`number` is an issue in a periodical, a series number for a book, else a number."""
    number = latex_to_text(fields["number"]) if "number" in fields else ""
    issue = latex_to_text(fields["issue"]) if "issue" in fields else ""
    if csl_type.startswith("article"):
        if number or issue:
            item["issue"] = number or issue
    elif number and "series" in fields:
        item["collection-number"] = number
    elif number:
        item["number"] = number
    if issue and "issue" not in item:
        item["issue"] = issue


def _add_genre(item: CslItem, entry_type: str, fields: Mapping[str, str]) -> None:
    given = latex_to_text(fields["type"]).strip() if "type" in fields else ""
    genre = _THESIS_GENRES.get(given.lower(), given) or _THESIS_GENRES.get(entry_type, "")
    if genre:
        item["genre"] = genre


def _edition(value: str) -> str:
    """`3`, `3rd`, `third` → "3" (a number the style can write as "3rd ed."); else as given."""
    text = value.strip()
    match = re.fullmatch(r"(\d+)\s*(st|nd|rd|th)?\.?", text, re.IGNORECASE)
    if match:
        return match.group(1)
    ordinal = _ORDINALS.get(text.lower())
    return str(ordinal) if ordinal else text


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def _issued(fields: Mapping[str, str]) -> dict[str, Any] | None:
    if "date" in fields:
        return parse_date(fields["date"])
    if "year" not in fields:
        return None
    year = latex_to_text(fields["year"]).strip()
    if not year.lstrip("-").isdigit():
        return {"literal": year}
    part: list[int] = [int(year)]
    month = _month_number(fields.get("month", ""))
    if month is not None:
        part.append(month)
        day = fields.get("day", "").strip()
        if day.isdigit():
            part.append(int(day))
    return {"date-parts": [part]}


def _month_number(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value)


_DATE = re.compile(r"(?P<year>-?\d{1,4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


def parse_date(value: str) -> dict[str, Any] | None:
    """A BibLaTeX/ISO 8601 date or range as CSL: `1957-07-07`, `1955/1960`, `1957-07/`.

    An uncertain (`1957?`) or approximate (`1957~`) date is marked `circa`; anything else
    is kept as a literal rather than guessed at.
    """
    text = value.strip()
    if not text:
        return None
    circa = text.endswith(("?", "~", "%"))
    text = text.rstrip("?~%")
    parts: list[list[int]] = []
    for end in text.split("/")[:2]:
        end = end.strip().split("T")[0]
        if not end or end == "..":
            continue
        match = _DATE.fullmatch(end)
        if match is None:
            return {"literal": value.strip()}
        parts.append([int(piece) for piece in match.groups() if piece is not None])
    if not parts:
        return None
    date: dict[str, Any] = {"date-parts": parts}
    if circa:
        date["circa"] = True
    return date


_EMPHASIS = ("emph", "textit", "mkbibemph", "textsl")
# Groups nested deeper than this are shown as plain text: no title needs more, and a
# damaged or hostile file with thousands of nested braces must not exhaust the stack.
_MAX_NESTING = 32


def latex_to_markup(value: str, *, protected: bool = False, depth: int = 0) -> str:
    """A title's LaTeX as CSL-JSON rich text: protected groups in nocase spans, emphasis
    in `<i>`, everything else as Unicode (`{USSR} and \\emph{Pravda}` →
    `<span class="nocase">USSR</span> and <i>Pravda</i>`)."""
    if depth > _MAX_NESTING:
        return _plain(value).strip()
    pieces: list[str] = []
    plain_start = 0
    position = 0
    while position < len(value):
        char = value[position]
        if char == "\\":
            command = re.match(r"\\([A-Za-z]+)\s*\{", value[position:])
            if command and command.group(1) in _EMPHASIS:
                end = _group_end(value, position + command.end() - 1)
                pieces.append(_plain(value[plain_start:position]))
                inner = value[position + command.end() : end]
                markup = latex_to_markup(inner, protected=protected, depth=depth + 1)
                pieces.append(f"<i>{markup}</i>")
                position = plain_start = end + 1
                continue
            # Any other command keeps its argument: `\'{c}` is an accent, not protection.
            other = re.match(r"\\(?:[A-Za-z]+|.)\s*", value[position:])
            position += other.end() if other else 1
            if position < len(value) and value[position] == "{":
                position = _group_end(value, position) + 1
            continue
        if char == "{":
            end = _group_end(value, position)
            group = value[position + 1 : end]
            if group.startswith("\\") or not group.strip():
                position = end + 1  # a LaTeX special character: BibTeX does not protect it
                continue
            pieces.append(_plain(value[plain_start:position]))
            inner = latex_to_markup(group, protected=True, depth=depth + 1)
            pieces.append(inner if protected else f'<span class="nocase">{inner}</span>')
            position = plain_start = end + 1
            continue
        position += 1
    pieces.append(_plain(value[plain_start:]))
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def _group_end(text: str, start: int) -> int:
    """Index of the `}` closing the `{` at `start` (or the end of text if unbalanced)."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "\\":
            continue
        if text[index] == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif text[index] == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return len(text)


def _plain(latex: str) -> str:
    """Unicode for a stretch of LaTeX, keeping its edge spaces."""
    if not latex:
        return ""
    text = latex_to_text(latex)
    lead = " " if latex[:1].isspace() else ""
    trail = " " if latex[-1:].isspace() else ""
    return f"{lead}{text}{trail}"


def csl_items(references: Sequence[Reference]) -> list[CslItem]:
    """The CSL items of `references`, in order, each with the fields of its `crossref`
    parent when that parent is among them."""
    by_citekey = {reference.citekey: reference for reference in references}
    items = []
    for reference in references:
        parent_key = reference.fields.get("crossref", "")
        items.append(reference_to_csl(reference, by_citekey.get(parent_key)))
    return items
