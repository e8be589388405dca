"""Where each target is heading, read from the published figures: the one projection
(rollup.outlook) that the dashboard, the workspace and the briefing show, as the run's warnings
do. One query for any number of (target, region) pairs."""

from collections.abc import Sequence

from assessments.models import RegionFigure
from assessments.scoring.rollup import Outlook, outlook
from portal.models import Region
from targets.models import Target


def target_outlooks(
    pairs: Sequence[tuple[Target, Region]], year: int
) -> dict[tuple[int, int], Outlook]:
    """The outlook of each (target, region) with a published figure in ``year``, keyed by
    (target id, region id). Targets without an indicator, or without a figure, have none."""
    measured = [(t, r) for t, r in pairs if hasattr(t, "measure")]
    if not measured:
        return {}
    first = min(
        [year - 1, *(t.measure.cumulative_from for t, _r in measured if t.measure.cumulative_from)]
    )
    figures = {
        (f.region_id, f.indicator_id, f.year): f
        for f in RegionFigure.objects.filter(
            year__gte=first,
            year__lte=year,
            region__in={r.pk for _t, r in measured},
            indicator__in={t.measure.indicator_id for t, _r in measured},
        )
    }
    found = {}
    for target, region in measured:
        measure = target.measure
        indicator = measure.indicator
        current = figures.get((region.pk, indicator.pk, year))
        if current is None:
            continue
        cumulative = measure.cumulative_from is not None
        earlier = sum(
            figures[key].value
            for key in (
                (region.pk, indicator.pk, y) for y in range(measure.cumulative_from or year, year)
            )
            if key in figures
        )
        last_year = figures.get((region.pk, indicator.pk, year - 1))
        found[(target.pk, region.pk)] = outlook(
            actual=current.value,
            projected=current.projected,
            quarters=current.quarters,
            year=year,
            horizon_year=target.horizon_year,
            cumulative=cumulative,
            earlier_total=earlier,
            stock=indicator.numerator.time_aggregation == "last",
            last_year_value=last_year.value if last_year else None,
            decimals=indicator.precision,
        )
    return found
