"""The quarter's Excel template and its upload: build, check, parse and import.

Download: one data sheet ("填报数据") with a row per (region, data element) the user enters for,
pre-filled with the stored figures, last quarter's and last year's figures and the submission's
version; only the value and comment columns are unlocked. A second sheet explains the rules.

Upload: refused before parsing when it is too large, not a zip-based .xlsx, or a zip bomb; then
read with pandas (openpyxl, read-only), turned into ``imports.ImportRow`` and handed to
``imports.import_rows``, which saves all rows or none.

Every string written to a cell goes through ``safe_cell`` so that a spreadsheet never evaluates
text that came from a user (a region name, a comment) as a formula.
"""

import io
import logging
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from assessments.models import DataElement, Period, Submission, Value
from assessments.reporting import imports, selectors
from assessments.reporting.errors import ReportingError
from assessments.reporting.imports import (
    COMMENT_COLUMN,
    ELEMENT_COLUMN,
    REGION_COLUMN,
    VALUE_COLUMN,
    VERSION_COLUMN,
    ImportProblem,
    ImportRejected,
    ImportResult,
    ImportRow,
)
from portal.models import Region, Role
from portal.scoping import can_enter_for, is_unrestricted

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
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Upload limits; each one can be overridden in settings under the name in brackets.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # [EXCEL_MAX_UPLOAD_BYTES] the file as uploaded
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # [EXCEL_MAX_UNCOMPRESSED_BYTES] all members unpacked
MAX_COMPRESSION_RATIO = 100  # [EXCEL_MAX_COMPRESSION_RATIO] of any member worth checking
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # [EXCEL_RATIO_CHECK_FROM_BYTES] smaller members can't bomb
MAX_ZIP_MEMBERS = 500  # [EXCEL_MAX_ZIP_MEMBERS] a template has about a dozen

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"


def limit(name: str) -> int:
    """An upload limit: ``settings.EXCEL_<NAME>`` when set, otherwise the default above."""
    return int(getattr(settings, f"EXCEL_{name}", globals()[name]))


# --- Formula escaping --------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r", "\n")


def _needs_escape(text: str) -> bool:
    return text.startswith(_CONTROL_STARTS) or text.lstrip().startswith(_FORMULA_STARTS)


def safe_cell(value):
    """A value that is safe to write into a spreadsheet cell: text that a spreadsheet could take
    for a formula (starting with = + - @, also after leading spaces, or with a tab, CR or LF) gets
    a leading single quote, so it is stored and shown as text and never evaluated. Characters a
    worksheet cannot hold are dropped. Anything that is not text (numbers, dates, None) is
    returned untouched; lazy translations become text."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if _needs_escape(text) else text


def unescape_cell(text: str) -> str:
    """The text ``safe_cell`` was given, for text read back from a template it produced."""
    if text.startswith("'") and _needs_escape(text[1:]):
        return text[1:]
    return text


def string_cell(ws, value, **style) -> WriteOnlyCell:
    """A write-only cell holding ``value`` (escaped), always typed as text when it is text."""
    cell = WriteOnlyCell(ws, value=safe_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # "#N/A" would otherwise become an error cell
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


# --- Download ----------------------------------------------------------------------------------


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
    if not (user and user.is_authenticated and user.is_active and user.region_id):
        return None
    if user.role == Role.REGION_OFFICIAL or is_unrestricted(user):
        return user.region
    return None


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
        _("5. 留空表示该项暂不填报；某项已有数据时，清空后上传会删除该数据。"),
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


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment header whose Chinese name survives every browser (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# --- Upload ------------------------------------------------------------------------------------


class WorkbookRefused(ReportingError):
    """A file refused as a whole (too large, not .xlsx, a zip bomb, no data sheet...)."""


def inspect_archive(data: bytes) -> None:
    """Refuse, before anything parses it, a file that is too large, not a zip-based .xlsx, or
    a zip bomb. Python's zipfile stops decompressing a member at the size the central
    directory declares (and fails its CRC check), so the declared sizes checked here bound
    what openpyxl will unpack later."""
    size_limit = limit("MAX_UPLOAD_BYTES")
    if len(data) > size_limit:
        raise WorkbookRefused(
            _(
                "文件过大（%(size).1f MB），上限为 %(limit)s MB："
                "请只保留“%(sheet)s”和“%(help)s”两个工作表后再上传。"
            )
            % {
                "size": len(data) / 1024 / 1024,
                "limit": f"{size_limit / 1024 / 1024:g}",
                "sheet": SHEET,
                "help": HELP_SHEET,
            }
        )
    if data.startswith(_OLE2_MAGIC):
        raise WorkbookRefused(
            _(
                "这是旧版 Excel（.xls）文件或设置了打开密码的文件：请在 Excel 中取消密码并“另存为”"
                " Excel 工作簿（.xlsx）后再上传。"
            )
        )
    not_xlsx = WorkbookRefused(
        _("文件不是 Excel 工作簿（.xlsx）：请上传从本系统下载并填好的填报模板。")
    )
    if not data.startswith(_ZIP_MAGIC):
        raise not_xlsx
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise WorkbookRefused(_("文件已损坏，无法作为 .xlsx 工作簿打开。")) from None
    if len(members) > limit("MAX_ZIP_MEMBERS"):
        raise WorkbookRefused(_("文件结构异常（包含的部件过多），不是正常的填报模板，已拒绝。"))
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise not_xlsx
    bomb = WorkbookRefused(_("文件结构异常（解压后体积异常庞大），疑似压缩炸弹，已拒绝。"))
    total = 0
    ratio = limit("MAX_COMPRESSION_RATIO")
    check_from = limit("RATIO_CHECK_FROM_BYTES")
    for member in members:
        if member.flag_bits & 0x1:
            raise WorkbookRefused(_("文件中有加密的部件，无法读取：请取消加密后另存为 .xlsx。"))
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise not_xlsx
        total += member.file_size
        if member.file_size >= check_from and member.file_size > ratio * max(
            member.compress_size, 1
        ):
            raise bomb
    if total > limit("MAX_UNCOMPRESSED_BYTES"):
        raise bomb


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _code(value) -> str:
    """A code as text: numbers read from the sheet lose neither leading zeros nor gain ".0"."""
    if _is_blank(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return unescape_cell(str(value).strip()).strip()


def _text(value) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_cell(str(value).strip())


def _version(value) -> int | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        number = int(str(value).strip())
    if number < 0:
        raise ValueError(value)
    return number


def read_rows(data: bytes) -> tuple[list[ImportRow], list[ImportProblem]]:
    """The data sheet's rows as ImportRows (Excel row numbers: the header is row 1), and the
    problems of rows that cannot become one. Blank rows are skipped, and so are rows without a
    figure or comment for a region that had no data when the template was downloaded (blank
    version): uploading the untouched template creates no empty drafts."""
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            sheet = next((n for n in book.sheet_names if str(n).strip() == SHEET), None)
            if sheet is None:
                found = _("、").join(f"“{n}”" for n in book.sheet_names) or _("无")
                raise WorkbookRefused(
                    _(
                        "文件中没有名为“%(sheet)s”的工作表（文件中的工作表：%(found)s）。"
                        "请使用本系统下载的填报模板，不要修改工作表名称。"
                    )
                    % {"sheet": SHEET, "found": found}
                )
            frame = pd.read_excel(book, sheet_name=sheet, dtype=object)
    except WorkbookRefused:
        raise
    except Exception as error:  # anything a damaged or hostile file makes the readers raise
        logger.info("Excel upload could not be read: %r", error)
        raise WorkbookRefused(_("文件已损坏或不是有效的 .xlsx 工作簿，无法读取。")) from None

    columns: dict[str, object] = {}
    for column in frame.columns:
        columns.setdefault(str(column).strip(), column)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise WorkbookRefused(
            _(
                "工作表“%(sheet)s”缺少必需的列：%(columns)s。"
                "请使用本系统下载的填报模板，不要修改第 1 行的列名。"
            )
            % {"sheet": sheet, "columns": _("、").join(missing)}
        )

    def column(name: str) -> list:
        return frame[columns[name]].tolist() if name in columns else [None] * len(frame)

    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    for index, region, element, value, comment, version in zip(
        range(len(frame)),
        column(REGION_COLUMN),
        column(ELEMENT_COLUMN),
        column(VALUE_COLUMN),
        column(COMMENT_COLUMN),
        column(VERSION_COLUMN),
        strict=True,
    ):
        number = index + 2
        region_code, element_code, comment = _code(region), _code(element), _text(comment)
        value = None if _is_blank(value) else value
        if not (region_code or element_code or comment) and value is None:
            continue
        try:
            version = _version(version)
        except (TypeError, ValueError):
            problems.append(ImportProblem(sheet, number, VERSION_COLUMN,
                _("版本“%(version)s”无效：请保留模板中的版本号，不要修改")
                % {"version": version}))  # fmt: skip
            continue
        if not region_code:
            problems.append(ImportProblem(sheet, number, REGION_COLUMN, _("未填写区划代码")))
            continue
        if not element_code:
            problems.append(ImportProblem(sheet, number, ELEMENT_COLUMN, _("未填写数据项代码")))
            continue
        if value is None and not comment and not version:
            continue
        rows.append(
            ImportRow(
                sheet=sheet,
                row=number,
                region_code=region_code,
                element_code=element_code,
                value=value,
                comment=comment,
                version=version,
            )
        )
    return rows, problems


def outside_scope(user, rows: list[ImportRow]) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Split off rows of regions the user may not enter for. A code that does not exist and a
    code outside the user's scope get the same answer, so the file confirms nothing."""
    codes = {row.region_code for row in rows}
    allowed = {
        region.code
        for region in Region.objects.filter(code__in=codes)
        if can_enter_for(user, region)
    }
    inside, problems = [], []
    for row in rows:
        if row.region_code in allowed:
            inside.append(row)
        else:
            problems.append(ImportProblem(row.sheet, row.row, REGION_COLUMN,
                _("区划代码“%(code)s”不存在或不在您的填报范围内（无权填报）")
                % {"code": row.region_code}))  # fmt: skip
    return inside, problems


class _DryRun(Exception):
    pass


_COLUMN_ORDER = {name: index for index, name in enumerate(COLUMNS)}


def _sorted(problems: list[ImportProblem]) -> list[ImportProblem]:
    return sorted(problems, key=lambda p: (p.sheet, p.row, _COLUMN_ORDER.get(p.column, 99)))


def import_workbook(*, user, period: Period, data: bytes) -> ImportResult:
    """Check, read and import an uploaded template: every row is saved, or none and
    ``ImportRejected`` lists every problem; ``WorkbookRefused`` refuses the file as a whole."""
    inspect_archive(data)
    rows, problems = read_rows(data)
    if not rows and not problems:
        raise WorkbookRefused(
            _("工作表“%(sheet)s”中没有可导入的数据：请在“%(column)s”列填写数值后再上传。")
            % {"sheet": SHEET, "column": VALUE_COLUMN}
        )
    rows, outside = outside_scope(user, rows)
    problems += outside
    if not problems:
        result = imports.import_rows(user=user, period=period, rows=rows, source="excel")
        logger.info(
            "Excel import by %s for %s: %d rows, %d submissions, %d changed",
            user.pk,
            period.label,
            result.rows,
            result.submissions,
            result.changed,
        )
        return result
    if rows:
        # Already refused; validate the remaining rows too, so that every problem is listed at
        # once, and roll back whatever that wrote.
        try:
            with transaction.atomic():
                imports.import_rows(user=user, period=period, rows=rows, source="excel")
                raise _DryRun
        except _DryRun:
            pass
        except ImportRejected as rejected:
            problems += rejected.problems
        except ReportingError as error:
            problems.append(ImportProblem(SHEET, 0, "", str(error)))
    raise ImportRejected(_sorted(problems))
