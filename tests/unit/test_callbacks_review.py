"""Weekly review adapters as plain functions: backfill, weeks shown, sign-off."""

from __future__ import annotations

from dash import no_update

from callbacks import review
from data import plans, profile_manager
from data.plans.artifacts import WEEKLY_REVIEW_PHASE


def _selection(backend) -> dict[str, str]:
    profile_id = profile_manager.create_profile("Team")
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    return {"profile": profile_id, "query": query_id}


def test_sign_off_needs_a_snapshot_of_that_week(backend):
    selection = _selection(backend)
    alert, items = review.sign_off(selection, "2026-W40", "notes")
    assert alert.color == "danger" and "no metrics snapshot for 2026-W40" in str(alert.children)
    assert items is no_update
    alert, _ = review.sign_off(selection, None, "")
    assert "backfill" in alert.children


def test_backfill_then_sign_off_a_week(backend):
    selection = _selection(backend)
    alert, content = review.backfill(selection, 8)
    assert alert.color == "success" and content is not no_update
    week = alert.children.split(" to ")[1].rstrip(".")
    alert, items = review.sign_off(selection, week, "Reviewed with the team")
    assert alert.children == f"Signed off {week}."
    assert len(items) == 1
    stored = plans.list_approved_artifacts(
        selection["profile"], selection["query"], phase=WEEKLY_REVIEW_PHASE
    )
    assert [(a["artifact_type"], a["approval_notes"]) for a in stored] == [
        (week, "Reviewed with the team")
    ]
