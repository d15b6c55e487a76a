"""Golden tests: every calendar computation counts days in the profile's metrics time zone.

The data set sits in America/Chicago (CST = UTC-6; CDT = UTC-5 from Sunday 2026-03-08 02:00 to
Sunday 2026-11-01 02:00). Each transition is placed near local midnight or a DST change; the
comments give the local wall time each UTC instant is, and the expected days and ISO weeks are
worked out from those by hand, once for Chicago and once for UTC.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from data.analytics.report import context_from_frames, cycle_section, flow_section, quality_section
from data.analytics.snapshots import week_end_instant
from data.errors import ValidationError
from data.metrics.frames import as_of_instant, restrict_to
from data.metrics.mappings import MetricMappings, Stage, mappings_from_profile
from tests.unit.metrics_builders import build_frames, issue

CHICAGO = "America/Chicago"
STAGES = (
    Stage("Backlog", ("To Do",)),
    Stage("In Progress", ("In Progress",)),
    Stage("Done", ("Done",)),
)
STATES = {"To Do": "Waiting", "In Progress": "Active", "Done": "Done"}
AS_OF = "2026-11-10T12:00:00Z"  # Tuesday 2026-11-10 06:00 CST

ISSUES = [
    # In Progress Tue 03-03 23:30 CST (UTC: 03-04), Done Thu 03-05 10:00 CST (UTC: 03-05).
    # Chicago: 3 -> 5 = 2 days, done W10. UTC: 4 -> 5 = 1 day, done W10.
    issue("T-1", "2026-03-02T15:00:00Z", [("2026-03-04T05:30:00Z", "In Progress"),
          ("2026-03-05T16:00:00Z", "Done")]),
    # In Progress Sat 03-07 06:00 CST; Done Mon 03-09 00:30 CDT, after DST began (a fixed UTC-6
    # would say Sun 03-08 23:30). Chicago: 7 -> 9 = 2 days, W11. UTC: 7 -> 9 = 2 days, W11.
    issue("T-2", "2026-03-02T15:00:00Z", [("2026-03-07T12:00:00Z", "In Progress"),
          ("2026-03-09T05:30:00Z", "Done")]),
    # In Progress Tue 03-10 10:00 CDT; Done Sun 03-15 23:00 CDT (UTC: Mon 03-16).
    # Chicago: 10 -> 15 = 5 days, W11. UTC: 10 -> 16 = 6 days, W12.
    issue("T-3", "2026-03-02T15:00:00Z", [("2026-03-10T15:00:00Z", "In Progress"),
          ("2026-03-16T04:00:00Z", "Done")]),
    # In Progress Fri 10-30 09:00 CDT; Done Sun 11-01 23:30 CST, after DST ended (a fixed UTC-5
    # would say Mon 11-02 00:30). Chicago: 30 -> 1 = 2 days, W44. UTC: 10-30 -> 11-02 = 3, W45.
    issue("T-4", "2026-10-26T15:00:00Z", [("2026-10-30T14:00:00Z", "In Progress"),
          ("2026-11-02T05:30:00Z", "Done")]),
    # In Progress Mon 11-02 23:30 CST (UTC: 11-03), still there at as-of (Tue 11-10):
    # age Chicago 10 - 2 = 8 days, UTC 10 - 3 = 7 days.
    issue("T-5", "2026-10-26T15:00:00Z", [("2026-11-03T05:30:00Z", "In Progress")]),
]  # fmt: skip


def _mappings(zone: str) -> MetricMappings:
    return MetricMappings(
        status_to_flow_state=STATES,
        workflow_stages=STAGES,
        committed_stage="In Progress",
        done_stage="Done",
        time_zone=zone,
        time_zone_source="override",
    )


def _context(zone: str, as_of: str = AS_OF):
    frames = build_frames(ISSUES, as_of)
    return context_from_frames(frames, _mappings(zone))


def _cycle_days(ctx) -> dict[str, int]:
    scatter = cycle_section(ctx).cycle_time.scatter
    return dict(zip(scatter["key"], scatter["cycle_time_days"].tolist(), strict=True))


def _completed_weeks(ctx) -> dict[str, int]:
    weekly = ctx.weekly
    done = weekly.loc[weekly["completed_items"] > 0]
    return dict(zip(done["week"], done["completed_items"].tolist(), strict=True))


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (CHICAGO, {"T-1": 2, "T-2": 2, "T-3": 5, "T-4": 2}),
        ("UTC", {"T-1": 1, "T-2": 2, "T-3": 6, "T-4": 3}),
    ],
)
def test_cycle_time_days_are_local_days_across_midnight_and_dst(zone, expected):
    assert _cycle_days(_context(zone)) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (CHICAGO, {"2026-W10": 1, "2026-W11": 2, "2026-W44": 1}),
        ("UTC", {"2026-W10": 1, "2026-W11": 1, "2026-W12": 1, "2026-W45": 1}),
    ],
)
def test_throughput_weeks_are_local_iso_weeks(zone, expected):
    assert _completed_weeks(_context(zone)) == expected


@pytest.mark.parametrize(("zone", "age"), [(CHICAGO, 8), ("UTC", 7)])
def test_ageing_counts_local_days_up_to_the_local_today(zone, age):
    ageing = cycle_section(_context(zone)).ageing_wip
    assert ageing[["key", "age_days"]].values.tolist() == [["T-5", age]]


@pytest.mark.parametrize(("zone", "done"), [(CHICAGO, 3), ("UTC", 2)])
def test_cumulative_flow_days_are_local_days(zone, done):
    # On 2026-03-15: Chicago has T-1 (03-05), T-2 (03-09), T-3 (03-15) done; UTC has T-3 on 03-16.
    cfd = cycle_section(_context(zone)).cumulative_flow
    row = cfd.loc[cfd["date"] == np.datetime64("2026-03-15")]
    assert row["Done"].tolist() == [done]


@pytest.mark.parametrize(("zone", "completed"), [(CHICAGO, 3), ("UTC", 2)])
def test_an_as_of_date_is_the_local_midnight_that_starts_it(zone, completed):
    # --as-of 2026-03-16: in Chicago that is 05:00Z, after T-3's Done (04:00Z); in UTC 00:00Z.
    instant = as_of_instant("2026-03-16", zone)
    assert instant.isoformat() == (
        "2026-03-16T05:00:00+00:00" if zone == CHICAGO else "2026-03-16T00:00:00+00:00"
    )
    frames = restrict_to(build_frames(ISSUES, AS_OF), instant)
    ctx = context_from_frames(frames, _mappings(zone))
    assert int(ctx.weekly["completed_items"].sum()) == completed
    assert ctx.today == date(2026, 3, 16)


def test_today_is_the_local_date_of_as_of():
    # 2026-11-10 03:00Z is still Monday 11-09 (21:00 CST) in Chicago.
    assert _context(CHICAGO, "2026-11-10T03:00:00Z").today == date(2026, 11, 9)
    assert _context("UTC", "2026-11-10T03:00:00Z").today == date(2026, 11, 10)


def test_weeks_end_at_local_monday_midnight_across_dst():
    # W10 ends Mon 03-09 00:00 CDT (UTC-5 since 03-08) = 05:00Z; W44 ends Mon 11-02 00:00 CST
    # (UTC-6 since 11-01) = 06:00Z.
    assert week_end_instant("2026-W10", CHICAGO).isoformat() == "2026-03-09T05:00:00+00:00"
    assert week_end_instant("2026-W44", CHICAGO).isoformat() == "2026-11-02T06:00:00+00:00"
    assert week_end_instant("2026-W44", "UTC").isoformat() == "2026-11-02T00:00:00+00:00"


def test_flow_load_is_replayed_at_local_week_ends():
    # As of Wed 03-11 the window's last week is W10, which ends Mon 03-09 00:00 CDT = 05:00Z.
    # Then T-1 is done (03-05) and T-2 is in progress (since 03-07; done at 05:30Z): 1 item.
    ctx = _context(CHICAGO, "2026-03-11T12:00:00Z")
    load = flow_section(ctx).load
    assert load.iloc[-1]["week"] == "2026-W10"
    assert str(load.iloc[-1]["at"]) == "2026-03-09 05:00:00+00:00"
    assert int(load.iloc[-1]["items"]) == 1


def test_the_profile_zone_defaults_to_the_jira_users_and_says_why():
    jira = mappings_from_profile({"jira_config": {"user_time_zone": CHICAGO}})
    assert (jira.time_zone, jira.time_zone_source) == (CHICAGO, "jira")
    override = mappings_from_profile(
        {"jira_config": {"user_time_zone": CHICAGO}, "field_mappings": {"time_zone": "UTC"}}
    )
    assert (override.time_zone, override.time_zone_source) == ("UTC", "override")
    never_read = mappings_from_profile({})
    assert (never_read.time_zone, never_read.time_zone_source) == ("UTC", "default")
    # A name JIRA sends but this machine's zone database does not know (retired in 2020).
    retired = mappings_from_profile({"jira_config": {"user_time_zone": "US/Pacific-New"}})
    assert (retired.time_zone, retired.time_zone_source) == ("UTC", "jira_unknown")


def test_the_data_quality_section_names_the_zone_and_why():
    frames = build_frames(ISSUES, AS_OF)

    def quality(profile):
        return quality_section(context_from_frames(frames, mappings_from_profile(profile)))

    jira = quality({"jira_config": {"user_time_zone": CHICAGO}})
    assert jira.time_zone_reason == (
        "Days and ISO weeks are counted in America/Chicago, the JIRA user's time zone."
    )
    assert "counted in" not in jira.note  # the JIRA user's zone is not a data problem
    override = quality(
        {"jira_config": {"user_time_zone": CHICAGO}, "field_mappings": {"time_zone": "UTC"}}
    )
    assert override.time_zone_reason == (
        "Days and ISO weeks are counted in UTC, set in Settings; the JIRA user's time zone is "
        "America/Chicago, so days near midnight can differ from JIRA's."
    )
    never_read = quality({})
    assert never_read.time_zone == "UTC"
    assert never_read.note.startswith(
        "Days and ISO weeks are counted in UTC: the JIRA user's time zone is not known yet"
    )
    retired = quality({"jira_config": {"user_time_zone": "US/Pacific-New"}})
    assert "JIRA's user time zone 'US/Pacific-New' is not one this machine knows" in retired.note


@pytest.mark.parametrize("name", ["Mars/Olympus", "US/Pacific-New", "../etc/passwd", ""])
def test_an_unknown_or_retired_override_is_one_sentence(name):
    profile = {"field_mappings": {"time_zone": name}}
    if not name:
        # An empty override means "follow JIRA", not an error.
        assert mappings_from_profile(profile).time_zone_source == "default"
        return
    with pytest.raises(ValidationError) as error:
        mappings_from_profile(profile)
    assert str(error.value) == (
        f"field_mappings.time_zone is {name!r}, which is not a time zone this machine knows "
        "(misspelt, or a retired IANA name); use one such as Europe/Berlin, America/Chicago or "
        "UTC."
    )
