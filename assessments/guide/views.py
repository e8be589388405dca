"""使用帮助: a short page per role saying what to do this quarter, with links to each step and
the dates that apply (the reporting window, the progress report due, the season's windows)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessments.models import Submission
from assessments.reporting import selectors as reporting
from assessments.season import selectors as season
from assessments.workspace import limits
from portal import periods, scoping


@login_required
def help_page(request):
    user = request.user
    today = periods.today()
    period = reporting.current_period(today)
    context = {
        "period": period,
        "period_name": reporting.period_name(period) if period else "",
        "todos": season.todos(user),
        "official": scoping.is_official(user),
        "office": scoping.is_office(user) or scoping.is_unrestricted(user),
        "department": scoping.is_department(user),
        "no_role": not (
            scoping.is_official(user)
            or scoping.is_office(user)
            or scoping.is_department(user)
            or scoping.is_unrestricted(user)
        ),
    }
    if context["official"] and period is not None:
        context["own"] = Submission.objects.filter(region=user.region, period=period).first()
        context["window_open"] = reporting.window_open(period, user.region, today)
    if context["office"]:
        context["waiting"] = reporting.approval_queue(user=user).count()
    if context["department"]:
        quarter = periods.open_quarter(today, limits.setting("PROGRESS_DUE_DAYS"))
        context["progress_quarter"] = quarter
        context["progress_due"] = quarter.due(limits.setting("PROGRESS_DUE_DAYS"))
    return render(request, "guide/help.html", context)
