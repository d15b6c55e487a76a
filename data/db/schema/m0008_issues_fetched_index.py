"""Index issues by profile and fetch time, for the data fingerprint's newest fetch

Every dashboard read and backfill starts with ``data.store.query_rows.FINGERPRINT_SQL``, whose
``MAX(fetched_at) ... WHERE profile_id = ?`` otherwise visits every issue row of the profile (the
primary key orders them by key, not by fetch time). With ``(profile_id, fetched_at)`` SQLite and
PostgreSQL find the maximum at the end of the profile's index range instead.
"""

UP = """
CREATE INDEX idx_issues_fetched ON issues(profile_id, fetched_at);
"""

DOWN = """
DROP INDEX idx_issues_fetched;
"""

# PostgreSQL (team mode): the same index, in the same SQL.
POSTGRES_UP = UP
POSTGRES_DOWN = DOWN
