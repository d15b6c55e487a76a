"""Browser-test setup: the Debian Chromium and its chromedriver, never a download."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from app import create_app
from data import profile_manager
from data.demo import DEMO_PROFILE_ID, start_demo

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
def demo(db_path: Path) -> Iterator[dict[str, str]]:
    """The built-in demo, as `make run` starts it: the fake JIRA and the Demo profile."""
    fake = start_demo()
    # Both demo queries are equally recent; pin the landing query so tests know what they see.
    profile_manager.switch_to(DEMO_PROFILE_ID, "all-work")
    try:
        yield {"profile": DEMO_PROFILE_ID, "query": "all-work", "bugs": "bugs-and-incidents"}
    finally:
        fake.stop()


def free_port() -> int:
    """A free loopback port: other tools on this machine may already use Dash's default 8050."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def start_app(dash_duo):
    """Start a fresh Flowcast app on a free port; returns the dash_duo composite."""

    def start():
        dash_duo.start_server(create_app(), port=free_port())
        return dash_duo

    return start
