"""Self-service for every user: their profile (role and scope), changing their password, and
resetting a forgotten one by e-mail. Django's own password views, in the portal's pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from portal import scoping


@login_required
def profile(request):
    """Who the user is in the portal: role, what they act for, and what they may see."""
    user = request.user
    anchor = scoping.anchor_region(user)
    return render(
        request,
        "registration/profile.html",
        {
            "anchor": anchor,
            "unrestricted": scoping.is_unrestricted(user),
            "sections": scoping.menu(user),
        },
    )


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。其他设备上的登录和 API 令牌已失效。"))
        return response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
