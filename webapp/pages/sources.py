"""The source reader: a work's full text with its anchored passages highlighted."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template
from markupsafe import Markup

from annotations.model import Passage
from annotations.pagemarkers import page_starts
from annotations.sources import SOURCE_SUFFIX
from refs.errors import UnknownCitekey
from webapp.reader import highlight_runs, reader_runs
from webapp.safehtml import clean_html, render_markdown
from webapp.services import Services
from webapp.short_citations import short_citation, unknown_work_citation
from webapp.viewsupport import get_services

bp = Blueprint("sources", __name__)


@dataclass(frozen=True, slots=True)
class PanelPassage:
    """A passage as the reader's side panel shows it: the quote, its short citation and
    its notes, already rendered and sanitised, and the passages that share words with it
    (a click on shared words opens only one of them)."""

    passage: Passage
    cited: Markup
    notes: list[Markup]
    overlapping: list[Passage]


@bp.get("/sources")
def list_sources() -> str:
    """The full texts in the library."""
    return render_template("sources/list.html", names=get_services().source_names())


@bp.get("/sources/<name>")
def read_source(name: str) -> str:
    """The text of `sources/NAME.txt`; each passage anchored in it is a `#passage-ID` target
    whose highlight opens the passage in the side panel; a selection can be quoted there,
    its page read from the text's page markers (`annotations.pagemarkers`)."""
    services = get_services()
    text = services.read_source(name)
    passages = [
        passage
        for passage in services.passages.passages()
        if passage.anchor is not None and passage.anchor.source == f"{name}{SOURCE_SUFFIX}"
    ]
    pages = page_starts(text)
    runs = reader_runs(highlight_runs(text, passages, pages))
    shown = {pid for drawn in runs for pid in (drawn.mark_id, *drawn.anchor_ids) if pid}
    sharing: dict[str, set[str]] = {}
    for drawn in runs:
        for pid in drawn.run.passage_ids:
            sharing.setdefault(pid, set()).update(drawn.run.passage_ids)
    by_id = {passage.id: passage for passage in passages}
    return render_template(
        "sources/reader.html",
        name=name,
        citekey=name if name in services.refs else None,
        citekeys=[reference.citekey for reference in services.refs.references()],
        runs=runs,
        panel=[
            _panel_passage(services, p, [by_id[other] for other in sorted(sharing[p.id] - {p.id})])
            for p in passages
            if p.id in shown
        ],
        pages=[[start.offset, start.page] for start in pages],
        source_file=f"{name}{SOURCE_SUFFIX}",
    )


def _panel_passage(
    services: Services, passage: Passage, overlapping: list[Passage]
) -> PanelPassage:
    try:
        cited = short_citation(services.csl_item(passage.citekey), passage.locator)
    except UnknownCitekey:
        cited = unknown_work_citation(passage.citekey, passage.locator)
    notes = [render_markdown(note.text) for note in passage.notes]
    return PanelPassage(passage, clean_html(cited.html), notes, overlapping)
