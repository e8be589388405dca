"""Notices: each event creates exactly one notice for each user who should hear of it, never for
a user outside the scope, and its e-mail goes once (after the decision commits); the bell counts
the unread, opening one marks it read and goes to the thing, nobody opens another's."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessments.models import Period
from assessments.reporting import notify, services
from portal import periods
from portal.models import Notice, Region, Role

from .conftest import GUSHAN, TOWN_FIGURES

pytestmark = pytest.mark.django_db


def _submitted(people, period):
    submission = services.open_submission(
        user=people["town"], region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(user=people["town"], submission=submission, version=1,
                          figures=TOWN_FIGURES)  # fmt: skip
    return services.submit(user=people["town"], submission=submission, version=2)


def _who(kind: str) -> list[str]:
    return sorted(Notice.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_a_return_notifies_the_officials_of_the_region_once(
    people, period, mailoutbox, django_capture_on_commit_callbacks
):
    people["town"].email = "town@example.gov.cn"
    people["town"].save()
    submission = _submitted(people, period)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_to_official(user=people["district_office"], submission=submission,
                                    reason="合格批次多于抽查批次")  # fmt: skip
    # 鼓山镇's own official and 晋安区's (who enters for its towns); not the sibling town's,
    # 宝坻区's, the offices' or the department's.
    assert _who("returned") == ["district", "town"]
    notice = Notice.objects.get(user=people["town"], kind="returned")
    assert "合格批次多于抽查批次" in str(notify.notices.text(notice))
    assert notice.link == reverse("assessments:entry", args=[GUSHAN, 2090, 1])
    assert [m.to for m in mailoutbox] == [["town@example.gov.cn"]]  # the only address
    # The same event again (a retried job) notifies nobody twice and mails nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        notify.decision(submission, "returned")
    assert Notice.objects.filter(kind="returned").count() == 2 and len(mailoutbox) == 1


def test_approval_and_unlock_notify_too(people, period):
    submission = _submitted(people, period)
    services.approve(user=people["district_office"], submission=submission)
    assert _who("approved") == ["district", "town"]
    services.unlock(user=people["district_office"], submission=submission, reason="录错一项")
    assert _who("unlocked") == ["district", "town"]


def test_a_failed_decision_notifies_nobody(people, period):
    submission = _submitted(people, period)
    with pytest.raises(Exception):  # noqa: B017 - refused without a reason
        services.return_to_official(user=people["district_office"], submission=submission,
                                    reason="")  # fmt: skip
    assert not Notice.objects.exists()


def test_window_notices_go_once_to_the_officials_who_still_owe(people):
    today = periods.today()
    opening = Period.objects.create(year=2091, quarter=1, opens_on=today,
                                    closes_on=today + timedelta(days=20))  # fmt: skip
    closing = Period.objects.create(year=2091, quarter=2, opens_on=today - timedelta(days=20),
                                    closes_on=today + timedelta(days=2))  # fmt: skip
    first = notify.windows(on=today)
    assert first > 0 and notify.windows(on=today) == 0  # a second run adds nothing
    opened = set(Notice.objects.filter(kind="window_open").values_list("user__username",
                                                                        flat=True))  # fmt: skip
    assert {"town", "district", "sibling", "baodi"} <= opened
    assert not opened & {"district_office", "city_office", "dept"}
    assert Notice.objects.filter(kind="window_closing", key=f"window_closing:{closing.pk}",
                                 user=people["town"]).exists()  # fmt: skip
    assert opening.pk


def test_the_bell_counts_and_a_notice_opens_only_for_its_user(client, people, period):
    submission = _submitted(people, period)
    services.approve(user=people["district_office"], submission=submission)
    client.force_login(people["town"])
    page = client.get(reverse("notices")).content.decode()
    assert "的数据已审核通过" in page
    assert '<span class="count">1</span>' in client.get(reverse("help")).content.decode()
    notice = Notice.objects.get(user=people["town"])
    response = client.post(reverse("notice_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == notice.link
    notice.refresh_from_db()
    assert notice.read_at is not None
    other = Notice.objects.get(user=people["district"])
    assert client.post(reverse("notice_open", args=[other.pk])).status_code == 404
    client.post(reverse("notices_read_all"))
    client.force_login(people["district"])
    client.post(reverse("notices_read_all"))
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_a_publication_tells_each_region_its_own_result(make_user):
    from assessments.models import Rulebook
    from assessments.scoring import publications, runs

    book = Rulebook.objects.get(scope__code="350111", year=2026, is_current=True)
    gushan = make_user(Role.OFFICE, region=GUSHAN, username="gushan-office")
    other = make_user(Role.OFFICE, region="120115", username="baodi-office")
    runs.run_year(year=2026)
    try:
        publications.publish(rulebook=book, user=None, confirm_flags=True)
    except publications.PublishRefused:
        pytest.skip("the reference rulebook has nothing to publish without data")
    assert Notice.objects.filter(user=gushan, kind="published").count() == 1
    assert not Notice.objects.filter(user=other).exists()
