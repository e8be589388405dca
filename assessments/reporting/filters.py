"""django-filter FilterSets of the reporting API. They narrow a scoped queryset; they never widen
it (the selector has already applied portal.scoping before any filter runs).

The targets filter lives in targets/api.py: targets must not import assessments.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from assessments.models import Status, Submission
from portal.models import Region


class SubmissionFilter(filters.FilterSet):
    """Submissions by period (year, quarter), status and region code."""

    year = filters.NumberFilter(
        field_name="period__year", min_value=1900, max_value=2999, help_text=_("年度，如 2026")
    )
    quarter = filters.ChoiceFilter(
        field_name="period__quarter",
        choices=[(q, str(q)) for q in (1, 2, 3, 4)],
        help_text=_("季度 1–4"),
    )
    status = filters.ChoiceFilter(choices=Status.choices)
    region = filters.CharFilter(
        field_name="region__code", max_length=12, help_text=_("区划代码，如 350111100")
    )
    under = filters.CharFilter(
        method="filter_under", max_length=12, help_text=_("该区划代码及其下级的填报")
    )

    class Meta:
        model = Submission
        fields = ["year", "quarter", "status", "region", "under"]

    def filter_under(self, queryset, name, value):
        # Narrowing a scoped queryset: a region the user cannot see yields nothing, exactly as
        # one that does not exist.
        region = Region.objects.filter(code=value).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=region.path)
