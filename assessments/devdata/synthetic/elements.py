"""Synthetic data elements, their rules and indicators, and their figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from assessments.devdata.synthetic.common import (
    ELEMENT_PREFIX,
    GROUP,
    INDICATOR_PREFIX,
    ORDER_BASE,
    SEASON,
    SyntheticDataError,
)
from assessments.devdata.synthetic.tree import Tree
from assessments.models import (
    Aggregation,
    DataElement,
    ElementRule,
    Indicator,
    IndicatorKind,
    ValueType,
)
from portal.models import RegionLevel

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


def create_elements(plans: Sequence[ElementPlan]) -> tuple[list[DataElement], int, int]:
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
