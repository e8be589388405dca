"""The office's rulebook table pages: download a rulebook as a workbook, upload one back as the
next version, copy a rulebook to next year.

The work is in ``rulebook_book`` (the workbook) and ``rulebooks`` (issuing versions); these
views only find the rulebook (deny by default: outside the user's reach it is not found) and
turn the answers into pages. An upload larger than the limit is cut off while the request is
read, as the quarterly template's upload is.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.models import Rulebook
from assessments.reporting import excel_limits
from assessments.scoring import rulebook_book, rulebooks
from portal import spreadsheets
from portal.scoping import export_q, may_sign_for
from portal.uploads import UploadLimit

MAX_LISTED_PROBLEMS = 10  # in a message after a refused copy


def _rulebook(user, pk: int) -> Rulebook:
    """A rulebook of the user's region or below (offices) — never found otherwise."""
    return get_object_or_404(
        Rulebook.objects.filter(export_q(user, "scope")).select_related("scope"), pk=pk
    )


def _signable(user, pk: int) -> Rulebook:
    """A rulebook the user may issue: its own region's office, or an administrator."""
    rulebook = _rulebook(user, pk)
    if not may_sign_for(user, rulebook.scope):
        raise Http404(_("只有该评分细则所属区划的领导小组办公室可以修改评分细则。"))
    return rulebook


@login_required
@require_GET
def download_workbook(request, pk: int):
    """The rulebook as the office's table (.xlsx)."""
    rulebook = _rulebook(request.user, pk)
    data = rulebook_book.rulebook_workbook(rulebook)
    filename, fallback = rulebook_book.workbook_filename(rulebook)
    response = HttpResponse(data, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = spreadsheets.content_disposition(filename, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # checked by csrf_protect below, after the upload limit is in place
@login_required
@require_http_methods(["GET", "POST"])
def upload_workbook(request, pk: int):
    """GET: the upload form; POST: issue the uploaded table as the next version, or list every
    problem and save nothing."""
    handler = UploadLimit(excel_limits.limit("MAX_UPLOAD_BYTES"), request)
    try:
        request.upload_handlers.insert(0, handler)
    except AttributeError:  # the body has been read already; the size is checked afterwards
        pass
    return _upload(request, pk, handler)


@csrf_protect
def _upload(request, pk: int, handler: UploadLimit):
    rulebook = _signable(request.user, pk)
    context = {
        "rulebook": rulebook,
        "max_mb": f"{handler.max_bytes / 1024 / 1024:g}",
        "sheet": rulebook_book.SHEET,
        "error": "",
        "problems": [],
    }
    if not rulebook.is_current:
        context["error"] = _(
            "第 %(version)d 版已不是现行版本，不能在其上上传：请到现行版本的页面下载和上传。"
        ) % {"version": rulebook.version}
        return render(request, "assessments/rulebook_upload.html", context, status=409)
    if request.method != "POST":
        return render(request, "assessments/rulebook_upload.html", context)

    status = 400
    upload = request.FILES.get("file")
    if handler.exceeded or (upload is not None and upload.size > handler.max_bytes):
        context["error"] = _("文件过大，上限为 %(limit)s MB；没有保存任何内容。") % {
            "limit": context["max_mb"]
        }
    elif upload is None:
        context["error"] = _("请选择要上传的评分细则表（.xlsx）。")
    else:
        try:
            draft = rulebook_book.read_workbook(upload, scope=rulebook.scope)
            issued = rulebooks.issue_version(rulebook=rulebook, draft=draft, user=request.user)
        except rulebooks.RulebookRejected as rejected:
            context["error"] = str(rejected)
            context["problems"] = [p for p in rejected.problems if p.sheet or p.row or p.column]
        except rulebooks.RulebookRefused as refused:
            context["error"] = str(refused)
            status = 409
        else:
            messages.success(
                request,
                _(
                    "已发布%(year)d年评分细则第 %(version)d 版（共 %(count)d 个评分项目），"
                    "此后的计算按此版本评分；第 %(previous)d 版及其结果仍可查阅。"
                )
                % {
                    "year": issued.year,
                    "version": issued.version,
                    "count": len(draft.items),
                    "previous": rulebook.version,
                },
            )
            response = HttpResponseRedirect(
                reverse("assessments:rulebook_results", args=[issued.pk])
            )
            response.status_code = 303
            return response
    return render(request, "assessments/rulebook_upload.html", context, status=status)


@login_required
@require_POST
def copy_to_next_year(request, pk: int):
    rulebook = _signable(request.user, pk)
    try:
        copied = rulebooks.copy_to_next_year(rulebook=rulebook, user=request.user)
    except rulebooks.RulebookRejected as rejected:
        messages.error(request, str(rejected))
        for problem in rejected.problems[:MAX_LISTED_PROBLEMS]:
            messages.error(request, problem.message)
        return redirect("assessments:rulebook_results", pk=rulebook.pk)
    except rulebooks.RulebookRefused as refused:
        messages.error(request, str(refused))
        return redirect("assessments:rulebook_results", pk=rulebook.pk)
    messages.success(
        request,
        _("已将评分细则复制到%(year)d年（第 %(version)d 版），可下载评分细则表修改后上传。")
        % {"year": copied.year, "version": copied.version},
    )
    return redirect("assessments:rulebook_results", pk=copied.pk)
