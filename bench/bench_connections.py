"""Connections opened and transactions begun per user action (issue 15's unit of work).

Counts every SQLite connection the process opens and every BEGIN / BEGIN IMMEDIATE it issues
while a callback runs as the dashboard runs it: a profile switch (the header's selection
callback) and a fetch of the demo's 600 issues (the header's Fetch job: sync, then 26 weekly
snapshots). Runs unchanged on older checkouts (it finds the sqlite import point either at
data.db.sqlite or at the former data.sqlite), so before/after figures come from one script.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _sqlite_module():
    for name in ("data.db.sqlite", "data.sqlite"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise SystemExit("no sqlite import point found")


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="flowcast-bench-connections-"))
    os.environ["FLOWCAST_DATA_DIR"] = str(data_dir)
    module = _sqlite_module()
    counts: Counter[str] = Counter()
    real_connect = module.sqlite3.connect

    def counting_connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        counts["connections"] += 1

        def trace(statement: str) -> None:
            head = statement.lstrip().upper()
            if head.startswith("BEGIN IMMEDIATE"):
                counts["write transactions"] += 1
            elif head.startswith("BEGIN"):
                counts["read transactions"] += 1

        conn.set_trace_callback(trace)
        return conn

    module.sqlite3.connect = counting_connect

    from callbacks import header, shell  # noqa: E402 - after FLOWCAST_DATA_DIR is set
    from layouts import ids  # noqa: E402

    try:
        from demo import DEMO_PROFILE_ID, start_demo  # noqa: E402
    except ImportError:  # before the house issue the demo lived in data/
        from data.demo import DEMO_PROFILE_ID, start_demo  # noqa: E402
    try:
        from data.ops.startup import prepare_data_dir  # noqa: E402
    except ImportError:
        from data.startup import prepare_data_dir  # noqa: E402

    prepare_data_dir()
    fake = start_demo()
    try:
        from data.profiles import manager as pm  # noqa: E402
    except ImportError:
        from data import profile_manager as pm  # noqa: E402
    second = pm.create_profile("Second team")
    pm.create_query(second, "Everything", "project = DEMO")
    current = {"profile": DEMO_PROFILE_ID, "query": "all-work"}
    try:
        counts.clear()
        shell.update_selection(ids.HEADER_PROFILE, second, None, current)
        switch = dict(counts)
        counts.clear()
        shell.update_selection(ids.HEADER_PROFILE, DEMO_PROFILE_ID, None, current)
        counts.clear()
        try:
            alert, _version, _last = header.run_fetch(current, False, 0)
        except TypeError:  # before progress reached the page through the record alone
            alert, _version, _last = header.run_fetch(lambda _p: None, current, False, 0)
        fetch = dict(counts)
    finally:
        fake.stop()
    print(f"fetch result: {getattr(alert, 'children', alert)}")
    for action, figures in (
        ("profile switch", switch),
        ("fetch (600 issues, 26 snapshots)", fetch),
    ):
        print(
            f"{action}: {figures.get('connections', 0)} connections, "
            f"{figures.get('write transactions', 0)} write transactions (BEGIN IMMEDIATE), "
            f"{figures.get('read transactions', 0)} read transactions"
        )


if __name__ == "__main__":
    main()
