"""Counts before rates, stocks and weighted averages up the tree, and indicators: pure pandas.

The year's figure of each region from its quarters is computed in SQL (scoring/sql.py); those
cases (the rate trap over quarters, LAST for stocks, survey scores weighted in time) are tested
on that path in test_runs.py."""

import pandas as pd
import pytest

from assessments.scoring.aggregation import (
    AVERAGE,
    LAST,
    ElementRule,
    IndicatorRule,
    indicators,
    up_the_tree,
)

RULES = {
    "sampled": ElementRule("sampled"),
    "qualified": ElementRule("qualified"),
    "brands": ElementRule("brands", time=LAST),
    "score": ElementRule("score", time=AVERAGE, region=AVERAGE, weight="respondents"),
    "respondents": ElementRule("respondents"),
}
RATE = IndicatorRule("pass_rate", "qualified", "sampled", 100.0)


def frame(rows):
    """Year figures per region and element, as the SQL path hands them to the tree."""
    return pd.DataFrame(rows, columns=["region", "element", "value"])


def value_of(result, region, column="element", key="sampled"):
    rows = result[(result["region"] == region) & (result[column] == key)]["value"]
    assert len(rows) == 1, (region, key, result)
    return float(rows.iloc[0])


def test_a_rate_is_the_ratio_of_the_summed_counts():
    year = frame([(1, "sampled", 1010), (1, "qualified", 910)])  # Q1 10/10 and Q2 900/1000
    rate = value_of(indicators(year, [RATE]), 1, "indicator", "pass_rate")
    assert rate == pytest.approx(100 * 910 / 1010)  # 90.099…, not the mean of 100 and 90
    assert round(rate, 1) == 90.1


def test_stocks_add_up_over_regions():
    year = frame([(10, "brands", 5), (11, "brands", 2)])  # each town's last quarter
    tree = pd.DataFrame({"region": [1, 10, 11], "parent": [pd.NA, 1, 1], "depth": [0, 1, 1]})
    assert value_of(up_the_tree(year, tree, RULES), 1, key="brands") == 7


def test_the_rate_trap_up_the_tree():
    # Town A 10/10, town B 900/1000: the district's rate is 910/1010, not the mean of 100 and 90.
    values = frame(
        [(10, "sampled", 10), (10, "qualified", 10), (11, "sampled", 1000), (11, "qualified", 900)]
    )
    tree = pd.DataFrame({"region": [1, 10, 11], "parent": [pd.NA, 1, 1], "depth": [0, 1, 1]})
    figures = up_the_tree(values, tree, RULES)
    assert value_of(indicators(figures, [RATE]), 1, "indicator", "pass_rate") == pytest.approx(
        100 * 910 / 1010
    )


def test_survey_scores_are_weighted_by_respondents_over_regions():
    year = frame(
        [
            (10, "score", 87.5), (10, "respondents", 400),  # town 10: (8000+27000)/400
            (11, "score", 60), (11, "respondents", 100),  # town 11: 60 over 100
        ]
    )  # fmt: skip
    tree = pd.DataFrame({"region": [1, 10, 11], "parent": [pd.NA, 1, 1], "depth": [0, 1, 1]})
    district = up_the_tree(year, tree, RULES)
    # (87.5 × 400 + 60 × 100) / 500 = 82
    assert value_of(district, 1, key="score") == pytest.approx(82.0)
    assert value_of(district, 1, key="respondents") == 500


def test_a_regions_own_entry_wins_and_skipped_levels_need_no_special_case():
    # Province 1 > district 2 (no city level) > towns 3, 4; the district enters "brands" itself.
    tree = pd.DataFrame({"region": [1, 2, 3, 4], "parent": [pd.NA, 1, 2, 2], "depth": [0, 1, 2, 2]})
    values = frame([(3, "sampled", 5), (4, "sampled", 7), (2, "brands", 9)])
    figures = up_the_tree(values, tree, RULES)
    assert value_of(figures, 2) == 12
    assert value_of(figures, 1) == 12
    assert value_of(figures, 1, key="brands") == 9


def test_a_zero_denominator_gives_no_rate():
    year = frame([(1, "sampled", 0), (1, "qualified", 0)])
    assert indicators(year, [RATE]).empty
