"""Files attached to a submission: an official adds supporting documents (what a return reason
often asks for); the reporting chain reads and downloads them. Checked as every evidence file
is (portal.evidence), all or nothing, recorded in the submission's audit trail."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import AuditAction, AuditEntry, Status, Submission, SubmissionFile
from assessments.reporting.errors import ReportingError
from portal.evidence import EvidenceRejected, check_evidence, evidence_limits
from portal.scoping import can_enter_for

MAX_FILES = 5  # per upload
MAX_PER_SUBMISSION = 20


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def attach(*, user, submission: Submission, files: Sequence[Upload], source: str = "form"
           ) -> list[SubmissionFile]:  # fmt: skip
    if not can_enter_for(user, submission.region):
        raise PermissionDenied(_("只有本区划的填报人可以上传附件。"))
    if submission.status == Status.APPROVED:
        raise ReportingError(
            _("数据已审核锁定，不能再上传附件；如需补充，请联系审核的办公室解锁。")
        )
    if not files:
        raise ReportingError(_("请选择要上传的文件。"))
    if len(files) > MAX_FILES:
        raise ReportingError(_("每次最多上传 %(max)d 个附件。") % {"max": MAX_FILES})
    if submission.files.count() + len(files) > MAX_PER_SUBMISSION:
        raise ReportingError(_("每份填报最多 %(max)d 个附件。") % {"max": MAX_PER_SUBMISSION})
    max_bytes = int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
    try:
        checked = [
            (check_evidence(f.name, f.data, max_bytes=max_bytes, limits=evidence_limits()), f.data)
            for f in files
        ]
    except EvidenceRejected as rejected:
        raise ReportingError(str(rejected)) from rejected
    stored: list[str] = []
    saved = []
    try:
        with transaction.atomic():
            for evidence, data in checked:
                row = SubmissionFile(
                    submission=submission,
                    name=evidence.name,
                    content_type=evidence.content_type,
                    size=evidence.size,
                    sha256=evidence.sha256,
                    uploaded_by=user,
                )
                row.file.save(f"{uuid.uuid4().hex}{evidence.extension}", ContentFile(data),
                              save=False)  # fmt: skip
                stored.append(row.file.name)
                row.save()
                saved.append(row)
                AuditEntry.objects.create(
                    submission=submission, user=user, action=AuditAction.ATTACH,
                    new=evidence.name[:255], source=source,
                )  # fmt: skip
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return saved
