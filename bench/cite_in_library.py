"""One citation told apart from a 2,000-entry library's other works, against citing it alone.

A style tells works apart only among those in the same document ("(Wolfe 1957a)"), so a
single citation is formatted among the library's works that share a name or a title with
it (`refs/citecontext.py`). This prints, per style, the median time of one citation and of
one bibliography entry: alone, as before (the baseline, measured in the same run), and
among its context; and what registering every work of the library would cost instead.

The library is synthetic: 200 authors with 10 works each over 7 years, so most works
share an author with 9 others and a year with one or two of them (a heavy case for
disambiguation).

Usage: .venv/bin/python bench/cite_in_library.py [--entries 2000] [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from refs.citations import CiteItem, shared_engine
from refs.citecontext import LibraryItems
from refs.store import ReferenceStore
from refs.styles import resolve_style
from webapp.citation_service import CitationService

STYLES = ("mla", "chicago-author-date", "apa", "chicago")
_TYPES = (
    "@book{{{key}, author = {{{family}, Alan}}, title = {{Work {n}}}, publisher = {{Harper}},"
    " date = {{{year}}}}}",
    "@article{{{key}, author = {{{family}, Alan and Other, Ann}}, title = {{Article {n}}},"
    " journaltitle = {{Slavic Review}}, volume = {{{n}}}, pages = {{1--20}}, date = {{{year}}}}}",
    "@incollection{{{key}, author = {{{family}, Alan}}, title = {{Chapter {n}}},"
    " booktitle = {{A Collection}}, editor = {{Editor{n}, Eve}}, publisher = {{Norton}},"
    " date = {{{year}}}}}",
    "@misc{{{key}, author = {{{family}, Alan}}, title = {{Memorandum {n}}}, date = {{{year}}}}}",
)


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `action`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build_bib(entries: int) -> str:
    """`entries` works by `entries // 10` authors, 10 each, dated over 7 years."""
    authors = max(entries // 10, 1)
    blocks = [
        _TYPES[n % len(_TYPES)].format(
            key=f"work{n}", family=f"Author{n % authors}", n=n, year=1950 + n % 7
        )
        for n in range(entries)
    ]
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    """Build the library, time each way of citing and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder)
        (library / "references.bib").write_text(build_bib(args.entries), encoding="utf-8")
        store = ReferenceStore(library, use_cache=False)
        service = CitationService(store)
        engine = shared_engine()
        citekey = "work5"
        started = time.perf_counter()
        service.csl_item(citekey)  # the first call converts the library
        convert = time.perf_counter() - started
        library_items = LibraryItems(store)
        context = library_items.context([citekey])
        items = library_items.items()
        item = service.csl_item(citekey)
        print(
            f"{len(items)} works; citing {citekey} among the {len(context)} that share a name "
            f"or title with it; converting the library once: {convert * 1e3:.0f} ms"
        )
        cite = [[CiteItem(citekey=citekey, locator="12")]]
        for name in STYLES:
            style = resolve_style(name)
            mode = "note" if style.is_note else "citation"
            engine.citations([item], cite, style)  # build the engine before timing
            alone = median_seconds(lambda s=style: engine.citations([item], cite, s), args.runs)
            ours = median_seconds(
                lambda n=name, m=mode: service.cite(citekey, n, mode=m), args.runs
            )
            entry_alone = median_seconds(lambda s=style: engine.bibliography([item], s), args.runs)
            entry_ours = median_seconds(lambda n=name: service.cite(citekey, n), args.runs)
            everything = median_seconds(lambda s=style: engine.citations(items, cite, s), 1)
            text = service.cite(citekey, name, mode=mode).text
            print(
                f"{name:>20}: citation alone {alone * 1e3:6.1f} ms, among its context "
                f"{ours * 1e3:6.1f} ms ({ours / alone:.2f}x); bibliography entry alone "
                f"{entry_alone * 1e3:6.1f} ms, in context {entry_ours * 1e3:6.1f} ms "
                f"({entry_ours / entry_alone:.2f}x); registering all {len(items)}: "
                f"{everything:6.2f} s  -> {text}"
            )


if __name__ == "__main__":
    main()
