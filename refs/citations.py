"""Format CSL-JSON items as bibliography entries, citations and notes with citeproc-js.

citeproc-js is the engine inside Zotero and Mendeley; running the very same code (the
pinned npm release in `refs/vendor/citeproc/`) inside V8 through mini-racer is what makes
our output match Zotero's character for character. No Node is needed at run time.

Building an engine for one style and output format costs seconds, so each process keeps
its engines warm (one V8 context, engines keyed by style and format); every call then
starts a fresh document on a warm engine, which costs milliseconds.

Engines are large (Chicago's and APA's take 45–75 MB of V8 heap each, MLA's 3 MB), so
the cache is bounded by measured size: after each new engine, the least recently used
ones are dropped and collected until the heap is within `ENGINE_HEAP_BUDGET`.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from refs.csl import CslItem
from refs.errors import RefsError
from refs.styles import Style, locale_xml, resolve_style

if TYPE_CHECKING:
    from py_mini_racer import MiniRacer

logger = logging.getLogger(__name__)

CITEPROC_JS = Path(__file__).parent / "vendor" / "citeproc" / "citeproc_commonjs.js"
BRIDGE_JS = Path(__file__).parent / "citeproc_bridge.js"

# Our format names and citeproc-js's.
OUTPUT_FORMATS: Mapping[str, str] = {"text": "text", "html": "html", "markdown": "markdown"}

# The V8 heap the warm engines may fill before the least recently used are dropped:
# room for the four styles of the contract in one output format, or two in all three.
ENGINE_HEAP_BUDGET = 256 * 1024 * 1024

# The longest text handed to citeproc-js for one variable (see `_bounded`).
MAX_CITED_TEXT = 10_000
_MARKUP = re.compile(r"</?(?:i|b|sc|sup|sub|span)\b[^>]*>")

_DEFAULT_LOCALE = re.compile(r"<style\b[^>]*\bdefault-locale=\"(?P<lang>[^\"]+)\"")
_HTML_ENTRY = re.compile(r'^\s*<div class="csl-entry">(?P<body>.*)</div>\s*$', re.DOTALL)


class CitationError(RefsError, ValueError):
    """A citation could not be formatted (unknown output format, engine failure)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True, kw_only=True)
class CiteItem:
    """One work inside a citation: its citekey, an optional CSL locator, and affixes.

    `label` is a CSL locator label (`page`, `chapter`, `paragraph`…); `prefix` is printed
    before the work inside the same parentheses or note (MLA's "qtd. in ").
    """

    citekey: str
    locator: str | None = None
    label: str = "page"
    prefix: str = ""
    suffix: str = ""

    def to_json(self) -> dict[str, str]:
        """The citeproc-js citation item."""
        cite: dict[str, str] = {"id": self.citekey}
        if self.locator:
            cite["locator"] = self.locator
            cite["label"] = self.label
        if self.prefix:
            cite["prefix"] = self.prefix
        if self.suffix:
            cite["suffix"] = self.suffix
        return cite


class Formatter(Protocol):
    """What formats citations: a `CitationEngine` in this process, or one kept warm in a
    service process (`webapp/citation_client.py`), which must print exactly the same."""

    def bibliography(
        self,
        items: Sequence[CslItem],
        style: Style,
        output: str = "text",
        *,
        only: Collection[str] | None = None,
    ) -> list[tuple[str, str]]:
        """Each item's bibliography entry as `(citekey, entry)`, in the style's order."""
        ...

    def citations(
        self,
        items: Sequence[CslItem],
        clusters: Sequence[Sequence[CiteItem]],
        style: Style,
        output: str = "text",
    ) -> list[str]:
        """Citation clusters cited in this order in one new document."""
        ...


class CitationEngine:
    """citeproc-js in one V8 context, with a warm engine per style and output format.

    Not thread-safe by itself: V8 runs one call at a time, so every call takes a lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._context: MiniRacer | None = None
        # Built engines, least recently used first: key -> is it a note style?
        self._notes: OrderedDict[str, bool] = OrderedDict()
        self._locales: set[str] = set()

    def bibliography(
        self,
        items: Sequence[CslItem],
        style: Style,
        output: str = "text",
        *,
        only: Collection[str] | None = None,
    ) -> list[tuple[str, str]]:
        """Each item's bibliography entry as `(citekey, entry)`, in the style's order.

        Works the style leaves out of bibliographies have no entry. With `only`, just the
        entries of those citekeys, formatted in the document of all `items`: what they
        would be in a bibliography of every item (year suffixes "1957a", title-disambiguated
        citations), without a "———" standing for an author whose entry is not shown.
        """
        if not items:
            return []
        with self._lock:
            key = self._engine(style, output)
            wanted = None if only is None else list(only)
            entries = self._js().call("florilegium.bibliography", key, _bounded(items), wanted)
        cleaned = [(str(citekey), _clean_entry(entry, output)) for citekey, entry in entries]
        return [(citekey, entry) for citekey, entry in cleaned if entry]

    def citations(
        self,
        items: Sequence[CslItem],
        clusters: Sequence[Sequence[CiteItem]],
        style: Style,
        output: str = "text",
    ) -> list[str]:
        """Format citation clusters cited in this order in one new document.

        Every one of `items` is in the document, cited or not, so a citation is told apart
        from all of them as the style says ("(Trotsky, Lenin)", "(Wolfe 1957a)"); each
        cluster's text is its final one, after the later clusters. For a note style the
        Nth cluster is footnote N, so a work cited again comes out as the style's short
        note; for an in-text style each is a parenthetical citation.
        """
        payload = [[cite.to_json() for cite in cluster] for cluster in clusters]
        with self._lock:
            key = self._engine(style, output)
            texts = self._js().call(
                "florilegium.citations", key, _bounded(items), payload, self._notes[key]
            )
        return [str(text) for text in texts]

    def warm_engines(self) -> list[str]:
        """The `style|format` keys of the engines kept warm, least recently used first."""
        with self._lock:
            return list(self._notes)

    def heap_used(self) -> int:
        """The bytes of V8 heap in use once garbage is collected (what the budget bounds)."""
        with self._lock:
            context = self._js()
            context.low_memory_notification()
            return _used_heap(context)

    def close(self) -> None:
        """Release V8 and forget every engine (the next call builds them again)."""
        with self._lock:
            if self._context is not None:
                self._context.close()
            self._context = None
            self._notes.clear()
            self._locales.clear()

    def _js(self) -> MiniRacer:
        if self._context is None:
            # V8 is loaded with the first engine, not with the module: commands that
            # format nothing never pay for it.
            from py_mini_racer import MiniRacer

            started = time.perf_counter()
            context = MiniRacer()
            context.eval(
                "var module = {exports: {}}; var exports = module.exports;\n"
                + CITEPROC_JS.read_text(encoding="utf-8")
                + "\nvar CSL = module.exports;\n"
                + BRIDGE_JS.read_text(encoding="utf-8")
            )
            self._context = context
            # V8 runs on a helper thread; closing it before the interpreter tears down
            # keeps the process from hanging at exit.
            atexit.register(self.close)
            self._load_locale("en-US")
            logger.debug("citeproc-js loaded in %.2f s", time.perf_counter() - started)
        return self._context

    def _load_locale(self, lang: str) -> None:
        xml = locale_xml(lang)
        if xml is not None and lang not in self._locales:
            self._js().call("florilegium.addLocale", lang, xml)
            self._locales.add(lang)

    def _engine(self, style: Style, output: str) -> str:
        if output not in OUTPUT_FORMATS:
            raise CitationError(
                f"unknown output format '{output}'; use one of {', '.join(OUTPUT_FORMATS)}",
                field="format",
            )
        key = f"{style.id}|{output}"
        if key in self._notes:
            self._notes.move_to_end(key)
        else:
            started = time.perf_counter()
            xml = style.xml()
            lang_match = _DEFAULT_LOCALE.search(xml[:4000])
            lang = lang_match.group("lang") if lang_match else "en-US"
            self._js()
            self._load_locale(lang)
            info = self._js().call(
                "florilegium.buildEngine", key, xml, OUTPUT_FORMATS[output], lang
            )
            self._notes[key] = bool(info["isNote"])
            logger.info(
                "built the %s engine for %s in %.2f s",
                output,
                style.id,
                time.perf_counter() - started,
            )
            self._keep_within_budget()
        return key

    def _keep_within_budget(self) -> None:
        """Drop the least recently used engines until the V8 heap fits the budget (the
        newest engine always stays: it is about to be used)."""
        context = self._js()
        if _used_heap(context) <= ENGINE_HEAP_BUDGET:
            return
        context.low_memory_notification()  # what is garbage does not count
        while len(self._notes) > 1 and _used_heap(context) > ENGINE_HEAP_BUDGET:
            oldest, _ = self._notes.popitem(last=False)
            context.call("florilegium.dropEngine", oldest)
            context.low_memory_notification()
            logger.info("dropped the citation engine %s to bound memory", oldest)


def _bounded(items: Sequence[CslItem]) -> list[CslItem]:
    """`items` with every text past `MAX_CITED_TEXT` characters cut at a word, markup
    dropped, and an ellipsis added: citeproc-js takes superlinear time over long rich
    text (18 s for a 400,000-character title), and no citation prints that much."""
    return [
        {key: _cut(value) if isinstance(value, str) else value for key, value in item.items()}
        if any(isinstance(value, str) and len(value) > MAX_CITED_TEXT for value in item.values())
        else item
        for item in items
    ]


def _cut(text: str) -> str:
    if len(text) <= MAX_CITED_TEXT:
        return text
    plain = _MARKUP.sub("", text)[:MAX_CITED_TEXT]
    return plain[: plain.rfind(" ")].rstrip() + "…" if " " in plain else plain + "…"


def _used_heap(context: MiniRacer) -> int:
    return int(context.heap_stats()["used_heap_size"])


def _clean_entry(entry: str, output: str) -> str:
    """One bibliography entry without citeproc-js's wrapper (`<div class="csl-entry">`, "\\n")."""
    if output == "html":
        match = _HTML_ENTRY.match(entry)
        if match:
            return match.group("body").strip()
    return entry.strip()


@cache
def shared_engine() -> CitationEngine:
    """The process's one engine: warm engines are what make a citation take milliseconds."""
    return CitationEngine()


def format_bibliography(
    items: Sequence[CslItem],
    style: str,
    output: str = "text",
    *,
    only: Collection[str] | None = None,
) -> list[tuple[str, str]]:
    """The bibliography of `items` in `style` (a short name or id), sorted as it says; with
    `only`, the entries of those citekeys as they are in it (see `bibliography`)."""
    return shared_engine().bibliography(items, resolve_style(style), output, only=only)


def format_citations(
    items: Sequence[CslItem],
    clusters: Sequence[Sequence[CiteItem]],
    style: str,
    output: str = "text",
) -> list[str]:
    """Citation clusters in `style`, cited in order in one document (see `citations`)."""
    return shared_engine().citations(items, clusters, resolve_style(style), output)


# What a style needs to print a complete entry, by CSL type: the CSL variable and the
# BibTeX field(s) a user would add. Every type needs the first three.
_NEEDED_EVERYWHERE: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("issued", "date or year"),
)
_NEEDED_BY_TYPE: Mapping[str, tuple[tuple[str, str], ...]] = {
    "book": (("publisher", "publisher"),),
    "chapter": (("container-title", "booktitle"), ("publisher", "publisher")),
    "article-journal": (("container-title", "journaltitle or journal"),),
    "article-newspaper": (("container-title", "journaltitle or journal"),),
    "article-magazine": (("container-title", "journaltitle or journal"),),
    "entry-encyclopedia": (("container-title", "booktitle"),),
    "paper-conference": (("container-title", "booktitle"),),
    "thesis": (("publisher", "school or institution"),),
    "report": (("publisher", "institution"),),
    "webpage": (("URL", "url"),),
}


def missing_fields(item: CslItem) -> list[str]:
    """The BibTeX fields whose absence leaves a hole in `item`'s citation.

    The entry is still formatted (the style prints what it has, "n.d." for no date); this
    only lets the caller warn the user, naming the field to add.
    """
    missing = [
        bib_field
        for variable, bib_field in (*_NEEDED_EVERYWHERE, *_NEEDED_BY_TYPE.get(item["type"], ()))
        if not item.get(variable)
    ]
    has_names = any(item.get(role) for role in ("author", "editor", "container-author"))
    if not has_names and item["type"] not in ("article-newspaper", "entry-encyclopedia", "webpage"):
        missing.insert(0, "author or editor")
    return missing
