"""The incremental JQL: ORDER BY kept at the end, the time shown in the JIRA user's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from data.jira.jql import incremental_jql, split_order_by


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("project = A", ("project = A", "")),
        ("project = A ORDER BY created DESC", ("project = A", "ORDER BY created DESC")),
        ("project = A order   by rank", ("project = A", "order   by rank")),
        ('summary ~ "order by x" ORDER BY key', ('summary ~ "order by x"', "ORDER BY key")),
        ("summary ~ 'it\\'s order by' ", ("summary ~ 'it\\'s order by'", "")),
        ("border = 1", ("border = 1", "")),
        ("ORDER BY created", ("", "ORDER BY created")),
    ],
)
def test_split_order_by(jql: str, expected: tuple[str, str]) -> None:
    assert split_order_by(jql) == expected


def test_time_is_formatted_in_the_users_zone_west_of_utc() -> None:
    # 03:30 UTC on 23 Nov is 19:30 the day before in Los Angeles (UTC-8 in November).
    since = datetime(2026, 11, 23, 3, 30, 59, tzinfo=UTC)
    assert (
        incremental_jql("project = A ORDER BY key", since, "America/Los_Angeles")
        == '(project = A) AND updated >= "2026-11-22 19:30" ORDER BY key'
    )


def test_or_queries_are_parenthesized_so_the_bound_applies_to_all() -> None:
    since = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert incremental_jql("project = A OR project = B", since, "UTC") == (
        '(project = A OR project = B) AND updated >= "2026-01-01 00:00"'
    )
