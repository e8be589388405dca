"""Quarterly reporting: data elements and their rules, indicators, the targets they measure,
reference values, periods and their windows, submissions, values and their audit."""

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
    decimals = models.PositiveSmallIntegerField(
        _("小数位数"),
        default=2,
        help_text=_("公布和比较时保留的小数位数（四舍五入）；计数类指标总是整数"),
    )

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

    @property
    def precision(self) -> int:
        """Decimals as published and compared: a count of things (an indicator of a count
        element) is a whole number; anything else has the indicator's own decimals."""
        if self.kind == IndicatorKind.VALUE and self.numerator.value_type == ValueType.COUNT:
            return 0
        return self.decimals


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
    ATTACH = "attach", _("上传附件")


class AuditSource(models.TextChoices):
    """Where a change came from, as the change history names it."""

    FORM = "form", _("网页填报")
    EXCEL = "excel", _("Excel 导入")
    API = "api", _("接口")
    DEMO = "demo", _("演示数据")
    SYSTEM = "system", _("系统")


# The words of a lock's old and new value in the change history.
LOCK_STATES = {"locked": _("已锁定"), "unlocked": _("已解锁")}


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
    source = models.CharField(_("来源"), max_length=16, choices=AuditSource.choices)
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
        return f"{self.get_action_display()} {self.old_display} → {self.new_display}"

    def _words(self, value: str) -> str:
        if self.action == AuditAction.STATUS and value in Status.values:
            return str(Status(value).label)
        if self.action in {AuditAction.LOCK, AuditAction.UNLOCK} and value in LOCK_STATES:
            return str(LOCK_STATES[value])
        return value

    @property
    def old_display(self) -> str:
        """The old value as a person reads it: a status or lock in words, a figure as typed."""
        return self._words(self.old)

    @property
    def new_display(self) -> str:
        return self._words(self.new)
