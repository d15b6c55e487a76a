"""The approved plan is the deadline's one source (issue 18): the forecast, health summary,
report and snapshots read it; a profile's Settings deadline moves to its queries' approved plans
(data.analytics.deadlines: at start-up, after a legacy migration, after an import); the profile
export and the legacy export carry it. Real SQLite, real legacy JSON files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from data import plans
from data.acting import acting_as
from data.analytics import report
from data.analytics.deadlines import APPROVER, SUBMITTER, move_settings_deadlines
from data.analytics.snapshots import snapshot_weeks
from data.db.postgres import DATABASE_URL_ENV
from data.errors import PermissionDenied
from data.legacy.migration import migrate_legacy
from data.ops.startup import prepare_data_dir, prepare_store
from data.ops.transfer import export_legacy, export_profile, import_profile
from data.plans.approved import approve_deadline, approved_plan
from data.profiles import manager as pm
from data.store.postgres_backend import PostgresBackend
from data.store.sqlite_backend import SQLiteBackend
from data.team import accounts
from tests.integration.plans_support import audit_entries, plan_document
from tests.legacy_tree import write_legacy_tree
from tests.metrics_support import NOW, seed_team

LEGACY_DEADLINE = "2025-12-31"  # tests/legacy_tree.py's profile Settings


@pytest.fixture
def team(backend: SQLiteBackend) -> SQLiteBackend:
    return seed_team(backend)


def with_settings_deadline(profile_id: str, deadline: str) -> None:
    """A profile as an older Flowcast left it: the deadline in its Settings."""
    pm.update_profile(profile_id, {"forecast_settings": {"deadline": deadline}})


def approved_deadline(profile_id: str, query_id: str) -> str | None:
    plan = approved_plan(profile_id, query_id)
    return plan.deadline if plan else None


def test_the_forecast_reads_the_approved_deadline_not_a_draft_nor_settings(team) -> None:
    with_settings_deadline("team", "2026-09-30")  # ignored: not the plan's
    ctx = report.load_context("team", "q", NOW)
    assert ctx.mappings.deadline is None
    assert ctx.mappings.deadline_note.startswith("no approved plan")
    assert report.health_section(ctx).dimension("delivery").signals[0].detail == (
        "no approved plan: approve one with a deadline on the Plans page"
    )
    plan_id = approve_deadline("team", "q", "2026-05-01", "v1", submitter="ann", approver="bob")
    ctx = report.load_context("team", "q", NOW)
    assert ctx.mappings.deadline == date(2026, 5, 1)
    document = report.build_report("team", "q", NOW).to_json()
    assert document["burndown"]["parameters"]["deadline"] == "2026-05-01"
    assert document["burndown"]["parameters"]["deadline_source"] == "approved plan"
    # A draft with another deadline is not the deadline until it is approved.
    assert plan_id is not None
    plans.create_version(
        plan_id, {**plans.get_current_plan(plan_id)["data"], "deadline": "2026-06-30"}
    )
    assert report.load_context("team", "q", NOW).mappings.deadline == date(2026, 5, 1)
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, actor="bob")
    assert report.load_context("team", "q", NOW).mappings.deadline == date(2026, 6, 30)


def test_snapshots_store_the_approved_deadline(team) -> None:
    approve_deadline("team", "q", "2026-05-01", "v1", submitter="ann", approver="bob")
    snapshot_weeks("team", "q", "2026-W12", backfill=1, now=NOW)
    [forecast] = [
        s for s in team.get_metrics_snapshots("team", "q") if s["metric_type"] == "forecast"
    ]
    assert forecast["forecast"]["deadline"] == "2026-05-01"  # the drift the review draws
    assert forecast["metrics"]["probability_by_deadline"] is not None


def test_a_settings_deadline_moves_to_each_querys_approved_plan(team) -> None:
    pm.create_query("team", "Bugs", "project = M AND type = Bug")  # no plan
    pm.create_query("team", "Ops", "project = OPS")  # an approved plan with its own deadline
    own = plans.create_plan("team", "ops", "Ops plan", plan_document(deadline="2027-03-31"))
    plans.submit_version(own)
    plans.approve_version(own, actor="bob")
    # q: an approved plan without a deadline, whose other content must stay.
    kept = plans.create_plan("team", "q", "Release", plan_document(deadline=None))
    plans.submit_version(kept)
    plans.approve_version(kept, actor="bob")
    with_settings_deadline("team", "2026-05-01")

    moved = move_settings_deadlines()

    assert sorted((m.query_id, m.deadline) for m in moved) == [
        ("bugs", "2026-05-01"),
        ("q", "2026-05-01"),
    ]
    assert (approved_deadline("team", "q"), approved_deadline("team", "bugs")) == (
        "2026-05-01", "2026-05-01"
    )  # fmt: skip
    assert approved_deadline("team", "ops") == "2027-03-31"  # the plan's own wins
    assert "deadline" not in pm.get_profile("team")["forecast_settings"]
    baseline = plans.get_specific_version(kept, plans.get_baseline(kept))
    assert baseline["data"] == plan_document(name="Release", deadline="2026-05-01")
    assert (baseline["submitted_by"], baseline["reviewed_by"]) == (SUBMITTER, APPROVER)
    approval = next(e for e in audit_entries("plan", kept) if e["action"] == "approve")
    assert approval["actor"] == APPROVER
    assert report.load_context("team", "q", NOW).mappings.deadline == date(2026, 5, 1)
    # Again: nothing to do, nothing written.
    versions = plans.get_current_plan(kept)["version"]
    assert move_settings_deadlines() == []
    assert plans.get_current_plan(kept)["version"] == versions


def test_a_plan_awaiting_review_keeps_the_settings_deadline_for_a_later_start(team) -> None:
    waiting = plans.create_plan("team", "q", "Release", plan_document(deadline=None))
    plans.submit_version(waiting)
    with_settings_deadline("team", "2026-05-01")
    assert move_settings_deadlines() == []
    assert pm.get_profile("team")["forecast_settings"]["deadline"] == "2026-05-01"
    assert plans.get_current_plan(waiting)["version_status"] == "submitted"
    plans.reject_version(waiting, notes="needs a deadline")
    [moved] = move_settings_deadlines()
    assert (moved.query_id, approved_deadline("team", "q")) == ("q", "2026-05-01")
    assert "deadline" not in pm.get_profile("team")["forecast_settings"]


def test_start_up_moves_the_deadline(team) -> None:
    with_settings_deadline("team", "2026-05-01")
    prepare_data_dir()
    assert report.load_context("team", "q", NOW).mappings.deadline == date(2026, 5, 1)


def test_a_legacy_migration_keeps_the_settings_deadline(data_dir: Path, tmp_path: Path) -> None:
    write_legacy_tree(tmp_path / "old", issues=3, queries=(("12w", "12 weeks"), ("bugs", "Bugs")))
    migrate_legacy(tmp_path / "old")
    assert (
        approved_deadline("kafka", "12w") == approved_deadline("kafka", "bugs") == LEGACY_DEADLINE
    )
    assert "deadline" not in pm.get_profile("kafka")["forecast_settings"]


def test_the_profile_export_carries_each_querys_approved_deadline(
    data_dir: Path, tmp_path: Path
) -> None:
    write_legacy_tree(tmp_path / "old", issues=3, queries=(("12w", "12 weeks"), ("bugs", "Bugs")))
    migrate_legacy(tmp_path / "old")
    approve_deadline("kafka", "bugs", "2027-02-26", "later", submitter="ann", approver="bob")
    path = export_profile("kafka", tmp_path / "export")
    written = json.loads((path / "queries" / "bugs.json").read_text())
    assert written["approved_deadline"] == "2027-02-26"
    new_id = import_profile(path)
    assert (approved_deadline(new_id, "12w"), approved_deadline(new_id, "bugs")) == (
        LEGACY_DEADLINE, "2027-02-26"
    )  # fmt: skip
    assert "approved_deadline" not in pm.get_query(new_id, "bugs")


def test_an_older_export_with_a_settings_deadline_imports_it_as_approved(
    data_dir: Path, tmp_path: Path
) -> None:
    write_legacy_tree(tmp_path / "old", issues=3)
    migrate_legacy(tmp_path / "old")
    path = export_profile("kafka", tmp_path / "export")
    # As Flowcast wrote exports before issue 18: the deadline in profile.json, none per query.
    profile = json.loads((path / "profile.json").read_text())
    profile["forecast_settings"]["deadline"] = "2027-01-29"
    (path / "profile.json").write_text(json.dumps(profile))
    query = json.loads((path / "queries" / "12w.json").read_text())
    del query["approved_deadline"]
    (path / "queries" / "12w.json").write_text(json.dumps(query))
    new_id = import_profile(path)
    assert approved_deadline(new_id, "12w") == "2027-01-29"
    assert "deadline" not in pm.get_profile(new_id)["forecast_settings"]


def test_the_legacy_export_writes_the_approved_deadline_into_settings(
    data_dir: Path, tmp_path: Path
) -> None:
    write_legacy_tree(tmp_path / "old", issues=3)
    migrate_legacy(tmp_path / "old")
    approve_deadline("kafka", "12w", "2027-04-30", "moved", submitter="ann", approver="bob")
    export_legacy(tmp_path / "rollback")
    written = json.loads(
        (tmp_path / "rollback" / "profiles" / "kafka" / "profile.json").read_text()
    )
    # The old version reads the deadline from the profile's Settings.
    assert written["forecast_settings"]["deadline"] == "2027-04-30"


def test_the_move_and_the_reviewer_count_hold_on_both_engines(
    both_engines, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile_id = pm.create_profile("Team")
    query_id = pm.create_query(profile_id, "All", "project = M")
    with_settings_deadline(profile_id, "2027-05-31")
    if isinstance(both_engines, PostgresBackend):  # a team server's start moves it too
        monkeypatch.setenv(DATABASE_URL_ENV, both_engines.url)
    prepare_store()
    assert approved_deadline(profile_id, query_id) == "2027-05-31"
    assert "deadline" not in pm.get_profile(profile_id)["forecast_settings"]
    # Two leads: the submitter's own approval is refused on this engine too.
    for name in ("ann", "bob"):
        accounts.add_user(name, "correct horse battery", "lead", name.title())
    plan_id = plans.create_plan(profile_id, query_id, "Next", plan_document())
    with acting_as("Ann"):
        plans.submit_version(plan_id)
        with pytest.raises(PermissionDenied, match="Ann submitted version 1"):
            plans.approve_version(plan_id)
