"""The synthetic national-scale data set: shape, consistency, hard rules, determinism, safety."""

import io
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from assessments.devdata import synthetic
from assessments.models import (
    AuditAction,
    AuditEntry,
    DataElement,
    ElementRule,
    Indicator,
    Period,
    RegionResult,
    Status,
    Submission,
    Value,
    WindowReopening,
)
from assessments.reporting import selectors
from assessments.reporting.validation import validate
from portal.models import Region, Role, User

TOWNS, ELEMENTS, YEAR = 60, 6, 2091
SHAPE = {"provinces": 3, "cities": 5, "districts": 12}


def make(seed=7, replace=False, **extra):
    options = {"towns": TOWNS, "elements": ELEMENTS, "year": YEAR, "seed": seed, **SHAPE}
    return synthetic.generate(replace=replace, **{**options, **extra})


def snapshot():
    """Every synthetic value as (town code, quarter, element code, value), sorted."""
    return sorted(
        Value.objects.filter(submission__region__code__startswith="X").values_list(
            "submission__region__code", "submission__period__quarter", "element__code", "value"
        )
    )


def real_state():
    """Everything outside the synthetic data set that generation must never touch."""
    return {
        "regions": sorted(
            Region.objects.exclude(code__startswith="X").values_list(
                "id", "code", "name", "level", "parent_id", "path"
            )
        ),
        "elements": sorted(
            DataElement.objects.exclude(code__startswith="syn_").values_list(
                "id", "code", "weight_id", "group"
            )
        ),
        "rules": sorted(
            ElementRule.objects.exclude(left__code__startswith="syn_").values_list("id", "message")
        ),
        "indicators": sorted(
            Indicator.objects.exclude(code__startswith="syn_").values_list("id", "code")
        ),
        "submissions": sorted(
            Submission.objects.exclude(region__code__startswith="X").values_list(
                "id", "region_id", "period_id", "status", "version"
            )
        ),
        "values": sorted(
            Value.objects.exclude(submission__region__code__startswith="X").values_list(
                "id", "submission_id", "element_id", "value"
            )
        ),
        "periods": sorted(Period.objects.values_list("id", "year", "quarter", "opens_on")),
    }


@pytest.fixture
def generated(db):
    return make()


# ---------------------------------------------------------------------------------------------
# The shape, without the database


def test_national_shape_fits_the_code_scheme_and_is_uneven():
    shape = synthetic.default_shape(38_000)
    assert (shape.provinces, shape.cities, shape.districts, shape.towns) == (31, 340, 2850, 38_000)
    tree = synthetic.build_tree(shape, np.random.default_rng(1))
    assert [len(codes) for codes in tree.codes] == [31, 340, 2850, 38_000]
    all_codes = [code for codes in tree.codes for code in codes]
    assert len(set(all_codes)) == len(all_codes)
    assert all(code.startswith("X") and len(code) <= 12 for code in all_codes)
    assert {len(code) for code in tree.codes[3]} == {10}
    assert max(len(path) for paths in tree.paths() for path in paths) <= 255
    # Some provinces are much bigger than others, and every parent has children.
    towns_per_province = np.bincount(tree.town_province, minlength=31)
    assert towns_per_province.min() >= 1
    assert towns_per_province.max() >= 3 * towns_per_province.min()
    for level in (1, 2, 3):
        children = np.bincount(tree.parents[level], minlength=len(tree.codes[level - 1]))
        assert children.min() >= 1
        assert children.max() <= synthetic.MAX_CHILDREN[level + 1]


def test_tree_is_deterministic_from_the_seed():
    shape = synthetic.default_shape(5000)
    one = synthetic.build_tree(shape, np.random.default_rng(3))
    again = synthetic.build_tree(shape, np.random.default_rng(3))
    other = synthetic.build_tree(shape, np.random.default_rng(4))
    assert one.codes == again.codes
    assert one.codes != other.codes


def test_shapes_that_do_not_fit_are_refused():
    with pytest.raises(synthetic.SyntheticDataError):
        synthetic.Shape(2, 1, 5, 10).validate()
    with pytest.raises(synthetic.SyntheticDataError):
        synthetic.Shape(1, 1, 1, 1000).validate()  # a district holds at most 999 towns
    with pytest.raises(synthetic.SyntheticDataError):
        synthetic.plan_elements(4)


@pytest.mark.parametrize(
    ("count", "pairs", "stocks"), [(30, 10, 8), (6, 1, 2), (5, 1, 1), (99, 33, 31)]
)
def test_element_mix(count, pairs, stocks):
    plans = synthetic.plan_elements(count)
    roles = Counter(plan.role for plan in plans)
    assert roles == {
        "sampled": pairs,
        "qualified": pairs,
        "stock": stocks,
        "respondents": 1,
        "score": 1,
    }
    assert [plan.code for plan in plans] == [f"syn_{i:02d}" for i in range(1, count + 1)]


# ---------------------------------------------------------------------------------------------
# Generated into the database


def test_counts_per_level_and_summary(generated):
    regions = synthetic.synthetic_regions()
    assert Counter(regions.values_list("level", flat=True)) == {1: 3, 2: 5, 3: 12, 4: TOWNS}
    assert (generated.provinces, generated.cities, generated.districts, generated.towns) == (
        3,
        5,
        12,
        TOWNS,
    )
    assert synthetic.synthetic_regions_root_codes() == ["X01", "X02", "X03"]
    assert generated.root_codes == ["X01", "X02", "X03"]
    assert generated.submissions == TOWNS * 4
    assert generated.values == TOWNS * 4 * ELEMENTS
    assert Value.objects.filter(submission__region__code__startswith="X").count() == (
        TOWNS * 4 * ELEMENTS
    )
    assert generated.periods == [f"{YEAR}Q{q}" for q in (1, 2, 3, 4)]
    assert any("镇 60" in line for line in generated.lines())


def test_the_tree_is_what_region_save_would_build(generated):
    regions = {r.pk: r for r in synthetic.synthetic_regions()}
    level_names = {1: "省", 2: "市", 3: "区", 4: "镇"}
    for region in regions.values():
        assert region.code.startswith("X") and len(region.code) <= 12
        assert region.level_name == level_names[region.level]
        assert region.name == f"合成{level_names[region.level]}{region.code[1:]}"
        if region.level == 1:
            assert region.parent_id is None
            assert region.path == f"{region.code}/"
        else:
            parent = regions[region.parent_id]
            assert parent.level == region.level - 1
            assert region.code.startswith(parent.code)
            assert region.path == f"{parent.path}{region.code}/"
    # And Region.save() itself agrees, one region per level.
    for level in (1, 2, 3, 4):
        region = Region.objects.filter(code__startswith="X", level=level).last()
        before = region.path
        region.full_clean()
        region.save()
        region.refresh_from_db()
        assert region.path == before
    towns = Region.objects.filter(code__startswith="X", level=4)
    assert not towns.filter(children__isnull=False).exists()
    assert all(regions[t.parent_id].level == 3 for t in towns)
    connection.check_constraints()  # every foreign key points somewhere


def test_elements_rules_and_indicators(generated):
    elements = {e.code: e for e in synthetic.synthetic_elements()}
    assert sorted(elements) == [f"syn_{i:02d}" for i in range(1, ELEMENTS + 1)]
    assert {e.group for e in elements.values()} == {"合成数据"}
    assert {e.entry_level for e in elements.values()} == {4}
    assert all(e.applies_to_id is None for e in elements.values())
    score = next(e for e in elements.values() if e.time_aggregation == "avg")
    assert score.region_aggregation == "avg" and score.value_type == "percent"
    assert score.weight.region_aggregation == "sum" and score.weight.value_type == "count"
    assert {e.time_aggregation for e in elements.values()} == {"sum", "last", "avg"}
    rules = ElementRule.objects.filter(left__code__startswith="syn_")
    assert rules.count() == generated.rules == 1
    indicators = synthetic.synthetic_indicators()
    assert indicators.count() == generated.indicators == 4  # 1 ratio, 2 stocks, 1 score
    ratio = indicators.get(kind="ratio")
    assert ratio.unit == "%" and ratio.scale == 100
    assert (ratio.numerator_id, ratio.denominator_id) == (rules[0].left_id, rules[0].right_id)


def test_real_regions_are_never_asked_for_synthetic_elements(generated):
    real_town = Region.objects.get(code="350111100")
    codes = {e.code for e in selectors.elements_for_region(real_town)}
    assert "nat_sampled" in codes and not any(c.startswith("syn_") for c in codes)
    assert not synthetic.synthetic_elements().filter(is_active=True).exists()


def test_reloading_the_reference_data_keeps_the_synthetic_rules(generated):
    from assessments.devdata.reference import load_all_reference
    from tests.conftest import FIXTURES

    before = ElementRule.objects.filter(left__code__startswith="syn_").count()
    load_all_reference(fixtures_dir=FIXTURES)
    assert ElementRule.objects.filter(left__code__startswith="syn_").count() == before > 0


def test_submissions_are_approved_inside_their_window(generated):
    submissions = synthetic.synthetic_submissions().select_related("period")
    assert submissions.count() == TOWNS * 4
    zone = timezone.get_default_timezone()
    for s in submissions:
        assert s.status == Status.APPROVED and s.version == 1 and s.is_locked
        assert s.submitted_by_id is None and s.decided_by_id is None
        start = timezone.make_aware(datetime.combine(s.period.opens_on, dtime.min), zone)
        end = timezone.make_aware(
            datetime.combine(s.period.closes_on + timedelta(days=1), dtime.min), zone
        )
        assert timezone.is_aware(s.submitted_at)
        assert start <= s.first_submitted_at == s.submitted_at < s.decided_at < end
        assert s.updated_at == s.decided_at


def test_every_value_keeps_the_hard_rules(generated):
    elements = list(synthetic.synthetic_elements())
    specs = selectors.element_specs(elements)
    rules = selectors.rule_specs(elements)
    kinds = {e.code: e for e in elements}
    by_submission = defaultdict(dict)
    rows = Value.objects.filter(submission__region__code__startswith="X").values_list(
        "submission_id", "submission__region_id", "submission__period__quarter",
        "element__code", "value",
    )  # fmt: skip
    stocks = defaultdict(dict)
    for submission_id, region_id, quarter, code, value in rows:
        by_submission[submission_id][code] = value
        if kinds[code].value_type == "count":
            assert value >= 0 and value == value.to_integral_value()
        else:
            assert Decimal(0) <= value <= Decimal(100)
        if kinds[code].time_aggregation == "last":
            stocks[(region_id, code)][quarter] = value
    assert len(by_submission) == TOWNS * 4
    for figures in by_submission.values():
        assert len(figures) == ELEMENTS
        # The portal's own validation finds nothing wrong (qualified ≤ sampled, types, ranges).
        outcome = validate(specs, figures, rules, require_all=True)
        assert not [issue for issue in outcome.issues if issue.is_error]
    assert stocks
    for quarters in stocks.values():
        series = [quarters[q] for q in (1, 2, 3, 4)]
        assert series == sorted(series)


def test_same_seed_same_values_other_seed_other_values(generated):
    first = snapshot()
    assert len(first) == TOWNS * 4 * ELEMENTS
    make(seed=7, replace=True)
    assert snapshot() == first
    make(seed=8, replace=True)
    assert snapshot() != first
    assert len(snapshot()) == len(first)


def test_a_second_run_without_replace_is_refused(generated):
    with pytest.raises(synthetic.SyntheticDataExists):
        make()
    with pytest.raises(CommandError, match="--replace"):
        call_command(
            "generate_synthetic", "--towns", "60", "--elements", "6",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert Value.objects.filter(submission__region__code__startswith="X").count() == (
        TOWNS * 4 * ELEMENTS
    )


def test_replace_leaves_the_real_data_alone(db, make_user):
    # A real town's real submission, made before and kept after.
    gushan = Region.objects.get(code="350111100")
    period = Period.objects.create(
        year=2092, quarter=1, opens_on=date(2092, 4, 1), closes_on=date(2092, 4, 15)
    )
    real = Submission.objects.create(region=gushan, period=period, status=Status.DRAFT)
    Value.objects.create(
        submission=real, element=DataElement.objects.get(code="nat_sampled"), value=40
    )
    before = real_state()
    jinan_path = Region.objects.get(code="350111").path

    make()
    make(seed=9, replace=True, towns=80, elements=7)
    state = real_state()
    state["periods"] = [p for p in state["periods"] if p[1] != YEAR]
    assert state == before
    assert Region.objects.get(code="350111").path == jinan_path
    assert Value.objects.filter(submission=real).count() == 1
    assert Value.objects.filter(submission__region__code__startswith="X").count() == 80 * 4 * 7
    assert synthetic.synthetic_elements().count() == 7
    connection.check_constraints()


def test_replace_removes_what_hangs_off_synthetic_rows(generated, make_user):
    office = make_user(role=Role.OFFICE, region="350111")
    town = Region.objects.filter(code__startswith="X", level=4).first()
    submission = Submission.objects.filter(region=town).first()
    AuditEntry.objects.create(
        submission=submission, action=AuditAction.STATUS, source="system", reason="test"
    )
    WindowReopening.objects.create(
        period=submission.period, region=town, until=submission.period.closes_on,
        reason="test", granted_by=office,
    )  # fmt: skip
    summary = make(replace=True)
    assert summary.deleted["assessments.AuditEntry"] == 1
    assert summary.deleted["assessments.WindowReopening"] == 1
    assert summary.deleted["assessments.Value"] == TOWNS * 4 * ELEMENTS
    assert User.objects.filter(pk=office.pk).exists()


def test_replace_refuses_when_real_rows_point_at_synthetic_ones(generated, make_user):
    town = Region.objects.filter(code__startswith="X", level=4).first()
    make_user(role=Role.REGION_OFFICIAL, region=town.code)
    first = snapshot()
    with pytest.raises(synthetic.SyntheticDataError, match="portal.User"):
        make(seed=8, replace=True)
    # Nothing was deleted or changed: the whole run is one transaction.
    assert snapshot() == first
    assert User.objects.filter(region=town).exists()


def test_command_prints_progress_and_summary(db):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_synthetic", "--towns", "60", "--elements", "6", "--year", str(YEAR),
        "--seed", "3", stdout=out, stderr=err,
    )  # fmt: skip
    assert "数值 1,440 行" in out.getvalue()
    assert "1,440/1,440" in err.getvalue()
    shape = synthetic.default_shape(60)
    assert synthetic.synthetic_regions().filter(level=3).count() == shape.districts
    assert synthetic.synthetic_regions().filter(level=4).count() == 60


def test_the_rollup_benchmark_prints_its_figures(generated):
    """bench_rollup on a small synthetic set prints every key the closing note reports."""
    out = io.StringIO()
    call_command("bench_rollup", "--year", str(YEAR), "--repeat", "1", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["database"] == connection.vendor
    assert result["values"] == Value.objects.filter(submission__period__year=YEAR).count() > 0
    for key in ("rollup_s", "sql_groupby_s", "incremental_s", "rollup_all_figures_written_s"):
        # Printed in seconds rounded to milliseconds: a bare GROUP BY over a small set can take
        # less than half a millisecond and print 0.0, so only the rounding is asserted here.
        assert isinstance(result[key], float) and result[key] >= 0
        assert result[key] == round(result[key], 3)
    # Ratios of the unrounded timings (the printed seconds are rounded to milliseconds).
    assert result["ratio_vs_sql"] > 0 and result["incremental_ratio"] > 0
    # The full run left published results for every synthetic rulebook's peers.
    assert RegionResult.objects.filter(rulebook__year=YEAR).exists()
