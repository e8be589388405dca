"""Pages of the shared core: the home page sends each user where their work is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from portal.models import Role

HOME_BY_ROLE = {
    Role.OFFICE: "dashboard:home",
    Role.ADMIN: "dashboard:home",
    Role.DEPARTMENT: "workspace:home",
    Role.REGION_OFFICIAL: "assessments:my_submissions",
}


@login_required
def home(request):
    """Offices land on their dashboard, departments on their duties, officials on entry."""
    target = HOME_BY_ROLE.get(request.user.role)
    if request.user.is_superuser:
        target = "dashboard:home"
    return redirect(target or "targets:document_list")
