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

Before anything is compared, every figure is rounded (half up) to its indicator's published
precision: two towns showing the same 85.2 are equal, whatever the database's summation order
left in the last bits of a float. An item may count what is new in the year (``counts: new``):
the rise of the figure against last year's, never below 0; without last year's figure it scores
0 and is flagged.

The total is the exact (decimal) sum of the item scores, rounded by the rulebook's rule (two
decimals, half up, unless it says otherwise); the grade is that total's, compared exactly with
the bands (highest first); a veto forces the last band whatever the points. Ranks are competition
ranks on the total (ties share the better rank: 1, 2, 2, 4); vetoed regions rank after all
others unless the rulebook ranks them by score. A region without any figure is 未参评 (no grade,
no rank, not a peer) unless the rulebook scores it on zeros.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

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
    counts: str = ""  # "new": the rise against last year's figure
    decimals: int | None = None  # the indicator's published precision


@dataclass(frozen=True)
class RulebookSpec:
    items: tuple[ItemSpec, ...]
    bands: tuple[tuple[str, float], ...]  # (grade, minimum), highest first
    decimals: int = 2
    rounding: str = "half_up"
    unreported: str = "absent"
    veto_ranking: str = "last"

    @property
    def veto_grade(self) -> str:
        return self.bands[-1][0]


# Flags a result carries (its ``flags``): a reason a score may not be what the office intends.
MISSING_REFERENCE = "missing_reference"
MISSING_LAST_YEAR = "missing_last_year"


def meets(actual: pd.Series, comparator: str, threshold: float) -> pd.Series:
    """Whether each actual value satisfies the requirement; False where it is missing."""
    return status.meets(actual, comparator, threshold).fillna(False) & actual.notna()


def published(actual: pd.Series, decimals: int | None) -> pd.Series:
    """The figures as published: rounded half up to ``decimals`` (unchanged when None), exactly
    as ``status.round_figure`` rounds a figure for display. Vectorised; the few figures within
    a hair of a half are rounded one by one through Decimal, so both always agree."""
    values = actual.astype(float)
    if decimals is None:
        return values
    array = values.to_numpy(copy=True)
    scaled = array * 10.0**decimals
    rounded = np.floor(scaled + 0.5) / 10.0**decimals
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for position in np.flatnonzero(near_half & ~np.isnan(array)):
        rounded[position] = status.round_figure(array[position], decimals)
    return pd.Series(rounded, index=values.index)


def counted(item: ItemSpec, actual: pd.Series, previous: pd.Series | None) -> pd.Series:
    """What the item counts of each region's figure: the figure itself, or (``counts: new``) its
    rise against last year's, at least 0, and missing where last year's figure is."""
    actual = published(actual, item.decimals)
    if item.counts != "new":
        return actual
    if previous is None:
        previous = pd.Series(np.nan, index=actual.index)
    before = published(previous.reindex(actual.index), item.decimals)
    return (actual.fillna(0) - before).clip(lower=0).where(before.notna())


def totals_of(scores: np.ndarray, decimals: int = 2, rounding: str = "half_up") -> list[Decimal]:
    """The total of each row of item scores: their exact sum, rounded once by the rulebook's
    rule. Each score is first cut to six decimals (what a float of a few points holds exactly),
    so that 89.995 reached through float arithmetic as 89.99499999999999 is still 89.995 and
    rounds to 90.00; the sum is then exact, in millionths of a point."""
    micro = np.rint(np.asarray(scores, dtype=float) * 1_000_000).astype(np.int64)
    if micro.ndim == 1:
        micro = micro.reshape(1, -1)
    exact = micro.sum(axis=1)
    unit = 10 ** (6 - decimals)
    if rounding == "half_up":  # half away from zero (a total is never negative)
        kept = np.where(exact >= 0, (exact + unit // 2) // unit, -((-exact + unit // 2) // unit))
    else:  # down: towards zero
        kept = np.where(exact >= 0, exact // unit, -((-exact) // unit))
    return [Decimal(int(k)).scaleb(-decimals) for k in kept]


def total_of(scores: list[float], decimals: int = 2, rounding: str = "half_up") -> Decimal:
    """The total of one region's item scores (see ``totals_of``)."""
    return totals_of(np.array([scores], dtype=float), decimals, rounding)[0]


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


def grade_for(total, bands: tuple[tuple[str, float], ...]) -> str:
    """The grade of a published total: the first band (highest first) whose minimum it reaches,
    compared exactly (89.99 is not 90)."""
    total = Decimal(str(total))
    for grade, minimum in bands:
        if total >= Decimal(str(minimum)):
            return grade
    return bands[-1][0]


def competition_rank(totals: pd.Series, groups: pd.Series | None = None,
                     behind: pd.Series | None = None) -> pd.Series:  # fmt: skip
    """1 for the best total of each group; equal totals share the better rank (1, 2, 2, 4).
    Regions marked ``behind`` (vetoed, when the rulebook says so) rank after all the others."""
    if groups is None:
        groups = pd.Series(0, index=totals.index)
    # Totals are already rounded to the rulebook's decimals: a whole-number key compares them
    # exactly. Regions behind are pushed below every total.
    key = (totals.astype(float) * 10_000).round().astype("int64")
    if behind is not None:
        key = key - behind.astype("int64") * 10**15
    return key.groupby(groups).rank(method="min", ascending=False).astype(int)


def _column(values: pd.DataFrame | None, code: str | None, index) -> pd.Series:
    if values is not None and code in values:
        return values[code].reindex(index)
    return pd.Series(np.nan, index=index)


def score(
    rulebook: RulebookSpec,
    values: pd.DataFrame,
    vetoes: dict | None = None,
    groups: pd.Series | None = None,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Scores of every region (the index of ``values``; columns are indicator codes;
    ``previous`` holds last year's figures, for items that count what is new).

    ``groups`` (aligned with the index) scores several rulebooks of the same specification at
    once: ranks, "best" and peer counts are taken within each group. Returns one row per
    region: a column per item code, ``total`` (a Decimal), ``grade`` ("" when not reported),
    ``rank`` (NA when not reported), ``peers``, ``vetoed``, ``veto_reason``, ``reported``,
    ``figures`` ({indicator: figure counted}) and ``flags`` (list of {item, kind})."""
    vetoes = vetoes or {}
    index = values.index
    if groups is None:
        groups = pd.Series(0, index=index)
    wanted = {item.indicator for item in rulebook.items if item.indicator}
    has_figures = values.reindex(columns=sorted(wanted)).notna().any(axis=1)
    reported = has_figures | (rulebook.unreported == "zero")
    result = pd.DataFrame(index=index)
    counted_by_item, flags = {}, [[] for _ in range(len(index))]
    is_reported, with_figures = reported.to_numpy(), has_figures.to_numpy()
    for item in rulebook.items:
        column = counted(
            item,
            _column(values, item.indicator, index),
            _column(previous, item.indicator, index) if item.counts == "new" else None,
        )
        counted_by_item[item.code] = column.to_numpy()
        # Unreported regions are scored apart, so that "best" and ranks are among the peers.
        scored = score_item(item, column.where(reported), groups.where(reported, -1))
        scored = scored.where(reported, 0.0)
        if scored.isna().any():
            # Refused when the rulebook is saved; a run never drops an item silently.
            raise ValueError(f"评分项目 {item.code} 的得分无法计算，请检查其方法参数")
        result[item.code] = scored.round(4)
        if item.method == "relative" and item.reference is None:
            flagged = is_reported
            kind = MISSING_REFERENCE
        elif item.counts == "new":
            flagged = is_reported & with_figures & np.isnan(counted_by_item[item.code])
            kind = MISSING_LAST_YEAR
        else:
            continue
        for position in np.flatnonzero(flagged):
            flags[position].append({"item": item.code, "kind": kind})
    codes = [item.code for item in rulebook.items]
    result["total"] = (
        totals_of(result[codes].to_numpy(dtype=float), rulebook.decimals, rulebook.rounding)
        if codes
        else [Decimal(0).scaleb(-rulebook.decimals)] * len(index)
    )
    result["vetoed"] = [region in vetoes for region in index]
    result["veto_reason"] = [vetoes.get(region, "") for region in index]
    result["reported"] = reported.to_numpy()
    result["grade"] = [
        "" if not is_reported
        else rulebook.veto_grade if vetoed
        else grade_for(total, rulebook.bands)
        for total, vetoed, is_reported in zip(
            result["total"], result["vetoed"], result["reported"], strict=True
        )
    ]  # fmt: skip
    figured = [(item.indicator, counted_by_item[item.code]) for item in rulebook.items
               if item.indicator]  # fmt: skip
    result["figures"] = [
        {code: _plain(float(column[position])) for code, column in figured}
        for position in range(len(index))
    ]
    result["flags"] = flags
    if len(result):
        peers = groups[reported]
        behind = result["vetoed"] if rulebook.veto_ranking == "last" else None
        ranks = competition_rank(
            result["total"][reported], peers, behind[reported] if behind is not None else None
        )
        result["rank"] = ranks.reindex(index).astype("Int64")
        result["peers"] = groups.map(peers.value_counts()).fillna(0).astype(int)
    else:
        result["rank"] = []
        result["peers"] = []
    return result


def _plain(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def check_total(points: list[float], bonus: list[bool], total: float) -> str | None:
    """A rulebook's non-bonus leaf points must add up to its total; the message says by how much."""
    base = sum(p for p, is_bonus in zip(points, bonus, strict=True) if not is_bonus)
    if not math.isclose(base, total, abs_tol=1e-6):
        return f"各评分项目（不含加分项）分值合计 {base:g} 分，与总分 {total:g} 分不一致"
    return None
