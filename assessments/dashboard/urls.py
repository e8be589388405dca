"""URLs of the office dashboard, included at /dashboard/ with the namespace "dashboard"."""

from django.urls import path, re_path

from assessments.dashboard import views

app_name = "dashboard"
CODE = r"(?P<code>[0-9A-Za-z]{1,12})"  # NBS codes are digits; synthetic ones start with X
urlpatterns = [
    path("", views.region_dashboard, name="home"),
    re_path(rf"^{CODE}/$", views.region_dashboard, name="region"),
    re_path(rf"^{CODE}/targets\.json$", views.targets_data, name="targets_data"),
    re_path(rf"^{CODE}/trends\.json$", views.trends_data, name="trends_data"),
    re_path(rf"^{CODE}/ranking\.json$", views.ranking_data, name="ranking_data"),
    path(
        "documents/<int:document>/targets/<str:code>/",
        views.target_status,
        name="target_status",
    ),
]
