"""Passages (quoted spans of a reference, with their locator) and the notes attached to them."""

from __future__ import annotations

from dataclasses import dataclass, field

# CSL's locator labels; `page` is the default.
LOCATOR_LABELS = (
    "act",
    "appendix",
    "article-locator",
    "book",
    "canon",
    "chapter",
    "column",
    "elocation",
    "equation",
    "figure",
    "folio",
    "issue",
    "line",
    "note",
    "opus",
    "page",
    "paragraph",
    "part",
    "rule",
    "scene",
    "section",
    "sub-verbo",
    "supplement",
    "table",
    "timestamp",
    "title-locator",
    "verse",
    "volume",
)


@dataclass(frozen=True, slots=True)
class Locator:
    """Where in a work a passage is: a CSL label and a value ("page", "422-423"; "page", "xiv")."""

    label: str
    value: str

    def __str__(self) -> str:
        return f"{self.label} {self.value}"


@dataclass(frozen=True, slots=True)
class QuotedIn:
    """The secondary work in which a quote was found (MLA's "qtd. in")."""

    citekey: str
    locator: Locator | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TextQuoteSelector:
    """W3C TextQuoteSelector: the exact words with some context before and after."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class TextPositionSelector:
    """W3C TextPositionSelector: character offsets [start, end) in the source text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    """Where a passage sits in a full text under the library's `sources/` folder."""

    source: str
    quote: TextQuoteSelector
    position: TextPositionSelector | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """The user's Markdown text about a passage; `revision` counts its edits, as a
    passage's does, and is what an edit may name to be accepted."""

    id: str
    text: str
    created: str
    modified: str
    revision: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """A quoted span of one reference, with its locator, tags, anchor and notes.

    `text` is kept exactly as given; `revision` counts the edits of the record and is what
    an edit must name to be accepted (optimistic concurrency). Timestamps are UTC ISO 8601.
    """

    id: str
    citekey: str
    text: str
    locator: Locator | None = None
    quoted_in: QuotedIn | None = None
    tags: tuple[str, ...] = ()
    anchor: Anchor | None = None
    notes: tuple[Note, ...] = field(default=())
    created: str
    modified: str
    revision: int = 1
