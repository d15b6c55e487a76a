"""Demo mode: the built-in fake JIRA Cloud started with the app, and a "Demo" profile pointing at it.

The fake runs its Scrum side (a Scrum board with fortnightly sprints, epics and sub-tasks), and
the profile names that board, so the Sprints page and the Epics view have data after a Fetch.

A new user's first Fetch then works without a JIRA account. The fake binds a free port on
127.0.0.1, so the profile's ``base_url`` is rewritten on every start; everything else a user
changed in the profile is left alone. Same seed, same data: demo numbers are reproducible.
"""

from __future__ import annotations

import logging
from typing import Any

from data.errors import NotFoundError
from data.profiles import manager as pm
from data.store import get_backend
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira

logger = logging.getLogger("demo")

DEMO_PROFILE_ID = "flowcast-demo"  # not slugify("Demo"), so a user's own "Demo" never collides
DEMO_PROFILE_NAME = "Demo"
DEMO_SEED = 7
DEMO_ISSUES = 600
DEMO_POINTS_FIELD = "customfield_10016"  # "Story Points" on the fake Cloud
DEMO_FLAGGED_FIELD = "customfield_10021"
DEMO_BOARD_ID = 1  # the fake's Scrum board (fakejira.agile.SCRUM_BOARD_ID)
DEMO_QUERIES = (
    # Sub-tasks stay out: they are counted through their parent stories, not as items.
    (
        "all-work",
        "All work",
        "project = DEMO AND issuetype != Sub-task",
        "Every story, task, bug, incident and epic of the demo team.",
    ),
    (
        "bugs-and-incidents",
        "Bugs and incidents",
        "project = DEMO AND issuetype in (Bug, Incident)",
        "Defects and production incidents (DORA failure and recovery).",
    ),
)


def demo_settings(base_url: str) -> dict[str, Any]:
    """The demo profile's settings: a Cloud connection and mappings matching the fake's workflow."""
    return {
        "description": "Built-in demo: a generated year of work served by the fake JIRA.",
        "jira_config": {
            "base_url": base_url,
            "deployment": "cloud",
            "email": DEFAULT_EMAIL,
            "token": DEFAULT_TOKEN,
            "points_field": DEMO_POINTS_FIELD,
            "board_id": DEMO_BOARD_ID,
            "cache_ttl_hours": 24,
        },
        "field_mappings": {
            "flagged": DEMO_FLAGGED_FIELD,
            "status_to_flow_state": {
                "To Do": "Waiting",
                "In Progress": "Active",
                "In Review": "Active",
                "Blocked": "Waiting",
                "Done": "Done",
            },
            "workflow_stages": [
                {"name": "Backlog", "statuses": ["To Do"]},
                {"name": "In Progress", "statuses": ["In Progress", "Blocked"]},
                {"name": "In Review", "statuses": ["In Review"]},
                {"name": "Done", "statuses": ["Done"]},
            ],
            "committed_stage": "In Progress",
            "done_stage": "Done",
            "dora": {
                "deployment_source": "fix_versions",
                "incident_issue_types": ["Incident"],
            },
        },
        "flow_type_mappings": {
            "Story": "Feature",
            "Task": "Debt",
            "Bug": "Defect",
            "Incident": "Risk",
        },
        "show_points": True,
    }


def ensure_demo_profile(base_url: str) -> str:
    """Create the Demo profile and its queries, or point the existing one at ``base_url``."""
    try:
        profile = pm.get_profile(DEMO_PROFILE_ID)
    except NotFoundError:
        profile = None
    if profile is None:
        taken = {p["name"].casefold() for p in pm.list_profiles()}
        # A user's own profile may already be called "Demo"; never fail app startup over it.
        name = next(
            n
            for n in (DEMO_PROFILE_NAME, *(f"{DEMO_PROFILE_NAME} ({i})" for i in range(2, 100)))
            if n.casefold() not in taken
        )
        pm.create_profile(name, demo_settings(base_url), profile_id=DEMO_PROFILE_ID)
    else:
        # Only the address moves (and a demo profile made before the demo had sprints gets the
        # Scrum board); keep whatever the user changed in the demo profile.
        config = profile.get("jira_config") or {}
        wanted = {"base_url": base_url, "board_id": config.get("board_id", DEMO_BOARD_ID)}
        if any(config.get(k) != v for k, v in wanted.items()) or "board_id" not in config:
            get_backend().save_profile({**profile, "jira_config": {**config, **wanted}})
    existing = {q["id"] for q in pm.list_queries(DEMO_PROFILE_ID)}
    for query_id, name, jql, description in DEMO_QUERIES:
        if query_id not in existing:
            get_backend().save_query(
                DEMO_PROFILE_ID,
                {"id": query_id, "name": name, "jql": jql, "description": description},
            )
    return DEMO_PROFILE_ID


def start_demo(*, issues: int = DEMO_ISSUES, seed: int = DEMO_SEED) -> FakeJira:
    """Start the fake JIRA on a free 127.0.0.1 port and point the Demo profile at it.

    The caller owns the returned server (``stop()`` it on shutdown; it runs on a daemon thread).
    """
    fake = FakeJira("cloud", issues=issues, seed=seed, scrum=True).start()
    ensure_demo_profile(fake.base_url)
    logger.info("demo JIRA serving %d issues on %s", issues, fake.base_url)
    return fake
