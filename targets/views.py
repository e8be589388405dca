"""Pages for policy documents: the list and one document with its targets and tasks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import periods
from portal.scoping import can_manage_documents_for, may_open_dashboard, visible_regions
from portal.uploads import UploadRejected
from targets import drafting, search, selectors, services
from targets.forms import HeaderForm, NewDraftForm, TargetFormSet, TaskForm, TaskFormSet
from targets.markup import Mark, find_mark, segment
from targets.models import DocumentDraft, DraftStatus


@login_required
def document_list(request):
    """The documents the user reads, filtered by title or 文号, thirty to a page."""
    year = periods.today().year
    documents = selectors.documents_for(user=request.user)
    text = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    if text:
        documents = documents.filter(Q(title__icontains=text) | Q(doc_number__icontains=text))
    page = Paginator(documents, 30).get_page(request.GET.get("page"))
    for document in page:
        document.expired = document.expired_in(year)
    return render(
        request, "targets/document_list.html", {"documents": page, "page": page, "q": text}
    )


@login_required
def document_detail(request, pk: int):
    document = selectors.document_for(user=request.user, pk=pk)
    text = document.full_text
    marks = [
        mark
        for mark in (
            *(find_mark(text, "target", t.code, t.quote) for t in document.targets.all()),
            *(find_mark(text, "task", t.code, t.text) for t in document.tasks.all()),
            *(find_mark(text, "duty", d.code, d.text) for d in document.duties.all()),
        )
        if mark
    ]
    return render(
        request,
        "targets/document_detail.html",
        {
            "document": document,
            "segments": segment(text, marks),
            "openable": selectors.openable_work(user=request.user, document=document),
            "may_manage": can_manage_documents_for(request.user, document.region),
            "expired": document.expired_in(periods.today().year),
            "horizon_passed": bool(
                document.horizon_year and document.horizon_year < periods.today().year
            ),
        },
    )


def _manageable_regions(user):
    regions = visible_regions(user).order_by("path")
    return regions.filter(pk__in=[r.pk for r in regions if can_manage_documents_for(user, r)])


@login_required
def draft_new(request):
    """Paste or upload a policy text; the reader drafts its targets and tasks."""
    regions = _manageable_regions(request.user)
    if not regions.exists():
        raise Http404(_("只有领导小组办公室可以录入政策文件。"))
    # An office records its own region's documents most often: its region comes preselected.
    own = regions.filter(pk=request.user.region_id).first()
    form = NewDraftForm(
        request.POST or None, request.FILES or None, regions=regions, initial={"region": own}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("upload")
        try:
            if upload:
                text = drafting.extract_text(upload.name, upload.read(drafting.MAX_UPLOAD + 1))
            else:
                text = form.cleaned_data["text"]
            draft = drafting.create_draft(
                user=request.user,
                region=form.cleaned_data["region"],
                text=text,
                source_name=upload.name if upload else "",
            )
        except UploadRejected as error:
            form.add_error("upload" if upload else "text", str(error))
        else:
            return redirect("targets:draft_review", pk=draft.pk)
    if request.method == "POST":
        status = 400
    drafts = DocumentDraft.objects.filter(
        region__in=regions, status=DraftStatus.OPEN
    ).select_related("created_by")[:20]
    return render(
        request, "targets/draft_new.html", {"form": form, "drafts": drafts}, status=status
    )


def _draft_for(user, pk: int) -> DocumentDraft:
    draft = get_object_or_404(DocumentDraft.objects.select_related("region"), pk=pk)
    if not can_manage_documents_for(user, draft.region):
        raise Http404(_("草稿不存在或不在您的权限范围内"))
    return draft


def _initial(draft: DocumentDraft):
    reading = draft.reading
    header = {
        "title": reading.get("title", ""),
        "doc_number": reading.get("doc_number", ""),
        "issuer": reading.get("issuer", ""),
        "issue_date": reading.get("issue_date"),
        "horizon_year": reading.get("horizon_year"),
    }
    targets = [
        {
            "indicator": t["indicator"],
            "comparator": t["comparator"],
            "value": t["value"],
            "unit": t["unit"],
            "reference": t.get("reference", ""),
            "horizon_year": t.get("horizon_year"),
            "aspirational": t.get("aspirational", False),
            "kind": t.get("kind", "stock"),
            "quote": t["quote"],
        }
        for t in reading.get("targets", [])
    ]
    tasks = [
        {
            "text": t["text"],
            "lead": "、".join(t["lead"]),
            "cooperating": "、".join(t["cooperating"]),
        }
        for t in reading.get("tasks", [])
    ]
    return header, targets, tasks


def _review_marks(draft: DocumentDraft, target_forms, task_forms) -> list[Mark]:
    marks = []
    for index, form in enumerate(target_forms):
        quote = form["quote"].value() or ""
        mark = find_mark(draft.text, "target", str(index), quote)
        if mark:
            marks.append(mark)
    for index, form in enumerate(task_forms):
        mark = find_mark(draft.text, "task", str(index), form["text"].value() or "")
        if mark:
            marks.append(mark)
    return marks


def _kept(form) -> bool:
    return bool(form.cleaned_data) and not form.cleaned_data.get("DELETE")


@login_required
def draft_review(request, pk: int):
    """Review what the reader found beside the text, correct it, and accept."""
    draft = _draft_for(request.user, pk)
    if draft.status == DraftStatus.ACCEPTED and draft.document_id:
        return redirect("targets:document_detail", pk=draft.document_id)
    header_initial, targets_initial, tasks_initial = _initial(draft)
    if request.method == "POST":
        header = HeaderForm(request.POST, prefix="h")
        targets = TargetFormSet(request.POST, prefix="t")
        tasks = TaskFormSet(request.POST, prefix="k")
    else:
        header = HeaderForm(initial=header_initial, prefix="h")
        targets = TargetFormSet(initial=targets_initial, prefix="t")
        tasks = TaskFormSet(initial=tasks_initial, prefix="k")
    problems: list[str] = []
    if request.method == "POST" and header.is_valid() and targets.is_valid() and tasks.is_valid():
        kept_targets = [
            f.cleaned_data
            for f in targets.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        kept_tasks = [
            f.cleaned_data
            for f in tasks.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            document = drafting.accept_draft(
                user=request.user,
                draft=draft,
                header=drafting.HeaderInput(
                    **{k: v for k, v in header.cleaned_data.items() if k != "create_departments"}
                ),
                create_departments=header.cleaned_data.get("create_departments", False),
                targets=[
                    drafting.TargetInput(**{k: v for k, v in t.items() if k != "DELETE"})
                    for t in kept_targets
                ],
                tasks=[
                    drafting.TaskInput(
                        text=t["text"],
                        lead=TaskForm.names(t["lead"]),
                        cooperating=TaskForm.names(t["cooperating"]),
                    )
                    for t in kept_tasks
                ],
            )
        except drafting.DraftInvalid as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("已采纳：%(title)s（目标 %(targets)d 个，任务 %(tasks)d 项）。")
                % {"title": document.title, "targets": len(kept_targets), "tasks": len(kept_tasks)},
            )
            if kept_targets:
                messages.info(
                    request,
                    _("请为每个目标点击“关联指标和部门”：关联前，目标无法按季度数据判断进展。"),
                )
            return redirect("targets:document_detail", pk=document.pk)
    marks = _review_marks(draft, targets.forms, tasks.forms)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "targets/draft_review.html",
        {
            "draft": draft,
            "header": header,
            "targets": targets,
            "tasks": tasks,
            "segments": segment(draft.text, marks),
            "problems": problems,
        },
        status=status,
    )


@login_required
@require_POST
def draft_discard(request, pk: int):
    draft = _draft_for(request.user, pk)
    if draft.status == DraftStatus.OPEN:
        draft.status = DraftStatus.DISCARDED
        draft.save(update_fields=["status"])
        messages.success(request, _("草稿已放弃。"))
    return redirect("targets:draft_new")


@login_required
@require_POST
def carry_forward(request, pk: int):
    """An office keeps assessing a document past its horizon, or lets it expire."""
    document = selectors.document_for(user=request.user, pk=pk)
    if not can_manage_documents_for(request.user, document.region):
        raise Http404(_("只有本级或上级领导小组办公室可以决定该文件是否继续考核。"))
    carried = request.POST.get("carried") == "1"
    services.carry_forward(user=request.user, document=document, carried=carried)
    messages.success(
        request,
        _("已设置：到期后继续考核。") if carried else _("已设置：到期后不再考核（已到期）。"),
    )
    return redirect("targets:document_detail", pk=document.pk)


@login_required
def search_page(request):
    """One search box for the whole portal: what the user may open, by kind."""
    text = request.GET.get("q", "")
    found = search.search(user=request.user, text=text)
    return render(
        request,
        "targets/search.html",
        {
            "q": text.strip()[: search.MAX_QUERY],
            "found": found,
            "limit": search.LIMIT,
            "dashboard": may_open_dashboard(request.user),
        },
    )
