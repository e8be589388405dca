"""Reporting windows opened again: the office's reopening of a closed quarter for a region, and
the official's request for one (延期申请)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.reporting import Period
from portal.models import Region


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


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待处理")
    GRANTED = "granted", _("已批准")
    REFUSED = "refused", _("未批准")


class ExtensionRequest(models.Model):
    """延期申请: a region's official asks the office that reviews it to reopen a closed quarter;
    the office grants it (a WindowReopening until a date) or refuses it, with a reason."""

    period = models.ForeignKey(
        Period,
        verbose_name=_("填报期"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.CASCADE)
    until = models.DateField(_("申请延至"))
    reason = models.CharField(_("申请理由"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("处理意见"), max_length=500, blank=True)
    reopening = models.ForeignKey(
        WindowReopening,
        verbose_name=_("延期开放"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "region"],
                condition=models.Q(state="pending"),
                name="extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.period} → {self.until:%Y-%m-%d}"
