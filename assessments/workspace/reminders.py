"""The daily reminder job: one e-mail per department, once per item and quarter, for the progress
reports falling due or overdue."""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.models import (
    ProgressReminder,
    WorkKind,
)
from assessments.workspace.limits import setting
from assessments.workspace.owed import item_key, owed_items, reported_items
from assessments.workspace.selectors import MODELS, OWED_KINDS
from portal import notices, periods
from portal.models import Department
from portal.periods import Quarter, reminder_quarters
from targets.models import Duty, Task

logger = logging.getLogger(__name__)


@dataclass
class ReminderOutcome:
    """What one pass of the daily reminder job did."""

    emails: int = 0
    items: int = 0
    without_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send_due_reminders(*, on: date | None = None) -> ReminderOutcome:
    """The daily job: e-mail each department the tasks and duties whose quarterly report falls due
    within ``PROGRESS_REMIND_DAYS_AHEAD`` days or is overdue, and that it has not reported on.

    Each (item, department, quarter) is reminded once: the reminder row is created, under its
    unique constraint, in the same transaction that sends the e-mail. A second or concurrent run
    finds the row (or waits on it and then finds it) and skips the item; a failed send rolls the
    rows back so that the next run tries again (at-least-once)."""
    on = on or periods.today()
    days = setting("PROGRESS_DUE_DAYS")
    outcome = ReminderOutcome()
    for quarter in reminder_quarters(on, days, setting("PROGRESS_REMIND_DAYS_AHEAD")):
        pending = _pending(quarter)
        if not pending:
            continue
        departments = Department.objects.filter(pk__in=pending).select_related("region")
        for department in departments.order_by("region__path", "name"):
            # In the portal too, for every user of the department (the e-mail is this job's own).
            notices.notify(
                department.users.all(),
                kind="update_due",
                params={"department": department.short_name, "quarter": quarter.label,
                        "due": f"{quarter.due(days):%Y-%m-%d}",
                        "count": len(pending[department.pk])},
                link=reverse("workspace:home"),
                key=f"update_due:{department.pk}:{quarter.label}",
                email=False,
            )  # fmt: skip
            recipients = sorted(
                department.users.filter(is_active=True)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if not recipients:
                outcome.without_address.append(str(department))
                continue
            try:
                sent = _remind(
                    department,
                    quarter,
                    pending[department.pk],
                    recipients,
                    due_on=quarter.due(days),
                    on=on,
                )
            except (smtplib.SMTPException, OSError):
                logger.exception("progress reminder to %s failed", department)
                outcome.failed.append(str(department))
                continue
            if sent:
                outcome.emails += 1
                outcome.items += sent
    return outcome


def _pending(quarter: Quarter) -> dict[int, list[Task | Duty]]:
    """Per department, the items owed for the quarter, not reported and not yet reminded."""
    reminded = {
        item_key(*row)
        for row in ProgressReminder.objects.filter(
            year=quarter.year, quarter=quarter.quarter
        ).values_list("department_id", "task_id", "duty_id", "target_id")
    }
    keys = owed_items(quarter=quarter) - reported_items(quarter) - reminded
    if not keys:
        return {}
    objects = {
        (kind, obj.pk): obj
        for kind in OWED_KINDS
        for obj in MODELS[kind]
        .objects.filter(pk__in={i for _d, k, i in keys if k == kind})
        .select_related("document")
    }
    pending: dict[int, list] = defaultdict(list)
    for department_id, kind, item_id in sorted(keys):
        pending[department_id].append(objects[(kind, item_id)])
    return pending


def _remind(
    department: Department,
    quarter: Quarter,
    items: list,
    recipients: list[str],
    *,
    due_on: date,
    on: date,
) -> int:
    """Claim each item's reminder row and send one e-mail for the claimed ones, atomically."""
    overdue = on > due_on
    with transaction.atomic():
        claimed = []
        for obj in items:
            kind = WorkKind.TASK if isinstance(obj, Task) else WorkKind.DUTY
            try:
                with transaction.atomic():
                    ProgressReminder.objects.create(
                        department=department,
                        year=quarter.year,
                        quarter=quarter.quarter,
                        due_on=due_on,
                        overdue=overdue,
                        recipients=", ".join(recipients),
                        **{kind: obj},
                    )
            except IntegrityError:
                continue  # another run reminded of it first
            claimed.append((kind, obj))
        if claimed:
            subject, body = _reminder_message(department, quarter, claimed, due_on, overdue)
            send_mail(subject, body, None, recipients)
    return len(claimed)


def _reminder_message(department, quarter, claimed, due_on: date, overdue: bool):
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "department": department.name,
            "quarter": str(quarter),
            "count": len(claimed),
            "due": f"{due_on:%Y-%m-%d}",
        }
        if overdue:
            subject = _("【工作进展逾期】%(department)s有 %(count)d 项%(quarter)s工作进展未报送")
            intro = _("以下工作的%(quarter)s进展应于%(due)s前报送，现已逾期：")
        else:
            subject = _("【工作进展提醒】%(department)s有 %(count)d 项%(quarter)s工作进展待报送")
            intro = _("以下工作的%(quarter)s进展请于%(due)s前报送：")
        lines = [f"{department.name}：", "", intro % values, ""]
        for number, (kind, obj) in enumerate(claimed, start=1):
            title = obj.title if kind == WorkKind.TASK else f"{obj.holder}：{obj.text[:60]}"
            label = WorkKind(kind).label
            lines.append(f"{number}. [{label}] {title}（{obj.document.title}）")
        lines += ["", _("请登录质量强区目标管理平台，在“我的职责”中报送进展并上传佐证材料。")]
        base = getattr(settings, "PORTAL_BASE_URL", "")
        if base:
            lines.append(base.rstrip("/") + reverse("workspace:home"))
        return subject % values, "\n".join(lines)
