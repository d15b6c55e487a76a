"""Metrics per plan version and ISO week, e.g. the weekly forecast (P50 / P85 dates, remaining).

Recording the forecast against the plan version it was made for makes forecast drift visible per
version: ``get_metrics(plan_id, metric_name="p85_date")`` lists how the date moved week by week.
A value is a finite number or an ISO date (``2027-01-29``); recording a week again replaces it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from data.db.connection import write_transaction
from data.errors import ValidationError
from data.plans.errors import PlanLockedError
from data.plans.plan_document import is_iso_date
from data.plans.versions import read_head, require_version
from data.store import get_backend
from data.store import plans as store
from data.timeutil import utc_now_iso, validate_week_key

_METRIC_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_METRICS_PER_CALL = 100


def _value(name: str, value: Any) -> float | int | str:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    if is_iso_date(value):
        return value
    raise ValidationError(
        f"Metric {name!r} is {value!r}; use a finite number or an ISO date like 2027-01-29."
    )


def add_metrics(
    plan_id: str,
    week: str,
    metrics: dict[str, Any],
    *,
    version: int | None = None,
) -> int:
    """Record ``{metric_name: value}`` for ``week`` against a version (default: the current one).

    Returns the version the metrics were recorded for.
    """
    validate_week_key(week)
    if not isinstance(metrics, dict) or not metrics or len(metrics) > MAX_METRICS_PER_CALL:
        raise ValidationError(
            f"Metrics are an object of 1 to {MAX_METRICS_PER_CALL} names and values, e.g. "
            '{"p85_date": "2027-01-29", "remaining_items": 12}.'
        )
    rows = []
    for name, value in metrics.items():
        if not isinstance(name, str) or not _METRIC_NAME_RE.match(name):
            raise ValidationError(
                f"{name!r} is not a metric name; use lowercase letters, digits and _, e.g. p85_date."
            )
        rows.append((name, _value(name, value)))
    now = utc_now_iso()
    with get_backend().session() as c, write_transaction(c):
        head = read_head(c, plan_id)
        if head["is_deleted"]:
            raise PlanLockedError(
                f"Plan {plan_id!r} is deleted; restore it before recording metrics."
            )
        number = head["version"] if version is None else require_version(c, plan_id, version)
        store.upsert_metrics(c, plan_id, number, week, rows, now)
    return number


def get_metrics(
    plan_id: str,
    *,
    version: int | None = None,
    metric_name: str | None = None,
) -> list[dict[str, Any]]:
    """Recorded metrics as rows ``{version, week, metric_name, value, recorded_at}``, oldest first."""
    with get_backend().session() as c:
        read_head(c, plan_id)
        return store.list_metrics(c, plan_id, version, metric_name)
