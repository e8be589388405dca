"""Wiring: the pages under /reporting/ (namespace "assessments"): quarterly reporting, and the
office's assessment runs, which sit beside it in the menu."""

from django.urls import path

from assessments.reporting import (
    attachment_views,
    excel_views,
    extension_views,
    measure_views,
    views,
)
from assessments.scoring import publication_views, rulebook_views
from assessments.scoring import views as run_views

app_name = "assessments"
urlpatterns = [
    path("", views.my_submissions, name="my_submissions"),
    path("<str:region_code>/<int:year>/<int:quarter>/", views.entry, name="entry"),
    path(
        "<str:region_code>/<int:year>/<int:quarter>/check/",
        views.check_figures,
        name="check_figures",
    ),
    path(
        "<str:region_code>/<int:year>/<int:quarter>/extension/",
        extension_views.request_extension,
        name="request_extension",
    ),
    path("extension/<int:pk>/", extension_views.decide_extension, name="decide_extension"),
    path("submission/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submission/<int:pk>/files/", attachment_views.attach_files, name="attach_files"),
    path("files/<int:pk>/", attachment_views.submission_file, name="submission_file"),
    path("submission/<int:pk>/decide/", views.decide, name="decide"),
    path("queue/", views.approval_queue, name="approval_queue"),
    path("completeness/", views.completeness_report, name="completeness"),
    path("reopen/", views.reopen, name="reopen"),
    path("references/", views.reference_values, name="reference_values"),
    path("targets/<int:pk>/measure/", measure_views.link_measure, name="link_measure"),
    path("assessment/", run_views.assessment_runs, name="assessment_runs"),
    path("assessment/runs/<int:pk>/", run_views.run_status, name="run_status"),
    path(
        "assessment/rulebooks/<int:pk>/",
        publication_views.rulebook_results,
        name="rulebook_results",
    ),
    path("assessment/rulebooks/<int:pk>/publish/", publication_views.publish, name="publish"),
    path(
        "assessment/rulebooks/<int:pk>/workbook/",
        rulebook_views.download_workbook,
        name="rulebook_workbook",
    ),
    path(
        "assessment/rulebooks/<int:pk>/upload/",
        rulebook_views.upload_workbook,
        name="rulebook_upload",
    ),
    path(
        "assessment/rulebooks/<int:pk>/copy/",
        rulebook_views.copy_to_next_year,
        name="rulebook_copy",
    ),
    path("assessment/publications/<int:pk>/", publication_views.publication, name="publication"),
    path(
        "excel/template/<int:year>/<int:quarter>/",
        excel_views.download_template,
        name="excel_template",
    ),
    path(
        "excel/upload/<int:year>/<int:quarter>/", excel_views.upload_workbook, name="excel_upload"
    ),
]
