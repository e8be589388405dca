"""Every value a person reads is a word in their language: no codes on the pages."""

import pytest
from django.urls import reverse

from assessments.models import AssessmentRun, AuditEntry, RunStatus, Submission
from assessments.reporting import services
from portal.models import Region, Role

from .conftest import GUSHAN, JINAN, TOWN_FIGURES

pytestmark = pytest.mark.django_db


def test_the_language_menu_names_each_language_in_its_own_words(client, make_user):
    client.force_login(make_user(role=Role.OFFICE, region=JINAN))
    html = client.get(reverse("targets:document_list")).content.decode()
    assert ">English</option>" in html and ">简体中文</option>" in html
    assert "英语" not in html


def test_the_admin_of_login_protection_is_chinese(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "登录尝试" in html and "登录日志" in html
    assert "Access attempts" not in html and "Access logs" not in html


def test_the_change_history_says_what_happened_in_words(client, make_user, period):
    town = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN)
    office = make_user(role=Role.OFFICE, region=JINAN)
    submission = services.open_submission(
        user=town, region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(user=town, submission=submission, version=1, figures=TOWN_FIGURES)
    services.submit(user=town, submission=submission, version=2)
    services.approve(user=office, submission=Submission.objects.get(pk=submission.pk), version=3)
    assert AuditEntry.objects.filter(action="lock").exists()
    client.force_login(office)
    html = client.get(reverse("assessments:submission_detail", args=[submission.pk])).content
    html = html.decode()
    table = html.split('class="grid compact audit"', 1)[1]
    for word in ("网页填报", "草稿", "已提交", "已审核", "已锁定"):
        assert word in table, word
    for code in (">draft<", ">submitted<", ">locked<", ">form<", ">approved<"):
        assert code not in table, code


def test_the_run_list_names_triggers_and_people_and_folds_the_fingerprint(
    client, make_user, admin_user
):
    office = make_user(role=Role.OFFICE, region=JINAN, username="fz-office", first_name="福州市办")
    AssessmentRun.objects.create(
        year=2090,
        trigger="manual",
        status=RunStatus.SUCCEEDED,
        created_by=office,
        fingerprint="ddb009706cb3" * 4,
    )
    client.force_login(office)
    html = client.get(reverse("assessments:assessment_runs"), {"year": 2090}).content.decode()
    assert "办公室手动启动" in html and "福州市办" in html
    assert ">manual<" not in html and ">fz-office<" not in html
    assert "ddb009706cb3" not in html  # a technical detail, for administrators only
    client.force_login(admin_user)
    html = client.get(reverse("assessments:assessment_runs"), {"year": 2090}).content.decode()
    assert "技术信息" in html and "ddb009706cb3" in html
