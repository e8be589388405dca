"""Which dashboards a user opens (the decision is portal.scoping's), the way up to them, and the
years a page can show."""

from django.db.models import (
    QuerySet,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AssessmentRun,
    RunStatus,
)
from portal.models import Region
from portal.scoping import (
    anchor_region,
    can_see_region,
    may_open_dashboard,
    visible_regions,
)


def dashboard_regions(*, user) -> QuerySet[Region]:
    """Regions whose dashboard the user may open: the scoping subtree, for offices and admins."""
    if not may_open_dashboard(user):
        return Region.objects.none()
    return visible_regions(user)


def dashboard_region(*, user, code: str | None) -> Region | None:
    """The page's region: by code inside the user's scope (404 outside), or the user's own.

    None only for an administrator without a region of their own (the page lists the tops)."""
    regions = dashboard_regions(user=user).select_related("parent")
    if code is not None:
        return get_object_or_404(regions, code=code)
    if not may_open_dashboard(user):
        raise Http404(_("区划不存在或不在您的权限范围内"))
    anchor = anchor_region(user)
    if anchor is None:
        return None
    return get_object_or_404(regions, pk=anchor.pk)


def top_regions(*, user) -> list[Region]:
    """The highest regions the user may open (an administrator's starting points)."""
    return list(dashboard_regions(user=user).filter(parent__isnull=True).order_by("path"))


def breadcrumbs(*, user, region: Region) -> list[Region]:
    """The region and those above it that the user may open, top first."""
    return [r for r in region.ancestors() if can_see_region(user, r)]


# --- Years --------------------------------------------------------------------------------------


def published_years() -> list[int]:
    """Years with a successful run, newest first."""
    years = (
        AssessmentRun.objects.filter(status=RunStatus.SUCCEEDED)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)


def pick_year(requested: str | None, years: list[int], fallback: int) -> int:
    """The requested year, else the latest year with a run, else ``fallback``."""
    try:
        year = int(requested) if requested else None
    except ValueError:
        year = None
    if year is not None and 1900 <= year <= 2999:
        return year
    return years[0] if years else fallback
