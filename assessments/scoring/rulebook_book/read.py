"""An uploaded table read back as a checked draft: every problem by sheet, row and column."""

import io
import json
import logging

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from assessments.models import (
    JUDGED_METHODS,
    Counts,
    Method,
    Rounding,
    Rulebook,
    Severity,
    Unreported,
    VetoRanking,
)
from assessments.reporting.errors import ReportingError
from assessments.reporting.excel_import import inspect_archive
from assessments.reporting.excel_limits import limit
from assessments.scoring.rulebook_book.cells import (
    Reader,
    blank,
    cell_of,
    choice_of,
    columns_of,
    decimal_of,
    fits,
    indicator_named,
    remembered,
    sheet_rows,
    target_named,
    text_of,
)
from assessments.scoring.rulebook_book.layout import (
    CODE,
    COLUMNS,
    COMPARATOR,
    COMPARATORS,
    COUNTS,
    DECIMALS_SETTING,
    EVIDENCE,
    FIELD_COLUMNS,
    GRADE,
    INDICATOR,
    KEY,
    LEAD,
    LEVELS,
    METHOD,
    MINIMUM,
    NAME_LIMIT,
    NAME_SETTING,
    PARAMS,
    POINTS,
    POINTS_NOTE,
    REQUIRED_COLUMNS,
    ROUNDING_SETTING,
    RULE_TEXT,
    RULEBOOK_NAME_LIMIT,
    SETTINGS,
    SETTINGS_SHEET,
    SEVERITY,
    SHEET,
    TARGET,
    TEXT_LIMITS,
    THRESHOLD,
    TOTAL_SETTING,
    UNREPORTED_SETTING,
    VALUE,
    VETO_DESCRIPTION,
    VETO_LIMIT,
    VETO_RANKING_SETTING,
    choice_hint,
    count_words,
    departments_named,
    method_words,
    number_text,
)
from assessments.scoring.rulebook_checks import ItemDraft, Problem, check_bands
from assessments.scoring.rulebooks import (
    Draft,
    ItemRow,
    RulebookRejected,
    SheetProblem,
    VetoDraft,
)
from portal.models import Region

logger = logging.getLogger(__name__)


def _read_items(rows: list[tuple[int, tuple]], reader: Reader, scope) -> list[ItemRow]:
    number, header = rows[0] if rows else (1, ())
    columns = columns_of(header)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        reader.say(SHEET, number, "",
                   _("工作表“%(sheet)s”缺少必需的列：%(columns)s。请使用本系统下载的评分细则表，"
                     "不要修改第 1 行的列名。")
                   % {"sheet": SHEET, "columns": _("、").join(missing)})  # fmt: skip
        return []
    methods, counts = method_words(), count_words()
    find_indicator, find_target = remembered(indicator_named), remembered(target_named)
    find_departments = remembered(lambda text: departments_named(text, scope))
    items: list[ItemRow] = []
    parents: list[str] = []  # the codes of the open item of each level above this row
    for number, cells in rows[1:]:

        def value(name: str, cells=cells):
            return cell_of(cells, columns, name)

        def say(column: str, message: str, number=number) -> None:
            reader.say(SHEET, number, column, message)

        code = text_of(value(CODE))
        for column, most in TEXT_LIMITS.items():
            if len(text_of(value(column))) > most:
                say(column, _("内容过长，最多 %(max)d 个字") % {"max": most})
        filled = [(depth, text_of(value(name))) for depth, name in enumerate(LEVELS)]
        filled = [(depth, text) for depth, text in filled if text]
        depth, name = filled[0] if filled else (0, "")
        if not filled:
            say(LEVELS[0], _("未填写考核内容：请在%(columns)s中的一列填写项目名称")
                % {"columns": _("、").join(LEVELS)})  # fmt: skip
        elif len(filled) > 1:
            say(LEVELS[filled[1][0]], _("每行只在%(columns)s中的一列填写项目名称（其层级）")
                % {"columns": _("、").join(LEVELS)})  # fmt: skip
        elif len(name) > NAME_LIMIT:
            say(LEVELS[depth], _("内容过长，最多 %(max)d 个字") % {"max": NAME_LIMIT})
        if depth > len(parents):
            say(LEVELS[depth], _("%(level)s须排在其上级项目（%(upper)s）之下")
                % {"level": LEVELS[depth], "upper": LEVELS[depth - 1]})  # fmt: skip
            depth = len(parents)
        parent = parents[depth - 1] if depth else None
        parents[depth:] = [code]

        points = None
        raw = value(POINTS)
        if blank(raw):
            say(POINTS, _("未填写分值"))
        else:
            try:
                points = decimal_of(raw)
            except ValueError:
                say(POINTS, _("分值“%(value)s”不是数字") % {"value": text_of(raw)})
            else:
                if not fits(points, digits=6, places=2):
                    say(POINTS, _("分值应小于 10000，最多两位小数"))
                    points = None

        method_text = text_of(value(METHOD))
        method = ""
        if method_text:
            method = methods.get(method_text.casefold(), "")
            if not method:
                words = choice_hint(Method.choices, short=True, separator=_("、"))
                say(METHOD, _("评分方法“%(value)s”无法识别，应为：%(choices)s")
                    % {"value": method_text, "choices": words})  # fmt: skip

        indicator = target = None
        indicator_text = text_of(value(INDICATOR))
        if indicator_text:
            indicator = find_indicator(indicator_text)
            if indicator is None:
                say(INDICATOR, _("指标代码“%(value)s”不存在") % {"value": indicator_text})
        target_text = text_of(value(TARGET))
        if target_text:
            target = find_target(target_text)
            if target is None:
                say(TARGET, _("对应目标“%(value)s”不存在：请写成“文件标识/目标编号”，如 "
                              "jinan-2012/T03") % {"value": target_text})  # fmt: skip
            elif indicator is None and not indicator_text and hasattr(target, "measure"):
                indicator = target.measure.indicator  # the target's own measure, as the loader

        comparator_text = text_of(value(COMPARATOR))
        comparator = COMPARATORS.get(comparator_text.replace(" ", ""), "")
        if comparator_text and not comparator:
            say(COMPARATOR, _("比较方式“%(value)s”无法识别，应为 ≥ > ≤ < = 之一")
                % {"value": comparator_text})  # fmt: skip

        threshold = None
        raw = value(THRESHOLD)
        if not blank(raw):
            try:
                threshold = decimal_of(raw)
            except ValueError:
                say(THRESHOLD, _("达标值“%(value)s”不是数字") % {"value": text_of(raw)})
            else:
                if not fits(threshold, digits=14, places=4):
                    say(THRESHOLD, _("达标值过大或小数位数超过四位"))
                    threshold = None

        params: object = {}
        params_text = text_of(value(PARAMS))
        if params_text:
            try:
                params = json.loads(params_text)
            except ValueError:
                params = None
            if not isinstance(params, dict):
                say(PARAMS, _('方法参数应为 JSON 对象，如 {"per": 1, "deduct": 2}'))
                params = {}

        counts_text = text_of(value(COUNTS))
        item_counts = counts.get(counts_text.casefold()) if counts_text else ""
        if item_counts is None:
            words = choice_hint(Counts.choices, short=True, separator=_("、"))
            say(COUNTS, _("计分口径“%(value)s”无法识别，应为：%(choices)s")
                % {"value": counts_text, "choices": words})  # fmt: skip
            item_counts = ""

        lead = None
        lead_text = text_of(value(LEAD))
        if lead_text:
            found = find_departments(lead_text)
            if len(found) == 1:
                lead = found[0]
            elif not found:
                say(LEAD, _("牵头考核部门“%(value)s”不存在（请填部门简称）") % {"value": lead_text})
            else:
                say(LEAD, _("名为“%(value)s”的部门不止一个：请写成“区划代码:简称”，如 %(example)s")
                    % {"value": lead_text,
                       "example": f"{found[0].region.code}:{found[0].short_name}"})  # fmt: skip

        items.append(
            ItemRow(
                draft=ItemDraft(
                    code=code,
                    name=name,
                    parent=parent,
                    points=points,
                    method=method,
                    comparator=comparator,
                    threshold=threshold,
                    has_target=target is not None,
                    target_has_value=target is not None and target.value is not None,
                    has_indicator=indicator is not None,
                    params=params,
                    row=number,
                ),
                indicator=indicator,
                target=target,
                counts=item_counts,
                evidence=text_of(value(EVIDENCE)),
                key_points=text_of(value(POINTS_NOTE)) if method in JUDGED_METHODS else "",
                rule_text=text_of(value(RULE_TEXT)),
                lead_department=lead,
            )
        )
    if not items:
        reader.say(SHEET, None, "", _("工作表“%(sheet)s”中没有评分项目") % {"sheet": SHEET})
    return items


class _Settings:
    """The "设置" sheet as read: the values, and the row each came from."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.rows: dict[str, int] = {}
        self.bands: list[tuple[int, dict]] = []
        self.band_header: int | None = None
        self.vetoes: list[VetoDraft] = []


def _read_settings(rows: list[tuple[int, tuple]], reader: Reader) -> _Settings:
    found = _Settings()
    part = "settings"

    def say(row: int | None, column: str, message: str) -> None:
        reader.say(SETTINGS_SHEET, row, column, message)

    for number, cells in rows:
        first, second = (list(cells) + [None, None])[:2]
        key = text_of(first)
        if key == KEY and text_of(second) == VALUE:
            part = "settings"
            continue
        if key == GRADE and text_of(second) == MINIMUM:
            part, found.band_header = "bands", number
            continue
        if key == SEVERITY and text_of(second) == VETO_DESCRIPTION:
            part = "vetoes"
            continue
        if part == "settings":
            if key not in SETTINGS:
                say(number, KEY, _("无法识别的设置项“%(key)s”，应为：%(keys)s")
                    % {"key": key, "keys": _("、").join(SETTINGS)})  # fmt: skip
            elif key in found.rows:
                say(number, KEY, _("设置项“%(key)s”重复") % {"key": key})
            else:
                found.values[key], found.rows[key] = second, number
        elif part == "bands":
            grade = text_of(first)
            try:
                minimum = None if blank(second) else decimal_of(second)
            except ValueError:
                say(number, MINIMUM, _("最低分“%(value)s”不是数字") % {"value": text_of(second)})
                minimum = None
            band = {"grade": grade, "min": number_text(minimum)}
            found.bands.append((number, band))
        else:
            description = text_of(second)
            severity = None
            try:
                severity = int(decimal_of(first))
                if severity not in Severity.values:
                    severity = None
            except ValueError:
                try:
                    severity = choice_of(text_of(first), Severity.choices)
                except KeyError:
                    severity = None
            if severity is None:
                say(number, SEVERITY, _("否决事件等级“%(value)s”无法识别，应为：%(choices)s")
                    % {"value": text_of(first),
                       "choices": choice_hint(Severity.choices, separator=_("、"))})  # fmt: skip
            if not description:
                say(number, VETO_DESCRIPTION, _("未填写否决说明"))
            elif len(description) > VETO_LIMIT:
                say(
                    number, VETO_DESCRIPTION, _("内容过长，最多 %(max)d 个字") % {"max": VETO_LIMIT}
                )
            if severity is not None and description:
                found.vetoes.append(VetoDraft(severity, description[:VETO_LIMIT], number))
    return found


def _settings_draft(found: _Settings, reader: Reader) -> dict:
    """The rulebook's own fields, from the settings read."""

    def say(key: str, message: str) -> None:
        reader.say(SETTINGS_SHEET, found.rows.get(key), VALUE, message)

    for key in SETTINGS:
        if key not in found.rows:
            reader.say(SETTINGS_SHEET, None, KEY, _("缺少设置项“%(key)s”") % {"key": key})
    fields: dict = {}
    name = text_of(found.values.get(NAME_SETTING))
    if NAME_SETTING in found.rows and not name:
        say(NAME_SETTING, _("未填写评分细则名称"))
    elif len(name) > RULEBOOK_NAME_LIMIT:
        say(NAME_SETTING, _("内容过长，最多 %(max)d 个字") % {"max": RULEBOOK_NAME_LIMIT})
    fields["name"] = name
    total = None
    if TOTAL_SETTING in found.rows:
        raw = found.values.get(TOTAL_SETTING)
        try:
            total = decimal_of(raw)
        except ValueError:
            say(TOTAL_SETTING, _("总分“%(value)s”不是数字") % {"value": text_of(raw)})
        else:
            if total <= 0 or not fits(total, digits=6, places=2):
                say(TOTAL_SETTING, _("总分应为大于 0、小于 10000 的数，最多两位小数"))
                total = None
    fields["total_points"] = total
    choices = {
        DECIMALS_SETTING: ("decimals", Rulebook._meta.get_field("decimals").choices),
        ROUNDING_SETTING: ("rounding", Rounding.choices),
        UNREPORTED_SETTING: ("unreported", Unreported.choices),
        VETO_RANKING_SETTING: ("veto_ranking", VetoRanking.choices),
    }
    for key, (field_name, options) in choices.items():
        fields[field_name] = Rulebook._meta.get_field(field_name).default
        if key not in found.rows:
            continue
        text = text_of(found.values.get(key))
        try:
            fields[field_name] = choice_of(text, options)
        except KeyError:
            say(key, _("“%(value)s”无法识别，应为：%(choices)s")
                % {"value": text,
                   "choices": _("、").join(str(label) for _v, label in options)})  # fmt: skip
    return fields


def _band_rows(bands: list[tuple[int, dict]]) -> list[int]:
    """The row of each problem check_bands finds, in its order: check_bands reports band by
    band, so the problems of the first k bands are the first problems of all of them."""
    owners: list[int] = []
    for count in range(1, len(bands) + 1):
        new = len(check_bands([band for _row, band in bands[:count]])) - len(owners)
        owners += [bands[count - 1][0]] * max(new, 0)
    return owners


# An unknown target leaves its item without the requirement and indicator it would have given.
_FOLLOWS_TARGET = {INDICATOR, COMPARATOR, THRESHOLD}


def _band_columns(bands: list[tuple[int, dict]]) -> dict[int, list[str]]:
    """The columns of a band row's problems, in check_bands' order: a band without a name or
    a minimum; otherwise a repeated name, then a minimum out of order."""
    columns: dict[int, list[str]] = {}
    seen: set[str] = set()
    for row, band in bands:
        grade = str(band.get("grade") or "").strip()
        if not grade or band.get("min") is None:
            columns[row] = [GRADE if not grade else MINIMUM]
            continue
        columns[row] = ([GRADE] if grade in seen else []) + [MINIMUM]
        seen.add(grade)
    return columns


def _placed(problems: list[Problem], items: list[ItemRow], found: _Settings,
            reader: Reader) -> None:  # fmt: skip
    """rulebook_checks' problems, each at its sheet, row and column; a cell already refused as
    unreadable is not refused again for what its blank value lacks."""
    band_rows = iter(_band_rows(found.bands))
    band_columns = _band_columns(found.bands)
    bad_points = {item.draft.code for item in items if item.draft.points is None}
    parents_of_bad = {item.draft.parent for item in items if item.draft.code in bad_points}
    # The top items' sum cannot be told when a points cell is unreadable or an item has no
    # code (its children then read as top items).
    unsure_total = any(not item.draft.code for item in items) or any(
        item.draft.parent is None for item in items if item.draft.code in bad_points
    )
    for problem in problems:
        if problem.field == "bands":
            row = next(band_rows, found.band_header)
            columns = band_columns.get(row) or [GRADE]
            column = columns.pop(0) if len(columns) > 1 else columns[0]
            if row is not None and reader.at(SETTINGS_SHEET, row, MINIMUM):
                continue
            reader.say(SETTINGS_SHEET, row, column, problem.message)
        elif problem.field == "total_points":
            if not unsure_total:
                reader.say(SETTINGS_SHEET, found.rows.get(TOTAL_SETTING), VALUE, problem.message)
        else:
            column = FIELD_COLUMNS.get(problem.field, "")
            if problem.field == "points" and problem.item in parents_of_bad:
                continue
            if reader.at(SHEET, problem.row, column) or (
                column in _FOLLOWS_TARGET and reader.at(SHEET, problem.row, TARGET)
            ):
                continue  # what the unreadable cell would have given
            reader.say(SHEET, problem.row, column, problem.message)


_SHEET_ORDER = {SHEET: 0, SETTINGS_SHEET: 1}
_ALL_COLUMNS = (*COLUMNS, KEY, VALUE, GRADE, MINIMUM, SEVERITY, VETO_DESCRIPTION)
_COLUMN_ORDER = {name: index for index, name in enumerate(_ALL_COLUMNS)}


def _sorted(problems: list[SheetProblem]) -> list[SheetProblem]:
    return sorted(
        problems,
        key=lambda p: (
            _SHEET_ORDER.get(p.sheet, -1),
            p.row if p.row is not None else 0,
            _COLUMN_ORDER.get(p.column, -1),
        ),
    )


def _data(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    return file.read(limit("MAX_UPLOAD_BYTES") + 1)


def read_workbook(file, *, scope: Region | None = None) -> Draft:
    """Read an uploaded rulebook table (bytes or a file) as a checked Draft; ``scope`` (the
    rulebook's region) decides which department a short name means. Raises RulebookRejected
    with every problem, by sheet, row and column, when anything is wrong."""
    data = _data(file)
    try:
        inspect_archive(data)
    except ReportingError as refused:
        raise RulebookRejected([SheetProblem("", None, "", str(refused))], str(refused)) from None
    reader = Reader()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            item_rows = sheet_rows(book, SHEET, reader)
            setting_rows = sheet_rows(book, SETTINGS_SHEET, reader)
        finally:
            book.close()
    except Exception as error:  # anything a damaged or hostile file makes openpyxl raise
        logger.info("Rulebook workbook could not be read: %r", error)
        message = _("文件已损坏或不是有效的 .xlsx 工作簿，无法读取。")
        raise RulebookRejected([SheetProblem("", None, "", message)], message) from None
    if item_rows is None or setting_rows is None or reader.problems:
        raise RulebookRejected(reader.problems)

    items = _read_items(item_rows, reader, scope)
    found = _read_settings(setting_rows, reader)
    fields = _settings_draft(found, reader)
    draft = Draft(
        grade_bands=[band for _row, band in found.bands],
        items=items,
        vetoes=found.vetoes,
        **fields,
    )
    if items:
        _placed(draft.problems(), items, found, reader)
    if reader.problems:
        raise RulebookRejected(_sorted(reader.problems))
    return draft
