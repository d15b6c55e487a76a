"""SQL of ``flowcast db stats``' view of the store: profiles unused since a time, and JIRA cache
entries per query (``data.ops.stats`` adds the file's sizes from ``data.db.inspect``)."""

from __future__ import annotations

from typing import Any

from data.db.sqlite import Connection


def profiles_unused_since(conn: Connection, cutoff: str) -> list[dict[str, Any]]:
    """``{id, name, last_used}`` of profiles last used before ``cutoff`` (stored ISO format),
    longest unused first."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, name, last_used FROM profiles WHERE last_used < ? ORDER BY last_used",
            (cutoff,),
        )
    ]


def cache_entries(conn: Connection, now: str) -> list[dict[str, Any]]:
    """Per query: JIRA response and changelog cache entries, live and expired at ``now``."""
    # CASE, not SUM(boolean), and an aliased subquery: the same statement on PostgreSQL.
    rows = conn.execute(
        "SELECT profile_id, query_id, "
        "  SUM(CASE WHEN kind = 'response' AND expires_at > ? THEN 1 ELSE 0 END) "
        "    AS responses_live, "
        "  SUM(CASE WHEN kind = 'response' AND expires_at <= ? THEN 1 ELSE 0 END) "
        "    AS responses_expired, "
        "  SUM(CASE WHEN kind = 'changelog' AND expires_at > ? THEN 1 ELSE 0 END) "
        "    AS changelogs_live, "
        "  SUM(CASE WHEN kind = 'changelog' AND expires_at <= ? THEN 1 ELSE 0 END) "
        "    AS changelogs_expired "
        "FROM (SELECT profile_id, query_id, expires_at, 'response' AS kind FROM jira_cache "
        "      UNION ALL SELECT profile_id, query_id, expires_at, 'changelog' FROM jira_changelog_cache) "
        "AS entries GROUP BY profile_id, query_id ORDER BY profile_id, query_id",
        (now, now, now, now),
    ).fetchall()
    return [dict(r) for r in rows]
