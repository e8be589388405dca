"""Writes: load the measurement reference data (elements, rules, indicators, target measures)."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from assessments.models import DataElement, ElementRule, Indicator, TargetMeasure
from portal.models import Region
from targets.models import Target
from targets.services import ReferenceDataError, load_reference_data, read_yaml


@dataclass
class MeasurementCounts:
    elements: int = 0
    rules: int = 0
    indicators: int = 0
    measures: int = 0
    unmeasured: int = 0


@transaction.atomic
def load_measurement_data(*, path: Path) -> MeasurementCounts:
    """Create or update elements, rules, indicators and target measures; idempotent."""
    spec = read_yaml(path)
    counts = MeasurementCounts()
    elements: dict[str, DataElement] = {}
    for order, item in enumerate(spec["elements"], start=1):
        elements[item["code"]], _ = DataElement.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "group": item["group"],
                "order": order,
                "unit": item["unit"],
                "value_type": item["type"],
                "time_aggregation": item.get("time", "sum"),
                "region_aggregation": item.get("region", "sum"),
                "entry_level": item["level"],
                "min_value": Decimal(str(item.get("min", 0))),
                "max_value": Decimal(str(item["max"])) if item.get("max") is not None else None,
                "help_text": item.get("help", ""),
                "weight": None,
            },
        )
    for item in spec["elements"]:
        if item.get("weight"):
            element = elements[item["code"]]
            element.weight = _element(elements, item["weight"], item["code"])
            element.save(update_fields=["weight"])
    counts.elements = len(elements)

    ElementRule.objects.all().delete()
    for item in spec.get("rules") or []:
        ElementRule.objects.create(
            left=_element(elements, item["left"], "rules"),
            right=_element(elements, item["right"], "rules"),
            message=item.get("message", ""),
        )
        counts.rules += 1

    indicators: dict[str, Indicator] = {}
    for item in spec["indicators"]:
        indicators[item["code"]], _ = Indicator.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "kind": item["kind"],
                "numerator": _element(elements, item["numerator"], item["code"]),
                "denominator": (
                    _element(elements, item["denominator"], item["code"])
                    if item.get("denominator")
                    else None
                ),
                "scale": Decimal(str(item.get("scale", 1))),
                "unit": item["unit"],
                "higher_is_better": item.get("higher_is_better", True),
            },
        )
    counts.indicators = len(indicators)

    for document_key, measures in (spec.get("measures") or {}).items():
        for target_code, item in measures.items():
            try:
                target = Target.objects.get(document__key=document_key, code=target_code)
            except Target.DoesNotExist:
                raise ReferenceDataError(f"目标 {document_key} {target_code} 不存在") from None
            if item["indicator"] not in indicators:
                raise ReferenceDataError(f"目标 {target_code} 的指标“{item['indicator']}”不存在")
            reference = item.get("reference_region")
            TargetMeasure.objects.update_or_create(
                target=target,
                defaults={
                    "indicator": indicators[item["indicator"]],
                    "reference_region": Region.objects.get(code=reference) if reference else None,
                    "cumulative_from": item.get("cumulative_from"),
                },
            )
            counts.measures += 1
    counts.unmeasured = Target.objects.filter(measure__isnull=True).count()
    return counts


def _element(elements: dict[str, DataElement], code: str, where: str) -> DataElement:
    try:
        return elements[code]
    except KeyError:
        raise ReferenceDataError(f"{where}：数据项“{code}”不存在") from None


def load_all_reference(*, fixtures_dir: Path):
    """Everything `make demo` and the tests need: policies first, then how targets are measured."""
    report = load_reference_data(fixtures_dir=fixtures_dir)
    measurement = load_measurement_data(path=fixtures_dir / "reference" / "measurement.yaml")
    return report, measurement
