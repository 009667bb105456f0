"""How long a 5,000-character pasted query takes on the search page and on /api/search.

People paste a paragraph (or a page) into the search box to find where they quoted it. This
runs the real `florilegium serve` on a private copy of the demo library and times GET
/api/search and GET /?q= (the page, rendered on the server) for pasted texts of 5,000
characters cut from the library's own sources, and from prose it does not hold, `--runs`
times each, after one warm-up request. The baseline, measured in the same run, is the same
requests with a one-word query. Then, in headless Chromium, the time from pasting each
text into the search box to its first result drawn (the page's 150 ms pause after typing
included), against the same for one word.

    .venv/bin/python bench/long_query.py
    .venv/bin/python bench/long_query.py --library DIR --runs 9
    .venv/bin/python bench/long_query.py --passages 20000   # bench/web.py's synthetic library

With `--passages N` the library is bench/web.py's synthetic one (real prose), and the pasted
texts are a run of its own sentences besides the demo sources and the foreign prose.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from bench import search as corpus
from bench.web import write_synthetic_library
from tests.liveserver import connect, running_server
from webapp.services import DEMO_LIBRARY

QUERY_CHARACTERS = 5_000
# Prose the demo library does not hold (the opening of Gibbon's Decline and Fall, public
# domain), repeated to length: a pasted text that matches little.
FOREIGN_PROSE = (
    "In the second century of the Christian era, the empire of Rome comprehended the "
    "fairest part of the earth, and the most civilised portion of mankind. The frontiers "
    "of that extensive monarchy were guarded by ancient renown and disciplined valour. The "
    "gentle but powerful influence of laws and manners had gradually cemented the union of "
    "the provinces. Their peaceful inhabitants enjoyed and abused the advantages of wealth "
    "and luxury. "
)


def pasted_texts(library: Path) -> dict[str, str]:
    """Named 5,000-character queries: a stretch of each of the first two sources of the
    library (the demo library's, for one without sources), and prose from elsewhere."""
    texts = {}
    folder = library / "sources" if (library / "sources").is_dir() else DEMO_LIBRARY / "sources"
    for source in sorted(folder.glob("*.txt"))[:2]:
        text = " ".join(source.read_text(encoding="utf-8").split())
        texts[f"source {source.stem}"] = (text * 2)[:QUERY_CHARACTERS]
    texts["foreign prose"] = (FOREIGN_PROSE * 20)[:QUERY_CHARACTERS]
    return texts


def median_seconds(port: int, path: str, runs: int) -> float:
    """The median time of `runs` GETs of `path` (after one warm-up), each on a fresh
    connection; every answer must be a 200."""
    times = []
    for attempt in range(runs + 1):
        # The first search of a new library builds its index: minutes for a large one.
        connection = connect(port, timeout=900)
        began = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - began
        connection.close()
        if response.status != 200:
            raise SystemExit(f"GET {path[:80]}... answered {response.status}")
        if attempt:
            times.append(elapsed)
    return statistics.median(times)


def median_paste_seconds(page: Page, base: str, text: str, runs: int) -> float:
    """The median time from putting `text` in the search box (as a paste does: one input
    event) to the first hit of its answer drawn, over `runs` pastes after a warm-up."""
    times = []
    for attempt in range(runs + 1):
        page.goto(base + "/")
        page.wait_for_selector("#q")
        elapsed: float = page.evaluate(
            """(text) => new Promise((resolve, reject) => {
                const results = document.getElementById("results");
                const began = performance.now();
                const seen = new MutationObserver(() => {
                    if (results.querySelector("li a")) {
                        seen.disconnect();
                        resolve((performance.now() - began) / 1000);
                    }
                });
                seen.observe(results, { childList: true, subtree: true });
                const box = document.getElementById("q");
                box.value = text;
                box.dispatchEvent(new Event("input", { bubbles: true }));
                setTimeout(() => reject(new Error("no result in 30 s")), 30000);
            })""",
            text,
        )
        if attempt:
            times.append(elapsed)
    return statistics.median(times)


def print_browser_figures(port: int, word: str, queries: dict[str, str], runs: int) -> None:
    """Paste each query into the search page in headless Chromium; print the medians."""
    chromium = shutil.which("chromium")
    if chromium is None:
        print("no chromium: browser figures skipped")
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        base_url = f"http://127.0.0.1:{port}"
        base = median_paste_seconds(page, base_url, word, runs)
        print(f"browser, paste to first hit, {word}: {base * 1e3:.0f} ms median (baseline)")
        for name, text in queries.items():
            ours = median_paste_seconds(page, base_url, text, runs)
            print(
                f"browser, paste to first hit, <{len(text)} characters, {name}>: "
                f"{ours * 1e3:.0f} ms median, {ours / base:.1f}x baseline"
            )
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=DEMO_LIBRARY)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--passages", type=int, default=0, help="Synthetic library of N.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        queries: dict[str, str] = {}
        word = "zhukov"  # the baseline: one word the library holds
        if args.passages:
            sentences, sources = corpus.load_sentences()
            write_synthetic_library(library, corpus.make_passages(sentences, args.passages))
            print(f"synthetic library: {args.passages:,} passages of {', '.join(sources)}")
            queries["its own prose"] = " ".join(sentences[:200])[:QUERY_CHARACTERS]
            word = "buffer"
        else:
            shutil.copytree(
                args.library, library, ignore=shutil.ignore_patterns(".index", "*.lock")
            )
        queries.update(pasted_texts(library))
        with running_server(library, Path(folder) / "serve.log") as (_process, port):
            for route in ("/api/search?q=", "/?q="):
                base = median_seconds(port, route + word, args.runs)
                print(f"{route}{word}: {base * 1e3:.0f} ms median (baseline)")
                for name, text in queries.items():
                    ours = median_seconds(port, route + quote(text), args.runs)
                    print(
                        f"{route}<{len(text)} characters, {name}>: {ours * 1e3:.0f} ms median, "
                        f"{ours / base:.1f}x baseline"
                    )
            print_browser_figures(port, word, queries, args.runs)


if __name__ == "__main__":
    main()
