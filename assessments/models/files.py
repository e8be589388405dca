"""Files users upload as evidence of a claim, stored under generated names and served only
through scoped downloads: what every such file records (portal.evidence fills it in)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.reporting import Submission


class StoredFile(models.Model):
    """The common record of an uploaded file; each kind adds its ``file`` and what it backs."""

    name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class SubmissionFile(StoredFile):
    """A file attached to a submission by its official (a return often asks for supporting
    documents); the audit trail records it."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("填报"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("文件"), upload_to="submissions/%Y/%m/", max_length=255)

    class Meta:
        verbose_name = _("填报附件")
        verbose_name_plural = _("填报附件")
        ordering = ["submission", "pk"]
