"""Set-up shared by the reporting tests: an open quarter and the people who work in it."""

from datetime import timedelta

import pytest

from assessments.models import Period
from portal.models import Role
from portal.periods import today

JINAN, GUSHAN, XINDIAN, BAODI = "350111", "350111100", "350111101", "120115"


@pytest.fixture
def period(db):
    """A quarter whose entry window is open today."""
    return Period.objects.create(
        year=2090,
        quarter=1,
        opens_on=today() - timedelta(days=5),
        closes_on=today() + timedelta(days=5),
    )


@pytest.fixture
def closed_period(db):
    return Period.objects.create(
        year=2089,
        quarter=4,
        opens_on=today() - timedelta(days=60),
        closes_on=today() - timedelta(days=30),
    )


@pytest.fixture
def people(make_user):
    """One user per role around 晋安区, plus outsiders."""
    return {
        "town": make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="town"),
        "district": make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="district"),
        "district_office": make_user(role=Role.OFFICE, region=JINAN, username="district_office"),
        "city_office": make_user(role=Role.OFFICE, region="350100", username="city_office"),
        "sibling_town": make_user(role=Role.REGION_OFFICIAL, region=XINDIAN, username="sibling"),
        "baodi": make_user(role=Role.REGION_OFFICIAL, region=BAODI, username="baodi"),
        "department": make_user(
            role=Role.DEPARTMENT, department="350111:市质监局直属二分局", username="dept"
        ),
    }


TOWN_FIGURES = {
    "nat_sampled": "40",
    "nat_qualified": "38",
    "prov_sampled": "120",
    "prov_qualified": "113",
    "food_sampled": "50",
    "food_qualified": "49",
    "ent_sampled": "30",
    "ent_qualified": "29",
    "market_sampled": "25",
    "market_qualified": "24",
    "export_inspected": "10",
    "export_qualified": "10",
    "satisfaction_respondents": "200",
    "satisfaction_score": "86.5",
}
