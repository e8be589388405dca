from django.urls import path

from assessments.exports import views as export_views
from assessments.workspace import views as workspace_views

app_name = "workspace"
urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("departments/<int:pk>/", workspace_views.department, name="department"),
    path("items/<str:kind>/<int:pk>/", workspace_views.item, name="item"),
    path("evidence/<int:pk>/", workspace_views.evidence, name="evidence"),
    path("exports/", export_views.index, name="exports"),
    path("exports/rankings/<int:pk>.xlsx", export_views.rankings, name="rankings"),
    path("exports/briefing/", export_views.briefing, name="briefing"),
]
