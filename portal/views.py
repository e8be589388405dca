"""Pages of the shared core: the home page sends each user where their work is."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import defaults

from portal import scoping


@login_required
def home(request):
    """Offices land on their dashboard, departments on their duties, officials on entry, and
    anybody else on the documents (which show nothing until a role is assigned)."""
    sections = scoping.menu(request.user)
    if sections["dashboard"]:
        return redirect("dashboard:home")
    if sections["duties"]:
        return redirect("workspace:home")
    if sections["reporting"]:
        return redirect("assessments:my_submissions")
    return redirect("targets:document_list")


API_PREFIX = "/api/"


def bad_request(request, exception=None):
    """A 400 that says what was wrong: the portal's own refusals (BadRequest, raised with a
    message for the user) are shown; anything else (SuspiciousOperation) gets the plain text.
    Under /api/ it is the API's JSON error body."""
    message = str(exception) if type(exception) is BadRequest else ""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": message or gettext("请求内容有误。"), "code": "bad_request"}, status=400
        )
    return render(request, "400.html", {"message": message}, status=400)


def page_not_found(request, exception=None):
    """The 404 page; under /api/ (a malformed or unknown API path) the API's JSON error body, so
    a client never has to parse an HTML page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": gettext("未找到，或不在您的权限范围内。"), "code": "not_found"}, status=404
        )
    return defaults.page_not_found(request, exception)
