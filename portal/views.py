"""Pages of the shared core: the home page sends each user where their work is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    return redirect("targets:document_list")
