"""Citations written without a CSL style: a hit's heading and pandoc's `[@citekey, p. 422]`.

A search result is recognised by its author, title and year far faster than by its citekey
(`Taubman, *Khrushchev* (2003), p. 422` rather than `taubman2003`), and a Markdown writer
wants the citation pandoc reads. Both are written here, from the reference's CSL-JSON item
(so a `crossref` child shows what it inherits), without running citeproc-js: a page of
search hits needs twenty of them in a few milliseconds.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.model import Locator, QuotedIn

if TYPE_CHECKING:
    from refs.csl import CslItem

# The abbreviations of CSL's English locator terms (singular, plural); pandoc reads the
# same ones (`[@key, chap. 3]`), so one table serves the heading and the Markdown.
LOCATOR_ABBREVIATIONS = {
    "act": ("act", "acts"),
    "appendix": ("app.", "apps."),
    "article-locator": ("art.", "arts."),
    "book": ("bk.", "bks."),
    "canon": ("can.", "cann."),
    "chapter": ("chap.", "chaps."),
    "column": ("col.", "cols."),
    "elocation": ("loc.", "locs."),
    "equation": ("eq.", "eqs."),
    "figure": ("fig.", "figs."),
    "folio": ("fol.", "fols."),
    "issue": ("no.", "nos."),
    "line": ("l.", "ll."),
    "note": ("n.", "nn."),
    "opus": ("op.", "opp."),
    "page": ("p.", "pp."),
    "paragraph": ("para.", "paras."),
    "part": ("pt.", "pts."),
    "rule": ("r.", "rr."),
    "scene": ("sc.", "scs."),
    "section": ("sec.", "secs."),
    "sub-verbo": ("s.v.", "s.vv."),
    "supplement": ("supp.", "supps."),
    "table": ("tbl.", "tbls."),
    "timestamp": ("", ""),
    "title-locator": ("tit.", "tits."),
    "verse": ("v.", "vv."),
    "volume": ("vol.", "vols."),
}

# Works whose titles Chicago and MLA set in italics; the titles of the others (articles,
# chapters, entries, web pages, unpublished documents) go in quotation marks.
_ITALIC_TYPES = frozenset(
    {"book", "periodical", "report", "motion_picture", "broadcast", "map", "musical_score",
     "software", "dataset", "graphic", "classic", "standard", "legislation", "bill"}
)  # fmt: skip
ITALIC, QUOTED, PLAIN = "italic", "quoted", "plain"

# CSL rich text in an item's titles: the only tags citeproc-js reads there.
_CSL_MARKUP = re.compile(r'</?(?:i|b|sc|sup|sub)>|<span class="nocase">|</span>')
# A short title is the main title (before its subtitle), cut to about this many characters.
_SHORT_TITLE_CHARACTERS = 40
_SUBTITLE = re.compile(r"(?<=[^\s])(?::\s|(?<=[?!])\s)")
# Brackets and braces would end a pandoc citation or its braced locator early.
_BRACKETS_TO_PARENTHESES = str.maketrans("[]{}", "()()")
# A straight double quotation mark that opens: first, or after a space or a bracket.
_OPENING_DOUBLE_QUOTE = re.compile(r'(?:^|(?<=[\s(\[]))"')
# A pandoc citekey that needs no braces: a letter, digit or `_` first, punctuation inside.
_PLAIN_PANDOC_KEY = re.compile(r"[\w](?:[\w]|[:.#$%&+?<>~/-](?=\w))*")
# A locator value of numbers or roman numerals, ranges and lists (`12-14`, `xiv, 3`):
# plural terms (`pp.`), en dashes in ranges, and pandoc reads it without braces.
_NUMBERS = re.compile(r"[0-9ivxlcdmIVXLCDM]+(?:\s*[-–,&]\s*[0-9ivxlcdmIVXLCDM]+)*")


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortCitation:
    """`Taubman, *Khrushchev* (2003), p. 422`, in its parts.

    `author` is the family names ("Heller and Nekrich", "Medvedev et al."), else the
    editors', else the name of what holds an unsigned work ("Pravda", "Wikipedia"), else
    ""; `title` the short title as text; `title_style` how it is set
    (`italic`, `quoted`, or `plain` for a descriptive title in square brackets); `year`
    and `locator` ("p. 422") may be "".
    """

    author: str
    title: str
    title_style: str
    year: str
    locator: str

    @property
    def text(self) -> str:
        """The citation as plain text; quoted titles in curly quotation marks."""
        return self._joined(self._quoted(self.title))

    @property
    def html(self) -> str:
        """The citation as HTML: everything escaped, an italic title in `<i>`."""
        title = html.escape(self.title, quote=False)
        if self.title_style == ITALIC:
            title = f"<i>{title}</i>"
        return self._joined(self._quoted(title), escape=True)

    @property
    def label(self) -> str:
        """The work in a few words, for a list of works: "Taubman (2003)", or without an
        author the citation's text."""
        if not self.author:
            return self._joined(self._quoted(self.title)) if self.title else self.year
        return f"{self.author} ({self.year})" if self.year else self.author

    def _quoted(self, title: str) -> str:
        """A quoted title in double quotation marks, those inside it made single."""
        if self.title_style != QUOTED:
            return title
        inner = _OPENING_DOUBLE_QUOTE.sub("‘", title)
        return "“" + inner.replace('"', "’").replace("“", "‘").replace("”", "’") + "”"

    def _joined(self, title: str, *, escape: bool = False) -> str:
        def text(value: str) -> str:
            return html.escape(value, quote=False) if escape else value

        head = ", ".join(part for part in (text(self.author), title) if part)
        if self.year:
            head = f"{head} ({text(self.year)})" if head else text(self.year)
        if not self.locator:
            return head
        if head.endswith("”"):  # American usage: the comma inside the quotation marks
            return f"{head[:-1]},” {text(self.locator)}"
        return f"{head}, {text(self.locator)}" if head else text(self.locator)


def short_citation(item: CslItem, locator: Locator | None = None) -> ShortCitation:
    """The short citation of the work `item` describes, at `locator` if one is given."""
    title = _plain(str(item.get("title-short") or "")) or short_title(
        _plain(str(item.get("title") or ""))
    )
    if title.startswith("["):
        style = PLAIN
    elif item.get("type") in _ITALIC_TYPES:
        style = ITALIC
    else:
        style = QUOTED
    return ShortCitation(
        author=(
            _family_names(item.get("author"))
            or _family_names(item.get("editor"))
            or _plain(str(item.get("container-title") or ""))
        ),
        title=title,
        title_style=style,
        year=_year(item.get("issued")),
        locator=locator_text(locator),
    )


def unknown_work_citation(citekey: str, locator: Locator | None = None) -> ShortCitation:
    """What a passage of a citekey the library does not hold is headed by: the citekey."""
    return ShortCitation(
        author="", title=citekey, title_style=PLAIN, year="", locator=locator_text(locator)
    )


def short_citation_json(citation: ShortCitation) -> dict[str, str]:
    """The `short_citation` of a search hit: `{text, html}` and the parts they are made of."""
    return {
        "text": citation.text,
        "html": citation.html,
        "author": citation.author,
        "title": citation.title,
        "title_style": citation.title_style,
        "year": citation.year,
        "locator": citation.locator,
    }


def short_title(title: str) -> str:
    """The main title without its subtitle, cut at a word near 40 characters ("…")."""
    main = _SUBTITLE.split(title, maxsplit=1)[0].strip()
    if len(main) <= _SHORT_TITLE_CHARACTERS + 10:
        return main
    cut = main[: _SHORT_TITLE_CHARACTERS + 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…]" if main.startswith("[") and main.endswith("]") else f"{cut}…"


def locator_text(locator: Locator | None) -> str:
    """`p. 422`, `pp. 422–423`, `chap. 3`, `sec. Attempted take-over`; "" without one."""
    if locator is None:
        return ""
    value = locator.value
    if _NUMBERS.fullmatch(value):
        value = value.replace("-", "–")
    term = _term(locator)
    return f"{term} {value}" if term else value


def pandoc_citation(citekey: str, locator: Locator | None, quoted_in: QuotedIn | None) -> str:
    """The citation as pandoc's Markdown reads it: `[@freeze2009, p. 422]`, or for a quote
    found in another work `[@zhukov1957army; quoted in @wikipedia-antiparty, sec. {…}]`."""
    cites = [_pandoc_cite(citekey, locator)]
    if quoted_in is not None:
        cites.append(f"quoted in {_pandoc_cite(quoted_in.citekey, quoted_in.locator)}")
    return f"[{'; '.join(cites)}]"


def _pandoc_cite(citekey: str, locator: Locator | None) -> str:
    key = f"@{citekey}" if _PLAIN_PANDOC_KEY.fullmatch(citekey) else f"@{{{citekey}}}"
    if locator is None:
        return key
    term = _term(locator)
    value = locator.value
    if _NUMBERS.fullmatch(value) and term:
        return f"{key}, {term} {value}"
    braced = (f"{term} {value}" if term else value).translate(_BRACKETS_TO_PARENTHESES)
    return f"{key}, {{{braced}}}"


def _term(locator: Locator) -> str:
    singular, plural = LOCATOR_ABBREVIATIONS.get(locator.label, (locator.label, locator.label))
    several = _NUMBERS.fullmatch(locator.value) and any(c in locator.value for c in "-–,&")
    return plural if several else singular


def _plain(markup: str) -> str:
    """CSL rich text as text: its tags dropped, its words kept."""
    return " ".join(_CSL_MARKUP.sub("", markup).split())


def _family_names(names: object) -> str:
    """ "Taubman", "Heller and Nekrich", "Linden, Tatu, and Ploss", "Medvedev et al."."""
    if not isinstance(names, list):
        return ""
    families = [_family_name(name) for name in names if isinstance(name, dict)]
    families = [family for family in families if family]
    if len(families) > 3:
        return f"{families[0]} et al."
    if len(families) == 3:
        return f"{families[0]}, {families[1]}, and {families[2]}"
    return " and ".join(families)


def _family_name(name: dict[str, object]) -> str:
    if name.get("literal"):
        return _plain(str(name["literal"]))
    parts = (name.get("non-dropping-particle"), name.get("family"))
    return _plain(" ".join(str(part) for part in parts if part))


def _year(issued: object) -> str:
    """The year of a CSL date: `2003`, `44 BCE`; "" when it has none."""
    if not isinstance(issued, dict):
        return ""
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            year = int(parts[0][0])
        except (TypeError, ValueError):
            return ""
        return f"{-year} BCE" if year < 0 else str(year)
    literal = issued.get("literal")
    return str(literal) if isinstance(literal, str) else ""
