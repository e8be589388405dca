"""URL configuration of the portal."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import account_views, notice_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account_views.profile, name="profile"),
    path("notices/", notice_views.notice_list, name="notices"),
    path("notices/<int:pk>/open/", notice_views.open_notice, name="notice_open"),
    path("notices/read-all/", notice_views.read_all, name="notices_read_all"),
    path("account/password/", account_views.PasswordChange.as_view(), name="password_change"),
    path("account/reset/", account_views.PasswordReset.as_view(), name="password_reset"),
    path(
        "account/reset/sent/",
        account_views.PasswordResetDone.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        account_views.PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("documents/", include("targets.urls")),
    path("reporting/", include("assessments.urls")),
    path("workspace/", include("assessments.workspace_urls")),
    path("dashboard/", include("assessments.dashboard.urls", namespace="dashboard")),
    path("season/", include("assessments.season.urls", namespace="season")),
    path("help/", include("assessments.guide.urls")),
    path("search/", include("targets.search_urls")),
    path("api/", include("portal.api_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler404 = "portal.views.page_not_found"
