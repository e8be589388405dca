"""Who is signed in, and for how long: throttling per account and per address (behind a proxy
too), tokens that expire and die with a password change, a session of a working day, and no
redirect to another site."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.models import Period, Status, Submission
from portal.models import Region, Role

pytestmark = pytest.mark.django_db
API = "/api/v1"
PASSWORD = "correct-horse-battery"  # tests/conftest.py make_user
GUSHAN, JINAN = "350111100", "350111"


def token_for(username: str, password: str = PASSWORD, **extra):
    return APIClient().post(f"{API}/auth/token/", {"username": username, "password": password},
                            format="json", **extra)  # fmt: skip


def test_guesses_spread_over_accounts_from_one_address_are_stopped(make_user, settings):
    """Four guesses at each of six users from one address, then the right passwords, once gave
    six tokens: the address is throttled on its own count."""
    users = [
        make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username=f"u{n}") for n in range(6)
    ]
    for user in users:
        for _ in range(4):
            token_for(user.username, "guess")
    tokens = [token_for(user.username).status_code for user in users]
    assert tokens.count(200) == 0 and set(tokens) == {429}
    assert not Token.objects.exists()
    # Another address is not locked.
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="elsewhere")
    assert token_for("elsewhere", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_one_account_is_locked_whatever_address_the_guesses_come_from(make_user, settings):
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="target")
    for n in range(settings.AXES_FAILURE_LIMIT):
        token_for("target", "guess", REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert token_for("target", REMOTE_ADDR="10.0.1.1").status_code == 429


def test_behind_a_trusted_proxy_clients_are_told_apart(make_user, settings):
    """Every request arrives from the proxy's address; the client's is in X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="alice")
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="bob")
    proxy = {"REMOTE_ADDR": "172.18.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_for("alice", "guess", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    # The guessing client is stopped; another client behind the same proxy is not, and a client
    # cannot pass for another by writing its own X-Forwarded-For (the proxy appends the real one).
    assert token_for("bob", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    spoofed = "198.51.100.4, 203.0.113.7"
    assert token_for("bob", HTTP_X_FORWARDED_FOR=spoofed, **proxy).status_code == 429
    assert token_for("bob", HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy).status_code == 200


def test_a_token_expires_and_a_new_one_is_issued(make_user, settings):
    user = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    key = token_for("gushan").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}/regions/").status_code == 200
    Token.objects.filter(key=key).update(
        created=timezone.now() - timedelta(hours=settings.API_TOKEN_HOURS, seconds=1)
    )
    expired = client.get(f"{API}/regions/")
    assert expired.status_code == 401 and "过期" in expired.json()["detail"]
    renewed = token_for("gushan").json()["token"]
    assert renewed != key and Token.objects.get(user=user).key == renewed


def test_a_password_change_revokes_the_token(make_user):
    user = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    key = token_for("gushan").json()["token"]
    user.set_password("Another-passw0rd-2026")
    user.save()
    assert not Token.objects.filter(key=key).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}/regions/").status_code == 401
    user.first_name = "鼓山"  # any other change keeps the token
    token = token_for("gushan", "Another-passw0rd-2026").json()["token"]
    user.save()
    assert Token.objects.filter(key=token).exists()


def test_a_session_lasts_a_working_day_and_ends_with_the_browser():
    assert django_settings.SESSION_COOKIE_AGE == 10 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/phish",
        "https://evil.example/",
        "http:/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_a_decision_never_sends_its_user_to_another_site(client, make_user, target):
    from datetime import date

    period = Period.objects.create(year=2090, quarter=1, opens_on=date(2090, 1, 1),
                                   closes_on=date(2090, 1, 20))  # fmt: skip
    submission = Submission.objects.create(
        region=Region.objects.get(code=GUSHAN), period=period, status=Status.SUBMITTED
    )
    client.force_login(make_user(role=Role.OFFICE, region=JINAN, username="jinan-office"))
    response = client.post(
        reverse("assessments:decide", args=[submission.pk]),
        {"action": "none", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:submission_detail", args=[submission.pk])
    inside = client.post(reverse("assessments:decide", args=[submission.pk]),
                         {"action": "none", "next": "/reporting/queue/"})  # fmt: skip
    assert inside["Location"] == "/reporting/queue/"


def test_nul_characters_in_api_json_are_refused_not_a_server_error(make_user):
    from assessments.reporting import services

    period = Period.objects.create(year=2090, quarter=1, opens_on=timezone.localdate(),
                                   closes_on=timezone.localdate() + timedelta(days=5))  # fmt: skip
    official = make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    submission = services.open_submission(
        user=official, region=Region.objects.get(code=GUSHAN), period=period
    )
    client = APIClient()
    client.force_authenticate(official)
    url = f"{API}/submissions/{submission.pk}/figures/"
    for body in (
        {"version": 1, "figures": {"nat_sampled": "4\x000"}},
        {"version": 1, "figures": {"nat\x00sampled": "40"}},
        {"version": 1, "figures": {"nat_sampled": "40"}, "comments": {"nat_sampled": "a\x00b"}},
    ):
        response = client.patch(url, body, format="json")
        assert response.status_code == 400, (body, response.content[:200])
    assert not submission.values.exists()
    reason = client.post(f"{API}/submissions/{submission.pk}/return/",
                         {"reason": "缺\x00说明"}, format="json")  # fmt: skip
    assert reason.status_code == 400
