"""The roll-up's stage gives its space back on PostgreSQL (only outside a transaction, so this
test is transactional and runs on the real database only)."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from assessments.models import DataElement, Period, Status, Submission, Value
from assessments.scoring import sql
from portal.models import Region

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="VACUUM and pg_relation_size are PostgreSQL's",
)
YEAR = 2091


def stage_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s)", [sql.STAGE])
        return cursor.fetchone()[0]


def test_the_stage_is_vacuumed_once_it_passes_its_bound(
    restore_reference, transactional_db, monkeypatch
):
    # restore_reference first: torn down after transactional_db's flush, it reloads the data.
    period = Period.objects.create(year=YEAR, quarter=1, opens_on=date(YEAR, 3, 1),
                                   closes_on=date(YEAR, 3, 20))  # fmt: skip
    element = DataElement.objects.get(code="prov_sampled")
    for code in ("350111100", "350111101"):
        submission = Submission.objects.create(
            region=Region.objects.get(code=code), period=period, status=Status.APPROVED
        )
        Value.objects.create(submission=submission, element=element, value=Decimal(10))
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {sql.STAGE}")
    # Under the bound: the rolled-back rows' pages stay until autovacuum or a later run.
    partials, _weighted = sql.year_figures(YEAR)
    assert partials["sum"].sum() == 20
    assert stage_bytes() > 0
    # Past it: the run gives the space back.
    monkeypatch.setattr(sql, "STAGE_RECLAIM_BYTES", 0)
    sql.year_figures(YEAR)
    assert stage_bytes() == 0
