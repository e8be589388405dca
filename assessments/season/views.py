"""The season's pages (/season/): each role's to-do list, the office's season page (stages,
windows, review progress, totals, objections, log), a unit's page (self-assessment, result,
objections, rectification), the reviewer's page, and the scoped file download. Views parse and
render; the gate and the services decide."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import (
    STAGE_ORDER,
    AppraisalState,
    ObjectionState,
    Rectification,
    Rulebook,
    SeasonFile,
    SeasonLog,
    Stage,
)
from assessments.scoring import judged
from assessments.season import scores, selectors, services, stages
from portal import periods, scoping
from portal.evidence import max_file_bytes, oversize_message
from portal.uploads import limited_upload, too_large


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _step(request, back: str, done: str, action) -> HttpResponseRedirect:
    """Take one step of the season: say it was done, or why it was refused; back to the page."""
    try:
        action()
    except services.SeasonRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return _see_other(back)


def _date(value: str, default: date) -> date:
    try:
        return date.fromisoformat((value or "").strip()) if value else default
    except ValueError:
        raise services.SeasonRefused(_("日期格式应为 YYYY-MM-DD。")) from None


def _uploads(request) -> list[services.Upload]:
    return [services.Upload(f.name, f.read()) for f in request.FILES.getlist("files")]


@login_required
def index(request):
    user = request.user
    if not scoping.menu(user)["seasons"]:
        raise Http404(_("没有可查看的考核。"))
    today = periods.today()
    return render(
        request,
        "season/index.html",
        {
            "todos": selectors.todos(user),
            "seasons": list(selectors.seasons_for(user)[:50]),
            "openable": selectors.openable_rulebooks(user),
            "defaults": {
                "self_until": today + timedelta(days=14),
                "review_until": today + timedelta(days=28),
                "publicity_until": today + timedelta(days=35),
                "rectify_due": today + timedelta(days=90),
            },
        },
    )


@login_required
@require_POST
def open_season(request, rulebook_pk: int):
    book = get_object_or_404(
        Rulebook.objects.filter(scoping.export_q(request.user, "scope")).select_related("scope"),
        pk=rulebook_pk,
    )
    try:
        today = periods.today()
        season = services.open_season(
            rulebook=book,
            user=request.user,
            self_until=_date(request.POST.get("self_until"), today + timedelta(days=14)),
            review_until=_date(request.POST.get("review_until"), today + timedelta(days=28)),
            publicity_until=_date(request.POST.get("publicity_until"), today + timedelta(days=35)),
            rectify_due=_date(request.POST.get("rectify_due"), today + timedelta(days=90)),
            rectify_bottom=int(request.POST.get("rectify_bottom") or 1),
        )
    except (services.SeasonRefused, ValueError) as refused:
        messages.error(request, str(refused) or _("请检查填写的内容。"))
        return _see_other(reverse("season:index"))
    messages.success(request, _("已发起考核，各单位可以开始自评。"))
    return _see_other(reverse("season:detail", args=[season.pk]))


@login_required
def detail(request, pk: int):
    user = request.user
    season = selectors.season_for(user, pk)
    runs_it = scoping.may_run_season(user, season.rulebook.scope)
    unit = selectors.own_unit(user, season)
    # Who oversees the season (its office, the offices above, administrators) reads every unit;
    # a unit or a reviewing department reads the season's dates and its own links.
    oversees = scoping.may_oversee_season(user, season.rulebook.scope)
    objections = list(selectors.objections_for(user, unit__season=season))
    for objection in objections:
        objection.answerable = (
            objection.state == ObjectionState.OPEN
            and season.stage in (Stage.PUBLICITY, Stage.RECHECK)
            and stages.may_answer(user, objection)
        )
    if not oversees:
        return render(
            request,
            "season/detail.html",
            {
                "season": season,
                "rulebook": season.rulebook,
                "stages": [(s, Stage(s).label, season.reached(s)) for s in STAGE_ORDER],
                "oversees": False,
                "unit": unit,
                "objections": objections,
                "reviews": selectors.reviews_any(user, season),
            },
        )
    # What every overseer reads alike (totals, review progress, the log) is computed once per
    # version of the season: any step of the season or run of the year makes a new version.
    version = scores.version(season)
    shared = cache.get(f"season:{version}")
    if shared is None:
        shared = _overview(season)
        cache.set(f"season:{version}", shared, SUMMARY_CACHE_SECONDS)
    return render(
        request,
        "season/detail.html",
        {
            "season": season,
            "rulebook": season.rulebook,
            "stages": [(s, Stage(s).label, season.reached(s)) for s in STAGE_ORDER],
            "runs_it": runs_it,
            "oversees": True,
            "unit": unit,
            "next": Stage(stages.next_stage(season)).label if stages.next_stage(season) else "",
            "next_final": stages.next_stage(season) == Stage.FINAL,
            "blockers": stages.blockers(season),
            "objections": objections,
            "version": version,
            "cache_seconds": SUMMARY_CACHE_SECONDS,
            **shared,
            "reviews": selectors.reviews_any(user, season),
        },
    )


SUMMARY_CACHE_SECONDS = 600


def _overview(season) -> dict:
    """The season's totals, review progress and log as every overseer reads them."""
    items = scores.leaves(season)
    units = {u.pk: u for u in season.units.select_related("region", "department")}
    return {
        "progress": selectors.review_progress(season),
        # Each row's cells in the items' order, worked out here once (not looked up per cell
        # in the template: 40 items × 40 units is 1,600 cells).
        "rows": [
            {
                "total": t,
                "unit": units[t.key],
                "cells": [(t.items.get(i.code), i.code in t.pending) for i in items],
            }
            for t in scores.season_totals(season)
        ],
        "items": items,
        "log": list(
            SeasonLog.objects.filter(season=season).select_related(
                "unit__region", "unit__department", "user"
            )[:50]
        ),
    }


@login_required
@require_POST
def advance(request, pk: int):
    season = selectors.season_for(request.user, pk)
    try:
        season = stages.advance(season=season, user=request.user)
    except services.SeasonRefused as refused:
        messages.error(request, str(refused))
    else:
        if season.stage == Stage.FINAL:
            messages.success(request, _("考核结果已最终发布，排名靠后的单位已收到整改任务。"))
        else:
            messages.success(
                request, _("已进入%(stage)s阶段。") % {"stage": Stage(season.stage).label}
            )
    return _see_other(reverse("season:detail", args=[season.pk]))


def _choice_from(request, item, prefix: str):
    """The choice posted for a judged item: a tier position, the missing aspects, a score."""
    if item.method == judged.TIERS:
        return request.POST.get(f"{prefix}choice")
    if item.method == judged.DEDUCT:
        return request.POST.getlist(f"{prefix}missing")
    return request.POST.get(f"{prefix}score", "").strip()


def _item_rows(unit, appraisals: dict, totals_row, objections, stage_shown: bool) -> list[dict]:
    """Each item of the unit: a computed one with its score and the figure behind it (always
    shown); a judged one with the unit's own claim, and its review once scores are shown."""
    rows = []
    figures = scores.unit_figures(unit)
    for item in scores.leaves(unit.season):
        appraisal = appraisals.get(item.pk)
        shown = stage_shown or not item.is_judged
        rows.append(
            {
                "item": item,
                "appraisal": appraisal,
                "tiers": judged.tiers(item.params or {}) if item.method == judged.TIERS else [],
                "elements": judged.elements(item.params or {})
                if item.method == judged.DEDUCT
                else [],
                "self_words": judged.describe(item.method, item.params or {}, appraisal.self_choice)
                if appraisal
                else "",
                "review_words": judged.describe(
                    item.method, item.params or {}, appraisal.review_choice
                )
                if appraisal
                else "",
                "score": totals_row.items.get(item.code) if totals_row and shown else None,
                "figure": figures.get(item.indicator.code) if item.indicator_id else None,
                "indicator": item.indicator,
                "pending": totals_row is not None and item.code in totals_row.pending,
                "objections": [o for o in objections if o.item_id == item.pk],
            }
        )
    return rows


@login_required
def unit_page(request, pk: int):
    user = request.user
    unit = selectors.unit_for(user, pk)
    season = unit.season
    acts = scoping.acts_for_unit(user, region_id=unit.region_id, department_id=unit.department_id)
    runs_it = scoping.may_run_season(user, season.rulebook.scope)
    today = periods.today()
    appraisals = {a.item_id: a for a in selectors.appraisals_for(user, unit=unit)}
    for appraisal in appraisals.values():
        appraisal.editable = acts and services.may_self_assess(appraisal, today)
    # A unit reads its scores from publicity on; the office reads them all along.
    shown = runs_it or season.reached(Stage.PUBLICITY) or not acts
    totals = {t.key: t for t in scores.season_totals(season)}
    row = totals.get(unit.pk)
    rows = _item_rows(unit, appraisals, row, list(selectors.objections_for(user, unit=unit)), shown)
    rectification = Rectification.objects.filter(unit=unit).first()
    return render(
        request,
        "season/unit.html",
        {
            "season": season,
            "unit": unit,
            "acts": acts,
            "runs_it": runs_it,
            "shown": shown,
            "total": row if shown else None,
            "rows": rows,
            "may_submit": acts
            and season.stage == Stage.SELF
            and unit.self_status == "draft"
            and today <= season.self_until,
            "may_object": acts
            and season.stage == Stage.PUBLICITY
            and today <= season.publicity_until,
            "may_adjust": runs_it
            and season.stage in (Stage.SUMMARY, Stage.PUBLICITY, Stage.RECHECK),
            "rectification": rectification,
        },
    )


@limited_upload(max_file_bytes)
@login_required
@require_POST
def self_assess(request, pk: int):
    appraisal = get_object_or_404(selectors.appraisals_for(request.user), pk=pk)
    back = reverse("season:unit", args=[appraisal.unit_id]) + f"#item-{appraisal.item_id}"
    if too_large(request):
        messages.error(request, oversize_message())
        return _see_other(back)
    return _step(
        request,
        back,
        _("已保存项目 %(code)s 的自评。") % {"code": appraisal.item.code},
        lambda: services.save_self(
            appraisal=appraisal,
            user=request.user,
            choice=_choice_from(request, appraisal.item, ""),
            statement=request.POST.get("statement", ""),
            files=_uploads(request),
        ),
    )


@login_required
@require_POST
def submit(request, pk: int):
    unit = selectors.unit_for(request.user, pk)
    return _step(
        request,
        reverse("season:unit", args=[unit.pk]),
        _("自评已提交，等待评审。"),
        lambda: services.submit_self(unit=unit, user=request.user),
    )


@login_required
def review_page(request, pk: int):
    user = request.user
    season = selectors.season_for(user, pk)
    mine = selectors.to_review(user, season)
    if not mine and not scoping.may_run_season(user, season.rulebook.scope):
        raise Http404(_("您在本次考核中没有评审项目。"))
    groups: dict[int, dict] = {}
    for appraisal in mine:
        item = appraisal.item
        group = groups.setdefault(
            item.pk,
            {
                "item": item,
                "tiers": judged.tiers(item.params or {}) if item.method == judged.TIERS else [],
                "elements": judged.elements(item.params or {}),
                "rows": [],
            },
        )
        appraisal.self_words = judged.describe(
            item.method, item.params or {}, appraisal.self_choice
        )
        appraisal.review_words = judged.describe(
            item.method, item.params or {}, appraisal.review_choice
        )
        appraisal.open = season.stage in (Stage.SELF, Stage.REVIEW) and appraisal.state in (
            AppraisalState.SUBMITTED,
            AppraisalState.REVIEWED,
        )
        group["rows"].append(appraisal)
    return render(
        request,
        "season/review.html",
        {
            "season": season,
            "groups": list(groups.values()),
            "counts": {
                "todo": sum(a.state == AppraisalState.SUBMITTED for a in mine),
                "returned": sum(a.state == AppraisalState.RETURNED for a in mine),
                "done": sum(a.state == AppraisalState.REVIEWED for a in mine),
            },
        },
    )


@login_required
@require_POST
def review_item(request, pk: int):
    appraisal = get_object_or_404(selectors.appraisals_for(request.user), pk=pk)
    season = appraisal.unit.season
    try:
        if request.POST.get("action") == "return":
            services.return_item(
                appraisal=appraisal, user=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                _("已退回 %(unit)s 的项目 %(code)s。")
                % {"unit": appraisal.unit.name, "code": appraisal.item.code},
            )
        else:
            services.review(
                appraisal=appraisal,
                user=request.user,
                choice=_choice_from(request, appraisal.item, ""),
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request,
                _("已评审 %(unit)s 的项目 %(code)s。")
                % {"unit": appraisal.unit.name, "code": appraisal.item.code},
            )
    except services.SeasonRefused as refused:
        messages.error(request, str(refused))
    return _see_other(reverse("season:review", args=[season.pk]) + f"#a-{appraisal.pk}")


@login_required
@require_POST
def adjust(request, pk: int):
    appraisal = get_object_or_404(selectors.appraisals_for(request.user), pk=pk)
    return _step(
        request,
        reverse("season:unit", args=[appraisal.unit_id]),
        _("已调整项目 %(code)s 的得分。") % {"code": appraisal.item.code},
        lambda: services.adjust(
            appraisal=appraisal,
            user=request.user,
            score=request.POST.get("score", ""),
            reason=request.POST.get("reason", ""),
        ),
    )


@limited_upload(max_file_bytes)
@login_required
@require_POST
def object_to(request, pk: int, item_pk: int):
    unit = selectors.unit_for(request.user, pk)
    item = get_object_or_404(unit.season.rulebook.items, pk=item_pk)
    back = reverse("season:unit", args=[unit.pk]) + f"#item-{item.pk}"
    if too_large(request):
        messages.error(request, oversize_message())
        return _see_other(back)
    return _step(
        request,
        back,
        _("异议已提交，复核后将在此答复。"),
        lambda: stages.object_to(
            unit=unit,
            item=item,
            user=request.user,
            statement=request.POST.get("statement", ""),
            files=_uploads(request),
        ),
    )


@login_required
@require_POST
def answer(request, pk: int):
    objection = get_object_or_404(selectors.objections_for(request.user), pk=pk)
    return _step(
        request,
        reverse("season:detail", args=[objection.unit.season_id]) + "#objections",
        _("已答复异议。"),
        lambda: stages.answer(
            objection=objection,
            user=request.user,
            change=request.POST.get("decision") == "change",
            new_score=request.POST.get("new_score", ""),
            text=request.POST.get("answer", ""),
        ),
    )


@login_required
@require_POST
def rectify(request, pk: int):
    task = get_object_or_404(selectors.rectifications_for(request.user), pk=pk)
    return _step(
        request,
        reverse("season:unit", args=[task.unit_id]),
        _("已报送整改情况。"),
        lambda: stages.report_rectification(
            rectification=task, user=request.user, report=request.POST.get("report", "")
        ),
    )


@login_required
def download(request, pk: int):
    """A season file, for whoever may read what it backs."""
    found = get_object_or_404(SeasonFile.objects.select_related("appraisal", "objection"), pk=pk)
    user = request.user
    if found.appraisal_id:
        visible = selectors.appraisals_for(user).filter(pk=found.appraisal_id).exists()
    else:
        visible = selectors.objections_for(user).filter(pk=found.objection_id).exists()
    if not visible:
        raise Http404(_("文件不存在。"))
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type,
    )
