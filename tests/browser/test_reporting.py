"""Quarterly reporting in the browser: a town official fills this quarter's form through the
instant and server checks and submits it; the 晋安区 office approves it from the queue, and the
town's score and rank change on the 晋安区 dashboard (the re-score runs after the commit)."""

import re

import pytest

from assessments.models import RegionResult, Rulebook, RuleItem, Status, Submission
from assessments.reporting import services
from assessments.scoring import runs
from portal.models import Region, Role
from targets.models import Target
from tests.assessments.conftest import TOWN_FIGURES
from tests.assessments.test_runs import approved

from .conftest import GUSHAN, JINAN, XINDIAN, YEAR, expect, log_in

pytestmark = pytest.mark.browser

INSTANT_CHECK = "“12O”不是有效的数字"  # the server's own words, shown as the official types
INVALID = re.compile(r"\binvalid\b")


def test_an_official_fills_checks_saves_and_submits_the_quarter(
    page, shoot, make_user, open_period
):
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan-official")
    log_in(page, "gushan-official")
    # Officials land on 季度填报; this quarter of 鼓山镇 is not entered yet.
    expect(page.locator("main h1")).to_have_text("季度填报")
    page.locator(f"a[href='/reporting/{GUSHAN}/{YEAR}/1/']").click()
    expect(page.locator("main h1")).to_contain_text(f"鼓山镇 {YEAR}年第1季度")

    names = page.locator("input[data-type]").evaluate_all("inputs => inputs.map(i => i.name)")
    assert sorted(name.removeprefix("v_") for name in names) == sorted(TOWN_FIGURES)
    for code, value in TOWN_FIGURES.items():
        page.locator(f"#v_{code}").fill(value)

    # The instant check, as the official types: not a number.
    sampled = page.locator("#v_prov_sampled")
    sampled.fill("12O")
    expect(sampled).to_have_class(INVALID)
    expect(page.locator("#checks_prov_sampled")).to_contain_text(INSTANT_CHECK)
    shoot("1-entry-instant-check")
    sampled.fill(TOWN_FIGURES["prov_sampled"])
    expect(sampled).not_to_have_class(INVALID)

    # Qualified > sampled: refused on saving, in Chinese, beside the field; what was typed stays.
    page.locator("#v_prov_qualified").fill("130")
    page.get_by_role("button", name="保存草稿").click()
    row = page.locator("table.entry tr", has=page.locator("#v_prov_qualified"))
    expect(row).to_have_class(re.compile(r"\brow-error\b"))
    expect(row.locator("div.error")).to_have_text(
        "省级监督抽查合格批次不能大于抽查批次（130 > 120）"
    )
    expect(page.locator(".messages .error")).to_be_visible()
    expect(page.locator("#v_prov_qualified")).to_have_value("130")
    expect(page.locator("#v_food_sampled")).to_have_value(TOWN_FIGURES["food_sampled"])
    shoot("1-entry-error")
    assert not Submission.objects.filter(region__code=GUSHAN, values__isnull=False).exists()

    # Corrected and saved as a draft.
    page.locator("#v_prov_qualified").fill(TOWN_FIGURES["prov_qualified"])
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages .success")).to_contain_text("草稿已保存")
    expect(page.locator("dl.facts .status")).to_have_text("草稿")
    expect(page.locator("#v_prov_qualified")).to_have_value(TOWN_FIGURES["prov_qualified"])
    shoot("1-entry-draft-saved")

    # Submitted for review.
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.locator(".messages .success")).to_have_text(
        f"鼓山镇{YEAR}年第1季度的数据已提交，等待审核。"
    )
    expect(page.locator("dl.facts .status")).to_have_text("已提交")
    shoot("1-submitted")

    submission = Submission.objects.get(region__code=GUSHAN, period=open_period)
    assert submission.status == Status.SUBMITTED
    stored = {
        v.element.code: f"{v.value.normalize():f}"
        for v in submission.values.select_related("element")
    }
    assert stored == TOWN_FIGURES


def _town_rulebook(year: int) -> Rulebook:
    """晋安区 scores its towns (as test_runs.py's rulebook): 60 points by deduction on
    省级监督抽查合格率 ≥ 93 (5 per point short), 40 for 食品监督抽查合格率 ≥ 96."""
    book = Rulebook.objects.create(
        year=year, scope=Region.objects.get(code=JINAN), level=4, name="晋安区乡镇考核（测试）"
    )
    jinan = {t.code: t for t in Target.objects.filter(document__key="jinan-2012")}
    RuleItem.objects.create(rulebook=book, code="1", order=1, name="省级监督抽查", points=60,
                            method="deduction", target=jinan["T03"],
                            indicator=jinan["T03"].measure.indicator,
                            params={"per": 1, "deduct": 5})  # fmt: skip
    RuleItem.objects.create(rulebook=book, code="2", order=2, name="食品监督抽查", points=40,
                            method="met", target=jinan["T04"],
                            indicator=jinan["T04"].measure.indicator)  # fmt: skip
    return book


@pytest.fixture
def ranked(open_period, make_user):
    """This quarter: 新店镇 approved (90 % → 45 + 40 = 85), 鼓山镇 submitted and waiting; the
    first run has ranked the towns (鼓山镇 without approved figures: 未参评, not ranked)."""
    book = _town_rulebook(open_period.year)
    approved(XINDIAN, open_period, {"prov_sampled": 100, "prov_qualified": 90,
                                    "food_sampled": 50, "food_qualified": 48})  # fmt: skip
    official = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan-official")
    submission = services.open_submission(
        user=official, region=Region.objects.get(code=GUSHAN), period=open_period
    )
    services.save_figures(
        user=official, submission=submission, version=submission.version, figures=TOWN_FIGURES
    )
    services.submit(user=official, submission=submission, version=submission.version)
    runs.run_year(year=open_period.year)
    scores = {r.region.code: (r.rank, r.total) for r in RegionResult.objects.filter(rulebook=book)}
    assert scores[XINDIAN] == (1, 85) and scores[GUSHAN] == (None, 0)
    return book


def ranking_row(page, town: str):
    return page.locator(
        "#ranking table.grid tbody tr", has=page.get_by_role("link", name=town, exact=True)
    )


def test_the_district_office_approves_and_the_town_climbs_on_the_dashboard(
    page, shoot, make_user, ranked
):
    make_user(role=Role.OFFICE, region=JINAN, username="jinan-office")
    log_in(page, "jinan-office")

    # Offices land on their own region's dashboard: the latest published year, the ranking.
    expect(page.locator("main h1")).to_contain_text("晋安区质量工作看板")
    expect(page.locator("main h1")).to_contain_text(f"{YEAR}年度")
    expect(page.locator("#ranking h3").first).to_have_text(ranked.name)
    gushan, xindian = ranking_row(page, "鼓山镇"), ranking_row(page, "新店镇")
    # Only 新店镇 has approved data: it is the one town assessed; the others are 未参评.
    expect(gushan.locator("td").nth(1)).to_have_text("—")
    expect(gushan.locator("td").nth(3)).to_contain_text("未参评")
    expect(xindian.locator("td").nth(1)).to_have_text("第 1 / 1 名")
    expect(xindian.locator("td").nth(2)).to_have_text("85.00")
    shoot("2-dashboard-before")

    # The approval queue: 鼓山镇's quarter, ready (a town has nothing below it).
    page.locator("header nav").get_by_role("link", name="审核队列").click()
    row = page.locator("table.grid tbody tr", has_text="鼓山镇")
    expect(row).to_contain_text(f"{YEAR}年第1季度")
    expect(row).to_contain_text("已就绪")
    shoot("2-approval-queue")
    # Approving from the queue asks first, naming the region and the quarter.
    asked = []

    def confirm(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    row.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages .success")).to_contain_text("已审核通过并锁定")
    assert asked and "确认审核通过鼓山镇" in asked[0]
    expect(page.locator("main p.empty")).to_have_text("没有待审核的数据。")
    shoot("2-approval-queue-after")

    # The re-score ran after the commit: 94.2 % and 98 % → 60 + 40 = 100, first of the two
    # towns assessed.
    page.locator("header nav").get_by_role("link", name="工作看板").click()
    gushan, xindian = ranking_row(page, "鼓山镇"), ranking_row(page, "新店镇")
    expect(gushan.locator("td").nth(1)).to_have_text("第 1 / 2 名")
    expect(gushan.locator("td").nth(2)).to_have_text("100.00")
    expect(gushan.locator("td").nth(3)).to_have_text("A")
    expect(xindian.locator("td").nth(1)).to_have_text("第 2 / 2 名")
    shoot("2-dashboard-after")

    result = RegionResult.objects.select_related("run").get(rulebook=ranked, region__code=GUSHAN)
    assert result.run.trigger == "approval"
    assert Submission.objects.get(region__code=GUSHAN).status == Status.APPROVED
