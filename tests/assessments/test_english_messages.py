"""Messages composed in Python follow the user's language: Chinese unless the user chose English
with the switch (the language cookie), on the pages, in the Excel round trip and in the API.

Names that come from the data (regions, data elements) and the template's own sheet and column
headings (the file format) stay as they are; everything said around them is translated."""

import html
import io
import re
from datetime import timedelta
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.models import Period, Status, Submission
from assessments.reporting import errors, excel_template, imports, services
from assessments.reporting.validation import ElementSpec, RuleSpec, validate
from portal import periods
from portal.models import Region, Role
from targets.models import DocumentDraft

from .conftest import GUSHAN, JINAN, TOWN_FIGURES

pytestmark = pytest.mark.django_db

API = "/api/v1"
CJK = re.compile(r"[\u3400-\u9fff]")


def choose_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def entry_url(code, period):
    return reverse("assessments:entry", args=[code, period.year, period.quarter])


def post_figures(client, url, version, figures, action="save"):
    data = {"version": version, "action": action}
    data |= {f"v_{code}": value for code, value in figures.items()}
    return client.post(url, data)


def submitted(people, period) -> Submission:
    """Gushan's quarter, filled in and submitted by its official."""
    submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=period)
    services.save_figures(
        user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
    )
    services.submit(user=people["town"], submission=submission, version=2)
    return submission


# --- Validation and the services, in the active language ---------------------------------------

SPECS = [
    ElementSpec(code="sampled", name="抽查批次", unit="批", value_type="count"),
    ElementSpec(code="qualified", name="合格批次", unit="批", value_type="count"),
    ElementSpec(code="score", name="满意度得分", unit="分", value_type="percent"),
]
RULES = [RuleSpec(left="qualified", right="sampled")]
RAW = {"sampled": "10", "qualified": "12", "score": "120"}


def test_validation_speaks_chinese_by_default():
    messages = [issue.message for issue in validate(SPECS, RAW, RULES).issues]
    assert "满意度得分是百分数，必须在 0 到 100 之间（填写了 120）" in messages
    assert "合格批次不能大于抽查批次（12 > 10）" in messages
    [missing] = validate(SPECS[:1], {}, require_all=True).issues
    assert missing.message == "抽查批次未填写"


def test_validation_speaks_english_when_english_is_active():
    with translation.override("en"):
        messages = [issue.message for issue in validate(SPECS, RAW, RULES).issues]
        [missing] = validate(SPECS[:1], {}, require_all=True).issues
        [typo] = validate(SPECS[:1], {"sampled": "四十"}).issues
        [far] = validate(SPECS[:1], {"sampled": "100"}, history={"sampled": [10, 10, 10]}).issues
    assert "满意度得分 is a percentage and must be between 0 and 100 (entered 120)" in messages
    assert "合格批次 cannot be greater than 抽查批次 (12 > 10)" in messages
    assert missing.message == "抽查批次 is not filled in"
    assert typo.message == "抽查批次: “四十” is not a valid number"
    assert far.message == (
        "抽查批次 is 100批, more than 3 times away from this region's median of earlier "
        "quarters (10批); please check it and add a note"
    )


def test_a_closed_window_names_the_quarter_and_its_dates_in_the_users_language(people):
    closed = Period.objects.create(
        year=2089,
        quarter=4,
        opens_on=periods.today() - timedelta(days=60),
        closes_on=periods.today() - timedelta(days=30),
    )
    submission = services.open_submission(user=people["town"], region=region(GUSHAN), period=closed)
    opens, closes = closed.opens_on, closed.closes_on

    def refusal() -> str:
        with pytest.raises(errors.ReportingError) as refused:
            services.save_figures(
                user=people["town"], submission=submission, version=1, figures=TOWN_FIGURES
            )
        return str(refused.value)

    assert refusal().startswith(
        f"2089年第4季度的填报时间为 {opens:%Y年%m月%d日} 至 {closes:%Y年%m月%d日}，现已不在填报期内"
    )
    with translation.override("en"):
        english = refusal()
    assert english == (
        f"The reporting window for Q4 2089 is {opens:%Y-%m-%d} to {closes:%Y-%m-%d} and has "
        "now closed; to report late, ask the leadership-group office to extend reporting."
    )


# --- The entry page and the office's decisions --------------------------------------------------


def test_a_bad_quarterly_entry_is_refused_in_chinese_by_default(client, people, period):
    client.force_login(people["town"])
    response = post_figures(
        client, entry_url(GUSHAN, period), 0, dict(TOWN_FIGURES, ent_sampled="-3")
    )
    assert response.status_code == 400
    body = text_of(response)
    assert "数据有误，未保存：请按提示修改后再保存。" in body
    assert "不能为负数（填写了 -3）" in body
    assert "Invalid data" not in body and "cannot be negative" not in body


def test_a_bad_quarterly_entry_is_refused_in_english(client, people, period):
    client.force_login(people["town"])
    choose_english(client)
    response = post_figures(
        client, entry_url(GUSHAN, period), 0, dict(TOWN_FIGURES, ent_sampled="-3")
    )
    assert response.status_code == 400
    body = text_of(response)
    assert "Invalid data, nothing was saved: please correct the items indicated" in body
    assert "cannot be negative (entered -3)" in body
    for chinese in ["数据有误", "未保存", "不能为负数", "填写了"]:
        assert chinese not in body, chinese
    assert not Submission.objects.filter(region__code=GUSHAN, period=period).exists()


def test_a_saved_draft_and_a_submission_are_confirmed_in_english(client, people, period):
    client.force_login(people["town"])
    choose_english(client)
    url = entry_url(GUSHAN, period)
    saved = post_figures(client, url, 0, TOWN_FIGURES)
    body = text_of(client.get(saved.url))
    assert "Draft saved (version 2)." in body and "草稿已保存" not in body
    done = post_figures(client, url, 2, TOWN_FIGURES, action="submit")
    body = text_of(client.get(done.url))
    assert "The data of 鼓山镇 for Q1 2090 has been submitted and is awaiting approval." in body
    assert "已提交，等待审核" not in body


def test_a_stale_form_gets_the_conflict_in_english(client, people, period):
    client.force_login(people["town"])
    choose_english(client)
    url = entry_url(GUSHAN, period)
    post_figures(client, url, 0, TOWN_FIGURES)
    post_figures(client, url, 2, dict(TOWN_FIGURES, nat_sampled="45"))
    response = post_figures(client, url, 2, dict(TOWN_FIGURES, nat_sampled="77"))
    assert response.status_code == 409
    body = text_of(response)
    assert "Save conflict: someone else changed and saved this data" in body
    assert "(you edited version 2; the current version is 3)" in body
    assert "保存冲突" not in body


@pytest.mark.parametrize(
    ("english", "refused", "approved"),
    [
        (False, "退回时必须填写原因，填报人会看到它。", "已审核通过并锁定：鼓山镇 2090年第1季度"),
        (
            True,
            "A reason is required to return data; the reporting official will see it.",
            "Approved and locked: 鼓山镇 Q1 2090",
        ),
    ],
)
def test_the_offices_refused_and_accepted_decisions_in_the_users_language(
    client, people, period, english, refused, approved
):
    submission = submitted(people, period)
    client.force_login(people["district_office"])
    if english:
        choose_english(client)
    decide = reverse("assessments:decide", args=[submission.pk])
    body = text_of(client.post(decide, {"action": "return"}, follow=True))
    assert refused in body
    body = text_of(client.post(decide, {"action": "approve"}, follow=True))
    assert approved in body
    assert Submission.objects.get(pk=submission.pk).status == Status.APPROVED
    if english:
        assert "退回时必须填写原因" not in body and "已审核通过并锁定" not in body
    # Approving again is refused, with the status in the user's language too.
    body = text_of(client.post(decide, {"action": "approve"}, follow=True))
    if english:
        assert "Only submitted data can be approved (current status: Approved)." in body
    else:
        assert "只能审核已提交的数据（当前状态：已审核）。" in body


def test_an_extension_is_confirmed_in_english(client, people, period):
    client.force_login(people["district_office"])
    choose_english(client)
    until = periods.today() + timedelta(days=20)
    response = client.post(
        reverse("assessments:reopen"),
        {
            "year": period.year,
            "quarter": period.quarter,
            "region": GUSHAN,
            "until": until.isoformat(),
            "reason": "台风",
        },
        follow=True,
    )
    body = text_of(response)
    assert f"Reporting for Q1 2090 has been extended for 鼓山镇 until {until:%Y-%m-%d}." in body
    assert "延期开放" not in body
    refused = client.post(
        reverse("assessments:reopen"),
        {"year": period.year, "quarter": period.quarter, "region": GUSHAN, "until": "soon"},
        follow=True,
    )
    assert "Please enter a valid extended deadline (e.g. 2026-04-30)." in text_of(refused)


# --- The Excel round trip -----------------------------------------------------------------------


def upload(client, period, data: bytes, name="template.xlsx"):
    url = reverse("assessments:excel_upload", args=[period.year, period.quarter])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def download(client, period):
    return client.get(reverse("assessments:excel_template", args=[period.year, period.quarter]))


def with_value(data: bytes, element: str, value) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    columns = {cell.value: index for index, cell in enumerate(book[excel_template.SHEET][1])}
    for cells in book[excel_template.SHEET].iter_rows(min_row=2):
        if cells[columns[imports.ELEMENT_COLUMN]].value == element:
            cells[columns[imports.VALUE_COLUMN]].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_file_that_is_not_a_workbook_is_refused_in_the_users_language(client, people, period):
    client.force_login(people["town"])
    chinese = text_of(upload(client, period, b"plain text, not a workbook"))
    assert "文件不是 Excel 工作簿（.xlsx）" in chinese
    choose_english(client)
    response = upload(client, period, b"plain text, not a workbook")
    assert response.status_code == 400
    english = text_of(response)
    assert "The file is not a valid Excel workbook (.xlsx)." in english
    assert "文件不是 Excel 工作簿" not in english


def test_an_upload_with_a_bad_row_lists_its_problem_in_english(client, people, period):
    client.force_login(people["town"])
    choose_english(client)
    data = with_value(download(client, period).content, "ent_sampled", -3)
    response = upload(client, period, data)
    assert response.status_code == 400
    [problem] = response.context["problems"]
    # The sheet and column keep their headings in the file; the message is English.
    assert (problem.sheet, problem.column) == (excel_template.SHEET, imports.VALUE_COLUMN)
    assert problem.message.startswith("鼓山镇: ")
    assert problem.message.endswith("cannot be negative (entered -3)")
    body = text_of(response)
    assert "The file was not imported: 1 problem was found and is listed; no data was saved." in (
        body
    )
    for chinese in ["文件未导入", "不能为负数", "没有保存任何数据"]:
        assert chinese not in body, chinese
    with translation.override("en"):
        assert str(problem).startswith(f"Sheet “{excel_template.SHEET}”, row ")
        assert f"[{imports.VALUE_COLUMN}]: 鼓山镇: " in str(problem)


def test_a_successful_upload_is_confirmed_in_english(client, people, period):
    client.force_login(people["town"])
    choose_english(client)
    data = download(client, period).content
    for element, value in TOWN_FIGURES.items():
        data = with_value(data, element, value)
    response = upload(client, period, data)
    assert response.status_code == 303, text_of(response)[:2000]
    body = text_of(client.get(response.url))
    assert f"Import successful (rows: {len(TOWN_FIGURES)}, submissions: 1" in body
    assert "导入成功" not in body


def test_the_templates_instructions_follow_the_language_and_its_headings_do_not(
    client, people, period
):
    client.force_login(people["town"])
    chinese = openpyxl.load_workbook(io.BytesIO(download(client, period).content))
    choose_english(client)
    response = download(client, period)
    english = openpyxl.load_workbook(io.BytesIO(response.content))
    # The data sheet is the file format: the same sheet and headings in every language.
    assert (
        english.sheetnames
        == chinese.sheetnames
        == [excel_template.SHEET, excel_template.HELP_SHEET]
    )
    headings = [cell.value for cell in english[excel_template.SHEET][1]]
    assert (
        headings
        == [cell.value for cell in chinese[excel_template.SHEET][1]]
        == list(excel_template.COLUMNS)
    )
    guide = [
        row[0] for row in english[excel_template.HELP_SHEET].iter_rows(values_only=True) if row[0]
    ]
    assert guide[0] == "鼓山镇 Q1 2090 quality indicator reporting template · Instructions"
    assert guide[1].startswith("Reporting period: Q1 2090, reporting window ")
    assert guide[2].startswith(
        f"1. Fill in only the “{imports.VALUE_COLUMN}” (this quarter's value) and "
        f"“{imports.COMMENT_COLUMN}” (notes) columns"
    )
    assert "Data elements and units" in guide and "Data element code" in guide
    prose = [line for line in guide if line[:2] in {f"{n}." for n in range(1, 10)}]
    assert len(prose) == 9
    for line in prose:
        # Only the names quoted from the file itself remain Chinese.
        cleaned = line.replace(imports.VALUE_COLUMN, "").replace(imports.COMMENT_COLUMN, "")
        assert not CJK.search(cleaned.replace(excel_template.SHEET, "")), line
    chinese_guide = [
        row[0] for row in chinese[excel_template.HELP_SHEET].iter_rows(values_only=True)
    ]
    assert chinese_guide[0] == "鼓山镇2090年第1季度质量指标填报模板 · 填报说明"
    filename = quote("鼓山镇_2090_Q1_reporting_template.xlsx", safe="")
    assert f"filename*=UTF-8''{filename}" in response["Content-Disposition"]


# --- The API ------------------------------------------------------------------------------------


def api_client(user, english: bool) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    if english:
        choose_english(client)
    return client


@pytest.mark.parametrize(
    ("english", "expected"),
    [(False, "用户名或密码不正确。"), (True, "Incorrect username or password.")],
)
def test_a_wrong_password_gets_a_token_refusal_in_the_users_language(make_user, english, expected):
    make_user(role=Role.REGION_OFFICIAL, region=GUSHAN, username="gushan")
    response = api_client(None, english).post(
        f"{API}/auth/token/", {"username": "gushan", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": expected, "code": "invalid_credentials"}


def test_api_refusals_are_english_for_an_english_user(people, period):
    client = api_client(people["town"], english=True)
    malformed = client.post(f"{API}/submissions/open/", {"region_code": GUSHAN}, format="json")
    assert malformed.status_code == 400
    assert malformed.json()["detail"] == (
        "The request is invalid; please correct it as described in errors."
    )
    opened = client.post(
        f"{API}/submissions/open/",
        {"region_code": GUSHAN, "year": 2090, "quarter": 1},
        format="json",
    )
    sid = opened.json()["id"]
    bad = client.put(
        f"{API}/submissions/{sid}/figures/",
        {"version": 1, "figures": {"ent_sampled": "-3", "works_completed": "2"}},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["detail"] == (
        "Invalid data, nothing was saved: the request contains data elements that are not on "
        "this region's reporting form."
    )
    assert bad.json()["issues"][0]["message"] == (
        "“works_completed” is not a data element that 鼓山镇 reports"
    )
    negative = client.put(
        f"{API}/submissions/{sid}/figures/",
        {"version": 1, "figures": {"ent_sampled": "-3"}},
        format="json",
    )
    [issue] = negative.json()["issues"]
    assert issue["message"].endswith("cannot be negative (entered -3)")
    approve = api_client(people["district_office"], english=True).post(
        f"{API}/submissions/{sid}/approve/", {}, format="json"
    )
    assert approve.status_code == 409
    assert approve.json() == {
        "detail": "Only submitted data can be approved (current status: Draft).",
        "code": "invalid_state",
    }
    chinese = api_client(people["district_office"], english=False).post(
        f"{API}/submissions/{sid}/approve/", {}, format="json"
    )
    assert chinese.json()["detail"] == "只能审核已提交的数据（当前状态：草稿）。"


def test_an_api_import_lists_its_problems_in_english(people, period):
    client = api_client(people["district"], english=True)
    rows = [
        {"region_code": GUSHAN, "element_code": "nat_sampled", "value": "40"},
        {"region_code": GUSHAN, "element_code": "nat_sampled", "value": "41"},
        {"region_code": "999999", "element_code": "nat_sampled", "value": "1"},
    ]
    response = client.post(f"{API}/import/2090/1/", rows, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == (
        "The file was not imported: 2 problems were found and are all listed; no data was saved."
    )
    messages = {p["row"]: p["message"] for p in body["problems"]}
    assert messages == {
        2: "Duplicate of row 1 (same region, same data element)",
        3: "Region code “999999” does not exist",
    }


def test_the_api_schema_is_documented_in_the_users_language(client, make_user):
    client.force_login(make_user(role=Role.OFFICE, region=JINAN, username="schema-reader"))
    chinese = client.get("/api/schema/", {"format": "json"}).json()
    choose_english(client)
    english = client.get("/api/schema/", {"format": "json"}).json()
    path = "/api/v1/import/{year}/{quarter}/"
    assert chinese["paths"][path]["post"]["summary"] == (
        "批量导入数值（全部成功或全部不导入，并列出所有问题）"
    )
    assert english["paths"][path]["post"]["summary"] == (
        "Bulk import of figures (all or nothing, listing every problem)"
    )
    summaries = [
        operation["summary"]
        for item in english["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "summary" in operation
    ]
    assert summaries and not [s for s in summaries if CJK.search(s)]


# --- Policy documents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "english", "chinese"),
    [
        ("plan.xls", b"whatever", "Only .txt, .docx and .pdf files are supported.", "只支持"),
        (
            "plan.docx",
            b"PK not a zip",
            "The file is not a valid Word document (.docx).",
            "不是 Word 文档",
        ),
        ("plan.pdf", b"not a pdf", "The file is not a valid PDF file.", "不是有效的 PDF"),
    ],
)
def test_a_bad_policy_upload_is_refused_in_english(
    client, make_user, name, content, english, chinese
):
    client.force_login(make_user(role=Role.OFFICE, region=JINAN, username="jinan-office"))
    choose_english(client)
    response = client.post(
        reverse("targets:draft_new"),
        {"region": region(JINAN).pk, "upload": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    body = text_of(response)
    assert english in body and chinese not in body
    assert not DocumentDraft.objects.exists()
