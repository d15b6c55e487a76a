"""Settings → Health thresholds as plain functions: the rows shown (shares in percent), a save
converting them back, and what each bad entry produces (nothing saved)."""

from __future__ import annotations

import csv
import io

from dash import no_update

from callbacks.settings_health import save_thresholds, threshold_rows
from data.metrics.mappings import mappings_from_profile
from data.profiles import manager as profile_manager
from layouts import ids


def _entered(values: dict[tuple[str, str], float | None]):
    return [(ids.health_threshold(signal, bound), v) for (signal, bound), v in values.items()]


def test_rows_show_the_bounds_in_use_with_shares_in_percent(backend):
    profile_id = profile_manager.create_profile(
        "Team", {"forecast_settings": {"health_thresholds": {"bug_share": {"green": 0.1}}}}
    )
    rows = {r["signal"]: r for r in threshold_rows(profile_manager.get_profile(profile_id))}
    assert (rows["bug_share"]["green"], rows["bug_share"]["amber"]) == (10.0, 35.0)
    assert rows["bug_share"]["percent"] and not rows["throughput_cv"]["percent"]
    assert (rows["throughput_cv"]["green"], rows["throughput_cv"]["amber"]) == (0.35, 0.70)
    assert rows["deadline_probability"]["higher"] and rows["deadline_probability"]["green"] == 85.0


def test_saving_converts_percent_back_and_refuses_a_bad_pair_whole(backend):
    profile_id = profile_manager.create_profile("Team")
    alert, saved_csv = save_thresholds(
        profile_id,
        _entered({("bug_share", "green"): 25, ("bug_share", "amber"): 40,
                  ("throughput_cv", "green"): 0.5, ("throughput_cv", "amber"): 0.9}),
    )  # fmt: skip
    assert "Saved the health thresholds" in str(alert.children)
    saved = mappings_from_profile(profile_manager.get_profile(profile_id)).health_thresholds
    assert saved.of("bug_share") == (0.25, 0.40) and saved.of("throughput_cv") == (0.5, 0.9)
    # The table's CSV now lists the saved bounds as the inputs show them.
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(saved_csv["content"]))}
    assert rows["Signal"] == ["Green", "Amber"]
    assert rows["Quality: bugs among completed items"] == ["≤ 25.0 %", "≤ 40.0 %"]
    assert saved_csv["filename"].endswith(
        "_health-thresholds_"
        + profile_manager.metrics_today(profile_manager.get_profile(profile_id)).isoformat()
        + ".csv"
    )

    refused, unchanged = save_thresholds(
        profile_id, _entered({("bug_share", "green"): 50, ("bug_share", "amber"): 30})
    )
    assert "the green bound (0.5) must lie below the amber bound (0.3); swap them." in str(refused)
    assert unchanged is no_update
    empty, _ = save_thresholds(profile_id, _entered({("bug_share", "green"): None}))
    assert "The green bound of bugs among completed items is empty or out of range" in str(empty)
    kept = mappings_from_profile(profile_manager.get_profile(profile_id)).health_thresholds
    assert kept.of("bug_share") == (0.25, 0.40)
