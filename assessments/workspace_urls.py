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
    path("exports/briefing.docx", export_views.briefing_docx, name="briefing_docx"),
    path("exports/completeness.xlsx", export_views.completeness_xlsx, name="completeness_xlsx"),
    path("exports/progress.xlsx", export_views.progress_xlsx, name="progress_xlsx"),
    path("exports/warnings.xlsx", export_views.warnings_xlsx, name="warnings_xlsx"),
]
