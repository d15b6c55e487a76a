"""report --json builds a frame's rows column by column (issue 16): the rows are the ones the
record-by-record conversion gives, for every kind of column a report holds."""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from data.analytics.report import frame_jsonable, jsonable


def _by_records(frame: pd.DataFrame) -> list[dict]:
    return [jsonable(r) for r in frame.to_dict(orient="records")]


def _same(frame: pd.DataFrame) -> None:
    fast, slow = frame_jsonable(frame), _by_records(frame)
    assert json.dumps(fast, default=str) == json.dumps(slow, default=str)
    assert [list(r) for r in fast] == [list(r) for r in slow]


def test_every_column_kind_gives_the_records_rows() -> None:
    frame = pd.DataFrame(
        {
            "key": ["A-1", "A-2", None, "A-4"],
            "count": np.array([1, 2, 3, 4], dtype="int64"),
            "small": np.array([1, 2, 3, 4], dtype="uint8"),
            "flag": [True, False, True, False],
            "days": [1.5, math.nan, math.inf, -0.0],
            "done": pd.to_datetime(
                ["2026-11-02 00:00", "2026-11-02 13:45:01", None, "2026-11-03 00:00:00.000123"],
                format="ISO8601",
            ),
            # Whole seconds, as every stage date: formatted by numpy at once.
            "stage": pd.to_datetime(
                ["2026-11-02 00:00", "2026-11-02 13:45:01", None, "2026-11-03 23:59:59"],
                format="ISO8601",
            ).astype("datetime64[s]"),
            "stage_type": pd.array(["Done", None, "In Progress", ""], dtype="str"),
            "at": pd.to_datetime(
                ["2026-11-02 00:00", "2026-11-02 13:45", None, "2026-11-03 00:00"],
                utc=True,
                format="ISO8601",
            ),
            "day": [date(2026, 11, 2), None, date(2026, 1, 1), date(2026, 12, 31)],
            "points": pd.array([3, None, 5, 8], dtype="Int64"),
            "mixed": [np.float64(2.5), np.int64(3), "x", math.nan],
        }
    )
    _same(frame)
    row = frame_jsonable(frame)[1]
    assert row["days"] is None and row["done"] == "2026-11-02T13:45:01"
    assert frame_jsonable(frame)[0]["done"] == "2026-11-02"
    # jsonable has always written a naive NaT as 'NaT' (a datetime, not a Timestamp): kept as is.
    assert frame_jsonable(frame)[2]["done"] == "NaT"
    assert [r["stage"] for r in frame_jsonable(frame)] == [
        "2026-11-02", "2026-11-02T13:45:01", "NaT", "2026-11-03T23:59:59"
    ]  # fmt: skip
    assert [r["stage_type"] for r in frame_jsonable(frame)] == ["Done", None, "In Progress", ""]


def test_an_empty_frame() -> None:
    _same(pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype="object")}))
    assert frame_jsonable(pd.DataFrame({"a": []})) == []


def test_repeated_columns_keep_the_records_behaviour() -> None:
    repeated = pd.DataFrame([[1, 2], [3, 4]], columns=["a", "a"])
    with pytest.warns(UserWarning, match="not unique"):
        assert frame_jsonable(repeated) == [{"a": 2}, {"a": 4}]


def test_non_string_column_names_become_strings() -> None:
    frame = pd.DataFrame({1: [1.0], pd.Timestamp("2026-11-02"): [2]})
    _same(frame)
    assert list(frame_jsonable(frame)[0]) == ["1", "2026-11-02 00:00:00"]
