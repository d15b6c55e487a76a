"""Fault injection over real HTTP: every sync ends completed or with a clear error that names the
fault, within a bounded number of attempts, and the store holds either the previous or the new
state, never a mix. (The wall-clock of each persistent fault is bench/bench_jira_faults.py's.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pytest

from data.jira.client import DATACENTER_PAGE_WORKERS, JiraClient, RetryPolicy
from data.jira.errors import (
    JiraAuthError,
    JiraDeploymentMismatch,
    JiraNoAnswer,
    JiraRateLimited,
    JiraRequestError,
    JiraResponseError,
    JiraUnavailable,
)
from data.jira.sync import sync, sync_state, task_name
from data.store.sqlite_backend import SQLiteBackend
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira, dead_jira
from tests.integration.jira_support import (
    FAST_RETRY,
    assert_sound,
    make_profile,
    store_snapshot,
    visible_keys,
)

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=120, seed=5) as server:
        yield server


@pytest.fixture
def synced(fake: FakeJira, db_path: Path) -> tuple[str, str, tuple[int, int, int, str]]:
    """A profile synced once (pages of 30), then 20 issues changed in JIRA; returns the old state."""
    profile_id, query_id = make_profile(fake, page_size=30)
    sync(profile_id, query_id, retry=FAST_RETRY)
    before = store_snapshot(db_path, profile_id)
    fake.dataset.touch(sorted(visible_keys(fake))[:20])
    fake.reset_counts()
    return profile_id, query_id, before


def _search_endpoint(fake: FakeJira) -> str:
    return "search/jql" if fake.deployment == "cloud" else "search"


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("429", {"count": 3, "retry_after": 2}),
        ("503", {"count": 2, "retry_after": 1}),
        ("503", {"count": 3}),
        ("502", {"count": 2}),
        ("504", {"count": 1}),
        ("reset", {"count": 2}),
        ("truncate", {"count": 1}),
        ("malformed", {"count": 3}),
        ("slow", {"count": 2, "delay_ms": 300}),  # slower than usual, well within the timeout
    ],
)
def test_transient_faults_on_a_page_are_retried_to_a_complete_sync(
    fake: FakeJira, db_path: Path, synced: tuple[str, str, object], kind: str, options: dict
) -> None:
    profile_id, query_id, _ = synced
    fault = fake.faults.add(kind, after=1, endpoint=_search_endpoint(fake), **options)
    result = sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert fault.fired == options["count"]
    assert result.issue_count == len(visible_keys(fake)) == 120
    assert_sound(db_path)


def test_a_429_storm_on_every_endpoint_still_completes(
    fake: FakeJira, db_path: Path, synced: tuple[str, str, object]
) -> None:
    profile_id, query_id, _ = synced
    endpoints = ["serverInfo", "myself", _search_endpoint(fake)]
    if fake.deployment == "cloud":
        endpoints += ["search/approximate-count", "changelog/bulkfetch"]
    # Three 429s in a row per endpoint: the fourth and last attempt gets through.
    faults = [fake.faults.add("429", count=3, retry_after=1, endpoint=e) for e in endpoints]
    result = sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert [f.fired for f in faults] == [3] * len(endpoints)
    assert result.issue_count == 120
    assert_sound(db_path)


def test_three_503s_show_a_countdown_then_the_sync_completes(
    fake: FakeJira, synced: tuple[str, str, object]
) -> None:
    """The default waits (2 s, 4 s, 8 s with jitter), not slept: every second of each is told."""
    profile_id, query_id, _ = synced
    # The first page: on Data Center later pages come two at a time, and both would count down.
    fake.faults.add("503", count=3, endpoint=_search_endpoint(fake))
    said: list[str] = []
    policy = RetryPolicy(sleep=lambda s: None)
    sync(profile_id, query_id, full=True, retry=policy, progress=lambda _pct, m: said.append(m))
    countdown = [m for m in said if "retrying in" in m]
    search = "/rest/api/2/search/jql" if fake.deployment == "cloud" else "/rest/api/2/search"
    pattern = (
        rf"JIRA is busy: 503 on a page of issues \(POST {search}\); "
        r"retrying in (\d+) s \(attempt (\d) of 4\)"
    )
    told = [re.fullmatch(pattern, m) for m in countdown]
    assert all(told), countdown
    seconds = [(int(m.group(2)), int(m.group(1))) for m in told if m]
    # Each wait counts down to 1, and the attempts go 1, 2, 3 of 4.
    for attempt in (1, 2, 3):
        left = [s for a, s in seconds if a == attempt]
        assert left == list(range(left[0], 0, -1)), seconds
    assert sorted({a for a, _ in seconds}) == [1, 2, 3]


@pytest.mark.parametrize(
    ("kind", "error", "message", "attempts"),
    [
        ("truncate", JiraResponseError, "was cut off before its end, 4 times in", 4),
        ("malformed", JiraResponseError, "was not valid JSON, 4 times in", 4),
        ("html", JiraResponseError, "is a web page, not JIRA's data", 1),
        ("reset", JiraNoAnswer, "closed the connection 4 times in", 4),
        ("503", JiraUnavailable, "with 503 (Service Unavailable) 4 times in", 4),
        ("500", JiraUnavailable, "failed with 500", 1),
        ("429", JiraRateLimited, "with 429 4 times in", 4),
    ],
)
def test_a_page_that_keeps_failing_mid_sync_names_the_fault_and_leaves_the_previous_data(
    fake: FakeJira,
    db_path: Path,
    backend: SQLiteBackend,
    synced: tuple[str, str, tuple[int, int, int, str]],
    kind: str,
    error: type[Exception],
    message: str,
    attempts: int,
) -> None:
    profile_id, query_id, before = synced
    fault = fake.faults.add(kind, count=None, after=2, endpoint=_search_endpoint(fake))
    with pytest.raises(error, match=re.escape(message)) as raised:
        sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert "POST /rest/api/2/search" in str(raised.value)
    # The request that kept failing was tried a bounded number of times (on Data Center, so may
    # the page fetched beside it have been: two in flight).
    in_flight = 1 if fake.deployment == "cloud" else DATACENTER_PAGE_WORKERS
    assert attempts <= fault.fired <= attempts * in_flight
    assert store_snapshot(db_path, profile_id) == before
    assert_sound(db_path)
    row = backend.get_task_progress(task_name(profile_id, query_id))
    assert row is not None and row["status"] == "failed" and message in row["message"]
    assert message in (sync_state(profile_id, query_id) or {})["last_error"]
    # Once JIRA recovers, the next sync completes and clears the error.
    fake.faults.clear()
    assert sync(profile_id, query_id, retry=FAST_RETRY).issue_count == 120
    assert (sync_state(profile_id, query_id) or {})["last_error"] is None


def test_503_on_every_request_ends_at_the_first_request(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake)
    fault = fake.faults.add("503", count=None)
    with pytest.raises(JiraUnavailable, match="connection check .*4 times in") as raised:
        sync(profile_id, query_id, retry=FAST_RETRY)
    assert "it is down or overloaded, retry later" in str(raised.value)
    assert fault.fired == fake.total_requests == 4


def test_a_retry_after_longer_than_the_wait_allowed_is_not_waited_for(
    fake: FakeJira, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake)
    fault = fake.faults.add("429", count=None, retry_after=600, endpoint=_search_endpoint(fake))
    with pytest.raises(JiraRateLimited, match="asked to wait 600 s .*try again in 10 minutes"):
        sync(profile_id, query_id, retry=RetryPolicy(sleep=lambda s: None))
    assert fault.fired == 1


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("slow", "did not answer a page of issues"),  # nothing at all for the read timeout
        ("stall", "began answering a page of issues"),  # the answer stops halfway
    ],
)
def test_a_stalled_request_ends_with_a_clear_error_and_the_progress_named_it(
    fake: FakeJira, db_path: Path, synced: tuple[str, str, object], kind: str, said: str
) -> None:
    profile_id, query_id, before = synced
    fault = fake.faults.add(kind, count=None, delay_ms=5000, endpoint=_search_endpoint(fake))
    messages: list[str] = []
    policy = replace(FAST_RETRY, read_timeout=1.5, slow_notice=0.1)
    with pytest.raises(JiraNoAnswer, match=f"{said} .*1.5 s") as raised:
        sync(
            profile_id, query_id, full=True, retry=policy, progress=lambda _p, m: messages.append(m)
        )
    assert "retry later" in str(raised.value)
    assert fault.fired == 1  # a stall is not retried: it has been waited for already
    waiting = [m for m in messages if m.startswith("Waiting for JIRA to answer")]
    assert waiting and all("a page of issues (POST /rest/api/2/search" in m for m in waiting)
    assert "gives up after 1.5 s without data" in waiting[0]


@pytest.mark.parametrize(
    ("dead", "said"),
    [
        ("refused", r"Nothing answered at http://127\.0\.0\.1:\d+ \(connection refused; tried 2 times in \d+ s\)"),
        ("silent", r"Nothing answered at http://127\.0\.0\.1:\d+: no connection within 0\.3 s \(tried 2 times in \d+ s\)"),
        ("unknown-host", r"The JIRA host jira\.flowcast-test\.invalid was not found \(DNS: .*; tried 2 times in \d+ s\)"),
    ],
)  # fmt: skip
def test_a_jira_that_cannot_be_reached_fails_after_one_retry(
    db_path: Path, dead: str, said: str
) -> None:
    told: list[str] = []
    policy = RetryPolicy(sleep=lambda s: None, on_retry=told.append, connect_timeout=0.3)
    with ExitStack() as stack:
        if dead == "unknown-host":
            base_url = "https://jira.flowcast-test.invalid"  # .invalid never resolves (RFC 6761)
        else:
            base_url = stack.enter_context(dead_jira(dead))
        client = stack.enter_context(
            JiraClient(base_url, email=DEFAULT_EMAIL, token=DEFAULT_TOKEN, retry=policy)
        )
        with pytest.raises(JiraNoAnswer, match=said) as raised:
            client.server_info()
        assert client.request_count == 2
    assert "network or VPN" in str(raised.value) and str(raised.value).endswith("then retry.")
    assert told and all("(attempt 1 of 2)" in m for m in told)


def test_a_fetch_of_a_dead_jira_fails_fast_and_says_nothing_answered(
    backend: SQLiteBackend,
) -> None:
    with dead_jira() as url:
        backend.save_profile({"id": "dead", "name": "Dead", "jira_config": {"base_url": url}})
        backend.save_query("dead", {"id": "q", "name": "Q", "jql": "project = X"})
        with pytest.raises(JiraNoAnswer, match="Nothing answered at .*connection refused"):
            sync("dead", "q", retry=RetryPolicy(sleep=lambda s: None))
    row = backend.get_task_progress(task_name("dead", "q"))
    assert row is not None and row["status"] == "failed"
    assert row["message"].startswith(f"Nothing answered at {url}")


def test_a_token_expiring_mid_sync_is_an_auth_error_and_changes_nothing(
    fake: FakeJira, db_path: Path, synced: tuple[str, str, tuple[int, int, int, str]]
) -> None:
    """Cloud answers 401; Data Center silently serves an anonymous caller (who sees nothing)."""
    profile_id, query_id, before = synced
    fake.faults.add("expire-token", after=3)
    with pytest.raises(JiraAuthError) as info:
        sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert DEFAULT_TOKEN not in str(info.value)
    assert store_snapshot(db_path, profile_id) == before
    assert_sound(db_path)


def test_a_wrong_token_says_which_credential_to_fix(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake, token="wrong-token")
    with pytest.raises(JiraAuthError) as info:
        sync(profile_id, query_id, retry=FAST_RETRY)
    text = str(info.value)
    assert "wrong-token" not in text
    assert ("API token" if fake.deployment == "cloud" else "personal access token") in text


def test_the_wrong_deployment_is_explained(fake: FakeJira, db_path: Path) -> None:
    other = "datacenter" if fake.deployment == "cloud" else "cloud"
    profile_id, query_id = make_profile(fake, deployment=other)
    with pytest.raises(JiraDeploymentMismatch, match=f"deployment to {fake.deployment}"):
        sync(profile_id, query_id, retry=FAST_RETRY)


def test_the_removed_legacy_search_on_cloud_is_a_deployment_mismatch() -> None:
    with (
        FakeJira("cloud", issues=5) as cloud,
        JiraClient(
            cloud.base_url,
            deployment="datacenter",
            email=DEFAULT_EMAIL,
            token=DEFAULT_TOKEN,
            retry=FAST_RETRY,
        ) as client,
    ):
        with pytest.raises(JiraDeploymentMismatch, match="410.*set the profile's deployment"):
            list(client.search("project = DEMO", ["id"]))
        assert cloud.request_counts["search"] == 1  # a 410 is not retried


def test_a_410_on_search_jql_for_a_cloud_profile_does_not_advise_switching_to_cloud(
    db_path: Path,
) -> None:
    with FakeJira("cloud", issues=5) as cloud:
        cloud.faults.add("410", count=None, endpoint="search/jql")
        for deployment in ("cloud", "auto"):
            profile_id, query_id = make_profile(cloud, deployment=deployment)
            with pytest.raises(JiraRequestError, match="410.*update Flowcast") as raised:
                sync(profile_id, query_id, retry=FAST_RETRY)
            assert not isinstance(raised.value, JiraDeploymentMismatch)
            assert "deployment" not in str(raised.value)
        assert cloud.request_counts["search/jql"] == 2  # a 410 is not retried
