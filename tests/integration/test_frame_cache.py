"""The on-disk frame cache: frames read once are served to every process until the data changes,
and a cache that cannot be used never breaks the metrics."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from data.analytics import cache, loading
from data.analytics.loading import load_query_frames
from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.store import query_rows
from data.store.issues import add_query_members, store_issues
from tests.metrics_support import NOW, POINTS, raw_issue

ROOT = Path(__file__).resolve().parents[2]


def _key(db_path: Path) -> str:
    with get_db_connection(db_path) as conn:
        return cache.cache_key(
            query_rows.database_file(conn),
            "team",
            "q",
            query_rows.data_fingerprint(conn, "team", "q").frames,
        )


def _load(db_path: Path, as_of=NOW):
    with get_db_connection(db_path) as conn:
        return load_query_frames(conn, "team", "q", as_of)


def _assert_same(a, b) -> None:
    pd.testing.assert_frame_equal(a.issues, b.issues)
    pd.testing.assert_frame_equal(a.transitions, b.transitions)
    pd.testing.assert_frame_equal(a.versions, b.versions)
    assert a.as_of == b.as_of and dict(a.status_categories) == dict(b.status_categories)


def test_a_load_stores_the_frames_and_a_cached_load_equals_a_sqlite_load(seeded):
    assert cache.get_frames(_key(seeded.db_path)) is None
    from_sqlite = _load(seeded.db_path)
    cached = cache.get_frames(_key(seeded.db_path))
    assert cached is not None and len(cached.issues) == 5
    _assert_same(_load(seeded.db_path), from_sqlite)
    # Another as_of is applied to the cached (unrestricted) frames, as a SQLite read would.
    early = _load(seeded.db_path, "2026-03-11T00:00:00Z")
    assert sorted(early.issues["key"]) == ["M-1", "M-2", "M-3"]
    cache.clear()
    _assert_same(early, _load(seeded.db_path, "2026-03-11T00:00:00Z"))


def test_changed_data_is_never_served_from_the_cache(seeded):
    before = _load(seeded.db_path)
    assert "M-6" not in set(before.issues["key"])
    new = normalize_issue(
        raw_issue(
            "M-6", "2026-03-20T09:00:00.000+0000", [("2026-03-21T09:00:00.000+0000", "Done")]
        ),
        points_field=POINTS,
    )
    with get_db_connection(seeded.db_path) as conn, write_transaction(conn):
        store_issues(conn, "team", [new])
        add_query_members(conn, "team", "q", ["M-6"])
    after = _load(seeded.db_path)
    assert (
        "M-6" in set(after.issues["key"]) and len(after.transitions) == len(before.transitions) + 1
    )


def test_frames_read_by_another_process_are_served_from_the_cache(seeded, data_dir):
    script = (
        "from data.db.connection import get_db_connection\n"
        "from data.analytics.loading import load_query_frames\n"
        f"with get_db_connection({str(seeded.db_path)!r}) as conn:\n"
        "    load_query_frames(conn, 'team', 'q')\n"
    )
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT, timeout=120)
    cached = cache.get_frames(_key(seeded.db_path))
    assert cached is not None and sorted(cached.issues["key"]) == [f"M-{n}" for n in range(1, 6)]


def test_a_damaged_entry_is_a_miss_and_the_frames_come_from_sqlite(seeded):
    key = _key(seeded.db_path)
    cache._cache().set(key, "not frames")
    frames = _load(seeded.db_path)
    assert len(frames.issues) == 5
    assert cache.get_frames(key) is not None  # rewritten with the real frames


def test_an_unusable_cache_folder_never_fails_the_metrics(seeded, data_dir):
    _load(seeded.db_path)  # the cache is open and holds the frames
    target = cache.cache_dir()
    if target.exists():
        for child in target.iterdir():
            child.unlink()
        target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("a file where the cache folder should be")
    try:
        frames = _load(seeded.db_path)
        assert len(frames.issues) == 5 and len(frames.transitions) == 6
        assert cache.get_frames(_key(seeded.db_path)) is None
    finally:
        target.unlink()


def test_deleting_the_cache_folder_while_running_is_safe(seeded):
    _load(seeded.db_path)
    shutil.rmtree(cache.cache_dir())
    assert cache.get_frames(_key(seeded.db_path)) is None  # gone with its folder
    _load(seeded.db_path)
    assert cache.cache_dir().is_dir()  # a new folder, and the frames are in it again
    assert cache.get_frames(_key(seeded.db_path)) is not None


def _cached(profile_id: str, query_id: str) -> bool:
    with get_db_connection(None) as conn:
        key = cache.cache_key(
            query_rows.database_file(conn),
            profile_id,
            query_id,
            query_rows.data_fingerprint(conn, profile_id, query_id).frames,
        )
    return cache.get_frames(key) is not None


def test_warming_reads_every_query_of_a_profile_into_the_cache(seeded):
    seeded.save_query("team", {"id": "q2", "name": "Q2", "jql": "project = M AND type = Bug"})
    assert not _cached("team", "q") and not _cached("team", "q2")
    assert loading.warm_frame_cache("team", "q") == 1
    assert _cached("team", "q") and not _cached("team", "q2")
    assert loading.warm_frame_cache() == 2
    assert _cached("team", "q2")


def test_an_imported_profile_arrives_with_its_frames_cached(seeded, tmp_path):
    from data.ops.transfer import export_profile, import_profile

    archive = export_profile("team", tmp_path / "team.zip")
    cache.clear()
    new_id = import_profile(archive, "Team copy")
    assert _cached(new_id, "q")


def test_the_server_start_warms_the_active_profiles_queries(seeded):
    seeded.set_app_state("active_profile_id", "team")
    loading.warm_active_profile_in_background().join(timeout=60)
    assert _cached("team", "q")


def test_a_failing_warm_up_is_logged_and_changes_nothing(backend, caplog):
    backend.set_app_state("active_profile_id", "team")
    with get_db_connection(backend.db_path) as conn:
        conn.execute("DROP TABLE query_issues")  # reading any query now fails
    backend.save_profile({"id": "team", "name": "Team"})
    backend.save_query("team", {"id": "q", "name": "Q", "jql": "project = M"})
    loading.warm_active_profile_in_background().join(timeout=60)
    assert "Could not prepare the frame cache on start" in caplog.text


def test_the_snapshots_a_fetch_computes_leave_the_frames_its_next_page_reads(seeded):
    """The fetch job reads the frames for its weekly snapshots, then rewrites the query's weekly
    statistics; the page drawn next must still find those frames."""
    from data.analytics.snapshots import snapshot_weeks

    assert not _cached("team", "q")
    snapshot_weeks("team", "q", backfill=4)
    assert _cached("team", "q")
