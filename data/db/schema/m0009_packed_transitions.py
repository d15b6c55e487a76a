"""Each issue's status transitions packed in its row, for the metrics read

``issue_transitions`` stays the record (one row per transition: export, verify, db copy). Beside
it, each issue row keeps what the metrics read of them (``data.store.query_rows``), so reading a
query is one row per issue rather than one per transition (ten times as many):

- ``transition_times``: the transitions' times in ``seq`` order as big-endian 64-bit epoch
  milliseconds, 8 bytes each (``-9223372036854775808`` for a time the database cannot read,
  NaT to numpy); empty when the issue has none;
- ``transition_statuses``: their target statuses in the same order, as a JSON array of text;
- ``initial_status``: the status the issue was created in, where the first transition came from
  (its target if JIRA left "from" empty); NULL when there is no transition.

Whatever writes an issue's transitions writes these in the same transaction
(``data.store.issues.pack_transitions``); the step below fills them for the rows already stored.
Big-endian because both engines build it in SQL: SQLite as ``unhex`` of ``printf('%016x')``
(two's complement for a negative value), PostgreSQL as ``int8send``. On SQLite the times' column
is declared without a type (BLOB affinity): a column declared BLOB holds a JSONB document in this
schema (``flowcast verify`` checks those, ``db copy`` converts them).
"""

UP = """
ALTER TABLE issues ADD COLUMN transition_times NOT NULL DEFAULT x'';
ALTER TABLE issues ADD COLUMN transition_statuses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE issues ADD COLUMN initial_status TEXT;
UPDATE issues SET
    transition_times = (
        SELECT unhex(group_concat(printf('%016x', coalesce(
            CAST(round(unixepoch(t.changed_at, 'subsec') * 1000) AS INTEGER),
            -9223372036854775808)), '' ORDER BY t.seq))
        FROM issue_transitions t
        WHERE t.profile_id = issues.profile_id AND t.issue_key = issues.issue_key),
    transition_statuses = (
        SELECT json_group_array(t.to_status ORDER BY t.seq) FROM issue_transitions t
        WHERE t.profile_id = issues.profile_id AND t.issue_key = issues.issue_key),
    initial_status = (
        SELECT coalesce(t.from_status, t.to_status) FROM issue_transitions t
        WHERE t.profile_id = issues.profile_id AND t.issue_key = issues.issue_key
        ORDER BY t.seq LIMIT 1)
WHERE EXISTS (
    SELECT 1 FROM issue_transitions t
    WHERE t.profile_id = issues.profile_id AND t.issue_key = issues.issue_key);
"""

DOWN = """
ALTER TABLE issues DROP COLUMN initial_status;
ALTER TABLE issues DROP COLUMN transition_statuses;
ALTER TABLE issues DROP COLUMN transition_times;
"""

# PostgreSQL (team mode): the same columns (bytea for the times) and backfill, the times from a
# timestamptz cast and int8send, the statuses by json_agg.
POSTGRES_UP = (
    UP.replace(
        "ADD COLUMN transition_times NOT NULL DEFAULT x''",
        "ADD COLUMN transition_times BYTEA NOT NULL DEFAULT ''::bytea",
    )
    .replace(
        """SELECT unhex(group_concat(printf('%016x', coalesce(
            CAST(round(unixepoch(t.changed_at, 'subsec') * 1000) AS INTEGER),
            -9223372036854775808)), '' ORDER BY t.seq))""",
        """SELECT string_agg(int8send(coalesce(
            round(extract(epoch FROM t.changed_at::timestamptz) * 1000)::bigint,
            (-9223372036854775808)::bigint)), ''::bytea ORDER BY t.seq)""",
    )
    .replace(
        "SELECT json_group_array(t.to_status ORDER BY t.seq)",
        "SELECT json_agg(t.to_status ORDER BY t.seq)::text",
    )
)

POSTGRES_DOWN = DOWN
