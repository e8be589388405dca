"""Rankings and scores of a rulebook to Excel, for the offices that may export them."""

import io

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.exports import sheets
from assessments.models import (
    Method,
    Rulebook,
    RuleItem,
    Subject,
)
from assessments.scoring import results
from portal.models import Region, RegionLevel
from portal.scoping import export_q

BOLD = sheets.BOLD


def rulebooks_for(*, user) -> QuerySet[Rulebook]:
    """Rulebooks whose results the user may export: those an office of its region or below runs."""
    return (
        Rulebook.objects.filter(export_q(user, "scope"), is_current=True, subject=Subject.REGIONS)
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


def ranking_rows(rulebook: Rulebook) -> list:
    """The results readers see of the rulebook (published, else provisional), best first."""
    return results.shown_for(rulebook).results


def rankings_workbook(*, rulebook: Rulebook, user=None) -> bytes:
    """The rulebook's results: rank, region, score, grade, veto and the points of every item;
    then the items themselves and a sheet saying what the file is."""
    shown = results.shown_for(rulebook)
    rulebook = shown.rulebook  # the version the shown results were computed with
    items = leaf_items(rulebook)
    rows = shown.results
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
    sheet = sheets.sheet(workbook, _("考核结果"), [7, 12, 16, 9, 7, 9, 40, 11] + [18] * len(items))
    sheet.append(sheets.row(sheet, header, font=BOLD))
    for result in rows:
        sheet.append(
            sheets.row(
                sheet,
                [
                    result.rank,
                    result.region.code,
                    result.region.name,
                    result.total if result.reported else None,
                    result.grade_label,
                    _("是") if result.vetoed else _("否"),
                    result.veto_reason,
                    result.peers,
                ]
                + [result.items.get(i.code) for i in items],
            )
        )

    rules = sheets.sheet(workbook, _("评分细则"), [9, 9, 40, 8, 30, 20, 30, 9, 10, 40, 20])
    rules.append(
        sheets.row(
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
            sheets.row(
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

    about = sheets.sheet(workbook, _("说明"), [16, 60])
    publication = shown.publication
    run = publication.run if publication else (rows[0].run if rows else None)
    finished = timezone.localtime(run.finished_at) if run and run.finished_at else None
    if publication is not None:
        state = _("第 %(n)d 次发布，%(at)s，%(by)s") % {
            "n": publication.number,
            "at": f"{timezone.localtime(publication.published_at):%Y-%m-%d %H:%M}",
            "by": publication.published_by.username if publication.published_by else "—",
        }
    else:
        state = _("试算结果，未发布")
    exported_by = (user.get_full_name() or user.username) if user is not None else ""
    lines = [
        (_("项目"), _("内容")),
        (_("评分细则"), rulebook.name),
        (_("年度"), rulebook.year),
        (_("考核单位所在区划"), rulebook.scope.name),
        (_("被考核层级"), RegionLevel(rulebook.level).label),
        (_("版本"), rulebook.version),
        (_("发布状态"), state),
        *([(_("更正原因"), publication.reason)] if publication and publication.reason else []),
        (_("参评区划数"), sum(r.reported for r in rows)),
        (_("计算完成时间"), f"{finished:%Y-%m-%d %H:%M}" if finished else _("尚未计算")),
        (_("导出时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"),
        (_("导出人"), exported_by),
    ]
    for number, (key, value) in enumerate(lines):
        about.append(sheets.row(about, [key, value], **({"font": BOLD} if number == 0 else {})))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rankings_filename(rulebook: Rulebook) -> tuple[str, str]:
    """The download's name, and an ASCII fallback for old browsers."""
    return (
        _("%(year)d年%(name)s考核结果.xlsx") % {"year": rulebook.year, "name": rulebook.name},
        f"rankings_{rulebook.year}_{rulebook.pk}.xlsx",
    )
