"""``flowcast plan …`` (versioned plans and their review) and ``flowcast settings …`` (settings versions)."""

from __future__ import annotations

import json
import re
from typing import Any

import click

from cli.output import print_json, print_listing
from data import plans
from data.db.connection import initialize_database
from data.errors import ValidationError
from data.profiles import manager as pm
from data.profiles import settings_versions

_WHERE_RE = re.compile(
    r"^\s*(?P<path>[^\s!=<>]+)\s*(?P<op>!=|=|<|>|\s(?:in|contains)\s)\s*(?P<value>.*?)\s*$", re.S
)
_VERSION_COLUMNS = [
    "version",
    "version_status",
    "parent_version",
    "created_at",
    "created_by",
    "change_summary",
]


def _json_option(function: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(function)


def _read_document(source: str) -> dict[str, Any]:
    """A plan document from a JSON file, or from stdin for ``-``."""
    with click.open_file(source, encoding="utf-8") as handle:
        text = handle.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); fix the file."
        ) from None
    if not isinstance(document, dict):
        raise ValidationError(f"{source} must hold a JSON object (the plan document).")
    return document


def parse_where(expression: str) -> tuple[str, str, Any]:
    """``status=active``, ``$.scope_target.points>10``, ``type in ["release","sprint"]`` → a filter.

    The value is read as JSON when it parses (numbers, lists, objects, true, null), else as text.
    """
    match = _WHERE_RE.match(expression)
    if not match:
        raise ValidationError(
            f"{expression[:60]!r} is not a filter; write PATH OP VALUE with OP one of =, !=, <, >, in, "
            'contains, e.g. status=active or type in ["release","sprint"].'
        )
    raw = match.group("value")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return match.group("path"), match.group("op").strip(), value


def _resolve_query(profile_ref: str, query_ref: str | None) -> tuple[str, str | None]:
    profile_id = pm.find_profile(profile_ref)["id"]
    if query_ref is None:
        return profile_id, None
    return profile_id, pm.find_query(profile_id, query_ref)["id"]


def _plan_row(plan: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": plan["id"],
        "name": plan["name"],
        "query": plan["query_id"],
        "type": plan["data"].get("type"),
        "status": plan["data"].get("status"),
        "version": plan["version"],
        "review": plan["version_status"],
        "baseline": plan["baseline_version"],
        "deleted": plan["is_deleted"],
        "updated_at": plan["updated_at"],
    }


def _print_changes(changes: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print_json(changes)
        return
    if not changes:
        click.echo("No differences.")
    for change in changes:
        old, new = (
            json.dumps(change["old"], ensure_ascii=False),
            json.dumps(change["new"], ensure_ascii=False),
        )
        if change["change"] == "added":
            click.echo(f"+ {change['path']}: {new}")
        elif change["change"] == "removed":
            click.echo(f"- {change['path']}: {old}")
        else:
            click.echo(f"~ {change['path']}: {old} -> {new}")


def _print_new_version(plan_id: str, version: int | None, as_json: bool, verb: str) -> None:
    if as_json:
        print_json({"plan_id": plan_id, "version": version})
    elif version is None:
        click.echo(
            f"Plan {plan_id} unchanged (the content equals the current version); nothing written."
        )
    else:
        click.echo(f"{verb} plan {plan_id}: version {version}")


@click.group("plan")
def plan() -> None:
    """Versioned delivery plans: history, diff, rollback and review (draft → submitted → approved)."""
    initialize_database()


@plan.command("list")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.option("--query", "query_ref", help="Query id or name (default: all queries).")
@click.option("--deleted", is_flag=True, help="Include deleted plans.")
@_json_option
def plan_list(profile_ref: str, query_ref: str | None, deleted: bool, as_json: bool) -> None:
    """List plans, most recently changed first."""
    profile_id, query_id = _resolve_query(profile_ref, query_ref)
    found = plans.list_plans(profile_id, query_id, include_deleted=deleted)
    if as_json:
        print_json(found)
    else:
        print_listing(
            [_plan_row(p) for p in found],
            [
                "id",
                "name",
                "query",
                "type",
                "status",
                "version",
                "review",
                "baseline",
                "updated_at",
            ],
            False,
        )


@plan.command("create")
@click.argument("name")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.option("--query", "query_ref", required=True, help="Query id or name.")
@click.option(
    "--type",
    "plan_type",
    type=click.Choice(["release", "milestone", "sprint"]),
    help="Plan type (overrides the file).",
)
@click.option("--file", "source", help="JSON file with the plan document ('-' for stdin).")
@click.option("--summary", default=None, help="Version 1's change summary (default: 'Created').")
@_json_option
def plan_create(
    name: str,
    profile_ref: str,
    query_ref: str,
    plan_type: str | None,
    source: str | None,
    summary: str | None,
    as_json: bool,
) -> None:
    """Create a plan for a query (draft version 1)."""
    profile_id, query_id = _resolve_query(profile_ref, query_ref)
    document = _read_document(source) if source else {}
    if plan_type:
        document["type"] = plan_type
    assert query_id is not None
    plan_id = plans.create_plan(profile_id, query_id, name, document, summary)
    if as_json:
        print_json({"id": plan_id, "version": 1})
    else:
        click.echo(f"Created plan {plan_id} (version 1, draft)")


@plan.command("update")
@click.argument("plan_id")
@click.option(
    "--file", "source", required=True, help="JSON file with the new document ('-' for stdin)."
)
@click.option("--summary", default="", help="What changed and why.")
@click.option(
    "--parent", "parent_version", type=int, help="Version this one derives from (default: current)."
)
@_json_option
def plan_update(
    plan_id: str, source: str, summary: str, parent_version: int | None, as_json: bool
) -> None:
    """Save a new version of a plan (nothing is written when the content is unchanged)."""
    version = plans.create_version(
        plan_id, _read_document(source), summary, parent_version=parent_version
    )
    _print_new_version(plan_id, version, as_json, "Updated")


@plan.command("show")
@click.argument("plan_id")
@click.option("--version", type=int, help="A specific version (default: current).")
@_json_option
def plan_show(plan_id: str, version: int | None, as_json: bool) -> None:
    """Show a plan's current (or a specific) version."""
    shown = (
        plans.get_current_plan(plan_id)
        if version is None
        else plans.get_specific_version(plan_id, version)
    )
    if as_json:
        print_json(shown)
        return
    for key, value in shown.items():
        if key != "data":
            click.echo(f"{key:18} {value}")
    click.echo(json.dumps(shown["data"], indent=2, ensure_ascii=False))


@plan.command("history")
@click.argument("plan_id")
@click.option("--limit", type=int, default=50, show_default=True, help="Newest versions to show.")
@_json_option
def plan_history(plan_id: str, limit: int, as_json: bool) -> None:
    """List a plan's versions, newest first."""
    print_listing(plans.get_version_history(plan_id, limit), _VERSION_COLUMNS, as_json)


@plan.command("diff")
@click.argument("plan_id")
@click.argument("version_a", type=int)
@click.argument("version_b", type=int)
@_json_option
def plan_diff(plan_id: str, version_a: int, version_b: int, as_json: bool) -> None:
    """What changed from VERSION_A to VERSION_B (JSON paths with old and new values)."""
    _print_changes(plans.diff_versions(plan_id, version_a, version_b), as_json)


@plan.command("rollback")
@click.argument("plan_id")
@click.argument("version", type=int)
@click.option("--summary", default=None, help="Why (default: 'Rollback to version N').")
@_json_option
def plan_rollback(plan_id: str, version: int, summary: str | None, as_json: bool) -> None:
    """Write a new version with the content of VERSION."""
    _print_new_version(
        plan_id, plans.rollback_to_version(plan_id, version, summary), as_json, "Rolled back"
    )


def _review(
    action: Any, plan_id: str, version: int | None, notes: str | None, as_json: bool
) -> None:
    result = action(plan_id, version, notes)
    if as_json:
        print_json(result)
        return
    click.echo(f"Plan {plan_id} version {result['version']} is now {result['version_status']}")
    if result.get("superseded_version"):
        click.echo(f"Version {result['superseded_version']} (the previous baseline) is superseded")


@plan.command("submit")
@click.argument("plan_id")
@click.option("--version", type=int, help="Default: the current version.")
@click.option("--notes", default=None)
@_json_option
def plan_submit(plan_id: str, version: int | None, notes: str | None, as_json: bool) -> None:
    """Send the current draft for review."""
    _review(plans.submit_version, plan_id, version, notes, as_json)


@plan.command("approve")
@click.argument("plan_id")
@click.option("--version", type=int, help="Default: the current version.")
@click.option("--notes", default=None, help="Review notes.")
@_json_option
def plan_approve(plan_id: str, version: int | None, notes: str | None, as_json: bool) -> None:
    """Approve a submitted version: it becomes the baseline."""
    _review(plans.approve_version, plan_id, version, notes, as_json)


@plan.command("reject")
@click.argument("plan_id")
@click.option("--version", type=int, help="Default: the current version.")
@click.option("--notes", required=True, help="What must change (required).")
@_json_option
def plan_reject(plan_id: str, version: int | None, notes: str, as_json: bool) -> None:
    """Reject a submitted version."""
    _review(plans.reject_version, plan_id, version, notes, as_json)


@plan.command("self-approval")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.argument("state", type=click.Choice(["on", "off"]), required=False)
def plan_self_approval(profile_ref: str, state: str | None) -> None:
    """Show, or turn on or off, approval of a plan version by its own submitter (default off:
    refused while more than one user may review plans)."""
    profile = pm.find_profile(profile_ref)
    allowed = (
        plans.submitter_may_approve(profile)
        if state is None
        else plans.set_submitter_may_approve(profile["id"], state == "on")
    )
    if allowed:
        click.echo(f"Profile {profile['id']}: a plan's submitter may approve it too.")
    else:
        click.echo(
            f"Profile {profile['id']}: while others can review plans, someone other than the "
            "submitter approves."
        )


@plan.command("revise")
@click.argument("plan_id")
@click.option("--from-version", type=int, help="Default: the baseline, else the current version.")
@click.option("--summary", default=None)
@_json_option
def plan_revise(plan_id: str, from_version: int | None, summary: str | None, as_json: bool) -> None:
    """Start a new draft, carrying forward approved and pending scope items of an approved version."""
    _print_new_version(
        plan_id, plans.start_revision(plan_id, from_version, summary), as_json, "Revised"
    )


@plan.command("lineage")
@click.argument("plan_id")
@click.argument("version", type=int, required=False)
@_json_option
def plan_lineage(plan_id: str, version: int | None, as_json: bool) -> None:
    """The chain of parent versions from VERSION (default: current) back to the first."""
    print_listing(
        plans.lineage(plan_id, version), ["depth", *_VERSION_COLUMNS[:3], "change_summary"], as_json
    )


@plan.command("search")
@click.option(
    "--where",
    "conditions",
    multiple=True,
    help='PATH OP VALUE, e.g. status=active, "$.scope_target.points>10". Repeatable.',
)
@click.option("--profile", "profile_ref", help="Profile id or name.")
@click.option("--query", "query_ref", help="Query id or name (needs --profile).")
@click.option("--deleted", is_flag=True, help="Include deleted plans.")
@click.option("--limit", type=int, default=100, show_default=True)
@_json_option
def plan_search(
    conditions: tuple[str, ...],
    profile_ref: str | None,
    query_ref: str | None,
    deleted: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Find plans whose current document matches every --where filter."""
    if query_ref and not profile_ref:
        raise ValidationError("--query needs --profile; name the profile the query belongs to.")
    profile_id, query_id = _resolve_query(profile_ref, query_ref) if profile_ref else (None, None)
    found = plans.search_plans(
        [parse_where(c) for c in conditions],
        profile_id=profile_id,
        query_id=query_id,
        include_deleted=deleted,
        limit=limit,
    )
    if as_json:
        print_json(found)
    else:
        print_listing(
            [_plan_row(p) for p in found],
            ["id", "name", "query", "type", "status", "version", "review", "updated_at"],
            False,
        )


@plan.command("delete")
@click.argument("plan_id")
@_json_option
def plan_delete(plan_id: str, as_json: bool) -> None:
    """Soft-delete a plan (hidden from lists and search; history kept; restorable)."""
    plans.delete_plan(plan_id)
    if as_json:
        print_json({"id": plan_id, "is_deleted": True})
    else:
        click.echo(f"Deleted plan {plan_id} (restore it with `flowcast plan restore {plan_id}`)")


@plan.command("restore")
@click.argument("plan_id")
@_json_option
def plan_restore(plan_id: str, as_json: bool) -> None:
    """Restore a deleted plan."""
    plans.restore_plan(plan_id)
    if as_json:
        print_json({"id": plan_id, "is_deleted": False})
    else:
        click.echo(f"Restored plan {plan_id}")


@plan.command("metrics")
@click.argument("plan_id")
@click.option("--metric", "metric_name", help="One metric, e.g. p85_date (forecast drift).")
@click.option("--version", type=int, help="One version.")
@_json_option
def plan_metrics(plan_id: str, metric_name: str | None, version: int | None, as_json: bool) -> None:
    """Metrics recorded per plan version and week."""
    rows = plans.get_metrics(plan_id, version=version, metric_name=metric_name)
    print_listing(rows, ["week", "version", "metric_name", "value", "recorded_at"], as_json)


@click.group("settings")
def settings() -> None:
    """Profile settings versions: history, diff, rollback (tokens are never stored in clear)."""
    initialize_database()


@settings.command("history")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@_json_option
def settings_history(profile_ref: str, as_json: bool) -> None:
    """List a profile's settings versions, newest first."""
    history = settings_versions.settings_history(pm.find_profile(profile_ref)["id"])
    print_listing(history, ["version", "created_at", "created_by", "change_summary"], as_json)


@settings.command("diff")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.argument("version_a", type=int)
@click.argument("version_b", type=int)
@_json_option
def settings_diff(profile_ref: str, version_a: int, version_b: int, as_json: bool) -> None:
    """What changed from settings VERSION_A to VERSION_B (tokens show as ***)."""
    _print_changes(
        settings_versions.diff_settings(pm.find_profile(profile_ref)["id"], version_a, version_b),
        as_json,
    )


@settings.command("rollback")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.argument("version", type=int)
@_json_option
def settings_rollback(profile_ref: str, version: int, as_json: bool) -> None:
    """Restore the settings of VERSION as a new version (the current token is kept)."""
    profile_id = pm.find_profile(profile_ref)["id"]
    new_version = settings_versions.rollback_settings(profile_id, version)
    if as_json:
        print_json({"profile_id": profile_id, "version": new_version})
    elif new_version is None:
        click.echo(f"Settings of {profile_id} already equal version {version}; nothing written.")
    else:
        click.echo(
            f"Restored settings of {profile_id} from version {version} as version {new_version}"
        )
