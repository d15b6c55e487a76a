"""`--json` output: orjson writes what json.dumps(indent=2, ensure_ascii=False, default=str)
wrote (issue 16: a 10k-issue report is 3 MB of JSON)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest

from cli.output import print_json


@dataclass
class Point:
    x: int


def test_print_json_writes_what_json_dumps_wrote(capsys: pytest.CaptureFixture[str]) -> None:
    data = {
        "text": "Ünïcode – “quoted” \\ \n <b>",
        "numbers": [0, -1, 2**62, 1.5, 0.1, 1 / 3, 123456.789, -0.0],
        "nothing": None,
        "flags": [True, False],
        "empty": {"list": [], "dict": {}},
        "nested": {"a": [{"b": [1, [2, [3]]]}]},
        1: "an int key",
        "when": datetime(2026, 11, 23, 12, tzinfo=UTC),
        "day": date(2026, 11, 23),
        "point": Point(3),
        "amount": Decimal("1.50"),
        "pair": (1, "two"),
    }
    print_json(data)
    assert (
        capsys.readouterr().out
        == json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    )


def test_print_json_writes_numpy_numbers_as_numbers_nan_as_null_and_big_integers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_json({"f": np.float64(1.5), "i": np.int64(3), "b": np.bool_(True), "nan": math.nan})
    assert json.loads(capsys.readouterr().out) == {"f": 1.5, "i": 3, "b": True, "nan": None}
    print_json({"big": 2**64, "i": np.int64(3), "when": date(2026, 11, 23)})
    assert json.loads(capsys.readouterr().out) == {"big": 2**64, "i": 3, "when": "2026-11-23"}
