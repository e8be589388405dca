"""Aggregation of data elements over quarters and up the region tree, then indicators.
Pure: pandas frames in, pandas frames out; no ORM, no I/O.

Counts before rates (DOMAIN.md): a rate is never averaged. Numerator and denominator are each
aggregated by their own rule, and the indicator is computed from the aggregated figures:
Q1 10/10 and Q2 900/1000 give 910/1010 = 90.1 %, not the mean 95 %.

Rules per element:
- ``sum``: flows add up over quarters and over regions;
- ``last``: stocks; the year's figure is the latest quarter's; over regions they add up;
- ``avg``: survey scores; weighted by the element named as weight (same region and quarter),
  or a plain mean where no weight is configured. Where a weight is configured, a score whose
  weight is 0 or missing counts for nothing, and a figure with no weight at all is missing: a
  town reporting a score of 100 from 0 respondents has no score.

Frames use these columns:
- values: ``region`` (int), ``quarter`` (int), ``element`` (str), ``value`` (float);
- yearly: ``region``, ``element``, ``value``;
- tree: ``region`` (int), ``parent`` (int or NA), ``depth`` (int, 0 for the top).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

SUM, LAST, AVERAGE = "sum", "last", "avg"


@dataclass(frozen=True)
class ElementRule:
    code: str
    time: str = SUM
    region: str = SUM
    weight: str | None = None


@dataclass(frozen=True)
class IndicatorRule:
    code: str
    numerator: str
    denominator: str | None = None
    scale: float = 1.0


def weighted_figure(weighted, weights, plain, configured):
    """A weighted mean (Σ value × weight / Σ weight) where a weight is configured: missing (NaN)
    when the weights add up to 0 or nothing; the plain mean where none is configured."""
    weights = np.asarray(weights, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_weight = np.asarray(weighted, dtype=float) / weights
    by_weight = np.where(np.nan_to_num(weights) > 0, by_weight, np.nan)
    return np.where(np.asarray(configured, dtype=bool), by_weight, np.asarray(plain, dtype=float))


def _weighted_mean(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Mean of ``value`` weighted by ``weight`` per group (see ``weighted_figure``)."""
    weighted = frame.assign(
        _wv=frame["value"] * frame["weight"],
        _w=frame["weight"],
        _n=1.0,
        _c=frame["weight_element"].notna().astype(float),
    )
    sums = weighted.groupby(keys, sort=False)[["_wv", "_w", "value", "_n"]].sum(min_count=1)
    configured = weighted.groupby(keys, sort=False)["_c"].max() > 0
    value = weighted_figure(sums["_wv"], sums["_w"], sums["value"] / sums["_n"], configured)
    return pd.Series(value, index=sums.index)


def _attach_weights(
    frame: pd.DataFrame, source: pd.DataFrame, rules: dict[str, ElementRule], keys: list[str]
) -> pd.DataFrame:
    """Add a ``weight`` column: the figure of each row's weight element in ``source``."""
    weight_of = {code: rule.weight for code, rule in rules.items() if rule.weight}
    if not weight_of:
        return frame.assign(weight=np.nan, weight_element=None)
    weights = source[source["element"].isin(set(weight_of.values()))]
    weights = weights.rename(columns={"element": "weight_element", "value": "weight"})
    merged = frame.assign(weight_element=frame["element"].map(weight_of))
    return merged.merge(
        weights[[*keys, "weight_element", "weight"]], on=[*keys, "weight_element"], how="left"
    )


def combine_children(children: pd.DataFrame, rules: dict[str, ElementRule]) -> pd.DataFrame:
    """Parent figures from children figures (columns region, parent, element, value)."""
    rule_region = children["element"].map({c: r.region for c, r in rules.items()}).fillna(SUM)
    parts = []
    plain = children[rule_region != AVERAGE]
    if not plain.empty:
        parts.append(plain.groupby(["parent", "element"], sort=False)["value"].sum().reset_index())
    averaged = children[rule_region == AVERAGE]
    if not averaged.empty:
        # Each child weighs by its own aggregated weight figure (its respondents, say).
        with_weights = _attach_weights(averaged, children, rules, ["region"])
        means = _weighted_mean(with_weights, ["parent", "element"]).rename("value").reset_index()
        parts.append(means.dropna(subset=["value"]))
    return pd.concat(parts, ignore_index=True).rename(columns={"parent": "region"})


def up_the_tree(
    yearly: pd.DataFrame, tree: pd.DataFrame, rules: dict[str, ElementRule]
) -> pd.DataFrame:
    """Every region's figure: its own where entered there, else the aggregate of its children.

    Works depth by depth from the deepest, so a level the tree skips (a district directly under
    a municipality) needs no special case."""
    columns = ["region", "element", "value"]
    if yearly.empty:
        return yearly[columns].copy()
    depth = tree.set_index("region")["depth"]
    parent = tree.set_index("region")["parent"]
    own = yearly[columns].assign(depth=yearly["region"].map(depth))
    deepest = int(depth.max())
    levels = {deepest: own[own["depth"] == deepest][columns]}
    for level in range(deepest - 1, -1, -1):
        parts = [own[own["depth"] == level][columns]]
        below = levels[level + 1]
        if not below.empty:
            children = below.assign(parent=below["region"].map(parent)).dropna(subset=["parent"])
            if not children.empty:
                children["parent"] = children["parent"].astype("int64")
                parts.append(combine_children(children, rules))
        levels[level] = pd.concat(parts, ignore_index=True).drop_duplicates(
            ["region", "element"], keep="first"
        )
    return pd.concat(levels.values(), ignore_index=True)[columns]


def indicators(figures: pd.DataFrame, rules: list[IndicatorRule]) -> pd.DataFrame:
    """Indicator values per region from aggregated figures (ratio = Σnumerator / Σdenominator)."""
    wide = (
        figures.drop_duplicates(["region", "element"])
        .set_index(["region", "element"])["value"]
        .unstack()
    )
    # All rules at once on the wide matrix: a missing element is NaN, a zero denominator too.
    numerators = wide.reindex(columns=[rule.numerator for rule in rules]).to_numpy(float)
    denominators = wide.reindex(columns=[rule.denominator or "" for rule in rules]).to_numpy(
        float, copy=True
    )
    plain = np.array([not rule.denominator for rule in rules])
    denominators[:, plain] = 1.0
    denominators[denominators == 0] = np.nan
    scale = np.array([rule.scale for rule in rules], dtype=float)
    matrix = numerators / denominators * scale
    # Long form, indicator by indicator (what DataFrame.melt gives, without its overhead).
    rows, columns = matrix.shape
    long = pd.DataFrame(
        {
            "region": np.tile(wide.index.to_numpy(), columns),
            "indicator": np.repeat(np.array([rule.code for rule in rules], dtype=object), rows),
            "value": matrix.ravel(order="F"),
        }
    )
    return long[long["value"].notna()].reset_index(drop=True)
