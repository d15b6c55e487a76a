"""Flowcast's exception hierarchy. Every message says what happened and what to do, in one sentence.

FlowcastError
├── ConfigError                 bad settings, data directory or environment
│   └── SQLiteTooOldError       the linked SQLite lacks JSONB
├── DatabaseError               the database file cannot be used as it is
│   ├── SchemaError             schema newer than this code, or an edited migration
│   └── IntegrityCheckError     verify/integrity check found problems
├── NotFoundError               a profile, query, plan … that does not exist
├── ValidationError             input that breaks a rule (names, week keys, JSON paths …)
│   └── ConflictError           a name or state that clashes with existing data
├── LegacyDataError             a legacy JSON file that cannot be migrated (names file and path)
├── StorageFullError            the disk or the database's page limit is full
├── JiraError                   anything JIRA said or failed to say (subclasses in data/jira)
├── AuthError                   a team-mode login that failed (wrong password, rate limit …)
├── PermissionDenied            a team-mode action the user's role does not allow
└── TaskCancelled               a long job stopped at the user's request
"""

from __future__ import annotations


class FlowcastError(Exception):
    """Base class for errors Flowcast reports to the user as one sentence."""


class ConfigError(FlowcastError):
    """Settings, data directory or environment cannot be used."""


class SQLiteTooOldError(ConfigError):
    """The SQLite library is older than 3.45 and cannot read JSONB."""


class DatabaseError(FlowcastError):
    """The database file cannot be used as it is."""


class SchemaError(DatabaseError):
    """The schema is newer than this code, or an applied migration was edited."""


class IntegrityCheckError(DatabaseError):
    """An integrity or consistency check failed."""


class NotFoundError(FlowcastError):
    """The named entity does not exist."""


class ValidationError(FlowcastError):
    """Input breaks a rule."""


class ConflictError(ValidationError):
    """Input clashes with existing data."""


class LegacyDataError(FlowcastError):
    """A legacy JSON file cannot be migrated; the message names the file and JSON path."""

    def __init__(self, file: str, json_path: str, problem: str):
        self.file = file
        self.json_path = json_path
        self.problem = problem
        where = f"{file}: {json_path}" if json_path else file
        super().__init__(f"{where}: {problem}")


class StorageFullError(FlowcastError):
    """The disk or the database's size limit is full."""


class JiraError(FlowcastError):
    """JIRA could not be reached or refused the request."""


class AuthError(FlowcastError):
    """A login failed: wrong name or password, a disabled account, too many attempts."""


class PermissionDenied(FlowcastError):
    """The signed-in user's role does not allow the action."""


class TaskCancelled(FlowcastError):
    """A long-running job was cancelled by the user."""


# The same message reaches a dashboard alert and a terminal: a hint names the place in the dashboard
# first, then the CLI command.
RESTORE_HINT = "restore a backup (Data page → Restore the chosen backup, or `flowcast restore`)"


def no_profile(profile_id: str) -> NotFoundError:
    return NotFoundError(
        f"No profile {profile_id!r}; pick one in the header's Profile list or create one in "
        "Settings → Profiles (`flowcast profile list` lists them)."
    )


def no_query(profile_id: str, query_id: str) -> NotFoundError:
    return NotFoundError(
        f"No query {query_id!r} in profile {profile_id!r}; pick one in the header's Query list or "
        f"create one in Settings → Queries (`flowcast query list --profile {profile_id}` lists them)."
    )
