"""Reads for the office dashboard: one page per region, the same at every level of the tree.

Everything starts from portal.scoping: an office opens the dashboard of its region and of the
regions below it, an administrator any region, anybody else none (404). Each read below costs a
fixed number of SQL queries whatever the number of regions under the page's region: target rows
carry their published figure, projection, warning and status as subqueries of ONE query; the
quarterly trend of a whole subtree is ONE grouped query over the approved values; rankings,
warnings and completeness each read a fixed set of rows.

Status of a target (red/amber/green) follows the published run, so the page, the warnings and the
scores never disagree: red when the run raised a red warning (the horizon year is complete and
the target missed), amber for a yellow warning (projected to miss at this pace), green when a
figure and the requirement are known and no warning stands, and "none" when it cannot be judged
or its region's figures are outside the reader's scope.

The pure helpers (pace_needed, quarter_values, grade_distribution) take plain values and are
tested without the database.
"""

from collections import Counter
from dataclasses import dataclass, field

import django_filters
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AssessmentRun,
    DataElement,
    ElementFigure,
    Indicator,
    IndicatorKind,
    Period,
    ReferenceValue,
    RegionFigure,
    RegionResult,
    Rulebook,
    RunStatus,
    Status,
    TargetWarning,
)
from assessments.reporting import selectors
from assessments.scoring import lifecycle
from assessments.scoring.sql import E, P, R, S, V
from portal.models import Department, Region, Role
from portal.scoping import (
    anchor_region,
    can_see_region,
    is_unrestricted,
    subtree_q,
    visible_regions,
)
from targets.models import PolicyDocument, Target
from targets.selectors import targets_for

RED, AMBER, GREEN, NONE = "red", "amber", "green", "none"
STATUS_CHOICES = [
    (RED, _("红灯")),
    (AMBER, _("黄灯")),
    (GREEN, _("绿灯")),
    (NONE, _("无法判断")),
]
STATUS_RANK = {RED: 0, AMBER: 1, GREEN: 2, NONE: 3}
HIGHER = {">=", ">", "="}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
EPSILON = 1e-9
TREND_YEARS = 2  # the chart shows the page's year and the one before it, quarter by quarter
WARNING_LIMIT = 50
NAMES_LIMIT = 12


# --- Who opens which dashboard ------------------------------------------------------------------


def may_open_dashboard(user) -> bool:
    """Offices and administrators; the dashboard is the office's tool."""
    return is_unrestricted(user) or bool(
        user and user.is_authenticated and user.role == Role.OFFICE and user.region_id
    )


def dashboard_regions(*, user) -> QuerySet[Region]:
    """Regions whose dashboard the user may open: the scoping subtree, for offices and admins."""
    if not may_open_dashboard(user):
        return Region.objects.none()
    return visible_regions(user)


def dashboard_region(*, user, code: str | None) -> Region | None:
    """The page's region: by code inside the user's scope (404 outside), or the user's own.

    None only for an administrator without a region of their own (the page lists the tops)."""
    regions = dashboard_regions(user=user).select_related("parent")
    if code is not None:
        return get_object_or_404(regions, code=code)
    if not may_open_dashboard(user):
        raise Http404(_("区划不存在或不在您的权限范围内"))
    anchor = anchor_region(user)
    if anchor is None:
        return None
    return get_object_or_404(regions, pk=anchor.pk)


def top_regions(*, user) -> list[Region]:
    """The highest regions the user may open (an administrator's starting points)."""
    return list(dashboard_regions(user=user).filter(parent__isnull=True).order_by("path"))


def breadcrumbs(*, user, region: Region) -> list[Region]:
    """The region and those above it that the user may open, top first."""
    return [r for r in region.ancestors() if can_see_region(user, r)]


# --- Years --------------------------------------------------------------------------------------


def published_years() -> list[int]:
    """Years with a successful run, newest first."""
    years = (
        AssessmentRun.objects.filter(status=RunStatus.SUCCEEDED)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)


def pick_year(requested: str | None, years: list[int], fallback: int) -> int:
    """The requested year, else the latest year with a run, else ``fallback``."""
    try:
        year = int(requested) if requested else None
    except ValueError:
        year = None
    if year is not None and 1900 <= year <= 2999:
        return year
    return years[0] if years else fallback


# --- Targets: the filterable, sortable table ----------------------------------------------------

SORTS = {
    "document": ("document__region__path", "document__issue_date", "document_id", "order"),
    "status": ("status_rank", "document__region__path", "document_id", "order"),
    "department": ("department_name", "document_id", "order"),
    "indicator": ("indicator", "document_id", "order"),
    "region": ("region__path", "document_id", "order"),
    "current": ("current", "document_id", "order"),
}
SORT_CHOICES = [
    ("document", _("按文件")),
    ("status", _("按状态（红灯在前）")),
    ("department", _("按责任部门")),
    ("indicator", _("按指标")),
    ("region", _("按区划")),
    ("current", _("按当前值")),
]


def _ordering(key: str) -> list:
    descending = key.startswith("-")
    fields = SORTS.get(key.lstrip("-"), SORTS["document"])
    first = F(fields[0])
    first = first.desc(nulls_last=True) if descending else first.asc(nulls_last=True)
    return [first, *fields[1:], "pk"]


class TargetFilter(django_filters.FilterSet):
    """Targets of the dashboard by document, responsible department and status, sorted."""

    document = django_filters.ModelChoiceFilter(
        queryset=PolicyDocument.objects.none(), label=_("文件"), empty_label=_("全部文件")
    )
    department = django_filters.ModelChoiceFilter(
        field_name="responsible_departments",
        queryset=Department.objects.none(),
        label=_("责任部门"),
        empty_label=_("全部部门"),
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, label=_("状态"), empty_label=_("全部状态")
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES + [(f"-{k}", v) for k, v in SORT_CHOICES],
        method="sort_by",
        label=_("排序"),
        empty_label=_("默认（按文件）"),
    )

    class Meta:
        model = Target
        fields = ["document", "department", "status", "sort"]

    def __init__(self, *args, documents=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if documents is not None:
            self.filters["document"].queryset = documents
        if departments is not None:
            self.filters["department"].queryset = departments

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*_ordering(value))


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
    targets it is responsible for (as assessments.selectors.elements_for)."""
    if is_unrestricted(user):
        return None
    condition = subtree_q(user, "region")
    if user.is_authenticated and user.role == Role.DEPARTMENT:
        responsible = Target.responsible_departments.through.objects.filter(
            target_id=OuterRef("pk"), department_id=user.department_id
        )
        condition &= Q(Exists(responsible))
    return condition


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
        When(Exists(warning.filter(level="red")), then=Value(STATUS_RANK[RED])),
        When(Exists(warning.filter(level="yellow")), then=Value(STATUS_RANK[AMBER])),
        When(
            Q(Exists(figure)) & (Q(value__isnull=False) | Q(Exists(reference))),
            then=Value(STATUS_RANK[GREEN]),
        ),
    ]
    if visible is not None:
        ranks.insert(0, When(~visible, then=Value(STATUS_RANK[NONE])))
        shown = Case(When(visible, then=Value(True)), default=Value(False))
    else:
        shown = Value(True)
    return queryset.annotate(
        figures_visible=shown,
        status_rank=Case(*ranks, default=Value(STATUS_RANK[NONE]), output_field=IntegerField()),
        status=Case(
            *(When(status_rank=rank, then=Value(key)) for key, rank in STATUS_RANK.items()),
            default=Value(NONE),
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


@dataclass(frozen=True)
class Pace:
    """What the rest of the horizon needs: a rate over the remaining quarters of the year
    (``rate``), a change per remaining quarter (``per_quarter``), or a verdict."""

    kind: str  # "rate", "per_quarter", "met", "closed", "unreachable"
    value: float | None = None
    quarters: int = 0


def _meets(value: float, comparator: str, threshold: float) -> bool:
    return {
        ">=": value >= threshold - EPSILON,
        ">": value > threshold + EPSILON,
        "<=": value <= threshold + EPSILON,
        "<": value < threshold - EPSILON,
        "=": abs(value - threshold) <= EPSILON,
    }[comparator]


def pace_needed(
    *,
    comparator: str,
    threshold: float | None,
    current: float | None,
    quarters: int | None,
    year: int,
    horizon_year: int | None,
    flow: bool,
    ratio: bool = False,
    numerator: float | None = None,
    denominator: float | None = None,
    scale: float = 1.0,
    cumulative: bool = False,
    earlier: float = 0.0,
) -> Pace | None:
    """The pace a target needs from here (pure).

    - A rate of flows (合格批次/抽查批次) counts over the year: the remaining quarters, at this
      year's volume per quarter, must reach Σqualified/Σsampled = target, so the rate they need is
      (target × (D + D_rest) − N) / D_rest with D_rest = D / q × (4 − q). Counts before rates.
    - A flow counted over the campaign (cumulative) or a stock must close the gap by the end of
      the horizon year: gap / remaining quarters (a horizon already past means this year's end).
    - A yearly flow closes its gap by the end of the year."""
    if threshold is None or current is None:
        return None
    done = max(1, min(int(quarters or 0), 4))
    left_in_year = 4 - done
    horizon = year if horizon_year is None or horizon_year < year else horizon_year
    left_to_horizon = (horizon - year) * 4 + left_in_year
    if ratio and flow:
        if not denominator or numerator is None:
            return None
        if left_in_year == 0:
            return Pace("met") if _meets(current, comparator, threshold) else Pace("closed")
        rest = denominator / done * left_in_year
        needed = (threshold / scale * (denominator + rest) - numerator) / rest * scale
        higher = comparator in HIGHER
        if (higher and needed > scale + EPSILON) or (not higher and needed < -EPSILON):
            return Pace("unreachable", quarters=left_in_year)
        return Pace("rate", max(0.0, min(needed, scale)), left_in_year)
    total = current + (earlier if cumulative else 0.0)
    if _meets(total, comparator, threshold):
        return Pace("met")
    remaining = left_to_horizon if (cumulative or not flow) else left_in_year
    if remaining <= 0:
        return Pace("closed")
    return Pace("per_quarter", (threshold - total) / remaining, remaining)


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
        return dict(STATUS_CHOICES)[self.status]

    @property
    def unit(self) -> str:
        return self.target.unit or (self.indicator.unit if self.indicator else "")

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.target.comparator]

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
        return self.count(RED)

    @property
    def amber(self) -> int:
        return self.count(AMBER)

    @property
    def green(self) -> int:
        return self.count(GREEN)


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
        *_ordering("document")
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


# --- Quarterly trends: counts before rates, one query -------------------------------------------


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
        FROM {V} v
        JOIN {S} s ON s.id = v.submission_id
        JOIN {P} p ON p.id = s.period_id
        JOIN {R} r ON r.id = s.region_id
        JOIN {E} e ON e.id = v.element_id
        LEFT JOIN {V} w ON w.submission_id = v.submission_id AND w.element_id = e.weight_id
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


def _element_info(element: DataElement) -> ElementInfo:
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


def trends(*, region: Region, year: int, rows: list[TargetRow]) -> list[dict]:
    """One series per indicator of the rows: quarter by quarter over the region's subtree,
    with the targets' lines. One SQL query."""
    indicators: dict[int, Indicator] = {}
    for row in rows:
        if row.indicator is not None:
            indicators.setdefault(row.indicator.pk, row.indicator)
    infos = {
        pk: IndicatorInfo(
            code=i.code,
            numerator=_element_info(i.numerator),
            denominator=_element_info(i.denominator) if i.denominator_id else None,
            scale=float(i.scale),
        )
        for pk, i in indicators.items()
    }
    element_ids = {e.id for info in infos.values() for e in (info.numerator, info.denominator) if e}
    sums = quarterly_sums(region, year, element_ids)
    labels = quarter_labels(year)
    series = []
    for pk, indicator in indicators.items():
        values = quarter_values(sums, infos[pk], labels)
        series.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "labels": [f"{y}Q{q}" for y, q in labels],
                "values": [None if v is None else round(v, 4) for v in values],
                "regions": quarter_coverage(sums, infos[pk], labels),
                "targets": _target_lines(rows, indicator),
            }
        )
    return series


# --- Ranking of the regions one level down ------------------------------------------------------


@dataclass
class Ranking:
    """A rulebook of the page's region and the results of the regions it scores."""

    rulebook: Rulebook
    items: list  # leaf RuleItems, in order
    results: list[RegionResult]
    distribution: list[tuple[str, int]]

    @property
    def rows(self) -> list[tuple[RegionResult, list[float | None]]]:
        """Each result with its points per leaf item, in the items' order."""
        return [(r, [r.items.get(item.code) for item in self.items]) for r in self.results]


def grade_distribution(grades: list[str], bands: list[dict]) -> list[tuple[str, int]]:
    """How many regions got each grade, in the rulebook's band order (pure)."""
    counts = Counter(grades)
    order = [band["grade"] for band in bands]
    extra = sorted(g for g in counts if g not in order)
    return [(grade, counts.get(grade, 0)) for grade in [*order, *extra]]


def rankings(*, region: Region, year: int) -> list[Ranking]:
    """Results of the rulebooks whose scope is this region: three queries at most."""
    books = list(
        Rulebook.objects.filter(year=year, scope=region)
        .prefetch_related("items")
        .order_by("level", "pk")
    )
    results = list(
        RegionResult.objects.filter(rulebook__in=books)
        .select_related("region")
        .order_by("rank", "region__path")
    )
    rankings = []
    for book in books:
        own = [r for r in results if r.rulebook_id == book.pk]
        rankings.append(
            Ranking(
                rulebook=book,
                items=[item for item in book.items.all() if item.method],
                results=own,
                distribution=grade_distribution([r.grade for r in own], book.grade_bands),
            )
        )
    return rankings


def children_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("path"))


# --- Reporting: completeness and the approval queue ---------------------------------------------


@dataclass
class Reporting:
    period: Period | None
    expected: int = 0
    on_time: int = 0
    late: list[Region] = field(default_factory=list)
    not_submitted: list[Region] = field(default_factory=list)
    queue_count: int = 0
    queue: list = field(default_factory=list)

    @property
    def received(self) -> int:
        return self.on_time + len(self.late)


def reporting(*, user, region: Region) -> Reporting:
    """This quarter's completeness under the region and the submissions awaiting this user."""
    period = selectors.current_period()
    report = Reporting(period=period)
    if period is not None:
        completeness = selectors.completeness(user=user, region=region, period=period)
        report.expected = completeness.expected
        report.on_time = completeness.on_time
        report.late = [row.region for row in completeness.rows if row.state == "late"]
        report.not_submitted = [
            row.region for row in completeness.rows if row.state in {"missing", "draft"}
        ]
    queue = selectors.approval_queue(user=user).filter(region__path__startswith=region.path)
    report.queue_count = queue.count()
    report.queue = list(queue[:10])
    return report


# --- Warnings -----------------------------------------------------------------------------------


@dataclass
class Warnings:
    red: int
    yellow: int
    rows: list[TargetWarning]

    @property
    def total(self) -> int:
        return self.red + self.yellow


def warnings(*, region: Region, year: int, limit: int = WARNING_LIMIT) -> Warnings:
    """黄牌/红牌 in the region's subtree, red first; two queries."""
    queryset = TargetWarning.objects.filter(year=year, region__path__startswith=region.path)
    counts = queryset.aggregate(
        red=Count("pk", filter=Q(level="red")), yellow=Count("pk", filter=Q(level="yellow"))
    )
    rows = list(
        queryset.select_related("region", "target__document").order_by(
            "level", "region__path", "pk"
        )[:limit]
    )
    return Warnings(red=counts["red"], yellow=counts["yellow"], rows=rows)


# --- The assessment run -------------------------------------------------------------------------


@dataclass
class RunPanel:
    latest: AssessmentRun | None
    running: AssessmentRun | None


def run_panel(*, year: int) -> RunPanel:
    return RunPanel(
        latest=lifecycle.latest_run(year),
        running=AssessmentRun.objects.filter(year=year, status=RunStatus.RUNNING).first(),
    )


# --- JSON ---------------------------------------------------------------------------------------


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


def ranking_json(ranking: Ranking) -> dict:
    return {
        "rulebook": {
            "id": ranking.rulebook.pk,
            "name": ranking.rulebook.name,
            "level": ranking.rulebook.level,
        },
        "items": [
            {"code": i.code, "name": i.name, "points": float(i.points)} for i in ranking.items
        ],
        "results": [
            {
                "region": {"code": r.region.code, "name": r.region.name},
                "total": float(r.total),
                "grade": r.grade,
                "rank": r.rank,
                "peers": r.peers,
                "vetoed": r.vetoed,
                "items": r.items,
            }
            for r in ranking.results
        ],
        "distribution": [{"grade": g, "count": n} for g, n in ranking.distribution],
    }
