"""Writes of the workspace: a progress report with its evidence files, all or nothing."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import (
    EvidenceFile,
    ProgressUpdate,
)
from assessments.workspace.limits import setting
from assessments.workspace.selectors import MAX_TEXT, may_report
from portal import periods
from portal.evidence import EvidenceRejected, StoredFiles, Upload, check_all
from portal.periods import Quarter, allowed_quarters


class ProgressRefused(ValueError):
    """A progress report refused; the message is for the user."""


def post_update(
    *,
    user,
    kind: str,
    item,
    quarter: Quarter,
    text: str,
    files: Sequence[Upload] = (),
    on: date | None = None,
) -> ProgressUpdate:
    """Record the user's department's progress report on an item it is involved in, with its
    evidence files: everything is checked first, then the report and all its files are stored,
    or nothing is (a file written before a failure is removed again)."""
    on = on or periods.today()
    if not may_report(user=user, kind=kind, item=item):
        raise ProgressRefused(_("只有承担该项工作的部门可以报送进展。"))
    text = (text or "").strip()
    if not text:
        raise ProgressRefused(_("请填写工作进展情况。"))
    if len(text) > MAX_TEXT:
        raise ProgressRefused(_("进展情况不能超过 %(max)d 字。") % {"max": MAX_TEXT})
    if quarter not in allowed_quarters(on, setting("PROGRESS_DUE_DAYS")):
        raise ProgressRefused(_("只能报送当前季度或上一季度的进展。"))
    if len(files) > setting("EVIDENCE_MAX_FILES"):
        raise ProgressRefused(
            _("每次最多上传 %(max)d 个佐证材料。") % {"max": setting("EVIDENCE_MAX_FILES")}
        )
    try:
        checked = check_all(files)
    except EvidenceRejected as rejected:
        raise ProgressRefused(str(rejected)) from rejected

    with StoredFiles() as stored, transaction.atomic():
        update = ProgressUpdate.objects.create(
            department=user.department,
            year=quarter.year,
            quarter=quarter.quarter,
            text=text,
            author=user,
            **{kind: item},
        )
        for evidence, data in checked:
            stored.save(EvidenceFile(update=update), evidence, data)
    return update
