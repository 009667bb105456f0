"""The documents the index holds, built from passages, notes and references.

Backend-neutral: a `SearchBackend` stores these fields however it likes. Each document
belongs to a `group` (all passages and notes of one citekey, or all references of one .bib
file), the unit in which the index is brought up to date with the files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotations.model import Locator, Passage
from index.normalforms import ordinal
from refs.model import Reference
from refs.names import parse_names

PASSAGE = "passage"
NOTE = "note"
REFERENCE = "reference"
KINDS = (PASSAGE, NOTE, REFERENCE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceFacts:
    """What a passage borrows from its reference to be found by author, title or year."""

    authors: str = ""
    title: str = ""
    container: str = ""
    year: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexDocument:
    """One searchable record: a passage, a note or a reference.

    `text` is what a hit shows (the quote, the note, the reference's title); `quote` and
    `note` are the fields searched with the highest weights. `details` is the text of a
    reference's other .bib fields (annotation, note, publisher, place, subtitle, …), or a
    passage's locator in words (`p 422`).
    """

    id: str
    kind: str
    group: str
    citekey: str
    text: str
    passage_id: str = ""
    locator: Locator | None = None
    year: str = ""
    tags: tuple[str, ...] = ()
    quote: str = ""
    note: str = ""
    authors: str = ""
    title: str = ""
    container: str = ""
    abstract: str = ""
    keywords: str = ""
    details: str = ""


@dataclass(frozen=True, slots=True)
class SearchedTexts:
    """The texts of one document as every backend indexes them (`index/schema.py` says why
    these fields): `body` its own words, `extra` what it borrows, `author` and `title` for
    `author:` and `title:` queries."""

    body: str
    extra: str
    author: str
    title: str


def searched_texts(document: IndexDocument) -> SearchedTexts:
    """The searched fields of `document`: one rule, so that Whoosh and PostgreSQL agree on
    what each kind of record is found by."""
    description = (
        document.title,
        document.authors,
        document.container,
        document.abstract,
        document.keywords,
    )
    # A citation names a work by citekey, author and year (`linden1966`, `Taubman 2003`).
    naming = (document.citekey, document.year)
    if document.kind == REFERENCE:
        body, extra = _joined((*description, *naming, document.details)), ""
    elif document.kind == NOTE:
        body, extra = document.note, _joined((*description, *naming, " ".join(document.tags)))
    else:
        body = document.quote
        extra = _joined((document.note, *description, *naming, *document.tags, document.details))
    # Passages are found by their reference's title through `extra`; only references
    # need `title` of their own, for `title:` queries.
    title = document.title if document.kind == REFERENCE else ""
    return SearchedTexts(body=body, extra=extra, author=document.authors, title=title)


def _joined(parts: Iterable[str]) -> str:
    """Texts as one field value, a blank line apart for whoever reads the stored form."""
    return "\n\n".join(part for part in parts if part)


def content_digest(document: IndexDocument) -> str:
    """A digest of everything an index holds of `document`, so that a backend can leave a
    document it already holds unchanged instead of rewriting it."""
    return hashlib.sha256(repr(document).encode()).hexdigest()[:20]


def passage_group(citekey: str) -> str:
    """The group of every passage and note of `citekey`: the passages file they live in."""
    return f"passages:{citekey}"


def bib_group(path: Path) -> str:
    """The group of every reference defined in the .bib file at `path`."""
    return f"bib:{path.name}"


def reference_year(reference: Reference) -> str:
    """The year of publication as written (`year`, else the start of `date`), or ""."""
    if "year" in reference.fields:
        return reference.text("year")
    return reference.text("date")[:4]


def reference_facts(reference: Reference | None) -> ReferenceFacts:
    """The fields a passage of `reference` is also found by; empty for an unknown citekey."""
    if reference is None:
        return ReferenceFacts()
    names = parse_names(reference.fields.get("author") or reference.fields.get("editor", ""))
    return ReferenceFacts(
        authors="; ".join(names.display_names),
        title=reference.text("title"),
        container=_container(reference),
        year=reference_year(reference),
    )


def reference_document(reference: Reference) -> IndexDocument:
    """The document for one reference, in the group of its .bib file."""
    facts = reference_facts(reference)
    return IndexDocument(
        id=f"reference:{reference.citekey}",
        kind=REFERENCE,
        group=bib_group(reference.path),
        citekey=reference.citekey,
        text=facts.title or reference.citekey,
        year=facts.year,
        authors=facts.authors,
        title=facts.title,
        container=facts.container,
        abstract=reference.text("abstract"),
        keywords=reference.text("keywords"),
        details=_details(reference),
    )


def passage_documents(passage: Passage, facts: ReferenceFacts) -> Iterator[IndexDocument]:
    """The document for one passage, then one per note, all in the group of its citekey.

    The passage is also found by the words of its notes (the user's own description of
    it), at the notes' lower weight. Notes carry their passage's tags, locator and year, so
    `tag:` and `year:` find them too.
    """
    group = passage_group(passage.citekey)
    yield IndexDocument(
        id=passage.id,
        kind=PASSAGE,
        group=group,
        citekey=passage.citekey,
        text=passage.text,
        passage_id=passage.id,
        locator=passage.locator,
        year=facts.year,
        tags=passage.tags,
        quote=passage.text,
        note="\n\n".join(note.text for note in passage.notes),
        authors=facts.authors,
        title=facts.title,
        container=facts.container,
        details=locator_words(passage.locator),
    )
    for note in passage.notes:
        yield IndexDocument(
            id=note.id,
            kind=NOTE,
            group=group,
            citekey=passage.citekey,
            text=note.text,
            passage_id=passage.id,
            locator=passage.locator,
            year=facts.year,
            tags=passage.tags,
            note=note.text,
        )


def _container(reference: Reference) -> str:
    for name in ("journaltitle", "journal", "booktitle", "series", "publisher"):
        value = reference.text(name)
        if value:
            return value
    return ""


# Fields whose text is described elsewhere in the document, or is not words of the work.
_DESCRIBED = frozenset(
    (
        "author",
        "editor",
        "title",
        "abstract",
        "keywords",
        "journaltitle",
        "journal",
        "booktitle",
        "series",
        "publisher",
        "year",
        "langid",
        "crossref",
        "xref",
        "xdata",
        "file",
        "entrysubtype",
        "options",
        "ids",
    )
)
# How a locator's label is written in citations (`p. 422`, `para. 3`, `ch. 2`).
_LABEL_ABBREVIATIONS = {
    "page": "p pp page",
    "paragraph": "para paragraph",
    "section": "sec section",
    "chapter": "ch chap chapter",
    "volume": "vol volume",
    "line": "l line",
    "column": "col column",
    "folio": "fol folio",
    "note": "n note",
}


def locator_words(locator: Locator | None) -> str:
    """A locator as the words a citation writes it with: `p pp page 422` for page 422."""
    if locator is None:
        return ""
    label = _LABEL_ABBREVIATIONS.get(locator.label, locator.label)
    return f"{label} {locator.value}"


def _details(reference: Reference) -> str:
    """The text of every .bib field not described elsewhere, one to a line: what a user may
    remember of a work (an annotation, a subtitle, a publisher's place, an edition)."""
    lines = []
    for name in sorted(reference.fields):
        if name in _DESCRIBED:
            continue
        value = reference.text(name)
        if name == "edition" and value.isdigit():
            value = f"{value} {ordinal(int(value))} edition"
        lines.append(value)
    lines.extend(
        reference.text(name) for name in ("series", "publisher") if name in reference.fields
    )
    return "\n".join(line for line in lines if line)
