"""The office's assessment page: start the year's run and watch its progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import (
    AssessmentRun,
    Period,
    Rulebook,
    Subject,
)
from assessments.scoring import lifecycle, publications, results
from assessments.scoring import services as run_services
from portal import periods
from portal.scoping import export_q, may_run_assessment, may_sign_for, runs_q

SHOWN_RULEBOOKS = 30


@login_required
def assessment_runs(request):
    """The office starts the year's assessment and watches it; the last runs and their data."""
    if not may_run_assessment(request.user):
        raise Http404(_("只有领导小组办公室可以启动考核计算。"))
    year = periods.parse_year(
        request.GET.get("year") or request.POST.get("year"), default=periods.today().year
    )
    if year is None:
        raise BadRequest(_("年度应为四位数字，如 2026。"))
    if request.method == "POST":
        started = run_services.enqueue_year(year=year, user=request.user)
        if started:
            messages.success(request, _("已启动%(year)d年考核计算。") % {"year": year})
        else:
            messages.warning(
                request, _("%(year)d年考核计算正在进行中，请等待其完成。") % {"year": year}
            )
        return redirect(f"{reverse('assessments:assessment_runs')}?year={year}")
    latest = lifecycle.latest_run(year)
    recent = AssessmentRun.objects.filter(runs_q(request.user), year=year).select_related(
        "created_by", "path_region"
    )[:15]
    return render(
        request,
        "assessments/assessment_runs.html",
        {
            "year": year,
            "years": sorted({p.year for p in Period.objects.all()} | {year}, reverse=True),
            "recent": recent,
            "latest": latest,
            "flags": [
                (publications.flag_word(kind), count)
                for kind, count in sorted((latest.summary or {}).get("flags", {}).items())
            ]
            if latest
            else [],
            # The year's run in progress, when the user follows it (its progress bar polls it);
            # any run in progress of the year disables the button (one run per year).
            "running": AssessmentRun.objects.filter(
                runs_q(request.user), year=year, status="running"
            ).first(),
            "busy": AssessmentRun.objects.filter(year=year, status="running").exists(),
            "rulebooks": _rulebooks(request.user, year),
        },
    )


@login_required
def run_status(request, pk: int):
    """Progress of one run, for the progress bar (JSON)."""
    if not may_run_assessment(request.user):
        raise Http404
    run = get_object_or_404(AssessmentRun.objects.filter(runs_q(request.user)), pk=pk)
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_display": run.get_status_display(),
            "progress": run.progress,
            # Stored as the Chinese msgid (gettext_noop): shown in the user's language.
            "message": _(run.message) if run.message else "",
            "error": _(run.error) if run.error else "",
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        }
    )


def _rulebooks(user, year: int) -> list[dict]:
    """The year's rulebooks the user may read, each with what readers see (published or
    provisional) and, for those the user signs, the definitions changed since their last run."""
    books = list(
        Rulebook.objects.filter(
            export_q(user, "scope"), year=year, is_current=True, subject=Subject.REGIONS
        )
        .select_related("scope")
        .order_by("scope__path", "level")[:SHOWN_RULEBOOKS]
    )
    rows = []
    for view in results.shown(books):
        book = view.rulebook
        signs = may_sign_for(user, book.scope) and book.is_current
        rows.append(
            {
                "rulebook": book,
                "shown": view,
                "changes": publications.readiness(book).changes if signs else [],
                "signs": signs,
            }
        )
    return rows
