"""The office's lists as Excel, exported like the rankings: reporting completeness (who reported
on time, late, or not at all), the departments' progress, the year's warnings; each only within
the office's region and below."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import TargetWarning
from assessments.reporting import services
from assessments.scoring import runs
from portal.models import Region

from .conftest import GUSHAN, JINAN, TOWN_FIGURES

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_completeness_says_who_reported(client, people, period):
    town = Region.objects.get(code=GUSHAN)
    submission = services.open_submission(user=people["town"], region=town, period=period)
    services.save_figures(user=people["town"], submission=submission, version=1,
                          figures=TOWN_FIGURES)  # fmt: skip
    services.submit(user=people["town"], submission=submission, version=2)
    client.force_login(people["district_office"])
    rows = _rows(client.get(reverse("workspace:completeness_xlsx"),
                            {"region": JINAN, "period": period.label}))  # fmt: skip
    assert rows[0][:3] == ["区划代码", "区划名称", "报送情况"]
    states = {r[1]: r[2] for r in rows[1:]}
    assert states["鼓山镇"] == "按时提交"
    assert states["新店镇"] == "未报"
    client.force_login(people["baodi"])
    response = client.get(reverse("workspace:completeness_xlsx"), {"region": JINAN})
    assert response.status_code == 404


def test_warnings_and_progress_stay_in_scope(client, people, make_user):
    runs.run_year(year=2026)
    client.force_login(people["city_office"])
    rows = _rows(client.get(reverse("workspace:warnings_xlsx"), {"year": 2026}))
    codes = {r[1] for r in rows[1:]}
    expected = set(
        TargetWarning.objects.filter(
            year=2026, region__path__startswith="350000/350100/"
        ).values_list("region__code", flat=True)
    )
    assert codes == expected
    assert not any(code.startswith("12") for code in codes)
    baodi_office = make_user("office", region="120115")
    client.force_login(baodi_office)
    assert not {r[1] for r in _rows(client.get(reverse("workspace:warnings_xlsx"),
                                               {"year": 2026}))[1:]} & expected  # fmt: skip
    client.force_login(people["district_office"])
    progress = _rows(client.get(reverse("workspace:progress_xlsx")))
    assert progress[0][:2] == ["区划", "部门"]
    assert "福州市质量技术监督局直属二分局" in {r[1] for r in progress[1:]}
    client.force_login(people["department"])
    assert client.get(reverse("workspace:progress_xlsx")).status_code == 404


def test_recent_submissions_filter_and_page(client, people, period):
    town = Region.objects.get(code=GUSHAN)
    draft = services.open_submission(user=people["town"], region=town, period=period)
    client.force_login(people["district"])
    url = reverse("assessments:my_submissions")
    assert "鼓山镇" in client.get(url, {"status": "draft"}).content.decode().split('id="recent"')[1]
    assert "鼓山镇" not in client.get(url, {"status": "approved"}).content.decode().split(
        'id="recent"')[1]  # fmt: skip
    assert "鼓山镇" not in client.get(url, {"q": "新店"}).content.decode().split('id="recent"')[1]
    assert client.get(url, {"page": "99", "status": "nonsense"}).status_code == 200
    assert draft.pk


def test_the_queue_and_the_documents_filter_and_page(client, people, period, make_user):
    town = Region.objects.get(code=GUSHAN)
    submission = services.open_submission(user=people["town"], region=town, period=period)
    services.save_figures(user=people["town"], submission=submission, version=1,
                          figures=TOWN_FIGURES)  # fmt: skip
    services.submit(user=people["town"], submission=submission, version=2)
    client.force_login(people["district_office"])
    url = reverse("assessments:approval_queue")
    assert "鼓山镇" in client.get(url, {"q": "鼓山"}).content.decode()
    assert "鼓山镇" not in client.get(url, {"q": "新店"}).content.decode()
    assert "鼓山镇" not in client.get(url, {"period": "2089Q4"}).content.decode()
    assert "鼓山镇" in client.get(url, {"period": period.label}).content.decode()
    documents = reverse("targets:document_list")
    page = client.get(documents, {"q": "榕晋政"}).content.decode()
    assert "关于实施质量强区提升产品质量的意见" in page and "宝坻" not in page
    assert client.get(documents, {"page": "x"}).status_code == 200
