"""Writes: a deterministic, national-scale synthetic data set for benchmarks and load tests.

    python manage.py generate_synthetic --towns 38000 --elements 30 --year 2025 --seed 1

builds 31 provinces, 340 cities, 2,850 districts and 38,000 towns (the national shape of
DOMAIN.md), 30 data elements entered by towns, with their rules and indicators, the four
quarters of the year, one approved submission per town and quarter and one value per submission
and element: 38,000 × 4 × 30 = 4.56 million values. Smaller ``towns`` scale the tree down in
proportion (or pass ``provinces`` / ``cities`` / ``districts`` explicitly).

Code scheme (``Region.code`` is at most 12 characters; synthetic codes start with "X", which no
GB/T 2260 or NBS code does, so they never collide with the real reference regions):

    level  level_name  code          digits                         name
    1      省          X01           province 01-99                 合成省01
    2      市          X0103         + city within province 01-99   合成市0103
    3      区          X010307       + district within city 01-99   合成区010307
    4      镇          X010307012    + town within district 001-999 合成镇010307012

``path`` is materialised exactly as ``Region.save()`` computes it (the parent's path, the code,
"/"): "X01/X0103/X010307/X010307012/" (29 characters). The whole data set is therefore
``Region.objects.filter(path__startswith="X")``; ``synthetic_regions_root_codes()`` lists its
provinces. Sizes are uneven and deterministic from the seed: province weights are log-normal,
cities, districts and towns are apportioned by weight (every node has at least one child).

Data elements: ``syn_01`` … ``syn_NN`` in group "合成数据", entered by towns (entry_level 4),
``applies_to`` empty. About two thirds are pairs (sampled SUM count, qualified SUM count) with a
rule qualified ≤ sampled and a ratio indicator (×100, %); a few are LAST stocks with a value
indicator; the last two are a survey's respondents (SUM count) and its score (weighted AVERAGE
over time and regions, percent 0-100, weighted by the respondents) with a value indicator.
Indicators are ``syn_ind_01`` … in the same order. The elements are inactive: generated, never
entered, they appear in no entry form, template or completeness count of real regions, while
the roll-up aggregates their values like any other.

Values follow the hard rules: counts are non-negative integers, qualified ≤ sampled, stocks never
decrease from one quarter to the next, scores lie in 0-100 with one decimal. Submissions are
approved, version 1, submitted and decided inside their quarter's entry window, by nobody.

Speed: numpy generates everything, vectorised, from ``numpy.random.default_rng`` streams spawned
from the seed (the tree, the figures and the timestamps have their own stream, so the values do
not depend on database ids). Rows are written in bulk: COPY … FROM STDIN (CSV) on PostgreSQL,
chunked ``executemany`` on SQLite, all inside one transaction: either the whole data set is
there or none of it. Values are streamed in chunks so memory stays bounded.

Safety: an existing synthetic data set is refused unless ``replace=True``, which first deletes
the previous one (values and submissions of synthetic regions in one statement each, then rows
of other tables that cascade from synthetic regions, submissions, elements or indicators, then
the elements, indicators and regions). Rows outside the data set that point at it and would be
lost or orphaned (a user of a synthetic town, a target measured by a synthetic indicator, a
value of a synthetic element in a real submission) make it refuse instead. Real rows are never
touched. Periods are shared and kept.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone

from assessments.models import (
    Aggregation,
    DataElement,
    ElementRule,
    Indicator,
    IndicatorKind,
    Period,
    Status,
    Submission,
    Value,
    ValueType,
)
from portal.bulk import copy_csv, executemany, insert_plan, insert_rows, is_postgres
from portal.models import Region, RegionLevel

PREFIX = "X"
GROUP = "合成数据"
ELEMENT_PREFIX = "syn_"
INDICATOR_PREFIX = "syn_ind_"
ORDER_BASE = 10_000  # synthetic elements sort after the real ones

NATIONAL = {"provinces": 31, "cities": 340, "districts": 2850, "towns": 38_000}
# Most children a parent can have with the digits of the code scheme.
MAX_CHILDREN = {1: 99, 2: 99, 3: 99, 4: 999}
LEVEL_NAMES = {1: "省", 2: "市", 3: "区", 4: "镇"}
NAME_PREFIX = {1: "合成省", 2: "合成市", 3: "合成区", 4: "合成镇"}
SEASON = np.array([0.85, 1.0, 1.05, 1.15])  # Q1 is quieter (Spring Festival), Q4 busier
DEFAULT_CHUNK_ROWS = 400_000

Progress = Callable[[str], None]


class SyntheticDataError(Exception):
    """The request cannot be carried out; the message says why and what to do."""


class SyntheticDataExists(SyntheticDataError):
    """A synthetic data set is already there and ``replace`` was not asked for."""


# --------------------------------------------------------------------------------------------
# Finding the data set


def synthetic_regions() -> models.QuerySet[Region]:
    """Every synthetic region (all levels)."""
    return Region.objects.filter(code__startswith=PREFIX)


def synthetic_regions_root_codes() -> list[str]:
    """The codes of the synthetic provinces in the database ("X01", "X02", …), sorted; empty
    when there is no synthetic data set. A benchmark finds the whole set by these roots."""
    return list(
        synthetic_regions().filter(level=RegionLevel.PROVINCE).order_by("code")
        .values_list("code", flat=True)
    )  # fmt: skip


def synthetic_elements() -> models.QuerySet[DataElement]:
    return DataElement.objects.filter(code__startswith=ELEMENT_PREFIX)


def synthetic_indicators() -> models.QuerySet[Indicator]:
    return Indicator.objects.filter(code__startswith=INDICATOR_PREFIX)


def synthetic_submissions() -> models.QuerySet[Submission]:
    return Submission.objects.filter(region__path__startswith=PREFIX)


def is_synthetic_code(code: str) -> bool:
    return code.startswith(PREFIX)


def exists() -> bool:
    return (
        synthetic_regions().exists()
        or synthetic_elements().exists()
        or synthetic_indicators().exists()
    )


# --------------------------------------------------------------------------------------------
# The shape of the tree (pure numpy, no database)


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


# --------------------------------------------------------------------------------------------
# Data elements and figures

PAIR_THEMES = [
    ("产品质量监督抽查", "批"),
    ("食品安全抽检", "批"),
    ("市场商品抽检", "批"),
    ("企业产品抽检", "批"),
    ("出口商品检验", "批"),
    ("计量器具检定", "台"),
    ("特种设备检验", "台"),
    ("农产品质量抽检", "批"),
    ("工程竣工验收", "项"),
    ("服务质量测评", "次"),
]
STOCK_THEMES = [
    ("名牌产品数", "项"),
    ("驰名商标企业数", "家"),
    ("质量奖企业数", "家"),
    ("质量管理体系认证企业数", "家"),
    ("采用国际标准产品数", "个"),
    ("标准化试点单位数", "个"),
    ("地理标志产品数", "个"),
    ("检验检测机构数", "家"),
]


@dataclass(frozen=True)
class ElementPlan:
    """One synthetic element: its role in the mix (sampled, qualified, stock, respondents,
    score), the index of its partner (the sampled element of a qualified one, the respondents
    of the score), its name and unit."""

    code: str
    role: str
    name: str
    unit: str
    partner: int | None = None


def plan_elements(count: int) -> list[ElementPlan]:
    """The mix for ``count`` elements (5-99): about two thirds in (sampled, qualified) pairs, a
    few stocks, then the survey's respondents and score. Depends on ``count`` only."""
    if not 5 <= count <= 99:
        raise SyntheticDataError("合成数据项个数须在 5 到 99 之间。")
    rest = count - 2
    pairs = max(1, round(count / 3))
    while 2 * pairs > rest - 1:
        pairs -= 1
    stocks = rest - 2 * pairs
    plans: list[ElementPlan] = []

    def code() -> str:
        return f"{ELEMENT_PREFIX}{len(plans) + 1:02d}"

    for k in range(pairs):
        theme, unit = PAIR_THEMES[k % len(PAIR_THEMES)]
        n = k + 1
        sampled = len(plans)
        plans.append(ElementPlan(code(), "sampled", f"合成{theme}批次{n:02d}", unit))
        plans.append(
            ElementPlan(code(), "qualified", f"合成{theme}合格批次{n:02d}", unit, partner=sampled)
        )
    for k in range(stocks):
        theme, unit = STOCK_THEMES[k % len(STOCK_THEMES)]
        plans.append(ElementPlan(code(), "stock", f"合成{theme}{k + 1:02d}", unit))
    respondents = len(plans)
    plans.append(ElementPlan(code(), "respondents", "合成满意度调查样本数", "人"))
    plans.append(ElementPlan(code(), "score", "合成顾客满意度调查得分", "分", partner=respondents))
    return plans


def generate_figures(tree: Tree, plans: Sequence[ElementPlan], rng) -> np.ndarray:
    """Every town's figures: a float array (towns, 4 quarters, elements)."""
    towns = len(tree.codes[3])
    provinces = len(tree.codes[0])
    size = tree.town_size[:, None] * SEASON[None, :]
    province_quality = 0.86 + 0.1 * rng.beta(2.0, 2.0, provinces)
    town_quality = province_quality[tree.town_province] + rng.normal(0.0, 0.02, towns)
    quality = np.clip(town_quality, 0.55, 0.995)
    figures = np.zeros((towns, 4, len(plans)), dtype=np.float64)
    for j, plan in enumerate(plans):
        if plan.role == "sampled":
            base = rng.uniform(3.0, 30.0)
            figures[:, :, j] = rng.poisson(base * size)
        elif plan.role == "qualified":
            sampled = figures[:, :, plan.partner].astype(np.int64)
            shift = rng.normal(0.0, 0.02)
            rate = np.clip(quality[:, None] + shift + rng.normal(0.0, 0.02, (towns, 4)), 0.3, 1.0)
            figures[:, :, j] = rng.binomial(sampled, rate)
        elif plan.role == "stock":
            start = rng.poisson(rng.uniform(1.0, 25.0) * tree.town_size)
            growth = rng.binomial(2, rng.uniform(0.03, 0.3), (towns, 4))
            figures[:, :, j] = start[:, None] + np.cumsum(growth, axis=1)
        elif plan.role == "respondents":
            figures[:, :, j] = 20 + rng.poisson(100.0 * size)
        elif plan.role == "score":
            level = 72.0 + 120.0 * (quality - 0.91) + rng.normal(0.0, 4.0, towns)
            score = level[:, None] + rng.normal(0.0, 1.5, (towns, 4))
            figures[:, :, j] = np.round(np.clip(score, 0.0, 100.0), 1)
        else:  # pragma: no cover - plan_elements makes only the roles above
            raise AssertionError(plan.role)
    return figures


def _create_elements(plans: Sequence[ElementPlan]) -> tuple[list[DataElement], int, int]:
    """The elements, their rules and their indicators (a few dozen rows, through the ORM)."""
    created: list[DataElement] = []
    for order, plan in enumerate(plans, start=1):
        score = plan.role == "score"
        created.append(
            DataElement.objects.create(
                code=plan.code,
                name=plan.name,
                group=GROUP,
                order=ORDER_BASE + order,
                unit=plan.unit,
                value_type=ValueType.PERCENT if score else ValueType.COUNT,
                time_aggregation=(
                    Aggregation.AVERAGE
                    if score
                    else Aggregation.LAST
                    if plan.role == "stock"
                    else Aggregation.SUM
                ),
                region_aggregation=Aggregation.AVERAGE if score else Aggregation.SUM,
                weight=created[plan.partner] if score else None,
                entry_level=RegionLevel.TOWN,
                applies_to=None,
                # Generated, never entered: inactive elements stay out of every entry form,
                # template and completeness count, while the roll-up still aggregates them.
                is_active=False,
                min_value=Decimal(0),
                max_value=Decimal(100) if score else None,
                help_text="合成数据（基准测试用），不是真实数据",
            )
        )
    rules = ElementRule.objects.bulk_create(
        ElementRule(
            left=created[j],
            right=created[plan.partner],
            message=f"{plan.name}不能大于{plans[plan.partner].name}",
        )
        for j, plan in enumerate(plans)
        if plan.role == "qualified"
    )
    indicators = []
    for j, plan in enumerate(plans):
        element = created[j]
        if plan.role == "qualified":
            spec = {
                "name": plan.name.replace("合格批次", "合格率"),
                "kind": IndicatorKind.RATIO,
                "denominator": created[plan.partner],
                "scale": Decimal(100),
                "unit": "%",
            }
        elif plan.role in {"stock", "score"}:
            spec = {"name": plan.name, "kind": IndicatorKind.VALUE, "unit": plan.unit}
        else:
            continue
        indicators.append(
            Indicator(
                code=f"{INDICATOR_PREFIX}{len(indicators) + 1:02d}", numerator=element, **spec
            )
        )
    Indicator.objects.bulk_create(indicators)
    return created, len(rules), len(indicators)


# --------------------------------------------------------------------------------------------
# Bulk writing: COPY on PostgreSQL, executemany on SQLite


# --------------------------------------------------------------------------------------------
# Deleting a previous data set


def _add(deleted: dict[str, int], by_model: dict[str, int]) -> None:
    for label, count in by_model.items():
        if count:
            deleted[label] = deleted.get(label, 0) + count


def _refers_to(rel, queryset) -> models.QuerySet:
    return rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": queryset})


def _clear_references(model, queryset, skip: set, deleted: dict[str, int]) -> None:
    """Rows of other tables pointing at ``queryset``: delete those that cascade, null those set
    to null, refuse (SyntheticDataError) when protected rows exist."""
    for rel in model._meta.related_objects:
        if rel.field in skip:
            continue
        rows = _refers_to(rel, queryset)
        label = rel.related_model._meta.label
        if rel.many_to_many:
            if rows.exists():
                raise SyntheticDataError(
                    f"{label}.{rel.field.name} 关联了合成数据，请先解除关联后再替换。"
                )
        elif rel.on_delete is models.CASCADE:
            _add(deleted, _delete(rows))
        elif rel.on_delete is models.SET_NULL:
            rows.update(**{rel.field.name: None})
        elif rows.exists():
            raise SyntheticDataError(
                f"有 {rows.count()} 条{rel.related_model._meta.verbose_name}（{label}）引用了"
                f"合成数据（{model._meta.verbose_name}），不能自动删除；请先删除或改掉它们再替换。"
            )


def _delete(queryset) -> dict[str, int]:
    """Delete through the ORM (cascades included); protected rows become a clear refusal."""
    try:
        return queryset.delete()[1]
    except (models.ProtectedError, models.RestrictedError) as error:
        blocking = sorted({obj._meta.label for obj in error.args[1]})
        raise SyntheticDataError(
            f"{'、'.join(blocking)} 中有数据引用了合成数据，不能自动删除；"
            "请先删除或改掉它们再替换。"
        ) from error


def _sql_of(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def delete_existing(progress: Progress | None = None) -> dict[str, int]:
    """Remove the synthetic data set (call inside a transaction); returns rows deleted by table."""
    say = progress or (lambda message: None)
    deleted: dict[str, int] = {}
    started = time.perf_counter()
    regions = synthetic_regions()
    submissions = synthetic_submissions()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        _clear_references(Submission, submissions, {Value._meta.get_field("submission")}, deleted)
        sub_sql, sub_params = _sql_of(submissions.values("pk"))
        cursor.execute(
            f"DELETE FROM {qn(Value._meta.db_table)} "
            f"WHERE {qn(Value._meta.get_field('submission').column)} IN ({sub_sql})",
            sub_params,
        )
        deleted[Value._meta.label] = max(cursor.rowcount, 0)
        say(f"已删除旧的合成数值 {deleted[Value._meta.label]:,} 行")
        cursor.execute(
            f"DELETE FROM {qn(Submission._meta.db_table)} WHERE {qn('id')} IN ({sub_sql})",
            sub_params,
        )
        deleted[Submission._meta.label] = max(cursor.rowcount, 0)

        region_skip = {Region._meta.get_field("parent"), Submission._meta.get_field("region")}
        _clear_references(Region, regions, region_skip, deleted)
        indicators = synthetic_indicators()
        _clear_references(Indicator, indicators, set(), deleted)
        _add(deleted, _delete(indicators))
        elements = synthetic_elements()
        element_skip = {DataElement._meta.get_field("weight")}
        _clear_references(DataElement, elements, element_skip, deleted)
        elements.update(weight=None)  # the score's weight is one of them
        _add(deleted, _delete(elements))

        region_sql, region_params = _sql_of(regions.values("pk"))
        # One statement: the self-reference (parent) is checked at commit, all gone by then.
        cursor.execute(
            f"DELETE FROM {qn(Region._meta.db_table)} WHERE {qn('id')} IN ({region_sql})",
            region_params,
        )
        deleted[Region._meta.label] = max(cursor.rowcount, 0)
    say(f"旧的合成数据已删除（{time.perf_counter() - started:.1f} 秒）")
    return deleted


# --------------------------------------------------------------------------------------------
# Generation


@dataclass
class Summary:
    provinces: int = 0
    cities: int = 0
    districts: int = 0
    towns: int = 0
    elements: int = 0
    rules: int = 0
    indicators: int = 0
    periods: list[str] = field(default_factory=list)
    submissions: int = 0
    values: int = 0
    seconds: float = 0.0
    database: str = ""
    seed: int = 0
    replaced: bool = False
    deleted: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    root_codes: list[str] = field(default_factory=list)

    @property
    def regions(self) -> int:
        return self.provinces + self.cities + self.districts + self.towns

    def lines(self) -> list[str]:
        lines = [
            f"合成数据（{self.database}，seed {self.seed}）："
            f"省 {self.provinces}，市 {self.cities}，区 {self.districts}，镇 {self.towns}"
            f"（共 {self.regions:,} 个区划）",
            f"数据项 {self.elements} 个，校验规则 {self.rules} 条，指标 {self.indicators} 个，"
            f"填报期 {'、'.join(self.periods)}",
            f"填报 {self.submissions:,} 份，数值 {self.values:,} 行，用时 {self.seconds:.1f} 秒",
        ]
        if self.replaced:
            gone = "，".join(f"{k} {v:,}" for k, v in self.deleted.items() if v)
            lines.append(f"已替换旧的合成数据（删除：{gone or '无'}）")
        if self.timings:
            lines.append(
                "分步用时："
                + "，".join(f"{step} {seconds:.1f}s" for step, seconds in self.timings.items())
            )
        return lines


def _window_seconds(period: Period) -> tuple[int, int]:
    """The entry window as UTC epoch seconds [start, end): local midnights in TIME_ZONE."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(period.opens_on, dtime.min), zone)
    end = timezone.make_aware(
        datetime.combine(period.closes_on + timedelta(days=1), dtime.min), zone
    )
    return int(start.timestamp()), int(end.timestamp())


def _timestamps(seconds: np.ndarray) -> list[str]:
    """UTC epoch seconds as text the database takes for an aware datetime."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    if is_postgres():
        return [f"{t}+00:00" for t in text.tolist()]
    if connection.timezone_name == "UTC":
        # Django keeps aware datetimes in SQLite as naive UTC "YYYY-MM-DD HH:MM:SS".
        return [t.replace("T", " ") for t in text.tolist()]
    adapt = connection.ops.adapt_datetimefield_value
    return [adapt(datetime.fromtimestamp(int(t), tz=UTC)) for t in seconds.tolist()]


def _submission_times(periods: Sequence[Period], towns: int, rng) -> np.ndarray:
    """(towns, 4, 2) epoch seconds: submitted (= first submitted) and decided, both inside the
    window, decided after submitted."""
    out = np.zeros((towns, len(periods), 2), dtype=np.int64)
    for q, period in enumerate(periods):
        start, end = _window_seconds(period)
        width = end - start
        submitted = start + np.floor(rng.uniform(0.0, 0.6, towns) * width).astype(np.int64)
        room = end - 1 - submitted  # > 0.4 × width
        decided = (
            submitted + 1 + np.floor(rng.uniform(0.0, 1.0, towns) * (room - 1)).astype(np.int64)
        )
        out[:, q, 0] = submitted
        out[:, q, 1] = decided
    return out


def _value_chunks(
    submission_ids: np.ndarray, element_ids: np.ndarray, figures: np.ndarray, chunk_rows: int
) -> Iterator[tuple[int, list[int], list[int], list[float]]]:
    """(rows, submission ids, element ids, values) per chunk of whole towns."""
    towns, quarters, m = figures.shape
    per_town = quarters * m
    step = max(1, chunk_rows // per_town)
    for t0 in range(0, towns, step):
        t1 = min(towns, t0 + step)
        n = (t1 - t0) * per_town
        sids = np.repeat(submission_ids[t0:t1].reshape(-1), m)
        eids = np.tile(element_ids, (t1 - t0) * quarters)
        vals = figures[t0:t1].reshape(-1)
        yield n, sids.tolist(), eids.tolist(), vals.tolist()


def _write_values(
    submission_ids: np.ndarray,
    element_ids: np.ndarray,
    figures: np.ndarray,
    chunk_rows: int,
    say: Progress,
) -> int:
    table = Value._meta.db_table
    given = ["submission", "element", "value", "comment"]
    given_columns, other_columns, other_values = insert_plan(Value, given)
    if other_columns:
        # Another field was added to Value; the fast path below writes the four known ones only.
        raise SyntheticDataError(
            f"Value 有新的字段（{', '.join(other_columns)}），合成数据生成器需要更新。"
        )
    total = figures.size
    written = 0
    started = time.perf_counter()
    postgres = is_postgres()
    for n, sids, eids, vals in _value_chunks(submission_ids, element_ids, figures, chunk_rows):
        if postgres:
            # Counts are whole numbers and scores have one decimal: %.10g prints both exactly.
            text = "".join(map("%d,%d,%.10g,\n".__mod__, zip(sids, eids, vals, strict=True)))
            copy_csv(table, given_columns, text)
            del text
        else:
            executemany(table, given_columns, zip(sids, eids, vals, itertools.repeat("")))
        written += n
        elapsed = time.perf_counter() - started
        say(
            f"数值 {written:,}/{total:,} 行（{100 * written / total:.0f}%），"
            f"{elapsed:.1f} 秒，{written / max(elapsed, 1e-9):,.0f} 行/秒"
        )
    return written


def generate(
    *,
    towns: int = NATIONAL["towns"],
    elements: int = 30,
    year: int = 2025,
    seed: int = 1,
    replace: bool = False,
    progress: Progress | None = None,
    provinces: int | None = None,
    cities: int | None = None,
    districts: int | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Summary:
    """Build the synthetic data set in one transaction; see the module docstring."""
    # Imported here so that selectors (which services uses) may import this module.
    from assessments.reporting import services

    say = progress or (lambda message: None)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    mark = [started]

    def step(name: str) -> None:
        now = time.perf_counter()
        timings[name] = now - mark[0]
        mark[0] = now

    base = default_shape(towns)
    shape = Shape(
        provinces if provinces is not None else base.provinces,
        cities if cities is not None else max(base.cities, provinces or 0),
        districts if districts is not None else max(base.districts, cities or 0),
        towns,
    )
    shape.validate()
    plans = plan_elements(elements)
    tree_seq, figure_seq, time_seq = np.random.SeedSequence(seed).spawn(3)
    tree = build_tree(shape, np.random.default_rng(tree_seq))
    figures = generate_figures(tree, plans, np.random.default_rng(figure_seq))
    step("生成")
    say(f"已生成区划树与 {figures.size:,} 个数值（{timings['生成']:.1f} 秒）")

    summary = Summary(database=connection.vendor, seed=seed, replaced=False)
    with transaction.atomic():
        if exists():
            if not replace:
                raise SyntheticDataExists(
                    f"数据库中已有合成数据（{len(synthetic_regions_root_codes())} 个合成省，"
                    f"{synthetic_elements().count()} 个合成数据项）；如要重新生成，请加 --replace，"
                    "将先删除旧的合成数据（真实数据不受影响）。"
                )
            summary.deleted = delete_existing(say)
            summary.replaced = True
            step("删除旧数据")

        # Regions, level by level: each level needs the ids of the one above.
        paths = tree.paths()
        ids_above: list[int] = []
        for index, codes in enumerate(tree.codes):
            level = index + 1
            parents = tree.parents[index]
            parent_ids = [None] * len(codes) if parents is None else [
                ids_above[p] for p in parents.tolist()
            ]  # fmt: skip
            rows = zip(
                codes, tree.names[index], itertools.repeat(level),
                itertools.repeat(LEVEL_NAMES[level]), parent_ids, paths[index],
            )  # fmt: skip
            columns = ["code", "name", "level", "level_name", "parent", "path"]
            insert_rows(Region, columns, list(rows))
            id_of = dict(
                Region.objects.filter(level=level, code__startswith=PREFIX).values_list(
                    "code", "id"
                )
            )
            ids_above = [id_of[code] for code in codes]
        town_ids = np.array(ids_above, dtype=np.int64)
        summary.provinces, summary.cities, summary.districts, summary.towns = (
            len(codes) for codes in tree.codes
        )
        step("区划")
        say(f"区划 {summary.regions:,} 个已写入（{timings['区划']:.1f} 秒）")

        created, summary.rules, summary.indicators = _create_elements(plans)
        summary.elements = len(created)
        periods = services.ensure_periods(year=year)
        summary.periods = [p.label for p in periods]

        # Submissions: one per town and quarter, approved, inside the window.
        times = _submission_times(periods, len(town_ids), np.random.default_rng(time_seq))
        submitted = _timestamps(times[:, :, 0].reshape(-1))
        decided = _timestamps(times[:, :, 1].reshape(-1))
        period_ids = [p.pk for p in periods]
        rows = [
            (region_id, period_id, Status.APPROVED, 1, s, s, d, "", d)
            for (region_id, period_id), s, d in zip(
                itertools.product(town_ids.tolist(), period_ids), submitted, decided, strict=True
            )
        ]
        fields = ["region", "period", "status", "version", "submitted_at", "first_submitted_at",
                  "decided_at", "return_reason", "updated_at"]  # fmt: skip
        insert_rows(Submission, fields, rows)
        summary.submissions = len(rows)
        del rows, submitted, decided
        # Read the ids back in one query and lay them out as (town, quarter).
        found = np.array(
            list(
                Submission.objects.filter(
                    region__code__startswith=PREFIX, period__in=period_ids
                ).values_list("region_id", "period_id", "id")
            ),
            dtype=np.int64,
        ).reshape(-1, 3)
        order = np.argsort(town_ids)
        town_index = order[np.searchsorted(town_ids, found[:, 0], sorter=order)]
        quarter_of = {period_id: q for q, period_id in enumerate(period_ids)}
        quarter_index = np.array([quarter_of[p] for p in found[:, 1].tolist()], dtype=np.int64)
        submission_ids = np.zeros((len(town_ids), len(periods)), dtype=np.int64)
        submission_ids[town_index, quarter_index] = found[:, 2]
        if len(found) != summary.submissions or not submission_ids.all():
            raise SyntheticDataError("读回的合成填报与写入的不一致。")
        step("填报")
        say(f"填报 {summary.submissions:,} 份已写入（{timings['填报']:.1f} 秒）")

        element_ids = np.array([e.pk for e in created], dtype=np.int64)
        summary.values = _write_values(submission_ids, element_ids, figures, chunk_rows, say)
        step("数值")
        if is_postgres():
            # Fresh statistics, so that the first queries on the data set plan well.
            with connection.cursor() as cursor:
                tables = [m._meta.db_table for m in (Region, Submission, Value)]
                cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, tables))}")
            step("ANALYZE")
    step("提交")
    summary.root_codes = list(tree.codes[0])
    summary.timings = timings
    summary.seconds = time.perf_counter() - started
    return summary
