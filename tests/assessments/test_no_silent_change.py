"""An upload never changes a stored figure by accident: text that is not a plain finite number is
refused, an empty cell (or a formula without a stored result) changes nothing, only the word 清空
clears a figure, and a stored figure is never overwritten without the version it was read at."""

import io

import pytest

from assessments.models import AuditEntry, Submission, Value
from assessments.reporting import services
from assessments.reporting.validation import ParseError, parse_number
from portal.models import Region

from .conftest import GUSHAN, TOWN_FIGURES
from .test_excel import COL, VALUE_COLUMN, VERSION_COLUMN, data_rows, download, load, upload
from .test_excel import row_of as row_number

pytestmark = pytest.mark.django_db


NOT_NUMBERS = ["10²", "1²", "½", "①", "١٠", "nan", "NaN", "inf", "+inf", "-inf", "Infinity",
               "#N/A", "1e5", "0x10", float("inf"), float("-inf")]  # fmt: skip


@pytest.mark.parametrize("raw", NOT_NUMBERS)
def test_only_plain_finite_numbers_are_values(raw):
    with pytest.raises(ParseError):
        parse_number(raw)


def test_plain_numbers_still_read_as_before():
    assert [str(parse_number(raw)) for raw in ("１２３", "1,234", "93.5%", " 7 ")] == [
        "123",
        "1234",
        "93.5",
        "7",
    ]


@pytest.fixture
def stored(people, period):
    submission = services.open_submission(
        user=people["town"], region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(user=people["town"], submission=submission, version=1,
                          figures=TOWN_FIGURES)  # fmt: skip
    return Submission.objects.get(pk=submission.pk)


def figures(submission):
    return dict(submission.values.values_list("element__code", "value"))


def edited(data: bytes, element: str, value, *, keep_version=True) -> bytes:
    book = load(data)
    for cells in data_rows(book):
        if cells[COL["区划代码"]].value == GUSHAN and cells[COL["数据项代码"]].value == element:
            cells[COL[VALUE_COLUMN]].value = value
        if not keep_version:
            cells[COL[VERSION_COLUMN]].value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("value", ["nan", "NaN", "NA", "+inf", "10²", "null"])
def test_text_that_is_no_number_is_refused_and_nothing_changes(client, people, period, stored,
                                                               value):  # fmt: skip
    before, audit = figures(stored), AuditEntry.objects.count()
    data = download(client, people["town"], period)
    response = upload(client, period, edited(data, "nat_sampled", value))
    assert response.status_code == 400
    found = response.context["problems"]
    assert [p.row for p in found] == [row_number(data, GUSHAN, "nat_sampled")]
    assert "不是有效的数字" in found[0].message
    assert figures(Submission.objects.get(pk=stored.pk)) == before
    assert AuditEntry.objects.count() == audit


# A blank cell, a formula with no stored result, an Excel error value.
@pytest.mark.parametrize("value", [None, "", "=A1*2", "#N/A"])
def test_an_empty_cell_changes_nothing(client, people, period, stored, value):
    before = figures(stored)
    data = download(client, people["town"], period)
    response = upload(client, period, edited(data, "nat_sampled", value))
    assert response.status_code == 303
    assert figures(Submission.objects.get(pk=stored.pk)) == before


def test_the_word_qingkong_clears_a_figure(client, people, period, stored):
    data = download(client, people["town"], period)
    response = upload(client, period, edited(data, "nat_sampled", "清空"))
    assert response.status_code == 303
    after = figures(Submission.objects.get(pk=stored.pk))
    assert "nat_sampled" not in after and len(after) == len(TOWN_FIGURES) - 1
    assert AuditEntry.objects.filter(element__code="nat_sampled", new="").exists()


def test_a_stored_figure_is_never_overwritten_without_its_version(client, people, period, stored):
    data = download(client, people["town"], period)
    blind = edited(data, "nat_sampled", 41, keep_version=False)
    response = upload(client, period, blind)
    assert response.status_code == 400
    (problem,) = response.context["problems"]
    assert problem.column == VERSION_COLUMN and "已有数据 40" in problem.message
    assert figures(Submission.objects.get(pk=stored.pk))["nat_sampled"] == 40
    # The same file sent back unchanged, without versions, is fine; so is the edit with them.
    assert (
        upload(client, period, edited(data, "nat_sampled", 40, keep_version=False)).status_code
        == 303
    )
    assert upload(client, period, edited(data, "nat_sampled", 41)).status_code == 303
    assert Value.objects.get(submission=stored, element__code="nat_sampled").value == 41


def test_an_api_import_without_a_version_does_not_overwrite(client, people, period, stored):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(people["town"])
    url = f"/api/v1/import/{period.year}/{period.quarter}/"
    rows = [{"region_code": GUSHAN, "element_code": "nat_sampled", "value": "41"}]
    response = api.post(url, rows, format="json")
    assert response.status_code == 400 and response.json()["code"] == "import_rejected"
    assert Value.objects.get(submission=stored, element__code="nat_sampled").value == 40
    # A null value changes nothing; with the version the edit goes through.
    assert api.post(url, [{**rows[0], "value": None}], format="json").status_code == 200
    rows[0]["version"] = Submission.objects.get(pk=stored.pk).version
    assert api.post(url, rows, format="json").status_code == 200
    assert Value.objects.get(submission=stored, element__code="nat_sampled").value == 41


def test_a_huge_sheet_is_refused_without_reading_it_all(client, people, period, settings):
    from .test_excel import fill, upload

    settings.EXCEL_MAX_ROWS = 5
    data = download(client, people["town"], period)
    response = upload(client, period, fill(data))
    assert response.status_code == 400
    assert "超过 5 行" in response.context["error"]


def test_only_the_first_problems_are_listed_with_the_count():
    from assessments.reporting.imports import SHOWN_PROBLEMS, ImportProblem, ImportRejected

    problems = [ImportProblem("填报数据", n, "数值", "不是数字") for n in range(2, 1002)]
    rejected = ImportRejected(problems)
    assert len(rejected.problems) == SHOWN_PROBLEMS == 200
    assert "1000 处问题" in str(rejected) and "前 200 处" in str(rejected)
