"""The season's workflow (考核季): open it, self-assess, review, adjust, publicise, object, answer,
publish. Every write asks the access gate, checks the stage and its window, is all or nothing
(files included) and leaves a line in the season's log.

Stages, moved on by the office: 自评 (units self-assess their judged items and submit) → 评审
(each item's lead department, or the office, scores every unit's item, or returns it for more
evidence) → 汇总 (the office reads every total; it may adjust a judged score, with a reason) →
公示 (units read their item-by-item result and may object until the publicity window closes) →
复核 (the office, or the item's department, answers every objection) → 已发布 (the final result is
frozen as a publication, and the bottom units get a rectification task)."""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

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
    Rulebook,
    RuleItem,
    Season,
    SeasonFile,
    SeasonLog,
    SeasonUnit,
    SelfStatus,
    Stage,
    Subject,
)
from assessments.scoring import judged
from assessments.scoring.publications import PublishRefused, publish_rows
from assessments.season.scores import current_score, leaves, leaves_of, season_totals
from portal import notices, periods, scoping
from portal.evidence import EvidenceRejected, StoredFiles, Upload, check_all
from portal.models import Department, Region, Role, User

MAX_TEXT = 2000
MAX_FILES = 5


class SeasonRefused(ValueError):
    """A step the season does not allow; the message says why, in Chinese."""


def _text(value: str, label: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise SeasonRefused(_("请填写%(label)s。") % {"label": label})
    if len(text) > limit:
        raise SeasonRefused(_("%(label)s不能超过 %(max)d 字。") % {"label": label, "max": limit})
    return text


def _log(season, action: str, user, *, unit=None, item_code: str = "", detail: str = "") -> None:
    SeasonLog.objects.create(
        season=season,
        unit=unit,
        item_code=item_code,
        action=action,
        detail=detail[:1000],
        user=user if user is not None and user.is_authenticated else None,
    )


def _checked(files: Sequence[Upload]) -> list:
    if len(files) > MAX_FILES:
        raise SeasonRefused(_("每次最多上传 %(max)d 个佐证材料。") % {"max": MAX_FILES})
    try:
        return check_all(files)
    except EvidenceRejected as rejected:
        raise SeasonRefused(str(rejected)) from rejected


# --- Opening a season --------------------------------------


def units_of(rulebook: Rulebook) -> list[dict]:
    """Who a rulebook assesses: the regions of its level below its scope, or the active
    departments of its scope's government."""
    if rulebook.subject == Subject.DEPARTMENTS:
        return [
            {"department": d}
            for d in Department.objects.filter(region=rulebook.scope, is_active=True)
        ]
    return [
        {"region": r}
        for r in Region.objects.filter(
            level=rulebook.level, path__startswith=rulebook.scope.path
        ).exclude(pk=rulebook.scope_id)
    ]


def open_season(
    *,
    rulebook: Rulebook,
    user,
    self_until: date,
    review_until: date,
    publicity_until: date,
    rectify_due: date,
    rectify_bottom: int = 1,
) -> Season:
    if not scoping.may_run_season(user, rulebook.scope):
        raise SeasonRefused(_("只有该评分细则所属区划的领导小组办公室可以组织考核。"))
    if not rulebook.is_current:
        raise SeasonRefused(_("只能按现行版本的评分细则组织考核。"))
    if Season.objects.filter(
        rulebook__year=rulebook.year,
        rulebook__scope=rulebook.scope,
        rulebook__level=rulebook.level,
        rulebook__subject=rulebook.subject,
    ).exists():
        raise SeasonRefused(_("本年度的考核已经开始，不能重复发起。"))
    if not self_until <= review_until <= publicity_until <= rectify_due:
        raise SeasonRefused(_("各阶段截止日应依次为：自评截止 ≤ 评审截止 ≤ 公示截止 ≤ 整改期限。"))
    if rectify_bottom < 0:
        raise SeasonRefused(_("整改单位数不能为负数。"))
    judged_items = [item for item in leaves_of(rulebook) if item.is_judged]
    targets = units_of(rulebook)
    if not targets:
        raise SeasonRefused(_("这份评分细则没有可考核的单位。"))
    with transaction.atomic():
        season = Season.objects.create(
            rulebook=rulebook,
            self_until=self_until,
            review_until=review_until,
            publicity_until=publicity_until,
            rectify_due=rectify_due,
            rectify_bottom=rectify_bottom,
            created_by=user,
        )
        units = SeasonUnit.objects.bulk_create(SeasonUnit(season=season, **t) for t in targets)
        Appraisal.objects.bulk_create(
            Appraisal(unit=unit, item=item) for unit in units for item in judged_items
        )
        _log(
            season,
            "open",
            user,
            detail=_("发起考核：%(n)d 个单位，%(m)d 个评审项目")
            % {"n": len(units), "m": len(judged_items)},
        )
    return season


# --- 自评 ----------------------------------------------------


def unit_users(unit: SeasonUnit):
    """The users who act for a unit: its region's office, or its department's users."""
    if unit.region_id:
        return User.objects.filter(role=Role.OFFICE, region_id=unit.region_id, is_active=True)
    return User.objects.filter(role=Role.DEPARTMENT, department_id=unit.department_id,
                               is_active=True)  # fmt: skip


def _acts_for(user, unit: SeasonUnit) -> None:
    if not scoping.acts_for_unit(user, region_id=unit.region_id, department_id=unit.department_id):
        raise SeasonRefused(_("只有被考核单位本身可以自评或提出异议。"))


def may_self_assess(appraisal: Appraisal, on: date) -> bool:
    season = appraisal.unit.season
    if appraisal.state == AppraisalState.RETURNED:
        return season.stage in (Stage.SELF, Stage.REVIEW) and on <= season.review_until
    return (
        season.stage == Stage.SELF
        and on <= season.self_until
        and appraisal.unit.self_status == SelfStatus.DRAFT
    )


def _normalized(item: RuleItem, choice):
    """The choice as stored: a tier's position as a number, the missing aspects in the rule's
    order, a free score as its decimal text."""
    if item.method == judged.TIERS:
        return int(choice)
    if item.method == judged.DEDUCT:
        return [e for e in judged.elements(item.params or {}) if e in set(choice)]
    return str(Decimal(str(choice).strip()).quantize(Decimal("0.01")))


def _choice_score(item: RuleItem, choice) -> Decimal:
    try:
        return judged.score_of(item.method, item.params or {}, item.points, choice)
    except judged.JudgedRefused as refused:
        raise SeasonRefused(
            _("项目 %(code)s：%(problem)s") % {"code": item.code, "problem": refused}
        ) from refused


def save_self(
    *,
    appraisal: Appraisal,
    user,
    choice,
    statement: str,
    files: Sequence[Upload] = (),
    on: date | None = None,
) -> Appraisal:
    """The unit's self-score of a judged item, its statement and evidence files. A returned
    item goes back to its reviewer once the unit has added to it."""
    on = on or periods.today()
    unit = appraisal.unit
    _acts_for(user, unit)
    if not may_self_assess(appraisal, on):
        raise SeasonRefused(_("自评已截止或已提交，不能再修改；如需补充，请联系考核办公室。"))
    score = _choice_score(appraisal.item, choice)
    statement = _text(statement, _("自评说明"), required=appraisal.item.method == judged.FREE)
    checked = _checked(files)
    returned = appraisal.state == AppraisalState.RETURNED
    with StoredFiles() as stored, transaction.atomic():
        locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        if locked.state != appraisal.state:
            raise SeasonRefused(_("该项目的状态刚刚发生变化，请刷新页面后重试。"))
        locked.self_choice = _normalized(appraisal.item, choice)
        locked.self_score = score
        locked.statement = statement
        if returned:
            locked.state = AppraisalState.SUBMITTED
        locked.save()
        for evidence, data in checked:
            stored.save(SeasonFile(appraisal=locked, uploaded_by=user), evidence, data)
        _log(
            unit.season,
            "resubmit" if returned else "self",
            user,
            unit=unit,
            item_code=appraisal.item.code,
            detail=_("自评 %(score)s 分，附件 %(n)d 个") % {"score": score, "n": len(checked)},
        )
    return locked


def submit_self(*, unit: SeasonUnit, user, on: date | None = None) -> None:
    on = on or periods.today()
    _acts_for(user, unit)
    season = unit.season
    if season.stage != Stage.SELF or on > season.self_until:
        raise SeasonRefused(_("自评已截止，不能再提交。"))
    if unit.self_status != SelfStatus.DRAFT:
        raise SeasonRefused(_("自评已经提交。"))
    missing = list(
        unit.appraisals.filter(self_score__isnull=True).values_list("item__code", flat=True)
    )
    if missing:
        raise SeasonRefused(
            _("还有项目未自评：%(codes)s。") % {"codes": "、".join(sorted(missing))}
        )
    with transaction.atomic():
        unit.self_status = SelfStatus.SUBMITTED
        unit.submitted_at = timezone.now()
        unit.save(update_fields=["self_status", "submitted_at"])
        unit.appraisals.filter(state=AppraisalState.DRAFT).update(state=AppraisalState.SUBMITTED)
        _log(season, "submit", user, unit=unit, detail=_("提交自评"))


# --- 评审 ----------------------------------------------------


def may_review(user, appraisal: Appraisal) -> bool:
    season = appraisal.unit.season
    return scoping.may_review_item(
        user,
        scope=season.rulebook.scope,
        lead_department_id=appraisal.item.lead_department_id,
        unit_department_id=appraisal.unit.department_id,
    )


def _reviewing(user, appraisal: Appraisal, on: date) -> None:
    if not may_review(user, appraisal):
        raise SeasonRefused(_("该项目由牵头考核部门评审。"))
    season = appraisal.unit.season
    if season.stage not in (Stage.SELF, Stage.REVIEW) or on > season.review_until:
        raise SeasonRefused(_("评审已截止。"))
    if appraisal.state not in (AppraisalState.SUBMITTED, AppraisalState.REVIEWED):
        raise SeasonRefused(_("该单位尚未提交这一项目的自评。"))


def review(*, appraisal: Appraisal, user, choice, reason: str, on: date | None = None) -> Appraisal:
    """The reviewer's score of a judged item (a reason whenever it differs from the self-score,
    and always for a free score)."""
    on = on or periods.today()
    _reviewing(user, appraisal, on)
    item = appraisal.item
    score = _choice_score(item, choice)
    required = judged.needs_reason(item.method, score, appraisal.self_score)
    reason = _text(
        reason,
        _("评审理由（与自评得分不同时必填）") if required else _("评审理由"),
        required=required,
    )
    with transaction.atomic():
        appraisal.review_choice = _normalized(item, choice)
        appraisal.review_score = score
        appraisal.review_reason = reason
        appraisal.reviewed_by = user
        appraisal.reviewed_at = timezone.now()
        appraisal.state = AppraisalState.REVIEWED
        appraisal.save()
        _log(
            appraisal.unit.season,
            "review",
            user,
            unit=appraisal.unit,
            item_code=item.code,
            detail=_("评审 %(score)s 分（自评 %(self)s 分）%(reason)s")
            % {
                "score": score,
                "self": appraisal.self_score if appraisal.self_score is not None else "—",
                "reason": f"：{reason}" if reason else "",
            },
        )
    return appraisal


def return_item(*, appraisal: Appraisal, user, reason: str, on: date | None = None) -> None:
    """Send a judged item back to the unit for more evidence, with what is missing."""
    on = on or periods.today()
    _reviewing(user, appraisal, on)
    reason = _text(reason, _("退回原因"), required=True, limit=500)
    with transaction.atomic():
        appraisal.state = AppraisalState.RETURNED
        appraisal.return_reason = reason
        appraisal.save(update_fields=["state", "return_reason"])
        unit = appraisal.unit
        times = SeasonLog.objects.filter(
            season=unit.season, unit=unit, item_code=appraisal.item.code, action="return"
        ).count()
        notices.notify(
            unit_users(unit),
            kind="season_returned",
            params={"rulebook": str(unit.season.rulebook), "item": appraisal.item.code,
                    "reason": reason},
            link=reverse("season:unit", args=[unit.pk]) + f"#item-{appraisal.item_id}",
            key=f"season_returned:{appraisal.pk}:{times}",
        )  # fmt: skip
        _log(
            appraisal.unit.season,
            "return",
            user,
            unit=appraisal.unit,
            item_code=appraisal.item.code,
            detail=reason,
        )


# --- 汇总 ----------------------------------------------------


def _office(user, season: Season) -> None:
    if not scoping.may_run_season(user, season.rulebook.scope):
        raise SeasonRefused(_("只有组织考核的领导小组办公室可以进行这项操作。"))


def adjust(*, appraisal: Appraisal, user, score, reason: str) -> Appraisal:
    """The office changes a judged score, with its reason (recorded beside the reviewer's)."""
    season = appraisal.unit.season
    _office(user, season)
    if season.stage not in (Stage.SUMMARY, Stage.PUBLICITY, Stage.RECHECK):
        raise SeasonRefused(_("只能在汇总至复核阶段调整评审得分。"))
    if appraisal.state != AppraisalState.REVIEWED:
        raise SeasonRefused(_("该项目尚未评审，不能调整。"))
    value = _choice_score(
        RuleItem(code=appraisal.item.code, points=appraisal.item.points, method=judged.FREE), score
    )
    reason = _text(reason, _("调整理由"), required=True, limit=500)
    with transaction.atomic():
        before = (
            appraisal.adjusted_score
            if appraisal.adjusted_score is not None
            else (appraisal.review_score)
        )
        appraisal.adjusted_score = value
        appraisal.adjust_reason = reason
        appraisal.save(update_fields=["adjusted_score", "adjust_reason"])
        _log(
            season,
            "adjust",
            user,
            unit=appraisal.unit,
            item_code=appraisal.item.code,
            detail=_("%(before)s → %(after)s 分：%(reason)s")
            % {"before": before, "after": value, "reason": reason},
        )
    return appraisal


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
    _office(user, season)
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
                _log(
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
        _log(season, "stage", user, detail=str(Stage(target).label))
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
        _log(season, "rectify", user, unit=units[row.key], detail=_("下达整改任务"))


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
    _acts_for(user, unit)
    season = unit.season
    if season.stage != Stage.PUBLICITY or on > season.publicity_until:
        raise SeasonRefused(_("只能在公示期内提出异议。"))
    if item.rulebook_id != season.rulebook_id or item not in leaves(season):
        raise SeasonRefused(_("该项目不属于本次考核。"))
    statement = _text(statement, _("异议内容"), required=True)
    checked = _checked(files)
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
        _log(season, "object", user, unit=unit, item_code=item.code, detail=statement)
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
    text = _text(text, _("复核意见"), required=True)
    value = None
    if change:
        item = objection.item
        value = _choice_score(
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
        _log(
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
    _acts_for(user, unit)
    report = _text(report, _("整改情况"), required=True)
    with transaction.atomic():
        rectification.report = report
        rectification.done_at = timezone.now()
        rectification.save(update_fields=["report", "done_at"])
        _log(unit.season, "rectified", user, unit=unit, detail=report)


def reminders_due(season: Season, on: date, ahead: int = 3) -> str | None:
    """The window closing within ``ahead`` days that units or reviewers should hear about."""
    if season.stage == Stage.SELF and on <= season.self_until <= on + timedelta(days=ahead):
        return "self"
    if season.stage == Stage.REVIEW and on <= season.review_until <= on + timedelta(days=ahead):
        return "review"
    if season.stage == Stage.PUBLICITY and on <= season.publicity_until <= on + timedelta(
        days=ahead
    ):
        return "publicity"
    return None
