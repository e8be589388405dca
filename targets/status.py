"""How a target stands: comparator symbols, whether a value meets a requirement, the
red/amber/green/unknown status with its one set of words, and a warning in words.

Every screen that judges a target (dashboard, workspace, briefing, warnings, exports, the
scoring methods and the reader's table) asks this module, so they can never disagree. Pure: no
ORM, no I/O. ``meets`` works on plain numbers, numpy arrays and pandas Series alike.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# The tolerance of every comparison: figures are stored to four decimals and summed in floats.
TOLERANCE = 1e-9

SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
# Comparators under which more is better (an exact level counts as "reach at least").
HIGHER_IS_BETTER = frozenset({">=", ">", "="})


def symbol(comparator: str) -> str:
    """The comparator as printed: ">=" → "≥"."""
    return SYMBOLS[comparator]


def higher_is_better(comparator: str) -> bool:
    return comparator in HIGHER_IS_BETTER


def meets(value, comparator: str, threshold: float):
    """Whether ``value`` satisfies ``comparator threshold``, within TOLERANCE. Element-wise for
    arrays and Series."""
    if comparator == ">=":
        return value >= threshold - TOLERANCE
    if comparator == ">":
        return value > threshold + TOLERANCE
    if comparator == "<=":
        return value <= threshold + TOLERANCE
    if comparator == "<":
        return value < threshold - TOLERANCE
    if comparator == "=":
        return abs(value - threshold) <= TOLERANCE
    raise ValueError(f"unknown comparator {comparator!r}")


def gap(value: float, comparator: str, threshold: float) -> float:
    """How far ``value`` falls short of the requirement (positive: short), to four decimals."""
    return round(threshold - value if higher_is_better(comparator) else value - threshold, 4)


# Target kinds that hold in every region below the document's (a rate, a relative level, all
# regions): a district's rate target is read in each of its towns too.
LEVEL_KINDS = frozenset({"rate", "relative", "all"})


# --- Figures as a person reads them ---------------------------------------------------------------


def round_figure(value: float, decimals: int) -> float:
    """A figure at its indicator's published precision, half up (四舍五入), not banker's."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def format_figure(value: float | None, decimals: int, unit: str = "") -> str:
    """A figure as printed everywhere: its indicator's fixed number of decimals (a count is a
    whole number), with the unit; "—" when there is none."""
    if value is None:
        return "—"
    return f"{round_figure(value, decimals):.{decimals}f}{unit}"


# --- Status: one set of keys and words for every screen ------------------------------------------

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"
LABELS = {
    GREEN: pgettext_lazy("target status", "正常"),
    AMBER: pgettext_lazy("target status", "预警"),
    RED: pgettext_lazy("target status", "未达标"),
    UNKNOWN: pgettext_lazy("target status", "无法判断"),
}
CHOICES = [(key, LABELS[key]) for key in (RED, AMBER, GREEN, UNKNOWN)]
# Worst first: the order of a table sorted by status.
RANK = {RED: 0, AMBER: 1, GREEN: 2, UNKNOWN: 3}
# A published warning's level ("red", "yellow") as a status.
WARNING_STATUS = {"red": RED, "yellow": AMBER}


def label(status: str) -> str:
    return str(LABELS[status])


def legend() -> str:
    """What each status means, in words (the legend under every status table)."""
    return _(
        "%(red)s：目标年度已结束仍未达到；%(amber)s：按目前进度预计达不到；"
        "%(green)s：按目前进度可以达到；%(unknown)s：缺少数据或要求，无法判断。"
        "状态取自最近一次发布的考核计算。"
    ) % {key: LABELS[key] for key in (RED, AMBER, GREEN, UNKNOWN)}


def judge(
    *,
    warning: str | None,
    actual: float | None,
    projected: float | None,
    threshold: float | None,
    comparator: str,
    own: bool,
    complete: bool,
) -> str:
    """The status of a target in a region. In the target's own region the assessment run has
    judged it: its red or yellow warning decides, and no warning means on track. Below it (a
    district's rate target read in one of its towns) the run raises none, so the figure decides:
    the year's value once all four quarters are in, the projection before."""
    if warning in WARNING_STATUS:
        return WARNING_STATUS[warning]
    if actual is None or threshold is None:
        return UNKNOWN
    if own:
        return GREEN
    outcome = actual if complete or projected is None else projected
    if meets(outcome, comparator, threshold):
        return GREEN
    return RED if complete else AMBER


# --- Warnings in words ----------------------------------------------------------------------------


def assessed_horizon(horizon_year: int | None, year: int) -> tuple[int, int | None]:
    """The year a target is judged against, and the document's own target year when that has
    passed (else None): a horizon already behind us stands as a level to hold in ``year``."""
    if horizon_year is not None and horizon_year < year:
        return year, horizon_year
    return (year if horizon_year is None else horizon_year), None


def warning_message(*, level: str, region_name: str, label: str, unit: str, comparator: str,
                    threshold: float, outcome: float, gap: float, horizon: int,
                    document_year: int | None, year: int, departments: str,
                    decimals: int = 2) -> str:  # fmt: skip
    """A warning in words, in the active language: the region, what the target requires, the
    outcome (missed, or projected to the horizon), the gap, and who is responsible.
    ``document_year`` is the document's own target year when it has passed."""
    values = {
        "region": region_name,
        "label": label,
        "required": f"{symbol(comparator)} {threshold:g}{unit}",
        "outcome": format_figure(outcome, decimals, unit),
        "horizon": horizon,
        "gap": format_figure(abs(gap), decimals, unit),
    }
    if level == "red":
        text = _(
            "%(region)s：%(label)s要求 %(required)s，"
            "%(horizon)s年目标未完成：实际 %(outcome)s，差距 %(gap)s"
        )
    else:
        text = _(
            "%(region)s：%(label)s要求 %(required)s，"
            "按目前进度预计到%(horizon)s年末为 %(outcome)s，差距 %(gap)s"
        )
    text %= values
    if document_year is not None:
        text += _("（文件目标年度为%(document_year)s年，已过，按%(year)s年评价）") % {
            "document_year": document_year,
            "year": year,
        }
    if departments:
        text += _("；责任部门：%(departments)s") % {"departments": departments}
    return text
