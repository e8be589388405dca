"""Reviewing with context, in the browser: the official sees every rule in words as they type
(a cross-field rule too) before saving; the office's submission page sets each figure beside
last quarter, last year and the peers' median, with the official's explanation."""

import pytest

from assessments.reporting import services
from portal.models import Region, Role, User
from tests.assessments.conftest import TOWN_FIGURES

from .conftest import GUSHAN, expect, log_in, log_out

pytestmark = pytest.mark.browser


def test_rules_in_words_while_typing_and_the_reviewers_comparison(page, shoot, make_user,
                                                                  open_period):  # fmt: skip
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    make_user(role=Role.OFFICE, region="350111", username="jinan-office")
    log_in(page, "gushan")
    page.goto(f"/reporting/{GUSHAN}/{open_period.year}/{open_period.quarter}/")
    page.locator("#v_nat_sampled").fill("40")
    page.locator("#v_nat_qualified").fill("45")
    checks = page.locator("#checks_nat_qualified")
    expect(checks).to_contain_text("国家监督抽查合格批次不能大于抽查批次（45 > 40）")
    expect(page.locator("#v_nat_qualified")).to_have_class("invalid")
    page.locator("#v_prov_sampled").fill("12.5")
    expect(page.locator("#checks_prov_sampled")).to_contain_text("必须为整数")
    shoot("review-1-live-checks")
    page.locator("#v_nat_qualified").fill("38")
    expect(checks).to_be_empty()
    log_out(page)

    # Submitted with an explanation; the office reads it beside the comparisons.
    town = User.objects.get(username="gushan")
    submission = services.open_submission(user=town, region=Region.objects.get(code=GUSHAN),
                                          period=open_period)  # fmt: skip
    services.save_figures(user=town, submission=submission, version=1, figures=TOWN_FIGURES,
                          comments={"nat_sampled": "新增两家抽查企业"})  # fmt: skip
    services.submit(user=town, submission=submission, version=2)
    log_in(page, "jinan-office")
    page.goto("/reporting/queue/")
    page.locator("table.grid a", has_text="鼓山镇").click()
    table = page.locator("table.review")
    expect(table.locator("thead")).to_contain_text("同级中位数")
    row = table.locator("tr", has_text="国家监督抽查批次").first
    expect(row).to_contain_text("新增两家抽查企业")
    expect(page.locator("p.crumbs a").first).to_have_text("审核队列")
    shoot("review-2-reviewer-context")
