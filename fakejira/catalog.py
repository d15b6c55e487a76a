"""Fixed JIRA metadata the fake serves: statuses, categories, issue types, priorities, fields, users.

Ids and keys follow real sites (NOTES §3): status categories `new`/`indeterminate`/`done` with
their real ids and colours, story points in a custom field discovered by name or schema, and custom
field ids that differ between Cloud and Data Center so a client cannot hard-code them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Deployment = Literal["cloud", "datacenter"]
DEPLOYMENTS: tuple[Deployment, ...] = ("cloud", "datacenter")


@dataclass(frozen=True, slots=True)
class StatusCategory:
    id: int
    key: str
    color: str
    name: str


CATEGORIES = {
    "undefined": StatusCategory(1, "undefined", "medium-gray", "No Category"),
    "new": StatusCategory(2, "new", "blue-gray", "To Do"),
    "indeterminate": StatusCategory(4, "indeterminate", "yellow", "In Progress"),
    "done": StatusCategory(3, "done", "green", "Done"),
}


@dataclass(frozen=True, slots=True)
class Status:
    id: str
    name: str
    category: str
    description: str


TODO, IN_PROGRESS, IN_REVIEW, BLOCKED, DONE = "10000", "3", "10001", "10002", "10003"
STATUSES = {
    TODO: Status(TODO, "To Do", "new", "Work that has not started."),
    IN_PROGRESS: Status(IN_PROGRESS, "In Progress", "indeterminate", "Someone is working on it."),
    IN_REVIEW: Status(IN_REVIEW, "In Review", "indeterminate", "Waiting for a code review."),
    BLOCKED: Status(BLOCKED, "Blocked", "indeterminate", "Waiting on something outside the team."),
    DONE: Status(DONE, "Done", "done", "Work has been completed."),
}


@dataclass(frozen=True, slots=True)
class IssueType:
    id: str
    name: str
    description: str
    hierarchy_level: int


ISSUE_TYPES = {
    "Epic": IssueType("10000", "Epic", "A big user story that needs to be broken down.", 1),
    "Story": IssueType("10001", "Story", "Functionality or a feature expressed as a user goal.", 0),
    "Task": IssueType("10002", "Task", "A small, distinct piece of work.", 0),
    "Bug": IssueType("10004", "Bug", "A problem or error.", 0),
    "Incident": IssueType("10005", "Incident", "A service disruption in production.", 0),
    # Served (and generated) only by a Scrum dataset; hierarchy level -1 marks a sub-task.
    "Sub-task": IssueType("10003", "Sub-task", "A part of a larger piece of work.", -1),
}
SCRUM_ONLY_TYPES = ("Sub-task",)

PRIORITIES = {
    "1": "Highest",
    "2": "High",
    "3": "Medium",
    "4": "Low",
    "5": "Lowest",
}

RESOLUTION_DONE = {
    "id": "10000",
    "name": "Done",
    "description": "Work has been completed on this issue.",
}
FLAG_OPTION = {"id": "10019", "value": "Impediment"}


@dataclass(frozen=True, slots=True)
class CustomField:
    """A custom field whose id depends on the deployment."""

    name: str
    cloud_id: int
    dc_id: int
    type: str
    custom: str
    items: str | None = None

    def field_id(self, deployment: Deployment) -> str:
        return f"customfield_{self.cloud_id if deployment == 'cloud' else self.dc_id}"


FLOAT = "com.atlassian.jira.plugin.system.customfieldtypes:float"
CUSTOM_FIELDS = {
    "points": CustomField("Story Points", 10016, 10002, "number", FLOAT),
    "flagged": CustomField(
        "Flagged",
        10021,
        10100,
        "array",
        "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes",
        "option",
    ),
    "rank": CustomField("Rank", 10019, 10005, "any", "com.pyxis.greenhopper.jira:gh-lexo-rank"),
    "sprint": CustomField(
        "Sprint",
        10020,
        10004,
        "array",
        "com.pyxis.greenhopper.jira:gh-sprint",
        "json",
    ),
}
# Data Center links an issue to its epic with this field (NOTES; vetted: gh-epic-link, the value is
# the epic's key); Cloud uses the system `parent` field instead.
DC_ONLY_CUSTOM_FIELDS = {
    "epic_link": CustomField(
        "Epic Link", 0, 10101, "any", "com.pyxis.greenhopper.jira:gh-epic-link"
    ),
}
# Team-managed projects on Cloud add this field next to "Story Points" (NOTES §3); it stays empty
# here so a client has to pick the right candidate rather than the first float it sees.
CLOUD_ONLY_CUSTOM_FIELDS = {
    "estimate": CustomField(
        "Story point estimate",
        10026,
        0,
        "number",
        "com.pyxis.greenhopper.jira:jsw-story-points",
    ),
}


@dataclass(frozen=True, slots=True)
class SystemField:
    id: str
    name: str
    schema_type: str | None
    items: str | None = None
    orderable: bool = True
    searchable: bool = True
    clause_names: tuple[str, ...] = ()
    cloud_only: bool = False


SYSTEM_FIELDS = (
    SystemField("summary", "Summary", "string", clause_names=("summary",)),
    SystemField("issuetype", "Issue Type", "issuetype", clause_names=("issuetype", "type")),
    SystemField("project", "Project", "project", clause_names=("project",)),
    SystemField("status", "Status", "status", orderable=False, clause_names=("status",)),
    SystemField("priority", "Priority", "priority", clause_names=("priority",)),
    SystemField("assignee", "Assignee", "user", clause_names=("assignee",)),
    SystemField("reporter", "Reporter", "user", clause_names=("reporter",)),
    SystemField("creator", "Creator", "user", orderable=False, clause_names=("creator",)),
    SystemField(
        "created", "Created", "datetime", orderable=False, clause_names=("created", "createdDate")
    ),
    SystemField(
        "updated", "Updated", "datetime", orderable=False, clause_names=("updated", "updatedDate")
    ),
    SystemField("resolution", "Resolution", "resolution", clause_names=("resolution",)),
    SystemField(
        "resolutiondate",
        "Resolved",
        "datetime",
        orderable=False,
        clause_names=("resolutiondate", "resolved"),
    ),
    SystemField(
        "statuscategorychangedate",
        "Status Category Changed",
        "datetime",
        orderable=False,
        clause_names=("statusCategoryChangedDate",),
        cloud_only=True,
    ),
    SystemField("fixVersions", "Fix versions", "array", "version", clause_names=("fixVersion",)),
    SystemField(
        "versions", "Affects versions", "array", "version", clause_names=("affectedVersion",)
    ),
    SystemField("labels", "Labels", "array", "string", clause_names=("labels",)),
    SystemField("parent", "Parent", None, clause_names=("parent",)),
    SystemField("description", "Description", "string", clause_names=("description",)),
    SystemField(
        "issuekey", "Key", None, orderable=False, clause_names=("id", "issue", "issuekey", "key")
    ),
)


@dataclass(frozen=True, slots=True)
class User:
    slug: str
    display_name: str
    email: str
    account_id: str


TEAM = (
    User("ana.garcia", "Ana García", "ana.garcia@example.com", "5b10a2844c20165700ede21a"),
    User("bjorn.odegaard", "Bjørn Ødegaard", "bjorn@example.com", "5b10a2844c20165700ede21b"),
    User("chloe.dubois", "Chloé Dubois", "chloe@example.com", "5b10a2844c20165700ede21c"),
    User("dmitri.ivanov", "Дмитрий Иванов", "dmitri@example.com", "5b10a2844c20165700ede21d"),
    User("emeka.okafor", "Emeka Okafor", "emeka@example.com", "5b10a2844c20165700ede21e"),
    User("li.na", "李娜", "li.na@example.com", "5b10a2844c20165700ede21f"),
    User("priya.natarajan", "Priya Natarajan", "priya@example.com", "5b10a2844c20165700ede220"),
    User("zoe.muller", "Zoë Müller", "zoe@example.com", "5b10a2844c20165700ede221"),
)
