"""Self-service in the browser: a town official reads the help, finds their quarter closed, asks
for an extension; the district office grants it from its queue (after confirming nothing else
there by mistake); the official can enter again, then changes their own password and signs in
with the new one."""

from datetime import timedelta

import pytest

from assessments.models import Period
from portal import periods
from portal.models import Role

from .conftest import PASSWORD, expect, log_in, log_out

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-new-long-passphrase-2026"


def test_help_an_extension_and_a_new_password(page, shoot, make_user):
    make_user(role=Role.REGION_OFFICIAL, region="350111100", username="gushan")
    make_user(role=Role.OFFICE, region="350111", username="jinan-office")
    today = periods.today()
    Period.objects.create(year=2090, quarter=2, opens_on=today - timedelta(days=30),
                          closes_on=today - timedelta(days=10))  # fmt: skip

    log_in(page, "gushan")
    page.locator("header").get_by_role("link", name="帮助").click()
    expect(page.locator("#help-official")).to_contain_text("填报人：每季度填报指标数据")
    shoot("self-1-help")

    page.goto("/reporting/350111100/2090/2/")
    extension = page.locator("#extension")
    expect(extension).to_contain_text("可由晋安区领导小组办公室延期开放")
    extension.locator("input[name=until]").fill(f"{today + timedelta(days=7):%Y-%m-%d}")
    extension.locator("textarea[name=reason]").fill("统计人员调整，未能按时报送")
    extension.get_by_role("button", name="申请延期").click()
    expect(page.locator(".messages .success")).to_contain_text("延期申请已提交")
    expect(page.locator("#extension")).to_contain_text("待处理")
    shoot("self-2-extension-asked")
    log_out(page)

    log_in(page, "jinan-office")
    page.goto("/reporting/queue/")
    row = page.locator("#extensions tr", has_text="统计人员调整")
    expect(row).to_be_visible()
    shoot("self-3-queue-extension")
    row.get_by_role("button", name="处理").click()
    expect(page.locator(".messages .success")).to_contain_text("已批准鼓山镇的延期申请")
    log_out(page)

    log_in(page, "gushan")
    page.goto("/reporting/350111100/2090/2/")
    expect(page.locator("table.grid.entry input").first).to_be_editable()
    expect(page.locator("#extension")).to_have_count(0)
    shoot("self-4-entry-reopened")

    page.locator("header a.who").click()
    expect(page.locator("main")).to_contain_text("鼓山镇及其下级区划")
    page.get_by_role("link", name="修改密码").click()
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".messages .success")).to_contain_text("密码已修改")
    shoot("self-5-password-changed")
    log_out(page)
    log_in(page, "gushan", NEW_PASSWORD)
    expect(page.locator("header .who")).to_be_visible()
