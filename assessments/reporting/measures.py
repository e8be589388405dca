"""How a target is measured: which indicator (and so which data elements) and which departments
answer for it. An office links a newly accepted document's targets here, or re-links them later;
a target without an indicator cannot be judged (无法判断)."""

import difflib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import (
    Aggregation,
    DataElement,
    Indicator,
    IndicatorKind,
    TargetMeasure,
    ValueType,
)
from assessments.reporting.errors import ReportingError
from portal.models import Department
from portal.scoping import can_manage_documents_for
from targets.models import Target, TargetKind

# Similarity above which an indicator's name is proposed for a target's wording.
PROPOSE_FROM = 0.6


def is_rate(target: Target) -> bool:
    return target.unit == "%" or target.kind == TargetKind.RATE


def is_stock(target: Target) -> bool:
    return target.kind == TargetKind.STOCK


def propose_indicator(target: Target) -> Indicator | None:
    """The existing indicator whose name reads most like the target's (a rate among ratios,
    anything else among values), when close enough; None when nothing is."""
    kind = IndicatorKind.RATIO if is_rate(target) else IndicatorKind.VALUE
    best, score = None, 0.0
    for indicator in Indicator.objects.filter(kind=kind).select_related("numerator"):
        ratio = difflib.SequenceMatcher(None, target.indicator, indicator.name).ratio()
        if ratio > score:
            best, score = indicator, ratio
    return best if score >= PROPOSE_FROM else None


def propose_departments(target: Target) -> list[Department]:
    """The departments that lead tasks in the target's own section of the document, else those
    that lead any task of it (a document makes its leads answer for the targets it sets)."""
    leads = Department.objects.filter(
        assignments__task__document=target.document_id, assignments__role="lead"
    )
    if target.section_id is not None:
        in_section = leads.filter(assignments__task__section=target.section_id).distinct()
        if in_section.exists():
            return list(in_section)
    return list(leads.distinct())


def departments_for(target: Target):
    """The departments a target may be assigned to: those of its region and the regions above."""
    codes = [code for code in target.region.path.split("/") if code]
    return (
        Department.objects.filter(region__code__in=codes, is_active=True)
        .select_related("region")
        .order_by("-region__level", "name")  # the target's own government first
    )


@dataclass
class Link:
    indicator: Indicator
    created: bool


def _new_indicator(target: Target) -> Indicator:
    """A new indicator of the right kind for the target, with its data elements: a rate gets its
    numerator and denominator (counted over the year, summed up the tree), a stock one element
    whose year figure is the last quarter's, anything else one element summed over the year."""
    base = f"t{target.pk}"
    level = target.region.level
    name = target.indicator[:100]

    def element(suffix: str, label: str, time: str) -> DataElement:
        return DataElement.objects.create(
            code=f"{base}_{suffix}",
            name=label[:128],
            group=_("新文件指标"),
            unit="" if suffix in {"num", "den"} else target.unit[:16],
            value_type=ValueType.COUNT if target.unit in {"项", "家", "个", "件", "批"} or
            suffix in {"num", "den"} else ValueType.AMOUNT,
            time_aggregation=time,
            region_aggregation=Aggregation.SUM,
            entry_level=level,
        )  # fmt: skip

    if is_rate(target):
        numerator = element("num", _("%(name)s（分子）") % {"name": name}, Aggregation.SUM)
        denominator = element("den", _("%(name)s（分母）") % {"name": name}, Aggregation.SUM)
        return Indicator.objects.create(
            code=f"{base}_rate", name=name, kind=IndicatorKind.RATIO, numerator=numerator,
            denominator=denominator, scale=100, unit="%",
        )  # fmt: skip
    time = Aggregation.LAST if is_stock(target) else Aggregation.SUM
    value = element("val", name, time)
    return Indicator.objects.create(
        code=f"{base}_val", name=name, kind=IndicatorKind.VALUE, numerator=value,
        unit=target.unit[:16],
    )  # fmt: skip


@transaction.atomic
def link_target(
    *, user, target: Target, indicator: Indicator | None, departments: list[Department]
) -> Link:
    """Measure ``target`` by ``indicator`` (None: a new indicator of the right kind with its
    data elements) and make ``departments`` answer for it; replaces an earlier link."""
    if not can_manage_documents_for(user, target.document.region):
        raise PermissionDenied(_("只有本级或上级领导小组办公室可以为该文件的目标关联指标。"))
    allowed = set(departments_for(target).values_list("pk", flat=True))
    outside = [d.name for d in departments if d.pk not in allowed]
    if outside:
        raise ReportingError(
            _("以下部门不属于本区划或上级区划：%(names)s") % {"names": "、".join(outside)}
        )
    created = indicator is None
    if created:
        indicator = _new_indicator(target)
    TargetMeasure.objects.update_or_create(target=target, defaults={"indicator": indicator})
    target.responsible_departments.set(departments)
    return Link(indicator=indicator, created=created)
