"""Scoring methods, grades, vetoes, ranks and caps, against hand-computed figures. Pure."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from assessments.scoring.methods import (
    ItemSpec,
    RulebookSpec,
    check_total,
    competition_rank,
    grade_for,
    score,
    score_item,
)

REGIONS = ["甲", "乙", "丙", "丁"]


def series(*values):
    return pd.Series(values, index=REGIONS[: len(values)], dtype=float)


def scored(item, *values):
    return score_item(item, series(*values)).round(4).tolist()


def test_met_gives_full_points_or_nothing():
    item = ItemSpec("1", 10, "met", "rate", ">=", 93)
    assert scored(item, 93, 92.99, 99, np.nan) == [10, 0, 10, 0]
    strict = ItemSpec("1", 10, "met", "rate", ">", 93)
    assert scored(strict, 93, 93.01) == [0, 10]
    all_or_nothing = ItemSpec("1", 5, "met", "rate", "=", 100)
    assert scored(all_or_nothing, 100, 99.9) == [5, 0]


def test_proportional_caps_at_full_points():
    item = ItemSpec("1", 8, "proportional", "brands", ">=", 30)
    # 15/30 of 8 = 4; 24/30 of 8 = 6.4; 45 caps at 8; missing 0
    assert scored(item, 15, 24, 45, np.nan) == [4, 6.4, 8, 0]


def test_proportional_for_a_ceiling_scores_lower_values_fully():
    item = ItemSpec("1", 10, "proportional", "incidents", "<=", 2)
    assert scored(item, 1, 2, 4, 0) == [10, 10, 5, 10]


def test_deduction_per_percentage_point_floors_at_zero():
    item = ItemSpec("1", 6, "deduction", "rate", ">=", 93, params={"per": 1, "deduct": 2})
    # 93 → 6; 92.5 is 0.5 short → 1 unit → 4; 91 → 2 units → 2; 80 → 0 (floor)
    assert scored(item, 93, 92.5, 91, 80) == [6, 4, 2, 0]


def test_deduction_per_missing_item():
    item = ItemSpec("1", 5, "deduction", "standards", ">=", 20, params={"per": 1, "deduct": 0.5})
    assert scored(item, 20, 18, 11, 30) == [5, 4, 0.5, 5]


def test_tiered_takes_the_highest_tier_reached():
    tiers = {"tiers": [{"min": 90, "share": 0.5}, {"min": 95, "share": 1}]}
    item = ItemSpec("1", 4, "tiered", "rate", ">=", None, params=tiers)
    assert scored(item, 96, 95, 92, 89) == [4, 4, 2, 0]


def test_rank_table_by_competition_rank():
    item = ItemSpec("1", 60, "rank", "score", ">=", params={"table": [60, 57, 54]})
    # 乙 and 丙 tie for 2nd: both get 57; 丁 is 4th, beyond the table: 0
    assert scored(item, 90, 80, 80, 70) == [60, 57, 57, 0]


def test_rank_relative_to_the_best():
    item = ItemSpec("1", 10, "rank", "brands", ">=", params={"mode": "best"})
    assert scored(item, 40, 30, 10, np.nan) == [10, 7.5, 2.5, 0]


def test_relative_to_a_reference_value():
    item = ItemSpec("1", 5, "relative", "rate", ">", reference=93.6)
    assert scored(item, 94, 93.6, 90) == [5, 0, 0]
    no_reference = ItemSpec("1", 5, "relative", "rate", ">", reference=None)
    assert scored(no_reference, 99) == [0]


def test_bonus_is_capped():
    item = ItemSpec("B", 3, "bonus", "national_awards", params={"per_unit": 1})
    assert scored(item, 0, 2, 5, np.nan) == [0, 2, 3, 0]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "A"),
        (90, "A"),
        (89.99, "B"),
        (80, "B"),
        (79.5, "C"),
        (60, "C"),
        (59.99, "D"),
        (0, "D"),
    ],
)
def test_default_grade_bands(total, grade):
    bands = (("A", 90), ("B", 80), ("C", 60), ("D", 0))
    assert grade_for(total, bands) == grade


def test_ties_share_the_better_rank():
    assert competition_rank(series(88, 92, 88, 70)).tolist() == [2, 1, 2, 4]


RULEBOOK = RulebookSpec(
    items=(
        ItemSpec("1.1", 40, "met", "rate", ">=", 93),
        ItemSpec("1.2", 40, "proportional", "brands", ">=", 30),
        ItemSpec("1.3", 20, "deduction", "standards", ">=", 20, params={"per": 1, "deduct": 2}),
        ItemSpec("B", 5, "bonus", "awards", params={"per_unit": 1}),
    ),
    bands=(("A", 90), ("B", 80), ("C", 60), ("D", 0)),
)


def test_a_whole_rulebook_totals_grades_ranks_and_vetoes():
    values = pd.DataFrame(
        {
            "rate": [95, 92, 93, 99],
            "brands": [30, 15, 27, 30],
            "standards": [20, 20, 17, 25],
            "awards": [0, 9, 1, 2],
        },
        index=REGIONS,
    )
    result = score(RULEBOOK, values, vetoes={"丁": "重大质量安全事故"})
    # 甲 40 + 40 + 20 + 0 = 100; 乙 0 + 20 + 20 + 5 (capped) = 45;
    # 丙 40 + 36 + (20 − 3×2) + 1 = 91; 丁 40 + 40 + 20 + 2 = 102 but vetoed → D
    assert result["total"].tolist() == [100, 45, 91, 102]
    assert result["grade"].tolist() == ["A", "D", "A", "D"]
    # A vetoed region ranks after all the others (the rulebook's default)...
    assert result["rank"].tolist() == [1, 3, 2, 4]
    # ... or by its score where the rulebook says so.
    by_score = score(replace(RULEBOOK, veto_ranking="by_score"), values, vetoes={"丁": "事故"})
    assert by_score["rank"].tolist() == [2, 4, 3, 1]
    assert result.loc["丁", "veto_reason"] == "重大质量安全事故"
    assert result.loc["丙", "1.3"] == 14
    assert set(result["peers"]) == {4}


def test_rulebook_points_must_add_up():
    assert check_total([40, 40, 20, 5], [False, False, False, True], 100) is None
    message = check_total([40, 40, 15], [False, False, False], 100)
    assert "95" in message and "100" in message


def test_several_rulebooks_scored_at_once_rank_within_their_own_peers():
    item = ItemSpec("1", 10, "rank", "score", ">=", params={"table": [10, 5]})
    best = ItemSpec("2", 10, "rank", "score", ">=", params={"mode": "best"})
    spec = RulebookSpec(items=(item, best), bands=(("A", 15), ("B", 0)))
    values = pd.DataFrame({"score": [90, 80, 40, 20]}, index=REGIONS)
    groups = pd.Series(["东", "东", "西", "西"], index=REGIONS)
    result = score(spec, values, groups=groups)
    # 甲 and 丙 each lead their own group: 10 by table and 10 as the best; 乙 80/90 × 10
    assert result["1"].tolist() == [10, 5, 10, 5]
    assert result["2"].round(4).tolist() == [10, round(80 / 90 * 10, 4), 10, 5]
    assert result["rank"].tolist() == [1, 2, 1, 2]
    assert result["peers"].tolist() == [2, 2, 2, 2]
