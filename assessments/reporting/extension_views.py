"""Extension requests (延期申请) on the pages: an official asks from the entry page, the office
decides from its approval queue. The services (reporting.extensions) and the gate decide."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import ExtensionRequest
from assessments.reporting import errors, extensions, selectors
from portal.scoping import visible_regions


@login_required
@require_POST
def request_extension(request, region_code: str, year: int, quarter: int):
    """An official asks the office above to reopen a closed quarter."""
    region = selectors.visible_region_or_404(request.user, region_code)
    period = selectors.period_or_404(year, quarter)
    try:
        until = date.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        messages.error(request, _("请填写有效的申请延至日期（如 2026-04-30）。"))
    else:
        try:
            extensions.request_extension(
                user=request.user,
                period=period,
                region=region,
                until=until,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("延期申请已提交，等待审核的办公室处理。"))
        except (errors.ReportingError, PermissionDenied) as error:
            messages.error(request, str(error))
    return redirect("assessments:entry", region_code=region.code, year=year, quarter=quarter)


@login_required
@require_POST
def decide_extension(request, pk: int):
    """The office grants (until a date) or refuses an extension request, from its queue."""
    found = get_object_or_404(
        ExtensionRequest.objects.filter(region__in=visible_regions(request.user)), pk=pk
    )
    grant = request.POST.get("decision") == "grant"
    until = None
    if grant and request.POST.get("until"):
        try:
            until = date.fromisoformat(request.POST["until"])
        except ValueError:
            messages.error(request, _("请填写有效的延期截止日期（如 2026-04-30）。"))
            return redirect("assessments:approval_queue")
    try:
        extensions.decide(
            user=request.user,
            request=found,
            grant=grant,
            until=until,
            note=request.POST.get("note", ""),
        )
        if grant:
            messages.success(
                request, _("已批准%(region)s的延期申请。") % {"region": found.region.name}
            )
        else:
            messages.success(
                request, _("已不予批准%(region)s的延期申请。") % {"region": found.region.name}
            )
    except (errors.ReportingError, PermissionDenied) as error:
        messages.error(request, str(error))
    return redirect("assessments:approval_queue")
