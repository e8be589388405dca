"""The yearly assessment's runs and what they publish: results, figures, warnings, the roll-up's
stage, and the re-scores owed after approvals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models.reporting import Indicator
from assessments.models.rulebook import Rulebook
from portal.models import Region
from targets.models import Target


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class RunTrigger(models.TextChoices):
    """What started a run, as the run list names it."""

    NIGHTLY = "nightly", _("每晚自动计算")
    MANUAL = "manual", _("办公室手动启动")
    APPROVAL = "approval", _("审核通过后重算")
    COMMAND = "command", _("命令行")
    DEMO = "demo", _("演示数据")
    BENCH = "bench", _("性能测试")


class AssessmentRun(models.Model):
    """One roll-up of a year's approved data into scores; readers see only published runs."""

    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    trigger = models.CharField(_("触发方式"), max_length=16, choices=RunTrigger.choices)
    path_region = models.ForeignKey(
        Region,
        verbose_name=_("增量重算的区划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("只重算该区划及其上级路径；为空则全量"),
    )
    rulebook_versions = models.JSONField(_("评分细则版本"), default=dict)
    definitions = models.JSONField(
        _("计算所用定义"),
        default=dict,
        blank=True,
        help_text=_("每个评分细则的项目、达标值、方法、指标定义、参照值和事件"),
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("当前步骤"), max_length=255, blank=True)
    fingerprint = models.CharField(_("输入指纹"), max_length=64, blank=True)
    summary = models.JSONField(_("结果摘要"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    # Indexed: the latest completion is part of the dashboard cache's version, read per request
    # (a run is recorded for every approval, so the table grows with the year's approvals).
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("考核计算")
        verbose_name_plural = _("考核计算")
        ordering = ["-started_at"]
        constraints = [
            # Two runs of the same year never overlap: the database refuses a second one.
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status="running"),
                name="run_one_running_per_year",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(year)s年考核计算 #%(pk)s（%(status)s）") % {
            "year": self.year,
            "pk": self.pk,
            "status": self.get_status_display(),
        }


# The words of a result's flags (scoring.methods names the kinds): one place for every screen.
FLAG_WORDS = {"missing_reference": _("缺参照值"), "missing_last_year": _("缺上年数据")}


def flag_word(kind: str) -> str:
    return str(FLAG_WORDS.get(kind, kind))


class ResultWords:
    """How a result reads, shared by a run's results and published ones."""

    @property
    def grade_label(self) -> str:
        """The grade, or 未参评 for a region without approved data (not graded, not ranked)."""
        return self.grade if self.reported else gettext("未参评")

    @property
    def unit_name(self) -> str:
        """The assessed unit's name: a region's, or (a departments' rulebook) a department's."""
        if self.region_id is not None:
            return self.region.name
        return self.department.short_name

    @property
    def flag_labels(self) -> list[str]:
        return [f"{flag['item']} {flag_word(flag['kind'])}" for flag in self.flags]


class RescoreRequest(models.Model):
    """A re-score owed after an approval or unlock (a transactional outbox): written in the
    decision's own transaction, so that a decision that committed never loses its re-score, even
    when the broker is down. Dispatched after the commit and again by the sweeper until a run
    covers it; deleted by the run that does (a re-score of the path, or a full run of the year)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(_("请求时间"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("最近派发时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("派发次数"), default=0)

    class Meta:
        verbose_name = _("待重算")
        verbose_name_plural = _("待重算")
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["year", "region"])]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}"


class RegionResult(ResultWords, models.Model):
    """A region's score under a rulebook, as published by the run that wrote it.

    A run computes in memory and replaces the previous rows in one transaction, so readers
    see either the previous complete run or the new one, never a mixture."""

    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("计算"), on_delete=models.CASCADE, related_name="results"
    )
    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="results"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="results"
    )
    total = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=8)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    peers = models.PositiveIntegerField(_("同级参评数"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.CharField(_("否决原因"), max_length=255, blank=True)
    items = models.JSONField(_("分项得分"), default=dict)
    reported = models.BooleanField(_("参评"), default=True)
    projected = models.BooleanField(
        _("预计得分"), default=False, help_text=_("年度未结束：按年末预测值计算")
    )
    figures = models.JSONField(_("计分数值"), default=dict, help_text=_("{指标代码: 计分所用数值}"))
    flags = models.JSONField(_("提示"), default=list, help_text=_("如缺参照值的项目"))

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["rulebook", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "region"], name="result_one_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.total}（{self.grade}）"


class RegionFigure(models.Model):
    """A region's yearly indicator value (and its projection), written by a run. A run rewrites
    only the figures that changed, so ``run`` is the run that last changed this one."""

    run = models.ForeignKey(
        AssessmentRun,
        verbose_name=_("计算"),
        on_delete=models.CASCADE,
        related_name="figures",
        # Derived rows, replaced by each run: no per-row foreign-key checks at commit.
        db_constraint=False,
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("区划"),
        on_delete=models.CASCADE,
        related_name="figures",
        db_constraint=False,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("指标"),
        on_delete=models.CASCADE,
        related_name="figures",
        db_constraint=False,
        db_index=False,
    )
    quarters = models.PositiveSmallIntegerField(_("已审核季度数"))
    value = models.FloatField(_("本年累计值"))
    projected = models.FloatField(_("年末预测值"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标年度值")
        verbose_name_plural = _("指标年度值")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "indicator"], name="figure_one_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.indicator}: {self.value}"


class ElementFigure(models.Model):
    """A region's yearly figures of every data element, aggregated from the regions below it:
    one row per region, ``values`` mapping element id to figure.

    Kept for every region above the entering level, so that re-scoring after one approval
    recomputes only the path from that region up, reusing its siblings' figures."""

    run = models.ForeignKey(
        AssessmentRun,
        verbose_name=_("计算"),
        on_delete=models.CASCADE,
        related_name="+",
        # Derived rows, rewritten whole by each run: no per-row foreign-key checks at commit.
        db_constraint=False,
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("区划"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    quarters = models.PositiveSmallIntegerField(_("已审核季度数"))
    values = models.JSONField(_("各数据项数值"), default=dict, help_text=_("{数据项 id: 数值}"))

    class Meta:
        verbose_name = _("数据项年度值")
        verbose_name_plural = _("数据项年度值")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region"], name="element_figures_one_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}（{len(self.values)} 项）"


class RollupStage(models.Model):
    """Scratch rows of a run: the approved submissions in scope with their group, quarter and
    whether the quarter is their region's latest. Staged in a plain table (unlogged on
    PostgreSQL) so that the one scan over the values can run in parallel workers."""

    # No index: a run reads all of its own rows, which a plain scan of this small table does.
    # The rows are never committed (rolled back after the scan, the space reclaimed by VACUUM).
    key = models.BigIntegerField(_("批次"))
    submission_id = models.BigIntegerField(_("填报"))
    grp = models.BigIntegerField(_("汇总组"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    is_last = models.PositiveSmallIntegerField(_("是否最新季度"))

    class Meta:
        verbose_name = _("汇总暂存")
        verbose_name_plural = _("汇总暂存")

    def __str__(self) -> str:
        return f"{self.key}:{self.submission_id}"


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class TargetWarning(models.Model):
    """黄牌/红牌: a target projected to be missed (yellow) or missed, or a veto event (red)."""

    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("计算"), on_delete=models.CASCADE, related_name="warnings"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="warnings"
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("目标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="warnings",
    )
    level = models.CharField(_("级别"), max_length=8, choices=WarningLevel.choices)
    actual = models.FloatField(_("当前值"), null=True, blank=True)
    projected = models.FloatField(_("预测值"), null=True, blank=True)
    required = models.FloatField(_("目标值"), null=True, blank=True)
    gap = models.FloatField(_("差距"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=500)
    departments = models.CharField(_("责任部门"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-level", "region__path"]
        indexes = [models.Index(fields=["year", "level"])]

    def __str__(self) -> str:
        return self.message

    @property
    def decimals(self) -> int:
        """The published precision of the target's indicator (0 for a count)."""
        target = self.target
        if target is None or not hasattr(target, "measure"):
            return 2
        return target.measure.indicator.precision

    @property
    def text(self) -> str:
        """The warning in the active language, composed from its figures as the run composed
        ``message`` (in the language of the run); a veto's recorded reason as it stands."""
        if self.target_id is None or None in (self.required, self.projected, self.gap):
            return self.message
        from targets.status import assessed_horizon, warning_message

        target = self.target
        horizon, passed_year = assessed_horizon(target.horizon_year, self.year)
        return warning_message(
            level=self.level,
            region_name=self.region.name,
            label=target.indicator,
            unit=target.unit,
            comparator=target.comparator,
            threshold=self.required,
            outcome=self.projected,
            gap=self.gap,
            horizon=horizon,
            document_year=passed_year,
            year=self.year,
            departments=self.departments,
            decimals=target.measure.indicator.precision if hasattr(target, "measure") else 2,
        )
