"""The season's later steps: moving it on (and what blocks it), publishing the final result
with its rectification tasks, objections in publicity and their answers, and the units'
rectification reports. The same rules as the earlier steps (season.services): the gate asks,
the stage and its window are checked, nothing is half-saved, every step is logged."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    STAGE_ORDER,
    Appraisal,
    AppraisalState,
    Objection,
    ObjectionState,
    PublishedResult,
    Rectification,
    RegionResult,
    RuleItem,
    Season,
    SeasonFile,
    SeasonUnit,
    SelfStatus,
    Stage,
    Subject,
)
from assessments.scoring import judged
from assessments.scoring.publications import PublishRefused, publish_rows
from assessments.season.scores import current_score, leaves, season_totals
from assessments.season.services import (
    SeasonRefused,
    checked_files,
    choice_score,
    cleaned_text,
    log_step,
    require_office,
    require_unit,
    unit_users,
)
from portal import notices, periods, scoping
from portal.evidence import StoredFiles, Upload

# --- Moving the season on ----------------------------------


def next_stage(season: Season) -> str | None:
    position = STAGE_ORDER.index(season.stage)
    return STAGE_ORDER[position + 1] if position + 1 < len(STAGE_ORDER) else None


def blockers(season: Season) -> list[str]:
    """Why the season cannot move on yet (empty when it can)."""
    if season.stage == Stage.REVIEW:
        waiting = Appraisal.objects.filter(unit__season=season).exclude(
            state=AppraisalState.REVIEWED
        )
        if waiting.exists():
            return [
                _("还有 %(n)d 个评审项目未评审（含退回补充材料的），全部评审后才能汇总。")
                % {"n": waiting.count()}
            ]
    if season.stage == Stage.SUMMARY and season.rulebook.subject == Subject.REGIONS:
        if not RegionResult.objects.filter(rulebook=season.rulebook).exists():
            return [_("计算指标尚无考核计算结果，请先进行考核计算。")]
    if season.stage == Stage.RECHECK:
        open_ = Objection.objects.filter(unit__season=season, state=ObjectionState.OPEN).count()
        if open_:
            return [_("还有 %(n)d 条异议未复核。") % {"n": open_}]
    return []


def due_to_advance(season: Season, on: date) -> bool:
    """Whether the office should move the season on now: its window has closed (or, for a
    stage without one, its work is done) and nothing blocks it."""
    if blockers(season):
        return False
    if season.stage == Stage.SELF:
        return (
            on > season.self_until
            or not SeasonUnit.objects.filter(season=season, self_status=SelfStatus.DRAFT).exists()
        )
    if season.stage == Stage.PUBLICITY:
        return on > season.publicity_until
    return season.stage != Stage.FINAL


def advance(*, season: Season, user) -> Season:
    """Move the season to its next stage (publishing it at the end)."""
    require_office(user, season)
    with transaction.atomic():
        season = (
            Season.objects.select_for_update().select_related("rulebook__scope").get(pk=season.pk)
        )
        target = next_stage(season)
        if target is None:
            raise SeasonRefused(_("考核结果已经发布。"))
        problems = blockers(season)
        if problems:
            raise SeasonRefused(" ".join(problems))
        if target == Stage.REVIEW:
            late = Appraisal.objects.filter(unit__season=season, state=AppraisalState.DRAFT)
            late_units = sorted(
                {a.unit.name for a in late.select_related("unit__region", "unit__department")}
            )
            late.update(state=AppraisalState.SUBMITTED)
            if late_units:
                log_step(
                    season,
                    "late",
                    user,
                    detail=_("未按期提交自评：%(units)s") % {"units": "、".join(late_units)},
                )
        if target == Stage.FINAL:
            _publish(season, user)
        if target == Stage.PUBLICITY:
            for unit in season.units.select_related("region", "department"):
                notices.notify(
                    unit_users(unit),
                    kind="season_publicity",
                    params={"rulebook": str(season.rulebook), "unit": unit.name,
                            "until": f"{season.publicity_until:%Y-%m-%d}"},
                    link=reverse("season:unit", args=[unit.pk]),
                    key=f"season_publicity:{season.pk}",
                )  # fmt: skip
        season.stage = target
        season.save(update_fields=["stage", "publication"])
        log_step(season, "stage", user, detail=str(Stage(target).label))
    return season


def _publish(season: Season, user) -> None:
    """Freeze the season's totals as the rulebook's publication, and give the bottom units
    their rectification task."""
    rows = season_totals(season)
    units = {u.pk: u for u in season.units.select_related("region", "department")}
    figures = {}
    if season.rulebook.subject == Subject.REGIONS:
        figures = dict(
            RegionResult.objects.filter(rulebook=season.rulebook).values_list(
                "region_id", "figures"
            )
        )
    items = leaves(season)
    try:
        publication = publish_rows(
            rulebook=season.rulebook,
            user=user,
            extra_items=[
                {
                    "code": i.code,
                    "name": i.name,
                    "points": float(i.points),
                    "method": i.method,
                    "indicator": None,
                    "comparator": "",
                    "threshold": None,
                    "reference": None,
                    "params": i.params or {},
                    "counts": "",
                    "decimals": None,
                }
                for i in items
                if i.is_judged
            ],
            rows=[
                PublishedResult(
                    region=units[row.key].region,
                    department=units[row.key].department,
                    total=row.total,
                    grade=row.grade,
                    rank=row.rank,
                    peers=row.peers,
                    vetoed=row.vetoed,
                    veto_reason=row.veto_reason,
                    items=row.items,
                    reported=True,
                    projected=False,
                    figures=figures.get(units[row.key].region_id, {}),
                    flags=[],
                )
                for row in rows
            ],
        )
    except PublishRefused as refused:
        raise SeasonRefused(str(refused)) from refused
    season.publication = publication
    for row in rows:
        unit = units[row.key]
        notices.notify(
            unit_users(unit),
            kind="season_published",
            params={"rulebook": str(season.rulebook), "unit": unit.name, "total": f"{row.total}",
                    "grade": row.grade, "rank": row.rank},
            link=reverse("season:unit", args=[unit.pk]),
            key=f"season_published:{season.pk}",
        )  # fmt: skip
    bottom = sorted(rows, key=lambda r: (-r.rank, r.key))[: season.rectify_bottom]
    for row in bottom:
        Rectification.objects.create(
            unit=units[row.key],
            rank=row.rank,
            due_on=season.rectify_due,
            requirement=_(
                "%(year)d年考核排名第 %(rank)d 名（%(grade)s），请对照失分项目制定整改措施，"
                "在期限内报送整改情况。"
            )
            % {"year": season.year, "rank": row.rank, "grade": row.grade},
        )
        log_step(season, "rectify", user, unit=units[row.key], detail=_("下达整改任务"))


# --- 公示 and 复核 ---------------------------------------------


def object_to(
    *,
    unit: SeasonUnit,
    item: RuleItem,
    user,
    statement: str,
    files: Sequence[Upload] = (),
    on: date | None = None,
) -> Objection:
    on = on or periods.today()
    require_unit(user, unit)
    season = unit.season
    if season.stage != Stage.PUBLICITY or on > season.publicity_until:
        raise SeasonRefused(_("只能在公示期内提出异议。"))
    if item.rulebook_id != season.rulebook_id or item not in leaves(season):
        raise SeasonRefused(_("该项目不属于本次考核。"))
    statement = cleaned_text(statement, _("异议内容"), required=True)
    checked = checked_files(files)
    with StoredFiles() as stored, transaction.atomic():
        if Objection.objects.filter(unit=unit, item=item, state=ObjectionState.OPEN).exists():
            raise SeasonRefused(_("对这一项目的异议正在复核中，请等待答复。"))
        objection = Objection.objects.create(
            unit=unit,
            item=item,
            statement=statement,
            score_then=current_score(season, unit, item),
            raised_by=user,
        )
        for evidence, data in checked:
            stored.save(SeasonFile(objection=objection, uploaded_by=user), evidence, data)
        log_step(season, "object", user, unit=unit, item_code=item.code, detail=statement)
    return objection


def may_answer(user, objection: Objection) -> bool:
    season = objection.unit.season
    return scoping.may_review_item(
        user,
        scope=season.rulebook.scope,
        lead_department_id=objection.item.lead_department_id,
        unit_department_id=objection.unit.department_id,
    )


def answer(*, objection: Objection, user, change: bool, new_score, text: str) -> Objection:
    """Uphold the score or change it, with the reason the unit reads."""
    season = objection.unit.season
    if not may_answer(user, objection):
        raise SeasonRefused(_("该异议由组织考核的办公室或项目的牵头考核部门复核。"))
    if season.stage not in (Stage.PUBLICITY, Stage.RECHECK):
        raise SeasonRefused(_("只能在公示或复核阶段答复异议。"))
    if objection.state != ObjectionState.OPEN:
        raise SeasonRefused(_("该异议已经答复。"))
    text = cleaned_text(text, _("复核意见"), required=True)
    value = None
    if change:
        item = objection.item
        value = choice_score(
            RuleItem(code=item.code, points=item.points, method=judged.FREE), new_score
        )
        if value == objection.score_then:
            raise SeasonRefused(_("改分后的得分与原得分相同；如维持原分，请选择“维持原分”。"))
    with transaction.atomic():
        objection.state = ObjectionState.CHANGED if change else ObjectionState.UPHELD
        objection.new_score = value
        objection.answer = text
        objection.answered_by = user
        objection.answered_at = timezone.now()
        objection.save()
        notices.notify(
            unit_users(objection.unit),
            kind="objection_answered",
            params={"rulebook": str(season.rulebook), "item": objection.item.code, "answer": text},
            link=reverse("season:unit", args=[objection.unit_id]) + f"#item-{objection.item_id}",
            key=f"objection_answered:{objection.pk}",
        )
        log_step(
            season,
            "answer",
            user,
            unit=objection.unit,
            item_code=objection.item.code,
            detail=(_("改为 %(score)s 分：%(text)s") % {"score": value, "text": text})
            if change
            else _("维持原分：%(text)s") % {"text": text},
        )
    return objection


# --- 整改 ----------------------------------------------------


def report_rectification(*, rectification: Rectification, user, report: str) -> None:
    unit = rectification.unit
    require_unit(user, unit)
    report = cleaned_text(report, _("整改情况"), required=True)
    with transaction.atomic():
        rectification.report = report
        rectification.done_at = timezone.now()
        rectification.save(update_fields=["report", "done_at"])
        log_step(unit.season, "rectified", user, unit=unit, detail=report)
