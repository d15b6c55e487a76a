"""Download names and table CSVs (layouts/exports.py)."""

from __future__ import annotations

import csv
import io
from datetime import date

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
