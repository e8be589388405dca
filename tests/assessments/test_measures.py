"""A newly accepted document's targets can be tracked: the office links each to the indicator
that measures it (proposed from the existing ones, or created with its data elements of the
right kind) and to the departments answering for it, on a page of its own."""

from datetime import date

import pytest
from django.urls import reverse

from assessments.models import Aggregation, Indicator, IndicatorKind, TargetMeasure
from assessments.reporting import measures
from assessments.reporting.errors import ReportingError
from portal.models import Department, Region, Role
from targets.models import PolicyDocument, Target

from .conftest import GUSHAN, JINAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(db):
    return PolicyDocument.objects.create(
        key="jinan-new",
        title="晋安区质量工作新方案",
        issuer="晋安区人民政府",
        issue_date=date(2026, 3, 1),
        region=Region.objects.get(code=JINAN),
        full_text="省级监督抽查合格率达到95%；新增福建名牌产品5项；建成质量示范点3个。",
    )


def target(document, code, indicator, unit, kind, value):
    return Target.objects.create(
        document=document, code=code, order=int(code[1:]), region=document.region,
        indicator=indicator, kind=kind, comparator=">=", value=value, unit=unit, quote=indicator,
    )  # fmt: skip


@pytest.fixture
def office(make_user):
    return make_user(role=Role.OFFICE, region=JINAN, username="jinan-office")


def test_the_closest_existing_indicator_is_proposed(document):
    rate = target(document, "T01", "省级监督抽查合格率", "%", "rate", 95)
    brands = target(document, "T02", "福建名牌产品", "项", "stock", 5)
    novel = target(document, "T03", "质量示范点", "个", "stock", 3)
    assert measures.propose_indicator(rate).code == "prov_pass_rate"
    assert measures.propose_indicator(brands).code == "fujian_brands"
    assert measures.propose_indicator(novel) is None


def test_the_office_links_a_target_and_the_departments_on_its_page(client, document, office):
    rate = target(document, "T01", "省级监督抽查合格率", "%", "rate", 95)
    department = Department.objects.get(region__code=JINAN, short_name="市质监局直属二分局")
    client.force_login(office)
    url = reverse("assessments:link_measure", args=[rate.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["proposed"].code == "prov_pass_rate"
    response = client.post(
        url,
        {"indicator": str(Indicator.objects.get(code="prov_pass_rate").pk),
         "departments": [department.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert TargetMeasure.objects.get(target=rate).indicator.code == "prov_pass_rate"
    assert list(rate.responsible_departments.all()) == [department]
    # The document page offers the link to its managers.
    html = client.get(reverse("targets:document_detail", args=[document.pk])).content.decode()
    assert url in html


def test_a_new_indicator_gets_elements_of_the_right_kind(client, document, office):
    rate = target(document, "T01", "示范区产品抽检合格率", "%", "rate", 95)
    stock = target(document, "T02", "质量示范点", "个", "stock", 3)
    flow = target(document, "T03", "新增质量标准", "项", "participation", 10)
    for item in (rate, stock, flow):
        measures.link_target(user=office, target=item, indicator=None, departments=[])
    made = {t.code: TargetMeasure.objects.get(target=t).indicator for t in (rate, stock, flow)}
    assert made["T01"].kind == IndicatorKind.RATIO and made["T01"].denominator is not None
    assert made["T01"].unit == "%" and float(made["T01"].scale) == 100
    assert made["T02"].kind == IndicatorKind.VALUE
    assert made["T02"].numerator.time_aggregation == Aggregation.LAST  # a stock: its last quarter
    assert made["T03"].numerator.time_aggregation == Aggregation.SUM  # a flow: over the year


def test_departments_outside_the_line_and_users_outside_the_document_are_refused(
    client, document, office, make_user
):
    rate = target(document, "T01", "省级监督抽查合格率", "%", "rate", 95)
    baodi = Department.objects.filter(region__code="120115").first()
    with pytest.raises(ReportingError):
        measures.link_target(user=office, target=rate, indicator=None, departments=[baodi])
    assert not TargetMeasure.objects.filter(target=rate).exists()
    client.force_login(make_user(role=Role.REGION_OFFICIAL, region=GUSHAN))
    assert client.get(reverse("assessments:link_measure", args=[rate.pk])).status_code == 404
