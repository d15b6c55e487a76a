"""Fetch a query's issues from JIRA into the issue store, fully or incrementally, all or nothing.

A sync fetches everything first (issues, complete changelogs, the query's current key set), keeping
only normalized rows in memory, then applies them in ONE ``write_transaction``: readers see the old
data or the new, never a mix, and a failed, cancelled or killed sync leaves the previous data as it
was. Running it again is harmless (every write is an upsert or a set difference).

Incremental refresh asks for ``(<jql>) AND updated >= "<yyyy-MM-dd HH:mm>"`` in the JIRA user's
time zone (JQL dates are read in that zone; formatting in UTC misses changes west of UTC), starting
a safety margin before the previous sync's start. Issues that left the query or were deleted are
found by comparing the stored membership with the query's key set (``fields=id``, cheap). A full
sync runs when asked, on the first sync, when the JQL changed, or when the last full one is older
than the profile's ``jira_config.cache_ttl_hours``.

A full sync (or the first sync of a profile) also reads JIRA's ``/status`` list and replaces the
profile's ``jira_statuses`` rows (each status name's category) in the same transaction, so the
metrics can categorize statuses that appear only in transitions.

Progress goes to ``task_progress`` under ``sync:<profile_id>:<query_id>``; cancellation (the
``cancel`` callable or ``request_task_cancel``) is checked between pages. One sync per query at a
time, enforced by an OS file lock that dies with its process.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import orjson

from data.db.connection import write_transaction
from data.errors import ConfigError, FlowcastError, TaskCancelled, ValidationError
from data.jira.agile import AgileFields, agile_fields, sprint_changes, sprint_record
from data.jira.client import CLOUD, JiraClient, RetryPolicy
from data.jira.errors import JiraBoardError
from data.jira.flags import FLAGGED_NAME, flag_changes, flagged_field_id
from data.jira.jql import incremental_jql
from data.jira.metadata import statuses_by_name
from data.jira.normalize import normalize_issue
from data.jira.pages import History
from data.jira.prefetch import prefetched
from data.jobs import Job, JobInProgress, ProgressCallback, run_job
from data.profiles import manager as pm
from data.store import flags as flag_store
from data.store import get_backend, jira_state
from data.store import sprints as sprint_store
from data.store.issues import (
    NormalizedIssue,
    StoredMember,
    add_query_members,
    count_query_issues,
    delete_orphan_issues,
    query_member_keys,
    query_members,
    remove_query_members,
    store_issues,
)
from data.timeutil import parse_timestamp, to_utc_iso, utc_now, utc_now_iso

logger = logging.getLogger("data.jira.sync")

DEFAULT_CACHE_TTL_HOURS = 24.0
DEFAULT_SAFETY_MARGIN = timedelta(minutes=15)
ID_BATCH = 100  # ids per `id in (...)` clause when fetching issues new to the query
BASE_FIELDS = (
    "summary",
    "status",
    "issuetype",
    "priority",
    "project",
    "created",
    "updated",
    "resolutiondate",
    "resolution",
    "fixVersions",
    "labels",
    "components",
    "parent",
)
CANCEL_POLL_SECONDS = 0.25
READ_NAMES_MAX = 1_000  # changelog field names whose reading a sync remembers
# What a sync reads of a changelog item (_SyncRun._reads): a status change, a change of the
# Sprint or the Flagged field; and what it keeps of a status item.
_STATUS, _OTHER = "status", "other"
_STATUS_KEYS = ("field", "from", "fromString", "to", "toString")


class SyncInProgress(JobInProgress):
    """Another sync of the same query is running."""


@dataclass
class SyncResult:
    profile_id: str
    query_id: str
    mode: str  # "full" or "incremental"
    fetched: int  # issues fetched with details in this run
    removed: int  # memberships dropped (left the query or deleted in JIRA)
    changed: int  # of those fetched: new to the query, or updated in JIRA since they were stored
    issue_count: int  # issues in the query afterwards
    transition_count: int
    requests: int
    seconds: float
    watermark: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """What changed, in one sentence ("No changes since the last sync; …")."""
        return f"{self.changes()}."

    def changes(self) -> str:
        """``summary`` without its full stop, to go on with."""
        total = f"the query has {self.issue_count:,} issues"
        if self.mode == "full":
            return f"Fetched all {self.fetched:,} issues (full sync); {total}"
        # An incremental sync reads again what changed shortly before the last one (its safety
        # margin): only what JIRA updated since, or what is new to the query, is a change.
        if not self.changed and not self.removed:
            return f"No changes since the last sync; {total}"
        parts = [f"{self.changed:,} changed or new issues updated"] if self.changed else []
        if self.removed:
            parts.append(f"{self.removed:,} that left the query removed")
        return f"{' and '.join(parts)}; {total}"


def task_name(profile_id: str, query_id: str) -> str:
    return f"sync:{profile_id}:{query_id}"


def sync(
    profile_id: str,
    query_id: str,
    full: bool = False,
    progress: ProgressCallback | None = None,
    cancel: Callable[[], bool] | None = None,
    **options: Any,
) -> SyncResult:
    """Bring the query's issues up to date from JIRA as its own job (``sync:<profile>:<query>``);
    raises JiraError, TaskCancelled or SyncInProgress. ``options`` are ``sync_in_job``'s.

    The dashboard's Fetch and ``flowcast fetch`` run ``data.analytics.fetch.fetch`` instead: this
    sync and then the weekly snapshots, as one job."""
    with sync_job(profile_id, query_id, progress) as job:
        result = sync_in_job(job, profile_id, query_id, full, cancel, **options)
        job.finish(result.summary(), result.as_dict())
    return result


def sync_job(
    profile_id: str, query_id: str, progress: ProgressCallback | None
) -> AbstractContextManager[Job]:
    """The job a sync runs in: one per query, across processes (SyncInProgress otherwise)."""
    if get_backend().legacy_json:
        raise ConfigError(
            "JIRA sync needs the SQLite storage; switch the storage mode to sqlite or dual first."
        )
    busy = (
        f"Query {query_id!r} of profile {profile_id!r} is already syncing; wait for it to "
        "finish or cancel it."
    )
    return run_job(
        task_name(profile_id, query_id),
        "Connecting to JIRA",
        progress,
        busy=busy,
        error=SyncInProgress,
    )


def sync_in_job(
    job: Job,
    profile_id: str,
    query_id: str,
    full: bool = False,
    cancel: Callable[[], bool] | None = None,
    *,
    retry: RetryPolicy | None = None,
    safety_margin: timedelta = DEFAULT_SAFETY_MARGIN,
    max_workers: int = 4,
    transport: httpx.BaseTransport | None = None,
) -> SyncResult:
    """The sync inside a caller's job (progress 0-100 % of the job's current phase)."""
    profile = pm.get_profile(profile_id)
    query = pm.get_query(profile_id, query_id)
    run = _SyncRun(job, profile, query, cancel, safety_margin)
    policy = retry or RetryPolicy()
    # Waits between retries are cancel points too, and their reason shows as the progress.
    policy = replace(policy, sleep=run.cancellable_sleep(policy.sleep), on_retry=run.retrying)
    try:
        with (
            JiraClient.from_profile(
                profile, retry=policy, max_workers=max_workers, transport=transport
            ) as client,
            _collector_paused(),
        ):
            return run.perform(client, full)
    except TaskCancelled:
        raise
    except FlowcastError as exc:
        run.record_error(str(exc))
        raise


class _SyncRun:
    """The state of one sync: what was fetched, progress, and the final write."""

    def __init__(
        self,
        job: Job,
        profile: dict[str, Any],
        query: dict[str, Any],
        cancel: Callable[[], bool] | None,
        safety_margin: timedelta,
    ) -> None:
        self.job = job
        self.profile_id = profile["id"]
        self.query_id = query["id"]
        self.jql = query["jql"]
        config = profile.get("jira_config") or {}
        mappings = profile.get("field_mappings") or {}
        self.points_field = config.get("points_field") or None
        self.flagged_field = mappings.get("flagged") or config.get("flagged_field") or None
        self.ttl = timedelta(hours=float(config.get("cache_ttl_hours") or DEFAULT_CACHE_TTL_HOURS))
        self.fields = [*BASE_FIELDS, *(f for f in (self.points_field, self.flagged_field) if f)]
        self.board_id = pm.query_board(profile, query)
        self.agile = AgileFields(None, None, None)
        self.sprints: list[tuple[Any, ...]] | None = None
        self.cancel_callback = cancel
        self.safety_margin = safety_margin
        self.issues: dict[str, NormalizedIssue] = {}
        self.changelogs: dict[str, str] = {}
        self._read_names: dict[str, str] = {}  # _read_items' answer per item name

    # Driving ------------------------------------------------------------------------------------
    def perform(self, client: JiraClient, full: bool) -> SyncResult:
        started = time.monotonic()
        with get_backend().session() as conn:
            state = jira_state.read_sync_state(conn, self.profile_id, self.query_id)
            known_statuses = jira_state.has_statuses(conn, self.profile_id)
            members = query_members(conn, self.profile_id, self.query_id)
        jql_hash = hashlib.sha256(self.jql.encode()).hexdigest()
        mode = "full" if full or self._needs_full(state, jql_hash) else "incremental"
        client.check_deployment()
        # JIRA's own clock marks where this sync starts, so a skewed local clock cannot open a gap.
        watermark = _server_time(client.server_info()) or utc_now_iso()
        me = client.myself()
        time_zone = _zone_name(me.get("timeZone"))
        # The metrics count days in the JIRA user's zone unless the profile overrides it.
        pm.record_jira_time_zone(self.profile_id, me.get("timeZone"))
        # JIRA's category of every status, for statuses only seen in transitions (metrics map
        # them by category); one request, on a full sync or when the profile has none yet.
        statuses = None
        if mode == "full" or not known_statuses:
            statuses = {
                name: info.category
                for name, info in statuses_by_name(client.statuses()).items()
                if name
            }
        self._read_agile(client)
        self.check_cancel()
        if mode == "full":
            total = client.approximate_count(self.jql)
            self._fetch(client, self.jql, self.fields, total, "issues")
            keys = set(self.issues)
        else:
            assert state is not None  # an incremental sync needs a previous one
            since = parse_timestamp(state["watermark"]) - self.safety_margin
            changed_jql = incremental_jql(self.jql, since, time_zone)
            self._fetch(client, changed_jql, self.fields, None, "changed issues")
            self.report(60, "Checking which issues are still in the query")
            keys = self._reconcile(client, members)
        self.check_cancel()
        self.report(90, f"Saving {len(self.issues):,} issues")
        removed, counts = self._apply(
            mode, keys, watermark, time_zone, jql_hash, client.deployment, statuses
        )
        # Read again within the safety margin is not a change: only what JIRA updated since it
        # was stored, or what is new to the query.
        changed = sum(
            key not in members or members[key].updated != issue.updated
            for key, issue in self.issues.items()
        )
        fetched = len(self.issues)
        self.issues, self.changelogs = {}, {}  # written: dropped while the collector is paused
        return SyncResult(
            profile_id=self.profile_id,
            query_id=self.query_id,
            mode=mode,
            fetched=fetched,
            removed=removed,
            changed=changed,
            issue_count=counts[0],
            transition_count=counts[1],
            requests=client.request_count,
            seconds=round(time.monotonic() - started, 3),
            watermark=watermark,
        )

    def _read_agile(self, client: JiraClient) -> None:
        """JIRA Software's fields (found by schema) join the fetch; a board's sprints are read
        whole (a few pages) on every sync, so their states and dates are never stale."""
        site_fields = client.fields()
        self.agile = agile_fields(site_fields)
        self.fields += [f for f in (self.agile.sprint, self.agile.epic_link) if f]
        # The Flagged field the profile names, else the site's field of that name.
        if self.flagged_field is None:
            self.flagged_field = flagged_field_id(site_fields)
            self.fields += [self.flagged_field] if self.flagged_field else []
        if self.board_id is None:
            return
        if self.agile.sprint is None:
            raise JiraBoardError(
                "JIRA lists no Sprint field (com.pyxis.greenhopper.jira:gh-sprint), so this site "
                "has no sprints to read; clear the profile's board or ask a JIRA admin about "
                "JIRA Software."
            )
        self.job.say(f"Reading the sprints of board {self.board_id}")
        records = [sprint_record(raw) for raw in client.sprints(self.board_id)]
        self.sprints = [
            (r.sprint_id, self.board_id, r.name, r.state, r.start, r.end, r.complete, r.goal)
            for r in records
        ]

    def _needs_full(self, state: dict[str, Any] | None, jql_hash: str) -> bool:
        if not state or not state["watermark"] or not state["last_full_sync_at"]:
            return True
        if state["jql_hash"] != jql_hash:
            return True
        return parse_timestamp(state["last_full_sync_at"]) + self.ttl <= utc_now()

    def _fetch(
        self, client: JiraClient, jql: str, fields: list[str], total: int | None, noun: str
    ) -> None:
        """Fetch pages (each with complete status histories), keeping only normalized rows."""
        fetched = 0
        changelog_fields = [
            "status",
            *(f for f in (self.agile.sprint, self.flagged_field) if f),
        ]
        pages = client.search_with_changelogs(jql, fields, changelog_fields)
        if client.deployment == CLOUD:
            # Cloud's pages come one after another: the next downloads while this one is
            # normalized. Data Center's download several at once already (the client's
            # _windowed_pages); a page more ahead would only hold more memory.
            pages = prefetched(pages)
        for issues, page_total in pages:
            total = page_total if page_total is not None else total
            for raw in issues:
                self._keep(raw)
            fetched += len(issues)
            self.check_cancel()
            if total:
                self.report(
                    min(85.0, 85.0 * fetched / total),
                    f"Fetched {fetched:,} of {max(total, fetched):,} {noun}",
                )
            else:
                self.job.say(f"Fetched {fetched:,} {noun}")

    def _keep(self, raw: dict[str, Any]) -> None:
        """Normalize one issue; its changelog is reduced to status changes first (all we use).

        ``changelog_total`` therefore counts status changes, the same on Cloud (whose bulkfetch
        is asked for status only) and Data Center.
        """
        membership = None
        flags = None
        if isinstance(raw, dict) and isinstance(raw.get("changelog"), dict):
            statuses, others = self._read_items(raw["changelog"].get("histories") or [])
            if self.agile.sprint:
                membership = _membership(others, self.agile)
            flags = flag_changes(others, self.flagged_field)
            raw["changelog"] = {"total": len(statuses), "histories": statuses}
        issue = normalize_issue(
            raw,
            points_field=self.points_field,
            flagged_field=self.flagged_field,
            epic_link_field=self.agile.epic_link,
        )
        issue.sprint_changes = membership
        issue.flag_changes = flags
        self.issues[issue.key] = issue
        if isinstance(raw.get("changelog"), dict):
            self.changelogs[issue.key] = _compact_json(raw["changelog"])

    def _read_items(self, histories: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The histories cut to the items a sync reads, in one pass over every item (an issue's
        changelog is mostly other fields): the status histories, each with its status items as
        the analytics and the changelog cache keep them, and the histories with Sprint or
        Flagged items, whose readers pick their own items from them.

        Histories come as dicts, or as ``pages.History`` where a Data Center page was decoded
        typed; what is kept is dicts either way."""
        sprint_id = self.agile.sprint
        sprint_name = str(self.agile.sprint_name or "").lower()
        flag_id = self.flagged_field
        flag_name = FLAGGED_NAME.casefold()
        by_name = self._read_names
        statuses: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        for history in histories if isinstance(histories, list) else []:
            status_items = []
            other_items = []
            if type(history) is History:
                for item in history.items or ():
                    sent_id, name = item.fieldId, item.field
                    if not sent_id and type(name) is str:
                        # Data Center items carry names only, of a few fields: each name's
                        # answer is worked out once per sync.
                        kind = by_name.get(name)
                        if kind is None:
                            kind = self._reads(
                                None, name, sprint_id, sprint_name, flag_id, flag_name
                            )
                            if len(by_name) < READ_NAMES_MAX:
                                by_name[name] = kind
                    else:
                        kind = self._reads(
                            sent_id, name, sprint_id, sprint_name, flag_id, flag_name
                        )
                    if kind == _STATUS:
                        status_items.append(
                            {
                                "field": name,
                                "from": item.from_,
                                "fromString": item.fromString,
                                "to": item.to,
                                "toString": item.toString,
                            }
                        )
                    elif kind:
                        other_items.append(item.as_dict())
                history_id, created = history.id, history.created
            elif isinstance(history, dict):
                items = history.get("items")
                for item in items if isinstance(items, list) else []:
                    if not isinstance(item, dict):
                        continue
                    kind = self._reads(
                        item.get("fieldId"), item.get("field"), sprint_id, sprint_name, flag_id,
                        flag_name,
                    )  # fmt: skip
                    if kind == _STATUS:
                        status_items.append({key: item.get(key) for key in _STATUS_KEYS})
                    elif kind:
                        other_items.append(item)
                history_id, created = history.get("id"), history.get("created")
            else:
                continue
            if status_items:
                statuses.append({"id": history_id, "created": created, "items": status_items})
            if other_items:
                others.append({"id": history_id, "created": created, "items": other_items})
        return statuses, others

    @staticmethod
    def _reads(
        sent_id: Any,
        field: Any,
        sprint_id: str | None,
        sprint_name: str,
        flag_id: str | None,
        flag_name: str,
    ) -> str:
        """Whether a sync reads a changelog item of this field id (Cloud) or name (DC):
        ``_STATUS``, ``_OTHER`` (the Sprint or the Flagged field) or "" (not read)."""
        name = str(field or "")
        if sent_id == "status" or (not sent_id and name == "status"):
            return _STATUS
        if sent_id and (sent_id == sprint_id or sent_id == flag_id):
            return _OTHER
        if (not sent_id and bool(sprint_name) and name.lower() == sprint_name) or (
            (not sent_id or not flag_id) and name.casefold() == flag_name
        ):
            return _OTHER
        return ""

    # Progress and cancellation ----------------------------------------------------------------
    def report(self, percent: float, message: str) -> None:
        self.job.report(percent, message)

    def retrying(self, message: str) -> None:
        self.job.say(message)

    def cancellable_sleep(self, sleep: Callable[[float], None]) -> Callable[[float], None]:
        """``sleep`` in steps of at most a quarter second, checking for a cancel before each."""

        def wait(seconds: float) -> None:
            remaining = seconds
            while True:
                self.check_cancel()
                if remaining <= 0:
                    return
                step = min(CANCEL_POLL_SECONDS, remaining)
                sleep(step)
                remaining -= step

        return wait

    def check_cancel(self) -> None:
        requested = self.cancel_callback is not None and self.cancel_callback()
        if requested or self.job.cancel_requested():
            raise TaskCancelled(
                f"The sync of query {self.query_id!r} was cancelled; the previous data is unchanged."
            )

    # Database -----------------------------------------------------------------------------------
    def _reconcile(self, client: JiraClient, members: dict[str, StoredMember]) -> set[str]:
        """The query's key set now: stored members JIRA still matches, plus what was fetched.

        Compares ids (a moved issue keeps its id but changes key); issues JIRA matches that
        are not members yet and did not change since the watermark are fetched by id.
        """
        current = set(client.search_ids(self.jql))
        self.check_cancel()
        fetched_ids = {issue.issue_id: key for key, issue in self.issues.items()}
        keys = {
            key
            for key, (issue_id, _) in members.items()
            if issue_id in current and fetched_ids.get(issue_id, key) == key
        }
        missing = sorted(
            current - {m.issue_id for m in members.values()} - set(fetched_ids),
            key=lambda v: (len(v), v),
        )
        for start in range(0, len(missing), ID_BATCH):
            batch = missing[start : start + ID_BATCH]
            self._fetch(client, f"id in ({', '.join(batch)})", self.fields, None, "new issues")
        return keys | {key for key, issue in self.issues.items() if issue.issue_id in current}

    def _apply(
        self,
        mode: str,
        keys: set[str],
        watermark: str,
        time_zone: str,
        jql_hash: str,
        deployment: str,
        statuses: dict[str, str] | None,
    ) -> tuple[int, tuple[int, int]]:
        now = utc_now_iso()
        expires = to_utc_iso(utc_now() + self.ttl)
        with get_backend().session() as conn, write_transaction(conn):
            store_issues(conn, self.profile_id, list(self.issues.values()), fetched_at=now)
            sprint_store.store_sprint_changes(conn, self.profile_id, list(self.issues.values()))
            flag_store.store_flag_changes(conn, self.profile_id, list(self.issues.values()))
            if self.sprints is not None and self.board_id is not None:
                sprint_store.replace_board_sprints(
                    conn, self.profile_id, self.board_id, self.sprints, now
                )
            members = query_member_keys(conn, self.profile_id, self.query_id)
            gone = members - keys
            removed = remove_query_members(conn, self.profile_id, self.query_id, sorted(gone))
            # Only the new members: an incremental sync of 50,000 issues keeps nearly all.
            add_query_members(
                conn, self.profile_id, self.query_id, sorted(keys - members), added_at=now
            )
            delete_orphan_issues(conn, self.profile_id)
            key_set = {
                "jql": self.jql,
                "deployment": deployment,
                "keys": sorted(keys),
                "fetched_at": now,
            }
            jira_state.save_key_set(conn, self.profile_id, self.query_id, key_set, expires, now)
            jira_state.save_changelogs(
                conn,
                self.profile_id,
                self.query_id,
                ((key, text) for key, text in self.changelogs.items() if key in keys),
                expires,
                now,
            )
            jira_state.delete_changelogs(conn, self.profile_id, self.query_id, sorted(gone))
            if statuses is not None:
                jira_state.replace_statuses(conn, self.profile_id, statuses, now)
            counts = count_query_issues(conn, self.profile_id, self.query_id)
            outcome = jira_state.SyncOutcome(
                deployment=deployment,
                jql_hash=jql_hash,
                time_zone=time_zone,
                watermark=watermark,
                synced_at=now,
                full=mode == "full",
                mode=mode,
                issue_count=counts[0],
                transition_count=counts[1],
            )
            jira_state.record_sync(conn, self.profile_id, self.query_id, outcome)
        return removed, counts

    def record_error(self, message: str) -> None:
        """Remember the failure in the sync state (the data itself is untouched)."""
        try:
            with get_backend().session() as conn, write_transaction(conn):
                jira_state.record_sync_error(
                    conn, self.profile_id, self.query_id, message, utc_now_iso()
                )
        except FlowcastError as exc:
            logger.warning("could not record the sync error: %s", exc)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for a sync (as it was, after).

    A page decodes to ~100,000 objects that live until the page is normalized, and the rows
    kept grow to millions: left to itself the collector ran ~700 times per 10,000 issues,
    scanning them again and again (~1 s CPU, a third of the sync), and collecting once per page
    instead still cost ~50 ms a page. A sync makes no cyclic garbage of any size (each
    response's body is freed when its page is, ``JiraClient._exchange``), so none is needed;
    the rows are dropped before the collector resumes (``_SyncRun.perform``), or its first
    collection would scan them all once more."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def sync_state(profile_id: str, query_id: str) -> dict[str, Any] | None:
    """The stored sync state of a query (last sync, watermark, counts, last error), or None."""
    with get_backend().session() as conn:
        return jira_state.read_sync_state(conn, profile_id, query_id)


def _membership(histories: list[dict[str, Any]], agile: AgileFields) -> list[tuple[str, int, bool]]:
    """The Sprint field's history as (time, sprint id, joined) rows: each change's new ids
    joined, its dropped ids left."""
    rows: list[tuple[str, int, bool]] = []
    for at, before, after in sprint_changes(histories, agile):
        rows += [(at, sprint_id, True) for sprint_id in after if sprint_id not in before]
        rows += [(at, sprint_id, False) for sprint_id in before if sprint_id not in after]
    return rows


def _compact_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, by orjson (the same
    text, ~10x faster); the stdlib for what orjson refuses (lone surrogates)."""
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _server_time(info: dict[str, Any]) -> str | None:
    try:
        return to_utc_iso(info["serverTime"])
    except (KeyError, ValidationError):
        return None


def _zone_name(value: Any) -> str:
    if isinstance(value, str) and value:
        try:
            ZoneInfo(value)
            return value
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("unknown JIRA time zone %r; using UTC", value)
    return "UTC"
