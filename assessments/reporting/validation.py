"""Validation of quarterly figures as officials type them. Pure: no ORM, no I/O.

Hard rules block saving or submitting:
- a figure must be a number (full-width digits, thousands separators and the element's own unit
  are accepted: "１，２３４", "93.5%", "12批");
- counts are non-negative whole numbers; amounts are non-negative; survey percentages lie in 0–100;
- each element's own bounds (min/max);
- cross-element rules left ≤ right (合格批次 ≤ 抽查批次);
- a weighted figure (a survey score) needs its weight (the respondents) above 0: a score from
  nobody would count for nothing in the roll-up.

Soft rules warn and ask for a comment before submission:
- a figure far outside the region's own history for that element: more than ``FAR_FACTOR`` times
  the median of its earlier quarters, or less than the median divided by it (only when there are
  at least ``MIN_HISTORY`` earlier figures and the median is not zero).

Messages are in plain language, in the user's language (Chinese unless they chose English),
because officials read them.
"""

import math
import re
import statistics
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

FAR_FACTOR = Decimal(3)
MIN_HISTORY = 3
MAX_DIGITS = 12


@dataclass(frozen=True)
class ElementSpec:
    """What validation needs to know of a data element."""

    code: str
    name: str
    unit: str
    value_type: str  # "count", "amount" or "percent"
    min_value: Decimal = Decimal(0)
    max_value: Decimal | None = None
    weight: str | None = None  # the code of the element that weighs this one (respondents)


@dataclass(frozen=True)
class RuleSpec:
    """left ≤ right within one submission."""

    left: str
    right: str
    message: str = ""


@dataclass(frozen=True)
class Issue:
    element: str
    level: str  # "error" blocks; "warning" needs a comment
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class ParseError(ValueError):
    pass


# What an upload writes in a value cell to clear a stored figure: an empty cell changes nothing.
CLEAR_WORDS = frozenset({"清空", "clear"})


def clears(raw) -> bool:
    """Whether an uploaded cell asks to clear the figure (the word 清空), not to set one."""
    return isinstance(raw, str) and raw.strip().lower() in CLEAR_WORDS


def parse_number(raw, unit: str = "") -> Decimal | None:
    """Turn what an official typed (or a spreadsheet cell) into a Decimal; None for blank.

    The element's own unit (or %) may trail the number: "93.5%", "12批"."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ParseError(_("不是数字"))
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw:  # NaN: an empty spreadsheet cell
            return None
        if raw in (math.inf, -math.inf):
            raise ParseError(_("“%(raw)s”不是有效的数字") % {"raw": raw})
        return Decimal(repr(raw))
    if any(unicodedata.category(char) == "No" for char in str(raw)):
        # Superscripts, circled and fraction digits: NFKC would read "10²" as 102.
        raise ParseError(_("“%(raw)s”不是有效的数字（请只用阿拉伯数字）") % {"raw": raw})
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return None
    text = text.replace(",", "").replace(" ", "")
    for suffix in (unicodedata.normalize("NFKC", unit), "%"):
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text, flags=re.ASCII):
        raise ParseError(_("“%(raw)s”不是有效的数字") % {"raw": raw})
    try:
        value = Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the regex above admits only decimals
        raise ParseError(_("“%(raw)s”不是有效的数字") % {"raw": raw}) from error
    if len(value.as_tuple().digits) > MAX_DIGITS + 4:
        raise ParseError(_("“%(raw)s”位数过多") % {"raw": raw})
    return value


def check_value(spec: ElementSpec, value: Decimal) -> list[Issue]:
    """Hard rules of one figure on its own."""
    issues = []
    name = spec.name

    def error(message: str) -> None:
        issues.append(Issue(spec.code, "error", message))

    given = {"name": name, "value": as_typed(value), "unit": spec.unit}
    if value < 0:
        error(_("%(name)s不能为负数（填写了 %(value)s）") % given)
    elif spec.value_type == "count" and value != value.to_integral_value():
        error(_("%(name)s是计数，必须为整数（填写了 %(value)s）") % given)
    if spec.value_type == "percent" and not (0 <= value <= 100):
        error(_("%(name)s是百分数，必须在 0 到 100 之间（填写了 %(value)s）") % given)
    if value >= 0 and value < spec.min_value:
        bound = as_typed(spec.min_value)
        error(
            _("%(name)s不能小于 %(bound)s%(unit)s（填写了 %(value)s）") % {**given, "bound": bound}
        )
    if spec.max_value is not None and value > spec.max_value:
        bound = as_typed(spec.max_value)
        error(
            _("%(name)s不能大于 %(bound)s%(unit)s（填写了 %(value)s）") % {**given, "bound": bound}
        )
    if abs(value) >= Decimal(10) ** MAX_DIGITS:
        error(_("%(name)s数值过大（填写了 %(value)s）") % given)
    return issues


def check_rules(
    values: Mapping[str, Decimal], rules: Iterable[RuleSpec], names: Mapping[str, str]
) -> list[Issue]:
    """Cross-element rules; a rule is only checked when both figures are present."""
    issues = []
    for rule in rules:
        left, right = values.get(rule.left), values.get(rule.right)
        if left is not None and right is not None and left > right:
            message = rule.message or _("%(left)s不能大于%(right)s") % {
                "left": names[rule.left],
                "right": names[rule.right],
            }
            detail = _("%(message)s（%(left)s > %(right)s）") % {
                "message": message,
                "left": as_typed(left),
                "right": as_typed(right),
            }
            issues.append(Issue(rule.left, "error", detail))
    return issues


def check_history(spec: ElementSpec, value: Decimal, history: list[Decimal]) -> list[Issue]:
    """Soft rule: a figure far from the median of the region's own earlier quarters."""
    if len(history) < MIN_HISTORY:
        return []
    median = Decimal(statistics.median(history))
    if median <= 0:
        return []
    # A count reads as a whole number, also its median (0.5项 is nobody's count): half up.
    shown = median.quantize(Decimal(1), ROUND_HALF_UP) if spec.value_type == "count" else median
    if value > median * FAR_FACTOR or value < median / FAR_FACTOR:
        return [
            Issue(
                spec.code,
                "warning",
                _(
                    "%(name)s填写 %(value)s%(unit)s，与本地区以往各季度的中位数 "
                    "%(median)s%(unit)s 相差超过 %(factor)s 倍，请核实并填写说明"
                )
                % {
                    "name": spec.name,
                    "value": as_typed(value),
                    "unit": spec.unit,
                    "median": as_typed(shown),
                    "factor": FAR_FACTOR,
                },
            )
        ]
    return []


@dataclass
class Outcome:
    """The result of validating one submission's figures."""

    values: dict[str, Decimal]
    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if not issue.is_error]

    def unexplained_warnings(self, comments: Mapping[str, str]) -> list[Issue]:
        return [w for w in self.warnings if not (comments.get(w.element) or "").strip()]


def validate(
    specs: Iterable[ElementSpec],
    raw: Mapping[str, object],
    rules: Iterable[RuleSpec] = (),
    history: Mapping[str, list[Decimal]] | None = None,
    require_all: bool = False,
) -> Outcome:
    """Parse and check every figure of one submission; blank figures are allowed in a draft."""
    specs = list(specs)
    history = history or {}
    values: dict[str, Decimal] = {}
    issues: list[Issue] = []
    for spec in specs:
        try:
            value = parse_number(raw.get(spec.code), spec.unit)
        except ParseError as error:
            message = _("%(name)s：%(problem)s") % {"name": spec.name, "problem": error}
            issues.append(Issue(spec.code, "error", message))
            continue
        if value is None:
            if require_all:
                issues.append(Issue(spec.code, "error", _("%(name)s未填写") % {"name": spec.name}))
            continue
        problems = check_value(spec, value)
        issues.extend(problems)
        if not problems:
            values[spec.code] = value
            issues.extend(check_history(spec, value, history.get(spec.code, [])))
    names = {s.code: s.name for s in specs}
    issues.extend(check_rules(values, rules, names))
    issues.extend(check_weights(specs, values, names))
    return Outcome(values=values, issues=issues)


def check_weights(
    specs: Iterable[ElementSpec], values: Mapping[str, Decimal], names: Mapping[str, str]
) -> list[Issue]:
    """A weighted figure given without its weight, or with a weight of 0, is refused."""
    issues = []
    for spec in specs:
        if spec.weight is None or spec.weight not in names or spec.code not in values:
            continue
        weight = values.get(spec.weight)
        if weight is None or weight <= 0:
            issues.append(
                Issue(
                    spec.weight,
                    "error",
                    _("填写了%(name)s，%(weight)s应大于 0（没有%(weight)s的%(name)s无法计分）")
                    % {"name": spec.name, "weight": names[spec.weight]},
                )
            )
    return issues


def as_typed(value: Decimal | None) -> str:
    """A stored figure as an official would type it: no trailing zeros ("7", not "7.0000");
    "" for none. Every page, message and audit entry prints stored figures this way."""
    if value is None:
        return ""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
