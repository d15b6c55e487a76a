"""`flowcast fake-jira` as a real process: it prints its URL, serves, injects faults, stops."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx
import pytest

FLOWCAST = [sys.executable, "-c", "from cli.main import main; main()"]


@pytest.fixture()
def run_fake():
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> str:
        process = subprocess.Popen(
            [*FLOWCAST, "fake-jira", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        started.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"on (http://127\.0\.0\.1:\d+) ", line)
        assert match, f"unexpected first line {line!r}"
        return match.group(1)

    yield start
    for process in started:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_datacenter_with_a_fault_and_no_basic(run_fake) -> None:
    url = run_fake(
        "--deployment",
        "datacenter",
        "--issues",
        "20",
        "--seed",
        "3",
        "--fault",
        "503:count=1,retry_after=2",
        "--no-basic",
        "--project",
        "ops",
    )
    first = httpx.get(f"{url}/rest/api/2/serverInfo")
    assert first.status_code == 503 and first.headers["Retry-After"] == "2"
    assert httpx.get(f"{url}/rest/api/2/serverInfo").json()["deploymentType"] == "Server"
    assert httpx.get(f"{url}/rest/api/2/myself", auth=("demo", "demo-token")).status_code == 403
    page = httpx.get(
        f"{url}/rest/api/2/search",
        params={"jql": "project = OPS"},
        headers={"Authorization": "Bearer demo-token"},
    ).json()
    assert page["total"] == 20 and page["issues"][0]["key"] == "OPS-20"


def test_cloud_with_custom_credentials(run_fake) -> None:
    url = run_fake("--issues", "5", "--email", "me@example.org", "--token", "s3cret")
    assert (
        httpx.get(f"{url}/rest/api/3/myself", auth=("me@example.org", "s3cret")).json()[
            "emailAddress"
        ]
        == "me@example.org"
    )
    assert (
        httpx.get(f"{url}/rest/api/3/myself", auth=("demo@example.com", "demo-token")).status_code
        == 401
    )


def _started_with(disposition: signal.Handlers, *args: str) -> list[str]:
    """A command line that execs ``flowcast`` with SIGINT set to ``disposition`` first: a shell's
    background job (``make test &``, nohup, some CI runners) inherits SIGINT as ignored, and an
    exec keeps an ignored signal ignored."""
    start = (
        "import os, signal, sys; "
        f"signal.signal(signal.SIGINT, signal.{disposition.name}); "
        "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
    )
    return [sys.executable, "-c", start, *FLOWCAST[1:], *args]


@pytest.mark.parametrize("inherited", [signal.SIG_DFL, signal.SIG_IGN], ids=["default", "ignored"])
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_server_cleanly_whatever_it_inherited(
    inherited: signal.Handlers, stop: signal.Signals
) -> None:
    # Under SIG_IGN the SIGINT used to do nothing: the test timed out and left the server running.
    process = subprocess.Popen(
        _started_with(inherited, "fake-jira", "--port", "0", "--issues", "3"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and "on http://127.0.0.1:" in process.stdout.readline()
        process.send_signal(stop)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0 and "Stopped." in out and "Traceback" not in err
    finally:
        if process.poll() is None:  # whatever failed above, no server outlives the test
            process.kill()
            process.communicate()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--fault", "teapot"],
            "Error: Unknown fault kind 'teapot'; use one of 429, 503, 500, 502, 504, 410, "
            "reset, slow, stall, truncate, malformed, html, expire-token.\n",
        ),
        (
            ["--project", "no-such"],
            "Error: Project key 'NO-SUCH' is not a JIRA key; use 1-10 "
            "capitals/digits, e.g. DEMO.\n",
        ),
    ],
)
def test_bad_options_give_one_line_and_exit_1(args: list[str], message: str) -> None:
    done = subprocess.run(
        [*FLOWCAST, "fake-jira", "--port", "0", "--issues", "1", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1 and done.stderr == message
