"""Score regions against a rulebook. Pure: pandas in, pandas out; no ORM, no I/O.

Every method works on a Series of actual values indexed by region (the peers of one
rulebook), so that a rulebook of 2,850 districts is scored with a handful of vector
operations. A missing value scores 0 for that item.

Methods (DOMAIN.md, "The yearly assessment"):
- ``met``: full points when the requirement is met (comparator and threshold), else 0;
- ``proportional``: points × min(1, actual / threshold) (for ≤ requirements threshold / actual);
- ``deduction``: points − deduct × ⌈shortfall / per⌉, floored at 0 (params ``per``, ``deduct``);
- ``tiered``: points × the share of the highest tier reached (params ``tiers``: [{min, share}]);
- ``rank``: by competition rank among the peers: ``table`` gives the points of 1st, 2nd, …
  (others get ``default``, 0 unless given); or ``mode: "best"``: points × actual / best;
- ``relative``: full points when the requirement against the reference value (全省平均水平 of
  the year) is met; 0 when no reference value is recorded;
- ``bonus``: actual × ``per_unit``, capped at the item's points; it adds to the total.

Grades come from the rulebook's bands (highest first); a veto forces the last band whatever
the points. Ranks are competition ranks on the total (ties share the better rank: 1, 2, 2, 4).
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from targets import status

HIGHER = status.HIGHER_IS_BETTER


@dataclass(frozen=True)
class ItemSpec:
    code: str
    points: float
    method: str
    indicator: str | None
    comparator: str = ">="
    threshold: float | None = None
    reference: float | None = None
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RulebookSpec:
    items: tuple[ItemSpec, ...]
    bands: tuple[tuple[str, float], ...]  # (grade, minimum), highest first

    @property
    def veto_grade(self) -> str:
        return self.bands[-1][0]


def meets(actual: pd.Series, comparator: str, threshold: float) -> pd.Series:
    """Whether each actual value satisfies the requirement; False where it is missing."""
    return status.meets(actual, comparator, threshold).fillna(False) & actual.notna()


def _zero(actual: pd.Series) -> pd.Series:
    return pd.Series(0.0, index=actual.index)


def score_item(item: ItemSpec, actual: pd.Series, groups: pd.Series | None = None) -> pd.Series:
    """Points of one leaf item for every region in ``actual``; ``groups`` names each region's
    peer group (one rulebook) where several are scored at once: ranks stay within a group."""
    actual = actual.astype(float)
    points = float(item.points)
    method = item.method
    if method == "relative":
        if item.reference is None:
            return _zero(actual)
        return meets(actual, item.comparator, item.reference) * points
    if method == "bonus":
        per_unit = float(item.params.get("per_unit", 1))
        return (actual.fillna(0).clip(lower=0) * per_unit).clip(upper=points)
    if method == "rank":
        if groups is None:
            groups = pd.Series(0, index=actual.index)
        return _rank_points(item, actual, groups)
    if method == "tiered":
        tier_higher = item.comparator in HIGHER
        tiers = sorted(item.params.get("tiers", []), key=lambda t: t["min"], reverse=tier_higher)
        share = pd.Series(0.0, index=actual.index)
        reached = pd.Series(False, index=actual.index)
        for tier in tiers:
            hit = meets(actual, ">=" if tier_higher else "<=", float(tier["min"])) & ~reached
            share = share.where(~hit, float(tier["share"]))
            reached |= hit
        return share * points
    if item.threshold is None:
        return _zero(actual)
    threshold = float(item.threshold)
    higher = item.comparator in HIGHER
    if method == "met":
        return meets(actual, item.comparator, threshold) * points
    if method == "proportional":
        if threshold == 0:
            return meets(actual, item.comparator, threshold) * points
        if higher:
            ratio = actual / threshold
        else:  # lower is better: at or below the ceiling scores full, above it proportionally less
            ratio = (threshold / actual.where(actual > 0)).where(actual > 0, 1.0)
            ratio = ratio.where(actual.notna())
        return (ratio.clip(lower=0, upper=1) * points).fillna(0.0)
    if method == "deduction":
        per = float(item.params.get("per", 1))
        deduct = float(item.params.get("deduct", 1))
        shortfall = (threshold - actual) if higher else (actual - threshold)
        units = np.ceil((shortfall.clip(lower=0) / per) - status.TOLERANCE).clip(lower=0)
        scored = (points - units * deduct).clip(lower=0)
        return scored.where(actual.notna(), 0.0)
    raise ValueError(f"unknown scoring method {method!r}")


def _rank_points(item: ItemSpec, actual: pd.Series, groups: pd.Series) -> pd.Series:
    higher = item.comparator in HIGHER or not item.comparator
    present = actual.dropna()
    if present.empty:
        return _zero(actual)
    by_group = present.groupby(groups[present.index])
    if item.params.get("mode") == "best":
        best = by_group.transform("max" if higher else "min")
        ratio = present / best if higher else best / present.where(present != 0)
        ratio = ratio.where(best != 0, 0.0)
        scored = ratio.clip(lower=0, upper=1) * float(item.points)
        return scored.reindex(actual.index).fillna(0.0)
    ranks = by_group.rank(method="min", ascending=not higher).astype(int)
    table = [float(p) for p in item.params.get("table", [])]
    default = float(item.params.get("default", 0))
    scored = ranks.map(lambda r: table[r - 1] if r <= len(table) else default)
    return scored.reindex(actual.index).fillna(0.0).clip(upper=float(item.points))


def grade_for(total: float, bands: tuple[tuple[str, float], ...]) -> str:
    for grade, minimum in bands:
        if total >= minimum - status.TOLERANCE:
            return grade
    return bands[-1][0]


def competition_rank(totals: pd.Series, groups: pd.Series | None = None) -> pd.Series:
    """1 for the best total of each group; equal totals share the better rank (1, 2, 2, 4)."""
    rounded = totals.round(6)
    if groups is None:
        return rounded.rank(method="min", ascending=False).astype(int)
    return rounded.groupby(groups).rank(method="min", ascending=False).astype(int)


def score(
    rulebook: RulebookSpec,
    values: pd.DataFrame,
    vetoes: dict | None = None,
    groups: pd.Series | None = None,
) -> pd.DataFrame:
    """Scores of every region (the index of ``values``; columns are indicator codes).

    ``groups`` (aligned with the index) scores several rulebooks of the same specification at
    once: ranks, "best" and peer counts are taken within each group. Returns one row per
    region: a column per item code, ``total``, ``grade``, ``rank``, ``peers``, ``vetoed`` and
    ``veto_reason``."""
    vetoes = vetoes or {}
    if groups is None:
        groups = pd.Series(0, index=values.index)
    result = pd.DataFrame(index=values.index)
    for item in rulebook.items:
        column = (
            values[item.indicator]
            if item.indicator in values
            else pd.Series(np.nan, index=values.index)
        )
        result[item.code] = score_item(item, column, groups).round(4)
    codes = [item.code for item in rulebook.items]
    result["total"] = result[codes].sum(axis=1).round(2) if codes else 0.0
    result["vetoed"] = [region in vetoes for region in result.index]
    result["veto_reason"] = [vetoes.get(region, "") for region in result.index]
    result["grade"] = [
        rulebook.veto_grade if vetoed else grade_for(total, rulebook.bands)
        for total, vetoed in zip(result["total"], result["vetoed"], strict=True)
    ]
    result["rank"] = competition_rank(result["total"], groups) if len(result) else []
    result["peers"] = groups.map(groups.value_counts()) if len(result) else []
    return result


def check_total(points: list[float], bonus: list[bool], total: float) -> str | None:
    """A rulebook's non-bonus leaf points must add up to its total; the message says by how much."""
    base = sum(p for p, is_bonus in zip(points, bonus, strict=True) if not is_bonus)
    if not math.isclose(base, total, abs_tol=1e-6):
        return f"各评分项目（不含加分项）分值合计 {base:g} 分，与总分 {total:g} 分不一致"
    return None
