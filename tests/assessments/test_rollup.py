"""Warnings and projections: pure, no database."""

import pandas as pd
import pytest

from assessments.scoring.aggregation import LAST, ElementRule
from assessments.scoring.rollup import TargetCheck, check_target, project

BASE = TargetCheck(
    target_id=1, region_id=7, region_name="晋安区", label="省级监督抽查合格率", unit="%",
    comparator=">=", threshold=93.0, horizon_year=2026, departments="区质监局",
)  # fmt: skip


def with_(**changes):
    return TargetCheck(**(BASE.__dict__ | changes))


def test_a_rate_on_track_raises_nothing():
    assert check_target(BASE, 94.0, 94.0, quarters=2, year=2026) is None


def test_a_rate_projected_below_target_is_yellow_with_gap_and_departments():
    warning = check_target(BASE, 92.0, 92.0, quarters=2, year=2026)
    assert warning.level == "yellow"
    assert warning.gap == 1.0
    assert "晋安区" in warning.message and "≥ 93%" in warning.message
    assert "责任部门：区质监局" in warning.message


def test_a_completed_year_that_missed_is_red():
    warning = check_target(BASE, 92.5, 92.5, quarters=4, year=2026)
    assert (warning.level, warning.gap) == ("red", 0.5)
    assert "未完成" in warning.message


def test_a_campaign_total_is_projected_at_its_pace_to_the_horizon():
    # 20 standards by 2027; 6 drafted in 2 quarters of 2026 plus 3 earlier: 9 + 3/quarter × 6 = 27
    check = with_(label="参与制修订标准", unit="项", threshold=20.0, horizon_year=2027,
                  cumulative=True, earlier_total=3.0)  # fmt: skip
    assert check_target(check, 6.0, 12.0, quarters=2, year=2026) is None
    slow = check_target(check, 1.0, 2.0, quarters=2, year=2026)  # 4 + 0.5 × 6 = 7
    assert slow.level == "yellow" and slow.projected == pytest.approx(7.0)


def test_a_stock_is_projected_at_its_growth_since_last_year():
    # 福建名牌产品 ≥ 30 by 2027: 24 now, 22 at the end of last year, 2 quarters gone:
    # +1 per quarter, 6 quarters left → 30: on track; with no growth → 24: yellow
    check = with_(label="福建名牌产品", unit="项", threshold=30.0, horizon_year=2027, stock=True,
                  last_year_value=22.0)  # fmt: skip
    assert check_target(check, 24.0, 24.0, quarters=2, year=2026) is None
    flat = with_(label="福建名牌产品", unit="项", threshold=30.0, horizon_year=2027, stock=True,
                 last_year_value=24.0)  # fmt: skip
    assert check_target(flat, 24.0, 24.0, quarters=2, year=2026).gap == 6.0


def test_a_past_horizon_is_judged_as_a_level_held_this_year():
    check = with_(horizon_year=2015)
    warning = check_target(check, 92.0, 92.0, quarters=4, year=2025)
    assert warning.level == "red" and "文件目标年度为2015年，已过" in warning.message


def test_a_relative_target_without_reference_cannot_be_judged():
    assert check_target(with_(comparator=">", threshold=None), 90.0, 90.0, 2, 2026) is None


def test_flows_are_projected_straight_line_and_stocks_held():
    figures = pd.DataFrame(
        {"region": [1, 1], "element": ["sampled", "brands"], "value": [30.0, 12.0],
         "quarters": [3, 3]}
    )  # fmt: skip
    rules = {"sampled": ElementRule("sampled"), "brands": ElementRule("brands", time=LAST)}
    projected = project(figures, rules)
    assert projected["value"].tolist() == [40.0, 12.0]
