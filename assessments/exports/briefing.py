"""The quarterly briefing of a region: its targets' status, reporting, department progress and
warnings, fit to print."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl.styles import Font

from assessments.exports import summary as summaries
from assessments.models import (
    Period,
    Submission,
    TargetWarning,
)
from assessments.reporting import selectors
from assessments.workspace.owed import owed_items, per_department, reported_items
from assessments.workspace.states import TargetState, target_states
from portal.models import Department, Region, RegionLevel
from portal.periods import Quarter
from portal.scoping import export_q
from targets.models import Target
from targets.selectors import applies, judged_in_q
from targets.status import AMBER, GREEN, RED, UNKNOWN

BOLD = Font(bold=True)


def briefing_regions(*, user) -> QuerySet[Region]:
    """Regions a briefing may be printed for: the user's own and those below, towns aside (a
    town's page is part of its district's briefing)."""
    return Region.objects.filter(export_q(user, None)).exclude(level=RegionLevel.TOWN)


@dataclass
class DepartmentProgress:
    department: Department
    owed: int
    reported: int

    @property
    def missing(self) -> int:
        return self.owed - self.reported


@dataclass
class ReportingState:
    """How complete the quarter's figures are: the region's own and those of the regions below."""

    own: str | None  # None when the region enters nothing itself
    own_submission: Submission | None
    below: selectors.Completeness | None


@dataclass
class BriefingPage:
    """One printed page: a region."""

    region: Region
    states: list[TargetState]
    warnings: list[TargetWarning]
    reporting: ReportingState | None
    departments: list[DepartmentProgress] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for s in self.states if s.status == status)

    @property
    def green(self) -> int:
        return self.count(GREEN)

    @property
    def amber(self) -> int:
        return self.count(AMBER)

    @property
    def red(self) -> int:
        return self.count(RED)

    @property
    def unknown(self) -> int:
        return self.count(UNKNOWN)

    @property
    def has_content(self) -> bool:
        """Whether the region needs a page of its own: targets, warnings or departments'
        progress to show (who reported late or not at all is said on page one)."""
        return bool(self.states or self.warnings or self.departments)


@dataclass
class Briefing:
    """Page one (the summary), then the region's own page and a page for each region below it
    that has something to report; the others are named in the summary."""

    region: Region
    quarter: Quarter
    period: Period | None
    pages: list[BriefingPage]
    generated_at: datetime
    summary: summaries.Summary | None = None
    omitted: list[Region] = field(default_factory=list)

    @property
    def omitted_names(self) -> list[str]:
        return [region.name for region in self.omitted]


def _submission_state(submission: Submission | None, period: Period) -> str:
    """The states of selectors.completeness, for one region's own submission."""
    if submission is None:
        return "missing"
    if submission.first_submitted_at is None:
        return "draft"
    submitted_on = timezone.localtime(submission.first_submitted_at).date()
    return "late" if submitted_on > period.closes_on else "on_time"


def briefing(*, user, region: Region, quarter: Quarter) -> Briefing:
    """The briefing of a region for a quarter: its own page, then one page per region directly
    below it (in the user's export scope)."""
    regions = [region, *Region.objects.filter(export_q(user, None), parent=region).order_by("code")]
    codes = {code for r in regions for code in r.path.split("/") if code}
    targets = list(
        Target.objects.filter(
            judged_in_q(quarter.year), document__in_force=True, region__code__in=codes
        )
        .select_related("document", "region", "measure")
        .prefetch_related("responsible_departments")
        .order_by("region__path", "document", "order")
    )
    per_region = {r.pk: [t for t in targets if applies(t, r)] for r in regions}
    states = target_states([(t, r) for r in regions for t in per_region[r.pk]], quarter.year)
    by_region: dict[int, list[TargetState]] = defaultdict(list)
    for state in states:
        by_region[state.region.pk].append(state)

    warnings: dict[int, list[TargetWarning]] = defaultdict(list)
    for warning in (
        TargetWarning.objects.filter(year=quarter.year, region__in=[r.pk for r in regions])
        .select_related("region", "target")
        .order_by("-level", "target__order", "pk")
    ):
        warnings[warning.region_id].append(warning)

    period = Period.objects.filter(year=quarter.year, quarter=quarter.quarter).first()
    submissions = (
        {s.region_id: s for s in Submission.objects.filter(period=period, region__in=regions)}
        if period
        else {}
    )
    entering = selectors.elements_by_region(regions)
    departments = list(
        Department.objects.filter(region__in=regions, is_active=True).order_by("name")
    )
    ids = [d.pk for d in departments]
    owed = owed_items(ids, quarter)
    reported = reported_items(quarter, ids) & owed
    owed_count, reported_count = per_department(owed), per_department(reported)
    progress: dict[int, list[DepartmentProgress]] = defaultdict(list)
    for department in departments:
        if owed_count[department.pk]:
            progress[department.region_id].append(
                DepartmentProgress(
                    department=department,
                    owed=owed_count[department.pk],
                    reported=reported_count[department.pk],
                )
            )

    pages = []
    for r in regions:
        reporting = None
        if period is not None:
            own_submission = submissions.get(r.pk)
            reporting = ReportingState(
                own=_submission_state(own_submission, period) if entering[r.pk] else None,
                own_submission=own_submission,
                below=selectors.completeness(user=user, region=r, period=period),
            )
        pages.append(
            BriefingPage(
                region=r,
                states=by_region[r.pk],
                warnings=warnings[r.pk],
                reporting=reporting,
                departments=progress[r.pk],
            )
        )
    own = pages[0]
    summary = summaries.summary(
        region=region,
        quarter=quarter,
        own_states=own.states,
        warnings=[w for page in pages for w in page.warnings],
        reporting=own.reporting,
    )
    return Briefing(
        region=region,
        quarter=quarter,
        period=period,
        pages=[page for page in pages if page.has_content],
        generated_at=timezone.localtime(),
        summary=summary,
        omitted=[page.region for page in pages[1:] if not page.has_content],
    )
