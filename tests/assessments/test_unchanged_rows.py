"""Rows sent back as they were are accepted, locked or not: the district's quarter on the demo
data, through the Excel template, the API and the form. Only a changed figure in a submitted or
locked quarter is refused, and it is named by its row."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.devdata.demo import generate_demo_data
from assessments.models import AuditEntry, Period, Status, Submission, Value
from assessments.reporting import excel_template, services
from assessments.reporting.imports import ELEMENT_COLUMN, REGION_COLUMN, VALUE_COLUMN
from portal import periods
from portal.models import Role

from .conftest import GUSHAN, JINAN

COL = {name: index for index, name in enumerate(excel_template.COLUMNS)}


@pytest.fixture
def demo(db, make_user):
    """The demo's seven quarters of figures for both districts, as `make demo` makes them."""
    officials = {
        "district": make_user(role=Role.REGION_OFFICIAL, region=JINAN, username="jinan"),
        "town": make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan"),
        "office": make_user(role=Role.OFFICE, region=JINAN, username="jinan-office"),
        "city_office": make_user(role=Role.OFFICE, region="350100", username="fz-office"),
        "province_office": make_user(role=Role.OFFICE, region="350000", username="fj-office"),
    }
    report = generate_demo_data(today=periods.today())
    assert len(report.periods) == 7
    return officials


def snapshot():
    return (
        sorted(Value.objects.values_list("submission_id", "element_id", "value", "comment")),
        sorted(Submission.objects.values_list("pk", "version", "status")),
        AuditEntry.objects.count(),
    )


def download(client, period) -> bytes:
    response = client.get(reverse("assessments:excel_template", args=[period.year, period.quarter]))
    assert response.status_code == 200
    return response.content


def upload(client, period, data: bytes):
    return client.post(
        reverse("assessments:excel_upload", args=[period.year, period.quarter]),
        {"file": SimpleUploadedFile("模板.xlsx", data)},
        follow=True,
    )


def test_the_districts_unchanged_template_is_accepted_for_every_quarter(client, demo):
    client.force_login(demo["district"])
    quarters = list(
        Period.objects.filter(submissions__isnull=False).distinct().order_by("year", "quarter")
    )
    assert len(quarters) == 7
    locked = Submission.objects.filter(region__parent__code=JINAN, status=Status.APPROVED)
    assert locked.exists()  # towns are approved before their district: the case that failed
    for period in quarters:
        before = snapshot()
        data = download(client, period)
        rows = len(
            list(
                openpyxl.load_workbook(io.BytesIO(data))[excel_template.SHEET].iter_rows(min_row=2)
            )
        )
        response = upload(client, period, data)
        assert response.status_code == 200, (period, response.context.get("problems"))
        assert not response.context.get("problems"), (period, response.context["problems"])
        text = [str(m) for m in response.context["messages"]]
        filled = Value.objects.filter(
            submission__period=period,
            submission__region__path__startswith=f"350000/350100/{JINAN}/",
        ).count()
        assert any("未作" in m for m in text), (period, text)
        assert snapshot() == before, period  # nothing written, no version moved
        assert rows >= filled > 0


def test_a_changed_figure_in_a_locked_row_is_refused_by_its_row_and_the_rest_accepted(client, demo):
    client.force_login(demo["district"])
    period = Period.objects.filter(submissions__isnull=False).order_by("year", "quarter").first()
    locked = Submission.objects.get(region__code=GUSHAN, period=period)
    assert locked.status == Status.APPROVED
    data = download(client, period)
    book = openpyxl.load_workbook(io.BytesIO(data))
    changed_row = None
    for cells in book[excel_template.SHEET].iter_rows(min_row=2):
        if (cells[COL[REGION_COLUMN]].value, cells[COL[ELEMENT_COLUMN]].value) == (
            GUSHAN,
            "nat_sampled",
        ):
            cells[COL[VALUE_COLUMN]].value = (cells[COL[VALUE_COLUMN]].value or 0) + 1
            changed_row = cells[0].row
    out = io.BytesIO()
    book.save(out)
    before = snapshot()
    response = upload(client, period, out.getvalue())
    problems = [(p.row, p.column, p.message) for p in response.context["problems"]]
    # One problem, at the changed cell, saying why; the untouched rows of the same quarter are
    # not listed.
    assert problems == [
        (
            changed_row,
            VALUE_COLUMN,
            "鼓山镇：该季度数据已审核锁定，不能修改；如需更正请联系审核单位解锁。",
        )
    ]
    assert snapshot() == before


def test_the_api_and_the_form_accept_unchanged_figures_of_a_locked_quarter(client, demo):
    period = Period.objects.filter(submissions__isnull=False).order_by("year", "quarter").first()
    submission = Submission.objects.get(region__code=GUSHAN, period=period)
    assert submission.status == Status.APPROVED
    figures = {v.element.code: str(v.value) for v in submission.values.select_related("element")}
    comments = {v.element.code: v.comment for v in submission.values.select_related("element")}
    before = snapshot()
    # The service that the form and the API call.
    result = services.save_figures(
        user=demo["town"],
        submission=submission,
        version=submission.version,
        figures=figures,
        comments=comments,
    )
    assert result.changed == 0 and snapshot() == before
    # The API: the same figures again are fine; one changed figure is refused (409, state).
    client.force_login(demo["town"])
    url = reverse("api:submission-figures", args=[submission.pk])
    same = client.put(
        url,
        {"version": submission.version, "figures": figures, "comments": comments},
        content_type="application/json",
    )
    assert same.status_code == 200, same.content
    assert same.json()["changed"] == 0 and snapshot() == before
    changed = dict(figures, nat_sampled=str(int(float(figures["nat_sampled"])) + 1))
    refused = client.put(
        url,
        {"version": submission.version, "figures": changed, "comments": comments},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "已审核锁定" in refused.json()["detail"]
    assert snapshot() == before


def test_the_form_shows_stored_figures_without_trailing_zeros(client, demo):
    import re

    period = Period.objects.filter(submissions__isnull=False).order_by("-year", "-quarter").first()
    client.force_login(demo["town"])
    html = client.get(
        reverse("assessments:entry", args=[GUSHAN, period.year, period.quarter])
    ).content.decode()
    assert "value=" in html
    assert not re.search(r"\b\d+\.0000\b", html), re.findall(r"\b\d+\.0000\b", html)[:5]
