"""One search box: documents by title or 文号, targets by indicator, regions by name or code,
departments by name; each kind read through the access gate, so a user finds only what they
may open. At most ``LIMIT`` of each kind, best matches first (exact before partial)."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from portal.models import Department, Region
from portal.scoping import departments_q, visible_regions
from targets.models import PolicyDocument, Target
from targets.selectors import documents_for, targets_for

LIMIT = 20
MAX_QUERY = 50


@dataclass
class Found:
    documents: list[PolicyDocument]
    targets: list[Target]
    regions: list[Region]
    departments: list[Department]

    @property
    def total(self) -> int:
        return len(self.documents) + len(self.targets) + len(self.regions) + len(self.departments)


def _exact_first(queryset: QuerySet, exact: Q) -> QuerySet:
    return queryset.annotate(
        _rank=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("_rank")


def search(*, user, text: str) -> Found:
    text = " ".join((text or "").replace("\x00", "").split())[:MAX_QUERY]
    if not text:
        return Found([], [], [], [])
    documents = _exact_first(
        documents_for(user=user).filter(Q(title__icontains=text) | Q(doc_number__icontains=text)),
        Q(doc_number=text) | Q(title=text),
    ).order_by("_rank", "-issue_date")
    targets = _exact_first(
        targets_for(user=user).filter(Q(indicator__icontains=text) | Q(quote__icontains=text)),
        Q(indicator=text),
    ).order_by("_rank", "document__title", "code")
    regions = _exact_first(
        visible_regions(user).filter(Q(name__icontains=text) | Q(code__startswith=text)),
        Q(name=text) | Q(code=text),
    ).order_by("_rank", "path")
    departments = _exact_first(
        Department.objects.filter(departments_q(user))
        .filter(
            Q(name__icontains=text) | Q(short_name__icontains=text) | Q(aliases__icontains=text)
        )
        .select_related("region"),
        Q(short_name=text) | Q(name=text),
    ).order_by("_rank", "region__path", "name")
    return Found(
        documents=list(documents[:LIMIT]),
        targets=list(targets[:LIMIT]),
        regions=list(regions[:LIMIT]),
        departments=list(departments[:LIMIT]),
    )
