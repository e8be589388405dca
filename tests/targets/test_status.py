"""targets.status: comparators, "met", the status of a target and its words (pure)."""

import pandas as pd
import pytest

from targets import status


@pytest.mark.parametrize(
    "args, expected",
    [
        ({"warning": "red"}, "red"),
        ({"warning": "yellow"}, "amber"),
        ({"actual": None}, "unknown"),
        ({"threshold": None}, "unknown"),
        ({"actual": 80.0}, "green"),  # own region, no warning: the run found it on track
        ({"own": False, "actual": 95.0, "projected": 92.0}, "amber"),
        ({"own": False, "actual": 92.0, "projected": 95.0}, "green"),
        ({"own": False, "actual": 92.0, "complete": True}, "red"),
    ],
)
def test_target_status(args, expected):
    base = {"warning": None, "actual": 94.0, "projected": 94.0, "threshold": 93.0,
            "comparator": ">=", "own": True, "complete": False}  # fmt: skip
    assert status.judge(**(base | args)) == expected


@pytest.mark.parametrize(
    "value, comparator, threshold, expected",
    [
        (93.0, ">=", 93.0, True),
        (92.99, ">=", 93.0, False),
        (93.0, ">", 93.0, False),
        (2.0, "<=", 2.0, True),
        (2.01, "<=", 2.0, False),
        (1.99, "<", 2.0, True),
        (30.0, "=", 30.0, True),
        # Sums of floats land a hair off: 0.1 * 3 is 0.30000000000000004.
        (0.1 * 3, "<=", 0.3, True),
    ],
)
def test_meets(value, comparator, threshold, expected):
    assert bool(status.meets(value, comparator, threshold)) is expected


def test_meets_is_element_wise_on_series():
    result = status.meets(pd.Series([92.0, 93.0, 94.0]), ">=", 93.0)
    assert result.tolist() == [False, True, True]


def test_an_unknown_comparator_is_refused():
    with pytest.raises(ValueError):
        status.meets(1.0, "~", 1.0)


def test_symbols_and_gaps():
    assert status.symbol(">=") == "≥" and status.symbol("<=") == "≤"
    assert status.gap(90.0, ">=", 93.0) == 3.0  # 3 points short
    assert status.gap(2.5, "<=", 2.0) == 0.5  # half a point over a ceiling


def test_every_status_has_one_word_and_a_rank():
    assert set(status.LABELS) == set(status.RANK) == {"red", "amber", "green", "unknown"}
    assert [key for key, _label in status.CHOICES] == ["red", "amber", "green", "unknown"]
    assert status.label("unknown") == "无法判断"


def test_a_passed_horizon_is_judged_as_a_level_this_year():
    assert status.assessed_horizon(2020, 2025) == (2025, 2020)
    assert status.assessed_horizon(2027, 2025) == (2027, None)
    assert status.assessed_horizon(None, 2025) == (2025, None)
