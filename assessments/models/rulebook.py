"""The yearly assessment's rules: rulebooks (versions, bands, rounding, what an unreported or
vetoed region is), their items and veto rules, and the incidents that veto."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models.reporting import Indicator
from portal.models import Region, RegionLevel
from targets.models import Target


def default_grade_bands() -> list[dict]:
    """国办发〔2013〕47号: A ≥ 90, B 80–89, C 60–79, D ≤ 59; the last band is the veto grade."""
    return [
        {"grade": "A", "min": 90},
        {"grade": "B", "min": 80},
        {"grade": "C", "min": 60},
        {"grade": "D", "min": 0},
    ]


class Rounding(models.TextChoices):
    """How a rulebook rounds a total before grading it (the total shown is the total graded)."""

    HALF_UP = "half_up", _("四舍五入")
    DOWN = "down", _("直接舍去")


class Unreported(models.TextChoices):
    """What a rulebook does with a region that has no approved data in the year."""

    ABSENT = "absent", _("不参评（显示为未参评/缺报，不计入等次分布和排名）")
    ZERO = "zero", _("参评（各项按 0 分计）")


class VetoRanking(models.TextChoices):
    """Where a vetoed region ranks among its peers."""

    LAST = "last", _("排在其他地区之后")
    BY_SCORE = "by_score", _("按得分排名")


class Subject(models.TextChoices):
    """Who a rulebook assesses: the regions of one level below its scope, or the departments of
    its scope's government (部门考核)."""

    REGIONS = "regions", _("下级区划")
    DEPARTMENTS = "departments", _("本级政府部门")


class Rulebook(models.Model):
    """考核评分细则 of one year: how an office scores the regions of one level below it.

    Re-issued every year with changes: a new version (an uploaded workbook) is a new row, the
    previous one stays (results and publications keep pointing at the version they used) and
    only the current version is scored."""

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
    subject = models.CharField(
        _("考核对象"),
        max_length=12,
        choices=Subject.choices,
        default=Subject.REGIONS,
        help_text=_("部门考核：被考核层级填本级区划的层级"),
    )
    name = models.CharField(_("名称"), max_length=128)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    is_current = models.BooleanField(
        _("现行版本"), default=True, editable=False, help_text=_("计算只采用现行版本")
    )
    total_points = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=100)
    grade_bands = models.JSONField(
        _("等次划分"),
        default=default_grade_bands,
        help_text=_('从高到低，如 [{"grade": "A", "min": 90}, …]；最后一档为一票否决时的等次'),
    )
    decimals = models.PositiveSmallIntegerField(
        _("总分保留小数位数"),
        default=2,
        choices=[(0, _("整数")), (1, _("一位小数")), (2, _("两位小数"))],
        help_text=_("等次按保留后的总分评定"),
    )
    rounding = models.CharField(
        _("总分取舍方式"), max_length=8, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    unreported = models.CharField(
        _("无已审核数据的地区"),
        max_length=8,
        choices=Unreported.choices,
        default=Unreported.ABSENT,
    )
    veto_ranking = models.CharField(
        _("一票否决地区的排名"),
        max_length=8,
        choices=VetoRanking.choices,
        default=VetoRanking.LAST,
    )
    notes = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核评分细则")
        verbose_name_plural = _("考核评分细则")
        ordering = ["-year", "scope__path", "level", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scope", "level", "subject", "version"],
                name="rulebook_unique_version",
            ),
            models.UniqueConstraint(
                fields=["year", "scope", "level", "subject"],
                condition=Q(is_current=True),
                name="rulebook_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(year)s年 %(name)s") % {"year": self.year, "name": self.name}


class Counts(models.TextChoices):
    """What figure of the year an item counts."""

    YEAR = "", _("本年数值")
    NEW = "new", _("本年新增（与上年相比的增加，不少于 0）")


class Method(models.TextChoices):
    MET = "met", _("达标得分（达到得满分，否则不得分）")
    PROPORTIONAL = "proportional", _("按比例（分值 × 实际/目标，最高满分）")
    DEDUCTION = "deduction", _("扣分（每低一个单位扣若干分，扣完为止）")
    TIERED = "tiered", _("分档（按达到的档次得相应比例）")
    RANK = "rank", _("排名（按同级排名或与最好者之比）")
    RELATIVE = "relative", _("与参照值比较（如高于全省平均水平）")
    BONUS = "bonus", _("加分（按数量加分，设上限）")
    JUDGE_TIERS = "judge_tiers", _("评审·分档（按达到的情形得相应分数）")
    JUDGE_DEDUCT = "judge_deduct", _("评审·缺项扣分（每缺少一个方面扣若干分，扣完为止）")
    JUDGE_FREE = "judge_free", _("评审·酌情打分（0 至满分，须说明理由）")


# Items judged from evidence by a reviewer, not computed from the quarterly data.
JUDGED_METHODS = frozenset({Method.JUDGE_TIERS, Method.JUDGE_DEDUCT, Method.JUDGE_FREE})


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
            '排名：{"table": [60, 57, 54]} 或 {"mode": "best"}；加分：{"per_unit": 1}；'
            '评审·分档：{"tiers": [{"score": 1, "when": "纳入规划"}, …]}；'
            '评审·缺项扣分：{"elements": ["产业", "环境"], "deduct": 0.1}'
        ),
    )
    counts = models.CharField(
        _("计分口径"), max_length=8, choices=Counts.choices, blank=True, default=Counts.YEAR
    )
    key_points = models.TextField(_("考核要点"), blank=True)
    rule_text = models.TextField(_("评分标准"), blank=True, help_text=_("评分规则的原文"))
    evidence = models.CharField(_("需提交材料"), max_length=255, blank=True)
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

    @property
    def is_judged(self) -> bool:
        return self.method in JUDGED_METHODS


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
