"""The one FilterSet of targets: the API filters with it, and the dashboard's table extends it
with the status and order that only the dashboard annotates."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.models import Department
from targets.models import Target, TargetKind


class TargetFilterSet(django_filters.FilterSet):
    """Targets by document (its key), kind, whether they are aspirational (力争), and the
    department responsible for them."""

    document = django_filters.CharFilter(
        field_name="document__key", max_length=64, help_text=_("文件标识")
    )
    kind = django_filters.ChoiceFilter(choices=TargetKind.choices)
    aspirational = django_filters.BooleanFilter()
    department = django_filters.ModelChoiceFilter(
        field_name="responsible_departments",
        queryset=Department.objects.all(),
        label=_("责任部门"),
        empty_label=_("全部部门"),
    )

    class Meta:
        model = Target
        fields = ["document", "kind", "aspirational", "department"]
