"""JIRA statuses: each status name's JIRA category per profile, as JIRA's /status lists them

The issue store knows the category only of statuses some issue is in now; this table (filled by a
full sync, replaced as a whole in the sync's own transaction) also categorizes statuses that appear
only in transitions, so the metrics map them to a flow state without a user mapping. ``category``
is JIRA's statusCategory key (new, indeterminate, done, or undefined).
"""

UP = """
CREATE TABLE jira_statuses (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, name)
);
"""

DOWN = """
DROP TABLE jira_statuses;
"""

# PostgreSQL (team mode): the same table, in the same SQL.
POSTGRES_UP = UP
POSTGRES_DOWN = DOWN
