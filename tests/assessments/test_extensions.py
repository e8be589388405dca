"""延期申请: an official asks, after the window closed, the office directly above grants it (the
window reopens for the region until the date) or refuses it with a reason; nobody else can."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import ExtensionRequest, ExtensionState, Period
from assessments.reporting import extensions, selectors
from assessments.reporting.errors import ReportingError
from portal import periods
from portal.models import Region, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    today = periods.today()
    return Period.objects.create(
        year=2090, quarter=2, opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=10),
    )  # fmt: skip


@pytest.fixture
def people(make_user):
    return {
        "town": make_user(Role.REGION_OFFICIAL, region="350111100"),
        "other_town": make_user(Role.REGION_OFFICIAL, region="350111101"),
        "district_office": make_user(Role.OFFICE, region="350111"),
        "city_office": make_user(Role.OFFICE, region="350100"),
    }


def test_asked_granted_and_the_window_reopens(closed, people):
    town = Region.objects.get(code="350111100")
    assert not selectors.window_open(closed, town)
    until = periods.today() + timedelta(days=5)
    asked = extensions.request_extension(user=people["town"], period=closed, region=town,
                                         until=until, reason="系统故障未能按时提交")  # fmt: skip
    with pytest.raises(ReportingError, match="等待处理"):
        extensions.request_extension(user=people["town"], period=closed, region=town,
                                     until=until, reason="再申请一次")  # fmt: skip
    with pytest.raises(PermissionDenied):
        extensions.request_extension(user=people["other_town"], period=closed, region=town,
                                     until=until, reason="替别人申请")  # fmt: skip
    # The office directly above decides; the city office (two levels up) does not see it.
    assert extensions.pending_for(user=people["city_office"]) == []
    assert extensions.pending_for(user=people["district_office"]) == [asked]
    with pytest.raises(PermissionDenied):
        extensions.decide(user=people["city_office"], request=asked, grant=True, until=None,
                          note="")  # fmt: skip
    extensions.decide(user=people["district_office"], request=asked, grant=True, until=None,
                      note="")  # fmt: skip
    asked.refresh_from_db()
    assert asked.state == ExtensionState.GRANTED and asked.reopening.until == until
    assert selectors.window_open(closed, town)
    with pytest.raises(ReportingError, match="无需申请"):
        extensions.request_extension(user=people["town"], period=closed, region=town,
                                     until=until, reason="窗口已开放")  # fmt: skip


def test_refused_with_a_reason_the_official_reads(client, closed, people):
    town = Region.objects.get(code="350111100")
    asked = extensions.request_extension(
        user=people["town"], period=closed, region=town,
        until=periods.today() + timedelta(days=3), reason="负责人出差",
    )  # fmt: skip
    with pytest.raises(ReportingError, match="不批准时请填写理由"):
        extensions.decide(user=people["district_office"], request=asked, grant=False,
                          until=None, note="")  # fmt: skip
    client.force_login(people["district_office"])
    queue = client.get(reverse("assessments:approval_queue")).content.decode()
    assert "负责人出差" in queue
    client.post(reverse("assessments:decide_extension", args=[asked.pk]),
                {"decision": "refuse", "note": "已多次延期，请按时报送"})  # fmt: skip
    asked.refresh_from_db()
    assert asked.state == ExtensionState.REFUSED and not selectors.window_open(closed, town)
    client.force_login(people["town"])
    entry = client.get(reverse("assessments:entry", args=["350111100", 2090, 2])).content.decode()
    assert "已多次延期，请按时报送" in entry and "未批准" in entry
    assert "可由晋安区领导小组办公室延期开放" in entry
    # Asking again after a refusal is allowed (nothing is pending).
    assert 'name="reason"' in entry
    assert ExtensionRequest.objects.count() == 1
