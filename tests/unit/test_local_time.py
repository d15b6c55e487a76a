"""Stored UTC timestamps as a reader's local time."""

from __future__ import annotations

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from layouts.units import local_time


def test_a_utc_timestamp_reads_as_day_month_year_time_and_zone():
    assert local_time("2026-12-02T13:40:05Z", ZoneInfo("Europe/Berlin")) == "2 Dec 2026, 14:40 CET"
    assert local_time("2026-07-02T13:40:05+00:00", ZoneInfo("Europe/Berlin")) == (
        "2 Jul 2026, 15:40 CEST"
    )
    assert local_time("2026-12-02T13:40:05Z", timezone(timedelta(0), "UTC")) == (
        "2 Dec 2026, 13:40 UTC"
    )


def test_a_missing_or_unreadable_timestamp_is_said_or_shown_as_given():
    assert local_time(None) == "an unknown time"
    assert local_time("yesterday") == "yesterday"
