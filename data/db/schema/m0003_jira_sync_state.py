"""JIRA sync state: per query, when it last synced, its incremental watermark and the last error

One row per (profile, query), written in the same transaction as the issues it describes, so the
watermark can never run ahead of the data. ``watermark`` is the UTC time the last successful sync
started fetching; the next incremental sync asks JIRA for ``updated >= watermark - margin`` in the
JIRA user's time zone (``jira_time_zone``). ``jql_hash`` forces a full sync when the query's JQL
changed. ``last_error`` is set by a failed sync and cleared by the next good one.
"""

UP = """
CREATE TABLE jira_sync_state (
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    deployment TEXT NOT NULL DEFAULT '' CHECK (deployment IN ('', 'cloud', 'datacenter')),
    jql_hash TEXT NOT NULL DEFAULT '',
    jira_time_zone TEXT NOT NULL DEFAULT 'UTC',
    watermark TEXT,
    last_sync_at TEXT,
    last_full_sync_at TEXT,
    last_mode TEXT NOT NULL DEFAULT '' CHECK (last_mode IN ('', 'full', 'incremental')),
    issue_count INTEGER NOT NULL DEFAULT 0,
    transition_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at TEXT,
    PRIMARY KEY (profile_id, query_id),
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
"""

DOWN = """
DROP TABLE jira_sync_state;
"""

# PostgreSQL (team mode): the same table; WITHOUT ROWID has no counterpart.
POSTGRES_UP = UP.replace(") WITHOUT ROWID;", ");")
POSTGRES_DOWN = DOWN
