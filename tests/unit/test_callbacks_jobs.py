"""The job progress text shown under a bar: a finished job's status named once."""

from __future__ import annotations

from callbacks import jobs
from callbacks.sync_status import not_fetched_notice
from data.profiles import manager as profile_manager
from layouts.common import success_alert


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


def test_an_answer_that_changes_nothing_fades_a_notice_about_the_data_stays(backend):
    nothing = jobs.request_cancel("sync:team:q", "fetch", "the page it is reading")
    assert nothing.children == "No fetch is running." and nothing.duration == 8000
    # A long success stays longer (about 20 characters a second), a page notice stays put.
    assert success_alert("x" * 300).duration == 15_000 and success_alert("Done.").duration == 8000
    profile_id = profile_manager.create_profile("Team")
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    assert getattr(not_fetched_notice(profile_id, query_id), "duration", None) is None
