"""Print the CSL-JSON items of a .bib file, as Florilegium converts them (for generate.js).

Usage: python -m tests.citeproc_js.bib_to_csl FILE.bib
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from refs.bibfile import parse_bib_text
from refs.csl import csl_items


def main(argv: list[str]) -> int:
    """Write the items of the .bib named in `argv` to stdout as one JSON list."""
    if len(argv) != 1:
        sys.stderr.write("usage: python -m tests.citeproc_js.bib_to_csl FILE.bib\n")
        return 2
    bib_path = Path(argv[0])
    bib = parse_bib_text(bib_path.read_text(encoding="utf-8"), bib_path)
    for problem in bib.problems:
        sys.stderr.write(f"{problem}\n")
    sys.stdout.write(json.dumps(csl_items(bib.references), ensure_ascii=False, indent=1))
    return 1 if bib.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
