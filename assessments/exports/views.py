"""Pages of the reports for leaders: the list of exports, the rankings workbook and the printable
quarterly briefing. Offices export their own region and below; anybody else gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.exports import briefing as briefing_report
from assessments.exports import briefing_docx as briefing_docx_report
from assessments.exports import rankings as ranking_export
from assessments.exports import tables
from assessments.models import Period
from portal import periods
from portal.models import Region
from portal.periods import Quarter
from portal.scoping import can_export_for, is_unrestricted, may_export
from portal.spreadsheets import XLSX_CONTENT_TYPE, content_disposition


def _recent_quarters(count: int = 8) -> list[Quarter]:
    quarter = Quarter.of(periods.today())
    quarters = []
    for _step in range(count):
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


@login_required
@require_GET
def index(request):
    """Rulebooks with results to export, and the form that opens a briefing."""
    if not may_export(request.user):
        raise Http404(_("您没有可导出的报表。"))
    regions = list(briefing_report.briefing_regions(user=request.user).order_by("path"))
    return render(
        request,
        "exports/index.html",
        {
            "rulebooks": ranking_export.rulebooks_for(user=request.user),
            "regions": regions,
            "quarters": _recent_quarters(),
            "default_quarter": Quarter.of(periods.today()).previous(),
        },
    )


@login_required
@require_GET
def rankings(request, pk: int):
    """The rulebook's rankings and scores as an .xlsx download."""
    rulebook = ranking_export.rulebook_for(user=request.user, pk=pk)
    data = ranking_export.rankings_workbook(rulebook=rulebook, user=request.user)
    return _xlsx(data, *ranking_export.rankings_filename(rulebook))


@login_required
@require_GET
def briefing(request):
    """The printable briefing of ``?region=<code>&quarter=<2026Q3>`` (defaults: the user's own
    region, the last quarter that has ended)."""
    region = _exporting_region(request)
    report = briefing_report.briefing(user=request.user, region=region, quarter=_quarter(request))
    return render(request, "exports/briefing.html", {"report": report})


def _quarter(request) -> Quarter:
    """``?quarter=2026Q3``, by default the last quarter that has ended; 404 when malformed."""
    if not request.GET.get("quarter"):
        return Quarter.of(periods.today()).previous()
    quarter = Quarter.parse(request.GET["quarter"])
    if quarter is None:
        raise Http404(_("季度格式应为 2026Q1。"))
    return quarter


def _xlsx(data: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


def _exporting_region(request) -> Region:
    user = request.user
    if not may_export(user):
        raise Http404(_("您没有可导出的报表。"))
    code = request.GET.get("region") or (user.region.code if user.region_id else "")
    region = Region.objects.filter(code=code).first()
    if region is None and is_unrestricted(user) and not code:
        region = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if region is None or not can_export_for(user, region):
        raise Http404(_("区划不存在或不在您的权限范围内"))
    return region


@login_required
@require_GET
def completeness_xlsx(request):
    """``?region=<code>&period=<2026Q3>``: who reported, on time or late, and who did not."""
    region = _exporting_region(request)
    quarter = Quarter.parse(request.GET.get("period", "")) or Quarter.of(periods.today()).previous()
    period = Period.objects.filter(year=quarter.year, quarter=quarter.quarter).first()
    if period is None:
        raise Http404(_("该季度尚未设置填报期"))
    data = tables.completeness_workbook(user=request.user, region=region, period=period)
    return _xlsx(data, _("%(region)s%(quarter)s填报进度.xlsx") % {"region": region.name,
                                                              "quarter": quarter.label},
                 f"completeness_{region.code}_{quarter.label}.xlsx")  # fmt: skip


@login_required
@require_GET
def progress_xlsx(request):
    """The departments the office follows: owed, reported and overdue progress reports."""
    if not may_export(request.user):
        raise Http404(_("您没有可导出的报表。"))
    data = tables.progress_workbook(user=request.user)
    return _xlsx(data, _("部门工作进展.xlsx"), "department_progress.xlsx")


@login_required
@require_GET
def warnings_xlsx(request):
    """``?year=2026``: the year's yellow and red warnings of the user's region and below."""
    if not may_export(request.user):
        raise Http404(_("您没有可导出的报表。"))
    year = periods.parse_year(request.GET.get("year"), periods.today().year)
    if year is None:
        raise Http404(_("年度格式应为四位数字，如 2026。"))
    data = tables.warnings_workbook(user=request.user, year=year)
    return _xlsx(data, _("%(year)d年预警.xlsx") % {"year": year}, f"warnings_{year}.xlsx")


@login_required
@require_GET
def briefing_docx(request):
    """The briefing of ``?region=&quarter=`` as a Word document in the official layout."""
    region = _exporting_region(request)
    quarter = (
        Quarter.parse(request.GET.get("quarter", "")) or Quarter.of(periods.today()).previous()
    )
    report = briefing_report.briefing(user=request.user, region=region, quarter=quarter)
    response = HttpResponse(
        briefing_docx_report.briefing_document(report),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = _("%(region)s%(quarter)s质量工作简报.docx") % {"region": region.name,
                                                          "quarter": quarter}  # fmt: skip
    response["Content-Disposition"] = content_disposition(
        filename, f"briefing_{region.code}_{quarter.label}.docx"
    )
    response["Cache-Control"] = "private, no-store"
    return response
