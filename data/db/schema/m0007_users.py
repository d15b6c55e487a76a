"""Team accounts: users with a role and a password hash, and recent failed logins

Team mode only (docs/team.md); a local database keeps both tables empty. ``users.password_hash``
is an argon2id hash (argon2-cffi's encoded form, parameters included), never a password.
``login_failures`` holds one row per failed login for the rate limit, shared by every server
process; rows older than the limit's window are deleted as logins are checked.
"""

UP = """
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'lead', 'admin')),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE login_failures (
    username TEXT NOT NULL,
    remote_addr TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX idx_login_failures_user ON login_failures(username, at);
"""

DOWN = """
DROP INDEX idx_login_failures_user;
DROP TABLE login_failures;
DROP TABLE users;
"""

# PostgreSQL (team mode): the same tables and index, in the same SQL.
POSTGRES_UP = UP
POSTGRES_DOWN = DOWN
