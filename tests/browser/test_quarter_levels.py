"""A real quarter at every level, in the browser, on the demo's data: each dashboard shows its own
region (province, city, district, town), trends mark partial quarters, numbers read the same
everywhere, tables use the page's width, and the district's unchanged template goes back in.
Screenshots: 11-dashboard-{province,city,district,town}.png and friends."""

import io

import openpyxl
import pytest

from assessments.models import Period

from .conftest import GUSHAN, JINAN, expect, log_in

pytestmark = pytest.mark.browser

LEVELS = {"province": "350000", "city": "350100", "district": JINAN, "town": GUSHAN}


def test_every_level_shows_its_own_region(page, shoot, demo_quarter):
    log_in(page, "fj-office")
    for level, code in LEVELS.items():
        page.goto(f"/dashboard/{code}/")
        expect(page.locator("main h1")).to_be_visible()
        if level in {"province", "city"}:
            name = "福建省" if level == "province" else "福州市"
            expect(page.locator("#targets")).to_contain_text(f"没有适用于{name}本级的量化目标")
            expect(page.locator("table.below tbody tr")).to_have_count(11)
            expect(page.locator("table.below tbody tr").first).to_contain_text("晋安区")
        elif level == "district":
            expect(page.locator("#targets table.grid tbody tr")).to_have_count(11)
        else:
            # The town's own figures for the targets that hold in every town, its result and its
            # own quarter; no empty ranking of regions it does not have.
            expect(page.locator("#targets table.grid tbody tr")).to_have_count(5)
            expect(page.locator(".tiles")).to_contain_text("在晋安区考核的 9 个区划中排第")
            expect(page.locator(".tiles")).not_to_contain_text("0 / 0")
            expect(page.locator("#ranking")).to_have_count(0)
        shoot(f"11-dashboard-{level}")


def test_partial_quarters_are_marked_and_axes_are_clean(page, shoot, demo_quarter):
    log_in(page, "fz-office")
    page.goto("/dashboard/350100/")
    expect(page.locator("#trends figure.chart").first).to_be_visible()
    # The demo's latest quarter is not approved everywhere: those charts say so in words.
    expect(page.locator("#trends").get_by_text("部分区划尚未审核").first).to_be_visible()
    page.locator("#trends details.data").first.locator("summary").click()
    label = page.locator("#trends details.data table th.label").first
    box = label.bounding_box()
    assert box and box["height"] < 40, box  # the row label stays on one line
    shoot("11-trends-partial-quarter")


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
def test_tables_use_the_pages_width_and_sorting_says_its_direction(
    page, shoot, demo_quarter, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "fz-office")
    page.goto("/dashboard/350100/")
    first_region = page.locator("#ranking table.grid tbody td.region").first
    box = first_region.bounding_box()
    assert box and box["height"] < 40, box  # 马尾区, not 马/尾/区
    labels = page.locator("select[name=sort] option").all_inner_texts()
    assert len(labels) == len(set(labels)), labels
    assert any("从大到小" in label for label in labels)
    nav = page.locator("header nav").bounding_box()
    assert nav and nav["height"] < 120, nav
    shoot(f"11-dashboard-city-{width}x{height}")


def test_the_districts_unchanged_template_goes_back_in(page, shoot, demo_quarter):
    log_in(page, "jinan-official")
    period = Period.objects.filter(submissions__isnull=False).order_by("year", "quarter").first()
    page.goto(f"/reporting/excel/upload/{period.year}/{period.quarter}/")
    with page.expect_download() as download:
        page.locator(f"a[href='/reporting/excel/template/{period.year}/{period.quarter}/']").click()
    data = open(download.value.path(), "rb").read()
    rows = openpyxl.load_workbook(io.BytesIO(data))["填报数据"].max_row - 1
    page.goto(f"/reporting/excel/upload/{period.year}/{period.quarter}/")
    page.set_input_files("input[type=file]", {
        "name": "模板.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": data,
    })  # fmt: skip
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("ul.messages")).to_contain_text(f"共 {rows} 行，均与系统中一致")
    shoot("11-excel-unchanged-template-accepted")


def test_in_english_the_menu_stays_on_one_row_and_words_keep_their_spaces(
    page, shoot, demo_quarter
):
    log_in(page, "fz-office")
    page.goto("/dashboard/350100/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.goto("/dashboard/350100/")
    nav = page.locator("header nav").bounding_box()
    assert nav and nav["height"] < 40, nav  # one row, not five
    expect(page.locator("main h1")).to_contain_text("Year ")
    expect(page.locator(".tiles")).to_contain_text(" reporting")
    expect(page.locator("select[name=language] option[selected]")).to_have_text("English")
    shoot("11-dashboard-city-english")


def test_one_projection_and_whole_counts_on_the_page(page, shoot, demo_quarter):
    import re

    log_in(page, "jinan-office")
    page.goto(f"/dashboard/{JINAN}/")
    text = page.locator("main").inner_text()
    assert not re.search(r"\d+\.\d+\s*(项|家|个|件)", text), re.findall(
        r"\d+\.\d+\s*(?:项|家|个|件)", text
    )
    # T06 (福建名牌产品, a stock): the table's projection is the warning's, to the same figure.
    row = page.locator("#targets table.grid tbody tr", has=page.get_by_text("福建名牌产品")).first
    projected = row.locator("td").nth(5).inner_text().split("\n")[0].strip()
    warning = page.locator("#warnings tr", has=page.get_by_text("T06")).first.inner_text()
    assert projected and projected in warning, (projected, warning)
    shoot("11-one-projection")


def test_a_new_document_is_linked_to_its_indicator_and_departments(page, shoot, demo_quarter):
    log_in(page, "jinan-office")
    page.goto("/documents/new/")
    expect(page.locator("select[name=region] option[selected]")).to_have_text("晋安区")
    page.locator("textarea[name=text]").fill(
        "晋安区质量提升行动方案\n晋安区人民政府\n2026年3月1日\n"
        "一、工作目标\n到2027年，全区省级监督抽查合格率达到96%以上。\n"
        "二、主要任务\n（一）加强质量监管，开展产品质量监督抽查。"
        "（牵头单位：市质监局直属二分局；配合单位：各乡镇街道）\n"
    )
    page.get_by_role("button", name="识别").click()
    expect(page.locator("main h1")).to_be_visible()
    page.locator("input[name='h-title']").fill("晋安区质量提升行动方案")
    page.get_by_role("button", name="采纳，生成文件、目标和任务").click()
    expect(page.locator("ul.messages")).to_contain_text("已采纳")
    from portal.models import Department

    # 各乡镇街道 names the towns that act, not a department: none was made of it.
    assert not Department.objects.filter(short_name__startswith="各").exists()
    shoot("11-new-document-accepted")
    page.get_by_role("link", name="关联指标和部门").first.click()
    expect(page.locator("main")).to_contain_text("省级监督抽查合格率")  # the proposal
    # The department leading the document's task is proposed as responsible.
    expect(page.get_by_label("市质监局直属二分局（晋安区）")).to_be_checked()
    shoot("11-link-indicator-proposed")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("ul.messages")).to_contain_text("已关联")
    shoot("11-new-document-linked")
