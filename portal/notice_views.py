"""The user's notices: the list (newest first, paged), opening one (marks it read and goes to
the thing itself), and marking all read. A user only ever reads their own."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import notices
from portal.models import Notice
from portal.redirects import safe_next


@login_required
def notice_list(request):
    found = Notice.objects.filter(user=request.user)
    if request.GET.get("unread"):
        found = found.filter(read_at__isnull=True)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    for notice in page:
        notice.text = notices.text(notice)
    return render(
        request,
        "notices/list.html",
        {"page": page, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
@require_POST
def open_notice(request, pk: int):
    notice = get_object_or_404(Notice, pk=pk, user=request.user)
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    return redirect(safe_next(request, notice.link, reverse("notices")))


@login_required
@require_POST
def read_all(request):
    Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notices")
