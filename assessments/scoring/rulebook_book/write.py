"""A rulebook as its table: the items sheet, the settings sheet and the instructions."""

import io
import json
import logging
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessments.models import (
    Counts,
    Method,
    Rounding,
    Rulebook,
    Severity,
    Unreported,
    VetoRanking,
)
from assessments.reporting.excel_limits import limit
from assessments.scoring.rulebook_book.layout import (
    CODE,
    COLUMNS,
    COMPARATOR,
    COUNTS,
    DECIMALS_SETTING,
    EVIDENCE,
    GENERATED_FILL,
    GENERATED_FONT,
    GRADE,
    HEADER_FILL,
    HEADER_FONT,
    HELP_SHEET,
    HINT,
    INDICATOR,
    KEY,
    LEAD,
    LEVELS,
    MAX_ROWS,
    METHOD,
    MINIMUM,
    NAME_SETTING,
    PARAMS,
    POINTS,
    POINTS_NOTE,
    ROUNDING_SETTING,
    RULE_TEXT,
    SETTINGS_SHEET,
    SEVERITY,
    SHEET,
    TARGET,
    THRESHOLD,
    TOTAL_SETTING,
    UNREPORTED_SETTING,
    VALUE,
    VETO_DESCRIPTION,
    VETO_RANKING_SETTING,
    WIDTHS,
    choice_hint,
    department_name,
    number_text,
    requirement,
    short_label,
    target_name,
)
from portal.spreadsheets import safe_cell, string_cell
from targets.status import SYMBOLS

logger = logging.getLogger(__name__)


def _symbol_cell(ws, symbol: str | None) -> WriteOnlyCell:
    """A comparator symbol, one of a fixed set (never typed text), as a text cell: "=" stays
    "=" (a text cell is never evaluated) instead of the escaped "'=" a reader would trip on."""
    if symbol not in SYMBOLS.values():
        return string_cell(ws, symbol)
    cell = WriteOnlyCell(ws, value=symbol)
    cell.data_type = "s"
    return cell


def _header(ws, names: Iterable[str]) -> list:
    return [string_cell(ws, name, font=HEADER_FONT, fill=HEADER_FILL) for name in names]


def _list_validation(ws, column: str, words: list[str]) -> None:
    """A drop-down of the usual words (other words are accepted too: codes, short forms)."""
    formula = '"' + ",".join(word.replace('"', "") for word in words) + '"'
    if len(formula) > 255 or any("," in word for word in words):
        return  # Excel's limit for a list written in the rule itself
    letter = get_column_letter(COLUMNS.index(column) + 1)
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
    ws.data_validations.append(rule)
    rule.add(f"{letter}2:{letter}{MAX_ROWS}")


def _help_lines(rulebook: Rulebook) -> list[str]:
    names = {
        "sheet": SHEET,
        "settings": SETTINGS_SHEET,
        "code": CODE,
        "one": LEVELS[0],
        "two": LEVELS[1],
        "three": LEVELS[2],
        "points": POINTS,
        "note": POINTS_NOTE,
        "method": METHOD,
        "indicator": INDICATOR,
        "target": TARGET,
        "comparator": COMPARATOR,
        "threshold": THRESHOLD,
        "params": PARAMS,
        "rule": RULE_TEXT,
        "counts": COUNTS,
        "evidence": EVIDENCE,
        "lead": LEAD,
        "grade": GRADE,
        "minimum": MINIMUM,
        "severity": SEVERITY,
        "total": TOTAL_SETTING,
        "limit": limit("MAX_UPLOAD_BYTES") // (1024 * 1024),
    }
    methods = _("；").join(
        f"{short_label(str(label))}（{value}）" for value, label in Method.choices
    )
    return [
        _("%(year)d年 %(name)s（第 %(version)d 版）· 评分细则表填写说明")
        % {"year": rulebook.year, "name": rulebook.name, "version": rulebook.version},
        _(
            "上传后成为该年度评分细则的新版本（原版本保留，已有的计算结果和发布记录仍指向原版本），"
            "此后的计算按新版本评分。整体导入：只要有一处错误就不保存，页面会列出每处错误所在的"
            "工作表、行号和列。"
        ),
        "",
        _(
            "1. 工作表“%(sheet)s”每行一个评分项目，按顺序排列。项目名称写在其层级的列中"
            "（%(one)s / %(two)s / %(three)s，每行只填其中一列）；二级指标属于其上方最近的"
            "一级指标，三级指标属于其上方最近的二级指标。"
        )
        % names,
        _("2. %(code)s：每个项目必填且不重复，如 1、1.2、1.2.3；加分项可用 B 等编号。") % names,
        _(
            "3. %(points)s：大于 0 的数，最多两位小数。有下级项目的项目，其下级项目（加分项除外）"
            "分值之和须等于本项分值；各一级项目（加分项除外）分值之和须等于“%(settings)s”中的"
            "“%(total)s”。"
        )
        % names,
        _("4. %(method)s：只有末级项目填写，可填下拉列表中的名称，或简称、代码：%(methods)s。")
        % {**names, "methods": methods},
        _(
            "5. %(indicator)s填指标代码；%(target)s写成“文件标识/目标编号”，如 jinan-2012/T03"
            "（关联目标时，目标的比较方式和目标值即为达标要求，可不填%(comparator)s和"
            "%(threshold)s）。%(comparator)s为 ≥ > ≤ < = 之一（也可写 >=、<=、==）。"
        )
        % names,
        _(
            '6. %(params)s为 JSON：扣分 {"per": 1, "deduct": 2}（每差 per 扣 deduct 分）；'
            '分档 {"tiers": [{"min": 95, "share": 1}, {"min": 90, "share": 0.5}]}；'
            '排名 {"table": [10, 8, 6]} 或 {"mode": "best"}；加分 {"per_unit": 1}。'
        )
        % names,
        _("7. %(counts)s：本年数值（留空同此）或本年新增（与上年相比的增加）。") % names,
        _("8. %(lead)s填部门简称；同名部门不止一个时写成“区划代码:简称”，如 350000:省质监局。")
        % names,
        _(
            "9. 计算项目的“%(note)s”（灰色）由系统按对应目标或指标、比较方式和达标值生成，仅供"
            "核对，上传时不读取；评审项目（评审·分档、评审·缺项扣分、评审·酌情打分）的"
            "“%(note)s”和“%(rule)s”由办公室填写，上传时读取。评审项目的%(params)s："
            '分档 {"tiers": [{"score": 1, "when": "纳入国民经济和社会发展规划"}, '
            '{"score": 0, "when": "未纳入"}]}；缺项扣分 {"elements": ["产业", "环境"], '
            '"deduct": 0.1}；酌情打分不填。'
        )
        % names,
        _(
            "10. 工作表“%(settings)s”：名称、总分、取舍方式等各占一行；等次从高到低，每行一个"
            "（%(grade)s、%(minimum)s），最后一档为一票否决时的等次；一票否决规则每行一条"
            "（%(severity)s：一般、较大、重大、特别重大）。"
        )
        % names,
        _("11. 不要修改工作表名称和第 1 行的列名；只接受 .xlsx 文件，不超过 %(limit)d MB。")
        % names,
    ]


def rulebook_workbook(rulebook: Rulebook) -> bytes:
    """The rulebook as the office's table (.xlsx bytes)."""
    items = list(
        rulebook.items.select_related(
            "parent", "indicator", "target__document", "lead_department__region"
        ).order_by("order", "code")
    )
    depth: dict[int, int] = {}
    by_pk = {item.pk: item for item in items}

    def level(item) -> int:
        if item.pk not in depth:
            parent = by_pk.get(item.parent_id)
            depth[item.pk] = 0 if parent is None else min(level(parent) + 1, len(LEVELS) - 1)
        return depth[item.pk]

    wb = Workbook(write_only=True)
    wb.properties.title = safe_cell(
        _("%(year)d年 %(name)s（第 %(version)d 版）")
        % {"year": rulebook.year, "name": rulebook.name, "version": rulebook.version}
    )
    wb.properties.creator = _("质量强区目标管理平台")

    ws = wb.create_sheet(SHEET)
    ws.freeze_panes = "B2"
    for index, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS[name]
    ws.append(_header(ws, COLUMNS))
    method_labels = [str(label) for _value, label in Method.choices]
    for item in items:
        names = [None] * len(LEVELS)
        names[level(item)] = item.name
        cells = {
            CODE: item.code,
            POINTS: number_text(item.points),
            METHOD: Method(item.method).label if item.method in Method.values else item.method,
            INDICATOR: item.indicator.code if item.indicator else None,
            TARGET: target_name(item.target) if item.target else None,
            COMPARATOR: SYMBOLS.get(item.comparator, item.comparator) or None,
            THRESHOLD: number_text(item.threshold),
            PARAMS: json.dumps(item.params, ensure_ascii=False) if item.params else None,
            COUNTS: Counts(item.counts).label
            if item.method and item.counts in Counts.values
            else None,
            EVIDENCE: item.evidence or None,
            RULE_TEXT: item.rule_text or None,
            POINTS_NOTE: item.key_points or None,
            LEAD: department_name(item.lead_department, rulebook.scope)
            if item.lead_department
            else None,
            **dict(zip(LEVELS, names, strict=True)),
        }
        row = []
        for column in COLUMNS:
            if column == POINTS_NOTE and not item.is_judged:
                row.append(
                    string_cell(
                        ws, requirement(item) or None, fill=GENERATED_FILL, font=GENERATED_FONT
                    )
                )
            elif column == COMPARATOR:
                row.append(_symbol_cell(ws, cells[column]))
            else:
                row.append(string_cell(ws, cells[column]))
        ws.append(row)
    _list_validation(ws, METHOD, method_labels)
    _list_validation(ws, COMPARATOR, list(SYMBOLS.values()))
    _list_validation(ws, COUNTS, [str(label) for _value, label in Counts.choices])

    settings = wb.create_sheet(SETTINGS_SHEET)
    for letter, width in zip("ABC", (22, 52, 60), strict=True):
        settings.column_dimensions[letter].width = width
    settings.append(_header(settings, (KEY, VALUE, HINT)))

    rows = [
        (NAME_SETTING, rulebook.name, ""),
        (TOTAL_SETTING, number_text(rulebook.total_points), _("各一级项目（不含加分项）分值之和")),
        (
            DECIMALS_SETTING,
            str(rulebook.get_decimals_display()),
            choice_hint(Rulebook._meta.get_field("decimals").choices),
        ),
        (ROUNDING_SETTING, str(rulebook.get_rounding_display()), choice_hint(Rounding.choices)),
        (UNREPORTED_SETTING, str(rulebook.get_unreported_display()),
         choice_hint(Unreported.choices)),
        (VETO_RANKING_SETTING, str(rulebook.get_veto_ranking_display()),
         choice_hint(VetoRanking.choices)),
    ]  # fmt: skip
    for key, value, hint in rows:
        settings.append(
            [string_cell(settings, key, font=HEADER_FONT), string_cell(settings, value),
             string_cell(settings, hint or None)]
        )  # fmt: skip
    settings.append([])
    settings.append(
        _header(settings, (GRADE, MINIMUM))
        + [string_cell(settings, _("从高到低，每行一个等次；最后一档为一票否决时的等次"))]
    )
    for band in rulebook.grade_bands or []:
        settings.append(
            [string_cell(settings, str(band.get("grade", ""))), number_text(band.get("min"))]
        )
    settings.append([])
    settings.append(
        _header(settings, (SEVERITY, VETO_DESCRIPTION))
        + [string_cell(settings, _("发生不低于该等级的质量安全事件即评为最低等次：")
                       + choice_hint(Severity.choices))]
    )  # fmt: skip
    for veto in rulebook.vetoes.order_by("pk"):
        settings.append(
            [string_cell(settings, str(veto.get_min_severity_display())),
             string_cell(settings, veto.description)]
        )  # fmt: skip

    guide = wb.create_sheet(HELP_SHEET)
    guide.column_dimensions["A"].width = 120
    for line in _help_lines(rulebook):
        guide.append([string_cell(guide, line or None)])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook_filename(rulebook: Rulebook) -> tuple[str, str]:
    """The download's name, and an ASCII fallback for old browsers."""
    name = "".join(ch for ch in rulebook.name if ch not in '\\/:*?"<>|\r\n')
    return (
        _("%(year)d年%(name)s_第%(version)d版.xlsx")
        % {"year": rulebook.year, "name": name, "version": rulebook.version},
        f"rulebook_{rulebook.year}_{rulebook.pk}_v{rulebook.version}.xlsx",
    )


# --- Reading -----------------------------------------------------------------------------------
