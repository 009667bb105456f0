"""Which citation engine matches citeproc-js (Zotero's engine)? Exactness and speed.

Feeds the CSL-JSON items of tests/fixtures/citeproc/citation_table.json to each candidate
and compares its plain text with what citeproc-js printed under Node: for every item and
style, the bibliography entry and two citations in a row (page 422, then page 423: the
full and the short note in Chicago). Each item is cited alone, as in the fixtures.

Candidates: citeproc-js in V8 through mini-racer (ours), pandoc's citeproc (the binary in
the `pypandoc-binary` wheel, one call per item) and citeproc-py. The last two are not
dependencies of Florilegium: `pip install pypandoc-binary==1.17 citeproc-py==0.11.1`.

Usage: .venv/bin/python bench/engines.py [--show N]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from refs.citations import CiteItem, format_bibliography, format_citations
from refs.styles import resolve_style

FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/citeproc/citation_table.json"
STYLES = ("mla", "chicago", "chicago-author-date", "apa")
Outputs = tuple[str, str, str]  # bibliography entry, first citation, second citation


def ours(item: dict[str, Any], style: str) -> Outputs:
    """citeproc-js in mini-racer, as Florilegium runs it."""
    entry = format_bibliography([item], style)[0][1]
    first, second = format_citations(
        [item],
        [
            [CiteItem(citekey=item["id"], locator="422")],
            [CiteItem(citekey=item["id"], locator="423")],
        ],
        style,
    )
    return entry, first, second


def _html_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def pandoc(item: dict[str, Any], style: str) -> Outputs:
    """pandoc --citeproc: one call for the item's entry and its two citations."""
    import pypandoc

    with tempfile.TemporaryDirectory() as folder:
        items = Path(folder) / "items.json"
        items.write_text(json.dumps([item]), encoding="utf-8")
        source = f"[@{item['id']}, p. 422]\n\n[@{item['id']}, p. 423]\n"
        result = subprocess.run(
            [
                pypandoc.get_pandoc_path(),
                "--citeproc",
                "-f",
                "markdown",
                "-t",
                "html",
                "--wrap=none",
                "--csl",
                str(resolve_style(style).path),
                "--bibliography",
                str(items),
            ],
            input=source,
            capture_output=True,
            text=True,
            check=True,
        )
    out = result.stdout
    entry = re.search(r'<div id="ref-[^"]*" class="csl-entry"[^>]*>(.*?)</div>', out, re.S)
    notes = re.findall(r'<li id="fn\d+"><p>(.*?)<a href="#fnref', out, re.S)
    if notes:
        first, second = notes[0], notes[1]
    else:
        cites = re.findall(r'<p>(<span class="citation".*?)</p>', out, re.S)
        first, second = cites[0], cites[1]
    return _html_text(entry.group(1) if entry else ""), _html_text(first), _html_text(second)


def citeproc_py(item: dict[str, Any], style: str) -> Outputs:
    """citeproc-py in process, plain-text formatter."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    csl = CitationStylesStyle(str(resolve_style(style).path), validate=False)
    bibliography = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
    citations = [
        Citation([CitationItem(item["id"], locator=Locator("page", page))])
        for page in ("422", "423")
    ]
    for citation in citations:
        bibliography.register(citation)
    texts = [str(bibliography.cite(citation, lambda _: None)) for citation in citations]
    entries = [str(entry) for entry in bibliography.bibliography()]
    return (entries[0] if entries else ""), texts[0], texts[1]


def expected(document: dict[str, Any], style: str, citekey: str) -> Outputs:
    cases = document["expected"][style][citekey]
    return (
        cases["bibliography"]["text"],
        cases["first_note"]["text"],
        cases["subsequent_note"]["text"],
    )


def main() -> None:
    """Print, per engine, exact matches out of all comparisons and the time it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", type=int, default=3, help="differences to print per engine")
    show = parser.parse_args().show
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    engines: dict[str, Callable[[dict[str, Any], str], Outputs]] = {
        "citeproc-js in mini-racer (ours)": ours,
        "pandoc --citeproc": pandoc,
        "citeproc-py": citeproc_py,
    }
    for name, engine in engines.items():
        exact_entries = exact_cites = total = 0
        differences: list[str] = []
        started = time.perf_counter()
        for style in STYLES:
            for item in document["items"]:
                total += 1
                want = expected(document, style, item["id"])
                try:
                    got = engine(item, style)
                except Exception as error:  # a crash counts as three differences
                    got = (f"<{type(error).__name__}: {error}>",) * 3
                exact_entries += got[0] == want[0]
                exact_cites += (got[1] == want[1]) + (got[2] == want[2])
                differences.extend(
                    f"  {style} {item['id']}:\n    got:  {g}\n    want: {w}"
                    for g, w in zip(got, want, strict=True)
                    if g != w
                )
        seconds = time.perf_counter() - started
        print(
            f"{name}: bibliography entries {exact_entries}/{total} exact, "
            f"citations/notes {exact_cites}/{2 * total} exact, {seconds:.1f} s"
        )
        print("\n".join(differences[:show]))


if __name__ == "__main__":
    main()
