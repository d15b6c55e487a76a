"""Weekly review adapters as plain functions: backfill, weeks shown, sign-off."""

from __future__ import annotations

import csv
import io
import re

from dash import no_update

from callbacks import review
from data import plans
from data.plans.approved import approve_deadline
from data.plans.artifacts import WEEKLY_REVIEW_PHASE
from data.profiles import manager as profile_manager
from data.profiles import people
from data.store import get_backend
from layouts import ids
from layouts.jobs import BAR_SHOWN
from tests.components import find_component


def _selection(backend) -> dict[str, str]:
    profile_id = profile_manager.create_profile("Team")
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    return {"profile": profile_id, "query": query_id}


def test_sign_off_needs_a_snapshot_of_that_week(backend):
    selection = _selection(backend)
    alert, items, listed = review.sign_off(selection, "2026-W40", "notes")
    assert alert.color == "danger" and "no metrics snapshot for 2026-W40" in str(alert.children)
    assert items is no_update and listed is no_update
    alert, _, _ = review.sign_off(selection, None, "")
    assert "backfill" in alert.children


def test_backfill_then_sign_off_a_week(backend):
    selection = _selection(backend)
    shown = []
    alert, content = review.backfill(
        selection, "12", 8, lambda percent, message: shown.append((percent, message))
    )
    assert alert.color == "success" and content is not no_update
    # The bar of the tab that started it moved week by week; the redrawn review is page content.
    assert shown[0] == (0, "Backfilling 12 weeks")
    assert sum(m.startswith("Computing week") for _v, m in shown) == 12
    assert shown[-1][0] == 100 and shown[-1][1].startswith("Stored snapshots for")
    assert getattr(content, "children", None) is not None
    # Every other tab's poll shows the finished run once it has seen it active.
    value, label, message, start_disabled, cancel_disabled, active, bar = review.BACKFILL.poll(
        selection, True
    )
    assert (value, label, start_disabled, cancel_disabled, active, bar) == (
        100,
        "100%",
        False,
        True,
        False,
        BAR_SHOWN,
    )
    assert message.startswith("Completed: Stored snapshots for")
    week = alert.children.split(" to ")[1].rstrip(".")
    alert, items, listed = review.sign_off(selection, week, "Reviewed with the team")
    assert alert.children == f"Signed off {week}."
    assert len(items) == 1
    # The sign-offs' CSV follows the list: the new sign-off with its notes.
    rows = list(csv.reader(io.StringIO(listed["content"])))
    assert rows[0] == ["Week", "Signed off by", "When", "Notes"]
    assert [(r[0], r[3]) for r in rows[1:]] == [(week, "Reviewed with the team")]
    assert listed["filename"].startswith("team_all_sign-offs_")
    stored = plans.list_approved_artifacts(
        selection["profile"], selection["query"], phase=WEEKLY_REVIEW_PHASE
    )
    assert [(a["artifact_type"], a["approval_notes"]) for a in stored] == [
        (week, "Reviewed with the team")
    ]


def test_cancel_stops_the_backfill_between_weeks_and_keeps_the_snapshots(backend):
    selection = _selection(backend)
    review.backfill(selection, 26, 8)
    before = get_backend().get_metrics_snapshots(selection["profile"], selection["query"])

    def press_cancel_at_week_three(_percent, message):
        if "(3 of" in message:
            assert "Cancelling" in review.BACKFILL.cancel(selection).children

    alert, content = review.backfill(selection, 26, 8, press_cancel_at_week_three)
    assert alert.children == "Backfill cancelled; the snapshots are unchanged."
    assert content is no_update
    after = get_backend().get_metrics_snapshots(selection["profile"], selection["query"])
    assert after == before
    assert review.BACKFILL.cancel(selection).children == "No backfill is running."


def test_signing_a_week_again_keeps_or_replaces_its_notes(backend):
    selection = _selection(backend)
    backend.save_metrics_snapshot(
        selection["profile"], selection["query"], "2026-W48", "forecast", {"remaining_items": 5}
    )

    def stored_notes() -> str:
        signed = plans.get_week_sign_off(selection["profile"], selection["query"], "2026-W48")
        return signed["approval_notes"]

    alert, _, _ = review.sign_off(selection, "2026-W48", "Scope grew by two items")
    assert alert.children == "Signed off 2026-W48."
    alert, items, _ = review.sign_off(selection, "2026-W48", "  ")
    assert alert.children == (
        "Re-signed 2026-W48; the notes box was empty, so the earlier notes were kept."
    )
    assert stored_notes() == "Scope grew by two items"
    assert "Scope grew by two items" in str(items)
    alert, _, _ = review.sign_off(selection, "2026-W48", "Back on track")
    assert alert.children == "Re-signed 2026-W48; the new notes replace the earlier ones."
    assert stored_notes() == "Back on track"


def test_a_sign_off_shows_the_signers_name_and_a_readable_local_time(backend):
    selection = _selection(backend)
    backend.save_metrics_snapshot(
        selection["profile"], selection["query"], "2026-W48", "forecast", {"remaining_items": 5}
    )
    alert, items, _ = review.sign_off(selection, "2026-W48", "ok", "  Ada   Lovelace ")
    assert alert.children == "Signed off 2026-W48."
    text = str(items)
    assert "signed off by Ada Lovelace on " in text
    signed = plans.get_week_sign_off(selection["profile"], selection["query"], "2026-W48")
    assert signed["approved_by"] == "Ada Lovelace"
    shown = text.split(" on ")[1].split("'")[0]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \S+", shown), shown
    # The name is remembered: the page offers it for the next sign-off.
    assert people.display_name() == "Ada Lovelace"
    assert "Ada Lovelace" in str(review.render(selection["profile"], selection["query"]))


def test_a_sign_off_without_a_name_is_refused_and_nothing_is_signed(backend):
    selection = _selection(backend)
    backend.save_metrics_snapshot(
        selection["profile"], selection["query"], "2026-W48", "forecast", {"remaining_items": 5}
    )
    alert, items, _ = review.sign_off(selection, "2026-W48", "ok", "   ")
    assert alert.color == "danger"
    assert "Enter your name (as colleagues know you) before signing off." in str(alert.children)
    assert items is no_update
    assert plans.get_week_sign_off(selection["profile"], selection["query"], "2026-W48") is None


def test_the_default_name_is_the_os_accounts_full_name_or_login(backend):
    assert people.display_name() == people.os_full_name()
    assert people.os_full_name() != ""


def test_the_review_gives_the_approved_deadline_or_says_why_there_is_none(backend):
    selection = _selection(backend)
    page = review.render(selection["profile"], selection["query"])
    line = find_component(page, ids.REVIEW_DEADLINE).children
    assert line == "Deadline: no approved plan: approve one with a deadline on the Plans page."
    approve_deadline(*selection.values(), "2027-02-26", "kickoff", submitter="ann", approver="bob")
    shown = review.show_weeks(selection, 12)
    assert find_component(shown, ids.REVIEW_DEADLINE).children == (
        "Deadline 2027-02-26 (the approved plan's)."
    )
