"""The frames ``load_query_frames`` reads from SQLite equal a plain row-by-row read of the same
file, on data with every kind of value a stored column holds: NULLs, JSON fix versions, times with
offsets, before 1970 and unreadable, awkward floats, status names with separators, quotes and
non-ASCII letters, more statuses than a handful, issues without transitions, rows written out of
key order, and other queries' and profiles' rows that must stay out. The transitions are read as
packed in their issue rows (``pack_transitions``, or migration 0009 for rows stored before it)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from data.analytics import cache
from data.analytics.loading import load_query_frames
from data.db.connection import get_db_connection, write_transaction
from data.db.schema import apply_migrations, downgrade
from data.db.sqlite import connect
from data.errors import DatabaseError
from data.jira.sync import sync
from data.metrics.frames import ISSUE_COLUMNS, QueryFrames, restrict_to, utc_timestamp
from data.store.issues import pack_transitions
from data.store.sqlite_backend import SQLiteBackend
from fakejira import FakeJira
from tests.integration.jira_support import FAST_RETRY, make_profile

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Times as the store may hold them (to_utc_iso writes the first form); each one SQLite and
# datetime.fromisoformat read alike, or neither ("not a date").
TIMES = [
    "2026-03-02T10:00:00.000Z",
    "2026-03-02T10:00:00Z",
    "2026-03-02T15:30:00.250+05:30",
    "2026-03-02T08:00:00.5-01:00",
    "2026-03-02 10:00:00",
    "2026-03-02",
    "1969-12-31T23:59:59.999Z",
    "2025-12-31T23:59:59.999Z",
]
STATUSES = [
    "To Do",
    "In Progress",
    "Done",
    "Waiting, for customer",  # the comma the read's columns are joined with
    "Prüfung „extern“",
    'Quote " and \\ backslash',
    "10",  # looks like a number
    "",  # the unknown status
    "Tab\tand\x1fseparator",  # control characters, escaped in the packed JSON
    *[f"Step {n}" for n in range(25)],  # a workflow with many steps
]
POINTS = [None, 1.0, 0.1 + 0.2, 1e-300, 123456789.123456789, -0.5, 2.0**53 + 1, 8.0]


def _dataset(seed: int, statuses: list[str]) -> dict[str, Any]:
    rng = random.Random(seed)
    # Keys whose text order differs from their numeric order, lower case and non-ASCII.
    keys = [f"A-{n}" for n in range(1, 40)] + ["B-1", "a-1", "Ä-2", "Z-10", "Z-9"]
    issues, transitions = [], []
    for key in keys:
        created = rng.choice(TIMES)
        resolved = rng.choice([None, "not a date", *TIMES])
        issues.append(
            {
                "issue_key": key,
                "issue_type": rng.choice(["Story", "Bug", "Épopée"]),
                "status": rng.choice(statuses),
                "status_category": rng.choice(["new", "indeterminate", "done", ""]),
                "priority": rng.choice([None, "High", "Low"]),
                "created": created if rng.random() > 0.05 else "garbage",
                "resolved": resolved,
                "points": rng.choice(POINTS),
                "changelog_total": rng.randrange(0, 30),
                # Every key ending in 7 is a JIRA sub-task (without drawing from rng).
                "fields": json.dumps({**_fields(rng), **_subtask(key), **_parent(key)}),
            }
        )
        for seq in rng.sample(range(40), rng.choice([0, 0, 1, 2, 5, 12])):
            transitions.append(
                {
                    "issue_key": key,
                    "seq": seq,
                    "changed_at": rng.choice([*TIMES, "not a date"]),
                    "from_status": rng.choice([None, *statuses]),
                    "to_status": rng.choice(statuses),
                }
            )
    rng.shuffle(issues)
    rng.shuffle(transitions)
    return {"issues": issues, "transitions": transitions}


def _parent(key: str) -> dict[str, Any]:
    # Every key ending in 2 names a parent (without drawing from rng).
    return {"parent": "Ä-2"} if key.endswith("2") and key != "Ä-2" else {}


def _subtask(key: str) -> dict[str, Any]:
    return {"subtask": True} if key.endswith("7") else ({"subtask": False} if "1" in key else {})


def _fields(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(5)
    if kind == 0:
        return {}
    if kind == 1:
        return {"fixVersions": []}
    versions = []
    for n in range(rng.randrange(1, 4)):
        version: dict[str, Any] = {"name": rng.choice([f"r{n}", "2026.1 «beta»", "x,y"])}
        if rng.random() < 0.7:
            version["released"] = rng.random() < 0.5
        if rng.random() < 0.8:
            version["releaseDate"] = rng.choice(["2026-03-06", "2025-12-31", "someday"])
        versions.append(version)
    return {"fixVersions": versions, "summary": "text"}


@pytest.fixture
def stored(backend: SQLiteBackend) -> SQLiteBackend:
    """Profile 'p' with query 'q' (most issues) and 'other' (a few); profile 'p2' holds the same
    keys with other values."""
    statuses = STATUSES
    for profile in ("p", "p2"):
        backend.save_profile({"id": profile, "name": profile})
        backend.save_query(profile, {"id": "q", "name": "Q", "jql": "project = A"})
    backend.save_query("p", {"id": "other", "name": "Other", "jql": "project = B"})
    with get_db_connection(backend.db_path) as conn, write_transaction(conn):
        for profile, seed in (("p", 1), ("p2", 2)):
            data = _dataset(seed, statuses)
            conn.executemany(
                "INSERT INTO issues (profile_id, issue_key, issue_id, issue_type, status, "
                "status_category, priority, created, resolved, points, fields, changelog_total, "
                "fetched_at) VALUES (:profile, :issue_key, :issue_key, :issue_type, :status, "
                ":status_category, :priority, :created, :resolved, :points, jsonb(:fields), "
                ":changelog_total, '2026-03-20T00:00:00.000Z')",
                [{**row, "profile": profile} for row in data["issues"]],
            )
            conn.executemany(
                "INSERT INTO issue_transitions (profile_id, issue_key, seq, changed_at, "
                "from_status, to_status) VALUES "
                "(:profile, :issue_key, :seq, :changed_at, :from_status, :to_status)",
                [{**row, "profile": profile} for row in data["transitions"]],
            )
            pack_transitions(conn, profile)
            keys = [row["issue_key"] for row in data["issues"]]
            members = [(profile, "q", key) for key in keys if key != "A-3"]
            if profile == "p":
                members += [(profile, "other", key) for key in keys[:5]]
            conn.executemany(
                "INSERT INTO query_issues (profile_id, query_id, issue_key, added_at) "
                "VALUES (?, ?, ?, '2026-03-20T00:00:00.000Z')",
                members,
            )
        conn.executemany(
            "INSERT INTO jira_statuses (profile_id, name, category, fetched_at) "
            "VALUES ('p', ?, ?, '2026-03-20T00:00:00.000Z')",
            [("To Do", "new"), ("Retired", "done"), ("Prüfung „extern“", "indeterminate")],
        )
    return backend


def _epoch_ms(text: str | None) -> int | None:
    try:
        moment = datetime.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(milliseconds=1)


def _utc(texts: list[str | None]) -> pd.Series:
    stamps = [
        pd.NaT if (ms := _epoch_ms(t)) is None else pd.Timestamp(ms, unit="ms", tz=UTC)
        for t in texts
    ]
    return pd.Series(stamps, dtype="datetime64[ms, UTC]")


def _row_by_row(
    db_path: str, profile: str, query: str, as_of: pd.Timestamp, counting: str = "parents"
) -> QueryFrames:
    """The frames as a plain reading of the rows, one issue at a time, times parsed by Python;
    sub-tasks skipped unless ``counting`` is "items"."""
    conn = connect(db_path)
    keys = sorted(
        row[0]
        for row in conn.execute(
            "SELECT issue_key FROM query_issues WHERE profile_id = ? AND query_id = ?",
            (profile, query),
        )
    )
    issues: dict[str, list[Any]] = {column: [] for column in ISSUE_COLUMNS}
    transitions: dict[str, list[Any]] = {"issue": [], "at": [], "to_status": []}
    versions: dict[str, list[Any]] = {"issue": [], "name": [], "released": [], "release_date": []}
    subtasks: list[bool] = []
    parents: list[Any] = []
    # Status names in order of first appearance: in the status column, then the initial status,
    # then the transitions, over every member (the frames keep one status list for the query).
    seen: dict[str, list[Any]] = {"status": [], "initial": [], "to": []}
    number = -1
    for key in keys:
        (type_, status, category, priority, created, resolved, points, total, fields) = (
            conn.execute(
                "SELECT issue_type, status, status_category, priority, created, resolved, points, "
                "changelog_total, json(fields) FROM issues WHERE profile_id = ? AND issue_key = ?",
                (profile, key),
            ).fetchone()
        )
        moves = conn.execute(
            "SELECT changed_at, from_status, to_status FROM issue_transitions "
            "WHERE profile_id = ? AND issue_key = ? ORDER BY seq",
            (profile, key),
        ).fetchall()
        initial = status if not moves else (moves[0][1] if moves[0][1] is not None else moves[0][2])
        seen["status"].append(status)
        seen["initial"].append(initial)
        seen["to"].extend(move[2] for move in moves)
        subtask = bool(json.loads(fields).get("subtask"))
        if subtask and counting == "parents":
            continue
        number += 1
        subtasks.append(subtask)
        parents.append(json.loads(fields).get("parent"))
        values = [key, type_, status, category, priority, created, resolved, points, initial, total]
        for column, value in zip(ISSUE_COLUMNS, values, strict=True):
            issues[column].append(value)
        for changed_at, _, to_status in moves:
            transitions["issue"].append(number)
            transitions["at"].append(changed_at)
            transitions["to_status"].append(to_status)
        for version in json.loads(fields).get("fixVersions", []):
            versions["issue"].append(number)
            versions["name"].append(version.get("name"))
            versions["released"].append(bool(version.get("released")))
            date = pd.to_datetime(version.get("releaseDate"), errors="coerce", format="ISO8601")
            versions["release_date"].append(date)
    categories = dict(
        conn.execute("SELECT name, category FROM jira_statuses WHERE profile_id = ?", (profile,))
    )
    conn.close()

    names = list(dict.fromkeys(["", *seen["status"], *seen["initial"], *seen["to"]]))
    status_type = pd.CategoricalDtype(pd.Index(names, dtype=object))
    issue_frame = pd.DataFrame(issues)
    issue_frame["created"] = _utc(issues["created"])
    issue_frame["resolved"] = _utc(issues["resolved"])
    issue_frame["points"] = issue_frame["points"].astype("float64")
    issue_frame["changelog_total"] = issue_frame["changelog_total"].astype("int64")
    for column in ("status", "initial_status"):
        issue_frame[column] = pd.Categorical(issues[column], dtype=status_type)
    issue_frame["current_status"] = issue_frame["status"]
    issue_frame["subtask"] = np.array(subtasks, dtype=bool)
    issue_frame["parent"] = np.array(parents, dtype=object)
    transition_frame = pd.DataFrame(
        {
            "issue": np.array(transitions["issue"], dtype="int64"),
            "at": _utc(transitions["at"]),
            "to_status": pd.Categorical(transitions["to_status"], dtype=status_type),
        }
    )
    version_frame = pd.DataFrame(
        {
            "issue": np.array(versions["issue"], dtype="int64"),
            "name": pd.Series(versions["name"], dtype="str"),
            "released": np.array(versions["released"], dtype=bool),
            "release_date": pd.Series(versions["release_date"], dtype="datetime64[ms]"),
        }
    )
    frames = QueryFrames(issue_frame, transition_frame, version_frame, as_of, categories)
    return restrict_to(frames, as_of)


def _assert_same(read: QueryFrames, expected: QueryFrames) -> None:
    for name in ("issues", "transitions", "versions"):
        pd.testing.assert_frame_equal(
            getattr(read, name), getattr(expected, name), check_exact=True
        )
    for column in ("status", "initial_status", "current_status"):
        assert list(read.issues[column].cat.categories) == list(
            expected.issues[column].cat.categories
        )
    assert dict(read.status_categories) == dict(expected.status_categories)
    assert read.as_of == expected.as_of


@pytest.mark.parametrize("counting", ["parents", "items"])
@pytest.mark.parametrize("as_of", ["2030-01-01T00:00:00Z", "2026-03-02T10:00:00Z"])
@pytest.mark.parametrize(("profile", "query"), [("p", "q"), ("p", "other"), ("p2", "q")])
def test_frames_equal_a_row_by_row_read(stored, profile, query, as_of, counting):
    cache.clear()
    with get_db_connection(stored.db_path) as conn:
        read = load_query_frames(conn, profile, query, as_of, subtask_counting=counting)
    expected = _row_by_row(str(stored.db_path), profile, query, utc_timestamp(as_of), counting)
    assert len(read.transitions) > 0 and read.versions["name"].notna().any()  # data to compare
    if query == "q":  # the sub-tasks, ... are members: kept as items, else left out
        assert read.issues["subtask"].any() == (counting == "items")
    _assert_same(read, expected)


def test_points_keep_every_bit(stored):
    with get_db_connection(stored.db_path) as conn:
        read = load_query_frames(conn, "p", "q", "2030-01-01T00:00:00Z")
    stored_points = {p for p in POINTS if p is not None}
    assert set(read.issues["points"].dropna()) <= stored_points
    assert 0.1 + 0.2 in set(read.issues["points"])  # not 0.3, as SQLite would print it


def test_query_without_transitions_or_issues(stored):
    stored.save_query("p", {"id": "empty", "name": "Empty", "jql": "project = C"})
    stored.save_query("p", {"id": "still", "name": "Still", "jql": "project = D"})
    with get_db_connection(stored.db_path) as conn:
        with write_transaction(conn):
            conn.execute(
                "INSERT INTO query_issues (profile_id, query_id, issue_key, added_at) "
                "SELECT 'p', 'still', issue_key, '2026-03-20' FROM issues i WHERE profile_id = 'p' "
                "AND NOT EXISTS (SELECT 1 FROM issue_transitions t WHERE t.profile_id = 'p' "
                "AND t.issue_key = i.issue_key)"
            )
        empty = load_query_frames(conn, "p", "empty", "2030-01-01T00:00:00Z")
        still = load_query_frames(conn, "p", "still", "2030-01-01T00:00:00Z")
    assert empty.issues.empty and empty.transitions.empty and empty.versions.empty
    assert len(still.issues) > 0 and still.transitions.empty
    expected = _row_by_row(str(stored.db_path), "p", "still", utc_timestamp("2030-01-01T00:00:00Z"))
    _assert_same(still, expected)


def test_rows_stored_before_the_packed_columns_are_packed_by_the_migration(stored):
    # A database at schema 8 has no packed columns; migration 0009 fills them from the rows.
    expected = _row_by_row(str(stored.db_path), "p", "q", utc_timestamp("2030-01-01T00:00:00Z"))
    with get_db_connection(stored.db_path) as conn:
        downgrade(conn, 8)
        assert "transition_times" not in {r[1] for r in conn.execute("PRAGMA table_info(issues)")}
        apply_migrations(conn)
        cache.clear()
        read = load_query_frames(conn, "p", "q", "2030-01-01T00:00:00Z")
    _assert_same(read, expected)


def test_damaged_packed_transitions_are_refused(stored):
    with get_db_connection(stored.db_path) as conn:
        with write_transaction(conn):
            conn.execute(
                "UPDATE issues SET transition_statuses = '[\"Done\"]' WHERE profile_id = 'p' "
                "AND length(transition_times) > 16"
            )
        cache.clear()
        with pytest.raises(DatabaseError, match="packed transitions are damaged"):
            load_query_frames(conn, "p", "q", "2030-01-01T00:00:00Z")


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_frames_of_a_synced_fake_jira_equal_a_row_by_row_read(backend, deployment):
    # What a real sync stores (real HTTP to the fake JIRA): its workflow, changelogs and fix
    # versions, read both ways.
    with FakeJira(deployment, issues=300, seed=5) as fake:
        profile_id, query_id = make_profile(fake)
        sync(profile_id, query_id, retry=FAST_RETRY)
    cache.clear()
    as_of = "2030-01-01T00:00:00Z"
    with get_db_connection(backend.db_path) as conn:
        read = load_query_frames(conn, profile_id, query_id, as_of)
    expected = _row_by_row(str(backend.db_path), profile_id, query_id, utc_timestamp(as_of))
    assert len(read.issues) > 100 and len(read.transitions) > len(read.issues)
    _assert_same(read, expected)
