"""The quarter's Excel template: one data sheet ("填报数据") with a row per (region, data element)
the user enters for, pre-filled with the stored figures, last quarter's and last year's
figures and the submission's version; only the value and comment columns are unlocked. A
second sheet explains the rules. The sheet and column names are the file format the upload
reads."""

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from assessments.models import DataElement, Period, Submission, Value
from assessments.reporting import selectors
from assessments.reporting.excel_limits import limit
from assessments.reporting.imports import (
    COMMENT_COLUMN,
    ELEMENT_COLUMN,
    REGION_COLUMN,
    VALUE_COLUMN,
    VERSION_COLUMN,
)
from portal.models import Region
from portal.scoping import can_enter_for, entry_region
from portal.spreadsheets import safe_cell, string_cell

logger = logging.getLogger(__name__)


# Sheet names and column headers are the file format (an upload is read by them), so they stay
# as they are in every language; the text around them follows the user's language.
SHEET = "填报数据"
HELP_SHEET = "填报说明"
REGION_NAME_COLUMN = "区划名称"
ELEMENT_NAME_COLUMN = "数据项名称"
UNIT_COLUMN = "单位"
PREVIOUS_COLUMN = "上季度值"
LAST_YEAR_COLUMN = "上年同期值"
COLUMNS = (
    REGION_COLUMN,
    REGION_NAME_COLUMN,
    ELEMENT_COLUMN,
    ELEMENT_NAME_COLUMN,
    UNIT_COLUMN,
    PREVIOUS_COLUMN,
    LAST_YEAR_COLUMN,
    VALUE_COLUMN,
    COMMENT_COLUMN,
    VERSION_COLUMN,
)
EDITABLE_COLUMNS = (VALUE_COLUMN, COMMENT_COLUMN)
REQUIRED_COLUMNS = (REGION_COLUMN, ELEMENT_COLUMN, VALUE_COLUMN)
WIDTHS = {
    REGION_COLUMN: 14,
    REGION_NAME_COLUMN: 16,
    ELEMENT_COLUMN: 24,
    ELEMENT_NAME_COLUMN: 40,
    UNIT_COLUMN: 7,
    PREVIOUS_COLUMN: 11,
    LAST_YEAR_COLUMN: 11,
    VALUE_COLUMN: 13,
    COMMENT_COLUMN: 40,
    VERSION_COLUMN: 7,
}


@dataclass
class TemplateRow:
    region_code: str
    region_name: str
    element_code: str
    element_name: str
    unit: str
    previous: Decimal | None = None
    last_year: Decimal | None = None
    value: Decimal | None = None
    comment: str = ""
    version: int | None = None


def entry_anchor(user) -> Region | None:
    """The region whose subtree a user enters figures for (their own), or None."""
    return entry_region(user)


def enterable_regions(user) -> list[Region]:
    """The regions the user enters figures for, in path order: their own region when it enters
    elements itself, and every region below it that does."""
    anchor = entry_anchor(user)
    if anchor is None:
        return []
    regions = list(selectors.expected_regions(anchor))
    if selectors.elements_for_region(anchor):
        regions.append(anchor)
    return sorted((r for r in regions if can_enter_for(user, r)), key=lambda r: r.path)


def template_rows(*, period: Period, regions: Sequence[Region]) -> list[TemplateRow]:
    """One row per (region, data element), with the stored and comparison figures."""
    submissions = {
        s.region_id: s for s in Submission.objects.filter(period=period, region__in=regions)
    }
    stored: dict[tuple[int, int], Value] = {
        (v.submission_id, v.element_id): v
        for v in Value.objects.filter(submission__in=list(submissions.values()))
    }
    rows = []
    for region in regions:
        elements = selectors.elements_for_region(region)
        if not elements:
            continue
        submission = submissions.get(region.pk)
        previous, last_year = selectors.comparison_values(region, period)
        for element in elements:
            value = stored.get((submission.pk, element.pk)) if submission else None
            rows.append(
                TemplateRow(
                    region_code=region.code,
                    region_name=region.name,
                    element_code=element.code,
                    element_name=element.name,
                    unit=element.unit,
                    previous=previous.get(element.code),
                    last_year=last_year.get(element.code),
                    value=value.value if value else None,
                    comment=value.comment if value else "",
                    # 0: nothing had been entered when the template was made (see import_rows).
                    version=submission.version if submission else 0,
                )
            )
    return rows


def _number(value: Decimal | None):
    """A figure as a spreadsheet number: whole numbers as int, others as float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
_EDITABLE_FILL = PatternFill("solid", fgColor="FFF8E1")
_UNLOCKED = Protection(locked=False)


def _protect(ws) -> None:
    """Lock the sheet without a password; users may still resize rows and columns."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


_VALUE_TYPE_HINTS = {
    "count": gettext_lazy("非负整数"),
    "amount": gettext_lazy("非负数"),
    "percent": gettext_lazy("0–100 之间的数"),
}


def _help_lines(period: Period, region: Region | None, limit_mb: int) -> list[str]:
    period_name = selectors.period_name(period)
    # The names of the file's own columns and sheet stay as they are headed in the file.
    names = {"value": VALUE_COLUMN, "comment": COMMENT_COLUMN, "sheet": SHEET}
    return [
        (
            _("%(region)s%(period)s质量指标填报模板 · 填报说明")
            % {"region": region.name if region else "", "period": period_name}
        ).strip(),
        _("填报期：%(period)s，填报时间 %(opens)s 至 %(closes)s（逾期需领导小组办公室延期开放）。")
        % {
            "period": period_name,
            "opens": selectors.long_date(period.opens_on),
            "closes": selectors.long_date(period.closes_on),
        },
        "",
        _(
            "1. 只在“%(value)s”和“%(comment)s”两列（浅黄色）填写；其他列已锁定。"
            "请勿修改区划代码、数据项代码和版本号，不要增删、重排列，"
            "也不要修改工作表名称“%(sheet)s”。"
        )
        % names,
        _(
            "2. 按单位填写原始数字，不要填写比率：合格率等由系统按“合格批次 ÷ 抽查批次”汇总后计算。"
            "计数（批、家、项、个、人）必须是非负整数；调查得分是 0–100 之间的数；可以带单位或 %，"
            "如“12批”“86.5%”。"
        ),
        _(
            "3. 硬性规则（违反任何一条，整个文件都不导入）：数值不能为负、计数必须为整数、"
            "得分在 0–100 之间，以及下方列出的校验规则（如合格批次不能大于抽查批次）。"
        ),
        _(
            "4. 整体导入：上传时所有行一起校验；只要有一处错误，就一行也不保存，"
            "页面会列出每处错误所在的工作表、行号和列。改正后重新上传整个文件即可。"
        ),
        _(
            "5. 留空表示该项不作修改（已有的数据保持不变）；"
            "要删除某项已有的数据，请在数值列填写“清空”。"
        ),
        _(
            "6. 与本地区以往季度相差很大的数值会给出提示：不妨碍保存草稿，"
            "但提交审核前须在“%(comment)s”列写明原因。"
        )
        % names,
        _(
            "7. 版本：模板记录了下载时数据的版本。下载后如有人在系统中修改过数据，"
            "上传会被拒绝（保存冲突），请重新下载模板后再填。"
        ),
        _(
            "8. 上传成功后数据保存为草稿，仍需在系统中核对并提交审核；"
            "已提交或已审核锁定的数据不能通过上传修改。"
        ),
        _("9. 只接受 .xlsx 格式，文件不超过 %(limit)d MB。") % {"limit": limit_mb},
    ]


def write_workbook(
    rows: Iterable[TemplateRow],
    *,
    period: Period,
    region: Region | None = None,
    rules: Sequence[str] = (),
    hints: dict[str, str] | None = None,
) -> bytes:
    """The template as .xlsx bytes, streamed with openpyxl's write-only mode (memory stays flat
    however many rows there are)."""
    hints = hints or {}
    wb = Workbook(write_only=True)
    wb.properties.title = safe_cell(
        (
            _("%(region)s%(period)s填报模板")
            % {"region": region.name if region else "", "period": selectors.period_name(period)}
        ).strip()
    )
    wb.properties.creator = _("质量强区目标管理平台")

    ws = wb.create_sheet(SHEET)
    ws.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS[name]
    _protect(ws)
    ws.append([string_cell(ws, name, font=_HEADER_FONT, fill=_HEADER_FILL) for name in COLUMNS])
    units: dict[str, tuple[str, str]] = {}
    for row in rows:
        units.setdefault(row.element_code, (row.element_name, row.unit))
        ws.append(
            [
                string_cell(ws, row.region_code),
                string_cell(ws, row.region_name),
                string_cell(ws, row.element_code),
                string_cell(ws, row.element_name),
                string_cell(ws, row.unit),
                _number(row.previous),
                _number(row.last_year),
                _editable(ws, _number(row.value)),
                _editable(ws, row.comment or None),
                row.version,
            ]
        )

    guide = wb.create_sheet(HELP_SHEET)
    for letter, width in zip("ABCD", (26, 44, 8, 40), strict=True):
        guide.column_dimensions[letter].width = width
    _protect(guide)
    for line in _help_lines(period, region, limit("MAX_UPLOAD_BYTES") // (1024 * 1024)):
        guide.append([string_cell(guide, line or None)])
    guide.append([])
    guide.append([string_cell(guide, _("数据项与单位"), font=_HEADER_FONT)])
    guide.append(
        [
            string_cell(guide, name, font=_HEADER_FONT, fill=_HEADER_FILL)
            for name in (_("数据项代码"), _("数据项名称"), _("单位"), _("填报要求"))
        ]
    )
    for code, (name, unit) in units.items():
        guide.append([string_cell(guide, text) for text in (code, name, unit, hints.get(code))])
    if rules:
        guide.append([])
        guide.append(
            [string_cell(guide, _("校验规则（硬性，违反则整个文件不导入）"), font=_HEADER_FONT)]
        )
        for rule in rules:
            guide.append([string_cell(guide, f"· {rule}")])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _editable(ws, value) -> WriteOnlyCell:
    """An unlocked, highlighted cell: the only ones an official types into."""
    return string_cell(ws, value, protection=_UNLOCKED, fill=_EDITABLE_FILL)


def build_template(*, user, period: Period, regions: Sequence[Region] | None = None) -> bytes:
    """The quarter's template for the regions the user enters for."""
    regions = enterable_regions(user) if regions is None else list(regions)
    rows = template_rows(period=period, regions=regions)
    return render_template(rows, period=period, region=entry_anchor(user))


def render_template(rows: Sequence[TemplateRow], *, period: Period, region: Region | None) -> bytes:
    """Write the rows as the template workbook, with the rules and hints of their elements."""
    codes = {row.element_code for row in rows}
    elements = list(DataElement.objects.filter(code__in=codes).order_by("order", "code"))
    rules = [
        spec.message or f"{spec.left} ≤ {spec.right}" for spec in selectors.rule_specs(elements)
    ]
    hints = {
        e.code: _("；").join(
            part for part in (str(_VALUE_TYPE_HINTS.get(e.value_type, "")), e.help_text) if part
        )
        for e in elements
    }
    return write_workbook(rows, period=period, region=region, rules=rules, hints=hints)


def template_filename(region: Region | None, period: Period) -> str:
    name = region.name if region else _("填报")
    name = "".join(ch for ch in name if ch not in '\\/:*?"<>|\r\n')
    return _("%(name)s_%(year)d年第%(quarter)d季度_填报模板.xlsx") % {
        "name": name,
        "year": period.year,
        "quarter": period.quarter,
    }
