"""The dashboard's target table: targets in line with the page's region, each with its published
figure, projection, warning and status in one query, and the pace it needs."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from assessments.dashboard.filters import TargetFilter, ordering
from assessments.dashboard.pace import Pace, pace_needed
from assessments.models import (
    ElementFigure,
    Indicator,
    IndicatorKind,
    ReferenceValue,
    RegionFigure,
    TargetWarning,
)
from portal.models import Department, Region
from portal.scoping import (
    figures_q,
)
from targets import status
from targets.models import PolicyDocument, Target
from targets.selectors import targets_for


def targets_in_line(*, user, region: Region) -> QuerySet[Target]:
    """Targets of the documents in force governing the region, those above it and below it,
    among the documents the user may read."""
    codes = [code for code in region.path.split("/") if code]
    return targets_for(user=user).filter(
        Q(document__region__path__startswith=region.path) | Q(document__region__code__in=codes),
        document__in_force=True,
    )


def figures_visible_q(user) -> Q | None:
    """Targets whose region's figures the user may read (None: all of them).

    A region's figures are readable in the user's subtree; a department reads only those of the
    targets it is responsible for (as assessments.reporting.selectors.elements_for)."""
    responsible = Target.responsible_departments.through.objects.filter(
        target_id=OuterRef("pk"),
        department_id=user.department_id if user.is_authenticated else None,
    )
    return figures_q(user, responsible=Q(Exists(responsible)))


def annotate_status(queryset: QuerySet[Target], *, user, region: Region, year: int):
    """Each target with its published figure, projection, the page region's own figure,
    the reference value of a relative target, and its status: one query for all of them."""
    figure = RegionFigure.objects.filter(
        year=year, region=OuterRef("region"), indicator=OuterRef("measure__indicator")
    )
    local = RegionFigure.objects.filter(
        year=year, region=region, indicator=OuterRef("measure__indicator")
    )
    warning = TargetWarning.objects.filter(year=year, target=OuterRef("pk"))
    reference = ReferenceValue.objects.filter(
        year=year,
        indicator=OuterRef("measure__indicator"),
        region=OuterRef("measure__reference_region"),
    )
    department = Department.objects.filter(targets=OuterRef("pk")).order_by("short_name")
    visible = figures_visible_q(user)
    ranks = [
        When(Exists(warning.filter(level="red")), then=Value(status.RANK[status.RED])),
        When(Exists(warning.filter(level="yellow")), then=Value(status.RANK[status.AMBER])),
        When(
            Q(Exists(figure)) & (Q(value__isnull=False) | Q(Exists(reference))),
            then=Value(status.RANK[status.GREEN]),
        ),
    ]
    if visible is not None:
        ranks.insert(0, When(~visible, then=Value(status.RANK[status.UNKNOWN])))
        shown = Case(When(visible, then=Value(True)), default=Value(False))
    else:
        shown = Value(True)
    return queryset.annotate(
        figures_visible=shown,
        status_rank=Case(
            *ranks, default=Value(status.RANK[status.UNKNOWN]), output_field=IntegerField()
        ),
        status=Case(
            *(When(status_rank=rank, then=Value(key)) for key, rank in status.RANK.items()),
            default=Value(status.UNKNOWN),
        ),
        current=Subquery(figure.values("value")[:1]),
        projected=Subquery(figure.values("projected")[:1]),
        quarters=Subquery(figure.values("quarters")[:1]),
        local_value=Subquery(local.values("value")[:1]),
        reference_value=Subquery(reference.values("value")[:1]),
        department_name=Subquery(department.values("short_name")[:1]),
    ).select_related(
        "document__region",
        "region",
        "measure__indicator__numerator",
        "measure__indicator__denominator",
    )


@dataclass
class TargetRow:
    """A target as the dashboard shows it."""

    target: Target
    status: str
    visible: bool
    current: float | None
    projected: float | None
    quarters: int | None
    threshold: float | None
    local: float | None
    pace: Pace | None
    indicator: Indicator | None
    cumulative_total: float | None = None  # a campaign-long count: the years before, and this

    @property
    def status_label(self) -> str:
        return status.label(self.status)

    @property
    def unit(self) -> str:
        return self.target.unit or (self.indicator.unit if self.indicator else "")

    @property
    def symbol(self) -> str:
        return status.SYMBOLS[self.target.comparator]

    @property
    def pace_size(self) -> float | None:
        """The size of a per-quarter change, its direction told apart by ``pace_up``."""
        return None if self.pace is None or self.pace.value is None else abs(self.pace.value)

    @property
    def pace_up(self) -> bool:
        return self.pace is not None and (self.pace.value or 0) >= 0


def _rows(targets: list[Target], *, year: int) -> list[TargetRow]:
    """Rows with their pace: two more queries whatever the number of targets (the yearly
    numerator and denominator of rates; earlier years of campaign-long counts)."""
    visible = [t for t in targets if t.figures_visible and hasattr(t, "measure")]
    ratio_elements = {
        element_id
        for t in visible
        if t.measure.indicator.kind == IndicatorKind.RATIO
        for element_id in (t.measure.indicator.numerator_id, t.measure.indicator.denominator_id)
    }
    elements = {}
    if ratio_elements:
        elements = {
            (region_id, int(element_id)): value
            for region_id, values in ElementFigure.objects.filter(
                year=year, region__in={t.region_id for t in visible}
            ).values_list("region_id", "values")
            for element_id, value in values.items()
            if int(element_id) in ratio_elements
        }
    cumulative = [t for t in visible if t.measure.cumulative_from is not None]
    earlier: dict[tuple[int, int], float] = {}
    if cumulative:
        first = min(t.measure.cumulative_from for t in cumulative)
        for region_id, indicator_id, value, figure_year in RegionFigure.objects.filter(
            year__gte=first,
            year__lt=year,
            region__in={t.region_id for t in cumulative},
            indicator__in={t.measure.indicator_id for t in cumulative},
        ).values_list("region_id", "indicator_id", "value", "year"):
            for t in cumulative:
                if (t.region_id, t.measure.indicator_id) == (region_id, indicator_id) and (
                    figure_year >= t.measure.cumulative_from
                ):
                    key = (t.pk, indicator_id)
                    earlier[key] = earlier.get(key, 0.0) + value
    rows = []
    for t in targets:
        measure = getattr(t, "measure", None)
        indicator = measure.indicator if measure else None
        threshold = float(t.value) if t.value is not None else _float(t.reference_value)
        pace = None
        total = None
        if t.figures_visible and indicator is not None:
            if measure.cumulative_from is not None and t.current is not None:
                total = earlier.get((t.pk, indicator.pk), 0.0) + t.current
            flow = indicator.numerator.time_aggregation == "sum"
            ratio = indicator.kind == IndicatorKind.RATIO
            if ratio:
                flow = flow and indicator.denominator.time_aggregation == "sum"
            pace = pace_needed(
                comparator=t.comparator,
                threshold=threshold,
                current=t.current,
                quarters=t.quarters,
                year=year,
                horizon_year=t.horizon_year,
                flow=flow,
                ratio=ratio,
                numerator=elements.get((t.region_id, indicator.numerator_id)),
                denominator=elements.get((t.region_id, indicator.denominator_id)),
                scale=float(indicator.scale),
                cumulative=measure.cumulative_from is not None,
                earlier=earlier.get((t.pk, indicator.pk), 0.0),
            )
        rows.append(
            TargetRow(
                target=t,
                status=t.status,
                visible=bool(t.figures_visible),
                current=t.current if t.figures_visible else None,
                projected=t.projected if t.figures_visible else None,
                quarters=t.quarters if t.figures_visible else None,
                threshold=threshold,
                local=t.local_value,
                pace=pace,
                indicator=indicator,
                cumulative_total=total,
            )
        )
    return rows


def _float(value) -> float | None:
    return None if value is None else float(value)


@dataclass
class TargetTable:
    filterset: TargetFilter
    rows: list[TargetRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def red(self) -> int:
        return self.count(status.RED)

    @property
    def amber(self) -> int:
        return self.count(status.AMBER)

    @property
    def green(self) -> int:
        return self.count(status.GREEN)


def table_rows(filterset: TargetFilter, *, year: int) -> list[TargetRow]:
    """The rows a target filter selects, with their live status."""
    return _rows(list(filterset.qs.prefetch_related("responsible_departments")), year=year)


def target_filter(*, user, region: Region, year: int, params=None) -> TargetFilter:
    """The page's target filter (its form and its unevaluated queryset): no query yet."""
    line = targets_in_line(user=user, region=region)
    documents = PolicyDocument.objects.filter(pk__in=line.values("document")).order_by(
        "region__path", "-issue_date"
    )
    departments = (
        Department.objects.filter(targets__in=line.values("pk"))
        .select_related("region")
        .distinct()
        .order_by("region__path", "short_name")
    )
    queryset = annotate_status(line, user=user, region=region, year=year).order_by(
        *ordering("document")
    )
    return TargetFilter(
        params or None, queryset=queryset, documents=documents, departments=departments
    )


def target_row(*, user, target: Target, year: int) -> TargetRow:
    """One target's live status (the status page of a document's mark)."""
    queryset = annotate_status(
        Target.objects.filter(pk=target.pk), user=user, region=target.region, year=year
    ).prefetch_related("responsible_departments")
    return _rows(list(queryset), year=year)[0]


def target_by_code(*, user, document: int, code: str) -> Target:
    """A target of a document the user may read; 404 otherwise."""
    return get_object_or_404(
        targets_for(user=user).select_related("document__region", "measure__indicator"),
        document_id=document,
        code=code,
    )


def row_json(row: TargetRow) -> dict:
    t = row.target
    pace = None
    if row.pace is not None:
        pace = {"kind": row.pace.kind, "value": row.pace.value, "quarters": row.pace.quarters}
    return {
        "id": t.pk,
        "document": {"id": t.document_id, "title": t.document.title},
        "code": t.code,
        "region": {"code": t.region.code, "name": t.region.name},
        "indicator": t.indicator,
        "requirement": t.describe(),
        "threshold": row.threshold,
        "unit": row.unit,
        "horizon_year": t.horizon_year,
        "departments": [d.short_name for d in t.responsible_departments.all()],
        "status": row.status,
        "status_display": str(row.status_label),
        "current": row.current,
        "projected": row.projected,
        "quarters": row.quarters,
        "pace": pace,
    }
