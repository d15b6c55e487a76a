"""A schema per legacy JSON file (LEGACY_LAYOUT.md): the type of every field the migration reads.

Each file is parsed and checked in one pass: pydantic validates the JSON text itself (in Rust,
1.2–1.4x the CPU time of ``json.loads`` on a 4 MB changelog cache), so a wrong type anywhere —
a date-time that is a number, a status name that is a list, history items that are a string —
is found before anything is written, every one of them (not just the first), each with its JSON path
(``issues[5].fields.status.name``). Nothing is converted here: the parsed file is exactly what
``json.loads`` returns, but for a file the migration stores as written and reads only in part
(``LegacyFile.lean_unless``: an old app's changelog cache), which lacks the keys no schema names.

What the schemas allow is what the reader then accepts, some of it with a note: unknown keys
(kept), ``null`` for an optional value, numbers written as text (``"pert_factor": "1.5"`` — the
reader converts them and refuses ``"high"``), a registry whose ``profiles`` is a list, a plain
snapshot value. Rules that are not about types stay with the reader: a query needs ``jql`` or
``jql_query``, a week key is an ISO week, a date-time parses, an id is a safe folder name.

Lists and objects nested more than ``MAX_DEPTH`` levels deep (never real data; a 200,000-level
``fixVersions`` value crashed the old reader) are refused as a whole file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Required, TypeAlias

from pydantic import (
    ConfigDict,
    Discriminator,
    GetPydanticSchema,
    StrictBool,
    StrictStr,
    StringConstraints,
    Tag,
    TypeAdapter,
    ValidationError,
    with_config,
)
from pydantic_core import SchemaValidator, core_schema
from typing_extensions import TypedDict

from data.store.json_backend import META_KEY

# pydantic's JSON parser stops at this depth (jiter's recursion limit).
MAX_DEPTH = 200
# Every object keeps the keys no schema names, unchecked and unconverted.
OPEN = ConfigDict(extra="allow", strict=True)


# Building blocks ---------------------------------------------------------------------------------
_SCALARS = {
    "a string": core_schema.str_schema(strict=True),
    "a number": core_schema.union_schema(
        [core_schema.int_schema(strict=True), core_schema.float_schema(strict=True)]
    ),
    "a whole number": core_schema.int_schema(strict=True),
    "a boolean": core_schema.bool_schema(strict=True),
    "null": core_schema.none_schema(),
}


def scalar(*kinds: str) -> GetPydanticSchema:
    """``Annotated[Any, scalar(...)]``: a value of one of ``kinds`` (keys of ``_SCALARS``), kept
    as it is (an int stays an int); anything else is one error naming them all."""
    expected = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"
    schema = core_schema.union_schema(
        [_SCALARS[k] for k in kinds],
        custom_error_type="kind",
        custom_error_message=f"expected {expected}",
    )
    return GetPydanticSchema(lambda _type, _handler: schema)


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "<object>"
    if isinstance(value, list):
        return "<list>"
    return "<null>" if value is None else "<scalar>"


def by_kind(expected: str) -> Discriminator:
    """The discriminator of a union whose members are tagged ``OBJECT``, ``LIST``, ``SCALAR``
    (a string, number or boolean) and ``NULL``: the value's JSON kind picks the member, whose own
    errors then say exactly what is wrong; a kind without a member is one error, ``expected``."""
    return Discriminator(
        _json_kind,
        custom_error_type="kind",
        custom_error_message=f"expected {expected}",
    )


OBJECT, LIST, SCALAR, NULL = Tag("<object>"), Tag("<list>"), Tag("<scalar>"), Tag("<null>")
# The tags appear in pydantic's error locations; they are not part of a JSON path.
_TAGS = {"<object>", "<list>", "<scalar>", "<null>"}

Text = StrictStr
OptionalText = StrictStr | None
Texts = list[StrictStr] | None
Number: TypeAlias = Annotated[Any, scalar("a number")]
NumberOrText: TypeAlias = Annotated[Any, scalar("a number", "a string", "null")]
Flag: TypeAlias = Annotated[Any, scalar("a boolean", "a string", "a number", "null")]
NameValue: TypeAlias = Annotated[Any, scalar("a string", "a number", "null")]
IdValue: TypeAlias = Annotated[Any, scalar("a string", "a number", "null")]
MetricValue: TypeAlias = Annotated[Any, scalar("a number", "a string", "a boolean", "null")]
NonEmptyText: TypeAlias = Annotated[str, StringConstraints(strict=True, min_length=1)]


# profiles.json -----------------------------------------------------------------------------------
@with_config(OPEN)
class _SummaryFields(TypedDict, total=False):
    name: NameValue
    description: OptionalText
    created_at: OptionalText
    last_used: OptionalText
    jira_base_url: OptionalText


@with_config(OPEN)
class ProfileSummary(_SummaryFields, total=False):
    id: Text


@with_config(OPEN)
class ListedProfileSummary(_SummaryFields, total=False):
    id: Required[Text]


@with_config(OPEN)
class RegistryFile(TypedDict, total=False):
    active_profile_id: OptionalText
    active_query_id: OptionalText
    # Older versions wrote a list of summaries.
    profiles: Annotated[
        Annotated[dict[str, ProfileSummary], OBJECT]
        | Annotated[list[ListedProfileSummary], LIST]
        | Annotated[None, NULL],
        by_kind("an object or a list of profiles"),
    ]


# profile.json (and the settings of the oldest app_settings.json) ---------------------------------
@with_config(OPEN)
class JiraConfig(TypedDict, total=False):
    base_url: OptionalText
    api_version: OptionalText
    deployment: OptionalText
    email: OptionalText
    token: OptionalText
    points_field: OptionalText
    flagged_field: OptionalText
    cache_ttl_hours: NumberOrText
    cache_size_mb: NumberOrText
    max_results_per_call: NumberOrText


@with_config(OPEN)
class ForecastSettings(TypedDict, total=False):
    pert_factor: NumberOrText
    data_points_count: NumberOrText
    deadline: OptionalText
    milestone: OptionalText


@with_config(OPEN)
class LegacyFlowType(TypedDict, total=False):
    issue_types: Texts
    effort_categories: Texts


# Flowcast's {issue type: item}, or an old version's {item: [types]} / {item: {issue_types}}.
FlowTypeValue: TypeAlias = Annotated[
    Annotated[LegacyFlowType, OBJECT]
    | Annotated[list[StrictStr], LIST]
    | Annotated[StrictStr, SCALAR]
    | Annotated[None, NULL],
    by_kind("an item name, a list of issue types or an object with issue_types"),
]
FlowTypeMappings = dict[str, FlowTypeValue] | None


@with_config(OPEN)
class Classification(TypedDict, total=False):
    """Issue-type and status lists of the old versions (project_classification, project_config,
    or the top level of app_settings.json)."""

    completion_statuses: Texts
    flow_end_statuses: Texts
    active_statuses: Texts
    flow_start_statuses: Texts
    wip_statuses: Texts
    devops_projects: Texts
    development_projects: Texts
    devops_task_types: Texts
    bug_types: Texts
    story_types: Texts
    task_types: Texts
    production_environment_values: Texts
    flow_type_mappings: FlowTypeMappings


@with_config(OPEN)
class WorkflowStage(TypedDict, total=False):
    name: OptionalText
    statuses: Texts


@with_config(OPEN)
class FieldMappings(TypedDict, total=False):
    status_to_flow_state: dict[str, Text] | None
    status_categories: dict[str, Text] | None
    workflow_stages: list[WorkflowStage] | None
    committed_stage: OptionalText
    done_stage: OptionalText
    time_zone: OptionalText
    flagged: OptionalText
    # Flowcast's DORA settings, or an old version's {metric field: JIRA field id}.
    dora: dict[str, Any] | None
    flow: dict[str, Any] | None


@with_config(OPEN)
class ProfileSettings(Classification, total=False):
    name: NameValue
    description: OptionalText
    created_at: OptionalText
    last_used: OptionalText
    jira_config: JiraConfig | None
    field_mappings: FieldMappings | None
    forecast_settings: ForecastSettings | None
    project_classification: Classification | None
    project_config: Classification | None
    show_milestone: Flag
    show_points: Flag


@with_config(OPEN)
class ProfileFile(ProfileSettings, total=False):
    id: OptionalText


@with_config(OPEN)
class AppSettingsFile(ProfileSettings, total=False):
    """The oldest layout's single settings file (comment keys starting with ``_`` are allowed)."""

    jira_api_endpoint: OptionalText
    jira_token: OptionalText
    jira_story_points_field: OptionalText
    jira_cache_max_size: NumberOrText
    jira_max_results: NumberOrText
    pert_factor: NumberOrText
    data_points_count: NumberOrText
    deadline: OptionalText
    milestone: OptionalText
    jql_query: OptionalText
    jql: OptionalText


# query.json ------------------------------------------------------------------------------------
@with_config(OPEN)
class QueryFile(TypedDict, total=False):
    name: NameValue
    jql: OptionalText
    jql_query: OptionalText
    description: OptionalText
    created_at: OptionalText
    last_used: OptionalText


# jira_cache.json and jira_changelog_cache.json -----------------------------------------------------
@with_config(OPEN)
class Named(TypedDict, total=False):
    name: OptionalText
    value: OptionalText
    key: OptionalText


NamedOrText: TypeAlias = Annotated[
    Annotated[Named, OBJECT] | Annotated[StrictStr, SCALAR] | Annotated[None, NULL],
    by_kind("an object or a string"),
]


@with_config(OPEN)
class StatusCategory(TypedDict, total=False):
    key: OptionalText


@with_config(OPEN)
class Status(TypedDict, total=False):
    name: OptionalText
    statusCategory: StatusCategory | None


@with_config(OPEN)
class FixVersion(TypedDict, total=False):
    name: OptionalText
    released: StrictBool | None
    releaseDate: OptionalText


@with_config(OPEN)
class IssueFields(TypedDict, total=False):
    created: Required[Text]
    updated: OptionalText
    resolutiondate: OptionalText
    summary: OptionalText
    status: Status | None
    issuetype: Named | None
    priority: Named | None
    project: Named | None
    parent: Named | None
    resolution: NamedOrText
    fixVersions: list[FixVersion] | None
    labels: Texts
    components: list[NamedOrText] | None


@with_config(OPEN)
class HistoryItem(TypedDict, total=False):
    field: OptionalText
    fieldId: OptionalText
    fromString: OptionalText
    toString: OptionalText


@with_config(OPEN)
class History(TypedDict, total=False):
    id: IdValue
    created: Required[Text]
    items: list[HistoryItem] | None


@with_config(OPEN)
class Changelog(TypedDict, total=False):
    histories: list[History] | None
    total: Annotated[Any, scalar("a whole number", "null")]


@with_config(OPEN)
class Issue(TypedDict, total=False):
    key: Required[NonEmptyText]
    id: IdValue
    fields: Required[IssueFields]
    changelog: Changelog | None


@with_config(OPEN)
class FlowcastMeta(TypedDict, total=False):
    """What Flowcast adds to a cache file it wrote (json/dual storage)."""

    cache_key: OptionalText
    expires_at: OptionalText
    created_at: OptionalText
    added_keys: Texts


@with_config(OPEN)
class JiraCacheFile(TypedDict, total=False):
    issues: list[Issue] | None
    jql_hash: OptionalText
    timestamp: OptionalText
    flowcast_meta: FlowcastMeta | None


@with_config(OPEN)
class ChangelogEntry(TypedDict, total=False):
    key: OptionalText
    fields: dict[str, Any] | None
    changelog: Changelog | None
    last_updated: OptionalText
    flowcast_meta: FlowcastMeta | None


ChangelogCacheFile = dict[str, ChangelogEntry]


# project_data.json ---------------------------------------------------------------------------------
@with_config(OPEN)
class StatisticsRow(TypedDict, total=False):
    date: Required[Text]
    completed_items: NumberOrText
    completed_points: NumberOrText
    created_items: NumberOrText
    created_points: NumberOrText


@with_config(OPEN)
class ProjectDataFile(TypedDict, total=False):
    statistics: list[StatisticsRow] | None
    project_scope: dict[str, Any] | None
    metadata: dict[str, Any] | None


# metrics_snapshots.json and Flowcast's metrics_snapshots_meta.json ---------------------------------
@with_config(OPEN)
class SnapshotMetric(TypedDict, total=False):
    # The number (or tier name) the weekly review and trends read; breakdowns live beside it.
    value: MetricValue


SnapshotsFile = dict[
    str,
    dict[
        str,
        Annotated[
            Annotated[SnapshotMetric, OBJECT]
            | Annotated[MetricValue, SCALAR]
            | Annotated[None, NULL],
            by_kind("an object of metric values or a plain value"),
        ],
    ],
]


@with_config(OPEN)
class SnapshotMeta(TypedDict, total=False):
    forecast: dict[str, Any] | None
    created_at: OptionalText


SnapshotMetaFile = dict[str, dict[str, SnapshotMeta]]


# task_progress.json and profiles/app_state.json ----------------------------------------------------
@with_config(OPEN)
class TaskRecord(TypedDict, total=False):
    """One task as Flowcast writes it under ``flowcast_tasks``."""

    task_name: Required[Text]
    progress_percent: Required[Number]
    status: Required[Text]
    message: OptionalText
    details: dict[str, Any] | None
    cancel_requested: StrictBool | None
    started_at: Required[Text]
    updated_at: Required[Text]


@with_config(OPEN)
class TaskProgressFile(TypedDict, total=False):
    """The old app's one flat task record (and Flowcast's map of them all)."""

    task_name: OptionalText
    progress_percent: NumberOrText
    status: OptionalText
    message: OptionalText
    details: dict[str, Any] | None
    cancel_requested: StrictBool | None
    started_at: OptionalText
    updated_at: OptionalText
    flowcast_tasks: dict[str, TaskRecord] | None


AppStateFile = dict[str, Any]


# Checking a file -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchemaProblem:
    """One place in a file that does not fit its schema ("" = the file as a whole)."""

    json_path: str
    problem: str


class LegacyFile:
    """The schema of one kind of legacy file, compiled once.

    ``lean_unless``: a file the migration stores as written (its text) and of which it reads
    only what the schema names, unless the file contains this text. Such a file is checked by
    the same schema without building its unnamed keys (which no schema checks): about a tenth
    less work on a 4 MB changelog cache. The parsed file then lacks those keys."""

    def __init__(self, schema: Any, *, settings: bool = False, lean_unless: str | None = None):
        self.adapter: TypeAdapter[Any] = TypeAdapter(schema)
        # Small files people edited by hand: a key given twice is reported (the old version,
        # like json.loads, silently used the last one).
        self.settings = settings
        self.lean_unless = lean_unless
        self.lean = (
            SchemaValidator(_unnamed_keys_ignored(self.adapter.core_schema))
            if lean_unless is not None
            else None
        )

    def parse(self, text: str) -> tuple[Any, list[SchemaProblem]]:
        """``(data, [])`` for a file that fits, ``(None, problems)`` for one that does not."""
        lean = self.lean is not None and (self.lean_unless or "") not in text
        validator: Any = self.lean if lean else self.adapter
        try:
            return validator.validate_json(text), []
        except ValidationError as exc:
            return None, [_problem(e) for e in exc.errors(include_url=False)]

    def duplicate_keys(self, text: str) -> list[str]:
        """The JSON path of every key that appears twice in one object (settings files only)."""
        if not self.settings:
            return []
        found: list[str] = []
        _walk_pairs(json.loads(text, object_pairs_hook=_Pairs), "", found)
        return found


def _unnamed_keys_ignored(schema: Any) -> Any:
    """A copy of a compiled schema whose objects drop the keys they do not name instead of
    keeping them (the checks are the same: unnamed keys are never checked)."""
    if isinstance(schema, list):
        return [_unnamed_keys_ignored(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: _unnamed_keys_ignored(value) for key, value in schema.items()}
    if copy.get("type") == "typed-dict" and copy.get("extra_behavior") == "allow":
        copy["extra_behavior"] = "ignore"
    return copy


REGISTRY = LegacyFile(RegistryFile, settings=True)
PROFILE = LegacyFile(ProfileFile, settings=True)
APP_SETTINGS = LegacyFile(AppSettingsFile, settings=True)
QUERY = LegacyFile(QueryFile, settings=True)
APP_STATE = LegacyFile(AppStateFile, settings=True)
TASK_PROGRESS = LegacyFile(TaskProgressFile, settings=True)
JIRA_CACHE = LegacyFile(JiraCacheFile)
# The migration stores an old app's changelog cache as written (its text): unless Flowcast wrote
# entries of it (their flowcast_meta), it reads only the histories' named keys.
CHANGELOG_CACHE = LegacyFile(ChangelogCacheFile, lean_unless=META_KEY)
PROJECT_DATA = LegacyFile(ProjectDataFile)
SNAPSHOTS = LegacyFile(SnapshotsFile)
SNAPSHOT_META = LegacyFile(SnapshotMetaFile)

_EXPECTED = {
    "dict_type": "an object",
    "list_type": "a list",
    "string_type": "a string",
    "bool_type": "a boolean",
    "int_type": "a whole number",
    "float_type": "a number",
    "none_required": "null",
}
_JSON_ERROR = re.compile(r"Invalid JSON: (?P<what>.*) at line (?P<line>\d+) column (?P<column>\d+)")


def _problem(error: Any) -> SchemaProblem:
    path = json_path(error["loc"])
    kind = error["type"]
    if kind == "json_invalid":
        return SchemaProblem("", _invalid_json(error["msg"]))
    if kind == "missing":
        return SchemaProblem(path, "missing")
    if kind == "string_too_short":
        return SchemaProblem(path, "expected a non-empty string, got an empty one")
    got = kind_of(error.get("input"))
    if kind == "kind":  # scalar() and by_kind() word their own "expected …"
        return SchemaProblem(path, f"{error['msg']}, got {got}")
    expected = _EXPECTED.get(kind)
    if expected is None:
        return SchemaProblem(path, str(error["msg"]).lower())
    return SchemaProblem(path, f"expected {expected}, got {got}")


def _invalid_json(message: str) -> str:
    if "recursion limit exceeded" in message:
        return (
            f"is nested too deeply to read (lists or objects inside each other more than "
            f"{MAX_DEPTH} levels deep); restore it from a backup or remove it"
        )
    match = _JSON_ERROR.search(message)
    where = f"line {match['line']}, column {match['column']}: {match['what']}" if match else message
    return (
        f"is not valid JSON ({where}); the file is probably truncated — restore it from a "
        "backup or remove it"
    )


def json_path(loc: tuple[Any, ...]) -> str:
    """``issues[5].fields.status.name`` from pydantic's location tuple."""
    path = ""
    for part in loc:
        if part in _TAGS:
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def kind_of(value: Any) -> str:
    """A JSON value's kind as a message names it: "a list", "null", "a number" …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number"


class _Pairs(list[tuple[str, Any]]):
    """An object as ``json.loads`` read it, every key kept in order (duplicates too)."""


def _walk_pairs(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, _Pairs):
        seen: set[str] = set()
        for key, item in value:
            where = f"{path}.{key}" if path else key
            if key in seen:
                found.append(where)
            seen.add(key)
            _walk_pairs(item, where, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk_pairs(item, f"{path}[{index}]", found)
