"""The shape of the synthetic region tree (pure numpy, no database)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from assessments.devdata.synthetic.common import (
    MAX_CHILDREN,
    NAME_PREFIX,
    NATIONAL,
    PREFIX,
    SyntheticDataError,
)


@dataclass(frozen=True)
class Shape:
    provinces: int
    cities: int
    districts: int
    towns: int

    def validate(self) -> None:
        counts = [self.provinces, self.cities, self.districts, self.towns]
        if min(counts) < 1:
            raise SyntheticDataError("每一级至少要有 1 个区划。")
        if not (self.provinces <= self.cities <= self.districts <= self.towns):
            raise SyntheticDataError(
                "区划数必须逐级不减：省 ≤ 市 ≤ 区 ≤ 镇"
                f"（现为 {self.provinces} / {self.cities} / {self.districts} / {self.towns}）。"
            )
        if self.provinces > MAX_CHILDREN[1]:
            raise SyntheticDataError(f"合成省最多 {MAX_CHILDREN[1]} 个。")
        for parents, children, level in (
            (self.provinces, self.cities, 2),
            (self.cities, self.districts, 3),
            (self.districts, self.towns, 4),
        ):
            if children > parents * MAX_CHILDREN[level]:
                raise SyntheticDataError(
                    f"每个上级最多 {MAX_CHILDREN[level]} 个下级（编码位数所限）："
                    f"{parents} 个上级放不下 {children} 个下级。"
                )


def default_shape(towns: int) -> Shape:
    """The national proportions (31 : 340 : 2,850 : 38,000) scaled to ``towns``."""
    scale = towns / NATIONAL["towns"]
    provinces = min(NATIONAL["provinces"], max(1, math.ceil(NATIONAL["provinces"] * scale)))
    cities = max(provinces, math.ceil(NATIONAL["cities"] * scale))
    districts = max(cities, math.ceil(NATIONAL["districts"] * scale))
    return Shape(provinces, cities, min(districts, towns), towns)


def _apportion(total: int, weights: np.ndarray, high: int) -> np.ndarray:
    """Split ``total`` over ``len(weights)`` parts in proportion to the weights (largest
    remainder), every part at least 1 and at most ``high``."""
    n = len(weights)
    assert n <= total <= n * high, (n, total, high)
    alloc = np.ones(n, dtype=np.int64)
    rest = total - n
    while rest > 0:
        open_ = alloc < high
        w = np.where(open_, weights, 0.0)
        share = rest * w / w.sum()
        add = np.minimum(np.floor(share).astype(np.int64), high - alloc)
        alloc += add
        rest -= int(add.sum())
        if rest <= 0:
            break
        # The remainder goes one by one to the largest fractional shares still open.
        order = np.argsort(-(share - np.floor(share)), kind="stable")
        for i in order:
            if rest == 0:
                break
            if alloc[i] < high:
                alloc[i] += 1
                rest -= 1
    return alloc


def _rank_within(counts: np.ndarray) -> np.ndarray:
    """1, 2, …, counts[0], 1, 2, …, counts[1], …: each child's number under its parent."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(int(counts.sum())) - starts + 1


@dataclass
class Tree:
    """Codes and names per level (index 0 = provinces … 3 = towns) and each node's parent index
    into the level above; ``town_province`` is each town's province index."""

    codes: list[list[str]]
    names: list[list[str]]
    parents: list[np.ndarray | None]
    town_province: np.ndarray
    town_size: np.ndarray

    def paths(self) -> list[list[str]]:
        """Each node's materialised path, as ``Region.save()`` computes it."""
        result: list[list[str]] = []
        for level, codes in enumerate(self.codes):
            if level == 0:
                result.append([f"{code}/" for code in codes])
            else:
                above = result[level - 1]
                parents = self.parents[level].tolist()
                result.append(
                    [f"{above[p]}{code}/" for p, code in zip(parents, codes, strict=True)]
                )
        return result


def build_tree(shape: Shape, rng: np.random.Generator) -> Tree:
    shape.validate()
    province_weight = rng.lognormal(0.0, 0.6, shape.provinces)
    cities_per = _apportion(shape.cities, province_weight, MAX_CHILDREN[2])
    city_parent = np.repeat(np.arange(shape.provinces), cities_per)
    city_weight = (
        province_weight[city_parent] / cities_per[city_parent]
        * rng.lognormal(0.0, 0.5, shape.cities)
    )  # fmt: skip
    districts_per = _apportion(shape.districts, city_weight, MAX_CHILDREN[3])
    district_parent = np.repeat(np.arange(shape.cities), districts_per)
    district_weight = (
        city_weight[district_parent] / districts_per[district_parent]
        * rng.lognormal(0.0, 0.4, shape.districts)
    )  # fmt: skip
    towns_per = _apportion(shape.towns, district_weight, MAX_CHILDREN[4])
    town_parent = np.repeat(np.arange(shape.districts), towns_per)

    province_codes = [f"{PREFIX}{i:02d}" for i in range(1, shape.provinces + 1)]
    city_codes = [
        f"{province_codes[p]}{n:02d}"
        for p, n in zip(city_parent.tolist(), _rank_within(cities_per).tolist(), strict=True)
    ]
    district_codes = [
        f"{city_codes[c]}{n:02d}"
        for c, n in zip(district_parent.tolist(), _rank_within(districts_per).tolist(), strict=True)
    ]
    town_codes = [
        f"{district_codes[d]}{n:03d}"
        for d, n in zip(town_parent.tolist(), _rank_within(towns_per).tolist(), strict=True)
    ]
    codes = [province_codes, city_codes, district_codes, town_codes]
    names = [
        [f"{NAME_PREFIX[level]}{code[len(PREFIX) :]}" for code in level_codes]
        for level, level_codes in enumerate(codes, start=1)
    ]
    town_province = city_parent[district_parent[town_parent]]
    town_size = rng.lognormal(0.0, 0.5, shape.towns)
    return Tree(
        codes=codes,
        names=names,
        parents=[None, city_parent, district_parent, town_parent],
        town_province=town_province,
        town_size=town_size,
    )
