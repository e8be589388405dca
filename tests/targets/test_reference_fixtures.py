"""The fixtures of the three real policies, checked against the documents.

The expected counts were taken from the texts by hand (fixtures/policies/*.txt); if a target,
task or duty drops out of the fixtures or the loader, these tests say which.
"""

from decimal import Decimal

import pytest

from portal.models import Department, Region, RegionLevel
from targets.models import AssignmentRole, PolicyDocument, Target

pytestmark = pytest.mark.django_db

EXPECTED = {
    # key: (targets, tasks, duties, leadership groups, sections)
    # Fujian 2014: an action plan of tasks only; no sentence sets a quantitative target.
    "fujian-2014": (0, 15, 0, 1, 19),
    # Jinan 2012: 11 targets in 三（一）1–3; one task, 四（四）由市质监局直属二分局会同…考核.
    "jinan-2012": (11, 1, 0, 1, 16),
    # Baodi 2010: 8 targets in 二 and 二（一）（二）; the 20 duties of 三（一）–（二十）.
    "baodi-2010": (8, 0, 20, 1, 38),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_document_has_the_counts_taken_from_its_text(key):
    document = PolicyDocument.objects.get(key=key)
    counts = (
        document.targets.count(),
        document.tasks.count(),
        document.duties.count(),
        document.leadership_groups.count(),
        document.sections.count(),
    )
    assert counts == EXPECTED[key]


def test_every_quote_and_task_text_stands_in_its_document():
    for document in PolicyDocument.objects.all():
        for target in document.targets.all():
            assert target.quote in document.full_text, target.code
            assert target.section is not None, target.code
            assert document.full_text[target.section.start : target.section.end].count(
                target.quote
            ), target.code
        for task in document.tasks.all():
            assert task.text in document.full_text, task.code
            assert task.assignment_text in document.full_text, task.code
        for duty in document.duties.all():
            assert duty.text in document.full_text, duty.code


def describe(key: str) -> list[tuple]:
    return [
        (t.indicator, t.comparator, t.value, t.unit, t.kind, t.aspirational, t.reference)
        for t in PolicyDocument.objects.get(key=key).targets.order_by("order")
    ]


def test_the_jinan_targets_are_the_ones_the_opinion_sets():
    rows = describe("jinan-2012")
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (">", None, "%"),  # 国家监督抽查合格率高于全省平均水平
        (">", None, "%"),  # 出口商品检验合格率高于全省平均水平
        (">=", Decimal("93"), "%"),
        (">=", Decimal("96"), "%"),  # 其中食品监督抽查合格率
        (">=", Decimal("5"), "家"),
        (">=", Decimal("30"), "项"),
        (">=", Decimal("20"), "项"),
        (">=", Decimal("30"), "家"),
        (">=", Decimal("80"), "%"),
        (">=", Decimal("2"), "个"),
        (">=", Decimal("20"), "项"),
    ]
    assert [r[6] for r in rows[:2]] == ["全省平均水平", "全省平均水平"]
    assert [r[5] for r in rows] == [False] * 4 + [True] * 7
    assert all(t.horizon_year == 2015 for t in Target.objects.filter(document__key="jinan-2012"))
    assert "食品" in rows[3][0]


def test_the_baodi_targets_cover_first_ever_new_and_all_or_nothing():
    rows = describe("baodi-2010")
    kinds = [r[4] for r in rows]
    assert kinds[:2] == ["first", "new"]
    assert rows[0][1:4] == (">=", Decimal("1"), "个")
    assert rows[1][1:4] == (">=", Decimal("20"), "个")
    assert rows[-1][1:5] == ("=", Decimal("100"), "%", "all")
    assert sorted((r[1], r[2], r[3]) for r in rows[2:-1]) == sorted(
        [
            (">=", Decimal("95"), "%"),
            (">=", Decimal("95"), "%"),
            (">=", Decimal("5"), "个"),
            (">=", Decimal("98"), "%"),
            (">=", Decimal("10"), "个"),
        ]
    )


def assignments(code: str) -> tuple[list[str], list[str]]:
    task = PolicyDocument.objects.get(key="fujian-2014").tasks.get(code=code)
    by_role = {AssignmentRole.LEAD: [], AssignmentRole.COOPERATING: []}
    for a in task.assignments.order_by("order"):
        by_role[a.role].append(a.department.short_name)
    return by_role[AssignmentRole.LEAD], by_role[AssignmentRole.COOPERATING]


def test_fujian_task_one_has_its_lead_and_thirteen_cooperating_departments():
    lead, cooperating = assignments("（一）")
    assert lead == ["省食品药品监管局"]
    assert cooperating == [
        "省教育厅", "省公安厅", "省农业厅", "省林业厅", "省海洋渔业厅", "省商务厅", "省人社厅",
        "省卫计委", "省质监局", "福州海关", "厦门海关", "福建检验检疫局", "厦门检验检疫局",
    ]  # fmt: skip


def test_fujian_tasks_without_a_lead_list_everyone_as_responsible():
    lead, cooperating = assignments("（二）")
    assert lead == []
    assert cooperating[:3] == ["省经信委", "省公安厅", "省农业厅"]
    assert len(cooperating) == 13


def test_fujian_assessment_task_is_led_by_the_leadership_group_office():
    lead, cooperating = assignments("（十五）")
    assert lead == ["省质量强省工作领导小组办公室"]
    assert cooperating == ["省委组织部", "省质监局", "省统计局"]
    lead, cooperating = assignments("（十三）")
    assert (lead, cooperating) == (["省质监局"], ["省教育厅", "福建检验检疫局", "厦门检验检疫局"])


def test_every_fujian_task_has_departments():
    for task in PolicyDocument.objects.get(key="fujian-2014").tasks.all():
        assert task.assignments.exists(), task.code


def test_the_regions_carry_real_division_codes():
    assert Region.objects.get(code="350111").name == "晋安区"
    assert Region.objects.get(code="350111").parent.code == "350100"
    assert Region.objects.get(code="120115").parent.code == "120000"  # no city level in 天津
    towns = Region.objects.filter(level=RegionLevel.TOWN)
    assert towns.filter(path__startswith=Region.objects.get(code="350111").path).count() == 9
    assert towns.filter(path__startswith=Region.objects.get(code="120115").path).count() == 24
    for town in towns:
        assert town.code.startswith(town.parent.code) and len(town.code) == 9


def test_the_leadership_groups_say_where_their_office_sits():
    jinan = PolicyDocument.objects.get(key="jinan-2012").leadership_groups.get()
    assert jinan.office_host.short_name == "市质监局直属二分局"
    baodi = PolicyDocument.objects.get(key="baodi-2010").leadership_groups.get()
    assert baodi.office_host.short_name == "区质监局"
    assert baodi.members.count() == 18
    assert baodi.leader == "分管副区长"


def test_baodi_duties_map_to_departments_where_the_text_names_one():
    duties = PolicyDocument.objects.get(key="baodi-2010").duties
    assert duties.get(code="（二）").departments.get().short_name == "区发改委"
    assert set(duties.get(code="（十三）").departments.values_list("short_name", flat=True)) == {
        "区建委"
    }


def test_loading_twice_changes_nothing():
    from django.conf import settings

    from targets.services import load_reference_data

    before = (Region.objects.count(), Department.objects.count(), Target.objects.count())
    load_reference_data(fixtures_dir=settings.BASE_DIR / "fixtures")
    assert (Region.objects.count(), Department.objects.count(), Target.objects.count()) == before
