"""Judged items (评审项目): the score a reviewer may give, from the item's rule. Pure: no ORM.

A judged item is scored from evidence, not from the quarterly data. Its method says what choice
the self-assessing unit and the reviewer make:

- ``judge_tiers``: one of the item's tiers (params ``tiers``: [{"score": 1, "when": "纳入
  地区规划"}, {"score": 0.5, "when": "纳入部门规划"}, {"score": 0, "when": "未纳入"}]); the choice
  is the tier's position; the score is that tier's;
- ``judge_deduct``: the aspects that are missing (params ``elements``: the aspects the rule lists,
  ``deduct``: points off per missing aspect); the score is the points less ``deduct`` per missing
  aspect, at least 0;
- ``judge_free``: a score from 0 to the item's points, in steps of 0.01, with a reason.

Scores are exact decimals (two places) so that a total of judged and computed items adds up as
it reads.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

TIERS, DEDUCT, FREE = "judge_tiers", "judge_deduct", "judge_free"
METHODS = (TIERS, DEDUCT, FREE)
CENT = Decimal("0.01")


class JudgedRefused(ValueError):
    """A judged score that the item's rule does not allow; the message is for the user."""


@dataclass(frozen=True)
class Choice:
    """One option a reviewer has on a tiered item."""

    position: int
    score: Decimal
    when: str


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def tiers(params: dict) -> list[Choice]:
    return [
        Choice(position, _decimal(tier.get("score")) or Decimal(0), str(tier.get("when", "")))
        for position, tier in enumerate(params.get("tiers") or [])
        if isinstance(tier, dict)
    ]


def elements(params: dict) -> list[str]:
    return [str(e) for e in params.get("elements") or [] if str(e).strip()]


def check_params(method: str, params: dict, points: float) -> list[str]:
    """What is wrong with a judged item's parameters ([] when a reviewer can score it)."""
    total = Decimal(str(points))
    found = []
    if method == TIERS:
        raw = params.get("tiers")
        if not isinstance(raw, list) or len(raw) < 2:
            found.append(
                _('评审分档须给出至少两档 tiers，如 [{"score": 1, "when": "纳入规划"}, '
                  '{"score": 0, "when": "未纳入"}]')
            )  # fmt: skip
            return found
        for tier in raw:
            score = _decimal(tier.get("score")) if isinstance(tier, dict) else None
            if score is None or not 0 <= score <= total:
                found.append(
                    _("每一档的得分 score 应在 0 到本项分值 %(points)s 之间")
                    % {"points": f"{points:g}"}
                )
                break
            if not str(tier.get("when", "")).strip():
                found.append(_("每一档须写明情形 when，如“纳入地区国民经济和社会发展规划”"))
                break
        else:
            if max(t.score for t in tiers(params)) != total:
                found.append(_("最高一档的得分应等于本项分值"))
    elif method == DEDUCT:
        if not elements(params):
            found.append(_('缺项扣分须列出考核的各个方面 elements，如 ["产业", "环境"]'))
        deduct = _decimal(params.get("deduct"))
        if deduct is None or deduct <= 0:
            found.append(_("缺项扣分的 deduct（每缺少一个方面扣几分）应大于 0"))
    elif method != FREE:
        found.append(_("评审方法 %(method)s 无法识别") % {"method": method})
    return found


def score_of(method: str, params: dict, points, choice) -> Decimal:
    """The score a choice gives: ``choice`` is a tier position (tiers), a list of missing
    aspects (deduction) or a score (free). Refused when the rule does not allow it."""
    total = Decimal(str(points))
    if method == TIERS:
        options = tiers(params)
        try:
            position = int(choice)
        except (TypeError, ValueError):
            raise JudgedRefused(_("请选择一个得分档次。")) from None
        if not 0 <= position < len(options):
            raise JudgedRefused(_("所选档次不存在。"))
        return options[position].score.quantize(CENT)
    if method == DEDUCT:
        if not isinstance(choice, (list, tuple)):
            raise JudgedRefused(_("请勾选缺少的方面（都不缺则不勾选）。"))
        known = elements(params)
        unknown = [c for c in choice if c not in known]
        if unknown:
            raise JudgedRefused(_("“%(name)s”不是本项考核的方面。") % {"name": unknown[0]})
        deduct = _decimal(params.get("deduct")) or Decimal(0)
        return max(Decimal(0), total - deduct * len(set(choice))).quantize(CENT)
    if method == FREE:
        score = _decimal(choice)
        if score is None:
            raise JudgedRefused(_("请填写得分（数字）。"))
        if not 0 <= score <= total:
            raise JudgedRefused(
                _("得分应在 0 到 %(points)s 分之间。") % {"points": f"{total.normalize():f}"}
            )
        if score != score.quantize(CENT):
            raise JudgedRefused(_("得分最多保留两位小数。"))
        return score.quantize(CENT)
    raise JudgedRefused(_("这不是评审项目。"))


def describe(method: str, params: dict, choice) -> str:
    """The choice in words, as the unit and the reviewer read it beside the score."""
    if choice is None:
        return ""
    if method == TIERS:
        options = tiers(params)
        try:
            return options[int(choice)].when
        except (TypeError, ValueError, IndexError):
            return ""
    if method == DEDUCT:
        missing = list(choice or [])
        return _("缺少：%(list)s") % {"list": "、".join(missing)} if missing else _("各方面齐全")
    return ""


def needs_reason(method: str, score: Decimal | None, self_score: Decimal | None) -> bool:
    """A reviewer explains a free score always, and any score that differs from the unit's own."""
    return method == FREE or (score is not None and self_score is not None and score != self_score)
