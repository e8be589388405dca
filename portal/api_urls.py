"""REST API under /api/v1/, its OpenAPI schema at /api/schema/ and the docs at /api/docs/.

The docs page loads Swagger UI from the portal's own static files (drf-spectacular-sidecar),
never from a CDN.
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from assessments.reporting import api as reporting
from assessments.scoring import api as scoring
from assessments.season import api as season
from portal import api as core
from targets import api as policy

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", core.RegionViewSet, basename="region")
router.register("departments", core.DepartmentViewSet, basename="department")
router.register("documents", policy.DocumentViewSet, basename="document")
router.register("targets", policy.TargetViewSet, basename="target")
router.register("elements", reporting.DataElementViewSet, basename="element")
router.register("indicators", reporting.IndicatorViewSet, basename="indicator")
router.register("periods", reporting.PeriodViewSet, basename="period")
router.register("submissions", reporting.SubmissionViewSet, basename="submission")
router.register("publications", scoring.PublicationViewSet, basename="publication")
router.register("seasons", season.SeasonViewSet, basename="season")

v1 = [
    path("auth/token/", core.ObtainTokenView.as_view(), name="token"),
    path("approval-queue/", reporting.ApprovalQueueView.as_view(), name="approval-queue"),
    re_path(
        r"^completeness/(?P<region_code>[0-9]{1,12})/(?P<year>[0-9]{4})/(?P<quarter>[1-4])/$",
        reporting.CompletenessView.as_view(),
        name="completeness",
    ),
    re_path(
        r"^import/(?P<year>[0-9]{4})/(?P<quarter>[1-4])/$",
        reporting.ImportView.as_view(),
        name="import",
    ),
    re_path(
        r"^rulebooks/(?P<pk>[0-9]{1,18})/results/$",
        scoring.RulebookResultsView.as_view(),
        name="rulebook-results",
    ),
    re_path(
        r"^rulebooks/(?P<pk>[0-9]{1,18})/publish/$",
        scoring.PublishView.as_view(),
        name="rulebook-publish",
    ),
    *router.urls,
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs page is a page: an anonymous visitor is sent to sign in first.
    path(
        "docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
