"""Fetch: what the dashboard's Fetch button and ``flowcast fetch`` both do, as one job.

1. sync the query from JIRA (``data.jira.sync``; one write transaction at its end),
2. compute and store the last ``SNAPSHOT_WEEKS`` weekly snapshots from the new history, so the
   weekly review, DORA trends and forecast drift are current right after a fetch; reading the
   frames for them leaves the frame cache warm for the pages.

The job's record (``sync:<profile>:<query>``) says completed only after the last step, so every
tab and Cancel see the whole fetch. Cancel works at every step: during the sync the previous data
stay as they were; during the snapshots the fetched issues are kept (their write is done) and the
record says so, with the previous snapshots left in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.analytics.snapshots import snapshot_weeks
from data.errors import TaskCancelled
from data.jira.sync import SyncResult, sync_in_job, sync_job
from data.jobs import ProgressCallback

SNAPSHOT_WEEKS = 26
SYNC_SHARE = 80  # percent of the bar the sync gets; the snapshots take the rest


class SnapshotsCancelled(TaskCancelled):
    """Cancelled after the sync's write: the fetched issues are stored, the snapshots are not."""

    def __init__(self, synced: SyncResult):
        self.synced = synced
        super().__init__(
            f"Cancelled after the issues were fetched: {synced.changes()}; the weekly snapshots "
            "were not recomputed (Backfill on the Weekly review page does it)."
        )


@dataclass(frozen=True)
class FetchResult:
    sync: SyncResult
    snapshot_weeks: list[str]

    def summary(self) -> str:
        weeks = len(self.snapshot_weeks)
        return f"{self.sync.changes()}; {weeks} weekly snapshots updated."

    def as_dict(self) -> dict[str, Any]:
        return {**self.sync.as_dict(), "snapshot_weeks": self.snapshot_weeks}


def fetch(
    profile_id: str,
    query_id: str,
    full: bool = False,
    progress: ProgressCallback | None = None,
    *,
    weeks: int = SNAPSHOT_WEEKS,
    **sync_options: Any,
) -> FetchResult:
    """Sync the query, then store its last ``weeks`` weekly snapshots, as one job; raises
    JiraError, TaskCancelled or SyncInProgress. ``sync_options`` go to ``sync_in_job``."""
    with sync_job(profile_id, query_id, progress) as job:
        with job.phase(0, SYNC_SHARE):
            synced = sync_in_job(job, profile_id, query_id, full, **sync_options)
        try:
            with job.phase(SYNC_SHARE, 100):
                stored = snapshot_weeks(profile_id, query_id, backfill=weeks, step=job.step)
        except TaskCancelled:
            raise SnapshotsCancelled(synced) from None
        result = FetchResult(synced, stored)
        job.finish(result.summary(), result.as_dict())
    return result
