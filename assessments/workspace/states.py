"""How a target stands in a region for a year, read from the published run; the status words
are targets.status's."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Max

from assessments.models import (
    AssessmentRun,
    ReferenceValue,
    RegionFigure,
    RunStatus,
    TargetWarning,
)
from assessments.scoring.outlooks import target_outlooks
from portal import periods
from portal.models import Region
from targets import status
from targets.models import Target


@dataclass
class TargetState:
    """A target read in one region for one year: the published figure against the requirement."""

    target: Target
    region: Region
    year: int
    actual: float | None
    projected: float | None
    quarters: int
    threshold: float | None
    status: str
    warning: TargetWarning | None
    decimals: int = 2  # the indicator's published precision (0 for a count)
    horizon: int | None = None  # the year ``projected`` is for (scoring.outlooks)

    @property
    def status_label(self) -> str:
        return status.label(self.status)

    @property
    def unit(self) -> str:
        return self.target.unit


def status_year(on: date | None = None) -> int:
    """The latest year up to ``on`` with a published assessment run (else ``on``'s year)."""
    on = on or periods.today()
    year = AssessmentRun.objects.filter(status=RunStatus.SUCCEEDED, year__lte=on.year).aggregate(
        latest=Max("year")
    )["latest"]
    return year or on.year


def target_states(pairs: Sequence[tuple[Target, Region]], year: int) -> list[TargetState]:
    """The state of each (target, region) in ``year``, from the published run, in five queries;
    ``projected`` is the one projection of scoring.outlooks (to the target's horizon)."""
    if not pairs:
        return []
    measures = {t.pk: t.measure for t, _r in pairs if hasattr(t, "measure")}
    indicator_ids = {m.indicator_id for m in measures.values()}
    region_ids = {r.pk for _t, r in pairs}
    figures = {
        (f.region_id, f.indicator_id): f
        for f in RegionFigure.objects.filter(
            year=year, region__in=region_ids, indicator__in=indicator_ids
        )
    }
    warnings: dict[tuple[int, int], TargetWarning] = {}
    for warning in (
        TargetWarning.objects.filter(
            year=year, region__in=region_ids, target__in={t.pk for t, _r in pairs}
        )
        .select_related("region", "target")
        .order_by("level")
    ):  # "red" < "yellow": the red one is kept
        warnings.setdefault((warning.region_id, warning.target_id), warning)
    references = {
        (r.indicator_id, r.region_id): float(r.value)
        for r in ReferenceValue.objects.filter(year=year, indicator__in=indicator_ids)
    }
    outlooks = target_outlooks(pairs, year)
    states = []
    for target, region in pairs:
        measure = measures.get(target.pk)
        figure = figures.get((region.pk, measure.indicator_id)) if measure else None
        if target.value is not None:
            threshold = float(target.value)
        elif measure and measure.reference_region_id:
            threshold = references.get((measure.indicator_id, measure.reference_region_id))
        else:
            threshold = None
        warning = warnings.get((region.pk, target.pk))
        actual = figure.value if figure else None
        seen = outlooks.get((target.pk, region.pk))
        projected = seen.outcome if seen else None
        quarters = figure.quarters if figure else 0
        states.append(
            TargetState(
                target=target,
                region=region,
                year=year,
                actual=actual,
                projected=projected,
                quarters=quarters,
                threshold=threshold,
                warning=warning,
                decimals=measure.indicator.precision if measure else 2,
                horizon=seen.horizon if seen else None,
                status=status.judge(
                    warning=warning.level if warning else None,
                    actual=actual,
                    projected=projected,
                    threshold=threshold,
                    comparator=target.comparator,
                    own=region.pk == target.region_id,
                    complete=quarters >= 4,
                ),
            )
        )
    return states
