"""Reads for quarterly reporting, always through the central scoping rules (portal.scoping).

A region official and an office read the submissions of their region and below; a department
reads the submissions of its region and below, but only the figures that measure the targets it
is responsible for. Everything outside is not found (404).
"""

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    DataElement,
    ElementRule,
    Indicator,
    Period,
    Status,
    Submission,
    Value,
    WindowReopening,
)
from assessments.reporting.validation import ElementSpec, RuleSpec
from portal import periods
from portal.models import Region
from portal.scoping import (
    anchor_region,
    can_see_region,
    is_unrestricted,
    reads_only_responsible,
    review_q,
    subtree_q,
)


def submissions_for(*, user) -> QuerySet[Submission]:
    """Submissions the user may read."""
    return Submission.objects.filter(subtree_q(user, "region")).select_related("region", "period")


def submission_for(*, user, pk: int) -> Submission:
    """One submission; 404 when it is outside the user's scope."""
    return get_object_or_404(submissions_for(user=user), pk=pk)


def elements_for(*, user) -> QuerySet[DataElement]:
    """Data elements whose figures the user may read: all of them, except for a department,
    which reads only those that measure the targets it is responsible for."""
    elements = DataElement.objects.filter(is_active=True)
    if not reads_only_responsible(user):
        return elements if anchor_region(user) or is_unrestricted(user) else elements.none()
    if not user.department_id:
        return elements.none()
    indicators = Indicator.objects.filter(
        measures__target__responsible_departments=user.department_id
    )
    return elements.filter(
        Q(pk__in=indicators.values("numerator")) | Q(pk__in=indicators.values("denominator"))
    ).distinct()


def elements_by_region(regions: list[Region]) -> dict[int, list[DataElement]]:
    """The elements each region enters itself, in two queries whatever the number of regions:
    those of its own level that apply to it, and, where the portal holds no regions below it
    (a county not broken down by town), the finer ones too."""
    elements = list(
        DataElement.objects.filter(is_active=True)
        .select_related("applies_to", "weight")
        .order_by("order", "code")
    )
    with_children = set(
        Region.objects.filter(parent__in=[r.pk for r in regions]).values_list(
            "parent_id", flat=True
        )
    )
    result = {}
    for region in regions:
        leaf = region.pk not in with_children
        result[region.pk] = [
            e
            for e in elements
            if (e.applies_to is None or region.path.startswith(e.applies_to.path))
            and (e.entry_level == region.level or (leaf and e.entry_level > region.level))
        ]
    return result


def elements_for_region(region: Region) -> list[DataElement]:
    """The elements one region enters itself (see elements_by_region)."""
    return elements_by_region([region])[region.pk]


def element_specs(elements: list[DataElement]) -> list[ElementSpec]:
    return [
        ElementSpec(
            code=e.code,
            name=e.name,
            unit=e.unit,
            value_type=e.value_type,
            min_value=e.min_value,
            max_value=e.max_value,
            weight=e.weight.code if e.weight_id else None,
        )
        for e in elements
    ]


def rule_specs(elements: list[DataElement]) -> list[RuleSpec]:
    ids = [e.pk for e in elements]
    rules = ElementRule.objects.filter(left__in=ids, right__in=ids).select_related("left", "right")
    return [RuleSpec(left=r.left.code, right=r.right.code, message=r.message) for r in rules]


def values_of(submission: Submission) -> dict[str, Value]:
    return {v.element.code: v for v in submission.values.select_related("element")}


def histories_for(
    region_ids: list[int], period: Period, quarters: int = 8
) -> dict[int, dict[str, list[Decimal]]]:
    """Earlier submitted or approved figures of the regions (newest first, at most ``quarters``
    per element), in one query: the soft rule compares a new figure with them."""
    rows = (
        Value.objects.filter(
            submission__region__in=region_ids,
            submission__status__in=[Status.SUBMITTED, Status.APPROVED],
            submission__period__year__gte=period.year - (quarters + 3) // 4 - 1,
        )
        .filter(
            Q(submission__period__year__lt=period.year)
            | Q(
                submission__period__year=period.year, submission__period__quarter__lt=period.quarter
            )
        )
        .order_by("-submission__period__year", "-submission__period__quarter")
        .values_list("submission__region_id", "element__code", "value")
    )
    histories: dict[int, dict[str, list[Decimal]]] = {region_id: {} for region_id in region_ids}
    for region_id, code, value in rows:
        values = histories[region_id].setdefault(code, [])
        if len(values) < quarters:
            values.append(value)
    return histories


def history_for(region: Region, period: Period) -> dict[str, list[Decimal]]:
    return histories_for([region.pk], period)[region.pk]


def period_or_404(year: int, quarter: int) -> Period:
    return get_object_or_404(Period, year=year, quarter=quarter)


def visible_region_or_404(user, code: str) -> Region:
    """The region of that code when the user may see it; 404 otherwise (never a 403 that
    confirms it exists)."""
    region = Region.objects.filter(code=code).first()
    if region is None or not can_see_region(user, region):
        raise Http404(_("区划不存在或不在您的权限范围内"))
    return region


def previous_period(period: Period) -> Period | None:
    return (
        Period.objects.filter(
            Q(year__lt=period.year) | Q(year=period.year, quarter__lt=period.quarter)
        )
        .order_by("-year", "-quarter")
        .first()
    )


def comparison_values(
    region: Region, period: Period
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Last quarter's and the same quarter last year's figures of the region, per element code."""

    def figures(year: int, quarter: int) -> dict[str, Decimal]:
        return dict(
            Value.objects.filter(
                submission__region=region,
                submission__period__year=year,
                submission__period__quarter=quarter,
            ).values_list("element__code", "value")
        )

    last = previous_period(period)
    return (
        figures(last.year, last.quarter) if last else {},
        figures(period.year - 1, period.quarter),
    )


def peer_medians(region: Region, period: Period) -> dict[str, Decimal]:
    """The median of each element's figure over the region's peers (the regions of its level
    under the same parent) that have submitted this quarter, the region itself included."""
    if region.parent_id is None:
        return {}
    found: dict[str, list[Decimal]] = {}
    for code, value in Value.objects.filter(
        submission__period=period,
        submission__region__parent_id=region.parent_id,
        submission__region__level=region.level,
        submission__status__in=[Status.SUBMITTED, Status.APPROVED],
    ).values_list("element__code", "value"):
        found.setdefault(code, []).append(value)
    return {code: statistics.median(values) for code, values in found.items() if len(values) > 1}


def window_open(period: Period, region: Region, on: date | None = None) -> bool:
    """Whether the region may enter figures for the period on that day: inside the window, or
    reopened by the office for the region or one above it."""
    on = on or periods.today()
    if period.opens_on <= on <= period.closes_on:
        return True
    codes = [code for code in region.path.split("/") if code]
    return (
        WindowReopening.objects.filter(
            period=period, region__code__in=codes, until__gte=on
        ).exists()
        and on >= period.opens_on
    )


def current_period(on: date | None = None) -> Period | None:
    """The latest period whose window has opened."""
    on = on or periods.today()
    return Period.objects.filter(opens_on__lte=on).order_by("-year", "-quarter").first()


def expected_regions(under: Region) -> QuerySet[Region]:
    """Regions under ``under`` (itself excluded) that enter figures themselves: those at an
    entry level, and leaves above the finest entry level (see elements_for_region)."""
    levels = set(DataElement.objects.filter(is_active=True).values_list("entry_level", flat=True))
    if not levels:
        return Region.objects.none()
    return (
        Region.objects.filter(path__startswith=under.path)
        .exclude(pk=under.pk)
        .filter(Q(level__in=levels) | Q(children__isnull=True, level__lt=max(levels)))
        .distinct()
        .order_by("path")
    )


@dataclass
class CompletenessRow:
    region: Region
    submission: Submission | None
    state: str  # "missing", "draft", "on_time", "late"

    @property
    def received(self) -> bool:
        return self.state in {"on_time", "late"}


@dataclass
class Completeness:
    period: Period
    rows: list[CompletenessRow]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def on_time(self) -> int:
        return self.count("on_time")

    @property
    def late(self) -> int:
        return self.count("late")

    @property
    def missing(self) -> int:
        return self.count("missing")

    @property
    def missing_names(self) -> str:
        """The regions that have not entered anything, as a list in words ("A、B")."""
        return "、".join(row.region.name for row in self.rows if row.state == "missing")

    @property
    def drafts(self) -> int:
        return self.count("draft")

    @property
    def received(self) -> int:
        return sum(1 for row in self.rows if row.received)


def completeness(*, user, region: Region, period: Period) -> Completeness:
    """Expected, received, on time, late and missing submissions under ``region``."""
    regions = list(expected_regions(region).filter(subtree_q(user, None)))
    submissions = {
        s.region_id: s
        for s in Submission.objects.filter(period=period, region__in=[r.pk for r in regions])
    }
    rows = []
    for r in regions:
        submission = submissions.get(r.pk)
        if submission is None:
            state = "missing"
        elif submission.first_submitted_at is None:
            state = "draft"
        else:
            submitted_on = timezone.localtime(submission.first_submitted_at).date()
            state = "late" if submitted_on > period.closes_on else "on_time"
        rows.append(CompletenessRow(region=r, submission=submission, state=state))
    return Completeness(period=period, rows=rows)


def approval_queue(*, user) -> QuerySet[Submission]:
    """Submitted figures waiting for this office's decision (the regions directly below it)."""
    queryset = submissions_for(user=user).filter(review_q(user), status=Status.SUBMITTED)
    return queryset.order_by("first_submitted_at")


# --- Names in messages -------------------------------------------------------------------------


def period_name(period: Period) -> str:
    """The quarter as a message names it, in the active language ("2026年第1季度", "Q1 2026")."""
    return _("%(year)d年第%(quarter)d季度") % {"year": period.year, "quarter": period.quarter}


def submission_name(submission: Submission) -> str:
    """A submission as a message names it: its region and quarter."""
    return f"{submission.region.name} {period_name(submission.period)}"


def long_date(day: date) -> str:
    """A date in a message, in the active language ("2026年04月15日", "2026-04-15")."""
    return _("%(year)d年%(month)02d月%(day)02d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }
