"""The persistence contract, run against every backend: SQLite, the legacy JSON layout, dual writes
and a PostgreSQL team database (a fresh one per test, tests/postgres_support.py).

Each test states the behaviour once; the ``store`` fixture runs it on all four backends, so the
JSON and PostgreSQL backends must behave exactly like SQLite. In dual mode every test additionally checks that no
mirror write failed and that the legacy files say the same as the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.errors import ConflictError, NotFoundError, ValidationError
from data.store.base import PersistenceBackend
from data.store.dual_backend import DualBackend, list_dual_write_failures
from data.store.json_backend import JSONBackend
from data.store.sqlite_backend import SQLiteBackend

FUTURE = datetime.now(UTC) + timedelta(hours=1)
PAST = datetime.now(UTC) - timedelta(seconds=1)


def make_backend(kind: str, data_dir: Path) -> PersistenceBackend:
    db = data_dir / "profiles" / "burndown.db"
    if kind == "sqlite":
        return SQLiteBackend(db)
    if kind == "json":
        return JSONBackend(data_dir)
    return DualBackend(SQLiteBackend(db), JSONBackend(data_dir))


def mirrored_state(backend: PersistenceBackend) -> dict[str, Any]:
    """Everything the contract can read, for comparing the dual mode's two stores."""
    state: dict[str, Any] = {"profiles": backend.list_profiles(), "queries": {}}
    for profile in state["profiles"]:
        for query in backend.list_queries(profile["id"]):
            key = f"{profile['id']}/{query['id']}"
            state["queries"][key] = {
                "query": query,
                "project_data": backend.get_project_data(profile["id"], query["id"]),
                "changelogs": backend.get_changelog_entries(profile["id"], query["id"]),
                "snapshots": [
                    {k: v for k, v in s.items() if k != "created_at"}
                    for s in backend.get_metrics_snapshots(profile["id"], query["id"])
                ],
            }
    state["active"] = [backend.get_app_state(k) for k in ("active_profile_id", "active_query_id")]
    return state


@pytest.fixture(params=["sqlite", "json", "dual", "postgresql"])
def store(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[PersistenceBackend]:
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres_backend")
        return
    backend = make_backend(request.param, data_dir)
    yield backend
    if isinstance(backend, DualBackend):
        assert list_dual_write_failures(backend.db_path) == []
        assert mirrored_state(backend.secondary) == mirrored_state(backend.primary)


def profile_doc(profile_id: str = "kafka", name: str = "Kafka", **extra: Any) -> dict[str, Any]:
    return {
        "id": profile_id,
        "name": name,
        "description": "Apache Kafka",
        "created_at": "2025-11-13T10:00:00.000Z",
        "last_used": "2025-11-14T10:00:00.000Z",
        "jira_config": {
            "base_url": "https://jira.example.com",
            "token": "t0k",
            "points_field": "cf_1",
        },
        "field_mappings": {"deployment_date": "customfield_10001"},
        "forecast_settings": {
            "pert_factor": 1.5,
            "deadline": "2025-12-31",
            "data_points_count": 12,
        },
        "show_points": True,
        **extra,
    }


def query_doc(query_id: str = "12w", name: str = "Last 12 weeks", **extra: Any) -> dict[str, Any]:
    return {
        "id": query_id,
        "name": name,
        "jql": "project = KAFKA AND created >= -12w",
        "created_at": "2025-11-13T10:00:00.000Z",
        "last_used": "2025-11-14T10:00:00.000Z",
        **extra,
    }


@pytest.fixture
def with_query(store: PersistenceBackend) -> PersistenceBackend:
    store.save_profile(profile_doc())
    store.save_query("kafka", query_doc())
    return store


# Profiles ----------------------------------------------------------------------------------------
def test_profile_round_trip_keeps_unknown_keys_and_fills_defaults(
    store: PersistenceBackend,
) -> None:
    store.save_profile(profile_doc(legacy_flag={"kept": [1, 2]}, queries=["ignored"]))
    loaded = store.get_profile("kafka")
    assert loaded is not None
    assert loaded["legacy_flag"] == {"kept": [1, 2]}
    assert "queries" not in loaded  # derived from the query rows/folders, never stored twice
    assert loaded["jira_config"]["token"] == "t0k"
    assert loaded["project_classification"] == {} and loaded["flow_type_mappings"] == {}
    assert loaded["show_points"] is True and loaded["show_milestone"] is False
    assert loaded["created_at"] == "2025-11-13T10:00:00.000Z"


def test_profile_names_and_documents_may_be_non_ascii(store: PersistenceBackend) -> None:
    store.save_profile(profile_doc("equipe", "Équipe Zürich 日本", description="ça va"))
    loaded = store.get_profile("equipe")
    assert loaded is not None and loaded["name"] == "Équipe Zürich 日本"
    assert loaded["description"] == "ça va"


def test_missing_profile_is_none_and_odd_ids_are_not_paths(store: PersistenceBackend) -> None:
    assert store.get_profile("nope") is None
    assert store.get_profile("../etc") is None
    assert store.get_query("nope", "x") is None


def test_profiles_are_listed_most_recently_used_first(store: PersistenceBackend) -> None:
    store.save_profile(profile_doc("a", "Alpha", last_used="2025-01-01T00:00:00Z"))
    store.save_profile(profile_doc("b", "Beta", last_used="2025-03-01T00:00:00Z"))
    store.save_profile(profile_doc("c", "Gamma", last_used="2025-03-01T00:00:00Z"))
    assert [p["id"] for p in store.list_profiles()] == ["b", "c", "a"]


def test_saving_again_replaces_the_profile(store: PersistenceBackend) -> None:
    store.save_profile(profile_doc())
    store.save_profile(profile_doc(name="Kafka 2", forecast_settings={"pert_factor": 2}))
    loaded = store.get_profile("kafka")
    assert loaded is not None and loaded["name"] == "Kafka 2"
    assert loaded["forecast_settings"] == {"pert_factor": 2}
    assert len(store.list_profiles()) == 1


@pytest.mark.parametrize(
    ("document", "error", "message"),
    [
        ({"id": "a/b", "name": "X"}, ValidationError, "is not a valid profile id"),
        ({"id": "..", "name": "X"}, ValidationError, "is not a valid profile id"),
        ({"id": "x"}, ValidationError, "needs a name"),
        ({"id": "x", "name": "X", "jira_config": [1]}, ValidationError, "must be a JSON object"),
        (
            {"id": "x", "name": "X", "created_at": "yesterday"},
            ValidationError,
            "not a valid timestamp",
        ),
    ],
)
def test_bad_profiles_are_refused(
    store: PersistenceBackend, document: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        store.save_profile(document)
    assert store.list_profiles() == []


def test_two_profiles_cannot_share_a_name(store: PersistenceBackend) -> None:
    store.save_profile(profile_doc())
    with pytest.raises(ConflictError, match="A profile named 'Kafka' already exists"):
        store.save_profile(profile_doc("other", "Kafka"))
    assert [p["id"] for p in store.list_profiles()] == ["kafka"]


def test_deleting_a_profile_removes_everything_under_it(with_query: PersistenceBackend) -> None:
    store = with_query
    store.save_jira_cache("kafka", "12w", "h1", {"issues": []}, FUTURE)
    store.save_changelog_entry("kafka", "12w", "K-1", {"key": "K-1"}, FUTURE)
    store.save_project_data("kafka", "12w", {"statistics": []})
    store.save_metrics_snapshot("kafka", "12w", "2025-W44", "flow", {"velocity": 3})
    store.set_app_state("active_profile_id", "kafka")
    store.set_app_state("active_query_id", "12w")
    store.delete_profile("kafka")
    assert store.get_profile("kafka") is None
    assert store.list_queries("kafka") == []
    assert store.get_jira_cache("kafka", "12w", "h1") is None
    assert store.get_changelog_entries("kafka", "12w") == {}
    assert store.get_project_data("kafka", "12w") is None
    assert store.get_metrics_snapshots("kafka", "12w") == []
    assert store.get_app_state("active_profile_id") is None
    assert store.get_app_state("active_query_id", "gone") == "gone"
    # Re-creating the profile starts empty: nothing of the old one comes back.
    store.save_profile(profile_doc())
    assert store.list_queries("kafka") == []


def test_deleting_a_missing_profile_says_so(store: PersistenceBackend) -> None:
    with pytest.raises(NotFoundError) as caught:
        store.delete_profile("ghost")
    # Every backend says it the same way, for a dashboard alert and the CLI alike.
    assert str(caught.value) == (
        "No profile 'ghost'; pick one in the header's Profile list or create one in "
        "Settings → Profiles (`flowcast profile list` lists them)."
    )


# Queries -----------------------------------------------------------------------------------------
def test_query_round_trip_keeps_unknown_keys(store: PersistenceBackend) -> None:
    store.save_profile(profile_doc())
    store.save_query("kafka", query_doc(name="Bugs — ünïcode", color="#ff0000"))
    loaded = store.get_query("kafka", "12w")
    assert loaded is not None
    assert loaded["profile_id"] == "kafka" and loaded["name"] == "Bugs — ünïcode"
    assert loaded["color"] == "#ff0000" and loaded["description"] == ""
    assert loaded["jql"] == "project = KAFKA AND created >= -12w"


def test_queries_are_listed_most_recently_used_first(store: PersistenceBackend) -> None:
    store.save_profile(profile_doc())
    store.save_query("kafka", query_doc("a", "A", last_used="2025-01-01T00:00:00Z"))
    store.save_query("kafka", query_doc("b", "B", last_used="2025-02-01T00:00:00Z"))
    assert [q["id"] for q in store.list_queries("kafka")] == ["b", "a"]


@pytest.mark.parametrize(
    ("profile_id", "document", "error", "message"),
    [
        (
            "ghost",
            query_doc(),
            NotFoundError,
            "No profile 'ghost'; create it before adding queries",
        ),
        ("kafka", query_doc("x y"), ValidationError, "is not a valid query id"),
        ("kafka", {"id": "q", "name": "Q"}, ValidationError, "A query needs JQL"),
        ("kafka", {"id": "q", "jql": "x"}, ValidationError, "A query needs a name"),
    ],
)
def test_bad_queries_are_refused(
    store: PersistenceBackend,
    profile_id: str,
    document: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    store.save_profile(profile_doc())
    with pytest.raises(error, match=message):
        store.save_query(profile_id, document)
    assert store.list_queries("kafka") == []


def test_two_queries_of_a_profile_cannot_share_a_name(with_query: PersistenceBackend) -> None:
    with pytest.raises(ConflictError, match="already has a query named 'Last 12 weeks'"):
        with_query.save_query("kafka", query_doc("other"))


def test_deleting_a_query_removes_its_data_and_active_selection(
    with_query: PersistenceBackend,
) -> None:
    store = with_query
    store.save_query("kafka", query_doc("bugs", "Bugs"))
    store.save_project_data("kafka", "12w", {"statistics": [{"date": "2025-01-06"}]})
    store.save_jira_cache("kafka", "12w", "h1", {"issues": []}, FUTURE)
    store.set_app_state("active_profile_id", "kafka")
    store.set_app_state("active_query_id", "12w")
    store.delete_query("kafka", "12w")
    assert store.get_query("kafka", "12w") is None
    assert store.get_project_data("kafka", "12w") is None
    assert store.get_jira_cache("kafka", "12w", "h1") is None
    assert [q["id"] for q in store.list_queries("kafka")] == ["bugs"]
    assert store.get_app_state("active_query_id") is None
    assert store.get_app_state("active_profile_id") == "kafka"
    with pytest.raises(NotFoundError) as caught:
        store.delete_query("kafka", "12w")
    assert str(caught.value) == (
        "No query '12w' in profile 'kafka'; pick one in the header's Query list or create one in "
        "Settings → Queries (`flowcast query list --profile kafka` lists them)."
    )


# Caches ------------------------------------------------------------------------------------------
def test_jira_cache_round_trip_and_key_match(with_query: PersistenceBackend) -> None:
    response = {"issues": [{"key": "K-1", "fields": {"summary": "ü"}}], "total": 1}
    with_query.save_jira_cache("kafka", "12w", "hash-1", response, FUTURE)
    assert with_query.get_jira_cache("kafka", "12w", "hash-1") == response
    assert with_query.get_jira_cache("kafka", "12w", "hash-2") is None
    assert with_query.get_jira_cache("kafka", "other", "hash-1") is None


def test_expired_cache_entries_read_as_none(with_query: PersistenceBackend) -> None:
    with_query.save_jira_cache("kafka", "12w", "h", {"issues": []}, PAST)
    with_query.save_changelog_entry("kafka", "12w", "K-1", {"key": "K-1"}, PAST)
    assert with_query.get_jira_cache("kafka", "12w", "h") is None
    assert with_query.get_changelog_entry("kafka", "12w", "K-1") is None
    assert with_query.get_changelog_entries("kafka", "12w") == {}


def test_cleanup_counts_expired_entries_and_keeps_live_ones(with_query: PersistenceBackend) -> None:
    store = with_query
    store.save_query("kafka", query_doc("bugs", "Bugs"))
    store.save_jira_cache("kafka", "12w", "h", {"issues": []}, PAST)
    store.save_jira_cache("kafka", "bugs", "h", {"issues": [1]}, FUTURE)
    store.save_changelog_entry("kafka", "12w", "K-1", {"key": "K-1"}, PAST)
    store.save_changelog_entry("kafka", "12w", "K-2", {"key": "K-2"}, PAST)
    store.save_changelog_entry("kafka", "12w", "K-3", {"key": "K-3"}, FUTURE)
    # 1 expired response + 2 expired changelogs.
    assert store.cleanup_expired_cache() == 3
    assert store.cleanup_expired_cache() == 0
    assert store.get_jira_cache("kafka", "bugs", "h") == {"issues": [1]}
    assert list(store.get_changelog_entries("kafka", "12w")) == ["K-3"]


def test_changelog_entries_come_back_by_issue_key(with_query: PersistenceBackend) -> None:
    entry = {"key": "K-2", "changelog": {"histories": [{"id": "1"}], "total": 1}}
    with_query.save_changelog_entry("kafka", "12w", "K-2", entry, FUTURE)
    with_query.save_changelog_entry("kafka", "12w", "K-1", {"key": "K-1"}, FUTURE)
    assert with_query.get_changelog_entry("kafka", "12w", "K-2") == entry
    assert list(with_query.get_changelog_entries("kafka", "12w")) == ["K-1", "K-2"]


def test_caches_need_an_existing_query(store: PersistenceBackend) -> None:
    store.save_profile(profile_doc())
    with pytest.raises(NotFoundError, match="No query 'nope' in profile 'kafka'"):
        store.save_jira_cache("kafka", "nope", "h", {}, FUTURE)
    with pytest.raises(NotFoundError, match="No query 'nope' in profile 'kafka'"):
        store.save_changelog_entry("kafka", "nope", "K-1", {}, FUTURE)


def test_cache_expiry_must_be_a_timestamp(with_query: PersistenceBackend) -> None:
    with pytest.raises(ValidationError, match="not a valid timestamp"):
        with_query.save_jira_cache("kafka", "12w", "h", {}, "tomorrow-ish")


# Project data ------------------------------------------------------------------------------------
def test_project_data_round_trip(with_query: PersistenceBackend) -> None:
    data = {
        "project_scope": {"total_items": 143, "status_breakdown": {"Closed": {"items": 19}}},
        "statistics": [{"date": "2025-04-28", "completed_items": 0, "created_items": 3}],
        "metadata": {"source": "jira", "note": "naïve"},
    }
    with_query.save_project_data("kafka", "12w", data)
    assert with_query.get_project_data("kafka", "12w") == data


def test_project_data_must_be_an_object(with_query: PersistenceBackend) -> None:
    with pytest.raises(ValidationError, match="Project data must be a JSON object"):
        with_query.save_project_data("kafka", "12w", [1, 2])  # type: ignore[arg-type]
    assert with_query.get_project_data("kafka", "12w") is None


# Metrics snapshots -------------------------------------------------------------------------------
def test_snapshots_oldest_week_first_limited_to_latest_weeks(
    with_query: PersistenceBackend,
) -> None:
    store = with_query
    for week in ("2025-W03", "2025-W01", "2025-W02"):
        store.save_metrics_snapshot("kafka", "12w", week, "flow", {"velocity": int(week[-1])})
        store.save_metrics_snapshot("kafka", "12w", week, "dora", {"lead_time": 1.5})
    store.save_metrics_snapshot("kafka", "12w", "2025-W02", "flow", {"velocity": 20}, {"p85": "x"})
    rows = store.get_metrics_snapshots("kafka", "12w", limit=2)
    assert [(r["snapshot_date"], r["metric_type"]) for r in rows] == [
        ("2025-W02", "dora"),
        ("2025-W02", "flow"),
        ("2025-W03", "dora"),
        ("2025-W03", "flow"),
    ]
    assert rows[1]["metrics"] == {"velocity": 20} and rows[1]["forecast"] == {"p85": "x"}
    assert rows[0]["forecast"] is None and rows[0]["created_at"].endswith("Z")
    flow = store.get_metrics_snapshots("kafka", "12w", metric_type="flow")
    assert [r["snapshot_date"] for r in flow] == ["2025-W01", "2025-W02", "2025-W03"]
    assert store.get_metrics_snapshots("kafka", "12w", limit=0) == []


@pytest.mark.parametrize(
    ("week", "kind", "metrics", "message"),
    [
        ("2025-11-03", "flow", {}, "is not an ISO week key"),
        ("2025-W53", "flow", {}, "is not a week of 2025"),
        ("2025-W01", "Flow Metrics", {}, "is not a metric type"),
        ("2025-W01", "flow", [1], "Snapshot metrics must be a JSON object"),
    ],
)
def test_bad_snapshots_are_refused(
    with_query: PersistenceBackend, week: str, kind: str, metrics: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        with_query.save_metrics_snapshot("kafka", "12w", week, kind, metrics)
    assert with_query.get_metrics_snapshots("kafka", "12w") == []


def test_snapshot_limit_must_be_a_whole_number(with_query: PersistenceBackend) -> None:
    with pytest.raises(ValidationError, match="is not a number of weeks"):
        with_query.get_metrics_snapshots("kafka", "12w", limit=-1)


# App state ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    ["true", True, 0, 2.5, None, [1, "two"], {"nested": {"ü": [None]}}, "kafka"],
)
def test_app_state_values_come_back_as_the_same_json(store: PersistenceBackend, value: Any) -> None:
    store.set_app_state("some_key", value)
    store.set_app_state("active_profile_id", value)
    assert store.get_app_state("some_key", "default") == value
    assert type(store.get_app_state("some_key")) is type(value)
    assert store.get_app_state("active_profile_id", "default") == value


def test_migration_flag_is_the_string_true(store: PersistenceBackend) -> None:
    store.set_app_state("migration_complete", "true")
    assert store.get_app_state("migration_complete") == "true"  # the quickstart compares == "true"


def test_missing_app_state_gives_the_default(store: PersistenceBackend) -> None:
    assert store.get_app_state("nothing", {"d": 1}) == {"d": 1}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("", 1, "must be a non-empty string"),
        ("k", {1, 2}, "cannot be stored as JSON"),
        ("k", object(), "cannot be stored as JSON"),
    ],
)
def test_bad_app_state_is_refused(
    store: PersistenceBackend, key: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        store.set_app_state(key, value)
    assert store.get_app_state("k") is None


# Task progress -----------------------------------------------------------------------------------
def test_task_progress_round_trip(store: PersistenceBackend) -> None:
    store.save_task_progress("sync", 12.5, "running", "Fetching", {"page": 2, "ü": True})
    task = store.get_task_progress("sync")
    assert task is not None
    assert task["progress_percent"] == 12.5 and task["status"] == "running"
    assert task["message"] == "Fetching" and task["details"] == {"page": 2, "ü": True}
    assert task["cancel_requested"] is False
    started = task["started_at"]
    store.save_task_progress("sync", 50, "running")
    task = store.get_task_progress("sync")
    assert task is not None and task["started_at"] == started
    assert task["message"] == "" and task["details"] == {}
    store.save_task_progress("other", 0, "pending")
    assert store.get_task_progress("sync") is not None
    store.clear_task_progress("sync")
    assert store.get_task_progress("sync") is None
    assert store.get_task_progress("other") is not None


def test_cancel_request_reaches_a_running_task_only(store: PersistenceBackend) -> None:
    assert store.request_task_cancel("sync") is False
    store.save_task_progress("sync", 10, "running")
    assert store.request_task_cancel("sync") is True
    store.save_task_progress("sync", 20, "running")
    task = store.get_task_progress("sync")
    assert task is not None and task["cancel_requested"] is True  # survives progress updates
    store.save_task_progress("sync", 20, "cancelled")
    assert store.request_task_cancel("sync") is False
    store.save_task_progress("sync", 0, "running")  # a new run starts fresh
    task = store.get_task_progress("sync")
    assert task is not None and task["cancel_requested"] is False


@pytest.mark.parametrize(
    ("percent", "status", "message"),
    [
        (10, "stuck", "is not a task status"),
        (101, "running", "is not a percentage"),
        ("x", "running", "is not a percentage"),
    ],
)
def test_bad_task_progress_is_refused(
    store: PersistenceBackend, percent: Any, status: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        store.save_task_progress("sync", percent, status)
    assert store.get_task_progress("sync") is None


# The backends agree ------------------------------------------------------------------------------
def test_sqlite_json_and_postgresql_backends_return_identical_documents(
    data_dir: Path, postgres_backend: PersistenceBackend
) -> None:
    sqlite = make_backend("sqlite", data_dir / "a")
    legacy = make_backend("json", data_dir / "b")
    for backend in (sqlite, legacy, postgres_backend):
        backend.save_profile(profile_doc(extra_key=[1, {"x": None}], show_milestone=1))
        backend.save_query("kafka", query_doc(description="d"))
        backend.save_query("kafka", query_doc("bugs", "Bugs"))
        backend.save_project_data("kafka", "12w", {"statistics": [], "metadata": {}})
        backend.save_metrics_snapshot("kafka", "12w", "2025-W44", "dora", {"a": 1}, {"f": 2})
        backend.set_app_state("active_profile_id", "kafka")
        backend.save_changelog_entry("kafka", "bugs", "B-1", {"key": "B-1", "total": 3}, FUTURE)
    assert mirrored_state(sqlite) == mirrored_state(legacy) == mirrored_state(postgres_backend)


# Dual mode: the mirror never undoes the primary ---------------------------------------------------
def test_a_failed_mirror_write_keeps_the_sqlite_write_and_is_reported(data_dir: Path) -> None:
    from data.store.dual_backend import clear_dual_write_failures, dual_write_problems

    dual = make_backend("dual", data_dir)
    assert isinstance(dual, DualBackend)
    dual.save_profile(profile_doc())
    # A file where the legacy layout needs the queries folder: every JSON write under it fails.
    (data_dir / "profiles" / "kafka" / "queries").write_text("in the way")
    dual.save_query("kafka", query_doc())
    assert dual.get_query("kafka", "12w") is not None  # SQLite has it
    assert JSONBackend(data_dir).get_query("kafka", "12w") is None  # the mirror does not
    failures = list_dual_write_failures(dual.db_path)
    assert [(f["operation"], f["target"]) for f in failures] == [("save_query", "kafka/12w")]
    problems = dual_write_problems(dual.db_path)
    assert len(problems) == 1 and "save_query of kafka/12w" in problems[0]
    assert "t0k" not in problems[0]
    assert clear_dual_write_failures(dual.db_path) == 1
    assert dual_write_problems(dual.db_path) == []


def test_a_failed_registry_write_keeps_the_profile_in_sqlite(data_dir: Path) -> None:
    dual = make_backend("dual", data_dir)
    assert isinstance(dual, DualBackend)
    (data_dir / "profiles" / "profiles.json").mkdir(parents=True)
    dual.save_profile(profile_doc())
    dual.set_app_state("active_profile_id", "kafka")
    loaded = dual.get_profile("kafka")
    assert loaded is not None and loaded["name"] == "Kafka"
    assert dual.get_app_state("active_profile_id") == "kafka"
    assert [f["operation"] for f in list_dual_write_failures(dual.db_path)] == [
        "save_profile",
        "set_app_state",
    ]


def test_primary_errors_reach_the_caller_and_nothing_is_mirrored(data_dir: Path) -> None:
    dual = make_backend("dual", data_dir)
    with pytest.raises(NotFoundError):
        dual.save_query("ghost", query_doc())
    assert not (data_dir / "profiles" / "ghost").exists()
    assert list_dual_write_failures(data_dir / "profiles" / "burndown.db") == []
