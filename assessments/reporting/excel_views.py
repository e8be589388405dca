"""Excel round-trip pages: download the quarter's template, upload it back.

The work is in ``excel_template`` and ``excel_import``; these views only turn their answers into
pages. An upload larger than the limit is cut off while the request is read (an upload
handler), so it is never written to disk or parsed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from assessments.reporting import excel_import, excel_limits, excel_template, imports, selectors
from assessments.reporting.errors import Conflict, ReportingError
from assessments.reporting.imports import ImportRejected
from portal import spreadsheets
from portal.uploads import UploadLimit

MAX_LISTED_WARNINGS = 20


def _regions_or_404(user):
    regions = excel_template.enterable_regions(user)
    if not regions:
        raise Http404(_("您没有需要填报数据的区划"))
    return regions


@login_required
@require_GET
def download_template(request, year: int, quarter: int):
    """The quarter's .xlsx template for every region the user enters for."""
    period = selectors.period_or_404(year, quarter)
    regions = _regions_or_404(request.user)
    data = excel_template.build_template(user=request.user, period=period, regions=regions)
    anchor = excel_template.entry_anchor(request.user)
    filename = excel_template.template_filename(anchor, period)
    fallback = f"template_{anchor.code if anchor else 'all'}_{period.year}Q{period.quarter}.xlsx"
    response = HttpResponse(data, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = spreadsheets.content_disposition(filename, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _too_large(max_bytes: int) -> str:
    return _("文件过大，上限为 %(limit)s MB；没有保存任何数据。") % {
        "limit": f"{max_bytes / 1024 / 1024:g}"
    }


@csrf_exempt  # checked by csrf_protect below, after the upload limit is in place
@login_required
@require_http_methods(["GET", "POST"])
def upload_workbook(request, year: int, quarter: int):
    """GET: the upload form; POST: import the file, all rows or none."""
    max_bytes = excel_limits.limit("MAX_UPLOAD_BYTES")
    handler = UploadLimit(max_bytes, request)
    try:
        request.upload_handlers.insert(0, handler)
    except AttributeError:  # the body has been read already; the size is checked afterwards
        pass
    return _upload(request, year, quarter, handler)


@csrf_protect
def _upload(request, year: int, quarter: int, handler: UploadLimit):
    period = selectors.period_or_404(year, quarter)
    _regions_or_404(request.user)
    context = {
        "period": period,
        "region": excel_template.entry_anchor(request.user),
        "max_mb": f"{handler.max_bytes / 1024 / 1024:g}",
        "sheet": excel_template.SHEET,
        "error": "",
        "problems": [],
    }
    if request.method != "POST":
        return render(request, "assessments/excel_upload.html", context)

    status = 400
    upload = request.FILES.get("file")
    if handler.exceeded or (upload is not None and upload.size > handler.max_bytes):
        context["error"] = _too_large(handler.max_bytes)
    elif upload is None:
        context["error"] = _("请选择要上传的 Excel 文件（.xlsx）。")
    else:
        try:
            result = excel_import.import_workbook(
                user=request.user, period=period, data=upload.read(handler.max_bytes + 1)
            )
        except ImportRejected as rejected:
            context["error"] = str(rejected)
            context["problems"] = rejected.problems
        except Conflict as error:
            context["error"] = str(error)
            status = 409
        except ReportingError as error:  # WorkbookRefused and the other refusals
            context["error"] = str(error)
        else:
            figures = {
                "rows": result.rows,
                "submissions": result.submissions,
                "changed": result.changed,
                "untouched": result.untouched,
            }
            if result.submissions:
                messages.success(
                    request,
                    _(
                        "导入成功：共 %(rows)d 行，涉及 %(submissions)d 份填报，"
                        "修改了 %(changed)d 个数值，%(untouched)d 行与系统中一致、未作改动；"
                        "数据已保存为草稿，请核对后提交审核。"
                    )
                    % figures,
                )
            else:
                messages.success(
                    request,
                    _("导入完成：共 %(rows)d 行，均与系统中一致，未作任何改动。") % figures,
                )
            for warning in result.warnings[:MAX_LISTED_WARNINGS]:
                messages.warning(
                    request,
                    _("%(warning)s（提交前请在“%(column)s”列写明原因）")
                    % {"warning": warning, "column": imports.COMMENT_COLUMN},
                )
            if len(result.warnings) > MAX_LISTED_WARNINGS:
                messages.warning(
                    request,
                    _("另有 %(count)d 条提示未列出，请在各区划的填报页面查看。")
                    % {"count": len(result.warnings) - MAX_LISTED_WARNINGS},
                )
            return _see_other(reverse("assessments:excel_upload", args=[year, quarter]))
    return render(request, "assessments/excel_upload.html", context, status=status)
