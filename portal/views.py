"""Pages of the shared core: the home page sends each user where their work is."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render

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


def bad_request(request, exception=None):
    """A 400 that says what was wrong: the portal's own refusals (BadRequest, raised with a
    message for the user) are shown; anything else (SuspiciousOperation) gets the plain text."""
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)
