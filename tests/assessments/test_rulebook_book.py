"""The office's own rulebook table: download a rulebook as a workbook, upload it back as the next
version (all or nothing, every problem by sheet, row and column), copy it to next year, and who
may do which."""

import io
import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import AssessmentRun, RegionResult, Rulebook, RunStatus
from assessments.scoring import rulebook_book, rulebooks
from portal.models import Region, Role

pytestmark = pytest.mark.django_db

CITY, PROVINCE, TIANJIN, JINAN, GUSHAN = "350100", "350000", "120000", "350111", "350111100"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def people(make_user):
    return {
        "city_office": make_user(role=Role.OFFICE, region=CITY, username="city_office"),
        "province_office": make_user(role=Role.OFFICE, region=PROVINCE, username="prov_office"),
        "tianjin_office": make_user(role=Role.OFFICE, region=TIANJIN, username="tj_office"),
        "town": make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="town"),
    }


@pytest.fixture
def book(db) -> Rulebook:
    """福州市's demo rulebook for its districts (fixtures/reference/rulebooks.yaml), 2026."""
    return Rulebook.objects.get(year=2026, scope__code=CITY, level=3, is_current=True)


@pytest.fixture
def office(client, people):
    client.force_login(people["city_office"])
    return client


def snapshot(rulebook: Rulebook) -> dict:
    """Everything a version says, for comparing two versions."""
    rulebook.refresh_from_db()
    return {
        "name": rulebook.name,
        "total_points": rulebook.total_points,
        "grade_bands": rulebook.grade_bands,
        "decimals": rulebook.decimals,
        "rounding": rulebook.rounding,
        "unreported": rulebook.unreported,
        "veto_ranking": rulebook.veto_ranking,
        "items": [
            (item.code, item.parent.code if item.parent else None, item.name, item.points,
             item.method, item.indicator_id, item.target_id, item.comparator, item.threshold,
             item.params, item.counts, item.evidence, item.lead_department_id)
            for item in rulebook.items.select_related("parent").order_by("order")
        ],
        "vetoes": list(rulebook.vetoes.order_by("pk").values_list("min_severity", "description")),
    }  # fmt: skip


def download(client, rulebook) -> bytes:
    response = client.get(reverse("assessments:rulebook_workbook", args=[rulebook.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def edited(data: bytes, change) -> bytes:
    """The workbook after ``change(items_sheet, settings_sheet)``."""
    wb = load_workbook(io.BytesIO(data))
    change(wb[rulebook_book.SHEET], wb[rulebook_book.SETTINGS_SHEET])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def column(ws, name: str) -> int:
    return next(cell.column for cell in ws[1] if cell.value == name)


def row_of(ws, code: str) -> int:
    at = column(ws, rulebook_book.CODE)
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, at).value == code)


def set_cell(ws, code: str, name: str, value) -> None:
    ws.cell(row_of(ws, code), column(ws, name)).value = value


def band_row(ws, grade: str) -> int:
    rows = list(ws.iter_rows(values_only=True))
    start = next(n for n, r in enumerate(rows) if r[0] == rulebook_book.GRADE)
    return next(n for n, r in enumerate(rows[start:], start) if r[0] == grade) + 1


def upload(client, rulebook, data: bytes):
    return client.post(
        reverse("assessments:rulebook_upload", args=[rulebook.pk]),
        {"file": SimpleUploadedFile("细则.xlsx", data, content_type=XLSX)},
    )


def result_of(rulebook: Rulebook) -> RegionResult:
    run = AssessmentRun.objects.create(
        year=rulebook.year, trigger="test", status=RunStatus.SUCCEEDED, finished_at=timezone.now()
    )
    return RegionResult.objects.create(run=run, rulebook=rulebook,
                                       region=Region.objects.get(code=JINAN), total=Decimal("91"),
                                       grade="A", rank=1, peers=1, items={"1.1": 12.0})  # fmt: skip


# --- The round trip ----------------------------------------------------------------------------


def test_the_workbook_reads_as_the_office_writes_it(office, book):
    wb = load_workbook(io.BytesIO(download(office, book)))
    assert wb.sheetnames == ["评分细则", "设置", "说明"]
    ws = wb["评分细则"]
    assert [c.value for c in ws[1]][:5] == ["编号", "一级指标", "二级指标", "三级指标", "分值"]
    top, leaf = row_of(ws, "1"), row_of(ws, "1.1")
    assert ws.cell(top, column(ws, "一级指标")).value == "产品质量"
    assert ws.cell(leaf, column(ws, "一级指标")).value is None
    assert ws.cell(leaf, column(ws, "二级指标")).value == "省级监督抽查合格率稳定在93%以上"
    assert ws.cell(leaf, column(ws, "评分方法")).value.startswith("扣分")
    assert ws.cell(leaf, column(ws, "对应目标")).value == "jinan-2012/T03"
    assert json.loads(ws.cell(leaf, column(ws, "方法参数")).value) == {"per": 1, "deduct": 3}
    assert ws.cell(leaf, column(ws, "牵头考核部门")).value == "省质监局"
    assert ws.cell(leaf, column(ws, "考核要点")).value.endswith("≥ 93%")
    assert ws.cell(row_of(ws, "3.2"), column(ws, "比较方式")).value == "≥"
    assert ws.cell(row_of(ws, "3.4"), column(ws, "比较方式")).value == "="  # a symbol, not "'="
    settings = wb["设置"]
    assert settings.cell(band_row(settings, "A"), 2).value == 90
    assert any(
        row[1] == book.vetoes.get().description for row in settings.iter_rows(values_only=True)
    )


def test_an_untouched_workbook_uploads_as_an_identical_version(office, book):
    before = snapshot(book)
    response = upload(office, book, download(office, book))
    assert response.status_code == 303, response.content.decode()
    issued = Rulebook.objects.get(year=2026, scope=book.scope, level=3, is_current=True)
    assert issued.version == book.version + 1
    assert snapshot(issued) == before


def test_an_edited_workbook_becomes_the_next_version_and_the_old_one_stays(office, book, people):
    result = result_of(book)
    before, updated_at = snapshot(book), book.updated_at

    def change(ws, settings):
        set_cell(ws, "1.1", "分值", 10)  # 12 → 10, its sibling 8 → 10: 产品质量 stays 40
        set_cell(ws, "1.2", "分值", 10)
        settings.cell(band_row(settings, "B"), 2, 85)

    response = upload(office, book, edited(download(office, book), change))

    issued = Rulebook.objects.get(year=2026, scope=book.scope, level=3, is_current=True)
    assert response.status_code == 303
    assert response["Location"] == reverse("assessments:rulebook_results", args=[issued.pk])
    assert issued.pk != book.pk and issued.version == book.version + 1
    assert issued.items.get(code="1.1").points == 10 and issued.items.get(code="1.2").points == 10
    assert issued.items.get(code="1.1").parent.code == "1"
    assert {"grade": "B", "min": 85} in issued.grade_bands
    assert "city_office" in issued.notes and "上传" in issued.notes
    # Everything else as it was: the other items, their links, the vetoes and settings.
    expected = {**before, "grade_bands": [{**b, "min": 85} if b["grade"] == "B" else b
                                          for b in before["grade_bands"]]}  # fmt: skip
    expected["items"] = [
        (code, parent, name, Decimal(10) if code in ("1.1", "1.2") else points, *rest)
        for code, parent, name, points, *rest in before["items"]
    ]
    assert snapshot(issued) == expected
    # The old version: unchanged, no longer current, its results still its own.
    assert snapshot(book) == before
    book.refresh_from_db()
    assert book.is_current is False and book.updated_at == updated_at
    result.refresh_from_db()
    assert result.rulebook_id == book.pk
    assert Rulebook.objects.filter(year=2026, scope=book.scope, level=3).count() == 2
    page = office.get(response["Location"])
    assert any(f"第 {issued.version} 版" in str(m) for m in get_messages(page.wsgi_request))


def test_typed_formulas_are_escaped_on_download_and_kept_on_upload(office, book):
    item = book.items.get(code="1.1")
    item.evidence = '=HYPERLINK("http://x")'
    item.save()
    data = download(office, book)
    ws = load_workbook(io.BytesIO(data))["评分细则"]
    assert ws.cell(row_of(ws, "1.1"), column(ws, "需提交材料")).value.startswith("'=")
    assert upload(office, book, data).status_code == 303
    issued = Rulebook.objects.get(year=2026, scope=book.scope, level=3, is_current=True)
    assert issued.items.get(code="1.1").evidence == '=HYPERLINK("http://x")'


# --- Refused workbooks -------------------------------------------------------------------------


def _band_out_of_order(ws, settings):
    settings.cell(band_row(settings, "B"), 2, 95)


def _deduction_per_zero(ws, settings):
    set_cell(ws, "1.1", "方法参数", '{"per": 0, "deduct": 3}')


def _points_do_not_add_up(ws, settings):
    set_cell(ws, "1.1", "分值", 13)


def _unknown_method(ws, settings):
    set_cell(ws, "1.3", "评分方法", "印象打分")


def _points_not_a_number(ws, settings):
    set_cell(ws, "2.1", "分值", "十分")


def _missing_code(ws, settings):
    set_cell(ws, "3.3", "编号", None)


REFUSALS = [
    # (change, sheet, (code of the item row | grade of the band row), column, words)
    (_band_out_of_order, "设置", "B", "最低分", "从高到低"),
    (_deduction_per_zero, "评分细则", "1.1", "方法参数", "per"),
    (_points_do_not_add_up, "评分细则", "1", "分值", "合计 41 分"),
    (_unknown_method, "评分细则", "1.3", "评分方法", "“印象打分”无法识别"),
    (_points_not_a_number, "评分细则", "2.1", "分值", "“十分”不是数字"),
    (_missing_code, "评分细则", "3.3", "编号", "编号不能为空"),
]


@pytest.mark.parametrize("change, sheet, where, column_name, words", REFUSALS)
def test_a_bad_workbook_is_refused_by_row_and_column_and_nothing_saved(
    office, book, change, sheet, where, column_name, words
):
    original = download(office, book)
    wb = load_workbook(io.BytesIO(original))
    if sheet == "设置":
        row = band_row(wb["设置"], where)
    else:
        row = row_of(wb["评分细则"], where)
    before, count = snapshot(book), Rulebook.objects.count()

    response = upload(office, book, edited(original, change))

    assert response.status_code == 400
    problems = response.context["problems"]
    assert [(p.sheet, p.row, p.column) for p in problems] == [(sheet, row, column_name)], problems
    assert words in problems[0].message
    assert "未保存任何内容" in response.context["error"]
    assert words in response.content.decode()
    assert Rulebook.objects.count() == count
    assert snapshot(book) == before and Rulebook.objects.get(pk=book.pk).is_current


def test_every_problem_of_a_workbook_is_listed_at_once(office, book):
    def change(ws, settings):
        for refusal in REFUSALS:
            refusal[0](ws, settings)

    with pytest.raises(rulebooks.RulebookRejected) as rejected:
        rulebook_book.read_workbook(edited(download(office, book), change), scope=book.scope)
    columns = [(p.sheet, p.column) for p in rejected.value.problems]
    assert len(columns) >= len(REFUSALS)
    for _change, sheet, _where, column_name, _words in REFUSALS:
        assert (sheet, column_name) in columns


def test_unknown_indicators_targets_and_departments_are_named(office, book):
    def change(ws, settings):
        set_cell(ws, "1.5", "指标", "no_such_indicator")
        set_cell(ws, "2.1", "对应目标", "jinan-2012/T99")
        set_cell(ws, "1.2", "牵头考核部门", "不存在局")

    with pytest.raises(rulebooks.RulebookRejected) as rejected:
        rulebook_book.read_workbook(edited(download(office, book), change), scope=book.scope)
    found = [(p.row, p.column, p.message) for p in rejected.value.problems]
    ws = load_workbook(io.BytesIO(download(office, book)))["评分细则"]
    assert found == [
        (row_of(ws, "1.2"), "牵头考核部门", "牵头考核部门“不存在局”不存在（请填部门简称）"),
        (row_of(ws, "1.5"), "指标", "指标代码“no_such_indicator”不存在"),
        (row_of(ws, "2.1"), "对应目标",
         "对应目标“jinan-2012/T99”不存在：请写成“文件标识/目标编号”，如 jinan-2012/T03"),
    ]  # fmt: skip


def test_a_file_that_is_not_a_workbook_is_refused(office, book):
    response = upload(office, book, b"not a spreadsheet at all")
    assert response.status_code == 400
    assert ".xlsx" in response.context["error"]
    assert Rulebook.objects.filter(year=2026, scope=book.scope, level=3).count() == 1


def test_an_old_version_takes_no_upload(office, book):
    data = download(office, book)
    assert upload(office, book, data).status_code == 303
    assert upload(office, book, data).status_code == 409
    response = office.get(reverse("assessments:rulebook_upload", args=[book.pk]))
    assert response.status_code == 409 and b'type="file"' not in response.content
    assert Rulebook.objects.filter(year=2026, scope=book.scope, level=3).count() == 2


def test_a_version_issued_meanwhile_is_not_overwritten(book, people):
    draft = rulebooks.draft_of(book)
    rulebooks.issue_version(rulebook=book, draft=draft, user=people["city_office"])
    with pytest.raises(rulebooks.RulebookRefused):
        rulebooks.issue_version(rulebook=book, draft=draft, user=people["city_office"])


# --- Copy to next year ---------------------------------------------------------------------------


def test_copy_to_next_year(office, book):
    before = snapshot(book)
    response = office.post(reverse("assessments:rulebook_copy", args=[book.pk]))
    copied = Rulebook.objects.get(year=2027, scope=book.scope, level=3)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:rulebook_results", args=[copied.pk])
    assert copied.is_current and copied.version == 1
    assert snapshot(copied) == before and snapshot(book) == before
    assert "city_office" in copied.notes and "2026" in copied.notes
    assert rulebooks.problems_of(copied) == []

    again = office.post(reverse("assessments:rulebook_copy", args=[book.pk]), follow=True)
    assert "2027年已有现行的评分细则" in again.content.decode()
    assert Rulebook.objects.filter(year=2027, scope=book.scope, level=3).count() == 1


def test_copy_refused_when_next_year_has_a_rulebook(office, book):
    last_year = Rulebook.objects.get(year=2025, scope=book.scope, level=3, is_current=True)
    count = Rulebook.objects.count()
    response = office.post(reverse("assessments:rulebook_copy", args=[last_year.pk]), follow=True)
    assert "2026年已有现行的评分细则" in response.content.decode()
    assert Rulebook.objects.count() == count


def test_the_results_page_offers_the_table_to_its_office_only(client, people, book):
    client.force_login(people["city_office"])
    page = client.get(reverse("assessments:rulebook_results", args=[book.pk])).content.decode()
    assert reverse("assessments:rulebook_workbook", args=[book.pk]) in page
    assert reverse("assessments:rulebook_upload", args=[book.pk]) in page
    assert reverse("assessments:rulebook_copy", args=[book.pk]) in page
    client.force_login(people["province_office"])
    page = client.get(reverse("assessments:rulebook_results", args=[book.pk])).content.decode()
    assert reverse("assessments:rulebook_workbook", args=[book.pk]) in page
    assert reverse("assessments:rulebook_upload", args=[book.pk]) not in page
    assert reverse("assessments:rulebook_copy", args=[book.pk]) not in page


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, download_status, issue_status",
    [
        ("city_office", 200, None),  # the rulebook's own office
        ("province_office", 200, 404),  # above it: reads it, never issues it
        ("tianjin_office", 404, 404),  # another region
        ("town", 404, 404),  # a town official
    ],
)
def test_who_may_download_upload_and_copy(client, people, book, who, download_status, issue_status):
    client.force_login(people[who])
    count = Rulebook.objects.count()
    url = reverse("assessments:rulebook_workbook", args=[book.pk])
    assert client.get(url).status_code == download_status
    if issue_status is None:
        return
    data = rulebook_book.rulebook_workbook(book)
    upload_url = reverse("assessments:rulebook_upload", args=[book.pk])
    assert client.get(upload_url).status_code == issue_status
    assert upload(client, book, data).status_code == issue_status
    copy_url = reverse("assessments:rulebook_copy", args=[book.pk])
    assert client.post(copy_url).status_code == issue_status
    assert Rulebook.objects.count() == count


def test_anonymous_visitors_are_sent_to_sign_in(client, book):
    for name in ("rulebook_workbook", "rulebook_upload"):
        assert client.get(reverse(f"assessments:{name}", args=[book.pk])).status_code == 302
    assert client.post(reverse("assessments:rulebook_copy", args=[book.pk])).status_code == 302
    assert client.get(reverse("assessments:rulebook_copy", args=[book.pk])).status_code == 302
