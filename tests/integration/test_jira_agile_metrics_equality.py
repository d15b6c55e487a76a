"""Equal to jira-agile-metrics, issue by issue (docs/metrics.md, "Equal to jira-agile-metrics").

The scenario of issue 11: the fake JIRA (1,500 issues, seed 11, the user in America/Chicago; as
Data Center and as Cloud),
the query ``project = DEMO AND issuetype = Story``, jira-agile-metrics' workflow Backlog: To Do,
Committed: In Progress, Review: In Review, Done: Done. This test reads the fake's REST answers
with plain httpx — no Flowcast code — and computes each issue's stage dates and cycle time by the
rules docs/metrics.md writes down for jira-agile-metrics (its ``cycletime.py``):

- the issue's snapshots are its creation (in the ``fromString`` of its first status change, else
  its current status) and each status change, in time order; a status in no stage is skipped;
- each stage's date is the *date part of JIRA's own timestamp string* (JIRA renders times in the
  user's zone, and jira-agile-metrics parses them with ``dateutil`` and keeps ``.date()``);
- entering a stage keeps its first date and clears every later stage's date (a backward move);
- afterwards, walking the stages from the last to the first, a stage without a date takes the
  next later one's (so cycle time starts at the committed stage or any later one);
- cycle time = done date − committed date in whole days; percentiles interpolate linearly.

Then Flowcast fetches the same server and ``flowcast report --json`` must give every issue the
same cycle time, the same percentiles, the same CFD for every day, the same completed items per
ISO week and the same ageing of the open items. Overriding the zone to UTC re-buckets without a
fetch, and the rules computed on UTC dates agree again (and disagree with JIRA's calendar).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from data.analytics.report import build_report
from data.jira.sync import sync
from data.profiles import manager as pm
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira
from tests.integration.jira_support import FAST_RETRY, make_profile, report_json_of

pytestmark = pytest.mark.usefixtures("backend")

JQL = "project = DEMO AND issuetype = Story"
WORKFLOW = [
    ("Backlog", ["To Do"]),
    ("Committed", ["In Progress"]),
    ("Review", ["In Review"]),
    ("Done", ["Done"]),
]
COMMITTED, DONE = "Committed", "Done"
FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"  # JIRA's timestamps: 2026-11-22T21:17:34.650-0600


@pytest.fixture(scope="module", params=["datacenter", "cloud"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=1500, seed=11, timezone="America/Chicago") as server:
        yield server


FIELDS = ["created", "status", "issuetype", "resolutiondate"]


@pytest.fixture(scope="module")
def rest_issues(fake: FakeJira) -> list[dict[str, Any]]:
    """Every issue of the query with its complete changelog, read as any REST client would."""
    if fake.deployment == "cloud":
        auth: Any = (DEFAULT_EMAIL, DEFAULT_TOKEN)
        with httpx.Client(base_url=fake.base_url, auth=auth, timeout=30) as client:
            return _cloud_issues(client)
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    with httpx.Client(base_url=fake.base_url, headers=headers, timeout=30) as client:
        return _datacenter_issues(client)


def _datacenter_issues(client: httpx.Client) -> list[dict[str, Any]]:
    """Data Center: ``POST /rest/api/2/search`` pages by startAt, with full changelogs."""
    issues: list[dict[str, Any]] = []
    while True:
        body = {"jql": JQL, "startAt": len(issues), "maxResults": 500, "fields": FIELDS,
                "expand": ["changelog"]}  # fmt: skip
        page = client.post("/rest/api/2/search", json=body).raise_for_status().json()
        issues.extend(page["issues"])
        if len(issues) >= page["total"] or not page["issues"]:
            return issues


def _cloud_issues(client: httpx.Client) -> list[dict[str, Any]]:
    """Cloud: ``POST /rest/api/3/search/jql`` pages by nextPageToken (without changelogs: the
    search would cut them at 40 histories); the histories from ``POST
    /rest/api/3/changelog/bulkfetch``, paged by nextPageToken too."""
    issues: list[dict[str, Any]] = []
    token = None
    while True:
        body = {"jql": JQL, "fields": FIELDS, "maxResults": 1000}
        page = (
            client.post(
                "/rest/api/3/search/jql",
                json={**body, **({"nextPageToken": token} if token else {})},
            )
            .raise_for_status()
            .json()
        )
        issues.extend(page["issues"])
        if page["isLast"]:
            break
        token = page["nextPageToken"]
    histories: dict[str, list[dict[str, Any]]] = {issue["id"]: [] for issue in issues}
    for start in range(0, len(issues), 1000):
        body = {"issueIdsOrKeys": [i["id"] for i in issues[start : start + 1000]],
                "fieldIds": ["status"]}  # fmt: skip
        token = None
        while True:
            page = (
                client.post(
                    "/rest/api/3/changelog/bulkfetch",
                    json={**body, **({"nextPageToken": token} if token else {})},
                )
                .raise_for_status()
                .json()
            )
            for entry in page["issueChangeLogs"]:
                histories[entry["issueId"]].extend(entry["changeHistories"])
            token = page.get("nextPageToken")
            if token is None:
                break
    for issue in issues:
        issue["changelog"] = {"histories": histories[issue["id"]]}
    return issues


def _stage_dates(issue: dict[str, Any], day_of) -> dict[str, date | None]:
    """jira-agile-metrics' stage dates of one issue (the rules in the module docstring)."""
    lookup = {s.lower(): name for name, statuses in WORKFLOW for s in statuses}
    order = [name for name, _ in WORKFLOW]
    histories = sorted(
        issue["changelog"]["histories"], key=lambda h: datetime.strptime(h["created"], FORMAT)
    )
    moves = [
        (h["created"], item) for h in histories for item in h["items"] if item["field"] == "status"
    ]
    initial = moves[0][1]["fromString"] if moves else issue["fields"]["status"]["name"]
    snapshots = [(issue["fields"]["created"], initial)]
    snapshots += [(created, item["toString"]) for created, item in moves]
    dates: dict[str, date | None] = dict.fromkeys(order)
    for stamp, status in snapshots:
        stage = lookup.get(status.lower())
        if stage is None:
            continue
        if dates[stage] is None:
            dates[stage] = day_of(stamp)
        for later in order[order.index(stage) + 1 :]:
            dates[later] = None
    previous = None
    for stage in reversed(order):
        previous = dates[stage] or previous
        dates[stage] = previous
    return dates


def jira_day(stamp: str) -> date:
    """The date part of JIRA's string, in the offset JIRA wrote (what dateutil's .date() keeps)."""
    return datetime.strptime(stamp, FORMAT).date()


def utc_day(stamp: str) -> date:
    return datetime.strptime(stamp, FORMAT).astimezone(UTC).date()


def _linear_percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def _expected(issues: list[dict[str, Any]], day_of) -> dict[str, dict[str, date | None]]:
    return {issue["key"]: _stage_dates(issue, day_of) for issue in issues}


def _cycle_times(stages: dict[str, dict[str, date | None]]) -> dict[str, int]:
    return {
        key: (d[DONE] - d[COMMITTED]).days  # type: ignore[operator]
        for key, d in stages.items()
        if d[COMMITTED] is not None and d[DONE] is not None
    }


@pytest.fixture
def fetched(fake: FakeJira, rest_issues) -> tuple[str, str]:
    profile_id, query_id = make_profile(fake, jql=JQL)
    pm.update_mappings(
        profile_id,
        {
            "field_mappings": {
                "workflow_stages": [{"name": n, "statuses": s} for n, s in WORKFLOW],
                "committed_stage": COMMITTED,
                "done_stage": DONE,
            }
        },
    )
    sync(profile_id, query_id, retry=FAST_RETRY)
    return profile_id, query_id


def _compare(report: dict[str, Any], stages, today: date) -> None:
    expected = _cycle_times(stages)
    ours = {item["key"]: item["cycle_time_days"] for item in report["cycle_time"]["items"]}
    assert ours == expected  # every issue, not only the percentiles
    assert report["cycle_time"]["count"] == len(expected)
    values = list(expected.values())
    assert report["cycle_time"]["percentiles_days"] == pytest.approx(
        {name: _linear_percentile(values, q) for name, q in (("p50", 0.5), ("p85", 0.85),
                                                             ("p95", 0.95))}
    )  # fmt: skip
    done_dates = {
        item["key"]: item["done_date"] for item in report["cycle_time"]["items"]
    }  # per issue too
    assert done_dates == {k: d[DONE].isoformat() for k, d in stages.items() if k in expected}

    # Completed items per ISO week of their done date (jira-agile-metrics counts the same items
    # per week; its "1W-MON" buckets run Tuesday to Monday, see docs/metrics.md).
    per_week = Counter(
        "{:04d}-W{:02d}".format(*d[DONE].isocalendar()[:2]) for d in stages.values() if d[DONE]
    )
    weeks = {w["week"]: w["completed_items"] for w in report["weekly_statistics"]["weeks"]}
    assert {w: n for w, n in weeks.items() if n} == dict(per_week)

    # Ageing: not done, committed; age = today - committed date.
    ageing = {item["key"]: item["age_days"] for item in report["ageing_wip"]["items"]}
    assert ageing == {
        key: (today - d[COMMITTED]).days
        for key, d in stages.items()
        if d[DONE] is None and d[COMMITTED] is not None
    }


def _compare_cfd(cfd, stages) -> None:
    """jira-agile-metrics' CFD: per day, the issues whose (back-filled) stage date is on or
    before it, for each stage — every day from the first stage date to today."""
    assert list(cfd.columns) == ["date", *(name for name, _ in WORKFLOW)]
    for row in cfd.itertuples(index=False):
        day = row.date.date()
        for index, (name, _) in enumerate(WORKFLOW):
            expected = sum(1 for d in stages.values() if d[name] is not None and d[name] <= day)
            assert row[index + 1] == expected, (day, name)


def test_every_issue_has_jira_agile_metrics_cycle_time_in_the_jira_users_calendar(
    fetched, rest_issues
) -> None:
    report = report_json_of(*fetched)
    assert report["time_zone"] == "America/Chicago"
    stages = _expected(rest_issues, jira_day)
    today = datetime.fromisoformat(report["as_of"]).astimezone(ZoneInfo("America/Chicago")).date()
    _compare(report, stages, today)
    _compare_cfd(build_report(*fetched).cycle.cumulative_flow, stages)
    completed = len(_cycle_times(stages))
    assert completed > 600  # the issue's scenario: ~700 completed stories of 1,500 issues
    print(f"\njira-agile-metrics equality: {completed} completed stories, all equal")


def test_an_override_rebuckets_without_a_fetch_and_the_utc_rules_agree(
    fake: FakeJira, fetched, rest_issues
) -> None:
    profile_id, query_id = fetched
    requests = fake.total_requests
    pm.set_metrics_time_zone(profile_id, "UTC")
    try:
        report = report_json_of(profile_id, query_id)
        assert fake.total_requests == requests  # nothing fetched
        assert report["time_zone"] == "UTC"
        stages = _expected(rest_issues, utc_day)
        today = datetime.fromisoformat(report["as_of"]).astimezone(UTC).date()
        _compare(report, stages, today)
        # The defect issue 11 reports: in UTC many stories are a day off JIRA's calendar.
        jira = _cycle_times(_expected(rest_issues, jira_day))
        utc = _cycle_times(stages)
        differ = sum(1 for key in jira if jira[key] != utc.get(key))
        assert differ > 50
        print(f"\nin UTC {differ} of {len(jira)} completed stories are a day off JIRA's calendar")
    finally:
        pm.set_metrics_time_zone(profile_id, None)


def test_the_day_of_a_jira_timestamp_is_the_users_local_day() -> None:
    # The rule the expectations rest on, checked on JIRA's own format: 21:17 in Chicago on
    # 2026-11-22 is already the 23rd in UTC.
    assert jira_day("2026-11-22T21:17:34.650-0600") == date(2026, 11, 22)
    assert utc_day("2026-11-22T21:17:34.650-0600") == date(2026, 11, 23)
    assert jira_day("2026-11-22T21:17:34.650-0600") + timedelta(days=1) == utc_day(
        "2026-11-22T21:17:34.650-0600"
    )
