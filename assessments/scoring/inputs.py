"""What a run reads once before it computes: element and indicator rules, the year's rulebooks,
reference values and recorded incidents."""

from dataclasses import dataclass, field

from assessments.models import (
    DataElement,
    Indicator,
    QualityIncident,
    ReferenceValue,
    Rulebook,
    Subject,
)
from assessments.scoring.aggregation import ElementRule, IndicatorRule
from assessments.scoring.definitions import indicator_definition


@dataclass
class RunInputs:
    """What a run reads once: element and indicator rules, rulebooks, and the year's
    reference values and recorded incidents (for scoring, warnings and the fingerprint)."""

    rules: dict[str, ElementRule]
    codes: dict[int, str]
    element_ids: dict[str, int]
    indicator_rules: list[IndicatorRule]
    indicator_ids: dict[str, int]
    rulebooks: list[Rulebook]
    versions: dict[str, int] = field(default_factory=dict)
    precisions: dict[str, int] = field(default_factory=dict)
    indicator_definitions: dict[str, dict] = field(default_factory=dict)
    references: list[ReferenceValue] = field(default_factory=list)
    incidents: list[QualityIncident] = field(default_factory=list)


def load_inputs(year: int, scopes: list[int] | None = None) -> RunInputs:
    """Element and indicator rules, and the year's rulebooks (those scoped to ``scopes`` only,
    for a path re-score)."""
    elements = list(DataElement.objects.select_related("weight"))
    rules = {
        e.code: ElementRule(
            e.code, e.time_aggregation, e.region_aggregation, e.weight.code if e.weight else None
        )
        for e in elements
    }
    indicators = list(Indicator.objects.select_related("numerator", "denominator"))
    indicator_rules = [
        IndicatorRule(
            i.code,
            i.numerator.code,
            i.denominator.code if i.denominator else None,
            float(i.scale),
        )
        for i in indicators
    ]
    # A run scores regions; the departments' rulebooks are scored by their assessment season.
    books = Rulebook.objects.filter(year=year, is_current=True, subject=Subject.REGIONS)
    if scopes is not None:
        books = books.filter(scope__in=scopes)
    rulebooks = list(
        books.select_related("scope")
        .prefetch_related("items__indicator", "items__target__measure__reference_region", "vetoes")
        .order_by("pk")
    )
    return RunInputs(
        rules=rules,
        codes={e.pk: e.code for e in elements},
        element_ids={e.code: e.pk for e in elements},
        indicator_rules=indicator_rules,
        indicator_ids={i.code: i.pk for i in indicators},
        rulebooks=rulebooks,
        versions={str(r.pk): r.version for r in rulebooks},
        precisions={i.code: i.precision for i in indicators},
        indicator_definitions={i.code: _definition(i, rules) for i in indicators},
        references=list(ReferenceValue.objects.filter(year=year).order_by("pk")),
        incidents=list(
            QualityIncident.objects.filter(occurred_on__year=year)
            .select_related("region")
            .order_by("pk")
        ),
    )


def _definition(indicator: Indicator, rules: dict[str, ElementRule]) -> dict:
    parts = [indicator.numerator] + ([indicator.denominator] if indicator.denominator else [])
    return indicator_definition(
        name=indicator.name,
        numerator=indicator.numerator.code,
        denominator=indicator.denominator.code if indicator.denominator else None,
        scale=indicator.scale,
        decimals=indicator.precision,
        elements={
            e.code: (rules[e.code].time, rules[e.code].region, rules[e.code].weight) for e in parts
        },
    )
