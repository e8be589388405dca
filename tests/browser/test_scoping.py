"""Scoping in the browser: an official of another district (宝坻区) reaches none of 晋安区's pages
or files (404, not 403: nothing says they exist); an anonymous visitor is sent to the login page."""

from urllib.parse import parse_qs, urlparse

import pytest

from assessments.models import Status
from assessments.workspace import limits, services
from assessments.workspace.services import Upload
from portal import periods
from portal.models import Role
from targets.models import Task
from tests.assessments.conftest import TOWN_FIGURES
from tests.assessments.test_runs import approved

from .conftest import BAODI, GUSHAN, JINAN, JINAN_DEPARTMENT, YEAR, expect, log_in, log_out

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def jinan_pages(open_period, make_user):
    """鼓山镇's submitted quarter and a progress report of 市质监局直属二分局 with a file."""
    submission = approved(GUSHAN, open_period, TOWN_FIGURES, status=Status.SUBMITTED)
    department = make_user(role=Role.DEPARTMENT, department=JINAN_DEPARTMENT, username="jz")
    task = Task.objects.get(document__key="jinan-2012", code="（四）")
    due_days = limits.setting("PROGRESS_DUE_DAYS")
    quarter, _previous = periods.allowed_quarters(periods.today(), due_days)
    photo = Upload(name="现场照片.png", data=PNG)
    update = services.post_update(
        user=department,
        kind="task",
        item=task,
        quarter=quarter,
        text="考核评价指标已修订",
        files=[photo],
    )
    evidence = update.evidence.get()
    return {
        "entry": f"/reporting/{GUSHAN}/{YEAR}/1/",
        "submission": f"/reporting/submission/{submission.pk}/",
        "dashboard": f"/dashboard/{JINAN}/",
        "workspace-item": f"/workspace/items/task/{task.pk}/",
        "evidence": f"/workspace/evidence/{evidence.pk}/",
    }


def test_another_districts_official_reaches_none_of_it(page, shoot, make_user, jinan_pages):
    make_user(role=Role.REGION_OFFICIAL, region=BAODI, username="baodi-official")

    # Anonymous: every page sends to the login form, and back afterwards.
    for url in jinan_pages.values():
        page.goto(url)
        location = urlparse(page.url)
        assert location.path == "/login/", (url, page.url)
        assert parse_qs(location.query)["next"] == [url]
    shoot("4-anonymous-login-redirect")

    log_in(page, "baodi-official")
    expect(page.locator("main")).to_contain_text("宝坻区")  # their own 季度填报 works
    for step, url in jinan_pages.items():
        response = page.goto(url)
        assert response.status == 404, (step, url, response.status)
        assert "鼓山镇" not in page.content() and "晋安区" not in page.content()
        shoot(f"4-baodi-{step}-404")

    # Scoping, not a broken server: their own district's quarter opens.
    assert page.goto(f"/reporting/{BAODI}/{YEAR}/1/").status == 200
    log_out(page)
    expect(page.locator("#id_username")).to_be_visible()
