"""Plans: versioned JSONB plan documents, review workflow, metrics per version, approved artifacts, settings versions

Adapted from seeds/plan-versioning-jsonb.md and seeds/unified-versioning-schema.md:

- ``plans`` is the seed's current-plans table: one row per plan of a query, holding a copy of the
  current version's document (so search and the expression indexes on ``$.status`` / ``$.type``
  only ever scan current documents) plus the soft-delete fields. The expression indexes end with
  ``updated_at, id`` so "newest plans with status X" reads the first N index entries in order
  instead of sorting every match.
- ``plan_versions`` is the seed's ``plan_history``, renamed because it holds *every* version, the
  current one included: the review workflow (draft → submitted → approved / rejected) changes the
  status of old and current versions alike, and "at most one approved version per plan" is then a
  partial unique index instead of a rule spread over two tables. Content is immutable once written;
  ``archived_at`` marks when a newer version replaced it as current.
- Scope items (with their decision status and ``carried_from`` provenance) live inside the JSONB
  document, not in rows: they are part of what a version *is*, so the content hash, diff and
  rollback cover them with no extra work, and a plan has tens of items, not thousands.
- ``approved_artifacts`` is the seed's registry: one approved artifact per (query or plan, phase,
  artifact type) — the approved plan baseline, the signed-off weekly snapshot of a week.
- ``plan_metrics.value`` has no declared type on purpose: numbers stay numbers and forecast dates
  stay ISO text (any declared type would coerce one of them).
- ``profile_settings_versions`` records every change to a profile's settings (tokens masked).
"""

UP = """
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    deleted_at TEXT,
    deleted_by TEXT,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_plans_query ON plans(profile_id, query_id, updated_at DESC);
CREATE INDEX idx_plans_updated ON plans(updated_at);
CREATE UNIQUE INDEX idx_plans_live_name ON plans(profile_id, query_id, name) WHERE is_deleted = 0;
CREATE INDEX idx_plans_status ON plans(data ->> '$.status', updated_at, id);
CREATE INDEX idx_plans_type ON plans(data ->> '$.type', updated_at, id);

CREATE TABLE plan_versions (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    data BLOB NOT NULL,
    content_hash TEXT NOT NULL,
    change_summary TEXT NOT NULL DEFAULT '',
    parent_version INTEGER CHECK (parent_version IS NULL OR parent_version < version),
    version_status TEXT NOT NULL DEFAULT 'draft'
        CHECK (version_status IN ('draft', 'submitted', 'approved', 'rejected', 'superseded')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    submitted_at TEXT,
    submitted_by TEXT,
    reviewed_at TEXT,
    reviewed_by TEXT,
    review_notes TEXT,
    archived_at TEXT,
    PRIMARY KEY (plan_id, version),
    FOREIGN KEY (plan_id, parent_version) REFERENCES plan_versions(plan_id, version)
);
CREATE INDEX idx_plan_versions_created ON plan_versions(created_at);
CREATE INDEX idx_plan_versions_parent ON plan_versions(plan_id, parent_version);
CREATE UNIQUE INDEX idx_plan_versions_one_approved
    ON plan_versions(plan_id) WHERE version_status = 'approved';

CREATE TABLE plan_metrics (
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    metric_name TEXT NOT NULL,
    week TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),
    value NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, version, metric_name, week),
    FOREIGN KEY (plan_id, version) REFERENCES plan_versions(plan_id, version) ON DELETE CASCADE
);
CREATE INDEX idx_plan_metrics_name_week ON plan_metrics(plan_id, metric_name, week);

CREATE TABLE approved_artifacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    plan_id TEXT REFERENCES plans(id) ON DELETE CASCADE,
    phase TEXT NOT NULL,
    artifact_type TEXT NOT NULL,
    reference_table TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    reference_version INTEGER,
    content_hash TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    approval_notes TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX idx_approved_artifacts_one
    ON approved_artifacts(profile_id, query_id, coalesce(plan_id, ''), phase, artifact_type);
CREATE INDEX idx_approved_artifacts_plan ON approved_artifacts(plan_id);

CREATE TABLE profile_settings_versions (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    settings BLOB NOT NULL,
    content_hash TEXT NOT NULL,
    change_summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile_id, version)
);
"""

DOWN = """
DROP TABLE profile_settings_versions;
DROP INDEX idx_approved_artifacts_plan;
DROP INDEX idx_approved_artifacts_one;
DROP TABLE approved_artifacts;
DROP INDEX idx_plan_metrics_name_week;
DROP TABLE plan_metrics;
DROP INDEX idx_plan_versions_one_approved;
DROP INDEX idx_plan_versions_parent;
DROP INDEX idx_plan_versions_created;
DROP TABLE plan_versions;
DROP INDEX idx_plans_type;
DROP INDEX idx_plans_status;
DROP INDEX idx_plans_live_name;
DROP INDEX idx_plans_updated;
DROP INDEX idx_plans_query;
DROP TABLE plans;
"""

# PostgreSQL (team mode): the same tables and indexes. Dialect differences: documents are native
# JSONB; the expression indexes use ->> with a key instead of SQLite's '$.path' (the store's
# queries use the same expression, so PostgreSQL's planner matches them); identity instead of
# AUTOINCREMENT; the week check is a regular expression instead of GLOB; plan_metrics.value,
# untyped in SQLite so numbers stay numbers and dates stay text, is JSONB here for the same reason.
POSTGRES_UP = """
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    name TEXT NOT NULL,
    data JSONB NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    deleted_at TEXT,
    deleted_by TEXT,
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_plans_query ON plans(profile_id, query_id, updated_at DESC);
CREATE INDEX idx_plans_updated ON plans(updated_at);
CREATE UNIQUE INDEX idx_plans_live_name ON plans(profile_id, query_id, name) WHERE is_deleted = 0;
CREATE INDEX idx_plans_status ON plans((data ->> 'status'), updated_at, id);
CREATE INDEX idx_plans_type ON plans((data ->> 'type'), updated_at, id);

CREATE TABLE plan_versions (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    data JSONB NOT NULL,
    content_hash TEXT NOT NULL,
    change_summary TEXT NOT NULL DEFAULT '',
    parent_version INTEGER CHECK (parent_version IS NULL OR parent_version < version),
    version_status TEXT NOT NULL DEFAULT 'draft'
        CHECK (version_status IN ('draft', 'submitted', 'approved', 'rejected', 'superseded')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    submitted_at TEXT,
    submitted_by TEXT,
    reviewed_at TEXT,
    reviewed_by TEXT,
    review_notes TEXT,
    archived_at TEXT,
    PRIMARY KEY (plan_id, version),
    FOREIGN KEY (plan_id, parent_version) REFERENCES plan_versions(plan_id, version)
);
CREATE INDEX idx_plan_versions_created ON plan_versions(created_at);
CREATE INDEX idx_plan_versions_parent ON plan_versions(plan_id, parent_version);
CREATE UNIQUE INDEX idx_plan_versions_one_approved
    ON plan_versions(plan_id) WHERE version_status = 'approved';

CREATE TABLE plan_metrics (
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    metric_name TEXT NOT NULL,
    week TEXT NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-5][0-9]$'),
    value JSONB NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, version, metric_name, week),
    FOREIGN KEY (plan_id, version) REFERENCES plan_versions(plan_id, version) ON DELETE CASCADE
);
CREATE INDEX idx_plan_metrics_name_week ON plan_metrics(plan_id, metric_name, week);

CREATE TABLE approved_artifacts (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    profile_id TEXT NOT NULL,
    query_id TEXT NOT NULL,
    plan_id TEXT REFERENCES plans(id) ON DELETE CASCADE,
    phase TEXT NOT NULL,
    artifact_type TEXT NOT NULL,
    reference_table TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    reference_version INTEGER,
    content_hash TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    approval_notes TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (profile_id, query_id) REFERENCES queries(profile_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX idx_approved_artifacts_one
    ON approved_artifacts(profile_id, query_id, coalesce(plan_id, ''), phase, artifact_type);
CREATE INDEX idx_approved_artifacts_plan ON approved_artifacts(plan_id);

CREATE TABLE profile_settings_versions (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    settings JSONB NOT NULL,
    content_hash TEXT NOT NULL,
    change_summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile_id, version)
);
"""

POSTGRES_DOWN = DOWN
