"""Reports for leaders: the rankings workbook and the printable quarterly briefing, who gets them,
and what is in them."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import (
    AssessmentRun,
    DataElement,
    Period,
    ProgressUpdate,
    RegionFigure,
    RegionResult,
    Rulebook,
    RuleItem,
    RunStatus,
    Status,
    Submission,
    TargetWarning,
    Value,
)
from assessments.scoring import runs
from portal.models import Region, Role
from portal.periods import Quarter
from targets.models import Target, Task

pytestmark = pytest.mark.django_db
YEAR = 2090
JINAN, GUSHAN, XINDIAN, HUANXI = "350111", "350111100", "350111101", "350111103"


@pytest.fixture
def people(make_user):
    return {
        "office": make_user(role=Role.OFFICE, region=JINAN, username="office"),
        "city_office": make_user(role=Role.OFFICE, region="350100", username="city_office"),
        "other_office": make_user(role=Role.OFFICE, region="120115", username="other_office"),
        "department": make_user(role=Role.DEPARTMENT, department="350111:市质监局直属二分局",
                                username="department"),
        "official": make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="official"),
    }  # fmt: skip


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def book(db):
    """A rulebook of 晋安区 for its towns, with published results written as a run writes them."""
    rulebook = Rulebook.objects.create(year=YEAR, scope=region(JINAN), level=4, name="测试细则")
    RuleItem.objects.create(rulebook=rulebook, code="1", order=1, name="产品质量", points=60)
    RuleItem.objects.create(rulebook=rulebook, code="1.1", order=2, name="省级合格率", points=60,
                            method="met", comparator=">=", threshold=93,
                            parent=rulebook.items.get(code="1"))  # fmt: skip
    RuleItem.objects.create(rulebook=rulebook, code="2", order=3, name="-食品合格率", points=40,
                            method="met", comparator=">=", threshold=96)  # fmt: skip
    run = AssessmentRun.objects.create(year=YEAR, trigger="test", status=RunStatus.SUCCEEDED,
                                       finished_at=timezone.now())  # fmt: skip
    rows = [
        (XINDIAN, "100.00", "A", 1, False, "", {"1.1": 60.0, "2": 40.0}),
        (GUSHAN, "85.00", "B", 2, False, "", {"1.1": 45.0, "2": 40.0}),
        (HUANXI, "60.00", "D", 3, True, "=cmd|' /C calc'!A0", {"1.1": 60.0, "2": 0.0}),
    ]
    for code, total, grade, rank, vetoed, reason, items in rows:
        RegionResult.objects.create(run=run, rulebook=rulebook, region=region(code),
                                    total=Decimal(total), grade=grade, rank=rank, peers=3,
                                    vetoed=vetoed, veto_reason=reason, items=items)  # fmt: skip
    return rulebook


def rankings_url(rulebook) -> str:
    return reverse("workspace:rankings", args=[rulebook.pk])


def briefing_url(code=JINAN, quarter="2090Q1") -> str:
    return f"{reverse('workspace:briefing')}?region={code}&quarter={quarter}"


def status_of(client, user, url) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


# --- Who gets what ---------------------------------------------------------------------------

WHO = ["office", "city_office", "other_office", "department", "official", None]


@pytest.mark.parametrize(
    "who, expected", list(zip(WHO, [200, 200, 404, 404, 404, 302], strict=True))
)
def test_who_exports_the_rankings(client, people, book, who, expected):
    assert status_of(client, people[who] if who else None, rankings_url(book)) == expected


@pytest.mark.parametrize(
    "who, expected", list(zip(WHO, [200, 200, 404, 404, 404, 302], strict=True))
)
def test_who_prints_the_briefing(client, people, who, expected):
    assert status_of(client, people[who] if who else None, briefing_url()) == expected


@pytest.mark.parametrize(
    "who, expected", list(zip(WHO, [200, 200, 200, 404, 404, 302], strict=True))
)
def test_who_opens_the_export_list(client, people, book, who, expected):
    url = reverse("workspace:exports")
    assert status_of(client, people[who] if who else None, url) == expected


def test_an_office_exports_nothing_above_its_own_region(client, people, book):
    city_book = Rulebook.objects.create(year=YEAR, scope=region("350100"), level=3, name="市细则")
    client.force_login(people["office"])
    assert client.get(rankings_url(city_book)).status_code == 404
    assert client.get(briefing_url("350100")).status_code == 404
    assert client.get(briefing_url(GUSHAN)).status_code == 200  # a town below is fine
    listed = list(client.get(reverse("workspace:exports")).context["rulebooks"])
    assert book in listed and city_book not in listed
    client.force_login(people["city_office"])
    assert client.get(rankings_url(city_book)).status_code == 200


def test_a_malformed_quarter_is_not_found(client, people):
    client.force_login(people["office"])
    assert client.get(briefing_url(quarter="2090Q7")).status_code == 404


# --- The rankings workbook ----------------------------------------------------------------------


def test_the_workbook_rows_are_the_published_results(client, people, book):
    client.force_login(people["office"])
    response = client.get(rankings_url(book))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = workbook(response)["考核结果"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("排名", "区划代码", "区划名称", "得分", "等次", "一票否决", "否决原因",
                           "同级参评数")  # fmt: skip
    assert rows[0][8:] == ("1.1 省级合格率（60分）", "2 -食品合格率（40分）")
    expected = [
        (r.rank, r.region.code, r.region.name, float(r.total), r.grade, "是" if r.vetoed else "否",
         r.veto_reason, r.peers, r.items["1.1"], r.items["2"])
        for r in RegionResult.objects.filter(rulebook=book).order_by("rank")
    ]  # fmt: skip
    # An empty text cell reads back as None; the escaped reason is checked below.
    actual = [(*row[:6], (row[6] or "").removeprefix("'"), *row[7:]) for row in rows[1:]]
    assert actual == expected


def test_text_that_looks_like_a_formula_is_escaped(client, people, book):
    Region.objects.filter(code=GUSHAN).update(name='=HYPERLINK("http://evil","x")')
    client.force_login(people["office"])
    book_file = workbook(client.get(rankings_url(book)))
    results = {row[1].value: row for row in book_file["考核结果"].iter_rows(min_row=2)}
    assert results[GUSHAN][2].value == '\'=HYPERLINK("http://evil","x")'
    assert results[HUANXI][6].value == "'=cmd|' /C calc'!A0"
    assert results[GUSHAN][1].data_type == "s"  # the code stays text, not a number
    items = {row[0].value: row for row in book_file["评分细则"].iter_rows(min_row=2)}
    assert items["2"][2].value == "'-食品合格率"
    for sheet in book_file.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_a_real_run_exports_what_it_published(client, people):
    period = Period.objects.create(year=YEAR, quarter=1, opens_on=date(YEAR, 3, 1),
                                   closes_on=date(YEAR, 4, 15))  # fmt: skip
    rulebook = Rulebook.objects.create(year=YEAR, scope=region(JINAN), level=4, name="实算细则")
    t03 = Target.objects.get(document__key="jinan-2012", code="T03")
    RuleItem.objects.create(rulebook=rulebook, code="1", order=1, name="省级", points=100,
                            method="deduction", target=t03, indicator=t03.measure.indicator,
                            params={"per": 1, "deduct": 5})  # fmt: skip
    elements = {e.code: e for e in DataElement.objects.filter(code__startswith="prov_")}
    for code, qualified in ((GUSHAN, 90), (XINDIAN, 95)):
        submission = Submission.objects.create(region=region(code), period=period,
                                               status=Status.APPROVED)  # fmt: skip
        Value.objects.create(submission=submission, element=elements["prov_sampled"], value=100)
        Value.objects.create(submission=submission, element=elements["prov_qualified"],
                             value=qualified)  # fmt: skip
    runs.run_year(year=YEAR)
    client.force_login(people["city_office"])
    sheet = workbook(client.get(rankings_url(rulebook)))["考核结果"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    published = sorted(
        RegionResult.objects.filter(rulebook=rulebook),
        key=lambda p: (p.rank is None, p.rank or 0, p.region.path),
    )
    assert len(rows) == len(published) == 9
    assert [(r[0], r[1], r[3], r[4], r[8]) for r in rows] == [
        (p.rank, p.region.code, float(p.total) if p.reported else None, p.grade_label,
         p.items["1"]) for p in published
    ]  # fmt: skip
    assert rows[0][1] == XINDIAN and rows[0][3] == 100
    # The seven towns without data are 未参评, ranked nowhere, after the two assessed.
    assert [r[0] for r in rows] == [1, 2] + [None] * 7 and rows[2][4] == "未参评"


# --- The briefing -------------------------------------------------------------------------------


@pytest.fixture
def published(db):
    """Figures and warnings of 2090 as a run publishes them: 晋安区 meets 省级合格率 (95 % ≥ 93 %),
    has a red warning on 食品合格率, and no figure for the rest; 鼓山镇 is at 90 %."""
    targets = {t.code: t for t in Target.objects.filter(document__key="jinan-2012")}
    run = AssessmentRun.objects.create(year=YEAR, trigger="test", status=RunStatus.SUCCEEDED)
    figures = [(JINAN, "T03", 95.0), (JINAN, "T04", 90.0), (GUSHAN, "T03", 90.0)]
    for code, target, value in figures:
        RegionFigure.objects.create(run=run, year=YEAR, region=region(code),
                                    indicator=targets[target].measure.indicator, quarters=4,
                                    value=value, projected=value)  # fmt: skip
    message = "晋安区：食品监督抽查合格率未达标"
    TargetWarning.objects.create(run=run, year=YEAR, region=region(JINAN), target=targets["T04"],
                                 level="red", message=message)  # fmt: skip
    return targets


def test_the_briefing_shows_every_target_of_the_region_with_its_status(client, people, published):
    client.force_login(people["office"])
    response = client.get(briefing_url())
    report = response.context["report"]
    towns = set(Region.objects.filter(parent__code=JINAN).values_list("code", flat=True))
    assert report.pages[0].region.code == JINAN
    assert {p.region.code for p in report.pages[1:]} == towns and len(towns) == 9
    jinan = report.pages[0]
    states = {s.target.code: s.status for s in jinan.states}
    assert set(states) == {t.code for t in Target.objects.filter(region__code=JINAN)}
    assert states["T03"] == "green" and states["T04"] == "red"
    assert {states[c] for c in states if c not in {"T03", "T04"}} == {"unknown"}
    assert (jinan.green, jinan.red) == (1, 1)
    assert [w.message for w in jinan.warnings] == ["晋安区：食品监督抽查合格率未达标"]
    body = response.content.decode()
    for target in Target.objects.filter(region__code=JINAN):
        assert f'data-target="{target.pk}"' in body
    assert "@media print" in body and "break-after:page" in body
    assert "晋安区：食品监督抽查合格率未达标" in body


def test_a_towns_page_reads_the_districts_level_targets(client, people, published):
    client.force_login(people["office"])
    report = client.get(briefing_url()).context["report"]
    gushan = next(p for p in report.pages if p.region.code == GUSHAN)
    codes = {s.target.code: s for s in gushan.states}
    assert set(codes) == {"T01", "T02", "T03", "T04", "T09"}  # rates, not counts
    assert codes["T03"].status == "red"  # 90 % after four quarters against ≥ 93 %


def test_the_briefing_reports_how_complete_reporting_is(client, people, make_user):
    period = Period.objects.create(year=YEAR, quarter=1, opens_on=date(YEAR, 3, 1),
                                   closes_on=date(YEAR, 4, 15))  # fmt: skip
    Submission.objects.create(region=region(GUSHAN), period=period, status=Status.APPROVED,
                              first_submitted_at=timezone.make_aware(
                                  timezone.datetime(YEAR, 4, 1, 10)))  # fmt: skip
    lead = make_user(role=Role.DEPARTMENT, department="350111:市质监局直属二分局")
    task = Task.objects.get(document__key="jinan-2012")
    ProgressUpdate.objects.create(department=lead.department, task=task, year=YEAR, quarter=1,
                                  text="开展考核评价")  # fmt: skip
    client.force_login(people["office"])
    response = client.get(briefing_url())
    jinan = response.context["report"].pages[0]
    below = jinan.reporting.below
    assert (below.expected, below.on_time, below.missing) == (9, 1, 8)
    assert [(d.department.short_name, d.owed, d.reported) for d in jinan.departments] == [
        ("市质监局直属二分局", 1, 1)
    ]
    assert Quarter(YEAR, 1) == response.context["report"].quarter
