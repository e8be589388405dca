"""Attachments of a submission on the pages: uploaded from the entry page, downloaded from the
submission page by its reporting chain (reporting.attachments and the gate decide)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import SubmissionFile
from assessments.reporting import attachments, errors, selectors
from portal.evidence import max_file_bytes, oversize_message
from portal.scoping import may_read_audit
from portal.uploads import limited_upload, too_large


@limited_upload(max_file_bytes)
@login_required
@require_POST
def attach_files(request, pk: int):
    """An official attaches supporting files to a submission (from its entry page)."""
    submission = selectors.submission_for(user=request.user, pk=pk)
    uploads = [attachments.Upload(f.name, f.read()) for f in request.FILES.getlist("files")]
    try:
        if too_large(request):
            raise errors.ReportingError(oversize_message())
        saved = attachments.attach(user=request.user, submission=submission, files=uploads)
    except (errors.ReportingError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已上传 %(n)d 个附件。") % {"n": len(saved)})
    region, period = submission.region, submission.period
    return redirect("assessments:entry", region_code=region.code, year=period.year,
                    quarter=period.quarter)  # fmt: skip


@login_required
def submission_file(request, pk: int):
    """A submission's attachment, for the reporting chain of its region (never a department)."""
    found = get_object_or_404(
        SubmissionFile.objects.filter(
            submission__in=selectors.submissions_for(user=request.user)
        ).select_related("submission__region"),
        pk=pk,
    )
    if not may_read_audit(request.user, found.submission.region):
        raise Http404(_("文件不存在。"))
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name,
                        content_type=found.content_type)  # fmt: skip
