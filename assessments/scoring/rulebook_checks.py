"""Whether a rulebook can be scored: grade bands, item parameters and points. Pure: plain data
in, problems out (in the reader's language), so that the admin, the rulebook workbook and any
other way of saving a rulebook refuse the same things with the same words.

A rulebook is refused when:
- its grade bands are empty, unnamed, repeated, or not from high to low (a 95 would grade D);
- an item's code is repeated, its parent unknown, its points not above 0;
- a leaf item has no scoring method, or one whose parameters cannot be computed or judged (a
  judged item's tiers, the aspects of a deduction per missing aspect: see ``judged``) (a deduction
  ``per`` of 0 divides by zero; tiers without a minimum or with a share outside 0–1; a rank
  table with points above the item's; a bonus without a positive ``per_unit``), or a method
  that needs a requirement (达标值 or a target) or an indicator without one;
- the points of an item's children (bonus items apart) do not add up to its own, or the top
  items' (bonus apart) to the rulebook's total.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.scoring import judged
from targets.status import SYMBOLS

NEEDS_REQUIREMENT = {"met", "proportional", "deduction"}
NEEDS_INDICATOR = {"met", "proportional", "deduction", "tiered", "rank", "relative", "bonus"}
METHODS = NEEDS_INDICATOR | set(judged.METHODS)


@dataclass(frozen=True)
class ItemDraft:
    code: str
    name: str = ""
    parent: str | None = None  # the parent's code
    points: Decimal | float | None = None
    method: str = ""
    comparator: str = ""
    threshold: Decimal | float | None = None
    has_target: bool = False  # a target gives the comparator and the threshold
    target_has_value: bool = False
    has_indicator: bool = False
    params: dict = field(default_factory=dict)
    row: int | None = None  # where it came from (a workbook's row), for the message


@dataclass(frozen=True)
class Problem:
    item: str | None  # the item code, None for the rulebook itself
    field: str  # "bands", "points", "method", "params", "code", "parent", "total_points"
    message: str
    row: int | None = None


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def check_bands(bands) -> list[Problem]:
    if not isinstance(bands, list) or not bands:
        return [Problem(None, "bands", _("等次划分不能为空，如 A ≥ 90、B ≥ 80、C ≥ 60、D ≥ 0。"))]
    problems, seen, previous = [], set(), None
    for band in bands:
        grade = str(band.get("grade", "")).strip() if isinstance(band, dict) else ""
        minimum = _number(band.get("min")) if isinstance(band, dict) else None
        if not grade or minimum is None:
            problems.append(
                Problem(
                    None, "bands", _('每个等次须有名称和最低分，如 {"grade": "A", "min": 90}。')
                )
            )
            continue
        if grade in seen:
            problems.append(Problem(None, "bands", _("等次 %(grade)s 重复。") % {"grade": grade}))
        seen.add(grade)
        if previous is not None and minimum >= previous[1]:
            problems.append(
                Problem(
                    None,
                    "bands",
                    _(
                        "等次划分应从高到低排列：%(grade)s 的最低分 %(min)s 应低于上一档 "
                        "%(prev)s 的 %(prev_min)s。"
                    )
                    % {
                        "grade": grade,
                        "min": f"{minimum:g}",
                        "prev": previous[0],
                        "prev_min": f"{previous[1]:g}",
                    },  # fmt: skip
                )
            )
        previous = (grade, minimum)
    return problems


def _check_params(item: ItemDraft, points: float) -> list[str]:
    params = item.params if isinstance(item.params, dict) else None
    if params is None:
        return [_('方法参数应为 JSON 对象，如 {"per": 1, "deduct": 2}')]
    found = []
    if item.method in judged.METHODS:
        return judged.check_params(item.method, params, points)
    if item.method == "deduction":
        per, deduct = _number(params.get("per", 1)), _number(params.get("deduct", 1))
        if per is None or per <= 0:
            found.append(_("扣分的 per（每差多少扣一次）应大于 0"))
        if deduct is None or deduct <= 0:
            found.append(_("扣分的 deduct（每次扣几分）应大于 0"))
    elif item.method == "tiered":
        tiers = params.get("tiers")
        if not isinstance(tiers, list) or not tiers:
            found.append(
                _('分档须给出 tiers，如 [{"min": 95, "share": 1}, {"min": 90, "share": 0.5}]')
            )
        else:
            for tier in tiers:
                share = _number(tier.get("share")) if isinstance(tier, dict) else None
                minimum = _number(tier.get("min")) if isinstance(tier, dict) else None
                if minimum is None or share is None or not 0 <= share <= 1:
                    found.append(_("每一档须有数值 min 和 0 到 1 之间的 share"))
                    break
    elif item.method == "rank":
        table = params.get("table")
        if params.get("mode") == "best":
            pass
        elif not isinstance(table, list) or not table:
            found.append(_("排名须给出 table（各名次得分，如 [10, 8, 6]）或 mode: best"))
        else:
            values = [_number(v) for v in table]
            if any(v is None or v < 0 for v in values):
                found.append(_("排名 table 的每个得分应为不小于 0 的数"))
            elif max(values) > points + 1e-9:
                found.append(
                    _("排名 table 的最高得分 %(top)s 超过本项分值 %(points)s")
                    % {"top": f"{max(values):g}", "points": f"{points:g}"}
                )
        default = params.get("default")
        if default is not None and (_number(default) is None or _number(default) < 0):
            found.append(_("排名的 default 应为不小于 0 的数"))
    elif item.method == "bonus":
        per_unit = _number(params.get("per_unit", 1))
        if per_unit is None or per_unit <= 0:
            found.append(_("加分的 per_unit（每个加几分）应大于 0"))
    return found


def check(*, total_points, bands, items: list[ItemDraft]) -> list[Problem]:
    """Every problem of a rulebook, in item order; [] when it can be saved and scored."""
    problems = check_bands(bands)
    codes: dict[str, ItemDraft] = {}
    for item in items:
        if not item.code:
            problems.append(Problem(None, "code", _("项目编号不能为空。"), item.row))
        elif item.code in codes:
            problems.append(
                Problem(
                    item.code, "code", _("项目编号 %(code)s 重复。") % {"code": item.code}, item.row
                )  # fmt: skip
            )
        codes.setdefault(item.code, item)
    children: dict[str, list[ItemDraft]] = {}
    for item in items:
        if item.parent:
            if item.parent not in codes:
                problems.append(
                    Problem(item.code, "parent",
                            _("%(code)s 的上级项目 %(parent)s 不存在。")
                            % {"code": item.code, "parent": item.parent}, item.row)
                )  # fmt: skip
            children.setdefault(item.parent, []).append(item)

    def say(item: ItemDraft, field_name: str, text: str) -> None:
        problems.append(
            Problem(item.code, field_name, _("项目 %(code)s：%(text)s") % {"code": item.code,
                                                                          "text": text}, item.row)
        )  # fmt: skip

    for item in items:
        points = _number(item.points)
        if points is None or points <= 0:
            say(item, "points", _("分值应为大于 0 的数"))
            points = 0.0
        if item.code in children:
            if item.method:
                say(item, "method", _("有下级项目的项目不填写评分方法，由下级项目计分"))
            continue
        if not item.method:
            say(item, "method", _("末级项目须选择评分方法"))
            continue
        if item.method not in METHODS:
            say(item, "method", _("评分方法 %(method)s 无法识别") % {"method": item.method})
            continue
        if item.comparator and item.comparator not in SYMBOLS:
            say(item, "comparator", _("比较方式应为 ≥ > ≤ < = 之一"))
        if item.method in NEEDS_INDICATOR and not item.has_indicator and not item.has_target:
            say(item, "indicator", _("须关联指标或目标，才能从数据计算"))
        if (
            item.method in NEEDS_REQUIREMENT
            and _number(item.threshold) is None
            and not (item.has_target and item.target_has_value)
        ):
            say(item, "threshold", _("须填写达标值，或关联有目标值的目标"))
        if item.method == "relative" and not item.has_target:
            say(item, "target", _("与参照值比较须关联目标（目标指明参照区划）"))
        for text in _check_params(item, points):
            say(item, "params", text)

    def base(group: list[ItemDraft]) -> Decimal:
        return sum(
            (Decimal(str(_number(i.points) or 0)) for i in group if i.method != "bonus"),
            Decimal(0),
        )

    for code, group in children.items():
        parent = codes.get(code)
        if parent is None or _number(parent.points) is None:
            continue
        if base(group) != Decimal(str(_number(parent.points))):
            problems.append(
                Problem(code, "points",
                        _("项目 %(code)s 的下级项目（不含加分项）分值合计 %(sum)s 分，与其分值 "
                          "%(points)s 分不一致。")
                        % {"code": code, "sum": _plain(base(group)),
                           "points": f"{_number(parent.points):g}"}, parent.row)
            )  # fmt: skip
    top = [item for item in items if not item.parent]
    total = _number(total_points)
    if total is not None and top and base(top) != Decimal(str(total)):
        problems.append(
            Problem(None, "total_points",
                    _("各一级项目（不含加分项）分值合计 %(sum)s 分，与总分 %(total)s 分不一致。")
                    % {"sum": _plain(base(top)), "total": f"{total:g}"})
        )  # fmt: skip
    return problems
