"""Bad input gets a clear 4xx in Chinese, never a 500: non-numeric years and periods, NUL bytes."""

import pytest
from django.urls import reverse

from assessments.models import AuditEntry, Value
from portal.models import Role

from .conftest import GUSHAN, JINAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, make_user):
    user = make_user(role=Role.OFFICE, region=JINAN)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "method, name, data, words",
    [
        ("get", "assessments:completeness", {"period": "2026Qx"}, "2026Q3"),
        ("get", "assessments:completeness", {"period": "abc"}, "2026Q3"),
        ("get", "assessments:assessment_runs", {"year": "二〇二六"}, "四位数字"),
        (
            "post",
            "assessments:reopen",
            {"year": "x", "quarter": "1", "region": GUSHAN},
            "年度和季度",
        ),
        (
            "post",
            "assessments:reopen",
            {"year": "2026", "quarter": "9", "region": GUSHAN},
            "年度和季度",
        ),
    ],
)
def test_a_malformed_year_or_period_is_a_400_that_says_why(
    client, office, period, method, name, data, words
):
    response = getattr(client, method)(reverse(name), data)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_a_nul_character_is_refused_before_anything_is_saved(client, make_user, period):
    client.force_login(make_user(role=Role.REGION_OFFICIAL, region=GUSHAN))
    url = reverse("assessments:entry", args=[GUSHAN, period.year, period.quarter])
    response = client.post(url, {"v_nat_sampled": "40", "c_nat_sampled": "说明\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert not Value.objects.exists() and not AuditEntry.objects.exists()
    query = client.get(reverse("assessments:my_submissions"), {"q": "a\x00b"})
    assert query.status_code == 400
