"""The reporting pages: entry, review, queue, completeness, and who reaches which."""

import pytest
from django.urls import reverse

from assessments.models import AuditEntry, Status, Submission
from assessments.reporting import services
from portal.models import Region

from .conftest import GUSHAN, JINAN, TOWN_FIGURES

pytestmark = pytest.mark.django_db


def entry_url(code, period):
    return reverse("assessments:entry", args=[code, period.year, period.quarter])


def post_figures(client, url, version, figures, action="save", comments=None):
    data = {"version": version, "action": action}
    data |= {f"v_{code}": value for code, value in figures.items()}
    data |= {f"c_{code}": text for code, text in (comments or {}).items()}
    return client.post(url, data)


def test_an_official_fills_saves_and_submits_a_quarter(client, people, period):
    client.force_login(people["town"])
    url = entry_url(GUSHAN, period)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "省级监督抽查合格批次" in body and "上季度" in body and "上年同期" in body
    response = post_figures(client, url, 0, TOWN_FIGURES)
    assert response.status_code == 302
    submission = Submission.objects.get(region__code=GUSHAN, period=period)
    assert submission.values.count() == len(TOWN_FIGURES)
    response = post_figures(client, url, submission.version, TOWN_FIGURES, action="submit")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_a_hard_error_is_shown_in_chinese_and_nothing_is_saved(client, people, period):
    client.force_login(people["town"])
    url = entry_url(GUSHAN, period)
    response = post_figures(client, url, 0, dict(TOWN_FIGURES, nat_qualified="41"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "国家监督抽查合格批次不能大于抽查批次" in body
    assert 'value="41"' in body  # what the official typed is kept on the page
    assert not Submission.objects.filter(region__code=GUSHAN, period=period).exists()


def test_a_stale_form_gets_a_conflict_and_keeps_what_was_typed(client, people, period):
    client.force_login(people["town"])
    url = entry_url(GUSHAN, period)
    post_figures(client, url, 0, TOWN_FIGURES)
    submission = Submission.objects.get(region__code=GUSHAN, period=period)
    stale = submission.version
    post_figures(client, url, stale, dict(TOWN_FIGURES, nat_sampled="45"))
    response = post_figures(client, url, stale, dict(TOWN_FIGURES, nat_sampled="77"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "保存冲突" in body and 'value="77"' in body
    assert submission.values.get(element__code="nat_sampled").value == 45


def test_the_office_approves_from_the_queue_and_sees_the_audit(client, people, period):
    submission = services.open_submission(
        user=people["town"], region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    services.submit(user=people["town"], submission=submission, version=2)
    client.force_login(people["district_office"])
    queue = client.get(reverse("assessments:approval_queue"))
    assert submission in [row[0] for row in queue.context["rows"]]
    response = client.post(
        reverse("assessments:decide", args=[submission.pk]),
        {"action": "approve", "version": submission.version},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED
    detail = client.get(reverse("assessments:submission_detail", args=[submission.pk]))
    body = detail.content.decode()
    assert "锁定" in body and "解锁更正" in body
    assert len(detail.context["audit"]) == AuditEntry.objects.filter(submission=submission).count()


def test_a_return_without_reason_is_refused_with_a_message(client, people, period):
    submission = services.open_submission(
        user=people["town"], region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    services.submit(user=people["town"], submission=submission, version=2)
    client.force_login(people["district_office"])
    response = client.post(
        reverse("assessments:decide", args=[submission.pk]), {"action": "return"}, follow=True
    )
    assert "退回时必须填写原因" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_completeness_page_lists_every_expected_town(client, people, period):
    client.force_login(people["district_office"])
    response = client.get(reverse("assessments:completeness"), {"period": period.label})
    assert response.status_code == 200
    assert response.context["report"].expected == 9
    assert "未报" in response.content.decode()


# The access matrix over the reporting pages: who gets what for 鼓山镇's quarter.
MATRIX = [
    # user, entry GET, detail GET, decide POST outcome status
    ("town", 200, 200, 403),
    ("district", 200, 200, 403),
    ("district_office", 200, 200, 302),
    ("city_office", 200, 200, 403),  # the office directly above decides, nobody skips a level
    ("sibling_town", 404, 404, 404),
    ("baodi", 404, 404, 404),
    ("department", 200, 200, 403),
    (None, 302, 302, 302),
]


@pytest.mark.parametrize(("who", "entry_status", "detail_status", "decide_status"), MATRIX)
def test_who_reaches_a_towns_quarter(
    client, people, period, who, entry_status, detail_status, decide_status
):
    submission = services.open_submission(
        user=people["town"], region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    services.submit(user=people["town"], submission=submission, version=2)
    if who:
        client.force_login(people[who])
    assert client.get(entry_url(GUSHAN, period)).status_code == entry_status
    detail = client.get(reverse("assessments:submission_detail", args=[submission.pk]))
    assert detail.status_code == detail_status
    response = client.post(
        reverse("assessments:decide", args=[submission.pk]), {"action": "return", "reason": "x"}
    )
    expected = decide_status
    assert response.status_code == expected
    submission.refresh_from_db()
    if who == "district_office":
        assert submission.status == Status.RETURNED
    else:
        assert submission.status == Status.SUBMITTED
        if who is None:
            assert response.url.startswith(reverse("login"))


def test_outsiders_cannot_post_figures(client, people, period):
    client.force_login(people["sibling_town"])
    response = post_figures(client, entry_url(GUSHAN, period), 0, TOWN_FIGURES)
    assert response.status_code == 404
    assert not Submission.objects.filter(region__code=GUSHAN).exists()


def test_an_office_cannot_post_figures(client, people, period):
    client.force_login(people["district_office"])
    response = post_figures(client, entry_url(GUSHAN, period), 0, TOWN_FIGURES)
    assert response.status_code == 404  # nothing to show yet, and it may not enter
    assert not Submission.objects.filter(region__code=GUSHAN).exists()


def test_a_department_sees_only_the_figures_of_its_targets(client, people, period):
    submission = services.open_submission(
        user=people["town"], region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    client.force_login(people["department"])
    detail = client.get(reverse("assessments:submission_detail", args=[submission.pk]))
    codes = {v.element.code for v in detail.context["values"]}
    # 市质监局直属二分局 answers for the Jinan targets: 国家/省级/食品/出口 spot-check rates.
    assert "prov_sampled" in codes and "nat_qualified" in codes
    assert "ent_sampled" not in codes and "satisfaction_score" not in codes


def test_the_district_sees_its_towns_in_my_submissions(client, people, period):
    client.force_login(people["district"])
    response = client.get(reverse("assessments:my_submissions"))
    regions = [row[0].code for row in response.context["rows"]]
    assert regions[0] == JINAN and GUSHAN in regions and len(regions) == 10
