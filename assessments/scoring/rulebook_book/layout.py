"""The file format of the rulebook table: sheet, column and setting names (kept as they are in
every language: an upload is read by them), the words of choices, and how linked objects are
named in a cell."""

import logging
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl.styles import Font, PatternFill

from assessments.models import (
    Counts,
    Method,
)
from portal.models import Department, Region
from targets.models import Target
from targets.status import SYMBOLS

logger = logging.getLogger(__name__)


SHEET = "评分细则"
SETTINGS_SHEET = "设置"
HELP_SHEET = "说明"

CODE = "编号"
LEVELS = ("一级指标", "二级指标", "三级指标")
POINTS = "分值"
POINTS_NOTE = "考核要点"  # a judged item's own (read back); a computed one's generated (not read)
METHOD = "评分方法"
INDICATOR = "指标"
TARGET = "对应目标"
COMPARATOR = "比较方式"
THRESHOLD = "达标值"
PARAMS = "方法参数"
RULE_TEXT = "评分标准"
COUNTS = "计分口径"
EVIDENCE = "需提交材料"
LEAD = "牵头考核部门"
COLUMNS = (CODE, *LEVELS, POINTS, POINTS_NOTE, METHOD, INDICATOR, TARGET, COMPARATOR,
           THRESHOLD, PARAMS, RULE_TEXT, COUNTS, EVIDENCE, LEAD)  # fmt: skip
REQUIRED_COLUMNS = (CODE, LEVELS[0], POINTS, METHOD)
WIDTHS = {CODE: 8, LEVELS[0]: 18, LEVELS[1]: 24, LEVELS[2]: 30, POINTS: 7, POINTS_NOTE: 30,
          METHOD: 26, INDICATOR: 18, TARGET: 18, COMPARATOR: 9, THRESHOLD: 9, PARAMS: 30,
          RULE_TEXT: 40,
          COUNTS: 12, EVIDENCE: 28, LEAD: 16}  # fmt: skip

KEY, VALUE, HINT = "项目", "内容", "可填写的值"
NAME_SETTING = "名称"
TOTAL_SETTING = "总分"
DECIMALS_SETTING = "总分保留小数位数"
ROUNDING_SETTING = "总分取舍方式"
UNREPORTED_SETTING = "无已审核数据的地区"
VETO_RANKING_SETTING = "一票否决地区的排名"
SETTINGS = (NAME_SETTING, TOTAL_SETTING, DECIMALS_SETTING, ROUNDING_SETTING,
            UNREPORTED_SETTING, VETO_RANKING_SETTING)  # fmt: skip
GRADE, MINIMUM = "等次", "最低分"
SEVERITY, VETO_DESCRIPTION = "否决事件最低等级", "否决说明"

MAX_ROWS = 5000  # rows of a sheet read at most (a rulebook has a few dozen)

FIELD_COLUMNS = {
    "code": CODE,
    "parent": CODE,
    "points": POINTS,
    "method": METHOD,
    "params": PARAMS,
    "comparator": COMPARATOR,
    "indicator": INDICATOR,
    "threshold": THRESHOLD,
    "target": TARGET,
}
TEXT_LIMITS = {CODE: 16, EVIDENCE: 255, POINTS_NOTE: 2000, RULE_TEXT: 2000}
NAME_LIMIT, RULEBOOK_NAME_LIMIT, VETO_LIMIT = 255, 128, 255

DECIMAL_CHOICES = ((0, "整数"), (1, "一位小数"), (2, "两位小数"))

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
GENERATED_FILL = PatternFill("solid", fgColor="F2F2F2")
GENERATED_FONT = Font(color="666666")


# --- Words of the cells ------------------------------------------------------------------------


def short_label(label: str) -> str:
    """A choice's label without its explanation: "扣分（每低…）" → "扣分"."""
    return label.split("（")[0].split(" (")[0].strip()


def choice_words(choices: Iterable[tuple[object, object]]) -> dict[str, object]:
    """Every way a cell may name a choice: its value, its label and the label's short form, in
    the user's language and in Chinese (the file's own language); case-insensitive."""
    words: dict[str, object] = {}
    choices = list(choices)
    for language in (None, "zh-hans"):
        for value, label in choices:
            if language is None:
                text = str(label)
            else:
                with override(language):
                    text = str(label)
            for word in (str(value), text, short_label(text)):
                if word:
                    words.setdefault(word.casefold(), value)
    return words


def method_words() -> dict[str, str]:
    return choice_words(Method.choices)


def count_words() -> dict[str, str]:
    return choice_words(Counts.choices)


COMPARATORS = {**{code: code for code in SYMBOLS}, **{s: code for code, s in SYMBOLS.items()},
                "≧": ">=", "≦": "<=", "＞": ">", "＜": "<", "＝": "=", "=>": ">=", "=<": "<=",
                "==": "="}  # fmt: skip


def number_text(value: Decimal | float | int | None):
    """A figure as a spreadsheet number: whole numbers as int, others as float."""
    if value is None:
        return None
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _plain(value) -> str:
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def target_name(target: Target) -> str:
    """How a cell names a target: its document's key and its code, e.g. "jinan-2012/T03" (a
    document key is a slug, so the first "/" separates them)."""
    return f"{target.document.key}/{target.code}"


def departments_named(text: str, scope: Region | None) -> list[Department]:
    """The departments a cell's name means: "<区划代码>:<简称>" exactly; otherwise by short name
    (or full name), the one nearest the rulebook's region on its line up (its own region, then
    those above), or the only one of that name anywhere."""
    for separator in (":", "："):
        if separator in text:
            code, name = (part.strip() for part in text.split(separator, 1))
            return list(
                Department.objects.filter(region__code=code)
                .filter(Q(short_name=name) | Q(name=name))
                .select_related("region")
            )
    found = list(
        Department.objects.filter(Q(short_name=text) | Q(name=text)).select_related("region")
    )
    if len(found) <= 1 or scope is None:
        return found
    line = {code for code in scope.path.split("/") if code}
    on_line = [d for d in found if d.region.code in line]
    if not on_line:
        return found
    nearest = max(d.region.level for d in on_line)
    return [d for d in on_line if d.region.level == nearest]


def department_name(department: Department, scope: Region | None) -> str:
    """How a cell names a department: its short name when that finds it back, otherwise
    "<区划代码>:<简称>"."""
    if departments_named(department.short_name, scope) == [department]:
        return department.short_name
    return f"{department.region.code}:{department.short_name}"


def requirement(item) -> str:
    """考核要点: the item's requirement in words (from its target, or its indicator, comparator
    and 达标值), e.g. "省级监督抽查合格率 ≥ 93%"."""
    if item.target is not None:
        return f"{item.target.indicator} {item.target.describe()}"
    if item.indicator is None:
        return ""
    if item.comparator in SYMBOLS and item.threshold is not None:
        return (
            f"{item.indicator.name} {SYMBOLS[item.comparator]} "
            f"{_plain(item.threshold)}{item.indicator.unit}"
        )
    return item.indicator.name


# --- Writing -----------------------------------------------------------------------------------


def choice_hint(choices, *, short: bool = False, separator: str | None = None) -> str:
    """The labels of choices, as a list to read ("；" between them)."""
    labels = (str(label) for _value, label in choices)
    return (_("；") if separator is None else separator).join(
        short_label(label) if short else label for label in labels
    )
