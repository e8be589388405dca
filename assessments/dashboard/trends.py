"""Quarterly trends of a region's subtree: counts before rates, one grouped query, with the target
lines worth drawing."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count

from assessments.dashboard.table import TargetRow
from assessments.models import (
    DataElement,
    Indicator,
    IndicatorKind,
    Status,
)
from assessments.scoring.sql import ELEMENTS, PERIODS, REGIONS, SUBMISSIONS, VALUES
from portal.models import Region
from targets.status import round_figure

TREND_YEARS = 2  # the chart shows the page's year and the one before it, quarter by quarter


def quarter_labels(year: int) -> list[tuple[int, int]]:
    return [(y, q) for y in range(year - TREND_YEARS + 1, year + 1) for q in (1, 2, 3, 4)]


def quarterly_sums(region: Region, year: int, element_ids) -> list[tuple]:
    """Per quarter and element over the region's subtree, approved values only: Σ value,
    Σ value × weight, Σ weight, the count of values and of the regions they come from.
    ONE grouped query."""
    element_ids = sorted({int(e) for e in element_ids if e})
    if not element_ids:
        return []
    marks = ", ".join(["%s"] * len(element_ids))
    sql = f"""
        SELECT p.year, p.quarter, v.element_id,
               SUM(v.value), SUM(v.value * w.value), SUM(w.value), COUNT(*),
               COUNT(DISTINCT s.region_id)
        FROM {VALUES} v
        JOIN {SUBMISSIONS} s ON s.id = v.submission_id
        JOIN {PERIODS} p ON p.id = s.period_id
        JOIN {REGIONS} r ON r.id = s.region_id
        JOIN {ELEMENTS} e ON e.id = v.element_id
        LEFT JOIN {VALUES} w ON w.submission_id = v.submission_id AND w.element_id = e.weight_id
        WHERE s.status = %s AND r.path LIKE %s AND p.year BETWEEN %s AND %s
          AND v.element_id IN ({marks})
        GROUP BY p.year, p.quarter, v.element_id
    """
    params = [Status.APPROVED, region.path + "%", year - TREND_YEARS + 1, year, *element_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class ElementInfo:
    """How one element aggregates within a quarter over regions."""

    id: int
    averaged: bool  # weighted average (survey scores) rather than a sum


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    numerator: ElementInfo
    denominator: ElementInfo | None
    scale: float


def quarter_values(
    rows: list[tuple], indicator: IndicatorInfo, labels: list[tuple[int, int]]
) -> list[float | None]:
    """The indicator per quarter from the grouped sums (pure): a ratio is Σnumerator /
    Σdenominator of the quarter, never a mean of the regions' rates; a survey score is
    weighted by its weight element."""
    figures: dict[tuple[int, int, int], float] = {}
    for year, quarter, element_id, total, weighted, weights, count, _regions in rows:
        info = None
        for candidate in (indicator.numerator, indicator.denominator):
            if candidate is not None and candidate.id == element_id:
                info = candidate
        if info is None or total is None:
            continue
        if info.averaged:
            if weights:
                value = float(weighted) / float(weights)
            else:
                value = float(total) / float(count)
        else:
            value = float(total)
        figures[(int(year), int(quarter), element_id)] = value
    values = []
    for year, quarter in labels:
        numerator = figures.get((year, quarter, indicator.numerator.id))
        if indicator.denominator is None:
            values.append(None if numerator is None else numerator * indicator.scale)
            continue
        denominator = figures.get((year, quarter, indicator.denominator.id))
        if numerator is None or not denominator:
            values.append(None)
        else:
            values.append(numerator / denominator * indicator.scale)
    return values


def quarter_coverage(
    rows: list[tuple], indicator: IndicatorInfo, labels: list[tuple[int, int]]
) -> list[int]:
    """How many regions' approved figures make up each quarter's value (pure): a stock summed
    over a subtree where some regions are not yet approved reads low, and this says so."""
    regions = {
        (int(row[0]), int(row[1])): int(row[7]) for row in rows if row[2] == indicator.numerator.id
    }
    return [regions.get(label, 0) for label in labels]


def expected_reporters(region: Region, elements: list[DataElement]) -> dict[int, int]:
    """How many regions of the subtree (the region included) enter each element: those at its
    entry level, within the regions it applies to. A quarter with fewer approved is partial.
    One query (and one per element limited to some regions, which few are)."""
    per_level = dict(
        Region.objects.filter(path__startswith=region.path)
        .values_list("level")
        .annotate(count=Count("pk"))
        .values_list("level", "count")
    )
    expected = {}
    for element in elements:
        if element.applies_to_id:
            expected[element.pk] = (
                Region.objects.filter(
                    path__startswith=region.path,
                    level=element.entry_level,
                )
                .filter(path__startswith=element.applies_to.path)
                .count()
            )
        else:
            expected[element.pk] = per_level.get(element.entry_level, 0)
    return expected


def element_info(element: DataElement) -> ElementInfo:
    return ElementInfo(
        id=element.pk, averaged="avg" in {element.time_aggregation, element.region_aggregation}
    )


def _target_lines(rows: list[TargetRow], indicator: Indicator) -> list[dict]:
    """Target lines worth drawing on a quarterly chart: rates, stocks and scores; not yearly or
    campaign-long flows, whose requirement is a total, not a level per quarter."""
    stock_like = (
        indicator.kind == IndicatorKind.RATIO or indicator.numerator.time_aggregation != "sum"
    )
    lines = []
    for row in rows:
        if row.indicator is None or row.indicator.pk != indicator.pk or row.threshold is None:
            continue
        if not stock_like or row.target.measure.cumulative_from is not None:
            continue
        lines.append(
            {
                "name": f"{row.target.code} {row.target.describe()}",
                "value": round(row.threshold, 4),
            }
        )
    return lines


def trends(
    *, region: Region, year: int, rows: list[TargetRow], also: list[TargetRow] = ()
) -> list[dict]:
    """One series per indicator of the rows (and of ``also``: the targets of the regions below,
    whose indicators the region follows too): quarter by quarter over the region's subtree,
    with the lines of the targets that apply to the region itself. One SQL query."""
    indicators: dict[int, Indicator] = {}
    for row in [*rows, *also]:
        if row.indicator is not None:
            indicators.setdefault(row.indicator.pk, row.indicator)
    infos = {
        pk: IndicatorInfo(
            code=i.code,
            numerator=element_info(i.numerator),
            denominator=element_info(i.denominator) if i.denominator_id else None,
            scale=float(i.scale),
        )
        for pk, i in indicators.items()
    }
    element_ids = {e.id for info in infos.values() for e in (info.numerator, info.denominator) if e}
    sums = quarterly_sums(region, year, element_ids)
    labels = quarter_labels(year)
    expected_by_element = expected_reporters(
        region, [indicator.numerator for indicator in indicators.values()]
    )
    series = []
    for pk, indicator in indicators.items():
        values = quarter_values(sums, infos[pk], labels)
        if all(v is None for v in values):
            continue  # no approved figure in any quarter: no chart (the page says so in words)
        coverage = quarter_coverage(sums, infos[pk], labels)
        expected = expected_by_element[indicator.numerator_id]
        series.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "decimals": indicator.precision,
                "labels": [f"{y}Q{q}" for y, q in labels],
                "values": [
                    None if v is None else round_figure(v, indicator.precision) for v in values
                ],
                "regions": coverage,
                "expected": expected,
                # A quarter some regions of the subtree have not had approved yet reads low:
                # the chart draws it as partial, and says how many have reported.
                "partial": [
                    v is not None and n < expected for v, n in zip(values, coverage, strict=True)
                ],
                "targets": _target_lines(rows, indicator),
            }
        )
    return series
