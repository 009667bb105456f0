"""Ids sort by creation; timestamps are UTC to the second with a Z."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from annotations.ids import format_timestamp, new_id, parse_timestamp, timestamp_or_default


def test_ids_made_in_a_burst_still_increase() -> None:
    ids = [new_id() for _ in range(2_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        pytest.param("2019-03-05T12:34:56.123456+00:00", "2019-03-05T12:34:56Z", id="micros"),
        pytest.param("2019-03-05T14:34:56+02:00", "2019-03-05T12:34:56Z", id="offset"),
        pytest.param("2019-03-05T12:34:56Z", "2019-03-05T12:34:56Z", id="zulu"),
    ],
)
def test_any_iso_timestamp_is_stored_in_utc_seconds(given: str, stored: str) -> None:
    assert parse_timestamp(given) == stored


def test_unreadable_timestamp_falls_back_to_the_default() -> None:
    assert timestamp_or_default("yesterday", "2000-01-01T00:00:00Z") == "2000-01-01T00:00:00Z"
    assert timestamp_or_default(None).endswith("Z")


def test_aware_datetimes_are_converted_to_utc() -> None:
    moment = datetime(2026, 11, 23, 21, 0, tzinfo=timezone(timedelta(hours=3)))
    assert format_timestamp(moment) == "2026-11-23T18:00:00Z"
