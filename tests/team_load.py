"""A team server under load, as the load test and bench/bench_team_load.py drive it (issue 14 §4,
§5): `flowcast serve --team` under gunicorn and `flowcast worker` processes, real processes on
real Redis; simulated users (httpx, each signed in, a bounded loop) switch pages and queries
while leads' jobs run on the workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from layouts import ids
from tests.team_support import SECRET, dash_request, sign_in

FLOWCAST = Path(sys.executable).with_name("flowcast")
PAGES = ("/", "/flow", "/dora", "/review", "/plans", "/settings")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerURL(str):
    """A running team server's base URL; ``process_group``: the group of its gunicorn processes
    (a benchmark reads their CPU time)."""

    process_group: int = 0


@contextmanager
def team_server(
    data_dir: Path,
    redis_url: str | None,
    *,
    web_workers: int,
    job_workers: int = 0,
    database_url: str | None = None,
) -> Iterator[ServerURL]:
    """The base URL of a running team server with ``job_workers`` Celery workers (jobs through
    ``redis_url``; None: each server worker runs its own); every process stopped at the end.

    With ``database_url`` everything runs on that PostgreSQL database, and each worker is "another
    machine": a data directory of its own (``data_dir``/worker-N), nothing shared with the server
    but the database and Redis."""
    port = free_port()
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(data_dir), "FLOWCAST_SECRET_KEY": SECRET}
    if database_url:
        env["FLOWCAST_DATABASE_URL"] = database_url
    queue = ["--redis-url", redis_url] if redis_url else []
    # Its output goes to a file, read if it stops: a pipe nobody reads fills up on a long run
    # and blocks the server on its next log line.
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        [str(FLOWCAST), "serve", "--team", "--port", str(port), "--workers", str(web_workers),
         *queue, "--insecure-cookies"],
        env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    processes = [server] + [
        start_worker(str(redis_url), worker_dir(data_dir, n) if database_url else data_dir, env)
        for n in range(job_workers)
    ]
    base = ServerURL(f"http://127.0.0.1:{port}")
    base.process_group = server.pid
    try:
        _wait_until_serving(base, server, log)
        yield base
    finally:
        for process in processes:
            _stop(process)
        log.close()


def worker_dir(data_dir: Path, n: int) -> Path:
    """The data directory of worker ``n`` on "another machine" (created empty)."""
    directory = data_dir / f"worker-{n}"
    directory.mkdir(exist_ok=True)
    return directory


def start_worker(redis_url: str, data_dir: Path, env: dict[str, str]) -> subprocess.Popen:
    """A `flowcast worker` (one job at a time) in its own process group, so stopping or killing
    it takes its pool child too."""
    return subprocess.Popen(
        [str(FLOWCAST), "worker", "--redis-url", redis_url, "--concurrency", "1"],
        env={**env, "FLOWCAST_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _wait_until_serving(base: str, server: subprocess.Popen, log: IO[str]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise AssertionError(f"the team server stopped: {log.read()}")
        try:
            if httpx.get(base + "/login", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("the team server did not answer within 180 s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


@dataclass
class Outcome:
    """What the simulated users saw: each request's status and seconds, and any exception."""

    timings: list[tuple[int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float) -> None:
        with self.lock:
            self.timings.append((status, seconds))

    def failed(self) -> list[tuple[int, float]]:
        return [t for t in self.timings if t[0] != 200]

    def p95(self) -> float:
        ordered = sorted(seconds for _, seconds in self.timings)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def page_body(callback_map: dict, path: str, selection: dict) -> dict:
    output = next(o for o in callback_map if o.startswith(f"{ids.PAGE}."))
    return dash_request(callback_map, output, {ids.URL: path, ids.SELECTION: selection})


def sign_in_all(base: str, usernames: list[str]) -> dict[str, httpx.Client]:
    """A signed-in client per user (one at a time: each sign-in is an argon2 check)."""
    return {name: sign_in(base, name, timeout=300) for name in usernames}


def simulate_users(
    base: str,
    usernames: list[str],
    callback_map: dict,
    selections: list[dict],
    rounds: int,
    pages: tuple[str, ...] = PAGES,
    clients: dict[str, httpx.Client] | None = None,
) -> Outcome:
    """Each user signs in (or uses its client of ``clients``, signed in before), then
    ``rounds`` times opens each of ``pages`` for the next query in turn (a page switch and a
    query switch), all users at once; returns what they saw."""
    outcome = Outcome()

    def user(index: int, name: str) -> None:
        try:
            client = clients[name] if clients else sign_in(base, name, timeout=300)
            for round_ in range(rounds):
                selection = selections[(index + round_) % len(selections)]
                for path in pages:
                    started = time.perf_counter()
                    answer = client.post(
                        "/_dash-update-component", json=page_body(callback_map, path, selection)
                    )
                    outcome.add(answer.status_code, time.perf_counter() - started)
        except Exception as exc:  # a user's crash is an error the caller reports
            with outcome.lock:
                outcome.errors.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=user, args=(i, name), daemon=True)
        for i, name in enumerate(usernames)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def start_job(client: httpx.Client, callback_map: dict, output: str, values: dict) -> None:
    """Press a job's button as the page would: the answer names the queued job."""
    answer = client.post("/_dash-update-component", json=dash_request(callback_map, output, values))
    assert answer.status_code == 200 and "job" in answer.json(), answer.text


__all__ = [
    "free_port",
    "page_body",
    "sign_in_all",
    "simulate_users",
    "start_job",
    "start_worker",
    "team_server",
    "worker_dir",
]
