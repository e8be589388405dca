"""The office's results pages: a rulebook's results with its publication history, publishing
and correcting them (发布 / 更正发布), and any earlier publication, readable as it was signed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import Method, Publication, Rulebook, Season
from assessments.scoring import definitions, publications, results
from portal.scoping import export_q, may_sign_for
from targets import status


def _rulebook(user, pk: int) -> Rulebook:
    """A rulebook of the user's region or below (offices) — never found otherwise."""
    return get_object_or_404(
        Rulebook.objects.filter(export_q(user, "scope")).select_related("scope"), pk=pk
    )


@login_required
def rulebook_results(request, pk: int):
    rulebook = _rulebook(request.user, pk)
    shown = results.shown_for(rulebook)
    history = list(
        Publication.objects.filter(
            year=rulebook.year, rulebook__scope=rulebook.scope, rulebook__level=rulebook.level
        )
        .select_related("published_by", "rulebook")
        .order_by("-number")
    )
    may_sign = may_sign_for(request.user, rulebook.scope)
    return render(
        request,
        "assessments/rulebook_results.html",
        {
            "rulebook": rulebook,
            "shown": shown,
            "items": [i for i in shown.rulebook.items.order_by("order", "code") if i.method],
            "history": history,
            "may_sign": may_sign,
            "season": Season.objects.filter(rulebook=rulebook).first(),
            "readiness": publications.readiness(rulebook) if rulebook.is_current else None,
            "versions": Rulebook.objects.filter(
                year=rulebook.year, scope=rulebook.scope, level=rulebook.level
            ).order_by("-version"),
        },
    )


@login_required
@require_POST
def publish(request, pk: int):
    rulebook = _rulebook(request.user, pk)
    if not may_sign_for(request.user, rulebook.scope):
        raise Http404(_("只有该评分细则所属区划的领导小组办公室可以发布考核结果。"))
    try:
        publication = publications.publish(
            rulebook=rulebook,
            user=request.user,
            reason=request.POST.get("reason", ""),
            confirm_flags=request.POST.get("confirm_flags") == "on",
        )
    except publications.PublishRefused as refused:
        messages.error(request, str(refused))
        return redirect("assessments:rulebook_results", pk=rulebook.pk)
    if publication.is_correction:
        messages.success(
            request,
            _("已更正发布（第 %(n)d 次发布）；原发布结果仍可查阅。") % {"n": publication.number},
        )
    else:
        messages.success(request, _("已发布%(year)d年考核结果。") % {"year": rulebook.year})
    return redirect("assessments:publication", pk=publication.pk)


@login_required
def publication(request, pk: int):
    """One publication as it was signed: its results, what they were computed from, who
    published it and why it corrected an earlier one; marked when a later one corrects it."""
    found = get_object_or_404(
        Publication.objects.filter(export_q(request.user, "rulebook__scope")).select_related(
            "rulebook__scope", "published_by", "supersedes", "run"
        ),
        pk=pk,
    )
    later = Publication.objects.filter(supersedes=found).first()
    frozen = found.definitions
    return render(
        request,
        "assessments/publication.html",
        {
            "publication": found,
            "rulebook": found.rulebook,
            "results": results.publication_results(found),
            "items": [
                {
                    **item,
                    "method_label": Method(item["method"]).label
                    if item["method"] in Method.values
                    else item["method"],
                    "symbol": status.SYMBOLS.get(item["comparator"], item["comparator"]),
                    "indicator_name": frozen.get("indicators", {})
                    .get(item["indicator"] or "", {})
                    .get("name", item["indicator"] or ""),
                    "threshold_text": _number(item["threshold"]),
                    "reference_text": _number(item["reference"]),
                }
                for item in frozen.get("items", [])
            ],
            "frozen": frozen,
            "later": later,
            "changes": definitions.changes(found.supersedes.definitions, frozen)
            if found.supersedes
            else [],
        },
    )


def _number(value) -> str:
    """A frozen threshold or reference value as written in a rulebook (93, 93.6): no padding."""
    return "" if value is None else f"{value:g}"
