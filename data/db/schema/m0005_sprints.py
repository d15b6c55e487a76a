"""Sprints of a profile's Scrum board and each issue's Sprint field history

``jira_sprints`` holds the board's sprints as the Agile API lists them (replaced per board by each
sync, in its own transaction); ``issue_sprint_changes`` one row per sprint an issue joined
(``joined`` 1) or left (0) at ``changed_at``, from the Sprint field's changelog, replaced with the
issue's other rows whenever the issue is fetched again. Epic and sub-task parents stay in the
issue's ``fields`` (``parent``, ``subtask``).
"""

UP = """
CREATE TABLE jira_sprints (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    sprint_id INTEGER NOT NULL,
    board_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('closed', 'active', 'future')),
    start_at TEXT,
    end_at TEXT,
    complete_at TEXT,
    goal TEXT NOT NULL DEFAULT '',
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, sprint_id)
);
CREATE INDEX idx_jira_sprints_board ON jira_sprints(profile_id, board_id);

CREATE TABLE issue_sprint_changes (
    profile_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    sprint_id INTEGER NOT NULL,
    joined INTEGER NOT NULL CHECK (joined IN (0, 1)),
    PRIMARY KEY (profile_id, issue_key, seq),
    FOREIGN KEY (profile_id, issue_key) REFERENCES issues(profile_id, issue_key) ON DELETE CASCADE
) WITHOUT ROWID;
"""

DOWN = """
DROP TABLE issue_sprint_changes;
DROP INDEX idx_jira_sprints_board;
DROP TABLE jira_sprints;
"""

# PostgreSQL (team mode): the same tables and index; WITHOUT ROWID has no counterpart.
POSTGRES_UP = UP.replace(") WITHOUT ROWID;", ");")
POSTGRES_DOWN = DOWN
