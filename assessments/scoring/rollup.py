"""From grouped partial figures to every region's element figures, indicators, projections and
target warnings. Pure: pandas in, pandas out; no ORM, no I/O (the SQL is in sql.py).

Projection (during the year, straight-line pace): a flow (``sum``) that reached V after q
quarters is projected to V × 4 / q at year end; a stock (``last``) and a survey score (``avg``)
are projected at their current value; a ratio is computed from the projected numerator and
denominator. For a target whose horizon lies in a later year, a flow counted over the campaign
(``cumulative_from``) is projected at its pace per quarter to the end of the horizon year, and a
stock at its growth since the end of last year, per quarter, to the end of the horizon year.

Warnings: red when the horizon year is complete (or past) and the target is missed, or when a
veto event is recorded; yellow when the projection to the horizon misses the target.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessments.scoring.aggregation import (
    AVERAGE,
    LAST,
    SUM,
    ElementRule,
    IndicatorRule,
    combine_children,
    indicators,
    up_the_tree,
    weighted_figure,
)
from targets.status import assessed_horizon, meets, round_figure, warning_message
from targets.status import gap as shortfall


def no_figures() -> pd.DataFrame:
    """An empty figures frame with the column types of a full one (region and quarters as
    integers): concatenated with real figures it keeps them numeric, so that grouping by region
    stays vectorised."""
    return pd.DataFrame(
        {
            "region": pd.Series(dtype="int64"),
            "element": pd.Series(dtype="object"),
            "value": pd.Series(dtype="float64"),
            "quarters": pd.Series(dtype="int64"),
        }
    )


def group_figures(partials: pd.DataFrame, weighted: pd.DataFrame, rules: dict[str, ElementRule],
                  codes: dict[int, str]) -> pd.DataFrame:  # fmt: skip
    """Element figures per group from the SQL partials: columns region, element, value, quarters."""
    parts = []
    if not partials.empty:
        frame = partials.assign(element=partials["element_id"].map(codes))
        time_rule = frame["element"].map({c: r.time for c, r in rules.items()}).fillna(SUM)
        frame = frame[time_rule != AVERAGE]
        value = np.where(time_rule[frame.index] == LAST, frame["last"], frame["sum"])
        parts.append(frame.assign(value=value)[["region", "element", "value", "quarters"]])
    if not weighted.empty:
        frame = weighted.assign(element=weighted["element_id"].map(codes))
        configured = frame["element"].map(lambda code: bool(rules.get(code) and rules[code].weight))
        value = weighted_figure(
            frame["weighted"].astype(float),
            frame["weights"].astype(float),
            frame["plain"].astype(float) / frame["n"].astype(float),
            configured,
        )
        parts.append(frame.assign(value=value)[["region", "element", "value", "quarters"]])
    if not parts:
        return no_figures()
    result = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    result["value"] = result["value"].astype(float)
    result["region"] = result["region"].astype("int64")
    # A region's figures all cover the latest quarter approved for any of them.
    result["quarters"] = result.groupby("region")["quarters"].transform("max").astype(int)
    return result


def climb(groups: pd.DataFrame, tree: pd.DataFrame, rules: dict[str, ElementRule]) -> pd.DataFrame:
    """Every region's element figures from the group figures, and the quarters they cover."""
    figures = up_the_tree(groups[["region", "element", "value"]], tree, rules)
    quarters = _quarters_up(groups, tree)
    return figures.assign(quarters=figures["region"].map(quarters).fillna(0).astype(int))


def _quarters_up(groups: pd.DataFrame, tree: pd.DataFrame) -> pd.Series:
    """The latest quarter covered by each region: its own, or the latest of those below it."""
    latest = groups.groupby("region")["quarters"].max()
    parent = tree.set_index("region")["parent"]
    depth = tree.set_index("region")["depth"]
    result = latest.copy()
    for level in range(int(depth.max()) if len(depth) else 0, 0, -1):
        at_level = result[result.index.map(depth) == level]
        if at_level.empty:
            continue
        up = at_level.groupby(at_level.index.map(parent)).max()
        up = up[up.index.notna()]
        up.index = up.index.astype(int)
        result = pd.concat([result, up]).groupby(level=0).max()
    return result


def project(figures: pd.DataFrame, rules: dict[str, ElementRule]) -> pd.DataFrame:
    """Year-end projection of each figure at the straight-line pace of the quarters so far."""
    time_rule = figures["element"].map({c: r.time for c, r in rules.items()}).fillna(SUM)
    quarters = figures["quarters"].clip(lower=1)
    scale = np.where(time_rule == SUM, 4.0 / quarters, 1.0)
    return figures.assign(value=figures["value"] * scale)


def indicator_table(figures: pd.DataFrame, projected: pd.DataFrame,
                    rules: list[IndicatorRule]) -> pd.DataFrame:  # fmt: skip
    """Indicator values per region: columns region, indicator, value, projected, quarters."""
    actual = indicators(figures, rules)
    ahead = indicators(projected, rules).rename(columns={"value": "projected"})
    table = actual.merge(ahead, on=["region", "indicator"], how="left")
    quarters = figures.groupby("region")["quarters"].max()
    return table.assign(quarters=table["region"].map(quarters).fillna(0).astype(int))


def recombine(parent_ids, children: pd.DataFrame, rules: dict[str, ElementRule]) -> pd.DataFrame:
    """Figures of the given parents from their children's figures (for a path re-score)."""
    children = children[children["parent"].isin(list(parent_ids))]
    if children.empty:
        return no_figures()
    combined = combine_children(children[["region", "parent", "element", "value"]], rules)
    quarters = children.groupby("parent")["quarters"].max()
    return combined.assign(quarters=combined["region"].map(quarters).fillna(0).astype(int))


def same_quarters(frame: pd.DataFrame) -> pd.DataFrame:
    """Give every figure of a region the latest quarter of any of them."""
    if frame.empty:
        return frame
    return frame.assign(quarters=frame.groupby("region")["quarters"].transform("max").astype(int))


@dataclass(frozen=True)
class TargetCheck:
    """What a warning needs to know of one target in one region."""

    target_id: int
    region_id: int
    region_name: str
    label: str  # indicator name as the document writes it
    unit: str
    comparator: str
    threshold: float | None  # the value, or the reference value of a relative target
    horizon_year: int | None
    departments: str
    cumulative: bool = False
    earlier_total: float = 0.0  # cumulative targets: the sum of the years before this one
    last_year_value: float | None = None  # stocks: last year's figure, for the growth pace
    stock: bool = False
    decimals: int = 2  # the indicator's published precision (0 for counts)


@dataclass(frozen=True)
class WarningRow:
    target_id: int | None
    region_id: int
    level: str
    actual: float | None
    projected: float | None
    required: float | None
    gap: float | None
    message: str
    departments: str


@dataclass(frozen=True)
class Outlook:
    """Where a target is heading: the figure it is judged on at its horizon (projected while the
    horizon is open), whether that is final, and the horizon year."""

    outcome: float
    final: bool
    horizon: int
    so_far: float  # the figure to date: this year's, plus earlier years' for a campaign count


def outlook(*, actual: float, projected: float | None, quarters: int, year: int,
            horizon_year: int | None, cumulative: bool = False, earlier_total: float = 0.0,
            stock: bool = False, last_year_value: float | None = None,
            decimals: int = 2) -> Outlook:  # fmt: skip
    """The one projection of a target, which the warning, the dashboard, the workspace and the
    briefing all show. A flow counted over the campaign is projected at its pace per quarter to
    the end of the horizon year, a stock at its growth since last year, anything else at its
    year-end projection. A count (``decimals`` 0) is rounded to a whole number, half up, and
    judged as rounded: nobody holds 29.67 brands."""
    horizon, _passed = assessed_horizon(horizon_year, year)
    value = actual + (earlier_total if cumulative else 0.0)
    quarters = max(quarters, 1)
    if year >= horizon and quarters >= 4:
        outcome, final = value, True
    else:
        remaining = (max(horizon, year) - year) * 4 + (4 - quarters)
        if cumulative:
            outcome = value + actual / quarters * remaining
        elif stock:
            growth = 0.0 if last_year_value is None else actual - last_year_value
            outcome = actual + max(growth, 0.0) / quarters * remaining
        else:
            outcome = projected if projected is not None and not np.isnan(projected) else actual
        final = False
    return Outlook(
        outcome=round_figure(outcome, decimals), final=final, horizon=horizon, so_far=value
    )


def check_target(check: TargetCheck, actual: float | None, projected: float | None,
                 quarters: int, year: int) -> WarningRow | None:  # fmt: skip
    """A yellow or red warning for one target, or None when it is on track (or cannot be judged)."""
    if check.threshold is None or actual is None or np.isnan(actual):
        return None
    _horizon, passed_year = assessed_horizon(check.horizon_year, year)
    value = actual + (check.earlier_total if check.cumulative else 0.0)
    seen = outlook(
        actual=actual,
        projected=projected,
        quarters=quarters,
        year=year,
        horizon_year=check.horizon_year,
        cumulative=check.cumulative,
        earlier_total=check.earlier_total,
        stock=check.stock,
        last_year_value=check.last_year_value,
        decimals=check.decimals,
    )
    if bool(meets(seen.outcome, check.comparator, check.threshold)):
        return None
    level = "red" if seen.final else "yellow"
    gap = shortfall(seen.outcome, check.comparator, check.threshold)
    message = warning_message(
        level=level,
        region_name=check.region_name,
        label=check.label,
        unit=check.unit,
        comparator=check.comparator,
        threshold=check.threshold,
        outcome=seen.outcome,
        gap=gap,
        horizon=seen.horizon,
        document_year=passed_year,
        year=year,
        departments=check.departments,
        decimals=check.decimals,
    )
    return WarningRow(
        target_id=check.target_id,
        region_id=check.region_id,
        level=level,
        actual=value,
        projected=seen.outcome,
        required=check.threshold,
        gap=gap,
        message=message[:500],
        departments=check.departments,
    )
