"""The fake JIRA's Scrum side (``Dataset(scrum=True)``): boards, fortnightly sprints, each issue's
Sprint field changes over time, epics and sub-tasks.

Generated from a random generator of its own (``"<seed>:scrum"``) after the year of work, so a
seed's issues and histories stay exactly as they are without it; sprint changes are new histories
slotted in by time. Membership follows what teams do with JIRA (docs/jira.md, "Sprints"):

- an issue is planned into the sprint in which its work starts, mostly before that sprint starts
  (sprint planning), sometimes after it started (added mid-sprint, scope change);
- at a sprint's completion every unfinished issue is carried over to the next sprint (the closed
  sprint stays in its Sprint field, as JIRA keeps it);
- now and then an unfinished issue is removed mid-sprint (back to the backlog) and planned again
  into the next sprint;
- work not started stays in the backlog, except recent items planned into the active or the next
  sprint.

Parents: most Stories and Tasks (and some Bugs) belong to an epic created before them; about a
quarter of the Stories get one to three Sub-tasks (new issues, keys after the generated ones).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fakejira.catalog import DONE, TODO

if TYPE_CHECKING:
    from fakejira.dataset import Dataset, Issue

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
SPRINT_DAYS = 14
SCRUM_BOARD_ID = 1
KANBAN_BOARD_ID = 2
_GOALS = (
    "Ship the checkout redesign",
    "Stabilise payments",
    "Faster search for everyone",
    "Close the onboarding gaps",
    "Pay down the export debt",
    "",
)
SPRINTED_TYPES = ("Story", "Task", "Bug")


@dataclass(frozen=True, slots=True)
class Board:
    id: int
    name: str
    type: str  # "scrum" or "kanban"
    project: str


@dataclass(slots=True)
class Sprint:
    id: int
    name: str
    board_id: int
    state: str  # "closed", "active" or "future"
    start_ms: int | None
    end_ms: int | None
    complete_ms: int | None
    created_ms: int
    goal: str


def make_boards(project: str, scrum: bool) -> list[Board]:
    kanban = Board(KANBAN_BOARD_ID, f"{project} Kanban", "kanban", project)
    if not scrum:
        return [kanban]
    return [Board(SCRUM_BOARD_ID, f"{project} Scrum", "scrum", project), kanban]


def make_sprints(dataset: Dataset, rng: random.Random) -> list[Sprint]:
    """Fortnightly sprints from three weeks into the year: closed ones, the active one, one
    planned future sprint with dates and one without."""
    first = dataset.start_ms + 21 * DAY_MS
    first -= first % DAY_MS - 14 * HOUR_MS  # 14:00 UTC: a morning start in the Americas
    sprints: list[Sprint] = []
    start = first
    future = 0
    while future < 2:
        number = len(sprints) + 1
        end = start + SPRINT_DAYS * DAY_MS
        complete = end + int(rng.uniform(-3, 20) * HOUR_MS)
        if complete <= dataset.now_ms:
            state = "closed"
        elif start <= dataset.now_ms:
            state, complete = "active", None  # type: ignore[assignment]
        else:
            state, complete = "future", None  # type: ignore[assignment]
            future += 1
        dated = state != "future" or future == 1
        sprints.append(
            Sprint(
                id=number,
                name=f"{dataset.project} Sprint {number}",
                board_id=SCRUM_BOARD_ID,
                state=state,
                start_ms=start if dated else None,
                end_ms=end if dated else None,
                complete_ms=complete,
                created_ms=start - 10 * DAY_MS,
                goal=rng.choice(_GOALS),
            )
        )
        start = end
    return sprints


def add_scrum_work(dataset: Dataset) -> None:
    """Boards, sprints, epics, sub-tasks and sprint histories for the dataset (see the module)."""
    rng = random.Random(f"{dataset.seed}:scrum")
    dataset.sprints = make_sprints(dataset, rng)
    issues = dataset.issues()
    _link_epics(issues, rng)
    for issue in issues:
        if issue.issue_type in SPRINTED_TYPES:
            _plan_sprints(dataset, issue, rng)
    _add_subtasks(dataset, issues, rng)


def _link_epics(issues: list[Issue], rng: random.Random) -> None:
    epics: list[Issue] = []
    share = {"Story": 0.75, "Task": 0.6, "Bug": 0.3}
    for issue in issues:  # creation order
        if issue.issue_type == "Epic":
            epics.append(issue)
        elif issue.issue_type in share and epics and rng.random() < share[issue.issue_type]:
            # Work joins one of the epics opened most recently before it.
            issue.parent_id = rng.choice(epics[-6:]).id


def _add_subtasks(dataset: Dataset, issues: list[Issue], rng: random.Random) -> None:
    for story in issues:
        if story.issue_type != "Story" or rng.random() >= 0.25:
            continue
        for _ in range(rng.randint(1, 3)):
            created = story.created_ms + int(rng.uniform(0.5, 72) * HOUR_MS)
            if created >= dataset.now_ms - HOUR_MS:
                continue
            dataset.add_subtask(story, created)


def _work_span(issue: Issue) -> tuple[int | None, int | None]:
    """When work started (first move out of To Do) and when it was last done, if it was."""
    started = None
    for history in issue.histories:
        if any(name == "status" and old == TODO for name, old, _new in history.changes):
            started = history.created_ms
            break
    done = issue.resolved_ms if issue.status == DONE else None
    return started, done


def _sprint_at(sprints: list[Sprint], at_ms: int) -> int | None:
    """Index of the dated sprint running at ``at_ms`` (closed up to its completion)."""
    for index, sprint in enumerate(sprints):
        if sprint.start_ms is None:
            continue
        finish = sprint.complete_ms if sprint.complete_ms is not None else float("inf")
        if sprint.start_ms <= at_ms < finish:
            return index
    return None


def _plan_sprints(dataset: Dataset, issue: Issue, rng: random.Random) -> None:
    sprints = dataset.sprints
    started, done = _work_span(issue)
    events: list[tuple[int, tuple[int, ...]]] = []  # (time, Sprint field after the change)
    if started is None:
        # Not started: recent work may be planned into the active or the next sprint.
        if issue.created_ms < dataset.now_ms - 21 * DAY_MS or rng.random() >= 0.35:
            return
        open_sprints = [i for i, s in enumerate(sprints) if s.state in ("active", "future")]
        if not open_sprints:
            return
        index = rng.choice(open_sprints[:2])
        sprint = sprints[index]
        planned = (sprint.start_ms or dataset.now_ms) - int(rng.uniform(2, 40) * HOUR_MS)
        at = max(planned, issue.created_ms + 60_000)
        if at < dataset.now_ms:
            events.append((at, (sprint.id,)))
        _record(dataset, issue, events)
        return
    index = _sprint_at(sprints, started)
    if index is None:
        return
    sprint = sprints[index]
    assert sprint.start_ms is not None
    if rng.random() < 0.8 and issue.created_ms < sprint.start_ms:
        at = sprint.start_ms - int(rng.uniform(1, 48) * HOUR_MS)  # sprint planning
    else:
        at = max(sprint.start_ms, issue.created_ms) + int(rng.uniform(0.1, 24) * HOUR_MS)
        at = min(at, started - 1)  # added mid-sprint, just before work on it starts
    at = max(at, issue.created_ms + 60_000)
    members: tuple[int, ...] = (sprint.id,)
    events.append((at, members))
    while True:
        sprint = sprints[index]
        assert sprint.start_ms is not None and sprint.end_ms is not None
        finish = sprint.complete_ms
        if done is not None and (finish is None or done < finish):
            break  # completed inside this sprint (or it is still open)
        if finish is None:
            break  # still in the active sprint
        if index + 1 >= len(sprints):
            break
        nxt = sprints[index + 1]
        removal = sprint.start_ms + int(rng.uniform(0.25, 0.75) * (sprint.end_ms - sprint.start_ms))
        if rng.random() < 0.07 and removal > at:
            # Taken out mid-sprint (to the backlog), then planned into the next sprint again.
            members = tuple(m for m in members if m != sprint.id)
            events.append((removal, members))
            back = (nxt.start_ms or finish) - int(rng.uniform(1, 30) * HOUR_MS)
            if done is not None and done < back:
                break
            members = (*members, nxt.id)
            events.append((max(back, removal + 60_000), members))
        else:
            members = (*members, nxt.id)  # carried over at completion
            events.append((finish, members))
        index += 1
    _record(dataset, issue, [(t, m) for t, m in events if t < dataset.now_ms])


def _record(dataset: Dataset, issue: Issue, events: list[tuple[int, tuple[int, ...]]]) -> None:
    author = issue.assignee if issue.assignee is not None else issue.reporter
    for at, members in events:
        dataset.insert_change(issue, at, author, ("sprint", None, members))
