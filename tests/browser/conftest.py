"""Browser-test setup: the Debian Chromium and its chromedriver, never a download."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from data import profile_manager
from data.jira.fake.server import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira

CHROMIUM = "/usr/bin/chromium"


def pytest_setup_options() -> Options:
    """Chrome options for dash[testing]; selenium 4.2 finds chromedriver on PATH."""
    if shutil.which("chromedriver") is None:
        raise RuntimeError("chromedriver is not on PATH; run `make browser` to install it.")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    return options


@pytest.fixture
def fake_jira() -> Iterator[FakeJira]:
    """A Cloud fake JIRA on loopback with a small team's year of work."""
    with FakeJira(deployment="cloud", issues=400, seed=7) as fake:
        yield fake


@pytest.fixture
def demo_profile(db_path: Path, fake_jira: FakeJira) -> dict[str, str]:
    """A profile on the fake with two queries: every issue, and bugs only."""
    profile_id = profile_manager.create_profile(
        "Demo",
        {
            "jira_config": {
                "base_url": fake_jira.base_url,
                "deployment": "cloud",
                "email": DEFAULT_EMAIL,
                "token": DEFAULT_TOKEN,
            }
        },
    )
    bugs = profile_manager.create_query(profile_id, "Bugs", "project = DEMO AND issuetype = Bug")
    everything = profile_manager.create_query(profile_id, "All work", "project = DEMO ORDER BY created")
    profile_manager.switch_to(profile_id, everything)
    return {"profile": profile_id, "query": everything, "bugs": bugs}
