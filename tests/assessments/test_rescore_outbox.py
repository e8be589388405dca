"""An approval during a broker outage: the decision is saved and reported as done, the re-score
it owes is recorded in the same transaction and delivered when the broker is back; pages that
read through the cache work without Redis."""

from datetime import date

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from assessments.models import (
    AssessmentRun,
    Period,
    RegionResult,
    RescoreRequest,
    Status,
    Submission,
)
from assessments.reporting import errors, services
from assessments.scoring import runs, tasks
from portal.models import Role

from .test_runs import XINDIAN, _make_rulebook, approved

pytestmark = pytest.mark.django_db
YEAR = 2090
GUSHAN, JINAN = "350111100", "350111"


@pytest.fixture
def waiting(db, make_user):
    """A ranked year, and 鼓山镇's quarter submitted and waiting for 晋安区's office."""
    period = Period.objects.create(year=YEAR, quarter=1, opens_on=date(YEAR, 3, 1),
                                   closes_on=date(YEAR, 3, 20))  # fmt: skip
    book = _make_rulebook()
    approved(XINDIAN, period, {"prov_sampled": 100, "prov_qualified": 95,
                               "food_sampled": 50, "food_qualified": 48})  # fmt: skip
    runs.run_year(year=YEAR)
    submission = approved(GUSHAN, period, {"prov_sampled": 100, "prov_qualified": 99,
                                           "food_sampled": 100, "food_qualified": 99},
                          status=Status.SUBMITTED)  # fmt: skip
    office = make_user(role=Role.OFFICE, region=JINAN, username="jinan-office")
    return book, submission, office


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_an_approval_while_the_broker_is_down_is_done_and_its_rescore_arrives_later(
    waiting, client, monkeypatch
):
    book, submission, office = waiting
    runs_before = AssessmentRun.objects.count()
    monkeypatch.setattr(tasks.rescore_region, "apply_async", broker_down)
    client.force_login(office)
    response = client.post(
        reverse("assessments:decide", args=[submission.pk]),
        {"action": "approve", "version": submission.version},
        follow=True,
    )
    assert response.status_code == 200
    assert "已审核通过并锁定" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == Status.APPROVED
    (owed,) = RescoreRequest.objects.all()
    assert (owed.year, owed.region.code, owed.dispatched_at) == (YEAR, GUSHAN, None)
    assert AssessmentRun.objects.count() == runs_before  # nothing ran yet
    assert RegionResult.objects.get(rulebook=book, region__code=GUSHAN).reported is False

    # While the broker is still down the sweeper keeps it; once it is back, it runs.
    assert tasks.dispatch_pending_rescores() == 0 and RescoreRequest.objects.count() == 1
    monkeypatch.undo()
    assert tasks.dispatch_pending_rescores() == 1
    assert not RescoreRequest.objects.exists()
    latest = AssessmentRun.objects.latest("pk")
    assert (latest.trigger, latest.path_region.code) == ("approval", GUSHAN)
    result = RegionResult.objects.get(rulebook=book, region__code=GUSHAN)
    assert (result.reported, result.total) == (True, 100)


def test_a_refused_decision_owes_nothing(waiting):
    _book, submission, _office = waiting
    with pytest.raises(errors.Conflict):  # a stale version: the whole decision rolls back
        services.approve(user=waiting[2], submission=submission, version=submission.version + 7)
    assert not RescoreRequest.objects.exists()


def test_a_full_run_settles_what_it_covers(waiting, monkeypatch):
    _book, submission, office = waiting
    monkeypatch.setattr(tasks.rescore_region, "apply_async", broker_down)
    services.approve(user=office, submission=submission, version=submission.version)
    assert RescoreRequest.objects.count() == 1
    runs.run_year(year=YEAR)
    assert not RescoreRequest.objects.exists()


def test_pages_that_read_through_the_cache_work_without_redis(waiting, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },  # fmt: skip
        }
    }
    _book, _submission, office = waiting
    client.force_login(office)
    page = client.get(reverse("dashboard:region", args=[JINAN]) + f"?year={YEAR}")
    assert page.status_code == 200 and "晋安区" in page.content.decode()
    data = client.get(reverse("dashboard:ranking_data", args=[JINAN]) + f"?year={YEAR}")
    assert data.status_code == 200
    assert client.get(reverse("assessments:assessment_runs")).status_code == 200
