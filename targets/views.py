"""Pages for policy documents: the list and one document with its targets and tasks."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from targets import selectors
from targets.markup import find_mark, segment


@login_required
def document_list(request):
    documents = selectors.documents_for(user=request.user)
    return render(request, "targets/document_list.html", {"documents": documents})


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
        {"document": document, "segments": segment(text, marks)},
    )
