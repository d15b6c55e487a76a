"""An upgraded profile produces a report: every legacy settings shape the layout docs and the upstream
samples show is converted to the shapes Flowcast's metrics read, each fixture tree is migrated with
`flowcast migrate-json`, then `flowcast report` and `flowcast snapshot` run on it. The expected
mappings are worked out by hand from the fixture files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from data.legacy.settings import convert_settings
from data.store.sqlite_backend import SQLiteBackend
from tests.legacy_tree import jira_issue, write_json, write_legacy_tree

UPSTREAM = Path("/work/shared/fixtures/upstream")


def flowcast(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def migrate_and_report(source: Path, profile: str, query: str) -> dict[str, Any]:
    """Migrate ``source``, then run report and snapshot on the query; the report as JSON."""
    flowcast("migrate-json", str(source))
    report = json.loads(flowcast("report", "--profile", profile, "--query", query, "--json"))
    stored = json.loads(flowcast("snapshot", "--profile", profile, "--query", query, "--json"))
    assert stored, "snapshot stored nothing"
    return report


def stored_profile(data_dir: Path, profile_id: str) -> dict[str, Any]:
    profile = SQLiteBackend(data_dir / "profiles" / "burndown.db").get_profile(profile_id)
    assert profile is not None
    return profile


def root_layout(folder: Path, settings: dict[str, Any]) -> Path:
    """The oldest layout: app_settings.json, the upstream project_data.json, a few issues."""
    folder.mkdir(parents=True)
    write_json(folder / "app_settings.json", settings)
    shutil.copy(UPSTREAM / "project_data.json", folder / "project_data.json")
    issues = [jira_issue(n, project="JRASERVER") for n in range(1, 7)]
    write_json(folder / "jira_cache.json", {"timestamp": "2025-07-20T20:43:55", "issues": issues})
    return folder


def test_the_generated_profiles_tree_reports(data_dir: Path, tmp_path: Path) -> None:
    # profile.json says flow_type_mappings {"Feature": ["Story"]}: category → issue types.
    tree = write_legacy_tree(tmp_path / "old", issues=20)
    report = migrate_and_report(tree, "kafka", "12w")
    assert report["flow"]["parameters"]["flow_type_mappings"] == {"Story": "Feature"}
    # project_classification {"bug_types": ["Bug"]}: the incidents of DORA.
    assert report["dora"]["parameters"]["incident_issue_types"] == ["Bug"]
    profile = stored_profile(data_dir, "kafka")
    assert profile["legacy_settings"]["flow_type_mappings"] == {"Feature": ["Story"]}
    assert profile["legacy_settings"]["field_mappings"] == {"deployment_date": "customfield_10001"}
    assert "deployment_date" not in profile["field_mappings"]


def test_the_upstream_app_settings_report(data_dir: Path, tmp_path: Path) -> None:
    tree = root_layout(tmp_path / "old", load(UPSTREAM / "app_settings.json"))
    report = migrate_and_report(tree, "default", "main")
    # No mappings in that file: Flowcast's defaults apply.
    assert report["flow"]["parameters"]["flow_type_mappings"] == {
        "Story": "Feature",
        "Task": "Feature",
        "Bug": "Defect",
    }
    assert stored_profile(data_dir, "default")["forecast_settings"]["pert_factor"] == 3


def test_the_commented_example_settings_report(data_dir: Path, tmp_path: Path) -> None:
    tree = root_layout(tmp_path / "old", load(UPSTREAM / "app_settings.example.json"))
    report = migrate_and_report(tree, "default", "main")
    # flow_type_mappings {"Feature": {"issue_types": [...]}, "Defect": …, "Technical_Debt": …,
    # "Risk": …} turned around, Technical_Debt becoming Flowcast's Debt.
    assert report["flow"]["parameters"]["flow_type_mappings"] == {
        "Story": "Feature",
        "Epic": "Feature",
        "New Feature": "Feature",
        "Improvement": "Feature",
        "Bug": "Defect",
        "Task": "Debt",
        "Sub-task": "Debt",
        "Test": "Risk",
        "Security": "Risk",
        "Spike": "Risk",
    }
    dora = report["dora"]["parameters"]
    assert dora["incident_issue_types"] == ["Bug"]  # bug_types
    assert dora["deployment_issue_types"] == ["Task", "Sub-task"]  # devops_task_types
    assert dora["deployment_source"] == "fix_versions"  # unchanged: the note says how to switch
    mappings = stored_profile(data_dir, "default")["field_mappings"]
    # completion_statuses → Done, active_statuses → Active, wip_statuses → Waiting (the rest).
    assert mappings["status_to_flow_state"] == {
        "Resolved": "Done",
        "Closed": "Done",
        "In Progress": "Active",
        "In Review": "Active",
        "Testing": "Waiting",
    }
    # The example's 1.5 is no whole number of weeks: PERT uses the best and worst 1.
    assert stored_profile(data_dir, "default")["forecast_settings"]["pert_factor"] == 1


def test_the_upstream_sample_profile_reports(data_dir: Path, tmp_path: Path) -> None:
    sample = load(UPSTREAM / "sample_profile_data.json")
    profile, query = sample["sample_profile_data"], sample["sample_query_data"]
    folder = tmp_path / "old" / "profiles" / profile["id"]
    write_json(tmp_path / "old" / "profiles" / "profiles.json", sample["sample_profiles_registry"])
    write_json(folder / "profile.json", profile)
    query_folder = folder / "queries" / query["id"]
    write_json(query_folder / "query.json", query)
    points = profile["jira_config"]["points_field"]
    issues = [jira_issue(n, project="TEST", points_field=points) for n in range(1, 9)]
    write_json(query_folder / "jira_cache.json", {"issues": issues, "jql_hash": "h"})
    report = migrate_and_report(tmp_path / "old", profile["id"], query["id"])
    # project_config's bug_types and devops_task_types; its flat field_mappings are JIRA fields.
    assert report["dora"]["parameters"]["incident_issue_types"] == ["Bug"]
    assert report["dora"]["parameters"]["deployment_issue_types"] == ["Task", "Sub-task"]
    stored = stored_profile(data_dir, profile["id"])
    assert stored["legacy_settings"]["field_mappings"] == profile["field_mappings"]
    assert stored["project_config"] == profile["project_config"]  # kept as it was


def test_the_metric_contract_field_mappings_report(data_dir: Path, tmp_path: Path) -> None:
    # field_mappings {"dora": {field ids}, "flow": {field ids}} as the upstream contract has it.
    contract = load(UPSTREAM / "metric-contracts" / "jira-field-mappings.json")["examples"][0]
    tree = write_legacy_tree(tmp_path / "old", issues=10)
    path = tree / "profiles" / "kafka" / "profile.json"
    write_json(path, {**load(path), "field_mappings": contract["field_mappings"]})
    report = migrate_and_report(tree, "kafka", "12w")
    # Flowcast's own DORA settings are its defaults, not the field ids.
    assert report["dora"]["parameters"]["deployment_source"] == "fix_versions"
    stored = stored_profile(data_dir, "kafka")
    assert stored["field_mappings"]["dora"] == {"incident_issue_types": ["Bug"]}
    assert stored["legacy_settings"]["field_mappings"] == contract["field_mappings"]


def test_a_newer_upstream_classification_reports(data_dir: Path, tmp_path: Path) -> None:
    # A later upstream version kept statuses and flow types inside project_classification,
    # with "flow_end_statuses" and a "Technical Debt" category split by effort category.
    tree = write_legacy_tree(tmp_path / "old", issues=10)
    path = tree / "profiles" / "kafka" / "profile.json"
    document = load(path)
    document.pop("flow_type_mappings")
    document["project_classification"] = {
        "flow_end_statuses": ["Done"],
        "active_statuses": ["In Progress"],
        "wip_statuses": ["In Progress", "Review"],
        "flow_start_statuses": ["In Progress"],
        "flow_type_mappings": {
            "Feature": {"issue_types": ["Story"], "effort_categories": []},
            "Defect": {"issue_types": ["Bug"], "effort_categories": []},
            "Technical Debt": {"issue_types": ["Story"], "effort_categories": ["Maintenance"]},
        },
    }
    write_json(path, document)
    result = CliRunner().invoke(cli, ["migrate-json", str(tree)])
    assert result.exit_code == 0, result.output
    report = json.loads(flowcast("report", "--profile", "kafka", "--query", "12w", "--json"))
    assert report["flow"]["parameters"]["flow_type_mappings"] == {
        "Story": "Feature",
        "Bug": "Defect",
    }
    flowcast("snapshot", "--profile", "kafka", "--query", "12w")
    mappings = stored_profile(data_dir, "kafka")["field_mappings"]
    assert mappings["status_to_flow_state"] == {
        "Done": "Done",
        "In Progress": "Active",
        "Review": "Waiting",
    }
    # Review is work in progress (the In Progress stage), not backlog, though no issue is in it.
    assert mappings["status_categories"] == {
        "Done": "done",
        "In Progress": "indeterminate",
        "Review": "indeterminate",
    }
    # The lists name every status but To Do (the backlog the old version did not list).
    assert (
        "map to no flow state or stage and are ignored: To Do (10 issue(s))"
        in (report["data_quality"]["note"])
    )
    notes = result.stdout
    assert "'Story' is listed as Feature and as Debt; mapped to Feature (the first)" in notes
    assert "effort categories ['Maintenance'] are not used" in notes


# The conversion on its own ------------------------------------------------------------------------
def test_a_flowcast_profile_is_left_as_it_is() -> None:
    document = {
        "id": "p",
        "name": "P",
        "flow_type_mappings": {"Story": "Feature", "Bug": "Defect"},
        "field_mappings": {
            "status_to_flow_state": {"Done": "Done"},
            "dora": {"deployment_source": "issue_type", "deployment_issue_types": ["Release"]},
        },
        "forecast_settings": {"pert_factor": 3},
    }
    converted, notes = convert_settings(document)
    assert converted == document and notes == []


def test_converting_twice_changes_nothing_more() -> None:
    legacy = {
        "flow_type_mappings": {"Feature": ["Story"], "Technical_Debt": {"issue_types": ["Task"]}},
        "completion_statuses": ["Done"],
        "bug_types": ["Bug"],
        "field_mappings": {"deployment_date": "resolutiondate"},
    }
    once, _ = convert_settings(legacy)
    twice, notes = convert_settings(once)
    assert twice == once
    assert notes == []
    assert once["flow_type_mappings"] == {"Story": "Feature", "Task": "Debt"}
    assert once["legacy_settings"]["flow_type_mappings"] == legacy["flow_type_mappings"]


@pytest.mark.parametrize(
    ("mapping", "expected", "note"),
    [
        (  # an unknown category: its types are left for Settings, and said so
            {"Feature": ["Story"], "Enablers": ["Spike"]},
            {"Story": "Feature"},
            "flow_type_mappings.Enablers: not a Flow item (Feature, Defect, Risk, Debt); its "
            "issue types ['Spike'] are not mapped",
        ),
        (  # the old by-category item names in Flowcast's shape
            {"Task": "Technical_Debt", "Story": "Feature"},
            {"Task": "Debt", "Story": "Feature"},
            "converted from the old by-category shape",
        ),
        (  # nothing named: Flowcast's defaults, and the note says so
            {"Feature": [], "Defect": {"issue_types": []}},
            {},
            "names no issue types; Flowcast's defaults apply",
        ),
    ],
)
def test_flow_type_shapes(mapping: dict[str, Any], expected: dict[str, str], note: str) -> None:
    converted, notes = convert_settings({"flow_type_mappings": mapping})
    assert converted["flow_type_mappings"] == expected
    assert any(note in n for n in notes), notes


def test_a_status_in_two_lists_is_noted() -> None:
    converted, notes = convert_settings(
        {"completion_statuses": ["Closed"], "active_statuses": ["Closed", "Doing"]}
    )
    assert converted["field_mappings"]["status_to_flow_state"] == {
        "Closed": "Done",
        "Doing": "Active",
    }
    assert "status 'Closed' is listed as Done and as Active; mapped to Done" in notes
