"""Reports for leaders: the rankings and scores of a rulebook as an Excel workbook, and the
printable quarterly briefing (one page per region: every target with its status, the warnings,
and how complete the quarter's reporting is).

Both read through ``portal.scoping.export_q``: an office exports its own region and the regions
below it; anybody else finds nothing (404). Every string written to a cell goes through
``assessments.excel.string_cell`` so that no text is ever evaluated as a formula.
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessments.models import (
    Method,
    Period,
    RegionResult,
    Rulebook,
    RuleItem,
    Submission,
    TargetWarning,
)
from assessments.reporting import selectors
from assessments.workspace.owed import owed_items, per_department, reported_items
from assessments.workspace.states import TargetState, target_states
from portal.models import Department, Region, RegionLevel
from portal.periods import Quarter
from portal.scoping import export_q
from portal.spreadsheets import string_cell
from targets.models import Target
from targets.status import AMBER, GREEN, LEVEL_KINDS, RED, UNKNOWN

BOLD = Font(bold=True)


def rulebooks_for(*, user) -> QuerySet[Rulebook]:
    """Rulebooks whose results the user may export: those an office of its region or below runs."""
    return (
        Rulebook.objects.filter(export_q(user, "scope"))
        .select_related("scope")
        .annotate(result_count=Count("results"))
        .order_by("-year", "scope__path", "level")
    )


def rulebook_for(*, user, pk: int) -> Rulebook:
    return get_object_or_404(rulebooks_for(user=user), pk=pk)


def briefing_regions(*, user) -> QuerySet[Region]:
    """Regions a briefing may be printed for: the user's own and those below, towns aside (a
    town's page is part of its district's briefing)."""
    return Region.objects.filter(export_q(user, None)).exclude(level=RegionLevel.TOWN)


# --- Rankings and scores to Excel ---------------------------------------------------------------


def leaf_items(rulebook: Rulebook) -> list[RuleItem]:
    """The items that carry a scoring method, in the rulebook's order: the score breakdown."""
    return [item for item in rulebook.items.order_by("order", "code") if item.method]


def ranking_rows(rulebook: Rulebook) -> list[RegionResult]:
    """The published results of the rulebook, best first."""
    return list(
        RegionResult.objects.filter(rulebook=rulebook)
        .select_related("region", "run")
        .order_by("rank", "region__path")
    )


def _sheet(workbook, title: str, widths: list[int]):
    sheet = workbook.create_sheet(title)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _row(sheet, values: list, **style) -> list:
    """Text through ``string_cell`` (escaped, typed as text); numbers and dates as they are."""
    return [string_cell(sheet, v, **style) if isinstance(v, str | Promise) else v for v in values]


def rankings_workbook(*, rulebook: Rulebook, user=None) -> bytes:
    """The rulebook's results: rank, region, score, grade, veto and the points of every item;
    then the items themselves and a sheet saying what the file is."""
    items = leaf_items(rulebook)
    results = ranking_rows(rulebook)
    workbook = Workbook(write_only=True)

    header = [
        _("排名"),
        _("区划代码"),
        _("区划名称"),
        _("得分"),
        _("等次"),
        _("一票否决"),
        _("否决原因"),
        _("同级参评数"),
    ]
    header += [
        _("%(code)s %(name)s（%(points)s分）")
        % {"code": i.code, "name": i.name, "points": f"{i.points.normalize():f}"}
        for i in items
    ]
    sheet = _sheet(workbook, _("考核结果"), [7, 12, 16, 9, 7, 9, 40, 11] + [18] * len(items))
    sheet.append(_row(sheet, header, font=BOLD))
    for result in results:
        sheet.append(
            _row(
                sheet,
                [
                    result.rank,
                    result.region.code,
                    result.region.name,
                    result.total,
                    result.grade,
                    _("是") if result.vetoed else _("否"),
                    result.veto_reason,
                    result.peers,
                ]
                + [result.items.get(i.code) for i in items],
            )
        )

    rules = _sheet(workbook, _("评分细则"), [9, 9, 40, 8, 30, 20, 30, 9, 10, 40, 20])
    rules.append(
        _row(
            rules,
            [
                _("编号"),
                _("上级项目"),
                _("考核内容"),
                _("分值"),
                _("评分方法"),
                _("指标"),
                _("对应目标"),
                _("比较方式"),
                _("达标值"),
                _("评分依据"),
                _("牵头考核部门"),
            ],
            font=BOLD,
        )
    )
    all_items = rulebook.items.select_related(
        "parent", "indicator", "target", "lead_department"
    ).order_by("order", "code")
    for item in all_items:
        rules.append(
            _row(
                rules,
                [
                    item.code,
                    item.parent.code if item.parent else "",
                    item.name,
                    item.points,
                    Method(item.method).label if item.method else "",
                    item.indicator.name if item.indicator else "",
                    str(item.target) if item.target else "",
                    item.comparator,
                    item.threshold,
                    item.evidence,
                    item.lead_department.short_name if item.lead_department else "",
                ],
            )
        )

    about = _sheet(workbook, _("说明"), [16, 60])
    run = results[0].run if results else None
    finished = timezone.localtime(run.finished_at) if run and run.finished_at else None
    exported_by = (user.get_full_name() or user.username) if user is not None else ""
    lines = [
        (_("项目"), _("内容")),
        (_("评分细则"), rulebook.name),
        (_("年度"), rulebook.year),
        (_("考核单位所在区划"), rulebook.scope.name),
        (_("被考核层级"), RegionLevel(rulebook.level).label),
        (_("参评区划数"), len(results)),
        (_("计算完成时间"), f"{finished:%Y-%m-%d %H:%M}" if finished else _("尚未计算")),
        (_("导出时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"),
        (_("导出人"), exported_by),
    ]
    for number, (key, value) in enumerate(lines):
        about.append(_row(about, [key, value], **({"font": BOLD} if number == 0 else {})))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rankings_filename(rulebook: Rulebook) -> tuple[str, str]:
    """The download's name, and an ASCII fallback for old browsers."""
    return (
        _("%(year)d年%(name)s考核结果.xlsx") % {"year": rulebook.year, "name": rulebook.name},
        f"rankings_{rulebook.year}_{rulebook.pk}.xlsx",
    )


# --- The quarterly briefing -----------------------------------------------------------------------


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


@dataclass
class Briefing:
    region: Region
    quarter: Quarter
    period: Period | None
    pages: list[BriefingPage]
    generated_at: datetime


def _submission_state(submission: Submission | None, period: Period) -> str:
    """The states of selectors.completeness, for one region's own submission."""
    if submission is None:
        return "missing"
    if submission.first_submitted_at is None:
        return "draft"
    submitted_on = timezone.localtime(submission.first_submitted_at).date()
    return "late" if submitted_on > period.closes_on else "on_time"


def applicable_targets(region: Region, targets: list[Target]) -> list[Target]:
    """The targets a region is read against: its own, and the level targets (rates, all-or-
    nothing, relative to a reference) of the regions above it, which hold in every region
    below. A count set for a whole district (福建名牌产品30项) is not split among its towns."""
    own = [t for t in targets if t.region_id == region.pk]
    inherited = [
        t
        for t in targets
        if t.region_id != region.pk
        and region.path.startswith(t.region.path)
        and t.kind in LEVEL_KINDS
    ]
    return own + inherited


def briefing(*, user, region: Region, quarter: Quarter) -> Briefing:
    """The briefing of a region for a quarter: its own page, then one page per region directly
    below it (in the user's export scope)."""
    regions = [region, *Region.objects.filter(export_q(user, None), parent=region).order_by("code")]
    codes = {code for r in regions for code in r.path.split("/") if code}
    targets = list(
        Target.objects.filter(document__in_force=True, region__code__in=codes)
        .select_related("document", "region", "measure")
        .prefetch_related("responsible_departments")
        .order_by("region__path", "document", "order")
    )
    per_region = {r.pk: applicable_targets(r, targets) for r in regions}
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
    owed = owed_items(ids)
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
    return Briefing(
        region=region,
        quarter=quarter,
        period=period,
        pages=pages,
        generated_at=timezone.localtime(),
    )
