"""Data Center search pages with changelogs, decoded straight into the parts a sync reads.

A page of 1,000 issues with their changelogs is ~12 MB of JSON, most of it what a sync never
reads: each history's author (with four avatar URLs), ``self`` links, ``expand``. Decoding into
typed structs (msgspec) skips those while parsing: ~40 ms a page against orjson's ~107 ms for
every object, and a third of the memory (issue 16 §3). The page, its issues and their
changelogs come out as the dicts a generic decode gives; each history is a ``History`` and each
of its items an ``Item`` (a key JIRA left out reads as None), which the sync's one reader of raw
histories (``data.jira.sync._SyncRun._read_items``) takes beside plain dicts. An answer of
another shape (a history that is not an object, a changelog that is a list …) is not this
decoder's to judge: ``search_page`` returns None and the caller decodes it the generic way, whose
readers say what is wrong.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Item(msgspec.Struct, gc=False):
    """One changelog item: which field changed, from what to what."""

    field: Any = None
    fieldId: Any = None  # noqa: N815 - JIRA's names
    from_: Any = msgspec.field(default=None, name="from")
    fromString: Any = None  # noqa: N815
    to: Any = None
    toString: Any = None  # noqa: N815

    def as_dict(self) -> dict[str, Any]:
        """The item as a generic decode gives it (a key JIRA left out reads as None)."""
        return {
            "field": self.field,
            "fieldId": self.fieldId,
            "from": self.from_,
            "fromString": self.fromString,
            "to": self.to,
            "toString": self.toString,
        }


class History(msgspec.Struct, gc=False):
    """One changelog history: its id, when, and its items."""

    id: Any = None
    created: Any = None
    items: list[Item] | None = None


class _Changelog(msgspec.Struct, gc=False):
    total: Any = None
    histories: list[History] | None = None


class _Issue(msgspec.Struct, gc=False):
    id: Any = None
    key: Any = None
    fields: Any = None
    changelog: _Changelog | None = None


class _Page(msgspec.Struct, gc=False):
    startAt: Any = None  # noqa: N815 - JIRA's names
    maxResults: Any = None  # noqa: N815
    total: Any = None
    issues: list[_Issue] | None = None


_DECODER = msgspec.json.Decoder(_Page)


def search_page(content: bytes) -> dict[str, Any] | None:
    """A ``/rest/api/2/search`` answer as ``{startAt, maxResults, total, issues}``, each issue
    ``{id, key, fields, changelog: {total, histories: [History]}}`` (a key JIRA left out reads
    as None, as ``.get`` reads it); None when the answer has another shape."""
    try:
        page = _DECODER.decode(content)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    issues = None
    if page.issues is not None:
        issues = [
            {
                "id": issue.id,
                "key": issue.key,
                "fields": issue.fields,
                "changelog": None
                if issue.changelog is None
                else {"total": issue.changelog.total, "histories": issue.changelog.histories},
            }
            for issue in page.issues
        ]
    return {
        "startAt": page.startAt,
        "maxResults": page.maxResults,
        "total": page.total,
        "issues": issues,
    }
