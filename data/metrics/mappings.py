"""The profile settings the metrics read, with the defaults of METRICS.md.

Keys (the dashboard's Settings page edits exactly these; docs/metrics.md "Mapping keys"):

- ``field_mappings.status_to_flow_state``  {status name: New|Waiting|Active|Done|Canceled|Ignore}
- ``field_mappings.workflow_stages``       [{"name": str, "statuses": [status, ...]}, ...] in order
- ``field_mappings.committed_stage``       stage name where cycle time starts
- ``field_mappings.done_stage``            stage name where cycle time ends
- ``field_mappings.time_zone``             IANA zone for days and ISO weeks, overriding the JIRA
  user's time zone (``jira_config.user_time_zone``, stored by every sync and Test connection);
  neither → UTC (``resolve_time_zone``)
- ``field_mappings.status_categories``     {status: new|indeterminate|done}, JIRA's category of
  statuses no issue is in right now, over JIRA's status list a full sync stores (``jira_statuses``)
- ``field_mappings.blocked_statuses``      [status, ...] where an item counts as blocked (besides
  JIRA's Flagged field); none by default
- ``field_mappings.stale_after_days``      days without a status change after which work in
  progress is stale (default 14)
- ``field_mappings.dora``                  {deployment_source: "fix_versions"|"issue_type",
  deployment_issue_types: [...], incident_issue_types: [...], incident_priorities: [...],
  tier_set: "2023"|"2021"}
- ``flow_type_mappings``                   {issue type: Feature|Defect|Risk|Debt}
- ``forecast_settings``                    pert_factor, data_points_count, milestone,
  monte_carlo_trials, monte_carlo_seed, monte_carlo_scope (fixed|growing), metrics_window_weeks,
  health_thresholds ({signal: {green, amber}}, data.metrics.health), subtask_counting
  (parents|items: whether JIRA sub-tasks count only through their parents, the default, or as
  items of their own; data.analytics.loading applies it to every metric)
- ``jira_config.points_field``             the story-points field (points are read at ingest)

The deadline is not a profile setting: it is the query's approved plan's
(``data.analytics.report.query_mappings`` sets ``deadline`` and ``deadline_note``). A legacy
``forecast_settings.deadline`` is still checked here, and moved to the plans by
``data.ops.deadlines``, but never read as the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from data.errors import ValidationError
from data.metrics.epics import DEFAULT_SUBTASK_COUNTING, check_subtask_counting
from data.metrics.forecast import SCOPE_MODELS
from data.metrics.health import DEFAULT_THRESHOLDS, HealthThresholds, health_thresholds
from data.timezones import check_time_zone, resolve_time_zone

FLOW_STATES = ("New", "Waiting", "Active", "Done", "Canceled", "Ignore")
FLOW_ITEMS = ("Feature", "Defect", "Risk", "Debt")
DEPLOYMENT_SOURCES = ("fix_versions", "issue_type")
TIER_SETS = ("2023", "2021")

# METRICS.md: the default flow state comes from the status's JIRA category.
CATEGORY_FLOW_STATE = {"new": "Waiting", "indeterminate": "Active", "done": "Done"}
DEFAULT_FLOW_TYPES = {"Story": "Feature", "Task": "Feature", "Bug": "Defect"}
DEFAULT_STAGE_NAMES = ("Backlog", "In Progress", "Done")
DEFAULT_COMMITTED_STAGE, DEFAULT_DONE_STAGE = DEFAULT_STAGE_NAMES[1], DEFAULT_STAGE_NAMES[2]
DEFAULT_STALE_DAYS = 14


@dataclass(frozen=True)
class Stage:
    name: str
    statuses: tuple[str, ...]


@dataclass(frozen=True)
class DoraMappings:
    deployment_source: str = "fix_versions"
    deployment_issue_types: tuple[str, ...] = ("Deployment",)
    incident_issue_types: tuple[str, ...] = ("Incident",)
    # Empty = every priority counts.
    incident_priorities: tuple[str, ...] = ()
    tier_set: str = "2023"


@dataclass(frozen=True)
class MetricMappings:
    """Everything a metric needs from the profile; build it with ``mappings_from_profile``."""

    status_to_flow_state: Mapping[str, str] = field(default_factory=dict)
    status_categories: Mapping[str, str] = field(default_factory=dict)
    # None = derive Backlog / In Progress / Done from each status's flow state and category.
    workflow_stages: tuple[Stage, ...] | None = None
    committed_stage: str = "In Progress"
    done_stage: str = "Done"
    flow_type_mappings: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FLOW_TYPES))
    dora: DoraMappings = field(default_factory=DoraMappings)
    # The zone every calendar computation uses, and where it came from (``resolve_time_zone``).
    time_zone: str = "UTC"
    time_zone_source: str = "default"
    jira_time_zone: str | None = None
    points_field: str | None = None
    pert_factor: int = 3
    data_points_count: int = 12
    deadline: date | None = None  # the approved plan's (query_mappings), never the profile's
    # What the pages say where the deadline would show when there is none (and why).
    deadline_note: str = "no deadline set"
    milestone: date | None = None
    monte_carlo_trials: int = 10_000
    monte_carlo_seed: int = 42
    # The Monte Carlo forecast the pages and the report show: the remaining work as it is, or
    # with new work arriving as it did in the forecast window.
    monte_carlo_scope: str = "fixed"
    metrics_window_weeks: int = 12
    health_thresholds: HealthThresholds = DEFAULT_THRESHOLDS
    # Statuses in which an item counts as blocked (besides the Flagged field), and the days
    # without a status change after which work in progress is stale.
    blocked_statuses: tuple[str, ...] = ()
    stale_after_days: int = DEFAULT_STALE_DAYS
    # Whether JIRA sub-tasks are items of their own ("items") or count only through their
    # parents ("parents", the default: data.analytics.loading.load_query_frames leaves them out).
    subtask_counting: str = DEFAULT_SUBTASK_COUNTING

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class StatusMap:
    """Mappings resolved against the statuses a data set actually contains."""

    flow_state: Mapping[str, str]
    stage_of: Mapping[str, int]
    stage_names: tuple[str, ...]
    committed_index: int
    done_index: int
    # Seen in the data but in no flow state and no stage: ignored, listed in the data-quality note.
    unmapped: tuple[str, ...]
    # In a workflow stage but without a flow state (cycle time uses them, flow metrics do not).
    without_flow_state: tuple[str, ...]
    # Mapped to a flow state other than Canceled/Ignore but in no workflow stage.
    without_stage: tuple[str, ...]


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f'{key} must be a list of names; use e.g. ["Incident"].')
    return tuple(value)


def _choice(value: Any, key: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValidationError(f"{key} is {value!r}; use one of {', '.join(allowed)}.")
    return str(value)


def _positive_int(value: Any, key: str, default: int) -> int:
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise ValidationError(f"{key} is {value!r}; use a whole number of 1 or more.")
    return int(value)


def _whole_days(value: Any, key: str) -> int:
    """A whole number of days ≥ 1 (2.5 is refused, not cut to 2); empty is the default, 14."""
    if isinstance(value, float) and not value.is_integer():
        raise ValidationError(f"{key} is {value!r}; use a whole number of days, 1 or more.")
    return _positive_int(value, key, DEFAULT_STALE_DAYS)


def _date(value: Any, key: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(f"{key} is {value!r}; use a date like 2026-12-31.") from None


def legacy_deadline(profile: Mapping[str, Any]) -> date | None:
    """The deadline a profile's Settings held before the approved plan became its one source
    (``forecast_settings.deadline``; data.ops.deadlines moves it to the plans)."""
    settings = _dict(profile.get("forecast_settings"), "forecast_settings")
    return _date(settings.get("deadline"), "forecast_settings.deadline")


def _dict(value: Any, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{key} must be a JSON object, not {type(value).__name__}.")
    return value


def mappings_from_profile(profile: Mapping[str, Any]) -> MetricMappings:
    """Read and validate the metric settings of a profile dict (as the backend returns it)."""
    fm = _dict(profile.get("field_mappings"), "field_mappings")
    fs = _dict(profile.get("forecast_settings"), "forecast_settings")
    jira = _dict(profile.get("jira_config"), "jira_config")
    flow_types = _dict(profile.get("flow_type_mappings"), "flow_type_mappings")
    dora = _dict(fm.get("dora"), "field_mappings.dora")

    states = _dict(fm.get("status_to_flow_state"), "field_mappings.status_to_flow_state")
    for status, state in states.items():
        _choice(state, f"field_mappings.status_to_flow_state[{status!r}]", FLOW_STATES)
    categories = _dict(fm.get("status_categories"), "field_mappings.status_categories")
    for status, category in categories.items():
        _choice(category, f"field_mappings.status_categories[{status!r}]", CATEGORY_FLOW_STATE)
    for issue_type, item in flow_types.items():
        _choice(item, f"flow_type_mappings[{issue_type!r}]", FLOW_ITEMS)

    legacy_deadline(profile)  # checked, not read: the deadline is the approved plan's
    stages = _stages(fm.get("workflow_stages"))
    names = tuple(s.name for s in stages) if stages else DEFAULT_STAGE_NAMES
    committed = str(
        fm.get("committed_stage")
        or ("In Progress" if not stages else names[min(1, len(names) - 1)])
    )
    done = str(fm.get("done_stage") or names[-1])
    for key, value in (("committed_stage", committed), ("done_stage", done)):
        if value not in names:
            raise ValidationError(
                f"field_mappings.{key} is {value!r}, which is not a workflow stage; use one of {', '.join(names)}."
            )
    if names.index(committed) > names.index(done):
        raise ValidationError(
            "field_mappings.committed_stage comes after done_stage; pick a committed stage before the done stage."
        )

    override = fm.get("time_zone") or None
    if override is not None:
        check_time_zone(override, "field_mappings.time_zone")
    jira_zone = jira.get("user_time_zone") or None
    time_zone, zone_source = resolve_time_zone(override, jira_zone)

    return MetricMappings(
        status_to_flow_state=dict(states),
        status_categories=dict(categories),
        workflow_stages=stages,
        committed_stage=committed,
        done_stage=done,
        flow_type_mappings=dict(flow_types) if flow_types else dict(DEFAULT_FLOW_TYPES),
        dora=DoraMappings(
            deployment_source=_choice(
                dora.get("deployment_source", "fix_versions"),
                "field_mappings.dora.deployment_source",
                DEPLOYMENT_SOURCES,
            ),
            deployment_issue_types=_strings(
                dora.get("deployment_issue_types", ["Deployment"]),
                "field_mappings.dora.deployment_issue_types",
            ),
            incident_issue_types=_strings(
                dora.get("incident_issue_types", ["Incident"]),
                "field_mappings.dora.incident_issue_types",
            ),
            incident_priorities=_strings(
                dora.get("incident_priorities"), "field_mappings.dora.incident_priorities"
            ),
            tier_set=_choice(
                str(dora.get("tier_set", "2023")), "field_mappings.dora.tier_set", TIER_SETS
            ),
        ),
        time_zone=time_zone,
        time_zone_source=zone_source,
        jira_time_zone=None if jira_zone is None else str(jira_zone),
        points_field=str(jira.get("points_field") or "") or None,
        pert_factor=_positive_int(fs.get("pert_factor"), "forecast_settings.pert_factor", 3),
        data_points_count=_positive_int(
            fs.get("data_points_count"), "forecast_settings.data_points_count", 12
        ),
        milestone=_date(fs.get("milestone"), "forecast_settings.milestone"),
        monte_carlo_trials=_positive_int(
            fs.get("monte_carlo_trials"), "forecast_settings.monte_carlo_trials", 10_000
        ),
        monte_carlo_seed=int(fs.get("monte_carlo_seed") or 42),
        monte_carlo_scope=_choice(
            fs.get("monte_carlo_scope") or "fixed",
            "forecast_settings.monte_carlo_scope",
            SCOPE_MODELS,
        ),
        metrics_window_weeks=_positive_int(
            fs.get("metrics_window_weeks"), "forecast_settings.metrics_window_weeks", 12
        ),
        health_thresholds=health_thresholds(fs.get("health_thresholds")),
        blocked_statuses=_strings(fm.get("blocked_statuses"), "field_mappings.blocked_statuses"),
        stale_after_days=_whole_days(fm.get("stale_after_days"), "field_mappings.stale_after_days"),
        subtask_counting=check_subtask_counting(
            fs.get("subtask_counting") or DEFAULT_SUBTASK_COUNTING
        ),
    )


def _stages(value: Any) -> tuple[Stage, ...] | None:
    if value in (None, []):
        return None
    if not isinstance(value, list):
        raise ValidationError(
            "field_mappings.workflow_stages must be a list of {name, statuses}; see docs/metrics.md."
        )
    stages: list[Stage] = []
    owner: dict[str, str] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("name", ""), str):
            raise ValidationError(
                f"field_mappings.workflow_stages[{index}] needs a name and a list of statuses."
            )
        if not item.get("name", "").strip():
            raise ValidationError(
                f"Workflow stage {index + 1} has no name; give every stage a name."
            )
        statuses = _strings(
            item.get("statuses"), f"field_mappings.workflow_stages[{index}].statuses"
        )
        for status in statuses:
            if status in owner:
                raise ValidationError(
                    f"Status {status!r} is in workflow stages {owner[status]!r} and {item['name']!r}; keep it in one."
                )
            owner[status] = item["name"]
        if any(s.name == item["name"] for s in stages):
            raise ValidationError(f"Workflow stage {item['name']!r} appears twice; rename one.")
        stages.append(Stage(item["name"], statuses))
    return tuple(stages)


def resolve_statuses(
    mappings: MetricMappings, categories: Mapping[str, str], seen: Iterable[str]
) -> StatusMap:
    """Flow state and workflow stage of every status in ``seen``.

    ``categories`` maps status name → JIRA statusCategory key (``build_status_map`` merges JIRA's
    status list and the statuses some issue is in now); ``mappings.status_categories`` adds others. Explicit flow states win; otherwise the
    category decides; a status with neither (and in no stage) is unmapped.
    """
    categories = {**mappings.status_categories, **categories}
    seen = sorted(set(seen))
    flow_state: dict[str, str] = {}
    for status in seen:
        state = mappings.status_to_flow_state.get(status) or CATEGORY_FLOW_STATE.get(
            categories.get(status, "")
        )
        if state is not None:
            flow_state[status] = state

    if mappings.workflow_stages is not None:
        names = tuple(s.name for s in mappings.workflow_stages)
        stage_of = {
            status: index
            for index, stage in enumerate(mappings.workflow_stages)
            for status in stage.statuses
        }
    else:
        names = DEFAULT_STAGE_NAMES
        stage_of = {}
        for status, state in flow_state.items():
            if state == "New" or (state == "Waiting" and categories.get(status, "new") == "new"):
                stage_of[status] = 0
            elif state in ("Waiting", "Active"):
                stage_of[status] = 1
            elif state == "Done":
                stage_of[status] = 2
    without_stage = sorted(
        s
        for s, state in flow_state.items()
        if state not in ("Canceled", "Ignore") and s not in stage_of
    )
    return StatusMap(
        flow_state=flow_state,
        unmapped=tuple(s for s in seen if s not in flow_state and s not in stage_of),
        without_flow_state=tuple(s for s in seen if s not in flow_state and s in stage_of),
        stage_of=stage_of,
        stage_names=names,
        committed_index=names.index(mappings.committed_stage),
        done_index=names.index(mappings.done_stage),
        without_stage=tuple(without_stage),
    )


def default_stages(
    mappings: MetricMappings, categories: Mapping[str, str], statuses: Iterable[str]
) -> list[dict[str, Any]]:
    """The Backlog / In Progress / Done stages ``resolve_statuses`` derives when a profile has no
    ``workflow_stages``, with the given statuses placed in them (as the Settings editor shows)."""
    derived = replace(
        mappings,
        workflow_stages=None,
        committed_stage=DEFAULT_COMMITTED_STAGE,
        done_stage=DEFAULT_DONE_STAGE,
    )
    stage_of = resolve_statuses(derived, categories, statuses).stage_of
    return [
        {
            "name": name,
            "statuses": sorted((s for s, i in stage_of.items() if i == index), key=str.casefold),
        }
        for index, name in enumerate(DEFAULT_STAGE_NAMES)
    ]


def workflow_settings(
    stages: list[dict[str, Any]],
    committed: str | None,
    done: str | None,
    default: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``workflow_stages``, ``committed_stage`` and ``done_stage`` entries of field_mappings
    for the stages the Settings editor sends (names trimmed), checked as ``mappings_from_profile``
    checks them. Stages equal to ``default`` (the derived ones as shown) are stored as none, so
    they keep following each status's flow state."""
    cleaned = [
        {
            "name": str(stage.get("name") or "").strip(),
            "statuses": list(stage.get("statuses") or []),
        }
        for stage in stages
    ]
    if not cleaned:
        raise ValidationError("There are no workflow stages; add one or reset to the default.")
    for key, value, role in (
        ("committed", committed, "where cycle time starts"),
        ("done", done, "where cycle time ends"),
    ):
        if not value:
            raise ValidationError(f"No {key} stage is chosen; pick the stage {role}.")
    result = {
        "workflow_stages": None if _same_stages(cleaned, default) else cleaned,
        "committed_stage": committed,
        "done_stage": done,
    }
    # The stage list as it will be used: checks names, statuses, committed and done.
    mappings_from_profile({"field_mappings": {**result, "workflow_stages": cleaned}})
    return result


def _same_stages(stages: list[dict[str, Any]], other: list[dict[str, Any]] | None) -> bool:
    def key(items: list[dict[str, Any]]) -> list[tuple[str, frozenset[str]]]:
        return [(s["name"], frozenset(s["statuses"])) for s in items]

    return other is not None and key(stages) == key(other)
