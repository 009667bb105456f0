"""The passage problems `check` reports beyond unreadable files: dangling citekeys, orphans.

Each problem names the passage file and the field path of the passage inside it, so it
prints as `FILE: passages.N.field: message`, like the schema errors. Full texts in
`sources/` that are refused (symbolic links, FIFOs, text that is not UTF-8...) are
reported too, each naming its file.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from pathlib import Path

from annotations.anchoring import reanchor
from annotations.errors import AnnotationError, PassageFileError
from annotations.model import Passage
from annotations.sources import (
    SOURCES_FOLDER,
    SourceNotFound,
    SourceUnavailable,
    list_sources,
    read_source,
)


def check_passages(
    passages: Iterable[Passage],
    *,
    passages_dir: Path,
    sources_dir: Path,
    known_citekeys: Container[str],
) -> list[AnnotationError]:
    """Refused sources, passages of unknown references, `quoted_in` unknown ones, quotes
    lost from sources."""
    listing = list_sources(sources_dir)
    problems: list[AnnotationError] = [*listing.refused]
    texts: dict[str, str | SourceUnavailable] = {}
    for name in listing.names:
        read = texts[name] = _read_source(sources_dir, name)
        if isinstance(read, SourceUnavailable):
            problems.append(read)
    positions: dict[str, int] = {}
    for passage in sorted(passages, key=lambda p: (p.citekey, p.id)):
        index = positions.get(passage.citekey, 0)
        positions[passage.citekey] = index + 1
        path = passages_dir / f"{passage.citekey}.json"
        where = f"passages.{index}"
        if index == 0 and passage.citekey not in known_citekeys:
            problems.append(
                PassageFileError(
                    f"no reference has citekey '{passage.citekey}': its passages point at "
                    "nothing (add the reference or move them)",
                    path=path,
                    field="citekey",
                )
            )
        if passage.quoted_in is not None and passage.quoted_in.citekey not in known_citekeys:
            problems.append(
                PassageFileError(
                    f"no reference has citekey '{passage.quoted_in.citekey}' "
                    f"(passage {passage.id})",
                    path=path,
                    field=f"{where}.quoted_in.citekey",
                )
            )
        anchor = passage.anchor
        if anchor is None:
            continue
        if anchor.source not in texts:
            texts[anchor.source] = _read_source(sources_dir, anchor.source)
        text = texts[anchor.source]
        if isinstance(text, SourceNotFound):
            problems.append(
                PassageFileError(
                    f"no source text {SOURCES_FOLDER}/{anchor.source} (passage {passage.id})",
                    path=path,
                    field=f"{where}.anchor.source",
                )
            )
        elif isinstance(text, SourceUnavailable):
            problems.append(
                PassageFileError(
                    f"source text {anchor.source!r} refused: {text.message} (passage {passage.id})",
                    path=path,
                    field=f"{where}.anchor.source",
                )
            )
        elif reanchor(anchor, text) is None:
            problems.append(
                PassageFileError(
                    f"quote no longer found in {SOURCES_FOLDER}/{anchor.source} "
                    f"(orphaned passage {passage.id}; kept as it is)",
                    path=path,
                    field=f"{where}.anchor",
                )
            )
    return problems


def _read_source(sources_dir: Path, name: str) -> str | SourceUnavailable:
    try:
        return read_source(sources_dir, name)
    except SourceUnavailable as unavailable:
        return unavailable
