"""Versioned delivery plans, their review workflow and approved artifacts.

The public API (what the dashboard's Plans and Weekly review pages and ``flowcast plan`` use)::

    create_plan, create_version, get_current_plan, get_specific_version, get_version_history,
    rollback_to_version, diff_versions, lineage, list_plans            (versions)
    search_plans                                                       (search)
    submit_version, approve_version, reject_version, get_baseline,
    start_revision, delete_plan, restore_plan,
    submitter_may_approve, set_submitter_may_approve                   (workflow)
    add_metrics, get_metrics                                           (version_metrics)
    approve_artifact, get_approved_artifact, list_approved_artifacts,
    sign_off_week, get_week_sign_off                                   (artifacts)

See docs/plans.md.
"""

from data.plans.artifacts import (
    approve_artifact,
    get_approved_artifact,
    get_week_sign_off,
    list_approved_artifacts,
    sign_off_week,
)
from data.plans.search import search_plans
from data.plans.version_metrics import add_metrics, get_metrics
from data.plans.versions import (
    create_plan,
    create_version,
    diff_versions,
    get_current_plan,
    get_specific_version,
    get_version_history,
    lineage,
    list_plans,
    rollback_to_version,
)
from data.plans.workflow import (
    approve_version,
    delete_plan,
    get_baseline,
    reject_version,
    restore_plan,
    set_submitter_may_approve,
    start_revision,
    submit_version,
    submitter_may_approve,
)

__all__ = [
    "add_metrics",
    "approve_artifact",
    "approve_version",
    "create_plan",
    "create_version",
    "delete_plan",
    "diff_versions",
    "get_approved_artifact",
    "get_baseline",
    "get_current_plan",
    "get_metrics",
    "get_specific_version",
    "get_version_history",
    "get_week_sign_off",
    "lineage",
    "list_approved_artifacts",
    "list_plans",
    "reject_version",
    "restore_plan",
    "rollback_to_version",
    "search_plans",
    "set_submitter_may_approve",
    "sign_off_week",
    "start_revision",
    "submit_version",
    "submitter_may_approve",
]
