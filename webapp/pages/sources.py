"""The source reader: a work's full text with its anchored passages highlighted."""

from __future__ import annotations

from flask import Blueprint, render_template

from annotations.sources import SOURCE_SUFFIX
from webapp.reader import highlight_runs
from webapp.viewsupport import get_services

bp = Blueprint("sources", __name__)


@bp.get("/sources")
def list_sources() -> str:
    """The full texts in the library."""
    return render_template("sources/list.html", names=get_services().source_names())


@bp.get("/sources/<name>")
def read_source(name: str) -> str:
    """The text of `sources/NAME.txt`; each passage anchored in it is a `#passage-ID` target."""
    services = get_services()
    text = services.read_source(name)
    passages = [
        passage
        for passage in services.passages.passages()
        if passage.anchor is not None and passage.anchor.source == f"{name}{SOURCE_SUFFIX}"
    ]
    runs = highlight_runs(text, passages)
    # The first run of each passage carries its `passage-ID` anchor, for deep links.
    first_runs: dict[str, int] = {}
    for index, run in enumerate(runs):
        for passage_id in run.passage_ids:
            first_runs.setdefault(passage_id, index)
    return render_template(
        "sources/reader.html",
        name=name,
        citekey=name if name in services.refs else None,
        citekeys=[reference.citekey for reference in services.refs.references()],
        runs=runs,
        anchors={index: passage_id for passage_id, index in first_runs.items()},
        source_file=f"{name}{SOURCE_SUFFIX}",
    )
