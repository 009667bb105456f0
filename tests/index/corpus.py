"""The relevance corpus (tests/data/search_corpus.json) as a library on disk, indexed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from annotations.model import QuotedIn
from index.indexer import SearchIndex
from refs.store import ReferenceStore
from tests.index.conftest import MakeIndex
from tests.index.fakes import JsonPassageFiles, make_passage

CORPUS = Path(__file__).parent.parent / "data" / "search_corpus.json"


def build_corpus_library(folder: Path, make_index: MakeIndex) -> SearchIndex:
    """Write the corpus's .bib and passages into `folder` and return its (unbuilt) index,
    made by `make_index` (the module's backend)."""
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "references.bib").write_text(corpus["bib"], encoding="utf-8")
    passages = JsonPassageFiles(folder / "passages")
    for item in corpus["passages"]:
        locator = item["locator"]
        passage = make_passage(
            item["id"],
            item["citekey"],
            item["text"],
            page=locator["value"] if locator else "1",
            tags=tuple(item["tags"]),
            notes=tuple(item["notes"]),
        )
        if item["quoted_in"]:
            passage = replace(passage, quoted_in=QuotedIn(item["quoted_in"]["citekey"]))
        passages.save(passage)
    return make_index(folder, passages=passages, references=ReferenceStore(folder))
