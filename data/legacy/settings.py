"""An old version's profile settings in the shapes Flowcast's metrics read (docs/metrics.md,
"Mapping keys"), each conversion said in a note.

What the old versions wrote (LEGACY_LAYOUT.md and the upstream samples) and what it becomes:

- ``flow_type_mappings`` by category — ``{"Feature": ["Story"]}`` or ``{"Feature": {"issue_types":
  [...], "effort_categories": [...]}}``, also under ``project_classification``, with categories
  Feature, Defect, Risk and Technical_Debt (``Technical Debt``, ``TechnicalDebt``) — becomes
  Flowcast's ``{issue type: Feature|Defect|Risk|Debt}``. Flowcast maps by issue type only: effort
  categories are noted, an issue type under two categories goes to the first, an unknown category
  is noted and left for Settings.
- The status lists (``completion_statuses`` / ``flow_end_statuses``, ``active_statuses``,
  ``wip_statuses``, ``flow_start_statuses``; in ``project_classification``, ``project_config`` or at
  the top of ``app_settings.json``) become ``field_mappings.status_to_flow_state``: done → Done,
  active → Active, the rest of work in progress → Waiting; and ``field_mappings.status_categories``
  (done, or in progress), so the derived workflow stages put them where the old version counted
  them before a sync has read JIRA's own categories.
- ``bug_types`` becomes ``field_mappings.dora.incident_issue_types``; ``devops_task_types``
  ``field_mappings.dora.deployment_issue_types`` (the deployment source stays fix versions: the
  note says how to switch).
- ``field_mappings`` that name JIRA fields per metric field (``deployment_date``: ``resolutiondate``
  …, flat or under ``dora`` / ``flow``) have no use in Flowcast, which reads statuses, fix versions
  and issue types; they move out of the way of Flowcast's own ``field_mappings.dora``.

Nothing is lost: every original value that was converted or moved is kept, as it was, under the
profile's ``legacy_settings`` (an extra key the old version never had). Lists with no Flowcast
counterpart (``devops_projects``, ``production_environment_values`` …) stay where they were.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any

from data.metrics.mappings import FLOW_ITEMS

LEGACY_SETTINGS_KEY = "legacy_settings"
CLASSIFICATION_KEYS = ("project_classification", "project_config")
DONE_LISTS = ("completion_statuses", "flow_end_statuses")
UNMATCHED_LISTS = (
    "devops_projects",
    "development_projects",
    "story_types",
    "task_types",
    "production_environment_values",
)
# JIRA field ids per metric field, as the old versions' Field Mappings tab stored them.
LEGACY_FIELD_KEYS = frozenset(
    {
        "deployment_date",
        "target_environment",
        "code_commit_date",
        "deployed_to_production_date",
        "incident_detected_at",
        "incident_resolved_at",
        "severity_level",
        "deployment_successful",
        "production_impact",
        "affected_environment",
        "flow_item_type",
        "effort_category",
        "work_type",
        "work_item_size",
        "work_started_date",
        "work_completed_date",
        "completed_date",
        "status",
        "status_entry_timestamp",
        "active_work_hours",
        "flow_time_days",
    }
)
DORA_KEYS = frozenset(
    {
        "deployment_source",
        "deployment_issue_types",
        "incident_issue_types",
        "incident_priorities",
        "tier_set",
    }
)
_CATEGORY_ALIASES = {
    "feature": "Feature",
    "features": "Feature",
    "defect": "Defect",
    "defects": "Defect",
    "risk": "Risk",
    "risks": "Risk",
    "debt": "Debt",
    "technicaldebt": "Debt",
    "techdebt": "Debt",
}


def flow_item(name: Any) -> str | None:
    """Flowcast's Flow item for an old version's category name (``Technical_Debt`` → Debt)."""
    if not isinstance(name, str):
        return None
    return _CATEGORY_ALIASES.get(re.sub(r"[^a-z]", "", name.lower()))


class SettingsConversion:
    """Converts one profile document; ``notes`` says what was done and what to check."""

    def __init__(self, document: dict[str, Any]):
        self.document = copy.deepcopy(document)
        self.notes: list[str] = []
        self.kept: dict[str, Any] = {}  # originals, for legacy_settings

    def run(self) -> dict[str, Any]:
        lists = self._classification_lists()
        self._flow_types()
        self._statuses(lists)
        self._dora(lists)
        self._legacy_fields()
        self._forecast_whole_numbers()
        unmatched = [k for k in UNMATCHED_LISTS if lists.get(k)]
        if unmatched:
            self.notes.append(
                f"{', '.join(unmatched)}: no counterpart in Flowcast (it needs no project split or "
                "environment filter); kept as they were"
            )
        if self.kept:
            previous = self.document.get(LEGACY_SETTINGS_KEY)
            self.document[LEGACY_SETTINGS_KEY] = {
                **(previous if isinstance(previous, dict) else {}),
                **self.kept,
            }
        return self.document

    # Where the old versions kept their lists ----------------------------------------------------
    def _classification_lists(self) -> dict[str, list[str]]:
        """Every status and issue-type list, from the top level (app_settings.json),
        project_config and project_classification; the later place wins when two disagree."""
        found: dict[str, tuple[str, list[str]]] = {}
        places = [("the top level", self.document)] + [
            (key, self.document.get(key) or {}) for key in reversed(CLASSIFICATION_KEYS)
        ]
        for place, values in places:
            for key, value in values.items():
                if not key.endswith(("_statuses", "_types", "_projects", "_values")):
                    continue
                if not isinstance(value, list):
                    continue
                if key in found and found[key][1] != value and value:
                    self.notes.append(
                        f"{key}: {found[key][0]} and {place} disagree; {place}'s list is used"
                    )
                if value or key not in found:
                    found[key] = (place, value)
        return {key: value for key, (_place, value) in found.items()}

    # flow_type_mappings ------------------------------------------------------------------------
    def _flow_types(self) -> None:
        sources = [("flow_type_mappings", self.document.get("flow_type_mappings") or {})]
        nested = (self.document.get("project_classification") or {}).get("flow_type_mappings")
        if nested:
            sources.append(("project_classification.flow_type_mappings", nested))
        legacy_shaped = any(
            isinstance(v, list | dict) for _where, mapping in sources for v in mapping.values()
        )
        if not legacy_shaped and not any(
            isinstance(v, str) and v not in FLOW_ITEMS and flow_item(v)
            for _where, mapping in sources
            for v in mapping.values()
        ):
            return  # already Flowcast's {issue type: item}
        converted: dict[str, str] = {}
        for where, mapping in sources:
            for key, value in mapping.items():
                if isinstance(value, str):  # Flowcast's own shape: {issue type: item}
                    self._map_type(converted, key, value, where)
                elif isinstance(value, list | dict):  # {category: types}
                    self._map_category(converted, key, value, where)
        self.kept["flow_type_mappings"] = copy.deepcopy(self.document.get("flow_type_mappings"))
        if nested:
            self.kept["project_classification.flow_type_mappings"] = copy.deepcopy(nested)
        self.document["flow_type_mappings"] = converted
        if converted:
            pairs = ", ".join(f"{t} → {i}" for t, i in converted.items())
            self.notes.append(
                f"flow_type_mappings: converted from the old by-category shape to issue type → "
                f"Flow item ({pairs}); the original is kept under {LEGACY_SETTINGS_KEY}"
            )
        else:
            self.notes.append(
                "flow_type_mappings: names no issue types; Flowcast's defaults apply (Story, Task "
                "→ Feature; Bug → Defect) — map yours in Settings → Field mappings"
            )

    def _map_type(self, converted: dict[str, str], issue_type: str, item: str, where: str) -> None:
        target = item if item in FLOW_ITEMS else flow_item(item)
        if target is None:
            self.notes.append(
                f"{where}[{issue_type!r}]: {item!r} is not a Flow item ({', '.join(FLOW_ITEMS)}); "
                "the issue type is not mapped — map it in Settings → Field mappings"
            )
            return
        self._assign(converted, issue_type, target, where)

    def _map_category(
        self, converted: dict[str, str], category: str, value: Any, where: str
    ) -> None:
        if isinstance(value, dict):
            types = value.get("issue_types") or []
            efforts = value.get("effort_categories") or []
        else:
            types, efforts = value, []
        item = flow_item(category)
        if item is None:
            if types:
                self.notes.append(
                    f"{where}.{category}: not a Flow item ({', '.join(FLOW_ITEMS)}); its issue "
                    f"types {types} are not mapped — map them in Settings → Field mappings"
                )
            return
        if efforts:
            self.notes.append(
                f"{where}.{category}: effort categories {efforts} are not used — Flowcast maps "
                f"by issue type only, so every {', '.join(types) or '(no type)'} counts as {item}"
            )
        for issue_type in types:
            self._assign(converted, issue_type, item, where)

    def _assign(self, converted: dict[str, str], issue_type: str, item: str, where: str) -> None:
        known = converted.get(issue_type)
        if known is None:
            converted[issue_type] = item
        elif known != item:
            self.notes.append(
                f"{where}: {issue_type!r} is listed as {known} and as {item}; mapped to {known} "
                "(the first), as Flowcast maps each issue type to one item"
            )

    # Status lists -------------------------------------------------------------------------------
    def _statuses(self, lists: dict[str, list[str]]) -> None:
        done = [s for key in DONE_LISTS for s in lists.get(key) or []]
        active = lists.get("active_statuses") or []
        wip = lists.get("wip_statuses") or []
        start = lists.get("flow_start_statuses") or []
        if not (done or active or wip):
            if start:
                self._start_note(start, set())
            return
        derived: dict[str, str] = {}
        conflicts = []
        for states, state in ((done, "Done"), (active, "Active"), (wip, "Waiting")):
            for status in states:
                known = derived.setdefault(status, state)
                # Work in progress includes the active statuses; a done one is a contradiction.
                if known != state and (state != "Waiting" or known == "Done"):
                    conflicts.append(
                        f"status {status!r} is listed as {known} and as {state}; mapped to {known}"
                    )
        mappings = self.document.setdefault("field_mappings", {})
        explicit = mappings.get("status_to_flow_state") or {}
        if all(s in explicit for s in derived):
            return  # converted before (or mapped by hand): the profile's own mapping stands
        overridden = sorted(s for s in derived if s in explicit and explicit[s] != derived[s])
        mappings["status_to_flow_state"] = {**derived, **explicit}
        # The old lists also say where a status sits in the workflow: work in progress is JIRA's
        # "indeterminate" category, so a Waiting status such as Review lands in the In Progress
        # stage, not in the backlog, even before a sync has read JIRA's own categories.
        categories = {s: "done" if v == "Done" else "indeterminate" for s, v in derived.items()}
        mappings["status_categories"] = {**categories, **(mappings.get("status_categories") or {})}
        self.notes += conflicts
        self.notes.append(
            "status lists converted to field_mappings.status_to_flow_state: "
            + "; ".join(
                f"{state} {sorted(s for s, v in derived.items() if v == state)}"
                for state in ("Done", "Active", "Waiting")
                if state in derived.values()
            )
            + (f" (the profile's own mapping kept for {overridden})" if overridden else "")
        )
        self._start_note(start, set(active) | set(wip))

    def _start_note(self, start: list[str], in_progress: set[str]) -> None:
        if not start:
            return
        outside = [s for s in start if s not in in_progress]
        self.notes.append(
            f"flow_start_statuses {start}: Flowcast's flow and cycle time start when an issue "
            "enters the In Progress stage (its Active and Waiting statuses that JIRA does not "
            "class as To Do)"
            + (
                f"; {outside} are not work in progress there — add a workflow stage in "
                "Settings → Field mappings if work starts in them"
                if outside
                else ""
            )
        )

    # DORA ---------------------------------------------------------------------------------------
    def _dora(self, lists: dict[str, list[str]]) -> None:
        mappings = self.document.setdefault("field_mappings", {})
        dora = mappings.get("dora") if isinstance(mappings.get("dora"), dict) else {}
        changes = {}
        bugs = lists.get("bug_types") or []
        if bugs and not dora.get("incident_issue_types"):
            changes["incident_issue_types"] = list(bugs)
            self.notes.append(
                f"bug_types {bugs} → field_mappings.dora.incident_issue_types (the incidents "
                "behind change failure rate and time to restore)"
            )
        devops = lists.get("devops_task_types") or []
        if devops and not dora.get("deployment_issue_types"):
            changes["deployment_issue_types"] = list(devops)
            source = dora.get("deployment_source") or "fix_versions"
            self.notes.append(
                f"devops_task_types {devops} → field_mappings.dora.deployment_issue_types; "
                + (
                    "deployments still come from released fix versions — choose the issue-type "
                    "deployment source in Settings → Field mappings if these issues are your "
                    "deployments"
                    if source == "fix_versions"
                    else "deployments are the issues of these types that reach Done"
                )
            )
        if changes:
            mappings["dora"] = {**dora, **changes}

    # JIRA field ids per metric field ------------------------------------------------------------
    def _legacy_fields(self) -> None:
        mappings = self.document.get("field_mappings") or {}
        moved: dict[str, Any] = {
            key: mappings.pop(key) for key in sorted(LEGACY_FIELD_KEYS & set(mappings))
        }
        if isinstance(mappings.get("flow"), dict):
            moved["flow"] = mappings.pop("flow")
        dora = mappings.get("dora")
        if isinstance(dora, dict) and set(dora) - DORA_KEYS:
            moved["dora"] = {k: v for k, v in dora.items() if k not in DORA_KEYS}
            mappings["dora"] = {k: v for k, v in dora.items() if k in DORA_KEYS}
        if not moved:
            return
        self.kept["field_mappings"] = moved
        names = sorted(
            {k for k in moved if k not in ("dora", "flow")}
            | {k for part in ("dora", "flow") for k in moved.get(part) or {}}
        )
        self.notes.append(
            f"field_mappings: the JIRA fields the old version read its metrics from ({', '.join(names)}) "
            "are not used — Flowcast's DORA and flow metrics come from fix versions, issue types "
            f"and the status history; kept under {LEGACY_SETTINGS_KEY}.field_mappings"
        )

    # Forecast settings --------------------------------------------------------------------------
    def _forecast_whole_numbers(self) -> None:
        forecast = self.document.get("forecast_settings") or {}
        for key, meaning in (
            ("pert_factor", "the number of best and worst weeks PERT averages"),
            ("data_points_count", "a number of weeks"),
        ):
            value = forecast.get(key)
            if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
                whole = max(1, math.floor(value))
                forecast[key] = whole
                self.kept.setdefault("forecast_settings", {})[key] = value
                self.notes.append(
                    f"forecast_settings.{key} {value}: Flowcast's is a whole number ({meaning}); "
                    f"stored as {whole}"
                )


def convert_settings(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``(document in Flowcast's shapes, notes)``; the document passed in is not changed."""
    conversion = SettingsConversion(document)
    return conversion.run(), conversion.notes
