"""Notices in the browser: 晋安区's office returns 鼓山镇's quarter with a reason; the town
official sees the count on the bell, reads the notice with the reason, and opening it lands on
the quarter to correct (and the count is gone); there the official attaches the document the
reason asks for, and the office finds it on the submission and downloads it."""

from pathlib import Path

import pytest

from assessments.reporting import services
from portal.models import Region, Role
from tests.assessments.conftest import TOWN_FIGURES as FIGURES

from .conftest import GUSHAN, expect, log_in, log_out

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def test_a_returned_official_reads_the_reason_from_the_bell(page, shoot, make_user, open_period):
    town = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    make_user(role=Role.OFFICE, region="350111", username="jinan-office")
    submission = services.open_submission(
        user=town, region=Region.objects.get(code=GUSHAN), period=open_period
    )
    services.save_figures(user=town, submission=submission, version=1, figures=FIGURES)
    services.submit(user=town, submission=submission, version=2)

    log_in(page, "jinan-office")
    page.goto(f"/reporting/submission/{submission.pk}/")
    page.locator("input[name=reason]").first.fill("省级监督抽查合格批次须附抽查通报")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    log_out(page)

    log_in(page, "gushan")
    bell = page.locator("header a.bell")
    expect(bell.locator(".count")).to_have_text("1")
    bell.click()
    row = page.locator("tr.unread").first
    expect(row).to_contain_text("省级监督抽查合格批次须附抽查通报")
    shoot("notices-1-list")
    row.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{page.url.split('/reporting/')[0]}/reporting/{GUSHAN}/"
                             f"{open_period.year}/{open_period.quarter}/")  # fmt: skip
    expect(page.locator("header a.bell .count")).to_have_count(0)
    attach = page.locator("#attachments form")
    attach.locator("input[type=file]").set_input_files(
        files=[{"name": "省级监督抽查通报.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    attach.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages .success")).to_contain_text("已上传 1 个附件")
    expect(page.locator("#attachments")).to_contain_text("省级监督抽查通报.pdf")
    shoot("notices-2-opened-and-attached")
    log_out(page)

    log_in(page, "jinan-office")
    page.goto(f"/reporting/submission/{submission.pk}/")
    link = page.locator("#attachments a", has_text="省级监督抽查通报.pdf")
    with page.expect_download() as info:
        link.click()
    assert Path(info.value.path()).read_bytes() == PDF
    expect(page.locator("table.audit")).to_contain_text("上传附件")
    shoot("notices-3-office-sees-attachment")
