"""The rules that decide a signed score, each with the case that once went wrong. Pure: no
database."""

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from assessments.reporting.validation import ElementSpec, validate
from assessments.scoring import definitions, rulebook_checks
from assessments.scoring.aggregation import ElementRule, combine_children, weighted_figure
from assessments.scoring.methods import ItemSpec, RulebookSpec, grade_for, score, total_of
from assessments.scoring.rulebook_checks import ItemDraft

BANDS = (("A", 90.0), ("B", 80.0), ("C", 60.0), ("D", 0.0))


# --- 1. Ties are decided on the published figure, not on float noise -----------------------------


def test_a_tie_through_weighted_figures_stays_a_tie():
    rank = ItemSpec("1", 30, "rank", "satisfaction", ">=", params={"table": [30, 28, 26]},
                    decimals=2)  # fmt: skip
    book = RulebookSpec(items=(rank,), bands=BANDS)
    noisy = pd.DataFrame({"satisfaction": [90.0, 85.19999999999999, 85.20000000000002]},
                         index=["甲", "乙", "丙"])  # fmt: skip
    result = score(book, noisy)
    assert result["1"].tolist() == [30, 28, 28]
    assert result["rank"].tolist() == [1, 2, 2]
    # Without the indicator's precision the noise would decide: 丙 ahead of 乙.
    raw = score(RulebookSpec(items=(replace(rank, decimals=None),), bands=BANDS), noisy)
    assert raw["1"].tolist() == [30, 26, 28]


# --- 2. A weighted figure with no weight is missing ---------------------------------------------


def test_a_score_from_no_respondents_is_no_score():
    # 100 from 0 respondents is missing; 85 from 10 is 85; a plain mean where no weight is set.
    values = weighted_figure([0.0, 850.0, np.nan], [0.0, 10.0, np.nan], [100.0, 85.0, 70.0],
                             [True, True, False])  # fmt: skip
    assert np.isnan(values[0]) and values[1] == 85.0 and values[2] == 70.0
    rules = {"score": ElementRule("score", "avg", "avg", "asked"), "asked": ElementRule("asked")}
    children = pd.DataFrame({"region": [1, 2, 1, 2], "parent": [9, 9, 9, 9],
                             "element": ["score", "score", "asked", "asked"],
                             "value": [100.0, 80.0, 0.0, 50.0]})  # fmt: skip
    parent = combine_children(children, rules).set_index("element")["value"]
    assert parent["score"] == 80.0 and parent["asked"] == 50.0
    nobody = children.assign(value=[100.0, 80.0, 0.0, 0.0])
    assert "score" not in set(combine_children(nobody, rules)["element"])


def test_validation_refuses_a_score_without_respondents():
    specs = [ElementSpec("score", "满意度得分", "分", "percent", max_value=Decimal(100),
                         weight="asked"),
             ElementSpec("asked", "受访人数", "人", "count")]  # fmt: skip
    outcome = validate(specs, {"score": "100", "asked": "0"})
    assert [issue.element for issue in outcome.errors] == ["asked"]
    assert "受访人数应大于 0" in outcome.errors[0].message
    assert not validate(specs, {"score": "100", "asked": ""}).values.get("asked")
    assert validate(specs, {"score": "100", "asked": ""}).errors
    assert not validate(specs, {"score": "90", "asked": "25"}).errors
    assert not validate(specs, {"score": "", "asked": "0"}).errors  # no score, nothing to weigh


# --- 4. The total is rounded once, by the rulebook's rule, and graded as shown --------------------


@pytest.mark.parametrize(
    ("scores", "rounding", "total", "grade"),
    [
        ([89.995], "half_up", "90.00", "A"),
        ([89.99499], "half_up", "89.99", "B"),
        ([30.1, 29.945, 29.95], "half_up", "90.00", "A"),  # 89.995 reached through floats
        ([60.0, 19.995, 9.9999], "half_up", "89.99", "B"),  # 89.9949: never rounded twice
        ([89.999], "down", "89.99", "B"),
        ([90.0], "half_up", "90.00", "A"),
        ([79.995], "half_up", "80.00", "B"),
    ],
)
def test_totals_round_once_and_grade_as_published(scores, rounding, total, grade):
    published = total_of(scores, 2, rounding)
    assert published == Decimal(total)
    assert grade_for(published, BANDS) == grade


def test_a_whole_number_rulebook_grades_its_rounded_total():
    assert total_of([89.5], 0) == Decimal("90") and grade_for(total_of([89.49], 0), BANDS) == "B"


# --- 6. Missing reference values, unreported regions, counting what is new ------------------------


def test_a_missing_reference_value_scores_zero_and_is_flagged():
    item = ItemSpec("4", 5, "relative", "rate", ">", reference=None)
    result = score(RulebookSpec(items=(item,), bands=BANDS), pd.DataFrame({"rate": [99.0]}))
    assert result["4"].tolist() == [0] and result["flags"][0] == [
        {"item": "4", "kind": "missing_reference"}
    ]


def test_regions_without_figures_are_not_assessed_unless_the_rulebook_says_so():
    item = ItemSpec("1", 100, "proportional", "rate", ">=", 100.0)
    values = pd.DataFrame({"rate": [95.0, np.nan, 90.0]}, index=["甲", "乙", "丙"])
    absent = score(RulebookSpec(items=(item,), bands=BANDS), values)
    assert absent["grade"].tolist() == ["A", "", "A"]
    assert absent["rank"].tolist() == [1, pd.NA, 2] and absent["peers"].tolist() == [2, 2, 2]
    zero = score(RulebookSpec(items=(item,), bands=BANDS, unreported="zero"), values)
    assert zero["grade"].tolist() == ["A", "D", "A"] and zero["rank"].tolist() == [1, 3, 2]


def test_a_bonus_per_new_brand_pays_for_the_new_ones_only():
    bonus = ItemSpec("9", 10, "bonus", "brands", params={"per_unit": 2}, counts="new", decimals=0)
    book = RulebookSpec(items=(bonus,), bands=BANDS)
    now = pd.DataFrame({"brands": [5.0, 3.0, 4.0]}, index=["甲", "乙", "丙"])
    last = pd.DataFrame({"brands": [3.0, 4.0]}, index=["甲", "乙"])
    result = score(book, now, previous=last)
    # 甲 2 new → 4 points; 乙 lost one → 0; 丙 has no figure last year → 0, flagged.
    assert result["9"].tolist() == [4, 0, 0]
    assert result["flags"].tolist()[2] == [{"item": "9", "kind": "missing_last_year"}]
    stock = score(RulebookSpec(items=(replace(bonus, counts=""),), bands=BANDS), now)
    assert stock["9"].tolist() == [10, 6, 8]  # the stock pays every year (capped at 10)


# --- 5. Rulebooks that cannot be scored are refused --------------------------------------------


def leaf(code, points, **extra):
    return ItemDraft(code=code, points=points, method=extra.pop("method", "met"),
                     has_indicator=True, threshold=extra.pop("threshold", 90), **extra)  # fmt: skip


def messages(**given):
    given.setdefault("total_points", 100)
    given.setdefault("bands", [{"grade": g, "min": m} for g, m in BANDS])
    return [problem.message for problem in rulebook_checks.check(**given)]


def test_a_scorable_rulebook_passes():
    items = [ItemDraft(code="1", points=60), leaf("1.1", 30, parent="1"),
             leaf("1.2", 30, parent="1"), leaf("2", 40),
             leaf("3", 5, method="bonus", params={"per_unit": 1})]  # fmt: skip
    assert messages(items=items) == []


def test_bands_out_of_order_are_refused():
    low_to_high = [{"grade": "D", "min": 0}, {"grade": "C", "min": 60}, {"grade": "A", "min": 90}]
    found = messages(bands=low_to_high, items=[leaf("1", 100)])
    assert any("从高到低" in m and "C" in m for m in found)
    assert messages(bands=[], items=[leaf("1", 100)])


def test_parameters_that_cannot_be_computed_are_refused():
    found = messages(items=[leaf("1", 100, method="deduction", params={"per": 0, "deduct": 2})])
    assert found == ["项目 1：扣分的 per（每差多少扣一次）应大于 0"]
    tiers = messages(items=[leaf("1", 100, method="tiered", params={"tiers": [{"min": 90}]})])
    assert tiers == ["项目 1：每一档须有数值 min 和 0 到 1 之间的 share"]
    table = messages(items=[leaf("1", 100, method="rank", params={"table": [120, 100]})])
    assert table == ["项目 1：排名 table 的最高得分 120 超过本项分值 100"]
    no_threshold = messages(items=[leaf("1", 100, threshold=None)])
    assert no_threshold == ["项目 1：须填写达标值，或关联有目标值的目标"]


def test_points_that_do_not_add_up_are_refused():
    items = [ItemDraft(code="1", points=60), leaf("1.1", 30, parent="1"),
             leaf("1.2", 20, parent="1"), leaf("2", 40)]  # fmt: skip
    found = messages(items=items)
    assert "项目 1 的下级项目（不含加分项）分值合计 50 分，与其分值 60 分不一致。" in found
    assert "各一级项目（不含加分项）分值合计 100 分，与总分 100 分不一致。" not in found
    assert messages(items=[leaf("1", 90)]) == [
        "各一级项目（不含加分项）分值合计 90 分，与总分 100 分不一致。"
    ]


def test_definitions_say_what_changed():
    item = ItemSpec("1", 40, "met", "prov", ">=", 93.0)
    book = RulebookSpec(items=(item,), bands=BANDS)

    def of(spec):
        return definitions.rulebook_definitions(
            name="细则", version=1, total_points=100, spec=spec, names={"1": "省级合格率"},
            indicators={}, vetoes=[], incidents=[],
        )  # fmt: skip

    changed = replace(book, items=(replace(item, threshold=95.0),))
    assert definitions.changes(of(book), of(changed)) == ["1 达标值：93 → 95"]
    assert definitions.changes(of(book), of(book)) == []


def test_the_vectorised_rounding_agrees_with_the_displayed_figure():
    """Ties are decided on exactly the figure every page shows (targets.status.round_figure)."""
    from assessments.scoring.methods import published
    from targets.status import round_figure

    rng = np.random.default_rng(2026)
    figures = np.concatenate([
        rng.uniform(0, 1000, 5000),
        np.round(rng.uniform(0, 1000, 2000), 3),  # many exact halves at two decimals
        [2.675, 1.005, 85.20000000000002, 85.19999999999999, 0.125, 89.995],
    ])  # fmt: skip
    for decimals in (0, 1, 2):
        fast = published(pd.Series(figures), decimals).tolist()
        assert fast == [round_figure(f, decimals) for f in figures]


def test_totals_are_the_exact_sum_rounded_once():
    from decimal import ROUND_DOWN, ROUND_HALF_UP

    rng = np.random.default_rng(7)
    rows = np.round(rng.uniform(0, 20, (500, 7)), 4)
    for rounding, mode in (("half_up", ROUND_HALF_UP), ("down", ROUND_DOWN)):
        for row in rows:
            exact = sum((Decimal(repr(round(float(v), 6))) for v in row), Decimal(0))
            assert total_of(list(row), 2, rounding) == exact.quantize(Decimal("0.01"), mode)
