"""Writes: load how targets are measured and scored (elements, indicators, rulebooks)."""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from assessments.models import (
    DataElement,
    ElementRule,
    Indicator,
    Rulebook,
    RuleItem,
    TargetMeasure,
    VetoRule,
    default_grade_bands,
)
from portal.models import Department, Region
from targets.models import Target
from targets.services import ReferenceDataError, load_reference_data, read_yaml


@dataclass
class MeasurementCounts:
    elements: int = 0
    rules: int = 0
    indicators: int = 0
    measures: int = 0
    unmeasured: int = 0
    rulebooks: int = 0


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
                "applies_to": (
                    Region.objects.get(code=str(item["applies_to"]))
                    if item.get("applies_to")
                    else None
                ),
            },
        )
    for item in spec["elements"]:
        if item.get("weight"):
            element = elements[item["code"]]
            element.weight = _element(elements, item["weight"], item["code"])
            element.save(update_fields=["weight"])
    counts.elements = len(elements)

    # Replace the rules among the elements of this file only; other data sets keep theirs.
    ElementRule.objects.filter(left__code__in=list(elements)).delete()
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
    measurement.rulebooks = load_rulebooks(path=fixtures_dir / "reference" / "rulebooks.yaml")
    return report, measurement


def _items_hash(spec: dict) -> str:
    payload = {k: spec.get(k) for k in ("name", "total", "bands", "vetoes", "items")}
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


LOADED_FROM = "由 fixtures/reference/rulebooks.yaml 载入"


@transaction.atomic
def load_rulebooks(*, path: Path) -> int:
    """Create or update the rulebooks of the fixtures; a changed rulebook gets a new version."""
    count = 0
    for spec in read_yaml(path):
        digest = _items_hash(spec)
        for year in spec["years"]:
            rulebook, created = Rulebook.objects.get_or_create(
                year=year,
                scope=Region.objects.get(code=str(spec["scope"])),
                level=spec["level"],
                is_current=True,
                defaults={"name": spec["name"]},
            )
            count += 1
            if not created and rulebook.notes.endswith(digest):
                continue
            if not created and not rulebook.notes.startswith(LOADED_FROM):
                continue  # an office issued its own version since: it is theirs, not ours
            rulebook.name = spec["name"]
            rulebook.total_points = Decimal(str(spec.get("total", 100)))
            rulebook.grade_bands = spec.get("bands") or default_grade_bands()
            rulebook.notes = f"{LOADED_FROM}；内容指纹 {digest}"
            if not created:
                rulebook.version += 1
            rulebook.save()
            rulebook.items.all().delete()
            rulebook.vetoes.all().delete()
            for veto in spec.get("vetoes") or []:
                VetoRule.objects.create(rulebook=rulebook, **veto)

            order = [0]
            for item in spec["items"]:
                _create_item(rulebook, item, None, order)
    return count


def _create_item(rulebook, item: dict, parent, order: list[int]) -> None:
    """Create a rule item and its children, numbering them in document order."""
    order[0] += 1
    target = None
    if item.get("target"):
        key, code = item["target"].split("/")
        target = Target.objects.get(document__key=key, code=code)
    indicator = None
    if item.get("indicator"):
        indicator = Indicator.objects.get(code=item["indicator"])
    elif target is not None:
        indicator = target.measure.indicator
    lead = None
    if item.get("lead"):
        code, short = item["lead"].split(":", 1)
        lead = Department.objects.get(region__code=code, short_name=short)
    node = RuleItem.objects.create(
        rulebook=rulebook,
        parent=parent,
        code=str(item["code"]),
        order=order[0],
        name=item["name"],
        points=Decimal(str(item["points"])),
        method=item.get("method", ""),
        indicator=indicator,
        target=target,
        comparator=item.get("comparator", ""),
        threshold=(Decimal(str(item["threshold"])) if item.get("threshold") is not None else None),
        params=item.get("params") or {},
        evidence=item.get("evidence", ""),
        lead_department=lead,
        key_points=item.get("key_points", ""),
        rule_text=item.get("rule_text", ""),
    )
    for child in item.get("children") or []:
        _create_item(rulebook, child, node, order)
