"""Every file Flowcast writes that can hold a JIRA token or issue text is 0600 in a 0700 folder,
whatever the umask: each test runs under umask 000, which would leave files 0666 and folders 0777
if anything relied on the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from callbacks.background import background_manager
from cli.main import cli
from data.analytics import cache
from data.analytics.loading import warm_frame_cache
from tests.legacy_tree import write_legacy_tree


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def modes_under(root: Path) -> dict[str, int]:
    """The permission bits of every file and folder below ``root`` (``root`` itself excluded)."""
    return {
        p.relative_to(root).as_posix(): stat.S_IMODE(p.lstat().st_mode)
        for p in sorted(root.rglob("*"))
    }


def not_private(root: Path) -> dict[str, str]:
    """What is not 0600 (files) or 0700 (folders) below ``root``, with its actual mode."""
    wrong = {}
    for name, mode in modes_under(root).items():
        wanted = 0o700 if (root / name).is_dir() else 0o600
        if mode != wanted:
            wrong[name] = oct(mode)
    return wrong


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """An old version's tree outside the data directory (its own files are not Flowcast's)."""
    return write_legacy_tree(tmp_path / "old", issues=12, queries=(("12w", "12 weeks"),))


def test_a_migrated_data_directory_is_private(data_dir: Path, legacy: Path) -> None:
    run("migrate-json", str(legacy))
    run("backup")
    warm_frame_cache("kafka", "12w")
    names = set(modes_under(data_dir))
    # The database, its backup, the migration's copies of the legacy files, the frame cache.
    assert {"profiles/burndown.db", "backups", "cache/frames/cache.db"} <= names
    copies = [n for n in names if n.startswith("backups/migration-") and n.endswith(".json")]
    assert "profiles/kafka/profile.json" in {n.split("/", 2)[2] for n in copies}
    assert any(n.startswith("backups/burndown-") for n in names)
    assert not_private(data_dir) == {}


def test_dual_storage_writes_its_legacy_mirror_privately(data_dir: Path, legacy: Path) -> None:
    run("migrate-json", str(legacy))
    run("storage-mode", "dual")
    run("profile", "rename", "kafka", "Kafka renamed")  # a write mirrored to profile.json
    mirror = data_dir / "profiles" / "kafka" / "profile.json"
    assert b"secret-token" in mirror.read_bytes()  # the mirror is a store: it keeps the token
    assert b"Kafka renamed" in mirror.read_bytes()
    assert not_private(data_dir) == {}


def test_exports_are_private(data_dir: Path, legacy: Path, tmp_path: Path) -> None:
    run("migrate-json", str(legacy))
    run("export", "--format", "legacy", str(tmp_path / "rollback"))
    run("export", "--profile", "kafka", str(tmp_path / "exports" / "kafka"))
    run("export", "--profile", "kafka", str(tmp_path / "exports" / "kafka.zip"))
    assert (tmp_path / "rollback" / "profiles" / "kafka" / "queries" / "12w").is_dir()
    assert (tmp_path / "exports" / "kafka" / "issues.json").is_file()
    for folder in ("rollback", "exports"):
        assert not_private(tmp_path / folder) == {}
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o700


def test_the_background_callback_cache_is_private(tmp_path: Path) -> None:
    # What Dash's DiskcacheManager does with a job: its progress and its result (page content,
    # issue summaries) go through the cache; a large result becomes a file of its own.
    manager = background_manager(tmp_path / "cache" / "background")
    manager.handle.set("progress-key", [40, "Fetching page 3"])
    manager.handle.set("result-key", {"summary": "KAFKA-1 " + "x" * 100_000})
    manager.handle.close()
    names = modes_under(tmp_path / "cache")
    assert any(n.endswith(".val") for n in names)  # the large result is a file
    assert not_private(tmp_path / "cache") == {}


def test_an_old_cache_index_is_made_private(data_dir: Path) -> None:
    folder = cache.cache_dir()
    folder.mkdir(parents=True)
    (folder / "cache.db").touch(mode=0o644)  # an older version's index, world-readable
    cache.put_frames("k", None)  # type: ignore[arg-type]
    assert stat.S_IMODE((folder / "cache.db").stat().st_mode) == 0o600
