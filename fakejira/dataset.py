"""The fake JIRA's data: a deterministic year of a team's work, and the mutations tests apply to it.

Everything comes from one `random.Random(seed)`, so the same seed and `now` give the same issues,
histories and ids. Values are stored deployment-neutral (status ids, user indexes, epoch
milliseconds); `render.py` turns them into Cloud or Data Center JSON.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from fakejira.agile import Board, Sprint, add_scrum_work, make_boards
from fakejira.catalog import (
    BLOCKED,
    DONE,
    IN_PROGRESS,
    IN_REVIEW,
    STATUSES,
    TEAM,
    TODO,
)

DAY_MS = 86_400_000
HOUR_MS = 3_600_000

# One change inside a history: (logical field, old value, new value). Logical fields are
# status, assignee, points, priority, flagged, resolution, fixVersion, labels, summary,
# description and rank; render.py maps them to each deployment's field ids and strings.
Change = tuple[str, object, object]


@dataclass(slots=True)
class History:
    id: int
    author: int
    created_ms: int
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class Version:
    id: int
    name: str
    release_date: date
    released: bool
    description: str


@dataclass(slots=True)
class Issue:
    id: int
    key: str
    project: str
    issue_type: str
    created_ms: int
    reporter: int
    initial_summary: str
    initial_priority: str
    initial_description: str
    affects_versions: tuple[int, ...] = ()
    histories: list[History] = field(default_factory=list)
    # Current state, recomputed by replaying the histories (`Dataset._replay`).
    summary: str = ""
    description: str = ""
    status: str = TODO
    assignee: int | None = None
    points: float | None = None
    priority: str = "3"
    flagged: bool = False
    resolved_ms: int | None = None
    fix_versions: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    sprints: tuple[int, ...] = ()  # the Sprint field: ids of every sprint it was left in
    parent_id: int | None = None  # epic (a Story/Task/Bug's parent) or the sub-task's parent
    updated_ms: int = 0
    category_changed_ms: int = 0
    # Bumped on every change to this issue so cached renderings of it are rebuilt.
    revision: int = 0


_VERBS = ("Add", "Fix", "Refactor", "Improve", "Remove", "Document", "Migrate", "Speed up")
_OBJECTS = (
    "checkout flow",
    "login page",
    "CSV export",
    "café menu search",
    "Zürich office time zone handling",
    "naïve date parsing",
    "résumé upload",
    "日本語 locale strings",
    "emoji 🚀 in release notes",
    "Straße address validation",
    "søk i arkivet",
    "payment retries",
    "onboarding e-mails",
    "API rate limiter",
    "dashboard filters",
    "Ünïcödé project names",
    "Ελληνικά translations",
    "search ranking",
)
_SYMPTOMS = (
    "checkout returns 502",
    "login latency above 5 s",
    "CSV export times out",
    "payments double-charged",
    "search index stale",
    "e-mails not sent",
)
# A few summaries carry markup so every UI that shows them proves it renders text inert.
_SCRIPT_SUMMARY = "<script>alert(1)</script> in comment preview"
_IMG_SUMMARY = "<img src=x onerror=alert(1)> in avatar upload"
_LABELS = ("backend", "frontend", "tech-debt", "customer", "performance", "sécurité")
_TYPE_WEIGHTS = (("Story", 50), ("Bug", 20), ("Task", 22), ("Epic", 3), ("Incident", 5))
_ISSUE_ID_BASE = 10_000
_HISTORY_ID_BASE = 100_000
_PROJECT_ID_BASE = 10_000


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def wall_clock_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class Dataset:
    """A project full of issues; thread-safe for one writer (a test) and many readers (requests)."""

    def __init__(
        self,
        issues: int = 500,
        seed: int = 7,
        now: datetime | None = None,
        project: str = "DEMO",
        timezone: str = "America/Chicago",
        scrum: bool = False,
    ) -> None:
        if issues < 0:
            raise ValueError(f"issues must be 0 or more, got {issues}; pass a non-negative count.")
        self.seed = seed
        self.project = project
        self.timezone = timezone
        now = now or datetime.now(UTC)
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware; pass e.g. datetime(..., tzinfo=UTC).")
        self.now_ms = _ms(now)
        self.start_ms = self.now_ms - 365 * DAY_MS
        self.lock = threading.RLock()
        # Bumped by every mutation so cached search results are recomputed.
        self.generation = 0
        self._rng = random.Random(seed)
        self._next_history_id = _HISTORY_ID_BASE
        self._next_issue_id = _ISSUE_ID_BASE  # ids are never reused, even after a delete
        self._issues: dict[str, Issue] = {}  # key -> issue, in id order
        self._by_id: dict[int, Issue] = {}
        self._moved: dict[str, str] = {}  # old key -> new key after a move
        self._project_counters: dict[str, int] = {project: 0}
        self.projects: dict[str, int] = {project: _PROJECT_ID_BASE}
        self.versions = self._make_versions()
        self.scrum = scrum
        self.boards: list[Board] = make_boards(project, scrum)
        self.sprints: list[Sprint] = []
        self._generate(issues)
        self._add_flow_cases()
        if scrum:
            add_scrum_work(self)

    # ----------------------------------------------------------------- reading

    def issues(self) -> list[Issue]:
        """All issues in id order (a snapshot list; the issues themselves are live)."""
        with self.lock:
            return list(self._issues.values())

    def get(self, key_or_id: str) -> Issue | None:
        with self.lock:
            if key_or_id.isdigit():
                return self._by_id.get(int(key_or_id))
            key = key_or_id.upper()
            return self._issues.get(self._moved.get(key, key))

    def version(self, version_id: int) -> Version:
        return self.versions[version_id - self.versions[0].id]

    def __len__(self) -> int:
        return len(self._issues)

    def sprint(self, sprint_id: int) -> Sprint | None:
        return next((s for s in self.sprints if s.id == sprint_id), None)

    def board(self, board_id: int) -> Board | None:
        return next((b for b in self.boards if b.id == board_id), None)

    # ---------------------------------------------------------------- mutation

    def touch(
        self, keys: Iterable[str], at: datetime | None = None, status: str | None = None
    ) -> list[Issue]:
        """Record one new change on each issue at `at` (default: the wall clock).

        `status` (a name or id) sets the status; without it the issue moves one step along the
        workflow, and an issue already Done gets a label edit instead, so every touched issue
        has a new `updated` time.
        """
        at_ms = _ms(at) if at else wall_clock_ms()
        status_id = self._status_id(status) if status else None
        touched = []
        with self.lock:
            for key in keys:
                issue = self._require(key)
                if at_ms <= issue.updated_ms:
                    raise ValueError(
                        f"{issue.key} was last updated after {at_ms} ms; touch it at a later time."
                    )
                new_status = status_id or _NEXT_STATUS.get(issue.status)
                if new_status and new_status != issue.status:
                    changes = self._status_changes(issue.status, new_status)
                else:
                    changes = [("labels", None, (*issue.labels, "touched"))]
                author = issue.assignee if issue.assignee is not None else issue.reporter
                self._append(issue, at_ms, author, changes)
                touched.append(issue)
        return touched

    def add_to_sprint(self, keys: Iterable[str], sprint_id: int, at: datetime) -> None:
        """Put each issue into a sprint at ``at`` (a Sprint field change, as the board does)."""
        self._change_sprints(
            keys, at, lambda ids: (*ids, sprint_id) if sprint_id not in ids else ids
        )

    def remove_from_sprint(self, keys: Iterable[str], sprint_id: int, at: datetime) -> None:
        """Take each issue out of a sprint at ``at`` (back to the backlog)."""
        self._change_sprints(keys, at, lambda ids: tuple(i for i in ids if i != sprint_id))

    def _change_sprints(self, keys: Iterable[str], at: datetime, change: object) -> None:
        at_ms = _ms(at)
        with self.lock:
            for key in keys:
                issue = self._require(key)
                if at_ms <= issue.updated_ms:
                    raise ValueError(
                        f"{issue.key} was last updated after {at_ms} ms; change it at a later time."
                    )
                author = issue.assignee if issue.assignee is not None else issue.reporter
                new = change(issue.sprints)  # type: ignore[operator]
                self._append(issue, at_ms, author, [("sprint", None, new)])

    def insert_change(self, issue: Issue, at_ms: int, author: int, change: Change) -> None:
        """Slot one change into an issue's past at ``at_ms`` (a free millisecond near it)."""
        taken = {h.created_ms for h in issue.histories}
        while at_ms in taken or at_ms <= issue.created_ms:
            at_ms += 1
        history = History(self._take_history_id(), author, at_ms, (change,))
        position = next(
            (n for n, h in enumerate(issue.histories) if h.created_ms > at_ms),
            len(issue.histories),
        )
        issue.histories.insert(position, history)
        self._replay(issue)
        issue.revision += 1
        self.generation += 1

    def add_subtask(self, parent: Issue, created_ms: int) -> Issue:
        """A new Sub-task of ``parent``, created at ``created_ms`` and worked like any issue."""
        with self.lock:
            issue = self._new_issue("Sub-task", created_ms)
            issue.parent_id = parent.id
            self._simulate(issue)
            self._replay(issue)
            self.generation += 1
            return issue

    def flag(self, keys: Iterable[str], at: datetime, value: object = True) -> None:
        """Set (a true value) or clear (None or False) JIRA's Flagged field on each issue at
        ``at``. A value other than True is rendered as given, so tests can send the unexpected
        values a hand-configured Flagged field holds."""
        at_ms = _ms(at)
        with self.lock:
            for key in keys:
                issue = self._require(key)
                if at_ms <= issue.updated_ms:
                    raise ValueError(
                        f"{issue.key} was last updated after {at_ms} ms; flag it at a later time."
                    )
                author = issue.assignee if issue.assignee is not None else issue.reporter
                self._append(issue, at_ms, author, [("flagged", None, value or None)])

    def delete(self, key: str) -> None:
        """Delete an issue: it disappears from searches and its key answers 404."""
        with self.lock:
            self.generation += 1
            issue = self._require(key)
            del self._issues[issue.key]
            del self._by_id[issue.id]
            self._moved = {old: new for old, new in self._moved.items() if new != issue.key}

    def move(self, key: str, project: str, at: datetime | None = None) -> str:
        """Move an issue to another project, as JIRA does: it gets a new key, the old key
        still resolves to it, and `updated` changes. Returns the new key."""
        project = project.upper()
        with self.lock:
            issue = self._require(key)
            if project == issue.project:
                return issue.key
            if project not in self.projects:
                self.projects[project] = _PROJECT_ID_BASE + len(self.projects)
                self._project_counters[project] = 0
            self._project_counters[project] += 1
            old_key = issue.key
            new_key = f"{project}-{self._project_counters[project]}"
            at_ms = _ms(at) if at else max(wall_clock_ms(), issue.updated_ms + 1)
            self._append(issue, at_ms, issue.reporter, [("project", old_key, new_key)])
            del self._issues[old_key]
            issue.key, issue.project = new_key, project
            self._issues[new_key] = issue
            self._moved = {o: (new_key if n == old_key else n) for o, n in self._moved.items()}
            self._moved[old_key] = new_key
            self.generation += 1
            return new_key

    def create(self, count: int = 1, at: datetime | None = None) -> list[Issue]:
        """Create `count` new To Do stories in the main project, created at `at` (default now)."""
        at_ms = _ms(at) if at else wall_clock_ms()
        with self.lock:
            made = []
            self.generation += 1
            for _ in range(count):
                issue = self._new_issue("Story", at_ms)
                self._replay(issue)
                made.append(issue)
            return made

    # -------------------------------------------------------------- generation

    def _make_versions(self) -> list[Version]:
        versions = []
        first = datetime.fromtimestamp(self.start_ms / 1000, UTC).date() + timedelta(days=10)
        today = datetime.fromtimestamp(self.now_ms / 1000, UTC).date()
        day, n = first, 0
        while day <= today + timedelta(days=30):
            n += 1
            released = day <= today
            versions.append(
                Version(
                    id=10_100 + n - 1,
                    name=f"R{day:%Y.%m.%d}",
                    release_date=day,
                    released=released,
                    description=f"Fortnightly release {n}" + (" — shipped" if released else ""),
                )
            )
            day += timedelta(days=14)
        return versions

    def _generate(self, count: int) -> None:
        rng = self._rng
        types = [name for name, _ in _TYPE_WEIGHTS]
        weights = [w for _, w in _TYPE_WEIGHTS]
        released = [v for v in self.versions if v.released]
        span = self.now_ms - self.start_ms
        plans: list[tuple[int, str, int | None]] = []
        for _ in range(count):
            issue_type = rng.choices(types, weights)[0]
            if issue_type == "Incident" and released:
                version = rng.choice(released)
                release_ms = _ms(datetime.combine(version.release_date, time(15), UTC))
                created = release_ms + rng.randint(HOUR_MS // 2, 48 * HOUR_MS)
                if created < self.now_ms:
                    plans.append((created, issue_type, version.id))
                    continue
                issue_type = "Bug"
            # Square root of a uniform draw: more issues are created later (scope grows).
            created = self.start_ms + int(span * math.sqrt(rng.random()))
            plans.append((created, issue_type, None))
        plans.sort(key=lambda plan: plan[0])
        for created, issue_type, version_id in plans:
            issue = self._new_issue(issue_type, created, version_id)
            self._simulate(issue)
            self._replay(issue)

    def _new_issue(self, issue_type: str, created_ms: int, version_id: int | None = None) -> Issue:
        rng = self._rng
        self._project_counters[self.project] += 1
        number = self._project_counters[self.project]
        self._next_issue_id += 1
        issue_id = self._next_issue_id
        if number % 499 == 3:
            summary = _SCRIPT_SUMMARY
        elif number % 499 == 7:
            summary = _IMG_SUMMARY
        elif issue_type == "Incident":
            version = self.version(version_id) if version_id else None
            after = f" after {version.name}" if version else ""
            summary = f"Production incident{after}: {rng.choice(_SYMPTOMS)}"
        else:
            summary = f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
        if issue_type == "Incident":
            priority = rng.choice(("1", "1", "2"))
        else:
            priority = rng.choices(("2", "3", "4", "5"), (15, 60, 20, 5))[0]
        issue = Issue(
            id=issue_id,
            key=f"{self.project}-{number}",
            project=self.project,
            issue_type=issue_type,
            created_ms=created_ms,
            reporter=rng.randrange(len(TEAM)),
            initial_summary=summary,
            initial_priority=priority,
            initial_description=f"Details for {summary}.\nAcceptance: it works for Ünïcödé too.",
            affects_versions=(version_id,) if version_id else (),
        )
        self._issues[issue.key] = issue
        self._by_id[issue.id] = issue
        return issue

    def _simulate(self, issue: Issue) -> None:
        """Walk the issue through the workflow, stopping at `now`; then add side edits."""
        rng = self._rng
        events: list[tuple[int, int, list[Change]]] = []
        t = issue.created_ms
        worker = rng.randrange(len(TEAM))
        fast = issue.issue_type == "Incident"

        def at(delay_ms: float) -> bool:
            nonlocal t
            t += max(1000, int(delay_ms))
            return t < self.now_ms

        if (
            issue.issue_type != "Incident"
            and rng.random() < 0.85
            and at(rng.uniform(0.1, 2) * HOUR_MS)
        ):
            events.append(
                (t, issue.reporter, [("points", None, float(rng.choice((1, 2, 3, 5, 8, 13))))])
            )
        backlog_days = rng.uniform(0.01, 0.2) if fast else rng.expovariate(1 / 12)
        if issue.issue_type == "Epic":
            backlog_days *= 3
        status = TODO
        if at(backlog_days * DAY_MS):
            events.append((t, worker, [("assignee", None, worker)]))
            if at(rng.uniform(60_000, HOUR_MS)):
                events.append((t, worker, [("status", status, IN_PROGRESS)]))
                status = IN_PROGRESS
        work_scale = 0.3 if fast else (4.0 if issue.issue_type == "Epic" else 1.0)
        reviews = 0
        while status in (IN_PROGRESS, IN_REVIEW):
            if status == IN_PROGRESS:
                if rng.random() < 0.12:
                    if not at(rng.expovariate(1 / 2) * DAY_MS * work_scale):
                        break
                    events.append((t, worker, [("status", IN_PROGRESS, BLOCKED)]))
                    if not at(rng.expovariate(1 / 2) * DAY_MS):
                        break
                    events.append((t, worker, [("status", BLOCKED, IN_PROGRESS)]))
                if rng.random() < 0.15:
                    if not at(rng.expovariate(1) * DAY_MS * work_scale):
                        break
                    events.append((t, worker, [("flagged", None, True)]))
                    if not at(rng.expovariate(1 / 1.5) * DAY_MS):
                        break
                    events.append((t, worker, [("flagged", None, False)]))
                if not at(rng.expovariate(1 / 3) * DAY_MS * work_scale):
                    break
                if fast:
                    events.append((t, worker, self._status_changes(status, DONE)))
                    status = DONE
                    break
                events.append((t, worker, [("status", status, IN_REVIEW)]))
                status = IN_REVIEW
            else:
                if not at(rng.expovariate(1) * DAY_MS):
                    break
                reviewer = (worker + 1 + rng.randrange(len(TEAM) - 1)) % len(TEAM)
                reviews += 1
                if reviews <= 3 and rng.random() < 0.25:
                    events.append((t, reviewer, [("status", IN_REVIEW, IN_PROGRESS)]))
                    status = IN_PROGRESS
                else:
                    events.append((t, reviewer, self._status_changes(IN_REVIEW, DONE)))
                    status = DONE
        if status == DONE:
            done_at = t
            version = self._next_version(done_at)
            if version is not None and not fast and at(rng.uniform(0.5, 6) * HOUR_MS):
                events.append((t, worker, [("fixVersion", None, version.id)]))
            if rng.random() < 0.04 and at(rng.uniform(1, 10) * DAY_MS):
                events.append((t, issue.reporter, self._status_changes(DONE, IN_PROGRESS)))
                if at(rng.expovariate(1) * DAY_MS):
                    events.append((t, worker, self._status_changes(IN_PROGRESS, DONE)))
        end_ms = min(t, self.now_ms - 1000)
        extra = 45 + rng.randrange(30) if rng.random() < 0.05 else _poisson(rng, 3.5)
        life = max(1000, end_ms - issue.created_ms)
        for _ in range(extra):
            when = issue.created_ms + 1000 + rng.randrange(life)
            events.append((when, rng.randrange(len(TEAM)), [self._side_edit(issue)]))
        events.sort(key=lambda event: event[0])
        last = issue.created_ms
        for when, author, changes in events:
            when = max(when, last + 1)  # strictly increasing times within an issue
            last = when
            issue.histories.append(History(self._take_history_id(), author, when, tuple(changes)))

    def _add_flow_cases(self) -> None:
        """What the flow views need that a year of ordinary work rarely shows, from a generator
        of its own so the work above stays as it was for a seed: items that stalled in progress
        weeks ago (stale work, ageing outliers) and bugs reopened after Done (defects)."""
        rng = random.Random(f"{self.seed}:flow-cases")
        for issue in list(self._issues.values()):
            last = issue.histories[-1].created_ms if issue.histories else issue.created_ms
            if issue.issue_type in ("Story", "Task") and issue.status == TODO:
                # Picked up 15-50 days ago and not moved since.
                started = self.now_ms - int(rng.uniform(15, 50) * DAY_MS)
                if rng.random() < 0.06 and started > last:
                    worker = rng.randrange(len(TEAM))
                    changes: list[Change] = [("assignee", None, worker)]
                    self._append(issue, started, worker, changes + [("status", TODO, IN_PROGRESS)])
            elif issue.issue_type == "Bug" and issue.status == DONE and rng.random() < 0.2:
                reopened = last + int(rng.uniform(1, 10) * DAY_MS)
                if reopened < self.now_ms:
                    self._append(
                        issue, reopened, issue.reporter, self._status_changes(DONE, IN_PROGRESS)
                    )
                    done = reopened + int(rng.expovariate(1 / 2) * DAY_MS) + 1000
                    if done < self.now_ms and rng.random() < 0.7:
                        worker = issue.assignee if issue.assignee is not None else issue.reporter
                        self._append(issue, done, worker, self._status_changes(IN_PROGRESS, DONE))

    def _side_edit(self, issue: Issue) -> Change:
        rng = self._rng
        kind = rng.random()
        if kind < 0.45:
            return ("rank", None, rng.choice(("Ranked higher", "Ranked lower")))
        if kind < 0.7:
            return ("description", None, f"{issue.initial_description} (rev {rng.randrange(1000)})")
        if kind < 0.85:
            return ("labels", None, tuple(sorted(rng.sample(_LABELS, rng.randint(0, 2)))))
        if kind < 0.95:
            return ("priority", None, rng.choice(("2", "3", "4")))
        return ("summary", None, f"{issue.initial_summary} (reworded)")

    def _next_version(self, at_ms: int) -> Version | None:
        day = datetime.fromtimestamp(at_ms / 1000, UTC).date()
        return next((v for v in self.versions if v.release_date >= day), None)

    # ---------------------------------------------------------------- replay

    @staticmethod
    def _status_changes(old: str, new: str) -> list[Change]:
        changes: list[Change] = [("status", old, new)]
        if new == DONE and old != DONE:
            changes.append(("resolution", None, True))
        elif old == DONE and new != DONE:
            changes.append(("resolution", True, None))
        return changes

    def _append(self, issue: Issue, at_ms: int, author: int, changes: list[Change]) -> None:
        issue.histories.append(History(self._take_history_id(), author, at_ms, tuple(changes)))
        self._replay(issue)
        issue.revision += 1
        self.generation += 1

    def _take_history_id(self) -> int:
        self._next_history_id += 1
        return self._next_history_id

    @staticmethod
    def _replay(issue: Issue) -> None:
        """Recompute the current fields from the initial values and the histories, filling
        each change's old value from the state just before it (so histories always chain)."""
        state: dict[str, object] = {
            "status": TODO,
            "assignee": None,
            "points": None,
            "priority": issue.initial_priority,
            "flagged": False,
            "resolution": None,
            "fixVersion": (),
            "labels": (),
            "summary": issue.initial_summary,
            "description": issue.initial_description,
            "rank": None,
            "project": None,
            "sprint": (),
        }
        resolved_ms = None
        category_changed = issue.created_ms
        for history in issue.histories:
            filled = []
            for name, _old, new in history.changes:
                old = state[name]
                if name == "fixVersion":
                    filled.append((name, None, new))
                    state[name] = (*old, new)  # type: ignore[misc]
                    continue
                if name == "project":
                    filled.append((name, _old, new))
                    continue
                if name == "status" and STATUSES[old].category != STATUSES[new].category:  # type: ignore[index]
                    category_changed = history.created_ms
                if name == "resolution":
                    resolved_ms = history.created_ms if new else None
                filled.append((name, old, new))
                state[name] = new
            history.changes = tuple(filled)
        issue.status = state["status"]  # type: ignore[assignment]
        issue.assignee = state["assignee"]  # type: ignore[assignment]
        issue.points = state["points"]  # type: ignore[assignment]
        issue.priority = state["priority"]  # type: ignore[assignment]
        issue.flagged = bool(state["flagged"])
        issue.fix_versions = state["fixVersion"]  # type: ignore[assignment]
        issue.labels = state["labels"]  # type: ignore[assignment]
        issue.sprints = state["sprint"]  # type: ignore[assignment]
        issue.summary = state["summary"]  # type: ignore[assignment]
        issue.description = state["description"]  # type: ignore[assignment]
        issue.resolved_ms = resolved_ms
        issue.category_changed_ms = category_changed
        issue.updated_ms = issue.histories[-1].created_ms if issue.histories else issue.created_ms

    # ----------------------------------------------------------------- helpers

    def _require(self, key: str) -> Issue:
        issue = self.get(key)
        if issue is None:
            raise KeyError(f"No issue {key!r} in the fake dataset; use an existing key.")
        return issue

    @staticmethod
    def _status_id(status: str) -> str:
        if status in STATUSES:
            return status
        for status_id, known in STATUSES.items():
            if known.name.lower() == status.lower():
                return status_id
        names = ", ".join(s.name for s in STATUSES.values())
        raise ValueError(f"Unknown status {status!r}; use one of {names}.")


_NEXT_STATUS = {TODO: IN_PROGRESS, IN_PROGRESS: IN_REVIEW, IN_REVIEW: DONE, BLOCKED: IN_PROGRESS}


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for small means, and uses only the seeded generator.
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
