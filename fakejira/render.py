"""Render the dataset as Cloud or Data Center JSON, the way each deployment shapes it.

Differences that matter to clients (NOTES §1.6, §3, §5): Cloud users carry `accountId`, DC users
`name`/`key`; Cloud history items have `fieldId`, DC items do not; Cloud v3 sends the description
as an ADF document; custom field ids differ; timestamps are `yyyy-MM-ddTHH:mm:ss.SSS±HHMM` in the
calling user's time zone. Each issue's fields (per API version) and histories are rendered once,
lazily, and cached as UTF-8 pieces until the issue changes, and so is each embedded changelog
whole, so that serving a sync costs the fake little of the cores it shares with the client.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from fakejira.agile import Sprint
from fakejira.catalog import (
    CATEGORIES,
    CLOUD_ONLY_CUSTOM_FIELDS,
    CUSTOM_FIELDS,
    DC_ONLY_CUSTOM_FIELDS,
    FLAG_OPTION,
    ISSUE_TYPES,
    PRIORITIES,
    RESOLUTION_DONE,
    STATUSES,
    SYSTEM_FIELDS,
    TEAM,
    Deployment,
)
from fakejira.dataset import Change, Dataset, History, Issue

CLOUD_ISSUE_EXPAND = (
    "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
)
DC_ISSUE_EXPAND = "operations,versionedRepresentations,editmeta,changelog,renderedFields"
CLOUD_HISTORY_CAP = 40
_DAY_MS = 86_400_000
_QUARTER_MS = 900_000
_CHANGES = (0, "")  # marks a day whose UTC offset changes


# One encoder for every response: json.dumps with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def dumps(value: object) -> str:
    return _ENCODER.encode(value)


NULL = b"null"


# One history, ready to assemble: (id, author index, created as JSON, items as (fieldId, JSON)).
# The author is added per request because its `self` link depends on the API version.
HistoryParts = tuple[int, int, bytes, tuple[tuple[str, bytes], ...]]


class Renderer:
    """Turns issues and histories into JSON text for one deployment and base URL."""

    def __init__(self, dataset: Dataset, deployment: Deployment, base_url: str) -> None:
        self.dataset = dataset
        self.deployment = deployment
        self.base_url = base_url
        self.tz = ZoneInfo(dataset.timezone)
        # Per issue, rebuilt when its revision changes. Values many issues repeat (users,
        # statuses, the project, common history items) are shared bytes objects, so 10,000
        # cached issues stay small.
        self._fields: dict[tuple[int, str], tuple[int, tuple[bytes, ...]]] = {}
        self._histories: dict[int, tuple[int, tuple[HistoryParts, ...]]] = {}
        self._changelogs: dict[tuple[int, str, str], tuple[int, bytes]] = {}
        self._shared: dict[tuple[object, ...], bytes] = {}
        self._changes: dict[Change, tuple[tuple[str, bytes], ...]] = {}
        self._day_offsets: dict[int, tuple[int, str]] = {}
        self._quarter_offsets: dict[int, tuple[int, str]] = {}
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
        return (
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
            f"{t.tm_sec:02d}.{ms % 1000:03d}{suffix}"
        )

    def _offset(self, ms: int) -> tuple[int, str]:
        # zoneinfo is the slow part, so offsets are cached per UTC day; a day in which the offset
        # changes is cached per quarter hour instead (rules change offsets only on quarter-hour
        # boundaries).
        day = ms // _DAY_MS
        found = self._day_offsets.get(day)
        if found is None:
            first, last = self._offset_at(day * _DAY_MS), self._offset_at((day + 1) * _DAY_MS - 1)
            found = first if first == last else _CHANGES
            self._day_offsets[day] = found
        if found is not _CHANGES:
            return found
        quarter = ms // _QUARTER_MS
        exact = self._quarter_offsets.get(quarter)
        if exact is None:
            exact = self._quarter_offsets[quarter] = self._offset_at(quarter * _QUARTER_MS)
        return exact

    def _offset_at(self, ms: int) -> tuple[int, str]:
        delta = datetime.fromtimestamp(ms / 1000, self.tz).utcoffset()
        assert delta is not None
        seconds = int(delta.total_seconds())
        sign = "-" if seconds < 0 else "+"
        hours, minutes = divmod(abs(seconds) // 60, 60)
        return seconds * 1000, f"{sign}{hours:02d}{minutes:02d}"

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
        else:
            ids += [f.field_id("datacenter") for f in DC_ONLY_CUSTOM_FIELDS.values()]
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
        body["subtask"] = issue_type.hierarchy_level < 0
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
        return {
            "self": f"{self.api(version)}/priority/{priority_id}",
            "iconUrl": f"{self.base_url}/images/icons/priorities/{name.lower()}.svg",
            "name": name,
            "id": priority_id,
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

    def shared(self, key: tuple[object, ...], build: Callable[[], object]) -> bytes:
        """JSON bytes for a value many issues repeat, built once per key."""
        found = self._shared.get(key)
        if found is None:
            found = dumps(build()).encode()
            with self._lock:
                self._shared[key] = found
        return found

    def fields_of(self, issue: Issue, version: str) -> tuple[bytes, ...]:
        """The issue's field values as JSON bytes, aligned with `field_ids`."""
        cached = self._fields.get((issue.id, version))
        if cached is not None and cached[0] == issue.revision:
            return cached[1]
        with self.dataset.lock:
            fresh = (issue.revision, self._render_fields(issue, version))
        self._fields[(issue.id, version)] = fresh
        return fresh[1]

    def histories_of(self, issue: Issue) -> tuple[HistoryParts, ...]:
        """The issue's histories, oldest first, ready for `history_bytes`."""
        cached = self._histories.get(issue.id)
        if cached is not None and cached[0] == issue.revision:
            return cached[1]
        with self.dataset.lock:
            fresh = (issue.revision, tuple(self._history_parts(h) for h in issue.histories))
        self._histories[issue.id] = fresh
        return fresh[1]

    def history_bytes(
        self, parts: HistoryParts, version: str, field_ids: set[str] | None = None
    ) -> bytes | None:
        """One history as JSON; with `field_ids`, only those items (None if none is left)."""
        history_id, author, created, items = parts
        if field_ids is None:
            chosen = [item for _fid, item in items]
        else:
            chosen = [item for fid, item in items if fid in field_ids]
            if not chosen:
                return None
        return b"".join(
            (
                b'{"id":"%d","author":' % history_id,
                self.shared(("user", author, version), lambda: self.user(author, version)),
                b',"created":',
                created,
                b',"items":[',
                b",".join(chosen),
                b"]}",
            )
        )

    def histories_bytes(self, issue: Issue, version: str) -> list[bytes]:
        """Every history of the issue as JSON bytes, oldest first."""
        return [self.history_bytes(parts, version) or b"" for parts in self.histories_of(issue)]

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
        expand = CLOUD_ISSUE_EXPAND if self.deployment == "cloud" else DC_ISSUE_EXPAND
        parts = [
            f'{{"expand":"{expand}","id":"{issue.id}",'
            f'"self":"{self.api(version)}/issue/{issue.id}","key":{dumps(issue.key)}'.encode()
        ]
        if fields:
            parts.append(b',"fields":{')
            values = self.fields_of(issue, version)
            parts.append(
                b",".join(
                    b'"%s":%s' % (fid.encode(), values[self.field_index[fid]]) for fid in fields
                )
            )
            parts.append(b"}")
        elif fields is not None:
            parts.append(b',"fields":{}')
        if changelog is not None:
            parts.append(b',"changelog":')
            parts.append(self.changelog_of(issue, changelog, version))
        parts.append(b"}")
        return b"".join(parts)

    def changelog_of(self, issue: Issue, mode: str, version: str) -> bytes:
        """The issue's embedded changelog as JSON (``embedded_changelog``), rendered once per
        revision: it is most of a search page's bytes (a page of 1,000 Data Center issues is
        ~12 MB), and a real JIRA runs on a machine of its own, not on the client's cores."""
        key = (issue.id, mode, version)
        cached = self._changelogs.get(key)
        if cached is not None and cached[0] == issue.revision:
            return cached[1]
        revision = issue.revision
        rendered = self.embedded_changelog(self.histories_of(issue), mode, version)
        self._changelogs[key] = (revision, rendered)
        return rendered

    def embedded_changelog(
        self, histories: tuple[HistoryParts, ...], mode: str, version: str
    ) -> bytes:
        total = len(histories)
        shown = histories[::-1][:CLOUD_HISTORY_CAP] if mode == "cloud" else histories
        return b'{"startAt":0,"maxResults":%d,"total":%d,"histories":[%s]}' % (
            len(shown),
            total,
            b",".join(self.history_bytes(p, version) or b"" for p in shown),
        )

    def _render_fields(self, issue: Issue, version: str) -> tuple[bytes, ...]:
        api = self.api(version)
        shared = self.shared
        issue_type = ISSUE_TYPES[issue.issue_type]

        def user(index: int | None) -> bytes:
            if index is None:
                return NULL
            return shared(("user", index, version), lambda: self.user(index, version))

        def versions(ids: tuple[int, ...]) -> bytes:
            return shared(
                ("versions", ids, version), lambda: [self.version_json(v, version) for v in ids]
            )

        resolved = issue.resolved_ms is not None
        reporter = user(issue.reporter)
        values: dict[str, bytes] = {
            "summary": dumps(issue.summary).encode(),
            "issuetype": shared(
                ("issuetype", issue_type.id, version),
                lambda: self.issue_type(issue.issue_type, version),
            ),
            "project": shared(
                ("project", issue.project, version), lambda: self.project(issue.project, version)
            ),
            "status": shared(
                ("status", issue.status, version), lambda: self.status(issue.status, version)
            ),
            "priority": shared(
                ("priority", issue.priority, version),
                lambda: self.priority(issue.priority, version),
            ),
            "assignee": user(issue.assignee),
            "reporter": reporter,
            "creator": reporter,
            "created": self._quoted_time(issue.created_ms),
            "updated": self._quoted_time(issue.updated_ms),
            "resolution": shared(
                ("resolution", resolved, version),
                lambda: (
                    {"self": f"{api}/resolution/{RESOLUTION_DONE['id']}", **RESOLUTION_DONE}
                    if resolved
                    else None
                ),
            ),
            "resolutiondate": (
                self._quoted_time(issue.resolved_ms) if issue.resolved_ms is not None else NULL
            ),
            "statuscategorychangedate": self._quoted_time(issue.category_changed_ms),
            "fixVersions": versions(issue.fix_versions),
            "versions": versions(issue.affects_versions),
            "labels": shared(("labels", issue.labels), lambda: list(issue.labels)),
            "description": dumps(self._text(issue.description, version)).encode(),
            self.custom_id("points"): NULL
            if issue.points is None
            else dumps(issue.points).encode(),
            self.custom_id("flagged"): shared(
                ("flagged", issue.flagged, version),
                lambda: (
                    [{"self": f"{api}/customFieldOption/{FLAG_OPTION['id']}", **FLAG_OPTION}]
                    if issue.flagged
                    else None
                ),
            ),
            self.custom_id("rank"): b'"0|i%06x:"' % issue.id,
            self.custom_id("sprint"): self._sprint_field(issue.sprints),
            "parent": NULL,
        }
        parent = self.dataset.get(str(issue.parent_id)) if issue.parent_id else None
        # Cloud links every child to its parent with `parent`; Data Center only sub-tasks, and
        # epics through the Epic Link field (the epic's key).
        if parent is not None and (self.deployment == "cloud" or parent.issue_type != "Epic"):
            values["parent"] = dumps(self.parent_json(parent, version)).encode()
        if self.deployment == "cloud":
            for custom in CLOUD_ONLY_CUSTOM_FIELDS.values():
                values[custom.field_id("cloud")] = NULL
        else:
            epic = parent is not None and parent.issue_type == "Epic"
            link = DC_ONLY_CUSTOM_FIELDS["epic_link"].field_id("datacenter")
            values[link] = dumps(parent.key).encode() if epic and parent else NULL
        return tuple(values[fid] for fid in self.field_ids)

    def parent_json(self, parent: Issue, version: str) -> dict[str, object]:
        """The `parent` field: id, key, self and a few fields of the parent (vetted shape)."""
        return {
            "id": str(parent.id),
            "key": parent.key,
            "self": f"{self.api(version)}/issue/{parent.id}",
            "fields": {
                "summary": parent.summary,
                "status": self.status(parent.status, version),
                "priority": self.priority(parent.priority, version),
                "issuetype": self.issue_type(parent.issue_type, version),
            },
        }

    # ---------------------------------------------------------------- sprints

    def sprint_time(self, ms: int | None) -> str | None:
        """Sprint dates are UTC with a `Z` (a real Cloud capture; DC's toString says the same)."""
        if ms is None:
            return None
        t = time.gmtime(ms // 1000)
        return (
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
            f"{t.tm_sec:02d}.{ms % 1000:03d}Z"
        )

    def sprint_json(self, sprint: Sprint) -> dict[str, object]:
        """A sprint as the Agile REST API returns it (`SprintBean`)."""
        body: dict[str, object] = {
            "id": sprint.id,
            "self": f"{self.base_url}/rest/agile/1.0/sprint/{sprint.id}",
            "state": sprint.state,
            "name": sprint.name,
        }
        for key, ms in (
            ("startDate", sprint.start_ms),
            ("endDate", sprint.end_ms),
            ("completeDate", sprint.complete_ms),
        ):
            if ms is not None:
                body[key] = self.sprint_time(ms)
        body["createdDate"] = self.sprint_time(sprint.created_ms)
        body["originBoardId"] = sprint.board_id
        body["goal"] = sprint.goal
        return body

    def _sprint_field(self, sprint_ids: tuple[int, ...]) -> bytes:
        """The Sprint field's value: objects on Cloud, Java toString() strings on Data Center
        (as Jira Software 10 and 11 still send them), in the order the issue joined."""
        if not sprint_ids:
            return NULL
        values: list[object] = []
        for sprint_id in sprint_ids:
            sprint = self.dataset.sprint(sprint_id)
            if sprint is None:
                continue
            if self.deployment == "cloud":
                body = {
                    "id": sprint.id,
                    "name": sprint.name,
                    "state": sprint.state,
                    "boardId": sprint.board_id,
                    "goal": sprint.goal,
                }
                for key, ms in (
                    ("startDate", sprint.start_ms),
                    ("endDate", sprint.end_ms),
                    ("completeDate", sprint.complete_ms),
                ):
                    if ms is not None:
                        body[key] = self.sprint_time(ms)
                values.append(body)
            else:
                values.append(self._sprint_string(sprint))
        return dumps(values).encode()

    def _sprint_string(self, sprint: Sprint) -> str:
        def shown(ms: int | None) -> str:
            return self.sprint_time(ms) or "<null>"

        return (
            f"com.atlassian.greenhopper.service.sprint.Sprint@{sprint.id * 2654435761 % 2**32:x}"
            f"[activatedDate={shown(sprint.start_ms)},autoStartStop=false,"
            f"completeDate={shown(sprint.complete_ms)},endDate={shown(sprint.end_ms)},"
            f"goal={sprint.goal or '<null>'},id={sprint.id},incompleteIssuesDestinationId=<null>,"
            f"name={sprint.name},rapidViewId={sprint.board_id},sequence={sprint.id},"
            f"startDate={shown(sprint.start_ms)},state={sprint.state.upper()},synced=false]"
        )

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

    def _history_parts(self, history: History) -> HistoryParts:
        items: list[tuple[str, bytes]] = []
        for change in history.changes:
            items.extend(self._change_items(change))
        return (history.id, history.author, self._quoted_time(history.created_ms), tuple(items))

    def _change_items(self, change: Change) -> tuple[tuple[str, bytes], ...]:
        """One change as (fieldId, item JSON) pairs. Most changes recur (status moves, rank,
        flags, points), so they are rendered once; free-text edits are not worth keeping."""
        found = self._changes.get(change)
        if found is not None:
            return found
        rendered = []
        for item in self._items(*change):
            field_id = str(item["fieldId"])
            if self.deployment != "cloud":
                del item["fieldId"]  # DC items have no fieldId (NOTES §1.4)
            rendered.append((field_id, dumps(item).encode()))
        found = tuple(rendered)
        if change[0] not in ("summary", "description"):
            self._changes[change] = found
        return found

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
            return [
                item(
                    "Flagged",
                    "custom",
                    self.custom_id("flagged"),
                    *_flag_value(old),
                    *_flag_value(new),
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
        if name == "sprint":
            # Ids comma-space separated; names may hold commas, so clients read `from`/`to`.
            def ids(value: object) -> str:
                return ", ".join(str(i) for i in value)  # type: ignore[attr-defined]

            def names(value: object) -> str:
                found = (self.dataset.sprint(i) for i in value)  # type: ignore[attr-defined]
                return ", ".join(s.name for s in found if s is not None)

            return [
                item(
                    CUSTOM_FIELDS["sprint"].name,
                    "custom",
                    self.custom_id("sprint"),
                    ids(old),
                    names(old),
                    ids(new),
                    names(new),
                )
            ]
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


def _flag_value(value: object) -> tuple[str | None, str | None]:
    """A Flagged history item's id and string: JIRA's one option "Impediment" for True; any
    other value (a test's unexpected one) as its own string without an option id."""
    if value is True:
        return f"[{FLAG_OPTION['id']}]", str(FLAG_OPTION["value"])
    if value is None or value is False:
        return None, None
    return None, str(value)


def _number(value: object) -> str | None:
    return None if value is None else f"{value:g}"
