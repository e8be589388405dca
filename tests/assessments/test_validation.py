"""Hard and soft rules on figures: pure, no database."""

from decimal import Decimal as D

import pytest

from assessments.reporting.validation import (
    ElementSpec,
    ParseError,
    RuleSpec,
    parse_number,
    validate,
)

SAMPLED = ElementSpec("sampled", "省级监督抽查批次", "批", "count")
QUALIFIED = ElementSpec("qualified", "省级监督抽查合格批次", "批", "count")
SCORE = ElementSpec("score", "顾客满意度调查得分", "分", "percent")
AMOUNT = ElementSpec("money", "专项资金", "万元", "amount", max_value=D(1000))
RULES = [RuleSpec("qualified", "sampled", "合格批次不能大于抽查批次")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", D(12)),
        ("１２３", D(123)),
        ("1,234", D(1234)),
        ("１，２３４", D(1234)),
        (" 93.5% ", D("93.5")),
        ("93.5％", D("93.5")),
        ("12批", D(12)),
        (7, D(7)),
        (2.5, D("2.5")),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_it_reads_numbers_the_way_officials_type_them(raw, expected):
    assert parse_number(raw, "批") == expected


@pytest.mark.parametrize("raw", ["abc", "12abc", "1.2.3", "--5", "=1+1", True])
def test_it_rejects_what_is_not_a_number(raw):
    with pytest.raises(ParseError):
        parse_number(raw)


def messages(outcome):
    return [(i.element, i.level) for i in outcome.issues]


def test_qualified_may_not_exceed_sampled():
    outcome = validate([SAMPLED, QUALIFIED], {"sampled": "10", "qualified": "11"}, RULES)
    assert messages(outcome) == [("qualified", "error")]
    assert "合格批次不能大于抽查批次" in outcome.errors[0].message
    assert not validate([SAMPLED, QUALIFIED], {"sampled": "10", "qualified": "10"}, RULES).issues


def test_counts_are_non_negative_whole_numbers():
    assert messages(validate([SAMPLED], {"sampled": "-1"})) == [("sampled", "error")]
    outcome = validate([SAMPLED], {"sampled": "2.5"})
    assert "必须为整数" in outcome.errors[0].message


def test_percentages_lie_between_0_and_100():
    assert messages(validate([SCORE], {"score": "100.5"})) == [("score", "error")]
    assert not validate([SCORE], {"score": "0"}).issues
    assert not validate([SCORE], {"score": "100"}).issues


def test_an_elements_own_bounds_apply():
    assert messages(validate([AMOUNT], {"money": "1000.01"})) == [("money", "error")]
    assert not validate([AMOUNT], {"money": "999.5"}).issues


def test_blanks_are_allowed_in_a_draft_but_not_at_submission():
    assert not validate([SAMPLED], {}).issues
    outcome = validate([SAMPLED], {}, require_all=True)
    assert outcome.errors[0].message == "省级监督抽查批次未填写"


def test_a_rule_is_skipped_while_one_side_is_blank():
    assert not validate([SAMPLED, QUALIFIED], {"qualified": "5"}, RULES).issues


def test_a_figure_far_outside_the_regions_history_warns():
    history = {"sampled": [D(100), D(110), D(90), D(105)]}  # median 102.5
    outcome = validate([SAMPLED], {"sampled": "400"}, history=history)
    assert messages(outcome) == [("sampled", "warning")]
    # A count's median reads as a whole number (102.5 half up); the check uses the exact one.
    assert "中位数 103批" in outcome.warnings[0].message
    assert not validate([SAMPLED], {"sampled": "300"}, history=history).issues
    assert messages(validate([SAMPLED], {"sampled": "30"}, history=history)) == [
        ("sampled", "warning")
    ]


def test_too_little_history_gives_no_warning():
    outcome = validate([SAMPLED], {"sampled": "1000"}, history={"sampled": [D(10), D(10)]})
    assert not outcome.issues


def test_a_warning_is_explained_by_a_comment():
    history = {"sampled": [D(100)] * 4}
    outcome = validate([SAMPLED], {"sampled": "1000"}, history=history)
    assert outcome.unexplained_warnings({}) == outcome.warnings
    assert outcome.unexplained_warnings({"sampled": "  "}) == outcome.warnings
    assert outcome.unexplained_warnings({"sampled": "本季度开展专项抽查"}) == []


def test_the_median_of_a_count_reads_as_a_whole_number():
    standards = ElementSpec("standards", "本季度参与制修订标准数", "项", "count")
    history = {"standards": [D(0), D(1), D(0), D(1)]}  # median 0.5
    outcome = validate([standards], {"standards": "5"}, [], history)
    [issue] = outcome.warnings
    assert "中位数 1项" in issue.message and "0.5" not in issue.message
