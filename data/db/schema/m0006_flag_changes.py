"""Each issue's Flagged field history

``issue_flag_changes`` holds one row per change of JIRA Software's Flagged field (``data.jira.flags``)
at ``changed_at``: ``value`` is what the field holds after the change (JIRA's option
``Impediment``, or what a hand-configured field sent) and NULL when the flag was cleared. Replaced
with the issue's other rows whenever the issue is fetched again with its changelog.
"""

UP = """
CREATE TABLE issue_flag_changes (
    profile_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (profile_id, issue_key, seq),
    FOREIGN KEY (profile_id, issue_key) REFERENCES issues(profile_id, issue_key) ON DELETE CASCADE
) WITHOUT ROWID;
"""

DOWN = """
DROP TABLE issue_flag_changes;
"""

# PostgreSQL (team mode): the same table; WITHOUT ROWID has no counterpart.
POSTGRES_UP = UP.replace(") WITHOUT ROWID;", ");")
POSTGRES_DOWN = DOWN
