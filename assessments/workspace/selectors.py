"""Reads of the workspace, through portal.scoping: a department sees its own work, the lead of a
task also its partners' reports on it, an office the work of the departments of its region and
below. Anything else is not found (404)."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.models import (
    EvidenceFile,
    ProgressUpdate,
    WorkKind,
)
from portal.models import Department
from portal.scoping import departments_q, progress_q, reporting_q
from targets.selectors import (
    DEPARTMENT_FIELD,
    WORK_MODELS,
    restrict_through_departments,
    work_items_for,
)

MODELS = {WorkKind(kind): model for kind, model in WORK_MODELS.items()}
OWED_KINDS = (WorkKind.TASK, WorkKind.DUTY)
MAX_TEXT = 5000


def kind_or_404(kind: str) -> WorkKind:
    if kind not in MODELS:
        raise Http404(_("没有这类工作事项。"))
    return WorkKind(kind)


def items_for(*, user, kind: str) -> QuerySet:
    """Tasks, duties or targets of documents in force that the user may open: those its own
    department is involved in; for an office, those of the departments of its region and below."""
    kind = kind_or_404(kind)
    return work_items_for(user=user, kind=kind).select_related("document", "section")


def item_for(*, user, kind: str, pk: int):
    """One task, duty or target; 404 when the user is not involved in it nor above it."""
    return get_object_or_404(items_for(user=user, kind=kind), pk=pk)


def may_report(*, user, kind: str, item) -> bool:
    """Whether the user's own department is involved in the item, so it reports on it."""
    queryset = MODELS[kind].objects.filter(pk=item.pk, document__in_force=True)
    return restrict_through_departments(
        queryset, reporting_q(user, DEPARTMENT_FIELD[kind])
    ).exists()


def updates_for(*, user) -> QuerySet[ProgressUpdate]:
    """Progress reports the user may read (see portal.scoping.progress_q)."""
    return (
        restrict_through_departments(ProgressUpdate.objects.all(), progress_q(user))
        .select_related("department__region", "author", "task", "duty", "target")
        .prefetch_related("evidence")
    )


def updates_on(*, user, kind: str, item) -> QuerySet[ProgressUpdate]:
    return updates_for(user=user).filter(**{kind: item})


def evidence_for(*, user, pk: int) -> EvidenceFile:
    """One evidence file; 404 unless the user may read the report it backs."""
    queryset = restrict_through_departments(EvidenceFile.objects.all(), progress_q(user, "update"))
    return get_object_or_404(queryset.select_related("update"), pk=pk)


def departments_for(*, user) -> QuerySet[Department]:
    """Departments whose workspace the user may open."""
    return Department.objects.filter(departments_q(user)).select_related("region")


def department_for(*, user, pk: int) -> Department:
    return get_object_or_404(departments_for(user=user), pk=pk)
