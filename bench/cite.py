"""Citation speed: one citation in a warm process, and a 1,000-entry bibliography.

Targets (issue 6): one citation under 50 ms warm, 1,000 entries under 5 s. Prints the
median of several runs and the ratio to a baseline measured in the same run: for the
citation, building a new engine as a cold process must; for the bibliography, only
converting the 1,000 entries to CSL-JSON.

Usage: .venv/bin/python bench/cite.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from refs.bibfile import parse_bib_text, read_text
from refs.citations import CitationEngine, CiteItem
from refs.csl import CslItem, csl_items
from refs.styles import resolve_style

TABLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "citation_table.bib"
STYLES = ("mla", "chicago", "chicago-author-date", "apa")


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `action`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def thousand_items(base: list[CslItem], *, same_authors: bool) -> list[CslItem]:
    """1,000 items made from the real ones (same shapes, new ids and titles).

    A library's works mostly differ in author and year; with `same_authors` each of the
    36 authors instead has 28 works of the same year, the worst case for the style's
    disambiguation (year suffixes "1966a"…"1966z", repeated-author dashes).
    """
    items = []
    for number in range(1000):
        item = dict(base[number % len(base)])
        item["id"] = f"{item['id']}-{number}"
        item["title"] = f"{item.get('title', 'Untitled')} {number}"
        if not same_authors:
            item["author"] = [
                {**name, "family": f"{name['family']}-{number}"} if "family" in name else name
                for name in item.get("author", [])
            ]
        items.append(item)
    return items


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    references = parse_bib_text(read_text(TABLE)[0], TABLE).references
    base = csl_items(references)
    linden = next(item for item in base if item["id"] == "linden1966")
    items = thousand_items(base, same_authors=False)
    worst = thousand_items(base, same_authors=True)
    cite = [[CiteItem(citekey="linden1966", locator="422")]]
    convert = median_seconds(lambda: csl_items(references * 28), max(3, runs // 2))
    print(f"baseline: converting {len(references) * 28} entries to CSL-JSON: {convert:.3f} s")
    for name in STYLES:
        style = resolve_style(name)
        engine = CitationEngine()
        cold = median_seconds(
            lambda style=style: CitationEngine().citations([linden], cite, style), 3
        )
        engine.citations([linden], cite, style)  # warm it up
        warm = median_seconds(
            lambda style=style, engine=engine: engine.citations([linden], cite, style), runs * 5
        )
        engine.bibliography(items[:10], style)
        bibliography = median_seconds(
            lambda style=style, engine=engine: engine.bibliography(items, style), runs
        )
        worst_case = median_seconds(
            lambda style=style, engine=engine: engine.bibliography(worst, style), 1
        )
        engine.close()
        print(
            f"{name:>20}: one citation warm {warm * 1e3:6.1f} ms median "
            f"({warm / cold:.3f}x a cold engine, {cold:.2f} s) | "
            f"1,000-entry bibliography {bibliography:5.2f} s median "
            f"({bibliography / convert:.1f}x converting them); "
            f"28 same-year works per author: {worst_case:5.2f} s"
        )


if __name__ == "__main__":
    main()
