"""The assessment season (考核季): self-assessment, review, summary, publicity, objections and
the final publication of one rulebook's year, with the judged scores, files, objections,
rectification tasks and the season's own audit trail.

An assessed unit is a region (a rulebook of the regions below an office) or a department (a
rulebook of a government's departments); ``SeasonUnit`` holds exactly one of the two."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models.files import StoredFile
from assessments.models.publication import Publication
from assessments.models.rulebook import Rulebook, RuleItem
from portal.models import Department, Region


class Stage(models.TextChoices):
    """The season's steps, in order; the office moves it on."""

    SELF = "self", _("自评")
    REVIEW = "review", _("评审")
    SUMMARY = "summary", _("汇总")
    PUBLICITY = "publicity", _("公示")
    RECHECK = "recheck", _("复核")
    FINAL = "final", _("已发布")


STAGE_ORDER = [Stage.SELF, Stage.REVIEW, Stage.SUMMARY, Stage.PUBLICITY, Stage.RECHECK, Stage.FINAL]


class Season(models.Model):
    """One rulebook's assessment season, with the windows the office sets."""

    rulebook = models.OneToOneField(
        Rulebook, verbose_name=_("评分细则"), on_delete=models.PROTECT, related_name="season"
    )
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.SELF)
    self_until = models.DateField(_("自评截止日"))
    review_until = models.DateField(_("评审截止日"))
    publicity_until = models.DateField(_("公示截止日"), help_text=_("异议须在此日前提出"))
    rectify_bottom = models.PositiveSmallIntegerField(
        _("整改单位数"), default=1, help_text=_("最终发布后，排名最后的几个单位须整改")
    )
    rectify_due = models.DateField(_("整改期限"))
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("最终发布"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核季")
        verbose_name_plural = _("考核季")
        ordering = ["-rulebook__year", "rulebook__scope__path", "pk"]

    def __str__(self) -> str:
        return str(self.rulebook)

    @property
    def year(self) -> int:
        return self.rulebook.year

    def clean(self) -> None:
        super().clean()
        dates = [self.self_until, self.review_until, self.publicity_until, self.rectify_due]
        if None not in dates and dates != sorted(dates):
            raise ValidationError(
                _("各阶段截止日应依次为：自评截止 ≤ 评审截止 ≤ 公示截止 ≤ 整改期限。")
            )

    def reached(self, stage: str) -> bool:
        return STAGE_ORDER.index(self.stage) >= STAGE_ORDER.index(stage)


class SelfStatus(models.TextChoices):
    DRAFT = "draft", _("自评中")
    SUBMITTED = "submitted", _("已提交自评")


class SeasonUnit(models.Model):
    """An assessed unit of a season: a region or a department, with its self-assessment state."""

    season = models.ForeignKey(
        Season, verbose_name=_("考核季"), on_delete=models.CASCADE, related_name="units"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    self_status = models.CharField(
        _("自评状态"), max_length=12, choices=SelfStatus.choices, default=SelfStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("被考核单位")
        verbose_name_plural = _("被考核单位")
        ordering = ["season", "region__path", "department__name"]
        constraints = [
            models.CheckConstraint(
                name="season_unit_region_or_department",
                condition=(
                    Q(region__isnull=False, department__isnull=True)
                    | Q(region__isnull=True, department__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["season", "region"], name="season_unit_region"),
            models.UniqueConstraint(fields=["season", "department"], name="season_unit_department"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.region.name if self.region_id else self.department.short_name


class AppraisalState(models.TextChoices):
    DRAFT = "draft", _("待自评")
    SUBMITTED = "submitted", _("待评审")
    RETURNED = "returned", _("退回补充材料")
    REVIEWED = "reviewed", _("已评审")


class Appraisal(models.Model):
    """A judged item of one unit: the unit's self-score and statement, the reviewer's score and
    reason, and the office's adjustment (each with its reason)."""

    unit = models.ForeignKey(
        SeasonUnit,
        verbose_name=_("被考核单位"),
        on_delete=models.CASCADE,
        related_name="appraisals",
    )
    item = models.ForeignKey(
        RuleItem, verbose_name=_("评分项目"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=AppraisalState.choices, default=AppraisalState.DRAFT
    )
    self_choice = models.JSONField(_("自评选择"), null=True, blank=True)
    self_score = models.DecimalField(
        _("自评得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    statement = models.TextField(_("自评说明"), blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    review_choice = models.JSONField(_("评审选择"), null=True, blank=True)
    review_score = models.DecimalField(
        _("评审得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    review_reason = models.TextField(_("评审理由"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("评审时间"), null=True, blank=True)
    adjusted_score = models.DecimalField(
        _("办公室调整后得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    adjust_reason = models.CharField(_("调整理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("评审项目得分")
        verbose_name_plural = _("评审项目得分")
        ordering = ["unit", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "item"], name="appraisal_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.item.code}"


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待复核")
    UPHELD = "upheld", _("维持原分")
    CHANGED = "changed", _("已改分")


class Objection(models.Model):
    """异议: a unit's objection to one item's score during publicity, and its answer."""

    unit = models.ForeignKey(
        SeasonUnit,
        verbose_name=_("被考核单位"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    item = models.ForeignKey(
        RuleItem, verbose_name=_("评分项目"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("异议内容"))
    score_then = models.DecimalField(_("提出时得分"), max_digits=6, decimal_places=2)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    answer = models.TextField(_("复核意见"), blank=True)
    new_score = models.DecimalField(
        _("复核后得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["unit", "item__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "item"],
                condition=Q(state="open"),
                name="objection_one_open_per_item",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(unit)s 对 %(item)s 的异议") % {"unit": self.unit, "item": self.item.code}


class SeasonFile(StoredFile):
    """A file backing a self-assessment or an objection."""

    appraisal = models.ForeignKey(
        Appraisal,
        verbose_name=_("评审项目得分"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("异议"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("文件"), upload_to="season/%Y/%m/", max_length=255)

    class Meta:
        verbose_name = _("考核佐证材料")
        verbose_name_plural = _("考核佐证材料")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="season_file_one_owner",
                condition=(
                    Q(appraisal__isnull=False, objection__isnull=True)
                    | Q(appraisal__isnull=True, objection__isnull=False)
                ),
            )
        ]


class Rectification(models.Model):
    """整改: a task given, at final publication, to a unit ranked at the bottom."""

    unit = models.OneToOneField(
        SeasonUnit,
        verbose_name=_("被考核单位"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    rank = models.PositiveIntegerField(_("排名"))
    due_on = models.DateField(_("整改期限"))
    requirement = models.CharField(_("整改要求"), max_length=500)
    report = models.TextField(_("整改情况"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return gettext("%(unit)s 整改") % {"unit": self.unit}


class SeasonLog(models.Model):
    """The season's audit trail: every step, who took it and when."""

    season = models.ForeignKey(
        Season, verbose_name=_("考核季"), on_delete=models.CASCADE, related_name="log"
    )
    unit = models.ForeignKey(
        SeasonUnit,
        verbose_name=_("被考核单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    item_code = models.CharField(_("项目编号"), max_length=16, blank=True)
    action = models.CharField(_("操作"), max_length=32)
    detail = models.CharField(_("说明"), max_length=1000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核季记录")
        verbose_name_plural = _("考核季记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class SeasonReminder(models.Model):
    """An e-mail reminding a unit or a reviewer that a window closes soon: at most one per
    season, window and recipient, created in the transaction that decides to send it."""

    season = models.ForeignKey(
        Season, verbose_name=_("考核季"), on_delete=models.CASCADE, related_name="reminders"
    )
    window = models.CharField(_("阶段"), max_length=12, choices=Stage.choices)
    key = models.CharField(_("提醒对象"), max_length=32, help_text=_("如 unit:12、dept:5、office"))
    recipients = models.TextField(_("收件人"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核季提醒")
        verbose_name_plural = _("考核季提醒")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["season", "window", "key"], name="season_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.season_id} {self.window} {self.key}"
