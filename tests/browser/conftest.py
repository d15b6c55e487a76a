"""Browser-test setup: the Debian Chromium and its chromedriver, never a download."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dash.testing.errors import TestingTimeoutError
from dash.testing.wait import until
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.keys import Keys

from app import create_app
from callbacks.shell import select_on_first_start
from data.analytics.snapshots import snapshot_weeks
from data.jira.sync import sync
from data.profiles import manager as profile_manager
from demo import DEMO_PROFILE_ID, start_demo

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
def demo(db_path: Path) -> Iterator[dict[str, Any]]:
    """The built-in demo, as `make run` starts it: the fake JIRA and the Demo profile."""
    fake = start_demo()
    select_on_first_start(DEMO_PROFILE_ID, "all-work")  # as run_server does
    try:
        yield {
            "profile": DEMO_PROFILE_ID,
            "query": "all-work",
            "bugs": "bugs-and-incidents",
            "fake": fake,
        }
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


@pytest.fixture
def fetched_demo(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo with both queries fetched and 26 weekly snapshots of "All work" stored."""
    for query in (demo["query"], demo["bugs"]):
        sync(demo["profile"], query)
        snapshot_weeks(demo["profile"], query, backfill=26)
    profile_manager.switch_to(demo["profile"], demo["query"])
    return demo


def wait_for_graph(dash_duo, graph_id: str, timeout: int = 30) -> None:
    """Wait until a dcc.Graph has drawn at least one trace."""
    dash_duo.wait_for_element(f"#{graph_id} .main-svg .trace", timeout=timeout)


def choose_option(dash_duo, dropdown_id: str, label: str, timeout: int = 30) -> None:
    """Pick ``label`` in a Dash 4 dropdown (its options open in a popup outside the component)."""
    click(dash_duo, dropdown_id, timeout)
    dash_duo.wait_for_element(".dash-dropdown-option", timeout=timeout)
    options = dash_duo.find_elements(".dash-dropdown-option")
    next(o for o in options if o.text.strip() == label).click()
    dash_duo.wait_for_contains_text(f"#{dropdown_id}", label, timeout=timeout)


def text_of(dash_duo, element_id: str) -> str:
    """The element's text read in one script call (no stale handles while a page re-renders)."""
    return dash_duo.driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", element_id
    )


def click(dash_duo, element_id: str, timeout: int = 30) -> None:
    """Scroll a button to the middle of the window and click it like a user; retried while
    the page is still laying out (lazy components shift it) and something else is on top.
    The scroll is instant: Bootstrap turns on smooth scrolling, which moves the target mid-click."""

    problems: list[str] = []

    def attempt() -> bool:
        element = dash_duo.wait_for_element(f"#{element_id}", timeout=timeout)
        dash_duo.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
        )
        try:
            element.click()
        except (ElementClickInterceptedException, StaleElementReferenceException) as exc:
            problems[:] = [exc.msg or type(exc).__name__]
            return False
        return True

    try:
        until(attempt, timeout, poll=0.25)
    except TestingTimeoutError as exc:
        raise AssertionError(f"could not click #{element_id}: {problems}") from exc


def replace_text(element, text: str) -> None:
    """Replace an input's text through key presses (``clear()`` bypasses React's change events)."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)
