"""The upload of a filled template: refused before parsing when it is too large, not a zip-based
.xlsx, or a zip bomb; then read with pandas (openpyxl, read-only), turned into
``imports.ImportRow`` and handed to ``imports.import_rows``, which saves all rows or none."""

import io
import logging
import math
from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Period
from assessments.reporting import imports
from assessments.reporting.errors import ReportingError
from assessments.reporting.excel_limits import limit
from assessments.reporting.excel_template import COLUMNS, HELP_SHEET, REQUIRED_COLUMNS, SHEET
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
from portal import uploads
from portal.models import Region
from portal.scoping import can_enter_for
from portal.spreadsheets import unescape_cell

logger = logging.getLogger(__name__)


class WorkbookRefused(ReportingError):
    """A file refused as a whole (too large, not .xlsx, a zip bomb, no data sheet...)."""


def inspect_archive(data: bytes) -> None:
    """Refuse, before anything parses it, a file that is too large (with what to do about it)
    or that the portal's one upload inspection refuses (not an .xlsx, a zip bomb, encrypted)."""
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
    try:
        uploads.check_office(data, uploads.xlsx(), workbook_limits())
    except uploads.UploadRejected as refused:
        raise WorkbookRefused(str(refused)) from None


def workbook_limits() -> uploads.ZipLimits:
    return uploads.ZipLimits(
        max_uncompressed=limit("MAX_UNCOMPRESSED_BYTES"),
        max_ratio=limit("MAX_COMPRESSION_RATIO"),
        max_members=limit("MAX_ZIP_MEMBERS"),
        ratio_from=limit("RATIO_CHECK_FROM_BYTES"),
    )


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
            # Text such as "nan", "NA" or "#N/A" stays text (and is refused as not a number):
            # pandas would read it as an empty cell.
            frame = pd.read_excel(
                book,
                sheet_name=sheet,
                dtype=object,
                keep_default_na=False,
                nrows=limit("MAX_ROWS") + 1,  # no more is ever read
            )
            if len(frame) > limit("MAX_ROWS"):
                raise WorkbookRefused(
                    _("工作表“%(sheet)s”超过 %(max)d 行，超出一次上传的上限：请分成几个文件上传。")
                    % {"sheet": sheet, "max": limit("MAX_ROWS")}
                )
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
