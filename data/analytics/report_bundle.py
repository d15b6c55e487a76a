"""Everything the standalone HTML report shows, read once: the ``Report`` that ``report --json``
prints (and its JSON document, where the file's numbers come from), the weekly review and its
sign-offs up to the report's week, the approved plan, the oldest items in progress with their
summaries, and the names and JIRA address the file is titled and linked with.

Nothing here computes a metric: ``layouts/report_html.py`` renders the bundle as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from data import plans
from data.analytics import DEFAULT_REVIEW_WEEKS
from data.analytics.loading import issue_summaries
from data.analytics.report import Report, build_report
from data.analytics.snapshots import WeeklyReview, review_from_snapshots
from data.errors import ValidationError
from data.metrics.frames import day_to_date, local_day_of
from data.plans.approved import ApprovedPlan, approved_plan
from data.plans.artifacts import WEEKLY_REVIEW_PHASE
from data.profiles import manager as profile_manager
from data.store import get_backend

OLDEST_ROWS = 50  # as the Flow page's table (layouts.flow.AGEING_ROWS)
PLAN_HISTORY_ROWS = 50  # as the Plans page's table


@dataclass(frozen=True)
class ReportBundle:
    report: Report
    # report.to_json(): the numbers, as `report --json` prints them (the Monte Carlo scope the
    # profile does not show, and the per-item lists, only when asked for: the file shows neither)
    document: dict[str, Any]
    profile_name: str
    query_name: str
    jira_url: str | None  # where issue keys link to (None: plain text)
    today: date  # the report's day in the metrics time zone (MetricsContext.today)
    week: str  # the ISO week of the report's date; the review stops there
    review: WeeklyReview
    review_weeks: int
    signoffs: list[dict[str, Any]]  # the weekly review's sign-offs up to ``week``, newest first
    plan: ApprovedPlan | None
    plan_history: list[dict[str, Any]]  # the query's plan's versions, newest first (Plans page)
    oldest: pd.DataFrame  # the oldest items in progress (report.cycle.oldest_wip)
    summaries: dict[str, str]  # their JIRA summaries


def plan_history(profile_id: str, query_id: str) -> list[dict[str, Any]]:
    """The versions of the query's most recently changed plan, newest first, as the Plans page
    lists them; none without a plan."""
    found = plans.list_plans(profile_id, query_id)
    return plans.get_version_history(found[0]["id"], PLAN_HISTORY_ROWS) if found else []


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def review_through(
    profile_id: str, query_id: str, week: str, weeks: int, zone: str
) -> WeeklyReview:
    """The weekly review of the last ``weeks`` stored weeks up to ``week`` (an as-of report shows
    the review as it stood then, not the weeks after)."""
    stored = get_backend().get_metrics_snapshots(profile_id, query_id)
    kept = sorted({s["snapshot_date"] for s in stored if s["snapshot_date"] <= week})[-weeks:]
    return review_from_snapshots([s for s in stored if s["snapshot_date"] in set(kept)], zone)


def build_report_bundle(
    profile_id: str,
    query_id: str,
    as_of: datetime | str | None = None,
    weeks: int = DEFAULT_REVIEW_WEEKS,
    scopes: tuple[str, ...] | None = None,
    per_item: bool = True,
) -> ReportBundle:
    """``scopes``: the Monte Carlo scope models to simulate besides the one the profile shows
    (``report --json`` prints both; a growing scope that never catches up costs about a third of
    a 10k-issue report). ``per_item=False``: the document without its per-item lists
    (``data.analytics.report.PER_ITEM_PATHS``), which the HTML file does not read."""
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 520:
        raise ValidationError(f"{weeks!r} weeks of review cannot be shown; give 1 to 520 weeks.")
    report = build_report(profile_id, query_id, as_of, scopes)
    profile = profile_manager.get_profile(profile_id)
    query = profile_manager.get_query(profile_id, query_id)
    today = day_to_date(
        local_day_of(np.array([report.as_of.value // 1_000_000]), report.mappings.time_zone)[0]
    )
    week = week_key(today)
    signoffs = [
        s
        for s in plans.list_approved_artifacts(profile_id, query_id, phase=WEEKLY_REVIEW_PHASE)
        if s["artifact_type"] <= week
    ]
    oldest = report.cycle.oldest_wip(OLDEST_ROWS)
    return ReportBundle(
        report=report,
        document=report.to_json(per_item),
        profile_name=profile["name"],
        query_name=query["name"],
        jira_url=(profile.get("jira_config") or {}).get("base_url") or None,
        today=today,
        week=week,
        review=review_through(profile_id, query_id, week, weeks, report.mappings.time_zone),
        review_weeks=weeks,
        signoffs=signoffs,
        plan=approved_plan(profile_id, query_id),
        plan_history=plan_history(profile_id, query_id),
        oldest=oldest,
        summaries=issue_summaries(profile_id, oldest["key"]),
    )
