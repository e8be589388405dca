"""Publication of a year's result (发布考核结果): what an office signed, frozen.

A publication copies the results of a rulebook as the run computed them, with what they were
computed from (the rulebook's items, thresholds, methods, indicator definitions, reference values
and incidents, and every region's figures), so that a later run, an edited target or a new
rulebook version never changes it. Correcting a published result is a new publication with a
reason; the one it replaces stays readable."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models.assessment import AssessmentRun, ResultWords
from assessments.models.rulebook import Rulebook
from portal.models import Department, Region


class Publication(models.Model):
    """One signed result of a rulebook. Append-only: a correction is a new row."""

    rulebook = models.ForeignKey(
        Rulebook, verbose_name=_("评分细则"), on_delete=models.PROTECT, related_name="publications"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("第几次发布"))
    run = models.ForeignKey(
        AssessmentRun,
        verbose_name=_("依据的计算"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="publications",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的发布"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    reason = models.CharField(_("更正原因"), max_length=500, blank=True)
    definitions = models.JSONField(_("计算所用定义"), default=dict)
    flags = models.JSONField(_("发布时的提示"), default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果发布")
        verbose_name_plural = _("考核结果发布")
        ordering = ["-year", "rulebook__scope__path", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "number"], name="publication_number"),
        ]

    def __str__(self) -> str:
        return gettext("%(rulebook)s 第%(number)s次发布") % {
            "rulebook": self.rulebook,
            "number": self.number,
        }

    @property
    def is_correction(self) -> bool:
        return self.supersedes_id is not None


class PublishedResult(ResultWords, models.Model):
    """A region's result as published: never rewritten."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("发布"), on_delete=models.CASCADE, related_name="results"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_results",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_results",
        help_text=_("部门考核的结果"),
    )
    total = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=8)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    peers = models.PositiveIntegerField(_("同级参评数"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.CharField(_("否决原因"), max_length=255, blank=True)
    items = models.JSONField(_("分项得分"), default=dict)
    reported = models.BooleanField(_("参评"), default=True)
    projected = models.BooleanField(_("预计得分"), default=False)
    figures = models.JSONField(_("计分数值"), default=dict)
    flags = models.JSONField(_("提示"), default=list)

    class Meta:
        verbose_name = _("已发布考核结果")
        verbose_name_plural = _("已发布考核结果")
        ordering = ["publication", "rank", "region__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "region"], name="published_result_one_per_region"
            ),
            models.UniqueConstraint(
                fields=["publication", "department"],
                name="published_result_one_per_department",
            ),
            models.CheckConstraint(
                name="published_result_region_or_department",
                condition=(
                    Q(region__isnull=False, department__isnull=True)
                    | Q(region__isnull=True, department__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.total}（{self.grade}）"

    @property
    def rulebook(self) -> Rulebook:
        return self.publication.rulebook

    @property
    def rulebook_id(self) -> int:
        return self.publication.rulebook_id
