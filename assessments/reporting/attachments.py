"""Files attached to a submission: an official adds supporting documents (what a return reason
often asks for); the reporting chain reads and downloads them. Checked as every evidence file
is (portal.evidence), all or nothing, recorded in the submission's audit trail."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import AuditAction, AuditEntry, Status, Submission, SubmissionFile
from assessments.reporting.errors import ReportingError
from portal.evidence import EvidenceRejected, StoredFiles, Upload, check_all
from portal.scoping import can_enter_for

MAX_FILES = 5  # per upload
MAX_PER_SUBMISSION = 20


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
    try:
        checked = check_all(files)
    except EvidenceRejected as rejected:
        raise ReportingError(str(rejected)) from rejected
    with StoredFiles() as stored, transaction.atomic():
        saved = [
            stored.save(SubmissionFile(submission=submission, uploaded_by=user), evidence, data)
            for evidence, data in checked
        ]
        AuditEntry.objects.bulk_create(
            AuditEntry(submission=submission, user=user, action=AuditAction.ATTACH,
                       new=evidence.name[:255], source=source)
            for evidence, _data in checked
        )  # fmt: skip
    return saved
