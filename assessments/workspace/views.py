"""Pages of the departments' workspace: "my duties", one task, duty or target with its progress
reports, the report form, and evidence downloads.

Views read through the selectors of ``assessments.workspace`` and write through its services;
whatever lies outside the user's scope is a 404. Evidence is streamed by ``evidence`` after the
scoping check, as an attachment, never from a public media URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from assessments.models import WorkKind
from assessments.season import selectors as season_selectors
from assessments.workspace import limits, overview, page, selectors, services, states
from assessments.workspace.services import ProgressRefused, Upload
from portal import periods
from portal.evidence import oversize_message
from portal.periods import Quarter
from portal.scoping import is_department, may_follow_departments
from portal.uploads import UploadLimit
from targets.models import AssignmentRole


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _department_page(request, department):
    board = page.workspace(department=department)
    return render(
        request,
        "workspace/department.html",
        {
            "board": board,
            "own": request.user.department_id == department.pk,
            "season_todos": season_selectors.todos(request.user)
            if request.user.department_id == department.pk
            else [],
        },
    )


@login_required
@require_GET
def home(request):
    """A department's own duties; an office's overview of the departments it follows."""
    user = request.user
    if is_department(user):
        return _department_page(request, user.department)
    if not may_follow_departments(user):
        raise Http404(_("您没有可查看的部门工作。"))
    rows, current = overview.department_overview(user=user)
    return render(
        request,
        "workspace/overview.html",
        {
            "rows": rows,
            "open": current,
            "previous": current.previous(),
            "due_days": limits.setting("PROGRESS_DUE_DAYS"),
        },
    )


@login_required
@require_GET
def department(request, pk: int):
    """One department's duties, for the department itself or an office above it."""
    return _department_page(request, selectors.department_for(user=request.user, pk=pk))


@csrf_exempt  # checked by csrf_protect below, after the upload limit is in place
@login_required
@require_http_methods(["GET", "POST"])
def item(request, kind: str, pk: int):
    """GET: a task, duty or target with the reports the user may read; POST: a new report."""
    handler = UploadLimit(limits.setting("EVIDENCE_MAX_BYTES"), request)
    try:
        request.upload_handlers.insert(0, handler)
    except AttributeError:  # the body has been read already; the size is checked afterwards
        pass
    return _item(request, kind, pk, handler)


def _limits() -> dict:
    return {
        "max_mb": f"{limits.setting('EVIDENCE_MAX_BYTES') / 1024 / 1024:g}",
        "max_files": limits.setting("EVIDENCE_MAX_FILES"),
    }


@csrf_protect
def _item(request, kind: str, pk: int, handler: UploadLimit):
    user = request.user
    obj = selectors.item_for(user=user, kind=kind, pk=pk)
    may_report = selectors.may_report(user=user, kind=kind, item=obj)
    quarters = periods.allowed_quarters(periods.today(), limits.setting("PROGRESS_DUE_DAYS"))
    form = {"text": "", "quarter": quarters[0].label}
    error, status = "", 200
    if request.method == "POST":
        if not may_report:
            raise Http404(_("只有承担该项工作的部门可以报送进展。"))
        form = {"text": request.POST.get("text", ""), "quarter": request.POST.get("quarter", "")}
        quarter = Quarter.parse(form["quarter"])
        max_bytes = handler.max_bytes
        files = request.FILES.getlist("files")
        if handler.exceeded or any(f.size > max_bytes for f in files):
            error = oversize_message()
        elif quarter is None:
            error = _("请选择进展所属的季度。")
        else:
            uploads = [Upload(name=f.name, data=f.read(max_bytes + 1)) for f in files]
            try:
                services.post_update(
                    user=user,
                    kind=kind,
                    item=obj,
                    quarter=quarter,
                    text=form["text"],
                    files=uploads,
                )
            except ProgressRefused as refused:
                error = str(refused)
            else:
                messages.success(
                    request, _("工作进展已报送（计入%(quarter)s）。") % {"quarter": quarter}
                )
                return _see_other(request.path)
        status = 400
    state = None
    if kind == WorkKind.TARGET:
        state = states.target_states([(obj, obj.region)], states.status_year())[0]
    assignments = []
    if kind == WorkKind.TASK:
        assignments = list(obj.assignments.select_related("department__region"))
    context = {
        "kind": kind,
        "kind_label": WorkKind(kind).label,
        "obj": obj,
        "title": page.WorkItem(kind=kind, obj=obj).title,
        "state": state,
        "leads": [a for a in assignments if a.role == AssignmentRole.LEAD],
        "partners": [a for a in assignments if a.role != AssignmentRole.LEAD],
        "updates": selectors.updates_on(user=user, kind=kind, item=obj),
        "may_report": may_report,
        "quarters": quarters,
        "form": form,
        "error": error,
        **_limits(),
    }
    return render(request, "workspace/item.html", context, status=status)


@login_required
@require_GET
def evidence(request, pk: int):
    """Stream one evidence file as an attachment, after the scoping check."""
    row = selectors.evidence_for(user=request.user, pk=pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("文件不存在。")) from missing
    response = FileResponse(
        handle, as_attachment=True, filename=row.name, content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
