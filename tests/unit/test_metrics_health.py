"""Golden tests: the health summary, one dimension at a time, and the overall score with the
weights of a dimension without data shared out (docs/metrics.md "Health summary").

Scores: 100 at the ideal, 70 at the green bound, 40 at the amber bound, 0 as far again past the
amber bound as it lies past the green one; linear in between."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from data.errors import ValidationError
from data.metrics.health import HealthInputs, health_summary, health_thresholds

NONE = HealthInputs(
    deadline=None, deadline_probability=None, p85_date=None, weekly_throughput=np.zeros(0),
    wip_ages=np.zeros(0), cycle_time_p85=None, window_cycle_times=np.zeros(0), bug_share=None,
    completed=0, change_failure_rate=None, deployments=0,
)  # fmt: skip
DEADLINE = date(2027, 3, 31)


def _signal(health, name):
    return next(s for d in health.dimensions for s in d.signals if s.name == name)


@pytest.mark.parametrize(
    ("probability", "status", "score"),
    [
        # Green at >= 85 %: 0.90 is two thirds of the way from 1.00 to 0.85 -> 100 - 20 = 80.
        (0.90, "green", 80.0),
        # Amber at >= 50 %: 0.64 is 0.21 / 0.35 = 60 % of the way from 0.85 to 0.50 -> 70 - 18.
        (0.64, "amber", 52.0),
        # Red: zero at 0.50 - 0.35 = 0.15; 0.30 is 0.20 / 0.35 of the way -> 40 - 22.86 = 17.14.
        (0.30, "red", 40 - 40 * 0.2 / 0.35),
        (0.85, "green", 70.0),  # the bound itself is green
    ],
)
def test_delivery_is_the_chance_to_meet_the_deadline(probability, status, score):
    inputs = replace(NONE, deadline=DEADLINE, deadline_probability=probability,
                     p85_date=date(2027, 4, 10))  # fmt: skip
    delivery = health_summary(inputs).dimension("delivery")
    assert (delivery.status, delivery.score) == (status, pytest.approx(score))
    assert delivery.signals[0].detail == "deadline 2027-03-31, P85 2027-04-10"
    assert (delivery.signals[0].green, delivery.signals[0].amber) == (0.85, 0.50)


def test_delivery_without_a_deadline_has_no_data():
    delivery = health_summary(NONE).dimension("delivery")
    assert (delivery.status, delivery.score, delivery.weight) == (None, None, 0.0)
    assert delivery.signals[0].detail == "no deadline set"


def test_predictability_is_the_variation_of_weekly_throughput():
    # [4, 6, 8, 6]: mean 6, sample variance (4 + 0 + 4 + 0) / 3 = 2.667, sd 1.633, CV 0.2722
    # -> green (<= 0.35); score 100 - 30 * 0.2722 / 0.35 = 76.67.
    steady = health_summary(replace(NONE, weekly_throughput=np.array([4, 6, 8, 6])))
    signal = _signal(steady, "throughput_cv")
    assert signal.value == pytest.approx(0.27217, abs=1e-5)
    assert (signal.status, signal.score) == ("green", pytest.approx(76.67, abs=0.01))
    # [2, 10]: mean 6, sd sqrt(32) = 5.657, CV 0.9428 -> red (> 0.70); zero at 1.05:
    # 40 - 40 * (0.9428 - 0.70) / 0.35 = 12.25.
    erratic = _signal(health_summary(replace(NONE, weekly_throughput=np.array([2, 10]))),
                      "throughput_cv")  # fmt: skip
    assert (erratic.status, erratic.score) == ("red", pytest.approx(12.25, abs=0.01))
    one_week = health_summary(replace(NONE, weekly_throughput=np.array([5])))
    assert one_week.dimension("predictability").status is None


def test_flow_is_its_weaker_of_ageing_past_p85_and_littles_law():
    # Ages [1, 3, 20, 30] against cycle-time P85 12 days: 2 of 4 older -> 0.5, red; past the
    # zero at 0.30 + 0.15 = 0.45 -> score 0.
    # Little's law: 7 a week = 1 a day, mean cycle time (2 + 4) / 2 = 3 days -> 3 expected in
    # progress; 4 are -> 1.333, amber; 70 - 30 * (1.333 - 1.25) / 0.35 = 62.86.
    inputs = replace(NONE, wip_ages=np.array([1, 3, 20, 30]), cycle_time_p85=12.0,
                     weekly_throughput=np.array([7, 7]), window_cycle_times=np.array([2, 4]))  # fmt: skip
    health = health_summary(inputs)
    ageing, little = _signal(health, "ageing_past_p85"), _signal(health, "littles_law_ratio")
    assert (ageing.value, ageing.status, ageing.score) == (0.5, "red", 0.0)
    assert ageing.detail == "2 of 4 items older than 12 days"
    assert little.value == pytest.approx(4 / 3)
    assert (little.status, little.score) == ("amber", pytest.approx(62.86, abs=0.01))
    assert little.detail == "4 in progress, 3.0 expected"
    flow = health.dimension("flow")
    assert (flow.status, flow.score) == ("red", 0.0)
    # Nothing old: the ageing signal scores 100 and Little's law decides.
    young = health_summary(replace(inputs, wip_ages=np.array([1, 2, 3, 10])))
    assert young.dimension("flow").score == pytest.approx(little.score)
    # Less in progress than Little's law expects is ideal (100), not "too little".
    light = health_summary(replace(inputs, wip_ages=np.array([1, 2])))
    assert _signal(light, "littles_law_ratio").score == 100.0


def test_quality_is_its_weaker_of_bug_share_and_change_failure_rate():
    # Bug share 0.25: amber, 70 - 30 * 0.05 / 0.15 = 60. CFR 0.10: green, 100 - 30 * 0.10 / 0.15
    # = 80. The dimension is the weaker: amber, 60.
    inputs = replace(NONE, bug_share=0.25, completed=40, change_failure_rate=0.10, deployments=10)
    quality = health_summary(inputs).dimension("quality")
    assert [(s.status, s.score) for s in quality.signals] == [
        ("amber", pytest.approx(60.0)), ("green", pytest.approx(80.0)),
    ]  # fmt: skip
    assert (quality.status, quality.score) == ("amber", pytest.approx(60.0))
    assert [s.detail for s in quality.signals] == ["of 40 completed", "of 10 deployments"]
    # No deployments: the bug share alone.
    no_dora = health_summary(replace(inputs, change_failure_rate=None, deployments=0))
    assert no_dora.dimension("quality").score == pytest.approx(60.0)


FULL = replace(
    NONE, deadline=DEADLINE, deadline_probability=0.64, p85_date=date(2027, 4, 10),
    weekly_throughput=np.array([4, 6, 8, 6]), wip_ages=np.array([1, 3, 20, 30]),
    cycle_time_p85=12.0, window_cycle_times=np.array([2, 4]), bug_share=0.25, completed=40,
    change_failure_rate=0.10, deployments=10,
)  # fmt: skip


def test_the_overall_score_is_the_weighted_mean_of_the_dimensions():
    # Delivery 52 (weight 30), predictability 76.67 (20), flow 0 (25; ageing 2 of 4 past P85),
    # quality 60 (25): 15.6 + 15.33 + 0 + 15 = 45.93 -> 46, amber (40-69).
    # (Little's law here: 6 a week = 6/7 a day x 3 days = 2.57 expected, 4 in progress.)
    health = health_summary(FULL)
    assert [d.weight for d in health.dimensions] == [30.0, 20.0, 25.0, 25.0]
    assert (health.score, health.status) == (46, "amber")


def test_a_dimension_without_data_gives_its_weight_to_the_others():
    # No deadline: 20 + 25 + 25 = 70 left, rescaled to 100: 28.57 %, 35.71 %, 35.71 %.
    # 76.67 x 0.2857 + 0 x 0.3571 + 60 x 0.3571 = 21.90 + 21.43 = 43.33 -> 43.
    health = health_summary(replace(FULL, deadline=None, deadline_probability=None))
    assert [round(d.weight, 2) for d in health.dimensions] == [0.0, 28.57, 35.71, 35.71]
    assert (health.score, health.status) == (43, "amber")
    assert health_summary(NONE).score is None and health_summary(NONE).status is None


def test_thresholds_are_settings():
    # A green bound of 30 % for the bug share makes 25 % green: 100 - 30 * 0.25 / 0.30 = 75.
    thresholds = health_thresholds({"bug_share": {"green": 0.30}})
    assert thresholds.of("bug_share") == (0.30, 0.35)
    signal = _signal(health_summary(FULL, thresholds), "bug_share")
    assert (signal.status, signal.score, signal.green) == ("green", pytest.approx(75.0), 0.30)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"speed": {"green": 1}}, "health_thresholds has no signal 'speed'; use one of deadline_probability"),
        ({"bug_share": {"green": 0.5, "amber": 0.3}},
         "bug_share: the green bound (0.5) must lie below the amber bound (0.3); swap them."),
        ({"deadline_probability": {"green": 0.4}},
         "deadline_probability: the green bound (0.4) must lie above the amber bound (0.5)"),
        ({"bug_share": {"amber": 1.5}}, "bug_share.amber is 1.5; use a number from 0 to 1."),
        ({"throughput_cv": {"green": "low"}}, "throughput_cv.green is 'low'; use a number."),
        ({"throughput_cv": 0.3}, 'throughput_cv must be like {"green": 0.2, "amber": 0.35}.'),
        ([1], "health_thresholds must be a JSON object, not list."),
    ],
)  # fmt: skip
def test_bad_thresholds_are_refused_with_one_sentence(value, message):
    with pytest.raises(ValidationError) as error:
        health_thresholds(value)
    assert message in str(error.value)
