"""Every folder Flowcast writes under the data directory is in the README's data table and in
.gitignore (a data directory is often the checkout itself: `make run` uses the current folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.locations import (
    get_backups_dir,
    get_cache_dir,
    get_data_dir,
    get_exports_dir,
    get_profiles_dir,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "folder", [get_profiles_dir, get_backups_dir, get_exports_dir, get_cache_dir]
)
def test_each_data_folder_is_documented_and_ignored(folder) -> None:
    name = folder().relative_to(get_data_dir()).as_posix()
    table = (
        ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## Where your data lives")[1]
    )
    assert f"`<data dir>/{name}/" in table.split("\n## ")[0]
    assert f"/{name}/" in ROOT.joinpath(".gitignore").read_text(encoding="utf-8").splitlines()
