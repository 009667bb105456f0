"""Hypothesis strategies for passages and notes, shared by the annotation tests."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from annotations.model import (
    LOCATOR_LABELS,
    Anchor,
    Locator,
    Note,
    Passage,
    QuotedIn,
    TextPositionSelector,
    TextQuoteSelector,
)

# One settings object for the property tests: a busy CI machine makes generating whole
# passage records slow, which is no failure of the code under test.
PROPERTY_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

ids = st.text(alphabet=ULID_ALPHABET, min_size=25, max_size=25).map(lambda s: "0" + s)
timestamps = st.datetimes(min_value=datetime(1000, 1, 1)).map(
    lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")
)
texts = st.text(min_size=1, max_size=80).filter(str.strip)
words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)
citekeys = st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True)
locators = st.builds(Locator, st.sampled_from(LOCATOR_LABELS), words)
quoted_ins = st.builds(QuotedIn, citekeys, st.none() | locators)
anchors = st.builds(
    Anchor,
    source=st.from_regex(r"[a-z0-9_]{1,12}\.txt", fullmatch=True),
    quote=st.builds(
        TextQuoteSelector, exact=texts, prefix=st.text(max_size=32), suffix=st.text(max_size=32)
    ),
    position=st.none()
    | st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(
        lambda pair: TextPositionSelector(min(pair), max(pair))
    ),
)
notes = st.builds(
    Note,
    id=ids,
    text=texts,
    created=timestamps,
    modified=timestamps,
    revision=st.integers(1, 50),
)


@st.composite
def passages(draw: st.DrawFn, citekey: str | None = None) -> Passage:
    """One complete passage record, as a file or an import would hold it."""
    return Passage(
        id=draw(ids),
        citekey=citekey or draw(citekeys),
        text=draw(texts),
        locator=draw(st.none() | locators),
        quoted_in=draw(st.none() | quoted_ins),
        tags=tuple(draw(st.lists(words, max_size=3, unique=True))),
        anchor=draw(st.none() | anchors),
        notes=tuple(draw(st.lists(notes, max_size=3, unique_by=lambda note: note.id))),
        created=draw(timestamps),
        modified=draw(timestamps),
        revision=draw(st.integers(1, 50)),
    )
