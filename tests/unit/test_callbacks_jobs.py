"""The job progress text shown under a bar: a finished job's status named once."""

from __future__ import annotations

from callbacks import jobs


def _record(status: str, message: str) -> dict[str, object]:
    return {"progress_percent": 45.0, "status": status, "message": message}


def test_a_finished_job_names_its_status_once():
    # The cancelled backfill read "Cancelled: Cancelled; nothing changed".
    cancelled = jobs.progress_values(_record("cancelled", "Cancelled; nothing changed"))
    assert cancelled == (45.0, "45%", "Cancelled; nothing changed")
    done = jobs.progress_values(_record("completed", "Stored 26 snapshots"))
    assert done[2] == "Completed: Stored 26 snapshots"
    running = jobs.progress_values(_record("running", "Computing week 2026-W40"))
    assert running[2] == "Computing week 2026-W40"
