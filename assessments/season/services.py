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
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Appraisal,
    AppraisalState,
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
from assessments.season.scores import leaves_of
from portal import notices, periods, scoping
from portal.evidence import EvidenceRejected, StoredFiles, Upload, check_all
from portal.models import Department, Region, Role, User

MAX_TEXT = 2000
MAX_FILES = 5


class SeasonRefused(ValueError):
    """A step the season does not allow; the message says why, in Chinese."""


def cleaned_text(value: str, label: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise SeasonRefused(_("请填写%(label)s。") % {"label": label})
    if len(text) > limit:
        raise SeasonRefused(_("%(label)s不能超过 %(max)d 字。") % {"label": label, "max": limit})
    return text


def log_step(
    season, action: str, user, *, unit=None, item_code: str = "", detail: str = ""
) -> None:
    SeasonLog.objects.create(
        season=season,
        unit=unit,
        item_code=item_code,
        action=action,
        detail=detail[:1000],
        user=user if user is not None and user.is_authenticated else None,
    )


def checked_files(files: Sequence[Upload]) -> list:
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
        log_step(
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


def require_unit(user, unit: SeasonUnit) -> None:
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


def choice_score(item: RuleItem, choice) -> Decimal:
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
    require_unit(user, unit)
    if not may_self_assess(appraisal, on):
        raise SeasonRefused(_("自评已截止或已提交，不能再修改；如需补充，请联系考核办公室。"))
    score = choice_score(appraisal.item, choice)
    statement = cleaned_text(
        statement, _("自评说明"), required=appraisal.item.method == judged.FREE
    )
    checked = checked_files(files)
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
        log_step(
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
    require_unit(user, unit)
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
        log_step(season, "submit", user, unit=unit, detail=_("提交自评"))


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
    score = choice_score(item, choice)
    required = judged.needs_reason(item.method, score, appraisal.self_score)
    reason = cleaned_text(
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
        log_step(
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
    reason = cleaned_text(reason, _("退回原因"), required=True, limit=500)
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
        log_step(
            appraisal.unit.season,
            "return",
            user,
            unit=appraisal.unit,
            item_code=appraisal.item.code,
            detail=reason,
        )


# --- 汇总 ----------------------------------------------------


def require_office(user, season: Season) -> None:
    if not scoping.may_run_season(user, season.rulebook.scope):
        raise SeasonRefused(_("只有组织考核的领导小组办公室可以进行这项操作。"))


def adjust(*, appraisal: Appraisal, user, score, reason: str) -> Appraisal:
    """The office changes a judged score, with its reason (recorded beside the reviewer's)."""
    season = appraisal.unit.season
    require_office(user, season)
    if season.stage not in (Stage.SUMMARY, Stage.PUBLICITY, Stage.RECHECK):
        raise SeasonRefused(_("只能在汇总至复核阶段调整评审得分。"))
    if appraisal.state != AppraisalState.REVIEWED:
        raise SeasonRefused(_("该项目尚未评审，不能调整。"))
    value = choice_score(
        RuleItem(code=appraisal.item.code, points=appraisal.item.points, method=judged.FREE), score
    )
    reason = cleaned_text(reason, _("调整理由"), required=True, limit=500)
    with transaction.atomic():
        before = (
            appraisal.adjusted_score
            if appraisal.adjusted_score is not None
            else (appraisal.review_score)
        )
        appraisal.adjusted_score = value
        appraisal.adjust_reason = reason
        appraisal.save(update_fields=["adjusted_score", "adjust_reason"])
        log_step(
            season,
            "adjust",
            user,
            unit=appraisal.unit,
            item_code=appraisal.item.code,
            detail=_("%(before)s → %(after)s 分：%(reason)s")
            % {"before": before, "after": value, "reason": reason},
        )
    return appraisal
