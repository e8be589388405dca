"""Reads of a season's scores: what every unit's items count (computed from the run, judged by
the reviewers, adjusted, changed on objection) and the totals, grades and ranks they make."""

from decimal import Decimal

import pandas as pd

from assessments.models import (
    Appraisal,
    AppraisalState,
    AssessmentRun,
    Indicator,
    Objection,
    ObjectionState,
    ReferenceValue,
    RegionFigure,
    RegionResult,
    Rulebook,
    RuleItem,
    RunStatus,
    Season,
    SeasonLog,
    SeasonUnit,
    Subject,
)
from assessments.scoring import judging
from assessments.scoring.methods import score_item
from assessments.season.totals import Rules, UnitScores, UnitTotal, item_score, totals


def leaves_of(rulebook: Rulebook) -> list[RuleItem]:
    """The items that score, in the rulebook's order (computed and judged)."""
    items = list(rulebook.items.all())
    parents = {item.parent_id for item in items if item.parent_id}
    return sorted(
        (i for i in items if i.pk not in parents and i.method), key=lambda i: (i.order, i.code)
    )


def leaves(season: Season) -> list[RuleItem]:
    return leaves_of(season.rulebook)


def rules_of(season: Season) -> Rules:
    book = season.rulebook
    return Rules(
        bands=tuple((b["grade"], float(b["min"])) for b in book.grade_bands),
        decimals=book.decimals,
        rounding=book.rounding,
        veto_ranking=book.veto_ranking,
    )


def _department_computed(season: Season, units: list[SeasonUnit]) -> dict[int, dict]:
    """Computed items of a departments' rulebook: scored on the figures of the government's own
    region (every department answers for its government's targets together)."""
    book = season.rulebook
    references = {
        (r.indicator_id, r.region_id, r.year): r.value
        for r in ReferenceValue.objects.filter(year=book.year)
    }
    precisions = {i.code: i.precision for i in Indicator.objects.select_related("numerator")}
    specs = judging.item_specs(book, book.year, references, precisions)
    figures = dict(
        RegionFigure.objects.filter(year=book.year, region=book.scope).values_list(
            "indicator__code", "value"
        )
    )
    index = [unit.pk for unit in units]
    scored: dict[int, dict] = {pk: {} for pk in index}
    for spec in specs:
        actual = pd.Series(figures.get(spec.indicator, float("nan")), index=index, dtype=float)
        for pk, value in score_item(spec, actual).items():
            scored[pk][spec.code] = round(float(value), 4)
    return scored


def unit_scores(season: Season, units: list[SeasonUnit] | None = None) -> list[UnitScores]:
    """What every unit's items count (see ``totals``)."""
    units = units if units is not None else list(season.units.select_related("region"))
    by_unit = {unit.pk: unit for unit in units}
    computed: dict[int, dict] = {pk: {} for pk in by_unit}
    vetoes: dict[int, str] = {}
    if season.rulebook.subject == Subject.DEPARTMENTS:
        computed.update(_department_computed(season, units))
    else:
        unit_of_region = {unit.region_id: unit.pk for unit in units}
        for region_id, items, vetoed, reason in RegionResult.objects.filter(
            rulebook=season.rulebook, region_id__in=list(unit_of_region)
        ).values_list("region_id", "items", "vetoed", "veto_reason"):
            key = unit_of_region[region_id]
            computed[key] = {code: float(score) for code, score in items.items()}
            if vetoed:
                vetoes[key] = reason
    # Plain rows, not model instances: a season of a province holds tens of thousands.
    judged: dict[int, dict] = {pk: {} for pk in by_unit}
    adjusted: dict[int, dict] = {pk: {} for pk in by_unit}
    for unit_id, code, state, review, adjustment in Appraisal.objects.filter(
        unit__in=list(by_unit)
    ).values_list("unit_id", "item__code", "state", "review_score", "adjusted_score"):
        judged[unit_id][code] = review if state == AppraisalState.REVIEWED else None
        if adjustment is not None:
            adjusted[unit_id][code] = adjustment
    changed: dict[int, dict] = {pk: {} for pk in by_unit}
    for unit_id, code, score in (
        Objection.objects.filter(unit__in=list(by_unit), state=ObjectionState.CHANGED)
        .order_by("answered_at", "pk")
        .values_list("unit_id", "item__code", "new_score")
    ):
        changed[unit_id][code] = score  # the last answer wins
    return [
        UnitScores(
            key=pk,
            computed=computed[pk],
            judged=judged[pk],
            adjusted=adjusted[pk],
            objections=changed[pk],
            veto=vetoes.get(pk, ""),
        )
        for pk in by_unit
    ]


def unit_figures(unit: SeasonUnit) -> dict[str, float]:
    """The figures a unit's computed items are scored on ({indicator code: value}): a region's
    as the latest run counted them; a department's, its government's own figures."""
    book = unit.season.rulebook
    if unit.region_id:
        result = RegionResult.objects.filter(rulebook=book, region_id=unit.region_id).first()
        return {code: v for code, v in (result.figures if result else {}).items() if v is not None}
    return dict(
        RegionFigure.objects.filter(year=book.year, region=book.scope).values_list(
            "indicator__code", "value"
        )
    )


def version(season: Season) -> str:
    """Changes whenever anything a season's totals read changes: every write of the season
    leaves a line in its log, and a run of the year rewrites the computed scores."""
    last_log = SeasonLog.objects.filter(season=season).order_by("-pk").values_list("pk", flat=True)
    last_run = (
        AssessmentRun.objects.filter(year=season.rulebook.year, status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .values_list("pk", flat=True)
    )
    return f"{season.pk}.{season.stage}.{last_log.first() or 0}.{last_run.first() or 0}"


def season_totals(season: Season) -> list[UnitTotal]:
    """Every unit's total, grade and rank as they stand, best first."""
    return totals(unit_scores(season), [item.code for item in leaves(season)], rules_of(season))


def current_score(season: Season, unit: SeasonUnit, item: RuleItem) -> Decimal:
    """The score an item counts for a unit now (0 while a judged item awaits review)."""
    (scores,) = unit_scores(season, [unit])
    found = item_score(scores, item.code)
    return Decimal(str(found or 0)).quantize(Decimal("0.01"))
