"""data.jira.prefetch: the next page is fetched while the caller handles this one, never more."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from data.jira.prefetch import prefetched


class Pages:
    """A page source that records how far ahead of its consumer it was asked to go."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.fetched = 0
        self.closed = False
        self.threads: set[str] = set()

    def __iter__(self) -> Iterator[int]:
        try:
            for page in range(self.count):
                if page == self.fail_at:
                    raise ValueError(f"page {page} broke")
                self.threads.add(threading.current_thread().name)
                self.fetched += 1
                yield page
        finally:
            self.closed = True


def test_pages_arrive_in_order_fetched_on_another_thread_one_ahead() -> None:
    pages = Pages(6)
    seen = []
    for page in prefetched(iter(pages)):
        # The page after this one may be fetched while we hold this one, no further.
        assert pages.fetched <= page + 2
        seen.append(page)
    assert seen == [0, 1, 2, 3, 4, 5]
    assert pages.threads == {"jira-prefetch"} and pages.closed


def test_an_error_while_fetching_reaches_the_caller_at_its_page() -> None:
    pages = Pages(5, fail_at=3)
    seen = []
    with pytest.raises(ValueError, match="page 3 broke"):
        for page in prefetched(iter(pages)):
            seen.append(page)
    assert seen == [0, 1, 2] and pages.closed


def test_leaving_early_stops_fetching_and_closes_the_source() -> None:
    pages = Pages(100)
    for page in prefetched(iter(pages)):
        if page == 2:
            break
    assert pages.closed and pages.fetched <= 4
