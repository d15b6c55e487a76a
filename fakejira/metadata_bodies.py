"""Bodies of the metadata endpoints: serverInfo, myself, field, status, statuscategory, versions."""

from __future__ import annotations

from fakejira.catalog import (
    CATEGORIES,
    CLOUD_ONLY_CUSTOM_FIELDS,
    CUSTOM_FIELDS,
    DC_ONLY_CUSTOM_FIELDS,
    ISSUE_TYPES,
    PRIORITIES,
    SCRUM_ONLY_TYPES,
    STATUSES,
    SYSTEM_FIELDS,
    CustomField,
)
from fakejira.dataset import wall_clock_ms
from fakejira.render import Renderer

CLOUD_ACCOUNT_ID = "557058:f0c3a1de-0000-4d3c-9a7e-demo00000001"


def server_info(renderer: Renderer) -> dict[str, object]:
    now = renderer.timestamp(wall_clock_ms())
    if renderer.deployment == "cloud":  # shape of the JR Cloud probe (NOTES §3)
        return {
            "baseUrl": renderer.base_url,
            "displayUrl": renderer.base_url,
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": 100293,
            "buildDate": "2026-08-14T00:00:00.000-0500",
            "serverTime": now,
            "scmInfo": "57a0ca5c3e1f0d9b7a4e6c2f1b0a9d8e7c6b5a49",
            "serverTitle": "Jira",
            "defaultLocale": {"locale": "en_US"},
            "serverTimeZone": "Etc/UTC",
        }
    return {  # shape of the SLAC Data Center answer (NOTES §3)
        "baseUrl": renderer.base_url,
        "version": "10.3.19",
        "versionNumbers": [10, 3, 19],
        "deploymentType": "Server",
        "buildNumber": 10030019,
        "buildDate": "2025-11-05T00:00:00.000+0000",
        "databaseBuildNumber": 10030019,
        "serverTime": now,
        "scmInfo": "2f1b0a9d8e7c6b5a4957a0ca5c3e1f0d9b7a4e6c",
        "serverTitle": "Flowcast Demo JIRA",
    }


def myself(renderer: Renderer, version: str, email: str) -> dict[str, object]:
    api = renderer.api(version)
    common = {
        "emailAddress": email,
        "avatarUrls": renderer.avatar_urls("useravatar?ownerId=demo"),
        "displayName": "Demo User",
        "active": True,
        "timeZone": renderer.dataset.timezone,
        "locale": "en_US",
        "groups": {"size": 1, "items": []},
        "applicationRoles": {"size": 1, "items": []},
        "expand": "groups,applicationRoles",
    }
    if renderer.deployment == "cloud":
        return {
            "self": f"{api}/user?accountId={CLOUD_ACCOUNT_ID}",
            "accountId": CLOUD_ACCOUNT_ID,
            "accountType": "atlassian",
            **common,
        }
    name = dc_username(email)
    return {"self": f"{api}/user?username={name}", "key": "JIRAUSER10000", "name": name, **common}


def dc_username(email: str) -> str:
    return email.split("@", 1)[0]


def fields(renderer: Renderer) -> list[dict[str, object]]:
    cloud = renderer.deployment == "cloud"
    result: list[dict[str, object]] = []
    for field in SYSTEM_FIELDS:
        if field.cloud_only and not cloud:
            continue
        body: dict[str, object] = {
            "id": field.id,
            "key": field.id,
            "name": field.name,
            "custom": False,
            "orderable": field.orderable,
            "navigable": True,
            "searchable": field.searchable,
            "clauseNames": list(field.clause_names),
        }
        if field.schema_type is not None:
            schema: dict[str, object] = {"type": field.schema_type}
            if field.items:
                schema["items"] = field.items
            schema["system"] = field.id
            body["schema"] = schema
        result.append(body)
    customs: list[CustomField] = list(CUSTOM_FIELDS.values())
    customs += (CLOUD_ONLY_CUSTOM_FIELDS if cloud else DC_ONLY_CUSTOM_FIELDS).values()
    for custom in customs:
        field_id = custom.field_id(renderer.deployment)
        number = int(field_id.rsplit("_", 1)[1])
        schema = {"type": custom.type}
        if custom.items:
            schema["items"] = custom.items
        schema.update({"custom": custom.custom, "customId": number})
        result.append(
            {
                "id": field_id,
                "key": field_id,
                "name": custom.name,
                "custom": True,
                "orderable": True,
                "navigable": True,
                "searchable": True,
                "clauseNames": [f"cf[{number}]", custom.name],
                "schema": schema,
            }
        )
    return result


def statuses(renderer: Renderer, version: str) -> list[dict[str, object]]:
    return [renderer.status(status_id, version) for status_id in STATUSES]


def categories(renderer: Renderer, version: str) -> list[dict[str, object]]:
    return [renderer.category(key, version) for key in CATEGORIES]


def issue_types(renderer: Renderer, version: str) -> list[dict[str, object]]:
    scrum = renderer.dataset.scrum
    return [
        renderer.issue_type(name, version)
        for name in ISSUE_TYPES
        if scrum or name not in SCRUM_ONLY_TYPES
    ]


def priorities(renderer: Renderer, version: str) -> list[dict[str, object]]:
    return [renderer.priority(priority_id, version) for priority_id in PRIORITIES]


def project_versions(renderer: Renderer, version: str, project: str) -> list[dict[str, object]]:
    project_id = renderer.dataset.projects[project]
    result = []
    for item in renderer.dataset.versions:
        body = renderer.version_json(item.id, version)
        body["userReleaseDate"] = f"{item.release_date:%d/%b/%y}"
        body["projectId"] = project_id
        result.append(body)
    return result
