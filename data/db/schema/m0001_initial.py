"""Initial schema: profiles, queries, app state, JIRA caches, issue store, statistics, snapshots, progress, audit

The research seed's tables with its foreign-key bug fixed: children reference
``queries(profile_id, id)``, so ``queries`` has the composite primary key ``(profile_id, id)``.
Document columns are JSONB (written with ``jsonb(?)``, read with ``json(col)``); the JIRA cache
responses stay JSON text because they are always returned whole (measured faster, DESIGN.md 1).
"""

UP = """
CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used TEXT NOT NULL,
    jira_config BLOB NOT NULL DEFAULT (jsonb('{}')),
    field_mappings BLOB NOT NULL DEFAULT (jsonb('{}')),
    forecast_settings BLOB NOT NULL DEFAULT (jsonb('{}')),
    project_classification BLOB NOT NULL DEFAULT (jsonb('{}')),
    flow_type_mappings BLOB NOT NULL DEFAULT (jsonb('{}')),
    extra BLOB NOT NULL DEFAULT (jsonb('{}')),
    show_milestone INTEGER NOT NULL DEFAULT 0 CHECK (show_milestone IN (0, 1)),
    show_points INTEGER NOT NULL DEFAULT 0 CHECK (show_points IN (0, 1))
);
CREATE INDEX idx_profiles_last_used ON profiles(last_used DESC);
CREATE INDEX idx_profiles_jira_url ON profiles(jira_config ->> '$.base_url');

CREATE TABLE queries (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    jql TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used TEXT NOT NULL,
    extra BLOB NOT NULL DEFAULT (jsonb('{}')),
    PRIMARY KEY (profile_id, id),
    UNIQUE (profile_id, name)
);
CREATE INDEX idx_queries_profile ON queries(profile_id, last_used DESC);

CREATE TABLE app_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL
);

CREATE TABLE jira_cache (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    response TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    UNIQUE (profile_id, query_id, cache_key)
);
CREATE INDEX idx_jira_cache_expiry ON jira_cache(expires_at);

CREATE TABLE jira_changelog_cache (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    changelog TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    UNIQUE (profile_id, query_id, issue_key)
);
CREATE INDEX idx_changelog_expiry ON jira_changelog_cache(expires_at);

CREATE TABLE issues (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    issue_key TEXT NOT NULL,
    issue_id TEXT NOT NULL,
    project_key TEXT NOT NULL DEFAULT '',
    issue_type TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    status_category TEXT NOT NULL DEFAULT '',
    priority TEXT,
    created TEXT NOT NULL,
    updated TEXT,
    resolved TEXT,
    points REAL,
    fields BLOB NOT NULL DEFAULT (jsonb('{}')),
    changelog_total INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, issue_key)
);
CREATE INDEX idx_issues_updated ON issues(profile_id, updated);

CREATE TABLE issue_transitions (
    profile_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    history_id TEXT,
    PRIMARY KEY (profile_id, issue_key, seq),
    FOREIGN KEY (profile_id, issue_key) REFERENCES issues(profile_id, issue_key) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE query_issues (
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, query_id, issue_key),
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    FOREIGN KEY (profile_id, issue_key) REFERENCES issues(profile_id, issue_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX idx_query_issues_issue ON query_issues(profile_id, issue_key);

CREATE TABLE project_data (
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    data BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, query_id),
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE
);

CREATE TABLE metrics_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    snapshot_date TEXT NOT NULL CHECK (snapshot_date GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),
    metric_type TEXT NOT NULL,
    metrics BLOB NOT NULL,
    forecast BLOB,
    created_at TEXT NOT NULL,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    UNIQUE (profile_id, query_id, snapshot_date, metric_type)
);
CREATE INDEX idx_snapshots_query_type_date
    ON metrics_snapshots(profile_id, query_id, metric_type, snapshot_date DESC);

CREATE TABLE task_progress (
    task_name TEXT PRIMARY KEY,
    progress_percent REAL NOT NULL CHECK (progress_percent BETWEEN 0 AND 100),
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    message TEXT NOT NULL DEFAULT '',
    details BLOB NOT NULL DEFAULT (jsonb('{}')),
    cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    old_value BLOB,
    new_value BLOB,
    actor TEXT NOT NULL DEFAULT '',
    session_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_audit_entity ON audit_log(entity_type, entity_id);
CREATE INDEX idx_audit_at ON audit_log(at);
"""

DOWN = """
DROP TABLE audit_log;
DROP TABLE task_progress;
DROP TABLE metrics_snapshots;
DROP TABLE project_data;
DROP TABLE query_issues;
DROP TABLE issue_transitions;
DROP TABLE issues;
DROP TABLE jira_changelog_cache;
DROP TABLE jira_cache;
DROP TABLE app_state;
DROP TABLE queries;
DROP TABLE profiles;
"""

# PostgreSQL (team mode): the same tables, keys and indexes. Dialect differences: documents are
# native JSONB (SQLite stores its binary JSONB in BLOB columns); the JSON path index uses ->> with
# a key instead of SQLite's '$.path'; AUTOINCREMENT ids are identity columns; the week check is a
# regular expression instead of GLOB; app_state.value's json_valid check is a cast to jsonb;
# REAL is double precision; WITHOUT ROWID has no counterpart (every PostgreSQL table is a heap).
POSTGRES_UP = """
CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used TEXT NOT NULL,
    jira_config JSONB NOT NULL DEFAULT '{}'::jsonb,
    field_mappings JSONB NOT NULL DEFAULT '{}'::jsonb,
    forecast_settings JSONB NOT NULL DEFAULT '{}'::jsonb,
    project_classification JSONB NOT NULL DEFAULT '{}'::jsonb,
    flow_type_mappings JSONB NOT NULL DEFAULT '{}'::jsonb,
    extra JSONB NOT NULL DEFAULT '{}'::jsonb,
    show_milestone INTEGER NOT NULL DEFAULT 0 CHECK (show_milestone IN (0, 1)),
    show_points INTEGER NOT NULL DEFAULT 0 CHECK (show_points IN (0, 1))
);
CREATE INDEX idx_profiles_last_used ON profiles(last_used DESC);
CREATE INDEX idx_profiles_jira_url ON profiles((jira_config ->> 'base_url'));

CREATE TABLE queries (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    jql TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used TEXT NOT NULL,
    extra JSONB NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (profile_id, id),
    UNIQUE (profile_id, name)
);
CREATE INDEX idx_queries_profile ON queries(profile_id, last_used DESC);

CREATE TABLE app_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (value::jsonb IS NOT NULL),
    updated_at TEXT NOT NULL
);

CREATE TABLE jira_cache (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    response TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    UNIQUE (profile_id, query_id, cache_key)
);
CREATE INDEX idx_jira_cache_expiry ON jira_cache(expires_at);

CREATE TABLE jira_changelog_cache (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    changelog TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    UNIQUE (profile_id, query_id, issue_key)
);
CREATE INDEX idx_changelog_expiry ON jira_changelog_cache(expires_at);

CREATE TABLE issues (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    issue_key TEXT NOT NULL,
    issue_id TEXT NOT NULL,
    project_key TEXT NOT NULL DEFAULT '',
    issue_type TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    status_category TEXT NOT NULL DEFAULT '',
    priority TEXT,
    created TEXT NOT NULL,
    updated TEXT,
    resolved TEXT,
    points DOUBLE PRECISION,
    fields JSONB NOT NULL DEFAULT '{}'::jsonb,
    changelog_total INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, issue_key)
);
CREATE INDEX idx_issues_updated ON issues(profile_id, updated);

CREATE TABLE issue_transitions (
    profile_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    history_id TEXT,
    PRIMARY KEY (profile_id, issue_key, seq),
    FOREIGN KEY (profile_id, issue_key) REFERENCES issues(profile_id, issue_key) ON DELETE CASCADE
);

CREATE TABLE query_issues (
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    issue_key TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, query_id, issue_key),
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    FOREIGN KEY (profile_id, issue_key) REFERENCES issues(profile_id, issue_key) ON DELETE CASCADE
);
CREATE INDEX idx_query_issues_issue ON query_issues(profile_id, issue_key);

CREATE TABLE project_data (
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    data JSONB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (profile_id, query_id),
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE
);

CREATE TABLE metrics_snapshots (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    snapshot_date TEXT NOT NULL CHECK (snapshot_date ~ '^[0-9]{4}-W[0-5][0-9]$'),
    metric_type TEXT NOT NULL,
    metrics JSONB NOT NULL,
    forecast JSONB,
    created_at TEXT NOT NULL,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE,
    UNIQUE (profile_id, query_id, snapshot_date, metric_type)
);
CREATE INDEX idx_snapshots_query_type_date
    ON metrics_snapshots(profile_id, query_id, metric_type, snapshot_date DESC);

CREATE TABLE task_progress (
    task_name TEXT PRIMARY KEY,
    progress_percent DOUBLE PRECISION NOT NULL CHECK (progress_percent BETWEEN 0 AND 100),
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    message TEXT NOT NULL DEFAULT '',
    details JSONB NOT NULL DEFAULT '{}'::jsonb,
    cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    old_value JSONB,
    new_value JSONB,
    actor TEXT NOT NULL DEFAULT '',
    session_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_audit_entity ON audit_log(entity_type, entity_id);
CREATE INDEX idx_audit_at ON audit_log(at);
"""

POSTGRES_DOWN = DOWN
