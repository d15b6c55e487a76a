"""JIRA Software's shapes read the same on Cloud and Data Center (docs/jira.md, "Sprints and epics").

- Fields are found by their schema, never by a hard-coded id: the Sprint field is
  ``com.pyxis.greenhopper.jira:gh-sprint``, Data Center's Epic Link ``…:gh-epic-link``.
- The Sprint field's value is a list of objects on Cloud and of Java ``toString()`` strings on
  Data Center (``com.atlassian.greenhopper.service.sprint.Sprint@1f58[…,id=3,…,name=S 3,…]``);
  ``sprint_refs`` reads both.
- Its changelog items carry sprint ids comma-space separated in ``from``/``to`` (names may hold
  commas, so the strings are never split); ``sprint_changes`` turns an issue's histories into
  (time, sprint ids before, sprint ids after) in time order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from data.errors import ValidationError
from data.timeutil import to_utc_iso

SPRINT_SCHEMA = "com.pyxis.greenhopper.jira:gh-sprint"
EPIC_LINK_SCHEMA = "com.pyxis.greenhopper.jira:gh-epic-link"
SPRINT_STATES = ("closed", "active", "future")
# The keys of Data Center's Sprint toString(); a value runs up to the next ",<key>=" or "]".
_TO_STRING_KEYS = (
    "activatedDate|autoStartStop|completeDate|endDate|goal|id|incompleteIssuesDestinationId|"
    "name|rapidViewId|sequence|startDate|state|synced"
)
_TO_STRING_FIELD = re.compile(rf"[\[,]({_TO_STRING_KEYS})=(.*?)(?=,(?:{_TO_STRING_KEYS})=|\]$)")


@dataclass(frozen=True)
class AgileFields:
    """The ids of JIRA Software's fields on one site (None when the site has none)."""

    sprint: str | None
    sprint_name: str | None
    epic_link: str | None


def agile_fields(fields: Iterable[dict[str, Any]]) -> AgileFields:
    """The Sprint and Epic Link fields of a ``/field`` list, found by schema."""
    by_schema: dict[str, dict[str, Any]] = {}
    for field in fields:
        custom = (field.get("schema") or {}).get("custom")
        if isinstance(custom, str):
            by_schema.setdefault(custom, field)
    sprint = by_schema.get(SPRINT_SCHEMA)
    epic = by_schema.get(EPIC_LINK_SCHEMA)
    return AgileFields(
        sprint=str(sprint["id"]) if sprint else None,
        sprint_name=str(sprint.get("name") or "Sprint") if sprint else None,
        epic_link=str(epic["id"]) if epic else None,
    )


@dataclass(frozen=True)
class SprintRecord:
    """One sprint as the store keeps it (UTC ISO times)."""

    sprint_id: int
    board_id: int | None
    name: str
    state: str
    start: str | None
    end: str | None
    complete: str | None
    goal: str


def sprint_record(raw: Any) -> SprintRecord:
    """A sprint from the Agile API (``SprintBean``) or from a Cloud Sprint field value."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        raise ValidationError(
            f"JIRA sent a sprint without a numeric id ({str(raw)[:80]!r}); retry later."
        )
    state = str(raw.get("state") or "").lower()
    if state not in SPRINT_STATES:
        raise ValidationError(
            f"JIRA sent sprint {raw['id']} in state {raw.get('state')!r}; expected closed, "
            "active or future."
        )
    board = raw.get("originBoardId", raw.get("boardId"))
    return SprintRecord(
        sprint_id=raw["id"],
        board_id=board if isinstance(board, int) else None,
        name=str(raw.get("name") or f"Sprint {raw['id']}"),
        state=state,
        start=_time(raw.get("startDate")),
        end=_time(raw.get("endDate")),
        complete=_time(raw.get("completeDate")),
        goal=str(raw.get("goal") or ""),
    )


def _time(value: Any) -> str | None:
    if value in (None, "", "<null>"):
        return None
    return to_utc_iso(value)


def parse_sprint_string(text: str) -> dict[str, Any]:
    """Data Center's ``Sprint@hash[key=value,…]`` as a dict shaped like Cloud's value."""
    values = {key: value for key, value in _TO_STRING_FIELD.findall(text)}
    if not values.get("id", "").isdigit():
        raise ValidationError(f"JIRA sent a Sprint value without an id ({text[:80]!r}).")

    def given(key: str) -> str | None:
        value = values.get(key)
        return None if value in (None, "<null>") else value

    board = given("rapidViewId")
    return {
        "id": int(values["id"]),
        "name": given("name"),
        "state": (given("state") or "").lower(),
        "boardId": int(board) if board and board.isdigit() else None,
        "goal": given("goal") or "",
        "startDate": given("startDate"),
        "endDate": given("endDate"),
        "completeDate": given("completeDate"),
    }


def sprint_refs(value: Any) -> list[dict[str, Any]]:
    """The Sprint field's value (Cloud objects or DC strings) as Cloud-shaped dicts."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else [value]
    refs = []
    for item in items:
        if isinstance(item, str):
            refs.append(parse_sprint_string(item))
        elif isinstance(item, dict) and isinstance(item.get("id"), int):
            refs.append(item)
        else:
            raise ValidationError(
                f"JIRA sent a Sprint value of an unknown shape ({str(item)[:80]!r})."
            )
    return refs


def _sprint_ids(text: Any) -> tuple[int, ...]:
    if text in (None, ""):
        return ()
    parts = [part.strip() for part in str(text).split(",")]
    if not all(part.isdigit() for part in parts if part):
        raise ValidationError(f"A Sprint history item names sprints {text!r}, not sprint ids.")
    return tuple(int(part) for part in parts if part)


def is_sprint_item(item: dict[str, Any], fields: AgileFields) -> bool:
    """A changelog item of the Sprint field: by ``fieldId`` where JIRA sends it (Cloud), else by
    its name (Data Center items carry no fieldId), compared case-insensitively."""
    field_id = item.get("fieldId")
    if field_id:
        return field_id == fields.sprint
    name = str(item.get("field") or "").lower()
    return bool(fields.sprint_name) and name == str(fields.sprint_name).lower()


def sprint_changes(
    histories: Iterable[dict[str, Any]], fields: AgileFields
) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """An issue's Sprint changes as (UTC time, ids before, ids after), oldest first."""
    found = []
    for history in histories:
        for item in history.get("items") or []:
            if isinstance(item, dict) and is_sprint_item(item, fields):
                found.append(
                    (
                        to_utc_iso(history.get("created") or ""),
                        _sprint_ids(item.get("from")),
                        _sprint_ids(item.get("to")),
                        int(history["id"]) if str(history.get("id", "")).isdigit() else 0,
                    )
                )
    found.sort(key=lambda change: (change[0], change[3]))
    return [(at, before, after) for at, before, after, _ in found]


def parent_key(fields: dict[str, Any], agile: AgileFields) -> str | None:
    """The issue's parent: Cloud's (and sub-tasks') ``parent``, else DC's Epic Link value."""
    parent = fields.get("parent")
    if isinstance(parent, dict) and isinstance(parent.get("key"), str):
        return parent["key"]
    if agile.epic_link:
        link = fields.get(agile.epic_link)
        if isinstance(link, str) and link:
            return link
    return None
