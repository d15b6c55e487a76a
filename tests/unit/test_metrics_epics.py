"""Epic progress against numbers worked out by hand (docs/metrics.md, "Epics").

Epics E1, E2, E3 in the query; X-9 named as a parent but outside it. The team finishes 4 items
every week. In the window: a1 (E1), b1 and b2 (E2), e1 (no epic) and the sub-task s1 of a2.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from data.errors import ValidationError
from data.metrics.epics import epic_items, epic_progress
from data.metrics.frames import DAY_MS, NAT_MS

WINDOW = 1_000 * DAY_MS
IN, BEFORE = WINDOW + DAY_MS, WINDOW - DAY_MS
TODAY = date(2026, 3, 2)
ROWS = [
    # key, type, subtask, parent, points, done_at
    ("E1", "Epic", False, None, np.nan, NAT_MS),
    ("E2", "Epic", False, None, np.nan, NAT_MS),
    ("E3", "Epic", False, None, np.nan, NAT_MS),
    ("a1", "Story", False, "E1", 2.0, IN),
    ("a2", "Story", False, "E1", 3.0, NAT_MS),
    ("a3", "Story", False, "E1", np.nan, NAT_MS),
    ("b1", "Story", False, "E2", 1.0, IN),
    ("b2", "Task", False, "E2", 1.0, IN),
    ("b3", "Bug", False, "E2", 1.0, NAT_MS),
    ("c1", "Story", False, "E3", 1.0, BEFORE),
    ("c2", "Story", False, "E3", 1.0, NAT_MS),
    ("s1", "Sub-task", True, "a2", 1.0, IN),
    ("s2", "Sub-task", True, "a2", 1.0, NAT_MS),
    ("d1", "Story", False, "X-9", 1.0, NAT_MS),
    ("e1", "Story", False, None, 1.0, IN),
]
ISSUES = pd.DataFrame(
    ROWS, columns=["key", "issue_type", "subtask", "parent", "points", "done_at"]
).assign(summary=lambda f: "About " + f["key"], status="In Progress")


def progress(counting: str = "parents") -> pd.DataFrame:
    return epic_progress(
        ISSUES, np.array([4, 4, 4]), WINDOW, TODAY, subtask_counting=counting, pert_factor=1
    )


def test_totals_and_done_per_epic_counting_sub_tasks_through_parents() -> None:
    table = progress().set_index("epic")
    assert table.loc["E1", ["total_items", "done_items", "remaining_items"]].tolist() == [3, 1, 2]
    assert table.loc["E1", ["total_points", "done_points"]].tolist() == [5.0, 2.0]
    assert table.loc["E2", ["total_items", "done_items"]].tolist() == [3, 2]
    assert table.loc["E3", ["total_items", "done_items"]].tolist() == [2, 1]
    # Shares of the 4 items the team finished in the window (the sub-task s1 is not one).
    assert table["share"].to_dict() == {"E3": 0.0, "X-9": 0.0, "E1": 0.25, "E2": 0.5}
    assert not table.loc["X-9", "in_scope"] and table.loc["E1", "summary"] == "About E1"


def test_own_forecasts_from_the_throughput_share() -> None:
    table = progress().set_index("epic")
    # E1: 2 left at 4 × 1/4 = 1 a week: exactly two weeks in every trial and by PERT.
    assert (
        table.loc["E1", ["pert_date", "p50_date", "p85_date"]].tolist() == [date(2026, 3, 16)] * 3
    )
    # E2: 1 left at 2 a week: half a week, 3.5 days, so the 4th day.
    assert table.loc["E2", ["pert_date", "p50_date", "p85_date"]].tolist() == [date(2026, 3, 6)] * 3
    assert table.loc["E3", "p85_date"] is None
    assert table.loc["E3", "reason"] == "no item of it was finished in the window"


def test_risk_order_unforecast_first_then_latest_p85() -> None:
    assert progress()["epic"].tolist() == ["E3", "X-9", "E1", "E2"]


def test_sub_tasks_as_items_count_on_their_own() -> None:
    table = progress("items").set_index("epic")
    assert table.loc["E1", ["total_items", "done_items"]].tolist() == [5, 2]
    assert table.loc["E1", "share"] == pytest.approx(2 / 5)


def test_parents_outside_the_query_are_listed() -> None:
    found = epic_items(ISSUES)
    assert found.outside_scope == ("X-9",)
    assert "s1" not in set(found.items["key"]) and "E1" not in set(found.items["key"])
    assert found.items.set_index("key").loc["d1", "epic"] == "X-9"


def test_an_unknown_counting_is_one_sentence() -> None:
    with pytest.raises(
        ValidationError, match="^Sub-task counting 'both' is not one of parents, items; choose"
    ):
        epic_items(ISSUES, "both")


def test_a_finished_epic_goes_last() -> None:
    done = ISSUES.copy()
    done.loc[done["key"].isin(["b3"]), "done_at"] = IN
    table = epic_progress(done, np.array([4, 4, 4]), WINDOW, TODAY)
    assert table["epic"].tolist()[-1] == "E2" and table.iloc[-1]["reason"] == "done"
