"""A department's duties in the browser: 市质监局直属二分局 opens 我的职责, reports progress on
the task it leads with an evidence file, sees it listed, and downloads it through the checked
view."""

import re
from pathlib import Path

import pytest

from portal import periods
from portal.models import Role
from targets.models import Task

from .conftest import JINAN_DEPARTMENT, expect, log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
REPORT = "已会同区直各有关部门完成2090年度质量强区考核评价指标的修订，并报区政府审定。"


def test_a_department_reports_progress_with_evidence_and_downloads_it(page, shoot, make_user):
    make_user(role=Role.DEPARTMENT, department=JINAN_DEPARTMENT, username="jinan-zhijian")
    task = Task.objects.get(document__key="jinan-2012", code="（四）")
    log_in(page, "jinan-zhijian")

    # Departments land on 我的职责: the task they lead is listed.
    expect(page.locator("main h1")).to_contain_text("我的职责")
    link = page.locator(f"main a[href='/workspace/items/task/{task.pk}/']").first
    expect(link).to_be_visible()
    shoot("3-my-duties")
    link.click()

    expect(page.locator("main h1")).to_contain_text(task.title)
    expect(page.locator("dl.facts")).to_contain_text("市质监局直属二分局")
    page.locator("textarea[name=text]").fill(REPORT)
    page.locator("input[type=file][name=files]").set_input_files(
        files=[{"name": "考核评价指标.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="报送", exact=True).click()

    expect(page.locator(".messages .success")).to_contain_text("工作进展已报送")
    update = page.locator("article.update").first
    expect(update).to_contain_text(REPORT)
    expect(update).to_contain_text("市质监局直属二分局")
    evidence = update.get_by_role("link", name="考核评价指标.pdf")
    expect(evidence).to_have_attribute("href", re.compile(r"^/workspace/evidence/\d+/$"))
    shoot("3-workspace-item")

    # The file comes back byte for byte, as an attachment, through the checked view.
    with page.expect_download() as info:
        evidence.click()
    download = info.value
    assert download.suggested_filename == "考核评价指标.pdf"
    assert Path(download.path()).read_bytes() == PDF
    response = page.request.get(evidence.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"

    # Back on 我的职责, the task it leads shows today's report (最近报送).
    page.locator("p.crumbs").get_by_role("link", name="我的职责").click()
    led = page.locator("h2:text-is('牵头任务') + table tbody tr")
    expect(led).to_have_count(1)
    expect(led).to_contain_text(task.title)
    expect(led).to_contain_text(periods.today().isoformat())
    shoot("3-my-duties-after")
