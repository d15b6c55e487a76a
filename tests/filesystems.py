"""Real small and read-only file systems for the tests: a tmpfs of a given size, mounted when the
tests run as root (as in CI containers), or the test is skipped with the reason."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

PAGE = 4096  # tmpfs hands out space in pages


def mount_tmpfs(path: Path, size: str) -> None:
    """Mount a tmpfs of ``size`` (``"8m"``) on ``path``; skips the test where that is impossible."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def remount_read_only(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False)


def free_bytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def pages(size: int) -> int:
    """The space a file of ``size`` bytes takes on a tmpfs."""
    return -(-size // PAGE) * PAGE


def fill_leaving(path: Path, free: int) -> Path:
    """A ballast file in ``path`` that leaves ``free`` bytes; delete it to free the space."""
    ballast = path / "ballast"
    with open(ballast, "wb") as handle:
        handle.write(b"\0" * max(0, free_bytes(path) - free))
    return ballast
