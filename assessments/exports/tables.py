"""Three lists an office hands over as Excel, exported like the rankings: reporting
completeness of a region and quarter, the departments' progress, and the year's warnings; each
only within the user's export scope (portal.scoping.export_q)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.exports import sheets
from assessments.models import Period, TargetWarning
from assessments.reporting import selectors as reporting
from assessments.workspace import overview
from portal.models import Region
from portal.scoping import export_q

STATES = {
    "missing": gettext_lazy("未报"),
    "draft": gettext_lazy("草稿未提交"),
    "on_time": gettext_lazy("按时提交"),
    "late": gettext_lazy("逾期提交"),
}


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def completeness_workbook(*, user, region: Region, period: Period) -> bytes:
    report = reporting.completeness(user=user, region=region, period=period)
    rows = [
        [
            row.region.code,
            row.region.name,
            str(STATES.get(row.state, row.state)),
            row.submission.get_status_display() if row.submission else "",
            _when(row.submission.first_submitted_at) if row.submission else "",
            _when(row.submission.decided_at) if row.submission else "",
        ]
        for row in report.rows
    ]
    return sheets.table(
        title=_("填报进度"),
        header=[
            _("区划代码"),
            _("区划名称"),
            _("报送情况"),
            _("状态"),
            _("首次提交时间"),
            _("审核时间"),
        ],  # fmt: skip
        rows=rows,
        widths=[12, 16, 12, 10, 18, 18],
        about=[
            (_("区划"), region.name),
            (_("填报期"), reporting.period_name(period)),
            (_("填报时间"), f"{period.opens_on:%Y-%m-%d} – {period.closes_on:%Y-%m-%d}"),
            (_("应报"), report.expected),
            (_("按时"), report.on_time),
            (_("逾期"), report.late),
            (_("未报"), report.missing),
        ],
        user=user,
    )


def progress_workbook(*, user) -> bytes:
    found, quarter = overview.department_overview(user=user)
    rows = [
        [
            r.department.region.name,
            r.department.name,
            r.tasks,
            r.duties,
            r.targets,
            r.owed_previous,
            r.reported_previous,
            r.overdue,
            r.owed,
            r.reported_open,
        ]
        for r in found
    ]
    return sheets.table(
        title=_("部门工作进展"),
        header=[
            _("区划"),
            _("部门"),
            _("任务"),
            _("职责"),
            _("负责目标"),
            _("上季度应报"),
            _("上季度已报"),
            _("上季度逾期未报"),
            _("本季度应报"),
            _("本季度已报"),
        ],  # fmt: skip
        rows=rows,
        widths=[12, 28, 7, 7, 9, 11, 11, 14, 11, 11],
        about=[(_("本季度"), str(quarter)), (_("上季度"), str(quarter.previous()))],
        user=user,
    )


def warnings_workbook(*, user, year: int) -> bytes:
    found = (
        TargetWarning.objects.filter(export_q(user, "region"), year=year)
        .select_related("region", "target__document", "target__measure__indicator")
        .order_by("-level", "region__path")
    )
    rows = [
        [
            w.get_level_display(),
            w.region.code,
            w.region.name,
            f"{w.target.document.title} {w.target.code}" if w.target_id else "",
            w.actual,
            w.projected,
            w.required,
            w.gap,
            w.departments,
            w.text,
        ]
        for w in found
    ]
    return sheets.table(
        title=_("预警"),
        header=[
            _("级别"),
            _("区划代码"),
            _("区划名称"),
            _("目标"),
            _("当前值"),
            _("预测值"),
            _("目标值"),
            _("差距"),
            _("责任部门"),
            _("说明"),
        ],  # fmt: skip
        rows=rows,
        widths=[8, 12, 14, 40, 10, 10, 10, 10, 24, 80],
        about=[
            (_("年度"), year),
            (_("黄牌"), sum(w.level == "yellow" for w in found)),
            (_("红牌"), sum(w.level == "red" for w in found)),
        ],  # fmt: skip
        user=user,
    )
