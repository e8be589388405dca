"""What happened and how it scores: data elements, indicators, periods, submissions and audit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Region, RegionLevel
from targets.models import Target


class ValueType(models.TextChoices):
    COUNT = "count", _("计数（非负整数）")
    AMOUNT = "amount", _("金额/数量（非负小数）")
    PERCENT = "percent", _("调查百分数（0–100）")


class Aggregation(models.TextChoices):
    """How values combine over quarters or over regions (DOMAIN.md: counts before rates)."""

    SUM = "sum", _("求和")
    LAST = "last", _("取期末值")
    AVERAGE = "avg", _("加权平均")


class DataElement(models.Model):
    """A figure officials enter (抽查批次、合格批次、新增福建名牌产品数…), with its rules."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    group = models.CharField(_("分组"), max_length=64, help_text=_("填报表中的分组，如“产品质量”"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    unit = models.CharField(_("单位"), max_length=16)
    value_type = models.CharField(_("数据类型"), max_length=16, choices=ValueType.choices)
    time_aggregation = models.CharField(
        _("跨季度汇总"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    region_aggregation = models.CharField(
        _("跨区划汇总"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    weight = models.ForeignKey(
        "self",
        verbose_name=_("权重数据项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="weighted",
        help_text=_("加权平均时的权重，如调查样本数"),
    )
    entry_level = models.PositiveSmallIntegerField(
        _("填报层级"),
        choices=RegionLevel.choices,
        default=RegionLevel.TOWN,
        help_text=_("在哪一级区划填报；更高层级的值由下级汇总得到"),
    )
    applies_to = models.ForeignKey(
        Region,
        verbose_name=_("适用区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("只由该区划及其下级填报，如“福建名牌产品数”只适用于福建省；留空则全部适用"),
    )
    min_value = models.DecimalField(_("下限"), max_digits=16, decimal_places=4, default=0)
    max_value = models.DecimalField(
        _("上限"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    help_text = models.CharField(_("填报说明"), max_length=255, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("数据项")
        verbose_name_plural = _("数据项")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                name="element_weight_only_for_average",
                condition=Q(weight__isnull=True)
                | Q(time_aggregation="avg")
                | Q(region_aggregation="avg"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class ElementRule(models.Model):
    """A hard rule between two elements of one submission: left ≤ right (合格批次 ≤ 抽查批次)."""

    left = models.ForeignKey(
        DataElement, verbose_name=_("数据项"), on_delete=models.CASCADE, related_name="+"
    )
    right = models.ForeignKey(
        DataElement, verbose_name=_("不得超过"), on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(_("提示"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")

    def __str__(self) -> str:
        return f"{self.left.name} ≤ {self.right.name}"


class IndicatorKind(models.TextChoices):
    RATIO = "ratio", _("比率（分子/分母）")
    VALUE = "value", _("数值（单个数据项）")


class Indicator(models.Model):
    """A measure computed from data elements; ratios aggregate numerator and denominator apart."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=8, choices=IndicatorKind.choices)
    numerator = models.ForeignKey(
        DataElement, verbose_name=_("分子/数据项"), on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        DataElement,
        verbose_name=_("分母"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scale = models.DecimalField(
        _("倍数"), max_digits=8, decimal_places=2, default=1, help_text=_("百分比填 100")
    )
    unit = models.CharField(_("单位"), max_length=16)
    higher_is_better = models.BooleanField(_("越高越好"), default=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="indicator_ratio_has_denominator",
                condition=Q(kind="value", denominator__isnull=True)
                | Q(kind="ratio", denominator__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name


class TargetMeasure(models.Model):
    """Which indicator measures a target, so that no target is left without a way to be measured."""

    target = models.OneToOneField(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="measure"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="measures"
    )
    reference_region = models.ForeignKey(
        Region,
        verbose_name=_("参照区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("相对目标的参照值所在区划，如“全省平均水平”即福建省"),
    )
    cumulative_from = models.PositiveSmallIntegerField(
        _("累计起始年度"),
        null=True,
        blank=True,
        help_text=_("按年累计计量的目标（如“到2015年参与制修订标准20项”）从哪一年起累计"),
    )

    class Meta:
        verbose_name = _("目标计量")
        verbose_name_plural = _("目标计量")

    def __str__(self) -> str:
        return f"{self.target} ← {self.indicator}"


class ReferenceValue(models.Model):
    """A reference figure for relative targets (全省平均水平 of a year), entered by the office."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="references"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    source = models.CharField(_("来源"), max_length=255, help_text=_("如 福建省质监局2025年通报"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("参照值")
        verbose_name_plural = _("参照值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "year"], name="reference_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.indicator}: {self.value}"


class Period(models.Model):
    """A reporting quarter with its entry window."""

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    opens_on = models.DateField(_("填报开始"))
    closes_on = models.DateField(_("填报截止"))

    class Meta:
        verbose_name = _("填报期")
        verbose_name_plural = _("填报期")
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="period_unique_quarter"),
            models.CheckConstraint(
                name="period_window_ordered", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(year)d年第%(quarter)d季度") % {"year": self.year, "quarter": self.quarter}

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


class WindowReopening(models.Model):
    """The office lets a region enter a quarter outside its window, until a date, for a reason."""

    period = models.ForeignKey(
        Period, verbose_name=_("填报期"), on_delete=models.CASCADE, related_name="reopenings"
    )
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.CASCADE)
    until = models.DateField(_("延至"))
    reason = models.CharField(_("原因"), max_length=255)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("延期填报")
        verbose_name_plural = _("延期填报")

    def __str__(self) -> str:
        return f"{self.region} {self.period} → {self.until:%Y-%m-%d}"


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class Submission(models.Model):
    """One region's data for one quarter, moving draft → submitted → approved (or returned)."""

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("填报期"), on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Optimistic locking: every write bumps it; a save carrying an older one is a conflict.
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回/解锁原因"), blank=True)
    # Indexed: the latest change of any submission is part of the dashboard cache's version.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("季度填报")
        verbose_name_plural = _("季度填报")
        ordering = ["-period__year", "-period__quarter", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "period"], name="submission_unique_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in {Status.DRAFT, Status.RETURNED}


class Value(models.Model):
    """One data element's figure in one submission, with the official's comment where needed."""

    # No single-column indexes on the two keys: the unique (submission, element) index serves
    # lookups by submission, and value_by_element those by element.
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("填报"),
        on_delete=models.CASCADE,
        related_name="values",
        db_index=False,
    )
    element = models.ForeignKey(
        DataElement,
        verbose_name=_("数据项"),
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
    )
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    comment = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("填报数值")
        verbose_name_plural = _("填报数值")
        constraints = [
            models.UniqueConstraint(fields=["submission", "element"], name="value_unique_element")
        ]
        indexes = [
            # One element's values of every submission, read from the index alone (the roll-up's
            # weighted survey scores pair each score with its weight in the same submission).
            models.Index(fields=["element", "submission", "value"], name="value_by_element"),
        ]

    def __str__(self) -> str:
        return f"{self.element.name} = {self.value}"


class AuditAction(models.TextChoices):
    VALUE = "value", _("修改数值")
    STATUS = "status", _("状态变更")
    LOCK = "lock", _("锁定")
    UNLOCK = "unlock", _("解锁")


class AuditEntry(models.Model):
    """Who changed what in a submission, when, from what to what, and why. Append-only."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("填报"), on_delete=models.CASCADE, related_name="audit"
    )
    element = models.ForeignKey(
        DataElement,
        verbose_name=_("数据项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=8, choices=AuditAction.choices)
    old = models.CharField(_("原值"), max_length=255, blank=True)
    new = models.CharField(_("新值"), max_length=255, blank=True)
    reason = models.CharField(_("原因/说明"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=16, help_text=_("form / excel / api / system"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.old} → {self.new}"


# --- Yearly assessment ------------------------------------------------------------------------


def default_grade_bands() -> list[dict]:
    """国办发〔2013〕47号: A ≥ 90, B 80–89, C 60–79, D ≤ 59; the last band is the veto grade."""
    return [
        {"grade": "A", "min": 90},
        {"grade": "B", "min": 80},
        {"grade": "C", "min": 60},
        {"grade": "D", "min": 0},
    ]


class Rulebook(models.Model):
    """考核评分细则 of one year: how an office scores the regions of one level below it."""

    year = models.PositiveSmallIntegerField(_("年度"))
    scope = models.ForeignKey(
        Region,
        verbose_name=_("考核单位所在区划"),
        on_delete=models.PROTECT,
        related_name="rulebooks",
        help_text=_("由该区划的领导小组办公室考核其下级区划，如福州市考核各区县"),
    )
    level = models.PositiveSmallIntegerField(
        _("被考核层级"), choices=RegionLevel.choices, help_text=_("考核哪一级区划")
    )
    name = models.CharField(_("名称"), max_length=128)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    total_points = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=100)
    grade_bands = models.JSONField(
        _("等次划分"),
        default=default_grade_bands,
        help_text=_('从高到低，如 [{"grade": "A", "min": 90}, …]；最后一档为一票否决时的等次'),
    )
    notes = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核评分细则")
        verbose_name_plural = _("考核评分细则")
        ordering = ["-year", "scope__path", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scope", "level"], name="rulebook_unique_year_scope_level"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(year)s年 %(name)s") % {"year": self.year, "name": self.name}


class Method(models.TextChoices):
    MET = "met", _("达标得分（达到得满分，否则不得分）")
    PROPORTIONAL = "proportional", _("按比例（分值 × 实际/目标，最高满分）")
    DEDUCTION = "deduction", _("扣分（每低一个单位扣若干分，扣完为止）")
    TIERED = "tiered", _("分档（按达到的档次得相应比例）")
    RANK = "rank", _("排名（按同级排名或与最好者之比）")
    RELATIVE = "relative", _("与参照值比较（如高于全省平均水平）")
    BONUS = "bonus", _("加分（按数量加分，设上限）")


class RuleItem(models.Model):
    """An item of a rulebook (up to three levels); leaves carry the scoring method."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("编号"), max_length=16, help_text=_("如 1、1.2、1.2.3"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    name = models.CharField(_("考核内容"), max_length=255)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    method = models.CharField(_("评分方法"), max_length=16, choices=Method.choices, blank=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("对应目标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_items",
        help_text=_("目标的比较方式与目标值即为本项的达标要求"),
    )
    comparator = models.CharField(
        _("比较方式"), max_length=2, blank=True, help_text=_("未关联目标时填写")
    )
    threshold = models.DecimalField(
        _("达标值"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    params = models.JSONField(
        _("方法参数"),
        default=dict,
        blank=True,
        help_text=_(
            '扣分：{"per": 1, "deduct": 2}；分档：{"tiers": [{"min": 95, "share": 1}, …]}；'
            '排名：{"table": [60, 57, 54]} 或 {"mode": "best"}；加分：{"per_unit": 1}'
        ),
    )
    evidence = models.CharField(_("评分依据"), max_length=255, blank=True)
    lead_department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("牵头考核部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("评分项目")
        verbose_name_plural = _("评分项目")
        ordering = ["rulebook", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "code"], name="rule_item_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}（{self.points}分）"


class Severity(models.IntegerChoices):
    GENERAL = 1, _("一般")
    LARGER = 2, _("较大")
    MAJOR = 3, _("重大")
    GRAVE = 4, _("特别重大")


class VetoRule(models.Model):
    """一票否决: an incident of at least this severity in the year forces the lowest grade."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="vetoes"
    )
    min_severity = models.PositiveSmallIntegerField(_("最低等级"), choices=Severity.choices)
    description = models.CharField(_("说明"), max_length=255)

    class Meta:
        verbose_name = _("一票否决规则")
        verbose_name_plural = _("一票否决规则")

    def __str__(self) -> str:
        return self.description


class QualityIncident(models.Model):
    """A recorded quality-safety incident in a region (grounds for a veto)."""

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_on = models.DateField(_("发生日期"))
    severity = models.PositiveSmallIntegerField(_("等级"), choices=Severity.choices)
    description = models.CharField(_("事件"), max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("质量安全事件")
        verbose_name_plural = _("质量安全事件")
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"{self.region} {self.occurred_on:%Y-%m-%d} {self.description}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class AssessmentRun(models.Model):
    """One roll-up of a year's approved data into scores; readers see only published runs."""

    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    trigger = models.CharField(
        _("触发方式"), max_length=16, help_text=_("nightly / manual / approval / command")
    )
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


class RegionResult(models.Model):
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
    rank = models.PositiveIntegerField(_("排名"))
    peers = models.PositiveIntegerField(_("同级参评数"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.CharField(_("否决原因"), max_length=255, blank=True)
    items = models.JSONField(_("分项得分"), default=dict)

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
        )


# --- Department progress --------------------------------------------------------------------------


class WorkKind(models.TextChoices):
    """What a department reports on: a task, a standing duty or a target it answers for."""

    TASK = "task", _("工作任务")
    DUTY = "duty", _("部门职责")
    TARGET = "target", _("目标")


def _exactly_one_item() -> Q:
    return (
        Q(task__isnull=False, duty__isnull=True, target__isnull=True)
        | Q(task__isnull=True, duty__isnull=False, target__isnull=True)
        | Q(task__isnull=True, duty__isnull=True, target__isnull=False)
    )


class DepartmentWork(models.Model):
    """A department's row about exactly one task, duty or target, for one quarter."""

    department = models.ForeignKey(
        "portal.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        "targets.Task",
        verbose_name=_("工作任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    duty = models.ForeignKey(
        "targets.Duty",
        verbose_name=_("部门职责"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("目标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )

    class Meta:
        abstract = True

    @property
    def kind(self) -> str:
        if self.task_id:
            return WorkKind.TASK
        return WorkKind.DUTY if self.duty_id else WorkKind.TARGET

    @property
    def item(self):
        return getattr(self, self.kind)

    @property
    def item_id(self) -> int:
        return getattr(self, f"{self.kind}_id")


class ProgressUpdate(DepartmentWork):
    """A department's progress report (工作进展) on a task, duty or target, for a quarter."""

    text = models.TextField(_("进展情况"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("工作进展")
        verbose_name_plural = _("工作进展")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "year", "quarter"])]
        constraints = [
            models.CheckConstraint(name="progress_exactly_one_item", condition=_exactly_one_item())
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year}Q{self.quarter}：{self.text[:30]}"


class EvidenceFile(models.Model):
    """A file backing a progress report, stored under a generated name and served only through
    the scoped download view, never from a public media URL."""

    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("工作进展"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=255)
    name = models.CharField(_("原文件名"), max_length=255, help_text=_("仅用于显示和下载时命名"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["update", "pk"]

    def __str__(self) -> str:
        return self.name


class ProgressReminder(DepartmentWork):
    """A reminder e-mail sent for an item a department owes a report on: at most one per item,
    department and quarter, created in the transaction that decides to send it."""

    due_on = models.DateField(_("报送截止日"))
    overdue = models.BooleanField(_("发送时已逾期"), default=False)
    recipients = models.TextField(_("收件人"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进展报送提醒")
        verbose_name_plural = _("进展报送提醒")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="reminder_exactly_one_item", condition=_exactly_one_item()),
            models.UniqueConstraint(
                fields=["department", "task", "year", "quarter"],
                condition=Q(task__isnull=False),
                name="reminder_once_per_task",
            ),
            models.UniqueConstraint(
                fields=["department", "duty", "year", "quarter"],
                condition=Q(duty__isnull=False),
                name="reminder_once_per_duty",
            ),
            models.UniqueConstraint(
                fields=["department", "target", "year", "quarter"],
                condition=Q(target__isnull=False),
                name="reminder_once_per_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year}Q{self.quarter} {self.kind} #{self.item_id}"
