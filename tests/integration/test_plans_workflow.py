"""The review workflow on a real database: transitions, baseline, carry-forward, soft delete, audit."""

from __future__ import annotations

import pytest

from data import plans
from data.db.sqlite import IntegrityError
from data.errors import ConflictError, NotFoundError, ValidationError
from data.ops.verify import check_database_integrity
from data.plans.errors import IllegalTransitionError, PlanLockedError
from data.store.sql_backend import SQLBackend
from data.store.sqlite_backend import SQLiteBackend
from tests.integration.plans_support import audit_entries, make_query, plan_document

ACTIONS = {
    "submit": plans.submit_version,
    "approve": plans.approve_version,
    "reject": plans.reject_version,
}
ALLOWED = {("draft", "submit"), ("submitted", "approve"), ("submitted", "reject")}
RESULT = {"submit": "submitted", "approve": "approved", "reject": "rejected"}


@pytest.fixture
def backend(both_engines: SQLBackend) -> SQLBackend:
    """Every test here runs on the SQLite file and on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def query(backend: SQLBackend) -> tuple[str, str]:
    return make_query()


@pytest.fixture
def plan_id(query: tuple[str, str]) -> str:
    return plans.create_plan(*query, "Release 2.0", plan_document())


def approve(plan_id: str, version: int | None = None) -> None:
    plans.submit_version(plan_id, version)
    plans.approve_version(plan_id, version, "looks right", actor="lead")


def put_version_1_in(plan_id: str, status: str) -> None:
    """Bring version 1 of a fresh plan into ``status`` through legal steps only."""
    if status == "draft":
        return
    plans.submit_version(plan_id)
    if status == "approved":
        plans.approve_version(plan_id)
    elif status == "rejected":
        plans.reject_version(plan_id, notes="too big")
    elif status == "superseded":
        plans.approve_version(plan_id)
        plans.start_revision(plan_id)
        approve(plan_id)


def status_of(plan_id: str, version: int) -> str:
    return plans.get_specific_version(plan_id, version)["version_status"]


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "rejected", "superseded"])
@pytest.mark.parametrize("action", ["submit", "approve", "reject"])
def test_transition_matrix(plan_id: str, status: str, action: str) -> None:
    put_version_1_in(plan_id, status)
    assert status_of(plan_id, 1) == status
    audit_before = len(audit_entries("plan", plan_id))
    if (status, action) in ALLOWED:
        result = ACTIONS[action](plan_id, 1, "notes")
        assert result["version_status"] == RESULT[action]
        assert status_of(plan_id, 1) == RESULT[action]
        assert audit_entries("plan", plan_id)[0]["action"] == action
    else:
        with pytest.raises(
            IllegalTransitionError, match=f"Version 1 of plan 'release-2-0' is {status}"
        ):
            ACTIONS[action](plan_id, 1, "notes")
        assert status_of(plan_id, 1) == status
        assert len(audit_entries("plan", plan_id)) == audit_before


def test_each_step_records_who_and_when(plan_id: str) -> None:
    plans.submit_version(plan_id, actor="dev")
    plans.approve_version(plan_id, notes="ship it", actor="lead")
    version = plans.get_specific_version(plan_id, 1)
    assert (version["submitted_by"], version["reviewed_by"], version["review_notes"]) == (
        "dev",
        "lead",
        "ship it",
    )
    assert version["submitted_at"] <= version["reviewed_at"]
    assert version["created_at"] <= version["submitted_at"]


def test_rejection_needs_notes(plan_id: str) -> None:
    plans.submit_version(plan_id)
    with pytest.raises(ValidationError, match="A rejection needs review notes"):
        plans.reject_version(plan_id, notes="  ")
    assert status_of(plan_id, 1) == "submitted"


def test_only_the_current_draft_can_be_submitted(plan_id: str) -> None:
    plans.create_version(plan_id, plan_document(status="active"))
    with pytest.raises(
        IllegalTransitionError, match="is an old draft; only the current version \\(2\\)"
    ):
        plans.submit_version(plan_id, 1)


def test_a_submitted_plan_cannot_change_until_reviewed(plan_id: str) -> None:
    plans.submit_version(plan_id)
    with pytest.raises(PlanLockedError, match="awaiting review; approve or reject it"):
        plans.create_version(plan_id, plan_document(status="active"))
    with pytest.raises(PlanLockedError, match="awaiting review"):
        plans.start_revision(plan_id)
    assert plans.get_current_plan(plan_id)["version"] == 1


def test_approving_makes_the_baseline_and_registers_the_artifact(
    plan_id: str, query: tuple[str, str]
) -> None:
    approve(plan_id)
    assert plans.get_baseline(plan_id) == 1
    artifact = plans.get_approved_artifact(*query, "planning", "baseline", plan_id=plan_id)
    assert artifact is not None
    assert (
        artifact["reference_table"],
        artifact["reference_version"],
        artifact["approved_by"],
    ) == (
        "plan_versions",
        1,
        "lead",
    )
    assert artifact["content_hash"] == plans.get_specific_version(plan_id, 1)["content_hash"]


def test_approving_a_new_version_supersedes_the_old_baseline(
    plan_id: str, query: tuple[str, str]
) -> None:
    approve(plan_id)
    assert plans.start_revision(plan_id) == 2
    plans.submit_version(plan_id)
    result = plans.approve_version(plan_id)
    assert result["superseded_version"] == 1
    assert plans.get_baseline(plan_id) == 2
    assert status_of(plan_id, 1) == "superseded"  # still in the history
    assert [
        a["reference_version"] for a in plans.list_approved_artifacts(query[0], plan_id=plan_id)
    ] == [2]
    approvals = [
        e for e in audit_entries("approved_artifact", f"demo/main/{plan_id}/planning/baseline")
    ]
    assert [e["new_value"]["reference_version"] for e in approvals] == [2, 1]


def test_the_database_refuses_two_approved_versions(plan_id: str, backend: SQLBackend) -> None:
    approve(plan_id)
    plans.create_version(plan_id, plan_document(status="active"))
    with backend.session() as conn, pytest.raises(IntegrityError, match="(?i)unique"):
        conn.execute("UPDATE plan_versions SET version_status = 'approved' WHERE version = 2")


def test_a_rejected_version_is_revised_into_a_new_draft(plan_id: str) -> None:
    plans.submit_version(plan_id)
    plans.reject_version(plan_id, notes="cut scope")
    assert plans.start_revision(plan_id) is None  # a copy of the rejected content changes nothing
    assert plans.create_version(plan_id, plan_document(scope_target={"items": 30}), "cut") == 2
    revised = plans.get_current_plan(plan_id)
    assert (revised["version_status"], revised["parent_version"]) == ("draft", 1)
    assert status_of(plan_id, 1) == "rejected"
    plans.submit_version(plan_id)
    assert plans.approve_version(plan_id)["version_status"] == "approved"


def test_carry_forward_from_the_baseline(plan_id: str) -> None:
    approve(plan_id)
    assert plans.start_revision(plan_id, change_summary="Next increment", actor="ana") == 2
    current = plans.get_current_plan(plan_id)
    assert current["data"]["scope_items"] == [
        {
            "key": "DEMO-1",
            "title": "Checkout",
            "decision": "approved",
            "carried_from": {"version": 1, "key": "DEMO-1"},
        },
        {
            "key": "DEMO-3",
            "title": "Exports",
            "decision": "pending",
            "carried_from": {"version": 1, "key": "DEMO-3"},
        },
    ]
    assert (current["version_status"], current["parent_version"], current["change_summary"]) == (
        "draft",
        1,
        "Next increment",
    )
    assert audit_entries("plan", plan_id)[0]["action"] == "revise"


def test_revision_defaults_to_the_baseline_even_after_later_drafts(plan_id: str) -> None:
    approve(plan_id)
    plans.create_version(plan_id, plan_document(status="active", scope_items=[]), "scope cleared")
    assert plans.start_revision(plan_id) == 3
    keys = [i["key"] for i in plans.get_current_plan(plan_id)["data"]["scope_items"]]
    assert keys == ["DEMO-1", "DEMO-3"]
    assert plans.get_current_plan(plan_id)["parent_version"] == 1


def test_revision_from_a_draft_copies_it_without_carry_forward(plan_id: str) -> None:
    plans.create_version(plan_id, plan_document(status="active"))
    assert plans.start_revision(plan_id, from_version=1) == 3
    assert (
        plans.get_current_plan(plan_id)["data"] == plan_document()
    )  # rejected item kept, no carried_from


def test_chained_carry_forward_points_at_the_previous_baseline(plan_id: str) -> None:
    approve(plan_id)
    plans.start_revision(plan_id)
    approve(plan_id)
    plans.start_revision(plan_id)
    origins = [i["carried_from"] for i in plans.get_current_plan(plan_id)["data"]["scope_items"]]
    assert origins == [{"version": 2, "key": "DEMO-1"}, {"version": 2, "key": "DEMO-3"}]
    assert [v["version"] for v in plans.lineage(plan_id)] == [3, 2, 1]


def test_soft_delete_hides_and_restore_brings_back(plan_id: str, query: tuple[str, str]) -> None:
    plans.create_version(plan_id, plan_document(status="active"))
    plans.delete_plan(plan_id, actor="ana")
    assert plans.search_plans({"status": "active"}) == []
    assert plans.list_plans(query[0]) == []
    deleted = plans.get_current_plan(plan_id)
    assert (deleted["is_deleted"], deleted["deleted_by"]) == (True, "ana")
    assert len(plans.get_version_history(plan_id)) == 2  # history remains
    with pytest.raises(PlanLockedError, match="is deleted; restore it"):
        plans.create_version(plan_id, plan_document(status="done"))
    with pytest.raises(PlanLockedError, match="is deleted"):
        plans.submit_version(plan_id)
    with pytest.raises(ConflictError, match="already deleted"):
        plans.delete_plan(plan_id)
    plans.restore_plan(plan_id)
    restored = plans.get_current_plan(plan_id)
    assert (restored["is_deleted"], restored["deleted_at"], restored["deleted_by"]) == (
        False,
        None,
        None,
    )
    assert [p["id"] for p in plans.search_plans({"status": "active"})] == [plan_id]
    assert [e["action"] for e in audit_entries("plan", plan_id)][:2] == ["restore", "delete"]


def test_restore_refuses_when_the_name_was_taken(plan_id: str, query: tuple[str, str]) -> None:
    plans.delete_plan(plan_id)
    plans.create_plan(*query, "Release 2.0", plan_document())
    with pytest.raises(ConflictError, match="has another plan named 'Release 2.0'"):
        plans.restore_plan(plan_id)
    with pytest.raises(ConflictError, match="is not deleted"):
        plans.restore_plan("release-2-0-2")


def test_workflow_on_a_missing_plan(backend: SQLiteBackend) -> None:
    for action in (plans.submit_version, plans.delete_plan, plans.restore_plan, plans.get_baseline):
        with pytest.raises(NotFoundError, match="No plan 'ghost'"):
            action("ghost")


def test_every_workflow_action_is_audited(plan_id: str) -> None:
    plans.submit_version(plan_id, actor="dev")
    plans.reject_version(plan_id, notes="no", actor="lead")
    plans.create_version(plan_id, plan_document(status="active"), actor="dev")
    plans.submit_version(plan_id, actor="dev")
    plans.approve_version(plan_id, actor="lead")
    plans.start_revision(plan_id, actor="dev")
    plans.rollback_to_version(plan_id, 1, actor="dev")
    plans.delete_plan(plan_id, actor="lead")
    plans.restore_plan(plan_id, actor="lead")
    entries = list(reversed(audit_entries("plan", plan_id)))
    assert [(e["action"], e["actor"]) for e in entries[1:]] == [
        ("submit", "dev"),
        ("reject", "lead"),
        ("version", "dev"),
        ("submit", "dev"),
        ("approve", "lead"),
        ("revise", "dev"),
        ("rollback", "dev"),
        ("delete", "lead"),
        ("restore", "lead"),
    ]


def test_the_database_verifies_clean_after_a_full_workflow(
    plan_id: str, backend: SQLBackend
) -> None:
    approve(plan_id)
    plans.start_revision(plan_id)
    plans.add_metrics(plan_id, "2026-W47", {"p85_date": "2027-01-29", "remaining_items": 12})
    plans.delete_plan(plan_id)
    if isinstance(backend, SQLiteBackend):  # PostgreSQL checks every key as each statement runs
        assert check_database_integrity(backend.db_path) == (True, [])
