"""Fault injection over real HTTP: every sync ends completed or with a clear error, and the store
holds either the previous or the new state, never a mix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data.jira.client import JiraClient, RetryPolicy
from data.jira.errors import (
    JiraAuthError,
    JiraDeploymentMismatch,
    JiraRateLimited,
    JiraResponseError,
    JiraUnavailable,
)
from data.jira.sync import sync, sync_state, task_name
from data.store.sqlite_backend import SQLiteBackend
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira
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
        ("503", {"count": 2}),
        ("502", {"count": 2}),
        ("504", {"count": 1}),
        ("reset", {"count": 2}),
        ("truncate", {"count": 1}),
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
    # Four 429s in a row per endpoint: the fifth attempt (after 4 retries) gets through.
    faults = [fake.faults.add("429", count=4, retry_after=1, endpoint=e) for e in endpoints]
    result = sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert [f.fired for f in faults] == [4] * len(endpoints)
    assert result.issue_count == 120
    assert_sound(db_path)


def test_timeouts_are_retried(
    fake: FakeJira, db_path: Path, synced: tuple[str, str, object]
) -> None:
    profile_id, query_id, _ = synced
    fake.faults.add("slow", count=1, after=1, delay_ms=1500, endpoint=_search_endpoint(fake))
    policy = RetryPolicy(first_delay=0.005, max_delay=0.02, timeout=0.5, sleep=lambda s: None)
    result = sync(profile_id, query_id, full=True, retry=policy)
    assert result.issue_count == 120
    assert_sound(db_path)


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("truncate", JiraResponseError, "cut off"),
        ("reset", JiraUnavailable, "did not answer"),
        ("500", JiraUnavailable, "500"),
        ("429", JiraRateLimited, "rate-limiting"),
    ],
)
def test_a_page_that_keeps_failing_mid_sync_leaves_the_previous_data(
    fake: FakeJira,
    db_path: Path,
    backend: SQLiteBackend,
    synced: tuple[str, str, tuple[int, int, int, str]],
    kind: str,
    error: type[Exception],
    message: str,
) -> None:
    profile_id, query_id, before = synced
    fake.faults.add(kind, count=None, after=2, endpoint=_search_endpoint(fake))
    with pytest.raises(error, match=message):
        sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert store_snapshot(db_path, profile_id) == before
    assert_sound(db_path)
    row = backend.get_task_progress(task_name(profile_id, query_id))
    assert row is not None and row["status"] == "failed" and message in row["message"]
    assert message in (sync_state(profile_id, query_id) or {})["last_error"]
    # Once JIRA recovers, the next sync completes and clears the error.
    fake.faults.clear()
    assert sync(profile_id, query_id, retry=FAST_RETRY).issue_count == 120
    assert (sync_state(profile_id, query_id) or {})["last_error"] is None


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
