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
import time
from collections.abc import Callable, Sequence
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


# One encoder for every response: json.dumps with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def dumps(value: object) -> str:
    return _ENCODER.encode(value)


NULL = b"null"


@dataclass(frozen=True, slots=True)
class _Rendered:
    """One issue's JSON pieces as UTF-8 bytes. Values shared by many issues (users, statuses,
    the project ...) are the same bytes objects, so 10,000 cached issues stay small."""

    revision: int
    fields: tuple[bytes, ...]  # aligned with Renderer.field_ids
    histories: tuple[tuple[int, int, bytes], ...]  # (id, author, JSON after the author), oldest first


class Renderer:
    """Turns issues and histories into JSON text for one deployment and base URL."""

    def __init__(self, dataset: Dataset, deployment: Deployment, base_url: str) -> None:
        self.dataset = dataset
        self.deployment = deployment
        self.base_url = base_url
        self.tz = ZoneInfo(dataset.timezone)
        self._cache: dict[tuple[int, str], _Rendered] = {}
        self._shared: dict[tuple[object, ...], bytes] = {}
        self._offsets: dict[int, tuple[int, str]] = {}
        self._lock = threading.Lock()
        self.field_ids = self._field_ids()
        self.field_index = {fid: n for n, fid in enumerate(self.field_ids)}

    # --------------------------------------------------------------- basics

    def api(self, version: str) -> str:
        # Real servers answer /rest/api/latest/ with self links under /rest/api/2/.
        return f"{self.base_url}/rest/api/{'2' if version == 'latest' else version}"

    def timestamp(self, ms: int) -> str:
        """`2026-08-12T12:29:57.032-0500` in the user's time zone (JIRA's format, NOTES §5)."""
        offset_ms, suffix = self._offset(ms)
        t = time.gmtime((ms + offset_ms) // 1000)
        return (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
                f"{t.tm_sec:02d}.{ms % 1000:03d}{suffix}")

    def _offset(self, ms: int) -> tuple[int, str]:
        # Time zone rules change offsets only on quarter-hour UTC boundaries, so one zoneinfo
        # lookup per quarter hour serves every timestamp in it (zoneinfo is the slow part).
        bucket = ms // 900_000
        found = self._offsets.get(bucket)
        if found is None:
            local = datetime.fromtimestamp(bucket * 900, self.tz)
            delta = local.utcoffset()
            assert delta is not None
            found = (int(delta.total_seconds() * 1000), f"{local:%z}")
            self._offsets[bucket] = found
        return found

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

    def issue_type(self, name: str, version: str) -> dict[str, object]:
        issue_type = ISSUE_TYPES[name]
        body: dict[str, object] = {
            "self": f"{self.api(version)}/issuetype/{issue_type.id}",
            "id": issue_type.id,
            "description": issue_type.description,
            "iconUrl": f"{self.base_url}/images/icons/issuetypes/{issue_type.name.lower()}.svg",
            "name": issue_type.name,
        }
        if self.deployment == "cloud":
            body["untranslatedName"] = issue_type.name
        body["subtask"] = False
        body["avatarId"] = 10300 + int(issue_type.id) % 100
        if self.deployment == "cloud":
            body["hierarchyLevel"] = issue_type.hierarchy_level
        return body

    def project(self, key: str, version: str) -> dict[str, object]:
        project_id = self.dataset.projects[key]
        body: dict[str, object] = {
            "self": f"{self.api(version)}/project/{project_id}",
            "id": str(project_id),
            "key": key,
            "name": f"{key.title()} Project",
            "projectTypeKey": "software",
        }
        if self.deployment == "cloud":
            body["simplified"] = False
        body["avatarUrls"] = self.avatar_urls(f"projectavatar?pid={project_id}")
        return body

    def priority(self, priority_id: str, version: str) -> dict[str, object]:
        name = PRIORITIES[priority_id]
        return {"self": f"{self.api(version)}/priority/{priority_id}",
                "iconUrl": f"{self.base_url}/images/icons/priorities/{name.lower()}.svg",
                "name": name, "id": priority_id}

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

    def shared(self, key: tuple[object, ...], build: Callable[[], object]) -> bytes:
        """JSON bytes for a value many issues repeat, built once per key."""
        found = self._shared.get(key)
        if found is None:
            found = dumps(build()).encode()
            with self._lock:
                self._shared[key] = found
        return found

    def rendered(self, issue: Issue, version: str) -> _Rendered:
        cache_key = (issue.id, version)
        cached = self._cache.get(cache_key)
        if cached is not None and cached.revision == issue.revision:
            return cached
        with self.dataset.lock:
            fresh = _Rendered(
                issue.revision,
                self._fields(issue, version),
                tuple(
                    (h.id, h.author, self._history_tail(h).encode()) for h in issue.histories
                ),
            )
        with self._lock:
            self._cache[cache_key] = fresh
        return fresh

    def history_bytes(self, entry: tuple[int, int, bytes], version: str) -> bytes:
        history_id, author, tail = entry
        return b"".join((b'{"id":"', str(history_id).encode(), b'","author":',
                         self.shared(("user", author, version), lambda: self.user(author, version)),
                         tail))

    def histories_bytes(self, issue: Issue, version: str) -> list[bytes]:
        """Every history of the issue as JSON bytes, oldest first."""
        return [self.history_bytes(e, version) for e in self.rendered(issue, version).histories]

    def issue_json(
        self,
        issue: Issue,
        version: str,
        fields: Sequence[str] | None,
        changelog: str | None = None,
    ) -> bytes:
        """One issue as JSON bytes. `fields` None means "id only" (Cloud's search default);
        `changelog` is None, "cloud" (newest first, capped at 40) or "full" (oldest first)."""
        if fields is None and changelog is None:
            return b'{"id":"%d"}' % issue.id
        rendered = self.rendered(issue, version)
        expand = CLOUD_ISSUE_EXPAND if self.deployment == "cloud" else DC_ISSUE_EXPAND
        parts = [
            f'{{"expand":"{expand}","id":"{issue.id}",'
            f'"self":"{self.api(version)}/issue/{issue.id}","key":{dumps(issue.key)}'.encode()
        ]
        if fields is not None:
            parts.append(b',"fields":{')
            values = rendered.fields
            parts.append(b",".join(
                b'"%s":%s' % (fid.encode(), values[self.field_index[fid]]) for fid in fields))
            parts.append(b"}")
        if changelog is not None:
            parts.append(b',"changelog":')
            parts.append(self.embedded_changelog(rendered.histories, changelog, version))
        parts.append(b"}")
        return b"".join(parts)

    def embedded_changelog(self, histories: tuple[tuple[int, int, bytes], ...], mode: str,
                           version: str) -> bytes:
        total = len(histories)
        shown = histories[::-1][:CLOUD_HISTORY_CAP] if mode == "cloud" else histories
        return b'{"startAt":0,"maxResults":%d,"total":%d,"histories":[%s]}' % (
            len(shown), total, b",".join(self.history_bytes(e, version) for e in shown))

    def _fields(self, issue: Issue, version: str) -> tuple[bytes, ...]:
        api = self.api(version)
        shared = self.shared
        issue_type = ISSUE_TYPES[issue.issue_type]

        def user(index: int | None) -> bytes:
            if index is None:
                return NULL
            return shared(("user", index, version), lambda: self.user(index, version))

        def versions(ids: tuple[int, ...]) -> bytes:
            return shared(("versions", ids, version),
                          lambda: [self.version_json(v, version) for v in ids])

        resolved = issue.resolved_ms is not None
        reporter = user(issue.reporter)
        values: dict[str, bytes] = {
            "summary": dumps(issue.summary).encode(),
            "issuetype": shared(("issuetype", issue_type.id, version),
                                lambda: self.issue_type(issue.issue_type, version)),
            "project": shared(("project", issue.project, version),
                              lambda: self.project(issue.project, version)),
            "status": shared(("status", issue.status, version),
                             lambda: self.status(issue.status, version)),
            "priority": shared(("priority", issue.priority, version),
                               lambda: self.priority(issue.priority, version)),
            "assignee": user(issue.assignee),
            "reporter": reporter,
            "creator": reporter,
            "created": self._quoted_time(issue.created_ms),
            "updated": self._quoted_time(issue.updated_ms),
            "resolution": shared(("resolution", resolved, version), lambda: (
                {"self": f"{api}/resolution/{RESOLUTION_DONE['id']}", **RESOLUTION_DONE}
                if resolved else None)),
            "resolutiondate": (
                self._quoted_time(issue.resolved_ms) if issue.resolved_ms is not None else NULL
            ),
            "statuscategorychangedate": self._quoted_time(issue.category_changed_ms),
            "fixVersions": versions(issue.fix_versions),
            "versions": versions(issue.affects_versions),
            "labels": shared(("labels", issue.labels), lambda: list(issue.labels)),
            "description": dumps(self._text(issue.description, version)).encode(),
            self.custom_id("points"): NULL if issue.points is None else
                dumps(issue.points).encode(),
            self.custom_id("flagged"): shared(("flagged", issue.flagged, version), lambda: (
                [{"self": f"{api}/customFieldOption/{FLAG_OPTION['id']}", **FLAG_OPTION}]
                if issue.flagged else None)),
            self.custom_id("rank"): b'"0|i%06x:"' % issue.id,
            self.custom_id("sprint"): NULL,
        }
        if self.deployment == "cloud":
            for custom in CLOUD_ONLY_CUSTOM_FIELDS.values():
                values[custom.field_id("cloud")] = NULL
        return tuple(values[fid] for fid in self.field_ids)

    def _quoted_time(self, ms: int) -> bytes:
        return b'"%s"' % self.timestamp(ms).encode()

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

    def history(self, history: History, version: str) -> dict[str, object]:
        """One history as a JSON-ready dict (the cached path renders the same via bytes)."""
        return {
            "id": str(history.id),
            "author": self.user(history.author, version),
            "created": self.timestamp(history.created_ms),
            "items": self.items(history),
        }

    def items(self, history: History) -> list[dict[str, object]]:
        items: list[dict[str, object]] = []
        for name, old, new in history.changes:
            items.extend(self._items(name, old, new))
        if self.deployment != "cloud":
            for item in items:
                del item["fieldId"]  # DC items have no fieldId (NOTES §1.4)
        return items

    def _history_tail(self, history: History) -> str:
        return (f',"created":"{self.timestamp(history.created_ms)}",'
                f'"items":{dumps(self.items(history))}}}')

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
