"""The one direction of imports (docs/architecture.md): callbacks and the CLI use data; data uses
SQLite and JIRA; inside data each layer imports only the layers below it.

Every import counts, also one inside a function: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("app", "demo", "callbacks", "layouts", "cli", "data", "fakejira", "server")

# data's top-level modules: the kernel every layer may use.
KERNEL = "data"
# Layer -> the data layers it may import (its own always allowed). Bottom to top.
DATA_LAYERS: dict[str, set[str]] = {
    KERNEL: set(),
    "data.db": {KERNEL},
    "data.store": {KERNEL, "data.db"},
    "data.metrics": {KERNEL},
    "data.jobs": {KERNEL, "data.store"},
    "data.plans": {KERNEL, "data.db", "data.store"},
    "data.team": {KERNEL, "data.db", "data.store"},
    "data.profiles": {KERNEL, "data.db", "data.store", "data.metrics"},
    "data.jira": {KERNEL, "data.db", "data.store", "data.jobs", "data.profiles"},
    "data.analytics": {
        KERNEL,
        "data.db",
        "data.store",
        "data.jobs",
        "data.metrics",
        "data.plans",
        "data.profiles",
        "data.jira",  # a fetch is the sync, then the snapshots
    },
    "data.legacy": {
        KERNEL,
        "data.db",
        "data.store",
        "data.jobs",
        "data.metrics",
        "data.profiles",
        "data.jira",
        "data.analytics",
    },
    "data.ops": {
        KERNEL,
        "data.db",
        "data.store",
        "data.jobs",
        "data.metrics",
        "data.plans",
        "data.profiles",
        "data.jira",
        "data.analytics",
        "data.legacy",
    },
}
# Outside data: package -> the first-party packages it may import.
OUTER: dict[str, set[str]] = {
    "layouts": set(),
    "fakejira": set(),
    "data": set(),  # and, inside, DATA_LAYERS
    "callbacks": {"layouts", "data"},
    "cli": {"data", "fakejira", "app", "layouts", "server"},  # layouts: the HTML report's builders
    "demo": {"data", "fakejira"},
    "app": {"callbacks", "data", "demo", "server"},
    "server": {"data"},  # the team server's sign-in and role checks, on Flask
}
# Third-party packages the data layer must never import (it serves CLI, jobs and notebooks too).
DATA_NEVER = ("dash", "dash_bootstrap_components", "plotly", "flask")


# SQL lives in data/db and data/store (issue 10 §2): no other module runs a statement or writes one.
SQL_HOMES = ("data.db", "data.store")
SQL_CALLS = {"execute", "executemany", "executescript"}
SQL_TEXT = re.compile(
    r"^\s*(SELECT\s.*\bFROM\s|SELECT\s+\d|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+[\w?.]+\s+SET\s"
    r"|DELETE\s+FROM\s|(CREATE|DROP)\s+(TEMP\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s|ALTER\s+TABLE\s"
    r"|PRAGMA\s|WITH\s+RECURSIVE\s|BEGIN(\s+IMMEDIATE)?\s*$|COMMIT\s*$|ROLLBACK\s*$|VACUUM\b"
    r"|ATTACH\s)",
    re.DOTALL,
)


def _text(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with ``?`` for each placeholder."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
    return None


def _sql_uses(path: Path) -> list[str]:
    """Each call of a DB-API execute method and each SQL statement written in ``path``."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}()")
        text = _text(node)
        if text is not None and SQL_TEXT.match(text):
            found.append(f"line {node.lineno}: SQL {text.strip()[:40]!r}")
    return found


def _sql_outside_the_store() -> list[str]:
    problems = []
    for name, path in _modules():
        if name.split(".")[0] == "fakejira" or name.startswith(SQL_HOMES):
            continue
        problems += [f"{name} {use}" for use in _sql_uses(path)]
    return problems


def _modules() -> list[tuple[str, Path]]:
    found = []
    for top in FIRST_PARTY:
        single = ROOT / f"{top}.py"
        if single.exists():
            found.append((top, single))
            continue
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, resolved to absolute dotted names."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets.add(module)
            # ``from data import jobs`` imports the module data.jobs
            targets.update(
                f"{module}.{alias.name}"
                for alias in node.names
                if _is_module(f"{module}.{alias.name}")
            )
    return targets


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _data_layer(module: str) -> str | None:
    """The layer a data module belongs to, None when ``module`` is not a data module."""
    parts = module.split(".")
    if parts[0] != "data":
        return None
    if len(parts) == 1:
        return KERNEL
    candidate = f"data.{parts[1]}"
    if candidate in DATA_LAYERS:
        return candidate
    return KERNEL if (ROOT / "data" / f"{parts[1]}.py").exists() else None


def _violations() -> list[str]:
    problems = []
    for name, path in _modules():
        top = name.split(".")[0]
        for target in sorted(_imports(name, path)):
            target_top = target.split(".")[0]
            if top == "data" and target_top in DATA_NEVER:
                problems.append(f"{name} imports {target} (the data layer never imports the UI)")
                continue
            if target_top not in FIRST_PARTY or target_top == top and top != "data":
                continue
            if target_top != top:
                if target_top not in OUTER[top]:
                    problems.append(f"{name} imports {target}")
                continue
            source_layer, target_layer = _data_layer(name), _data_layer(target)
            if target_layer is None or source_layer is None or target_layer == source_layer:
                continue
            if target_layer not in DATA_LAYERS[source_layer]:
                problems.append(f"{name} ({source_layer}) imports {target} ({target_layer})")
    return problems


def test_every_import_follows_the_layers() -> None:
    assert _violations() == []


def test_every_data_package_has_a_layer() -> None:
    packages = {p.name for p in (ROOT / "data").iterdir() if (p / "__init__.py").exists()}
    assert {f"data.{p}" for p in packages} == set(DATA_LAYERS) - {KERNEL, "data.jobs"}


def test_sql_lives_in_the_store() -> None:
    """Only data/db and data/store run SQL, so a second database is one new store, not a hunt."""
    assert _sql_outside_the_store() == []


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("data.plans.versions", "conn.execute('SELECT 1')", True),
        ("data.ops.startup", "def f(c):\n    c.executemany(q, rows)", True),
        ("callbacks.plans", "c.executescript(script)", True),
        ("data.plans.versions", "Q = 'SELECT id FROM plans WHERE id = ?'", True),
        ("data.analytics.x", "Q = ('INSERT INTO t (a) '\n     'VALUES (?)')", True),
        ("data.jira.client", "Q = f'UPDATE {table} SET a = ?'", True),
        ("cli.db", "Q = 'PRAGMA integrity_check'", True),
        ("data.store.plans", "conn.execute('SELECT id FROM plans')", False),
        ("data.db.connection", "conn.execute('BEGIN IMMEDIATE')", False),
        ("data.plans.versions", "msg = 'Select a plan from the list.'", False),
        ("data.plans.workflow", "msg = 'Update the plan, then submit it.'", False),
    ],
)
def test_the_check_catches_sql_outside_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str, expected: bool
) -> None:
    path = tmp_path / (name.rpartition(".")[2] + ".py")
    path.write_text(source)
    monkeypatch.setattr("tests.unit.test_layers._modules", lambda: [(name, path)], raising=True)
    assert bool(_sql_outside_the_store()) is expected


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("data.db.connection", "from data.ops.verify import run_integrity_checks", True),
        ("data.metrics.flow", "import data.store.issues", True),
        ("data.store.audit", "def f():\n    from data.profiles import manager", True),
        ("data.store.audit", "from dash import html", True),
        ("layouts.flow", "from data.metrics.mappings import FLOW_ITEMS", True),
        ("fakejira.server", "from data.errors import FlowcastError", True),
        ("data.analytics.report", "from data.metrics import flow", False),
        ("data.store.issues", "from data.errors import ValidationError", False),
        ("callbacks.flow", "from layouts import flow", False),
    ],
)
def test_the_check_catches_a_wrong_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str, expected: bool
) -> None:
    """The rule itself: a module with one import, checked as if it lived at ``name``."""
    path = tmp_path / (name.rpartition(".")[2] + ".py")
    path.write_text(source)
    monkeypatch.setattr("tests.unit.test_layers._modules", lambda: [(name, path)], raising=True)
    assert bool(_violations()) is expected
