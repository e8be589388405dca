"""Department progress: the reports departments post on their tasks, duties and targets, their
evidence files, and the reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Target


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
