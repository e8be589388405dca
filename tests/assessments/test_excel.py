"""The Excel template and its upload: round trip, all-or-nothing, scope, refusals, escaping."""

import io
import zipfile
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext_lazy

from assessments.models import AuditEntry, DataElement, Period, Submission, Value
from assessments.reporting import excel_import, excel_template, selectors, services
from assessments.reporting.imports import (
    COMMENT_COLUMN,
    ELEMENT_COLUMN,
    REGION_COLUMN,
    VALUE_COLUMN,
    VERSION_COLUMN,
)
from portal import spreadsheets
from portal.models import Region

from .conftest import BAODI, GUSHAN, JINAN, TOWN_FIGURES, XINDIAN

COL = {name: index for index, name in enumerate(excel_template.COLUMNS)}


# --- helpers -----------------------------------------------------------------------------------


def template_url(period):
    return reverse("assessments:excel_template", args=[period.year, period.quarter])


def upload_url(period):
    return reverse("assessments:excel_upload", args=[period.year, period.quarter])


def download(client, user, period) -> bytes:
    client.force_login(user)
    response = client.get(template_url(period))
    assert response.status_code == 200, response.content[:500]
    return response.content


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def data_rows(book):
    return list(book[excel_template.SHEET].iter_rows(min_row=2))


def fill(data: bytes, figures=None, comments=None, edit=None) -> bytes:
    """Type figures and comments into the template the way an official would in Excel:
    ``figures`` maps (region code, element code) to a value; ``edit(row_cells)`` may change
    any cell of any row."""
    book = load(data)
    for cells in data_rows(book):
        key = (cells[COL[REGION_COLUMN]].value, cells[COL[ELEMENT_COLUMN]].value)
        if figures and key in figures:
            cells[COL[VALUE_COLUMN]].value = figures[key]
        if comments and key in comments:
            cells[COL[COMMENT_COLUMN]].value = comments[key]
        if edit:
            edit(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def town(code=GUSHAN, figures=None):
    return {(code, element): value for element, value in (figures or TOWN_FIGURES).items()}


def upload(client, period, data: bytes, name="填报模板.xlsx"):
    return client.post(upload_url(period), {"file": SimpleUploadedFile(name, data)})


def row_of(data: bytes, region_code: str, element_code: str) -> int:
    for cells in data_rows(load(data)):
        key = (cells[COL[REGION_COLUMN]].value, cells[COL[ELEMENT_COLUMN]].value)
        if key == (region_code, element_code):
            return cells[0].row
    raise AssertionError(f"no row for {region_code} {element_code}")


def problems(response):
    return [(p.sheet, p.row, p.column, p.message) for p in response.context["problems"]]


def nothing_saved():
    return not Value.objects.exists() and not AuditEntry.objects.exists()


def saved(code=GUSHAN, period=None):
    submission = Submission.objects.get(region__code=code, period=period)
    return {v.element.code: v.value for v in submission.values.select_related("element")}


def region(code):
    return Region.objects.get(code=code)


# --- safe_cell ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+86 591",
        "-减少",
        "@SUM(A1)",
        '  =HYPERLINK("http://x")',
        "\u3000=1",
        "\t=1",
        "\tcalc",
        "\r\n=1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_safe_cell_escapes_what_a_spreadsheet_would_evaluate(text):
    escaped = spreadsheets.safe_cell(text)
    assert escaped == "'" + text
    assert spreadsheets.unescape_cell(escaped) == text
    ws = openpyxl.Workbook().active
    ws["A1"] = escaped
    assert ws["A1"].data_type == "s"


@pytest.mark.parametrize(
    "value", [0, 7, -5, 3.5, Decimal("-1.25"), None, True, date(2025, 3, 31), "鼓山镇", "", "a=b"]
)
def test_safe_cell_leaves_numbers_and_plain_text_alone(value):
    assert spreadsheets.safe_cell(value) == value
    assert type(spreadsheets.safe_cell(value)) is type(value)


def test_safe_cell_turns_lazy_text_into_text_and_drops_characters_a_sheet_cannot_hold():
    assert spreadsheets.safe_cell(gettext_lazy("说明")) == "说明"
    assert spreadsheets.safe_cell("a\x00b\x0bc") == "abc"
    assert spreadsheets.unescape_cell("'plain") == "'plain"  # only escapes are undone


# --- download ----------------------------------------------------------------------------------


def test_the_template_lists_every_region_and_element_the_official_enters(client, people, period):
    client.force_login(people["district"])
    response = client.get(template_url(period))
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "晋安区_2090年第1季度_填报模板.xlsx"

    book = load(response.content)
    assert book.sheetnames == [excel_template.SHEET, excel_template.HELP_SHEET]
    sheet = book[excel_template.SHEET]
    assert [c.value for c in sheet[1]] == list(excel_template.COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width >= 30

    jinan = region(JINAN)
    expected = [
        (r.code, e.code)
        for r in [jinan, *selectors.expected_regions(jinan)]
        for e in selectors.elements_for_region(r)
    ]
    got = [(c[0].value, c[COL[ELEMENT_COLUMN]].value) for c in data_rows(book)]
    assert got == expected
    assert len({code for code, _ in got}) == 10  # the district and its 9 towns
    assert all(c[COL[VERSION_COLUMN]].value == 0 for c in data_rows(book))  # nothing entered yet

    guide = "\n".join(
        str(c.value) for row in book[excel_template.HELP_SHEET].iter_rows() for c in row
    )
    assert "整体导入" in guide and "合格批次不能大于抽查批次" in guide and "批" in guide


def test_only_the_value_and_comment_columns_are_unlocked(client, people, period):
    book = load(download(client, people["district"], period))
    sheet = book[excel_template.SHEET]
    assert sheet.protection.sheet is True
    assert all(cell.protection.locked for cell in sheet[1])
    editable = {COL[VALUE_COLUMN], COL[COMMENT_COLUMN]}
    for cells in data_rows(book):
        for index, cell in enumerate(cells):
            assert cell.protection.locked is (index not in editable), cell.coordinate
    assert book[excel_template.HELP_SHEET].protection.sheet is True


def test_the_template_carries_stored_figures_comparisons_and_the_version(client, people, period):
    earlier = Period.objects.create(
        year=2089, quarter=4, opens_on=period.opens_on, closes_on=period.closes_on
    )
    last_year = Period.objects.create(
        year=2089, quarter=1, opens_on=period.opens_on, closes_on=period.closes_on
    )
    for p, sampled in ((earlier, "41"), (last_year, "39"), (period, "40")):
        submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=p)
        services.save_figures(
            user=people["town"],
            submission=submission,
            version=submission.version,
            figures=dict(TOWN_FIGURES, nat_sampled=sampled, satisfaction_score="86.5"),
            comments={"nat_sampled": "含专项抽查"},
        )
    book = load(download(client, people["town"], period))
    rows = {c[COL[ELEMENT_COLUMN]].value: [x.value for x in c] for c in data_rows(book)}
    assert {c[0].value for c in data_rows(book)} == {GUSHAN}  # a town enters only for itself
    nat = rows["nat_sampled"]
    assert nat[COL["区划名称"]] == "鼓山镇" and nat[COL["单位"]] == "批"
    assert (nat[COL["上季度值"]], nat[COL["上年同期值"]], nat[COL[VALUE_COLUMN]]) == (41, 39, 40)
    assert nat[COL[COMMENT_COLUMN]] == "含专项抽查"
    assert nat[COL[VERSION_COLUMN]] == 2
    assert rows["satisfaction_score"][COL[VALUE_COLUMN]] == 86.5


def test_names_and_comments_that_look_like_formulas_come_out_as_plain_text(client, people, period):
    Region.objects.filter(code=GUSHAN).update(name='=HYPERLINK("http://evil","鼓山")')
    DataElement.objects.filter(code="nat_sampled").update(name="@SUM(1+1)")
    submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=period)
    services.save_figures(
        user=people["town"],
        submission=submission,
        version=1,
        figures=TOWN_FIGURES,
        comments={"nat_sampled": "=cmd|' /C calc'!A0", "nat_qualified": " +1", "food_sampled": "-"},
    )
    data = download(client, people["district"], period)
    for cells in data_rows(load(data)):
        if cells[0].value != GUSHAN:
            continue
        for cell in cells:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                assert not cell.value.lstrip().startswith(("=", "+", "-", "@"))
        if cells[COL[ELEMENT_COLUMN]].value == "nat_sampled":
            assert cells[COL["区划名称"]].value == '\'=HYPERLINK("http://evil","鼓山")'
            assert cells[COL["数据项名称"]].value == "'@SUM(1+1)"
            assert cells[COL[COMMENT_COLUMN]].value == "'=cmd|' /C calc'!A0"

    # Uploaded back untouched, the escaped comments are read as they were stored.
    response = upload(client, period, data)
    assert response.status_code == 303
    comments = dict(
        Value.objects.filter(submission=submission).values_list("element__code", "comment")
    )
    assert comments["nat_sampled"] == "=cmd|' /C calc'!A0"
    assert comments["nat_qualified"] == "+1"
    assert comments["food_sampled"] == "-"
    assert not AuditEntry.objects.filter(source="excel").exists()  # nothing changed


def test_who_gets_no_template(client, people, period):
    assert client.get(template_url(period)).status_code == 302  # anonymous: to the login page
    assert client.get(template_url(period)).url.startswith(reverse("login"))
    assert client.get(upload_url(period)).url.startswith(reverse("login"))
    for who in ("district_office", "city_office", "department"):
        client.force_login(people[who])
        assert client.get(template_url(period)).status_code == 404, who
        assert client.get(upload_url(period)).status_code == 404, who
    client.force_login(people["district"])
    assert client.get(reverse("assessments:excel_template", args=[2091, 2])).status_code == 404
    assert client.get(reverse("assessments:excel_upload", args=[2091, 2])).status_code == 404


def test_an_official_of_another_district_gets_only_their_own_regions(client, people, period):
    book = load(download(client, people["baodi"], period))
    codes = {cells[0].value for cells in data_rows(book)}
    assert codes and all(code.startswith(BAODI) for code in codes)


# --- upload ------------------------------------------------------------------------------------


def test_round_trip_saves_the_figures_with_an_audit_entry_per_change(client, people, period):
    data = download(client, people["district"], period)
    filled = fill(data, town(), comments={(GUSHAN, "nat_sampled"): "含两批专项"})
    page = client.get(upload_url(period))
    assert page.status_code == 200 and template_url(period) in page.content.decode()

    response = upload(client, period, filled)
    assert response.status_code == 303
    assert response.url == upload_url(period)
    assert saved(GUSHAN, period) == {k: Decimal(v) for k, v in TOWN_FIGURES.items()}
    audit = AuditEntry.objects.filter(submission__region__code=GUSHAN, source="excel")
    assert audit.count() == len(TOWN_FIGURES)
    assert set(audit.values_list("user", flat=True)) == {people["district"].pk}
    assert audit.get(element__code="nat_sampled").reason == "含两批专项"
    # The untouched regions get no empty drafts.
    assert list(Submission.objects.values_list("region__code", flat=True)) == [GUSHAN]

    followed = client.get(response.url)
    text = " ".join(str(m) for m in followed.context["messages"])
    assert f"共 {len(TOWN_FIGURES)} 行" in text and "1 份填报" in text
    assert f"修改了 {len(TOWN_FIGURES)} 个数值" in text

    # A second round trip of the new template changes only what was changed.
    again = fill(download(client, people["district"], period), {(GUSHAN, "nat_sampled"): 41})
    assert upload(client, period, again).status_code == 303
    assert saved(GUSHAN, period)["nat_sampled"] == 41
    assert audit.count() == len(TOWN_FIGURES) + 1


@pytest.mark.parametrize(
    "element, value, column, words",
    [
        ("prov_qualified", 121, VALUE_COLUMN, "不能大于"),  # qualified > sampled
        ("nat_sampled", "四十", VALUE_COLUMN, "不是有效的数字"),  # text in a number cell
        ("ent_sampled", -3, VALUE_COLUMN, "不能为负数"),
        ("food_sampled", 2.5, VALUE_COLUMN, "必须为整数"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_its_cell(
    client, people, period, element, value, column, words
):
    data = download(client, people["district"], period)
    figures = {**town(), **town(XINDIAN), (GUSHAN, element): value}
    response = upload(client, period, fill(data, figures))
    assert response.status_code == 400
    assert nothing_saved() and not Submission.objects.exists()
    [(sheet, row, col, message)] = problems(response)
    assert (sheet, row, col) == (excel_template.SHEET, row_of(data, GUSHAN, element), column)
    assert words in message and "鼓山镇" in message
    body = response.content.decode()
    assert "没有保存任何数据" in body and f'<td class="num">{row}</td>' in body


def test_an_unknown_element_code_is_named(client, people, period):
    data = download(client, people["district"], period)

    def rename(cells):
        if (cells[0].value, cells[COL[ELEMENT_COLUMN]].value) == (GUSHAN, "export_inspected"):
            cells[COL[ELEMENT_COLUMN]].value = "export_inspectd"

    response = upload(client, period, fill(data, town(), edit=rename))
    assert response.status_code == 400 and nothing_saved()
    [(_, row, column, message)] = problems(response)
    assert (row, column) == (row_of(data, GUSHAN, "export_inspected"), ELEMENT_COLUMN)
    assert "export_inspectd" in message


def test_several_bad_rows_are_all_listed(client, people, period):
    data = download(client, people["district"], period)
    figures = {
        **town(),
        **town(XINDIAN),
        (GUSHAN, "nat_qualified"): 41,
        (GUSHAN, "satisfaction_score"): 120,
        (XINDIAN, "market_sampled"): "很多",
        (JINAN, "works_completed"): -1,
    }
    response = upload(client, period, fill(data, figures))
    assert response.status_code == 400 and nothing_saved()
    listed = {(row, column) for _, row, column, _ in problems(response)}
    assert listed == {
        (row_of(data, GUSHAN, "nat_qualified"), VALUE_COLUMN),
        (row_of(data, GUSHAN, "satisfaction_score"), VALUE_COLUMN),
        (row_of(data, XINDIAN, "market_sampled"), VALUE_COLUMN),
        (row_of(data, JINAN, "works_completed"), VALUE_COLUMN),
    }
    assert [p[1] for p in problems(response)] == sorted(p[1] for p in problems(response))


def test_a_region_outside_the_users_scope_is_refused_without_confirming_it(client, people, period):
    baodi_town = Region.objects.filter(code__startswith=BAODI, level=4).first()
    data = download(client, people["district"], period)
    moved = {"done": 0}

    def point_elsewhere(cells):
        if cells[0].value == XINDIAN and moved["done"] < 2:
            cells[0].value = baodi_town.code if moved["done"] == 0 else "350111999"
            moved["done"] += 1

    response = upload(client, period, fill(data, {**town(), **town(XINDIAN)}, edit=point_elsewhere))
    assert response.status_code == 400 and nothing_saved()
    outside, missing = [p for p in problems(response) if p[2] == REGION_COLUMN]
    assert outside[3] == f"区划代码“{baodi_town.code}”不存在或不在您的填报范围内（无权填报）"
    assert missing[3] == "区划代码“350111999”不存在或不在您的填报范围内（无权填报）"
    assert baodi_town.name not in response.content.decode()


def test_a_town_official_cannot_upload_for_the_district(client, people, period):
    data = download(client, people["district"], period)
    client.force_login(people["town"])
    response = upload(client, period, fill(data, {**town(), (JINAN, "works_completed"): 3}))
    assert response.status_code == 400 and nothing_saved()
    assert {p[1] for p in problems(response)} == {row_of(data, JINAN, "works_completed")}


def test_a_stale_version_is_a_conflict_and_saves_nothing(client, people, period):
    submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=period)
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    data = download(client, people["district"], period)  # carries version 2
    services.save_figures(  # somebody saves after the download: version 3
        user=people["town"],
        submission=submission,
        version=2,
        figures=dict(TOWN_FIGURES, nat_sampled="45"),
    )
    before = AuditEntry.objects.count()
    response = upload(client, period, fill(data, {(GUSHAN, "nat_sampled"): 50}))
    assert response.status_code == 400
    [(_, _, column, message)] = problems(response)
    assert column == VERSION_COLUMN and "已被修改" in message and "重新下载" in message
    assert saved(GUSHAN, period)["nat_sampled"] == 45
    assert AuditEntry.objects.count() == before
    submission.refresh_from_db()
    assert submission.version == 3


def test_a_submitted_region_is_not_changed_by_an_upload(client, people, period):
    submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=period)
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    services.submit(user=people["town"], submission=submission, version=2)
    data = download(client, people["district"], period)
    response = upload(client, period, fill(data, {(GUSHAN, "nat_sampled"): 50}))
    assert response.status_code == 400 and "已提交" in problems(response)[0][3]
    assert saved(GUSHAN, period)["nat_sampled"] == 40


def test_codes_typed_as_numbers_are_read_as_codes(client, people, period):
    data = download(client, people["district"], period)

    def as_number(cells):
        if cells[0].value == GUSHAN:
            cells[0].value = int(GUSHAN)

    response = upload(client, period, fill(data, town(), edit=as_number))
    assert response.status_code == 303
    assert len(saved(GUSHAN, period)) == len(TOWN_FIGURES)


def test_blank_and_trailing_rows_are_ignored_and_row_numbers_stay_true(client, people, period):
    data = download(client, people["district"], period)
    book = load(fill(data, town()))
    sheet = book[excel_template.SHEET]
    last = sheet.max_row
    sheet.cell(row=last + 3, column=1).value = None  # styled-empty rows after the data
    sheet.cell(row=last + 5, column=COL[COMMENT_COLUMN] + 1).value = "   "
    out = io.BytesIO()
    book.save(out)
    assert upload(client, period, out.getvalue()).status_code == 303

    rows, issues = excel_import.read_rows(fill(data, {(XINDIAN, "nat_sampled"): 5}))
    assert issues == [] and [(r.row, r.region_code, r.value) for r in rows] == [
        (row_of(data, XINDIAN, "nat_sampled"), XINDIAN, 5)
    ]


def test_a_workbook_without_the_data_sheet_or_a_column_is_refused_by_name(client, people, period):
    client.force_login(people["district"])
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["区划代码", "数据项代码", "本季度数值"])
    out = io.BytesIO()
    book.save(out)
    response = upload(client, period, out.getvalue())
    assert response.status_code == 400
    assert "没有名为“填报数据”的工作表" in response.context["error"]
    assert "Sheet1" in response.context["error"]

    book.active.title = excel_template.SHEET
    book.active.delete_rows(1)
    book.active.append([REGION_COLUMN, ELEMENT_COLUMN, "数值"])
    book.active.append([GUSHAN, "nat_sampled", 3])
    out = io.BytesIO()
    book.save(out)
    response = upload(client, period, out.getvalue())
    assert response.status_code == 400
    assert "缺少必需的列：本季度数值" in response.context["error"]
    assert nothing_saved()


def test_an_untouched_template_of_an_empty_quarter_has_nothing_to_import(client, people, period):
    data = download(client, people["district"], period)
    response = upload(client, period, data)
    assert response.status_code == 400 and "没有可导入的数据" in response.context["error"]
    assert not Submission.objects.exists()


def test_warnings_do_not_block_a_draft_and_are_listed(client, people, period):
    for quarter in (2, 3, 4):
        earlier = Period.objects.create(
            year=2089, quarter=quarter, opens_on=period.opens_on, closes_on=period.closes_on
        )
        submission = services.open_submission(
            user=people["town"], region=region(GUSHAN), period=earlier
        )
        services.save_figures(
            user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
        )
        services.submit(user=people["town"], submission=submission, version=2)
    data = download(client, people["district"], period)
    figures = {**town(), (GUSHAN, "prov_sampled"): 1200, (GUSHAN, "prov_qualified"): 1130}
    response = upload(client, period, fill(data, figures))
    assert response.status_code == 303
    assert saved(GUSHAN, period)["prov_sampled"] == 1200
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    warnings = [m for m in messages if "中位数" in m]
    assert len(warnings) == 2 and all("说明" in m for m in warnings)


# --- refused before parsing --------------------------------------------------------------------


@pytest.fixture
def no_parsing(monkeypatch):
    def fail(data):
        raise AssertionError("the file should have been refused before parsing")

    monkeypatch.setattr(excel_import, "read_rows", fail)


def test_an_oversize_file_is_refused(client, people, period, settings, no_parsing):
    data = fill(download(client, people["district"], period), town())
    settings.EXCEL_MAX_UPLOAD_BYTES = len(data) - 1
    response = upload(client, period, data)
    assert response.status_code == 400
    assert "文件过大" in response.context["error"] and nothing_saved()
    with pytest.raises(excel_import.WorkbookRefused, match="文件过大"):
        excel_import.inspect_archive(data)


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


XLSX_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_a_zip_bomb_is_refused_before_parsing(client, people, period, no_parsing):
    bomb = zip_of({**XLSX_PARTS, "xl/worksheets/sheet1.xml": b"\0" * (4 * 1024 * 1024)})
    assert len(bomb) < 20_000
    client.force_login(people["district"])
    response = upload(client, period, bomb)
    assert response.status_code == 400
    assert "压缩炸弹" in response.context["error"] and nothing_saved()


def test_too_much_unpacked_data_or_too_many_members_is_refused(settings):
    settings.EXCEL_MAX_UNCOMPRESSED_BYTES = 100_000
    many = {f"xl/media/{i}.bin": bytes(range(256)) * 40 for i in range(12)}  # ~123 KB, ratio ~1
    with pytest.raises(excel_import.WorkbookRefused, match="压缩炸弹"):
        excel_import.inspect_archive(zip_of({**XLSX_PARTS, **many}))
    settings.EXCEL_MAX_ZIP_MEMBERS = 10
    with pytest.raises(excel_import.WorkbookRefused, match="过多"):
        excel_import.inspect_archive(zip_of({**XLSX_PARTS, **many}))


@pytest.mark.parametrize(
    "content, words",
    [
        (b"region,element,value\n350111100,nat_sampled,3\n", "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Excel（.xls）"),
        (zip_of({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}), "不是 Excel"),
        (b"PK\x03\x04 not really a zip", "已损坏"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(client, people, period, no_parsing, content, words):
    client.force_login(people["district"])
    response = upload(client, period, content, name="数据.xlsx")
    assert response.status_code == 400
    assert words in response.context["error"] and nothing_saved()


def test_a_damaged_xlsx_is_refused_with_a_message(client, people, period):
    client.force_login(people["district"])
    response = upload(client, period, zip_of(XLSX_PARTS))
    assert response.status_code == 400
    assert "无法读取" in response.context["error"]


def test_a_post_without_a_file_asks_for_one(client, people, period):
    client.force_login(people["district"])
    response = client.post(upload_url(period), {})
    assert response.status_code == 400 and "请选择" in response.context["error"]


def test_the_upload_still_needs_the_csrf_token(people, period):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["district"])
    page = strict.get(upload_url(period))
    token = page.cookies["csrftoken"].value
    data = zip_of(XLSX_PARTS)
    refused = strict.post(upload_url(period), {"file": SimpleUploadedFile("a.xlsx", data)})
    assert refused.status_code == 403
    checked = strict.post(
        upload_url(period),
        {"file": SimpleUploadedFile("a.xlsx", data), "csrfmiddlewaretoken": token},
    )
    assert checked.status_code == 400  # past the CSRF check, refused as unreadable
