"""The dashboard's target table: targets in line with the page's region, each with its published
figure, projection, warning and status in one query, and the pace it needs."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
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
from assessments.scoring.outlooks import target_outlooks
from assessments.scoring.rollup import Outlook
from portal.models import Department, Region
from portal.scoping import figures_q, reads_only_responsible
from targets import status
from targets.models import PolicyDocument, Target
from targets.selectors import applying_q, judged_in_q, targets_for


def governing_targets(*, user, region: Region, year: int) -> QuerySet[Target]:
    """The targets that apply to the region itself (targets.selectors.applying_q), among the
    documents in force issued by ``year`` that the user may read."""
    return targets_for(user=user).filter(
        applying_q(region), judged_in_q(year), document__in_force=True
    )


def targets_below(*, user, region: Region, year: int) -> QuerySet[Target]:
    """The targets set for the regions below the region (their own documents in force, issued by
    ``year``)."""
    return (
        targets_for(user=user)
        .filter(judged_in_q(year), region__path__startswith=region.path, document__in_force=True)
        .exclude(region=region)
    )


def figures_visible_q(user, *, at: Region | None = None) -> Q | None:
    """Targets whose figures the user may read (None: all of them).

    Valued for their own region, a target's figures are readable in the user's subtree; valued
    for ``at`` (a region whose page the user opened), they are. Either way a department reads
    only those of the targets it is responsible for (as reporting.selectors.elements_for)."""
    responsible = Target.responsible_departments.through.objects.filter(
        target_id=OuterRef("pk"),
        department_id=user.department_id if user.is_authenticated else None,
    )
    if at is not None:
        return Q(Exists(responsible)) if reads_only_responsible(user) else None
    return figures_q(user, responsible=Q(Exists(responsible)))


def annotate_figures(queryset: QuerySet[Target], *, user, year: int, at: Region | None):
    """Each target with the published figure, projection and warning of the region it is
    valued for (``at``; None: each target's own region), the reference value of a relative
    target and its first responsible department: one query for all of them. The status is
    judged from these by targets.status (see ``_rows``)."""
    valued = at if at is not None else OuterRef("region")
    figure = RegionFigure.objects.filter(
        year=year, region=valued, indicator=OuterRef("measure__indicator")
    )
    warning = TargetWarning.objects.filter(year=year, target=OuterRef("pk"), region=valued)
    reference = ReferenceValue.objects.filter(
        year=year,
        indicator=OuterRef("measure__indicator"),
        region=OuterRef("measure__reference_region"),
    )
    department = Department.objects.filter(targets=OuterRef("pk")).order_by("short_name")
    visible = figures_visible_q(user, at=at)
    shown = Value(True)
    if visible is not None:
        shown = Case(When(visible, then=Value(True)), default=Value(False))
    return queryset.annotate(
        figures_visible=shown,
        # "red" sorts before "yellow": the worse warning wins.
        warning_level=Subquery(warning.order_by("level").values("level")[:1]),
        current=Subquery(figure.values("value")[:1]),
        projected=Subquery(figure.values("projected")[:1]),
        quarters=Subquery(figure.values("quarters")[:1]),
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
    valued_region: Region  # the region whose figures the row shows
    pace: Pace | None
    outlook: Outlook | None
    indicator: Indicator | None
    cumulative_total: float | None = None  # a campaign-long count: the years before, and this

    @property
    def status_label(self) -> str:
        return status.label(self.status)

    @property
    def decimals(self) -> int:
        return self.indicator.precision if self.indicator else 2

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


def _rows(targets: list[Target], *, year: int, at: Region | None) -> list[TargetRow]:
    """Rows valued for ``at`` (None: each target's own region), with their status and pace: two
    more queries whatever the number of targets (the yearly numerator and denominator of
    rates; the outlooks, which carry the earlier years of campaign-long counts)."""

    def valued(t: Target) -> Region:
        return at if at is not None else t.region

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
                year=year, region__in={valued(t).pk for t in visible}
            ).values_list("region_id", "values")
            for element_id, value in values.items()
            if int(element_id) in ratio_elements
        }
    outlooks = target_outlooks([(t, valued(t)) for t in visible], year)
    rows = []
    for t in targets:
        measure = getattr(t, "measure", None)
        seen = outlooks.get((t.pk, valued(t).pk))
        indicator = measure.indicator if measure else None
        threshold = float(t.value) if t.value is not None else _float(t.reference_value)
        pace = None
        total = None
        earlier = 0.0
        if t.figures_visible and indicator is not None:
            if measure.cumulative_from is not None and seen is not None:
                total = seen.so_far
                earlier = seen.so_far - t.current
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
                numerator=elements.get((valued(t).pk, indicator.numerator_id)),
                denominator=elements.get((valued(t).pk, indicator.denominator_id)),
                scale=float(indicator.scale),
                cumulative=measure.cumulative_from is not None,
                earlier=earlier,
            )
        judged = status.UNKNOWN
        if t.figures_visible:
            judged = status.judge(
                warning=t.warning_level,
                actual=t.current,
                projected=seen.outcome if seen else None,
                threshold=threshold,
                comparator=t.comparator,
                own=valued(t).pk == t.region_id,
                complete=(t.quarters or 0) >= 4,
            )
        rows.append(
            TargetRow(
                target=t,
                status=judged,
                visible=bool(t.figures_visible),
                current=t.current if t.figures_visible else None,
                projected=t.projected if t.figures_visible else None,
                quarters=t.quarters if t.figures_visible else None,
                threshold=threshold,
                valued_region=valued(t),
                outlook=seen if t.figures_visible else None,
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


def table_rows(filterset: TargetFilter, *, year: int, region: Region) -> list[TargetRow]:
    """The rows a target filter selects, valued for the page's region, with their status; the
    status filter and order apply to the judged status, so they follow targets.status."""
    rows = _rows(
        list(filterset.qs.prefetch_related("responsible_departments")), year=year, at=region
    )
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    if data.get("status"):
        rows = [row for row in rows if row.status == data["status"]]
    if (data.get("sort") or "").lstrip("-") == "status":
        rows.sort(key=lambda row: status.RANK[row.status], reverse=data["sort"].startswith("-"))
    return rows


def target_filter(*, user, region: Region, year: int, params=None) -> TargetFilter:
    """The page's target filter (its form and its unevaluated queryset): no query yet."""
    governing = governing_targets(user=user, region=region, year=year)
    documents = PolicyDocument.objects.filter(pk__in=governing.values("document")).order_by(
        "region__path", "-issue_date"
    )
    departments = (
        Department.objects.filter(targets__in=governing.values("pk"))
        .select_related("region")
        .distinct()
        .order_by("region__path", "short_name")
    )
    queryset = annotate_figures(governing, user=user, year=year, at=region).order_by(
        *ordering("document")
    )
    return TargetFilter(
        params or None, queryset=queryset, documents=documents, departments=departments
    )


@dataclass
class BelowTable:
    """How the targets set for the regions below stand, each valued for its own region: the
    worst first, at most ``limit`` of them, with the counts of all."""

    rows: list[TargetRow]
    total: int
    counts: dict[str, int]


BELOW_LIMIT = 100


def below_table(*, user, region: Region, year: int, limit: int = BELOW_LIMIT) -> BelowTable:
    queryset = annotate_figures(
        targets_below(user=user, region=region, year=year), user=user, year=year, at=None
    ).order_by("region__path", "document_id", "order")
    rows = _rows(list(queryset), year=year, at=None)
    counts = {key: sum(1 for row in rows if row.status == key) for key in status.RANK}
    rows.sort(key=lambda row: status.RANK[row.status])
    return BelowTable(rows=rows[:limit], total=len(rows), counts=counts)


def target_row(*, user, target: Target, year: int) -> TargetRow:
    """One target's live status in its own region (the status page of a document's mark)."""
    queryset = annotate_figures(
        Target.objects.filter(pk=target.pk), user=user, year=year, at=None
    ).prefetch_related("responsible_departments")
    return _rows(list(queryset), year=year, at=None)[0]


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
        "valued_for": {"code": row.valued_region.code, "name": row.valued_region.name},
        "indicator": t.indicator,
        "requirement": t.describe(),
        "threshold": row.threshold,
        "unit": row.unit,
        "horizon_year": t.horizon_year,
        "departments": [d.short_name for d in t.responsible_departments.all()],
        "status": row.status,
        "status_display": str(row.status_label),
        "current": row.current,
        "projected": row.outlook.outcome if row.outlook else None,
        "projected_for": row.outlook.horizon if row.outlook else None,
        "quarters": row.quarters,
        "pace": pace,
    }
