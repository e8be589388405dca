"""Pages and data endpoints of the office dashboard, the same for every level of the tree.

Views only read through assessments.dashboard, which scopes every read through portal.scoping:
a region outside the user's scope is a 404, an anonymous visitor is sent to the login page (or
gets a 401 from a data endpoint).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from assessments.dashboard import access, panels, trends
from assessments.dashboard import cache as dashboard_cache
from assessments.dashboard import table as target_table
from assessments.models import TargetWarning
from assessments.season import selectors as season_selectors
from portal import periods
from portal.scoping import can_see_region


def _json_login_required(view):
    """A data endpoint answers 401 to an anonymous caller rather than a login redirect."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("请先登录。")}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


def _year(request) -> tuple[int, list[int]]:
    years = access.published_years()
    year = access.pick_year(request.GET.get("year"), years, periods.today().year)
    return year, years


@login_required
def region_dashboard(request, code: str | None = None):
    """The dashboard of one region: the user's own, or one below it."""
    region = access.dashboard_region(user=request.user, code=code)
    if region is None:
        return render(
            request,
            "dashboard/index.html",
            {"regions": access.top_regions(user=request.user)},
        )
    user = request.user
    year, years = _year(request)
    reads = dashboard_cache.Reads(user=user, region=region, year=year, params=request.GET)
    filterset = _target_filter(request, region, year)
    rows = _target_rows(reads, filterset, year, region)
    table = target_table.TargetTable(filterset=filterset, rows=rows)
    rankings = reads.get("rankings", lambda: panels.rankings(region=region, year=year))
    graded = {r.region_id: r for ranking in rankings for r in ranking.results}
    children = [
        (child, graded.get(child.pk))
        for child in reads.get("children", lambda: panels.children_of(region))
    ]
    context = {
        "region": region,
        "crumbs": reads.get("crumbs", lambda: access.breadcrumbs(user=user, region=region)),
        "year": year,
        "years": sorted({*years, year}, reverse=True),
        "table": table,
        "filter": table.filterset,
        "below": _below(reads, user, region, year),
        "own_results": reads.get(
            "own_results", lambda: panels.own_results(region=region, year=year)
        ),
        "trends": _trends(reads, user, region, year, rows),
        "rankings": rankings,
        "distributions": [
            {
                "name": r.rulebook.name,
                "grades": [{"grade": g, "count": n} for g, n in r.distribution],
            }
            for r in rankings
        ],
        "children": children,
        "reporting": reads.get("reporting", lambda: panels.reporting(user=user, region=region)),
        "warnings": reads.get("warnings", lambda: panels.warnings(region=region, year=year)),
        "run": panels.run_panel(year=year),
        # The user's own steps in the assessment seasons, on their own region's page only.
        "season_todos": season_selectors.todos(user) if region.pk == user.region_id else [],
        "names_limit": panels.NAMES_LIMIT,
        # The rendered sections are cached under the same keys as the data they show.
        "cache_timeout": dashboard_cache.TIMEOUT,
        "fragments": {
            "targets": reads.key("html:targets", by_params=True),
            "analysis": reads.key("html:analysis", by_params=True),
            "reporting": reads.key("html:reporting"),
            "warnings": reads.key("html:warnings"),
        },
    }
    return render(request, "dashboard/region.html", context)


@_json_login_required
def targets_data(request, code: str):
    """The target rows of a region's dashboard (same filters and sorting as the page)."""
    region, year, reads = _data_request(request, code)

    def build():
        rows = _target_rows(reads, _target_filter(request, region, year), year, region)
        return _payload(region, year, targets=[target_table.row_json(row) for row in rows])

    return JsonResponse(reads.get("targets.json", build, by_params=True))


@_json_login_required
def trends_data(request, code: str):
    """Quarter-by-quarter series of the region's subtree, per indicator, with target lines."""
    region, year, reads = _data_request(request, code)

    def build():
        rows = _target_rows(reads, _target_filter(request, region, year), year, region)
        return _payload(region, year, series=_trends(reads, request.user, region, year, rows))

    return JsonResponse(reads.get("trends.json", build, by_params=True))


def _target_filter(request, region, year: int):
    """The page's target filter, built only when something reads it (the rows or the filter
    form, when they are not in the cache)."""
    return SimpleLazyObject(
        lambda: target_table.target_filter(
            user=request.user, region=region, year=year, params=request.GET
        )
    )


def _target_rows(reads, filterset, year: int, region):
    """The target rows, shared by the page and its endpoints through the cache."""
    return reads.get(
        "rows",
        lambda: target_table.table_rows(filterset, year=year, region=region),
        by_params=True,
    )


def _below(reads, user, region, year: int):
    return reads.get("below", lambda: target_table.below_table(user=user, region=region, year=year))


def _trends(reads, user, region, year: int, rows):
    """The quarterly series of the region's subtree: the indicators of the targets that apply
    to it, and of those set for the regions below (without their target lines)."""
    below = _below(reads, user, region, year)
    return reads.get(
        "trends",
        lambda: trends.trends(region=region, year=year, rows=rows, also=below.rows),
        by_params=True,
    )


@_json_login_required
def ranking_data(request, code: str):
    """The ranking of the regions scored by this region's rulebooks, with grade counts."""
    region, year, reads = _data_request(request, code)

    def build():
        rankings = panels.rankings(region=region, year=year)
        return _payload(region, year, rankings=[panels.ranking_json(r) for r in rankings])

    return JsonResponse(reads.get("ranking.json", build))


def _data_request(request, code: str):
    """The region (404 outside the user's scope), the year, and the cached reads."""
    region = access.dashboard_region(user=request.user, code=code)
    year, _years = _year(request)
    reads = dashboard_cache.Reads(user=request.user, region=region, year=year, params=request.GET)
    return region, year, reads


def _payload(region, year: int, **parts) -> dict:
    return {"region": {"code": region.code, "name": region.name}, "year": year, **parts}


@login_required
def target_status(request, document: int, code: str):
    """The live status of one target (where a document's mark links to): its figure, pace,
    warning and quarterly trend, for whoever may read the document; the figures only for
    those who may read the region's data."""
    user = request.user
    target = target_table.target_by_code(user=user, document=document, code=code)
    year, years = _year(request)
    row = target_table.target_row(user=user, target=target, year=year)
    warning = None
    series = []
    if row.visible:
        series = trends.trends(region=target.region, year=year, rows=[row])
        warning = (
            TargetWarning.objects.filter(year=year, target=target, region=target.region_id)
            .select_related("region", "target")
            .order_by("level")
            .first()
        )
    on_dashboard = None
    if access.may_open_dashboard(user) and can_see_region(user, target.region):
        on_dashboard = (
            reverse("dashboard:region", args=[target.region.code]) + f"#target-{target.pk}"
        )
    return render(
        request,
        "dashboard/target_status.html",
        {
            "target": target,
            "row": row,
            "year": year,
            "years": sorted({*years, year}, reverse=True),
            "trends": series,
            "warning": warning,
            "on_dashboard": on_dashboard,
        },
    )
