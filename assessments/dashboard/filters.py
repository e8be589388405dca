"""The dashboard's target table filter: by document, responsible department and status, sorted."""

import django_filters
from django.db.models import (
    F,
)
from django.utils.translation import gettext_lazy as _

from targets import status
from targets.filters import TargetFilterSet
from targets.models import PolicyDocument

SORTS = {
    "document": ("document__region__path", "document__issue_date", "document_id", "order"),
    # "status" is ordered once judged (dashboard.table.table_rows); the rest by the database.
    "status": ("document__region__path", "document_id", "order"),
    "department": ("department_name", "document_id", "order"),
    "indicator": ("indicator", "document_id", "order"),
    "region": ("region__path", "document_id", "order"),
    "current": ("current", "document_id", "order"),
}
# Each order says its direction; "-key" is the reverse of "key".
SORT_CHOICES = [
    ("document", _("按文件（由上级到本级）")),
    ("-document", _("按文件（由本级到上级）")),
    ("status", _("按状态（最需关注的在前）")),
    ("-status", _("按状态（正常的在前）")),
    ("department", _("按责任部门（升序）")),
    ("-department", _("按责任部门（降序）")),
    ("region", _("按设定区划（由上级到本级）")),
    ("-region", _("按设定区划（由本级到上级）")),
    ("indicator", _("按指标（升序）")),
    ("-indicator", _("按指标（降序）")),
    ("current", _("按当前值（从小到大）")),
    ("-current", _("按当前值（从大到小）")),
]


def ordering(key: str) -> list:
    descending = key.startswith("-")
    fields = SORTS.get(key.lstrip("-"), SORTS["document"])
    first = F(fields[0])
    first = first.desc(nulls_last=True) if descending else first.asc(nulls_last=True)
    return [first, *fields[1:], "pk"]


class TargetFilter(TargetFilterSet):
    """The dashboard's form of targets.filters.TargetFilterSet: documents and departments are
    offered among those in line with the page's region, and the table filters by the status it
    annotates and sorts."""

    document = django_filters.ModelChoiceFilter(
        queryset=PolicyDocument.objects.none(), label=_("文件"), empty_label=_("全部文件")
    )
    # Judged in Python by targets.status once the rows are valued (dashboard.table.table_rows).
    status = django_filters.ChoiceFilter(
        choices=status.CHOICES, label=_("状态"), empty_label=_("全部状态"), method="judged_later"
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="sort_by",
        label=_("排序"),
        empty_label=_("默认（按文件）"),
    )

    class Meta(TargetFilterSet.Meta):
        fields = ["document", "department", "status", "sort"]

    def __init__(self, *args, documents=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if documents is not None:
            self.filters["document"].queryset = documents
        if departments is not None:
            self.filters["department"].queryset = departments

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*ordering(value))

    def judged_later(self, queryset, name, value):
        return queryset
