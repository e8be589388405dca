"""A region's dashboard shows its own targets valued for itself, the targets of the regions below
as a compact table valued for theirs, and a town its own figures and rank: on the demo's data,
at the province, the city, the district and a town. The briefing reads the same targets."""

import pytest
from django.urls import reverse

from assessments.devdata.demo import generate_demo_data
from assessments.models import RegionFigure, RegionResult
from assessments.scoring import runs
from portal import periods
from portal.models import Region, Role
from targets.models import Target

from .conftest import GUSHAN, JINAN

PROVINCE, CITY = "350000", "350100"
# The 晋安区 opinion's targets that hold in every town: rates and levels relative to a reference.
JINAN_LEVEL_TARGETS = ["T01", "T02", "T03", "T04", "T09"]


@pytest.fixture
def office(db, make_user):
    make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan")
    make_user(role=Role.OFFICE, region=JINAN, username="jinan-office")
    make_user(role=Role.OFFICE, region=CITY, username="fz-office")
    make_user(role=Role.OFFICE, region="120115", username="baodi-office")
    make_user(role=Role.REGION_OFFICIAL, region="120115", username="baodi-official")
    user = make_user(role=Role.OFFICE, region=PROVINCE, username="fj-office")
    report = generate_demo_data(today=periods.today())
    runs.run_year(year=periods.today().year, trigger="demo")
    assert report.submissions
    return user


def page(client, user, code):
    client.force_login(user)
    response = client.get(reverse("dashboard:region", args=[code]))
    assert response.status_code == 200
    return response.context


@pytest.mark.parametrize("code", [PROVINCE, CITY])
def test_above_the_district_its_targets_are_listed_below_not_as_the_pages_own(client, office, code):
    context = page(client, office, code)
    # 福建省's 2014 plan and 福州市 set no quantitative target: none is the page's own.
    assert context["table"].rows == []
    below = context["below"]
    assert below.total == Target.objects.filter(document__key="jinan-2012").count() == 11
    # Each is valued for 晋安区, where it was set, not for the page's region.
    assert {row.valued_region.code for row in below.rows} == {JINAN}
    for row in below.rows:
        if row.visible and row.current is not None:
            figure = RegionFigure.objects.get(
                year=periods.today().year,
                region__code=JINAN,
                indicator=row.target.measure.indicator,
            )
            assert row.current == pytest.approx(figure.value)
    assert sum(below.counts.values()) == 11


def test_the_district_page_lists_its_own_targets_valued_for_itself(client, office):
    context = page(client, office, JINAN)
    rows = context["table"].rows
    assert len(rows) == 11 and {row.valued_region.code for row in rows} == {JINAN}
    assert context["below"].total == 0


def test_a_town_page_shows_the_towns_own_figures_score_and_rank(client, office):
    context = page(client, office, GUSHAN)
    rows = context["table"].rows
    assert sorted(row.target.code for row in rows) == JINAN_LEVEL_TARGETS
    year = periods.today().year
    for row in rows:
        assert row.valued_region.code == GUSHAN
        figure = RegionFigure.objects.filter(
            year=year, region__code=GUSHAN, indicator=row.target.measure.indicator
        ).first()
        assert row.current == (pytest.approx(figure.value) if figure else None)
    [result] = context["own_results"]
    stored = RegionResult.objects.get(region__code=GUSHAN, rulebook__year=year)
    assert (result.total, result.grade, result.rank, result.peers) == (
        stored.total,
        stored.grade,
        stored.rank,
        9,
    )
    reporting = context["reporting"]
    assert reporting.expected == 0 and reporting.enters_itself
    html = client.get(reverse("dashboard:region", args=[GUSHAN])).content.decode()
    assert "0 / 0" not in html
    assert f"在晋安区考核的 9 个区划中排第 {stored.rank} 名" in html
    assert "下级区划排名" not in html  # a town scores nobody


def test_the_briefing_reads_the_same_targets_as_the_dashboard(client, office):
    client.force_login(office)
    quarter = periods.Quarter.of(periods.today()).previous()
    response = client.get(reverse("workspace:briefing"), {"region": CITY, "quarter": quarter.label})
    assert response.status_code == 200
    report = response.context["report"]
    pages = {p.region.code: p for p in report.pages}
    dashboard = page(client, office, CITY)
    # No target applies to the city itself: no page of its own, page one says so in numbers.
    assert CITY not in pages and report.summary.total == len(dashboard["table"].rows) == 0
    district = page(client, office, JINAN)
    assert len(pages[JINAN].states) == len(district["table"].rows) == 11


def test_an_empty_page_says_so_in_words(client, office):
    client.force_login(office)
    html = client.get(reverse("dashboard:region", args=[CITY])).content.decode()
    assert "没有适用于福州市本级的量化目标" in html
    assert "福州市下级区划的目标" in html


def test_one_projection_in_the_table_the_warning_and_the_briefing(client, office):
    """For every target of the demo data the dashboard's projection, the warning's and the
    briefing's are the same number, printed the same way; a count's is a whole number."""

    year = periods.today().year
    compared = 0
    for code, count in ((JINAN, 11), ("120115", 8)):  # every target of the demo's documents
        compared += _compare_projections(client, office, code, count, year)
    assert compared >= 8  # most of the demo's targets carry a warning


def _compare_projections(client, office, code, count, year) -> int:
    from assessments.models import TargetWarning
    from portal.models import User
    from targets import status

    user = office if code == JINAN else User.objects.get(username="baodi-office")
    rows = {row.target.pk: row for row in page(client, user, code)["table"].rows}
    assert len(rows) == count
    client.force_login(user)
    quarter = periods.Quarter.of(periods.today()).previous()
    response = client.get(reverse("workspace:briefing"), {"region": code, "quarter": quarter.label})
    briefing_states = {
        state.target.pk: state
        for p in response.context["report"].pages
        if p.region.code == code
        for state in p.states
    }
    compared = 0
    for pk, row in rows.items():
        if row.outlook is None:
            continue
        state = briefing_states[pk]
        assert state.projected == row.outlook.outcome, row.target.code
        if row.decimals == 0:
            assert row.outlook.outcome == int(row.outlook.outcome), row.target.code
        warning = TargetWarning.objects.filter(year=year, target_id=pk, region__code=code).first()
        if warning is not None:
            assert warning.projected == pytest.approx(row.outlook.outcome), row.target.code
            shown = status.format_figure(row.outlook.outcome, row.decimals, row.unit)
            assert shown in warning.text, (row.target.code, shown, warning.text)
            compared += 1
    return compared


def test_counts_read_as_whole_numbers_and_rates_with_fixed_decimals(client, office):
    client.force_login(office)
    html = client.get(reverse("dashboard:region", args=[JINAN])).content.decode()
    import re

    assert not re.search(r"\d+\.\d+\s*(项|家|个|件)", html), re.findall(
        r"\d+\.\d+\s*(?:项|家|个|件)", html
    )
    assert not re.search(r"\d+\.\d{3,}%", html)


def test_a_document_counts_from_its_issue_date(client, office):
    from datetime import date

    from targets.models import PolicyDocument

    year = periods.today().year
    jinan = Region.objects.get(code=JINAN)
    later = PolicyDocument.objects.create(
        key="jinan-next-year",
        title="晋安区下一年度质量工作要点",
        issuer="晋安区人民政府",
        issue_date=date(year + 1, 2, 1),
        region=jinan,
        full_text="到明年底，全区省级监督抽查合格率达到95%以上。",
    )
    Target.objects.create(
        document=later, code="T01", order=1, region=jinan, indicator="省级监督抽查合格率",
        kind="rate", comparator=">=", value=95, unit="%", quote="省级监督抽查合格率达到95%以上",
    )  # fmt: skip
    rows = page(client, office, JINAN)["table"].rows
    assert later.pk not in {row.target.document_id for row in rows}
    assert len(rows) == 11
    client.force_login(office)
    response = client.get(reverse("dashboard:region", args=[JINAN]), {"year": year + 1})
    assert later.pk in {row.target.document_id for row in response.context["table"].rows}


def test_a_document_past_its_horizon_expires_unless_the_office_carries_it_forward(client, office):
    from assessments.models import TargetWarning
    from targets.models import PolicyDocument

    year = periods.today().year
    document = PolicyDocument.objects.get(key="jinan-2012")  # horizon 2015, carried in the demo
    assert document.carried_forward and not document.expired_in(year)
    PolicyDocument.objects.filter(pk=document.pk).update(carried_forward=False)
    runs.run_year(year=year, trigger="manual")
    assert page(client, office, JINAN)["table"].rows == []
    assert not TargetWarning.objects.filter(year=year, target__document=document).exists()
    client.force_login(office)
    html = client.get(reverse("targets:document_detail", args=[document.pk])).content.decode()
    assert "已到期" in html and "到期后继续考核" in html
    listing = client.get(reverse("targets:document_list")).content.decode()
    assert "已到期" in listing
    # The 晋安区 office carries it forward again: its targets are judged this year.
    from portal.models import User

    client.force_login(User.objects.get(username="jinan-office"))
    response = client.post(reverse("targets:carry_forward", args=[document.pk]), {"carried": "1"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.carried_forward
    runs.run_year(year=year, trigger="manual")
    assert len(page(client, office, JINAN)["table"].rows) == 11
    assert TargetWarning.objects.filter(year=year, target__document=document).exists()


def test_a_campaign_count_shows_its_total_since_it_began(client, office):
    year = periods.today().year
    rows = [
        row
        for row in page(client, office, JINAN)["table"].rows
        if row.target.measure.cumulative_from is not None and row.current is not None
    ]
    assert rows  # the demo's 晋安区 counts its standards since the campaign began
    for row in rows:
        figures = RegionFigure.objects.filter(
            region__code=JINAN,
            indicator=row.target.measure.indicator,
            year__gte=row.target.measure.cumulative_from,
            year__lte=year,
        )
        assert row.cumulative_total == pytest.approx(sum(f.value for f in figures))
        assert row.pace is None or row.pace.kind in {"met", "per_quarter", "closed"}
