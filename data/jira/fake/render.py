"""Render the dataset as Cloud or Data Center JSON, the way each deployment shapes it.

Differences that matter to clients (NOTES §1.6, §3, §5): Cloud users carry `accountId`, DC users
`name`/`key`; Cloud history items have `fieldId`, DC items do not; Cloud v3 sends the description
as an ADF document; custom field ids differ; timestamps are `yyyy-MM-ddTHH:mm:ss.SSS±HHMM` in the
calling user's time zone. Each issue's field and history JSON is rendered once per API version
and cached as text until the issue changes, so a 10,000-issue search stays cheap.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from data.jira.fake.catalog import (
    CATEGORIES,
    CLOUD_ONLY_CUSTOM_FIELDS,
    CUSTOM_FIELDS,
    FLAG_OPTION,
    ISSUE_TYPES,
    PRIORITIES,
    RESOLUTION_DONE,
    STATUSES,
    SYSTEM_FIELDS,
    TEAM,
    Deployment,
)
from data.jira.fake.dataset import Dataset, History, Issue

CLOUD_ISSUE_EXPAND = (
    "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
)
DC_ISSUE_EXPAND = "operations,versionedRepresentations,editmeta,changelog,renderedFields"
CLOUD_HISTORY_CAP = 40


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class _Rendered:
    revision: int
    fields: dict[str, str]  # field id -> JSON text, in catalog order
    histories: list[str]  # JSON text per history, oldest first


class Renderer:
    """Turns issues and histories into JSON text for one deployment and base URL."""

    def __init__(self, dataset: Dataset, deployment: Deployment, base_url: str) -> None:
        self.dataset = dataset
        self.deployment = deployment
        self.base_url = base_url
        self.tz = ZoneInfo(dataset.timezone)
        self._cache: dict[tuple[int, str], _Rendered] = {}
        self._cache_lock = threading.Lock()
        self.field_ids = self._field_ids()

    # --------------------------------------------------------------- basics

    def api(self, version: str) -> str:
        # Real servers answer /rest/api/latest/ with self links under /rest/api/2/.
        return f"{self.base_url}/rest/api/{'2' if version == 'latest' else version}"

    def timestamp(self, ms: int) -> str:
        local = datetime.fromtimestamp(ms / 1000, self.tz)
        return f"{local:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}{local:%z}"

    def custom_id(self, logical: str) -> str:
        return CUSTOM_FIELDS[logical].field_id(self.deployment)

    def _field_ids(self) -> list[str]:
        ids = [
            f.id
            for f in SYSTEM_FIELDS
            if f.id != "issuekey" and (self.deployment == "cloud" or not f.cloud_only)
        ]
        ids += [self.custom_id(name) for name in CUSTOM_FIELDS]
        if self.deployment == "cloud":
            ids += [f.field_id("cloud") for f in CLOUD_ONLY_CUSTOM_FIELDS.values()]
        return ids

    def user(self, index: int, version: str) -> dict[str, object]:
        member = TEAM[index]
        avatars = self.avatar_urls(f"useravatar?ownerId={member.slug}")
        if self.deployment == "cloud":
            return {
                "self": f"{self.api(version)}/user?accountId={member.account_id}",
                "accountId": member.account_id,
                "emailAddress": member.email,
                "avatarUrls": avatars,
                "displayName": member.display_name,
                "active": True,
                "timeZone": self.dataset.timezone,
                "accountType": "atlassian",
            }
        return {
            "self": f"{self.api(version)}/user?username={member.slug}",
            "name": member.slug,
            "key": f"JIRAUSER{10100 + index}",
            "emailAddress": member.email,
            "avatarUrls": avatars,
            "displayName": member.display_name,
            "active": True,
            "timeZone": self.dataset.timezone,
        }

    def avatar_urls(self, path: str) -> dict[str, str]:
        return {f"{n}x{n}": f"{self.base_url}/secure/{path}&size={n}" for n in (48, 24, 16, 32)}

    def status(self, status_id: str, version: str) -> dict[str, object]:
        status = STATUSES[status_id]
        body: dict[str, object] = {
            "self": f"{self.api(version)}/status/{status.id}",
            "description": status.description,
            "iconUrl": f"{self.base_url}/images/icons/statuses/generic.png",
            "name": status.name,
        }
        if self.deployment == "cloud":
            body["untranslatedName"] = status.name
        body["id"] = status.id
        body["statusCategory"] = self.category(status.category, version)
        return body

    def category(self, key: str, version: str) -> dict[str, object]:
        category = CATEGORIES[key]
        return {
            "self": f"{self.api(version)}/statuscategory/{category.id}",
            "id": category.id,
            "key": category.key,
            "colorName": category.color,
            "name": category.name,
        }

    def version_json(self, version_id: int, api: str) -> dict[str, object]:
        version = self.dataset.version(version_id)
        body: dict[str, object] = {
            "self": f"{self.api(api)}/version/{version.id}",
            "id": str(version.id),
            "description": version.description,
            "name": version.name,
            "archived": False,
            "released": version.released,
            "releaseDate": version.release_date.isoformat(),
        }
        return body

    # ---------------------------------------------------------------- issues

    def rendered(self, issue: Issue, version: str) -> _Rendered:
        cache_key = (issue.id, version)
        cached = self._cache.get(cache_key)
        if cached is not None and cached.revision == issue.revision:
            return cached
        with self.dataset.lock:
            fresh = _Rendered(
                issue.revision,
                {fid: dumps(value) for fid, value in self._fields(issue, version).items()},
                [dumps(self.history(issue, h, version)) for h in issue.histories],
            )
        with self._cache_lock:
            self._cache[cache_key] = fresh
        return fresh

    def issue_json(
        self,
        issue: Issue,
        version: str,
        fields: Sequence[str] | None,
        changelog: str | None = None,
    ) -> str:
        """One issue as JSON text. `fields` None means "id only" (Cloud's search default);
        `changelog` is None, "cloud" (newest first, capped at 40) or "full" (oldest first)."""
        if fields is None and changelog is None:
            return f'{{"id":"{issue.id}"}}'
        rendered = self.rendered(issue, version)
        expand = CLOUD_ISSUE_EXPAND if self.deployment == "cloud" else DC_ISSUE_EXPAND
        parts = [
            f'{{"expand":"{expand}","id":"{issue.id}",'
            f'"self":"{self.api(version)}/issue/{issue.id}","key":{dumps(issue.key)}'
        ]
        if fields is not None:
            body = ",".join(f'"{fid}":{rendered.fields[fid]}' for fid in fields)
            parts.append(f',"fields":{{{body}}}')
        if changelog is not None:
            parts.append(',"changelog":' + self.embedded_changelog(rendered.histories, changelog))
        parts.append("}")
        return "".join(parts)

    @staticmethod
    def embedded_changelog(histories: list[str], mode: str) -> str:
        total = len(histories)
        if mode == "cloud":
            shown = histories[::-1][:CLOUD_HISTORY_CAP]
        else:
            shown = histories
        return (
            f'{{"startAt":0,"maxResults":{len(shown)},"total":{total},'
            f'"histories":[{",".join(shown)}]}}'
        )

    def _fields(self, issue: Issue, version: str) -> dict[str, object]:
        api = self.api(version)
        issue_type = ISSUE_TYPES[issue.issue_type]
        type_json: dict[str, object] = {
            "self": f"{api}/issuetype/{issue_type.id}",
            "id": issue_type.id,
            "description": issue_type.description,
            "iconUrl": f"{self.base_url}/images/icons/issuetypes/{issue_type.name.lower()}.svg",
            "name": issue_type.name,
            "subtask": False,
            "avatarId": 10300 + int(issue_type.id) % 100,
        }
        if self.deployment == "cloud":
            type_json["hierarchyLevel"] = issue_type.hierarchy_level
        project_id = self.dataset.projects[issue.project]
        project_json: dict[str, object] = {
            "self": f"{api}/project/{project_id}",
            "id": str(project_id),
            "key": issue.project,
            "name": f"{issue.project.title()} Project",
            "projectTypeKey": "software",
        }
        if self.deployment == "cloud":
            project_json["simplified"] = False
        project_json["avatarUrls"] = self.avatar_urls(f"projectavatar?pid={project_id}")
        assignee = self.user(issue.assignee, version) if issue.assignee is not None else None
        reporter = self.user(issue.reporter, version)
        values: dict[str, object] = {
            "summary": issue.summary,
            "issuetype": type_json,
            "project": project_json,
            "status": self.status(issue.status, version),
            "priority": {
                "self": f"{api}/priority/{issue.priority}",
                "iconUrl": f"{self.base_url}/images/icons/priorities/{PRIORITIES[issue.priority].lower()}.svg",
                "name": PRIORITIES[issue.priority],
                "id": issue.priority,
            },
            "assignee": assignee,
            "reporter": reporter,
            "creator": reporter,
            "created": self.timestamp(issue.created_ms),
            "updated": self.timestamp(issue.updated_ms),
            "resolution": (
                {"self": f"{api}/resolution/{RESOLUTION_DONE['id']}", **RESOLUTION_DONE}
                if issue.resolved_ms is not None
                else None
            ),
            "resolutiondate": (
                self.timestamp(issue.resolved_ms) if issue.resolved_ms is not None else None
            ),
            "statuscategorychangedate": self.timestamp(issue.category_changed_ms),
            "fixVersions": [self.version_json(v, version) for v in issue.fix_versions],
            "versions": [self.version_json(v, version) for v in issue.affects_versions],
            "labels": list(issue.labels),
            "description": self._text(issue.description, version),
            self.custom_id("points"): issue.points,
            self.custom_id("flagged"): (
                [{"self": f"{api}/customFieldOption/{FLAG_OPTION['id']}", **FLAG_OPTION}]
                if issue.flagged
                else None
            ),
            self.custom_id("rank"): f"0|i{issue.id:06x}:",
            self.custom_id("sprint"): None,
        }
        if self.deployment == "cloud":
            for custom in CLOUD_ONLY_CUSTOM_FIELDS.values():
                values[custom.field_id("cloud")] = None
        return {fid: values[fid] for fid in self.field_ids}

    def _text(self, text: str, version: str) -> object:
        if self.deployment != "cloud" or version != "3":
            return text
        # v3 returns rich text as Atlassian Document Format (NOTES §1.1).
        paragraphs = [
            {"type": "paragraph", "content": [{"type": "text", "text": line}]}
            for line in text.split("\n")
            if line
        ]
        return {"type": "doc", "version": 1, "content": paragraphs}

    # -------------------------------------------------------------- histories

    def history(self, issue: Issue, history: History, version: str) -> dict[str, object]:
        items: list[dict[str, object]] = []
        for name, old, new in history.changes:
            items.extend(self._items(name, old, new))
        if self.deployment != "cloud":
            for item in items:
                del item["fieldId"]  # DC items have no fieldId (NOTES §1.4)
        return {
            "id": str(history.id),
            "author": self.user(history.author, version),
            "created": self.timestamp(history.created_ms),
            "items": items,
        }

    def _items(self, name: str, old: object, new: object) -> list[dict[str, object]]:
        def item(
            field: str,
            fieldtype: str,
            field_id: str,
            frm: object,
            frm_s: object,
            to: object,
            to_s: object,
        ) -> dict[str, object]:
            return {
                "field": field,
                "fieldtype": fieldtype,
                "fieldId": field_id,
                "from": frm,
                "fromString": frm_s,
                "to": to,
                "toString": to_s,
            }

        if name == "status":
            return [
                item(
                    "status",
                    "jira",
                    "status",
                    old,
                    STATUSES[old].name,  # type: ignore[index]
                    new,
                    STATUSES[new].name,
                )
            ]  # type: ignore[index]
        if name == "resolution":
            done_id, done = RESOLUTION_DONE["id"], RESOLUTION_DONE["name"]
            return [
                item(
                    "resolution",
                    "jira",
                    "resolution",
                    done_id if old else None,
                    done if old else None,
                    done_id if new else None,
                    done if new else None,
                )
            ]
        if name == "assignee":
            return [
                item(
                    "assignee",
                    "jira",
                    "assignee",
                    self._user_ref(old),
                    self._user_name(old),
                    self._user_ref(new),
                    self._user_name(new),
                )
            ]
        if name == "points":
            return [
                item(
                    CUSTOM_FIELDS["points"].name,
                    "custom",
                    self.custom_id("points"),
                    None,
                    _number(old),
                    None,
                    _number(new),
                )
            ]
        if name == "flagged":
            option = f"[{FLAG_OPTION['id']}]"
            return [
                item(
                    "Flagged",
                    "custom",
                    self.custom_id("flagged"),
                    option if old else None,
                    FLAG_OPTION["value"] if old else None,
                    option if new else None,
                    FLAG_OPTION["value"] if new else None,
                )
            ]
        if name == "fixVersion":
            return [
                item(
                    "Fix Version",
                    "jira",
                    "fixVersions",
                    None,
                    None,
                    str(new),
                    self.dataset.version(new).name,
                )
            ]  # type: ignore[arg-type]
        if name == "priority":
            return [
                item(
                    "priority",
                    "jira",
                    "priority",
                    old,
                    PRIORITIES[old],  # type: ignore[index]
                    new,
                    PRIORITIES[new],
                )
            ]  # type: ignore[index]
        if name == "labels":
            return [
                item(
                    "labels",
                    "jira",
                    "labels",
                    None,
                    " ".join(old),  # type: ignore[arg-type]
                    None,
                    " ".join(new),
                )
            ]  # type: ignore[arg-type]
        if name in ("summary", "description"):
            return [item(name, "jira", name, None, old, None, new)]
        if name == "rank":
            return [item("Rank", "custom", self.custom_id("rank"), "", "", "", new)]
        if name == "project":
            old_project, new_project = str(old).rsplit("-", 1)[0], str(new).rsplit("-", 1)[0]
            return [
                item(
                    "project",
                    "jira",
                    "project",
                    str(self.dataset.projects[old_project]),
                    f"{old_project.title()} Project",
                    str(self.dataset.projects[new_project]),
                    f"{new_project.title()} Project",
                ),
                item("Key", "jira", "issuekey", None, old, None, new),
            ]
        raise ValueError(f"No rendering for history field {name!r}.")

    def _user_ref(self, index: object) -> str | None:
        if index is None:
            return None
        member = TEAM[index]  # type: ignore[index]
        return member.account_id if self.deployment == "cloud" else member.slug

    @staticmethod
    def _user_name(index: object) -> str | None:
        return None if index is None else TEAM[index].display_name  # type: ignore[index]


def _number(value: object) -> str | None:
    return None if value is None else f"{value:g}"
