"""`search` and `reindex`: find passages, notes and references; rebuild the search index."""

from __future__ import annotations

import click

from webapp.clisupport import echo_json, json_option, pass_services
from webapp.search_document import search_document
from webapp.search_service import DEFAULT_LIMIT
from webapp.services import Services


@click.command("search")
@click.argument("query")
@click.option(
    "--limit",
    default=DEFAULT_LIMIT,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many hits to show.",
)
@click.option(
    "--offset", default=0, type=click.IntRange(min=0), help="How many hits to skip first."
)
@json_option
@pass_services
def search(services: Services, query: str, limit: int, offset: int, as_json: bool) -> None:
    """Find passages, notes and references matching QUERY.

    All words must match, in any spelling (Zhukov, Жуков; Khrushchev, Khruschev). Also:
    "exact phrase", -word, NOT, OR, prefix*, fuzzy~, author:NAME, citekey:KEY, tag:TAG,
    year:1957, year:1955..1960, kind:passage|note|reference.
    """
    result = services.search.search(query, limit=limit, offset=offset)
    if as_json:
        echo_json(search_document(result, services.csl_item))
        return
    shown = f"{offset + 1}-{offset + len(result.hits)}" if result.hits else "none"
    click.echo(f"{result.total} matches for {query!r} (showing {shown})", err=True)
    if result.total > result.matched_all:
        click.echo(f"{result.matched_all} match every word; the others only some", err=True)
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}", err=True)
    for hit in result.hits:
        where = f", {hit.locator}" if hit.locator else ""
        lacking = f"\t(without: {' '.join(hit.missing)})" if hit.missing else ""
        click.echo(f"{hit.kind}\t{hit.id}\t{hit.citekey}{where}\t{hit.text}{lacking}")


@click.command("reindex")
@pass_services
def reindex(services: Services) -> None:
    """Rebuild the search index from the library's files."""
    count = services.search.reindex()
    click.echo(f"Indexed {count} passages, notes and references", err=True)
