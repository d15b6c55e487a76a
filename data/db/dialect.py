"""The two SQL dialects of the store, side by side: SQLite (local) and PostgreSQL (a team database).

Every store module writes a statement once, in what both engines run alike: ``?`` and ``?NNN``
placeholders, ``INSERT … ON CONFLICT (…) DO UPDATE SET x = excluded.x``, ``RETURNING``, window
functions, recursive CTEs, ``jsonb(?)`` to store a document and ``json(col)`` to read it back as
text. The last two are portable because PostgreSQL's connections bind values on the client
(psycopg's ``ClientCursor``): the value arrives as a quoted literal, and ``jsonb('…')`` /
``json(col)`` are PostgreSQL's function-style casts. What differs lives in a ``Dialect``:

- placeholder style: psycopg takes ``%s`` / ``%(name)s``; ``translate`` rewrites a statement's
  placeholders once per statement text (cached), never its values;
- JSON path extraction as text: ``col ->> '$.a.b'`` on SQLite, ``col ->> 'a'`` (one step, the form
  PostgreSQL's expression indexes are written in) or ``col #>> '{a,b}'`` on PostgreSQL;
- how a write that reads first is serialized: ``BEGIN IMMEDIATE`` takes SQLite's one write lock;
  on PostgreSQL ``BEGIN`` and a transaction-level advisory lock, one per database, so read-then-
  write transactions queue the same way (READ COMMITTED: each statement after the lock sees
  every earlier writer's commit);
- a read transaction (one snapshot for several statements) and the ``LIMIT`` value for "no limit";
- an untyped value column (``plan_metrics.value``: a number or a text): SQLite stores the value
  as it is, PostgreSQL as a jsonb scalar (``encode_value`` / ``value_param`` / ``value_column`` /
  ``decode_value``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

# The advisory lock every PostgreSQL write transaction takes (a constant: "flowcast" in ASCII).
WRITE_LOCK_KEY = 0x666C6F77636173
LOCK_TIMEOUT = "10s"  # as SQLite's busy timeout

_PATH_STEP_RE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")
_PATH_RE = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])+")


@dataclass(frozen=True)
class Dialect:
    name: str
    begin_write: tuple[str, ...]
    begin_read: str
    no_limit: int | None

    def json_text(self, column: str, path: str) -> str:
        """SQL for the value at a constant ``path`` of a JSON column, as text: ``column`` is a
        fixed column name and ``path`` a constant or one ``data.store.json_paths`` validated
        (``$.a.b[0]``), never raw input."""
        if not _PATH_RE.fullmatch(path):
            raise ValueError(f"{path!r} is not a validated JSON path")
        if self.name == SQLITE:
            return f"{column} ->> '{path}'"
        steps = path_steps(path)
        if len(steps) == 1 and not steps[0].isdigit():
            return f"{column} ->> '{steps[0]}'"
        return f"{column} #>> '{{{','.join(steps)}}}'"

    @property
    def value_param(self) -> str:
        return "?" if self.name == SQLITE else "jsonb(?)"

    def value_column(self, column: str) -> str:
        return column if self.name == SQLITE else f"json({column})"

    def encode_value(self, value: Any) -> Any:
        return value if self.name == SQLITE else json.dumps(value)

    def decode_value(self, value: Any) -> Any:
        return value if self.name == SQLITE else json.loads(value)


def path_steps(path: str) -> list[str]:
    """The keys and indexes of a validated ``$.a.b[0]`` path, as PostgreSQL's ``#>`` takes them
    (``['a', 'b', '0']``)."""
    return [key or index for key, index in _PATH_STEP_RE.findall(path)]


SQLITE_DIALECT = Dialect(SQLITE, ("BEGIN IMMEDIATE",), "BEGIN", -1)
POSTGRESQL_DIALECT = Dialect(
    POSTGRESQL,
    (
        "BEGIN",
        f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'",
        f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})",
    ),
    "BEGIN ISOLATION LEVEL REPEATABLE READ",
    None,
)


def dialect_of(conn: Any) -> Dialect:
    """The dialect a store connection speaks (PostgreSQL connections say so; the rest are SQLite)."""
    return getattr(conn, "dialect", SQLITE_DIALECT)


_NUMBERED_RE = re.compile(r"\?(\d+)")


@lru_cache(maxsize=1024)
def translate(sql: str, with_params: bool) -> tuple[str, bool]:
    """``sql`` with psycopg placeholders, and whether they are named (``?NNN`` → ``%(pNNN)s``, to
    be bound from a dict; plain ``?`` → ``%s``). Quoted text is left alone; with parameters a
    literal ``%`` is doubled, as psycopg reads ``%`` everywhere else as a placeholder."""
    if not with_params:
        return sql, False
    out: list[str] = []
    numbered = plain = False
    position, quote = 0, ""
    while position < len(sql):
        char = sql[position]
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "%":
            out.append("%%")
        elif char == "?":
            match = _NUMBERED_RE.match(sql, position)
            if match:
                numbered = True
                out.append(f"%(p{match.group(1)})s")
                position = match.end()
                continue
            plain = True
            out.append("%s")
        else:
            out.append(char)
        position += 1
    if numbered and plain:
        raise ValueError(f"A statement mixes ? and ?NNN placeholders: {sql[:80]!r}")
    return "".join(out), numbered


def bind(params: Any, named: bool) -> Any:
    """The parameters for a translated statement: by name for ``?NNN``, else as given."""
    if not named:
        return params
    return {f"p{n}": value for n, value in enumerate(params, start=1)}
