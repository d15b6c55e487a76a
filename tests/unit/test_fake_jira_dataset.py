"""The fake JIRA's generated data: deterministic, realistic in shape, and mutable by tests."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from fakejira.catalog import BLOCKED, DONE, IN_PROGRESS, IN_REVIEW, TODO
from fakejira.dataset import DAY_MS, Dataset, Issue

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


@pytest.fixture(scope="module")
def big() -> Dataset:
    return Dataset(issues=3000, seed=7, now=NOW)


def snapshot(dataset: Dataset) -> list[tuple]:
    return [
        (
            i.key,
            i.id,
            i.issue_type,
            i.summary,
            i.status,
            i.created_ms,
            i.updated_ms,
            [(h.id, h.author, h.created_ms, h.changes) for h in i.histories],
        )
        for i in dataset.issues()
    ]


def test_same_seed_and_now_give_the_same_data() -> None:
    assert snapshot(Dataset(200, seed=3, now=NOW)) == snapshot(Dataset(200, seed=3, now=NOW))


def test_another_seed_gives_other_data() -> None:
    assert snapshot(Dataset(200, seed=3, now=NOW)) != snapshot(Dataset(200, seed=4, now=NOW))


def test_keys_and_ids_follow_creation_order(big: Dataset) -> None:
    issues = big.issues()
    assert [i.key for i in issues[:3]] == ["DEMO-1", "DEMO-2", "DEMO-3"]
    assert [i.created_ms for i in issues] == sorted(i.created_ms for i in issues)
    assert len({i.id for i in issues}) == len(issues)


def test_a_year_of_work_ending_now_with_growing_scope(big: Dataset) -> None:
    issues = big.issues()
    assert NOW_MS - 366 * DAY_MS <= issues[0].created_ms and issues[-1].created_ms <= NOW_MS
    assert all(h.created_ms < NOW_MS for i in issues for h in i.histories)
    first_half = sum(i.created_ms < NOW_MS - 182 * DAY_MS for i in issues)
    # Creation density grows linearly, so about a quarter of issues fall in the first half-year.
    assert first_half < len(issues) * 0.4


def test_types_statuses_and_categories_are_all_present(big: Dataset) -> None:
    types = Counter(i.issue_type for i in big.issues())
    assert set(types) == {"Story", "Bug", "Task", "Epic", "Incident"}
    statuses = Counter(i.status for i in big.issues())
    assert {TODO, IN_PROGRESS, DONE} <= set(statuses)


def test_histories_chain_and_are_ordered(big: Dataset) -> None:
    for issue in big.issues():
        times = [h.created_ms for h in issue.histories]
        assert times == sorted(times) and len(set(times)) == len(times)
        status = TODO
        for history in issue.histories:
            for name, old, new in history.changes:
                if name == "status":
                    assert old == status, issue.key
                    status = new
        assert status == issue.status


def test_workflow_has_reviews_bouncing_back_and_blocked_spells(big: Dataset) -> None:
    moves = Counter(
        (old, new)
        for i in big.issues()
        for h in i.histories
        for name, old, new in h.changes
        if name == "status"
    )
    assert moves[(IN_REVIEW, IN_PROGRESS)] > 0
    assert moves[(IN_PROGRESS, BLOCKED)] > 0 and moves[(BLOCKED, IN_PROGRESS)] > 0
    assert moves[(IN_REVIEW, DONE)] > moves[(IN_REVIEW, IN_PROGRESS)]


def test_done_issues_carry_a_resolution_and_most_a_fix_version(big: Dataset) -> None:
    done = [i for i in big.issues() if i.status == DONE]
    assert all(i.resolved_ms is not None for i in done)
    assert all(i.resolved_ms is None for i in big.issues() if i.status != DONE)
    with_version = [i for i in done if i.fix_versions]
    assert len(with_version) > len(done) / 2


def test_incidents_follow_a_release_and_are_urgent(big: Dataset) -> None:
    incidents = [i for i in big.issues() if i.issue_type == "Incident"]
    assert incidents
    for incident in incidents:
        (version_id,) = incident.affects_versions
        release = big.version(version_id).release_date
        created = datetime.fromtimestamp(incident.created_ms / 1000, UTC).date()
        assert release <= created <= release + timedelta(days=3)
        assert incident.initial_priority in ("1", "2")


def test_about_five_percent_have_more_than_forty_histories(big: Dataset) -> None:
    counts = [len(i.histories) for i in big.issues()]
    share = sum(c > 40 for c in counts) / len(counts)
    assert 0.02 < share < 0.08
    assert 8 < sum(counts) / len(counts) < 16


def test_flagged_periods_and_released_and_unreleased_versions(big: Dataset) -> None:
    flags = [
        new
        for i in big.issues()
        for h in i.histories
        for name, _old, new in h.changes
        if name == "flagged"
    ]
    assert True in flags and False in flags
    assert {v.released for v in big.versions} == {True, False}


def test_summaries_carry_non_ascii_text_and_markup(big: Dataset) -> None:
    summaries = [i.summary for i in big.issues()]
    assert any(not s.isascii() for s in summaries)
    assert "<script>alert(1)</script> in comment preview" in summaries
    assert "<img src=x onerror=alert(1)> in avatar upload" in summaries


# ------------------------------------------------------------------- mutation


def fresh() -> Dataset:
    return Dataset(issues=50, seed=5, now=NOW)


def test_touch_moves_an_issue_along_and_updates_it() -> None:
    dataset = fresh()
    issue = next(i for i in dataset.issues() if i.status == TODO)
    before = (len(issue.histories), issue.revision, dataset.generation)
    at = NOW + timedelta(hours=1)
    dataset.touch([issue.key], at=at)
    assert issue.status == IN_PROGRESS
    assert issue.updated_ms == int(at.timestamp() * 1000)
    assert (len(issue.histories), issue.revision, dataset.generation) == (
        before[0] + 1,
        before[1] + 1,
        before[2] + 1,
    )


def test_touch_with_a_status_sets_the_resolution_too() -> None:
    dataset = fresh()
    issue = next(i for i in dataset.issues() if i.status != DONE)
    dataset.touch([issue.key], at=NOW + timedelta(minutes=5), status="Done")
    assert issue.status == DONE and issue.resolved_ms == issue.updated_ms


def test_touch_of_a_done_issue_edits_its_labels() -> None:
    dataset = fresh()
    issue = next(i for i in dataset.issues() if i.status == DONE)
    dataset.touch([issue.key], at=NOW + timedelta(minutes=5))
    assert issue.status == DONE and "touched" in issue.labels


def test_touch_refuses_a_time_before_the_last_update() -> None:
    dataset = fresh()
    issue = dataset.issues()[-1]
    with pytest.raises(ValueError, match="touch it at a later time"):
        dataset.touch([issue.key], at=NOW - timedelta(days=400))


def test_touch_refuses_an_unknown_status() -> None:
    with pytest.raises(ValueError, match="Unknown status 'Dancing'"):
        fresh().touch(["DEMO-1"], status="Dancing")


def test_delete_removes_the_issue_and_its_key() -> None:
    dataset = fresh()
    dataset.delete("DEMO-2")
    assert dataset.get("DEMO-2") is None and len(dataset) == 49
    with pytest.raises(KeyError, match="No issue 'DEMO-2'"):
        dataset.delete("DEMO-2")


def test_move_gives_a_new_key_and_the_old_key_still_resolves() -> None:
    dataset = fresh()
    issue = dataset.get("DEMO-3")
    assert isinstance(issue, Issue)
    new_key = dataset.move("DEMO-3", "OPS", at=NOW + timedelta(hours=1))
    assert new_key == "OPS-1" and issue.project == "OPS"
    assert dataset.get("DEMO-3") is issue and dataset.get("OPS-1") is issue
    assert issue.histories[-1].changes == (("project", "DEMO-3", "OPS-1"),)


def test_create_adds_new_to_do_stories_with_fresh_ids() -> None:
    dataset = fresh()
    highest = max(i.id for i in dataset.issues())
    dataset.delete("DEMO-50")
    (made,) = dataset.create(1, at=NOW + timedelta(hours=2))
    assert made.key == "DEMO-51" and made.id == highest + 1 and made.status == TODO


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Dataset(10, now=datetime(2026, 1, 1))


def _last_status_change(issue: Issue) -> int:
    return max(
        (h.created_ms for h in issue.histories if any(c[0] == "status" for c in h.changes)),
        default=issue.created_ms,
    )


def test_some_work_stalled_in_progress_for_weeks(big: Dataset) -> None:
    # The stale-work list and the ageing chart's outliers need items picked up weeks ago and
    # not moved since.
    stale = [
        i
        for i in big.issues()
        if i.status in (IN_PROGRESS, IN_REVIEW, BLOCKED)
        and NOW_MS - _last_status_change(i) >= 14 * DAY_MS
    ]
    assert len(stale) >= 20


def test_some_bugs_were_reopened_after_done(big: Dataset) -> None:
    reopened = [
        i
        for i in big.issues()
        if i.issue_type == "Bug"
        and any(c[:3] == ("status", DONE, IN_PROGRESS) for h in i.histories for c in h.changes)
    ]
    assert len(reopened) >= 20
    # Some are done again, some still open: both the open-bug trend and bug cycle time see them.
    assert {i.status == DONE for i in reopened} == {True, False}
    assert all((i.resolved_ms is None) == (i.status != DONE) for i in reopened)


def test_flag_sets_and_clears_the_flagged_field_with_any_value() -> None:
    dataset = Dataset(30, seed=3, now=NOW)
    issue = dataset.issues()[0]
    start = datetime.fromtimestamp(issue.updated_ms / 1000, UTC)
    dataset.flag([issue.key], start + timedelta(hours=1))
    assert issue.flagged and issue.histories[-1].changes == (("flagged", False, True),)
    dataset.flag([issue.key], start + timedelta(hours=2), None)
    assert not issue.flagged and issue.histories[-1].changes == (("flagged", True, None),)
    dataset.flag([issue.key], start + timedelta(hours=3), "Waiting for vendor")
    assert issue.flagged and issue.histories[-1].changes[0][2] == "Waiting for vendor"
    with pytest.raises(ValueError, match="flag it at a later time"):
        dataset.flag([issue.key], start)
