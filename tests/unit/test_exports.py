"""Download names and table CSVs (layouts/exports.py)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from callbacks.selection import named_downloads
from data.profiles import manager as profile_manager
from layouts.common import graph_config
from layouts.exports import csv_text, current_name, export_name, export_names

DAY = date(2026, 12, 3)


def test_names_say_profile_query_what_and_day():
    assert export_name("Demo", "All work", "report", DAY) == "demo_all-work_report_2026-12-03"
    # Anything but letters and digits becomes one dash; nothing can leave the folder.
    assert export_name("../R&D team", "Q4: <b>bugs</b>", "forecast-burndown", DAY) == (
        "r-d-team_q4-b-bugs-b_forecast-burndown_2026-12-03"
    )
    assert export_name("***", "", "x", DAY) == "none_none_x_2026-12-03"


def test_the_page_being_drawn_names_its_downloads():
    with export_names("Demo", "All work", DAY):
        assert current_name("oldest-items") == "demo_all-work_oldest-items_2026-12-03"
        with export_names("Other", "Bugs", DAY):
            assert current_name("x").startswith("other_bugs_x_")
        assert current_name("x").startswith("demo_all-work_x_")
    assert current_name("audit-log") == f"flowcast_audit-log_{date.today().isoformat()}"


def test_csv_has_the_table_columns_and_neutralises_formulas():
    columns = [("key", "Key"), ("summary", "Summary"), ("age", "Age (days)"), ("delta", "Change")]
    records = [
        {"key": "DEMO-3", "summary": '=HYPERLINK("http://x","y"), "quoted"', "age": 12,
         "delta": "+1.5 d"},
        {"key": "DEMO-4", "summary": "@SUM(A1)", "age": None, "delta": "-2"},
    ]  # fmt: skip
    rows = list(csv.reader(io.StringIO(csv_text(columns, records))))
    assert rows == [
        ["Key", "Summary", "Age (days)", "Change"],
        ["DEMO-3", '\'=HYPERLINK("http://x","y"), "quoted"', "12", "'+1.5 d"],
        ["DEMO-4", "'@SUM(A1)", "", "-2"],
    ]
    assert csv_text(columns, []) == "Key,Summary,Age (days),Change\n"


# 2026-12-03 10:30 UTC is already 2026-12-04 in Kiritimati (UTC+14) and still 2026-12-03 00:30
# in Adak (UTC-10); at 09:30 UTC Adak is on 2026-12-02 23:30 (hand-computed from the offsets).
@pytest.mark.parametrize(
    ("zone", "now", "day"),
    [
        ("Pacific/Kiritimati", datetime(2026, 12, 3, 10, 30, tzinfo=UTC), "2026-12-04"),
        ("America/Adak", datetime(2026, 12, 3, 9, 30, tzinfo=UTC), "2026-12-02"),
        ("America/Adak", datetime(2026, 12, 3, 10, 30, tzinfo=UTC), "2026-12-03"),
    ],
)
def test_downloads_carry_the_day_of_the_metrics_time_zone(backend, zone, now, day):
    profile_id = profile_manager.create_profile("Far Team")
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    profile_manager.set_metrics_time_zone(profile_id, zone)
    with named_downloads(profile_id, query_id, now):
        assert current_name("oldest-items") == f"far-team_all_oldest-items_{day}"
        assert graph_config("flow-scatter")["toImageButtonOptions"]["filename"] == (
            f"far-team_all_flow-scatter_{day}"
        )
    # A page of no query (the Data page's audit log): the generic name, still the profile's day.
    with named_downloads(profile_id, None, now):
        assert current_name("audit-log") == f"flowcast_audit-log_{day}"


def test_a_profile_following_jira_takes_the_jira_users_day(backend):
    profile_id = profile_manager.create_profile("Team")
    profile_manager.record_jira_time_zone(profile_id, "Pacific/Kiritimati")
    profile = profile_manager.get_profile(profile_id)
    assert profile_manager.metrics_today(profile, datetime(2026, 12, 3, 10, 30, tzinfo=UTC)) == (
        date(2026, 12, 4)
    )
    # No zone read yet: UTC.
    plain = profile_manager.get_profile(profile_manager.create_profile("Plain"))
    assert profile_manager.metrics_today(plain, datetime(2026, 12, 3, 23, 59, tzinfo=UTC)) == (
        date(2026, 12, 3)
    )
