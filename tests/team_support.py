"""What the team-server tests share: the accounts' password, the secret key, signing in over
HTTP, the body Dash's renderer posts for a callback, waiting for a job's record, and the fake
JIRA's own count of what a JQL matches."""

from __future__ import annotations

import json
import re
import time

import httpx

from data.store.sqlite_backend import SQLiteBackend
from fakejira import FakeJira

PASSWORD = "correct horse battery"
SECRET = "a-test-secret-key-of-enough-length-0123456789"


def sign_in(
    base: str, username: str, password: str = PASSWORD, timeout: float = 5.0
) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=timeout)
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf": csrf, "next": "/flow"}
    )
    client.last_login = answer  # type: ignore[attr-defined]
    return client


def output_of(actions: dict[str, str], action: str, contains: str) -> str:
    return next(o for o, a in actions.items() if a == action and contains in o)


def dash_request(app_map: dict, output: str, values: dict[str, object]) -> dict:
    """The body Dash's renderer posts for the callback writing ``output``, with ``values`` for
    its inputs and states by component id."""
    spec = app_map[output]

    def items(kind: str) -> list[dict]:
        return [
            {"id": s["id"], "property": s["property"], "value": values.get(s["id"])}
            for s in spec[kind]
        ]

    def component(part: str) -> dict:
        name, prop = part.rsplit(".", 1)
        return {"id": json.loads(name) if name.startswith("{") else name, "property": prop}

    outputs = [
        component(part)
        for part in output.strip(".").split("...")
        if "." in part  # a callback without outputs is keyed by a hash
    ]
    first = spec["inputs"][0]
    return {
        "output": output,
        "outputs": outputs[0] if len(outputs) == 1 else outputs,
        "inputs": items("inputs"),
        "state": items("state"),
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def wait_for(
    backend: SQLiteBackend,
    task: str,
    statuses: tuple[str, ...],
    percent: tuple[float, float] = (0, 100),
) -> dict:
    deadline = time.monotonic() + 120
    record = None
    while time.monotonic() < deadline:
        record = backend.get_task_progress(task)
        if (
            record
            and record["status"] in statuses
            and percent[0] <= record["progress_percent"] <= percent[1]
        ):
            return record
        time.sleep(0.1)
    raise AssertionError(f"{task} never reached {statuses}: {record}")


def fake_count(fake: FakeJira, jql: str) -> int:
    """The fake JIRA's own count of the issues ``jql`` matches (Cloud's approximate count)."""
    answer = httpx.post(
        f"{fake.base_url}/rest/api/3/search/approximate-count",
        json={"jql": jql},
        auth=(fake.email, fake.token),
    )
    answer.raise_for_status()
    return answer.json()["count"]
