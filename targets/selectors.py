"""Reads for policy documents, always through the central scoping rules (portal.scoping)."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from portal.models import Region
from portal.scoping import departments_q, line_q
from targets import status
from targets.models import Duty, PolicyDocument, Target, Task, TaskAssignment


def documents_for(*, user) -> QuerySet[PolicyDocument]:
    """Documents governing the user's region, the regions above it, or those below it."""
    return (
        PolicyDocument.objects.filter(line_q(user, "region"))
        .select_related("region")
        .annotate(
            target_count=Count("targets", distinct=True),
            task_count=Count("tasks", distinct=True),
            duty_count=Count("duties", distinct=True),
        )
        .order_by("-issue_date", "title")
    )


def document_for(*, user, pk: int) -> PolicyDocument:
    """One document with everything its page shows; 404 when outside the user's scope."""
    queryset = PolicyDocument.objects.filter(line_q(user, "region")).prefetch_related(
        "sections",
        Prefetch(
            "targets",
            queryset=Target.objects.select_related("section", "region").prefetch_related(
                "responsible_departments"
            ),
        ),
        Prefetch(
            "tasks",
            queryset=Task.objects.select_related("section", "phase").prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=TaskAssignment.objects.select_related("department__region"),
                )
            ),
        ),
        Prefetch(
            "duties",
            queryset=Duty.objects.select_related("section").prefetch_related("departments"),
        ),
        "leadership_groups__members",
        "leadership_groups__office_host",
        "phases",
    )
    return get_object_or_404(queryset.select_related("region"), pk=pk)


def targets_for(*, user) -> QuerySet[Target]:
    """Targets of the documents the user may read."""
    return Target.objects.filter(line_q(user, "document__region")).select_related(
        "document", "region", "section"
    )


def tasks_for(*, user) -> QuerySet[Task]:
    """Tasks of the documents the user may read."""
    return Task.objects.filter(line_q(user, "document__region")).select_related(
        "document", "section"
    )


# --- Work items: the tasks, duties and targets departments answer for --------------------------

WORK_MODELS = {"task": Task, "duty": Duty, "target": Target}
# How each kind of item names the departments involved in it.
DEPARTMENT_FIELD = {
    "task": "assignments__department",
    "duty": "departments",
    "target": "responsible_departments",
}


def restrict_through_departments(queryset: QuerySet, condition: Q) -> QuerySet:
    """``queryset`` narrowed by a scoping condition that may join a many-valued relation (a task's
    departments), without duplicate rows."""
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def work_items_for(*, user, kind: str) -> QuerySet:
    """Tasks, duties or targets of documents in force whose work page the user may open: those
    its own department is involved in; for an office, those of the departments of its region and
    below (portal.scoping.departments_q). Nothing for an unknown kind."""
    if kind not in WORK_MODELS:
        return Task.objects.none()
    queryset = WORK_MODELS[kind].objects.filter(document__in_force=True)
    return restrict_through_departments(queryset, departments_q(user, DEPARTMENT_FIELD[kind]))


def openable_work(*, user, document: PolicyDocument) -> dict[str, set[int]]:
    """The ids of the document's tasks and duties whose work page the user may open, so that
    its page links only those (two queries)."""
    return {
        kind: set(
            work_items_for(user=user, kind=kind)
            .filter(document=document)
            .values_list("pk", flat=True)
        )
        for kind in ("task", "duty")
    }


# --- Which targets a region is read against --------------------------------------------------


def applying_q(region: Region) -> Q:
    """Targets that apply to ``region`` itself: those set for it, and those set for a region
    above it that hold in every region below (a rate, a relative level, "all":
    targets.status.LEVEL_KINDS). A count set for a whole district (福建名牌产品30项) is not
    split among its towns. ``applies`` is the same rule for a target in hand."""
    ancestors = [code for code in region.path.split("/") if code and code != region.code]
    return Q(region=region) | Q(region__code__in=ancestors, kind__in=status.LEVEL_KINDS)


def applies(target: Target, region: Region) -> bool:
    """Whether ``target`` applies to ``region`` (the rule of ``applying_q``)."""
    if target.region_id == region.pk:
        return True
    return region.path.startswith(target.region.path) and target.kind in status.LEVEL_KINDS


def judged_in_q(year: int, field: str = "document") -> Q:
    """Targets (through ``field``, their document) judged in ``year``: of documents issued by the
    end of that year (a 2026 plan is not judged in 2025) whose horizon has not passed, or that
    the office carries forward (PolicyDocument.expired_in is the same rule for one document)."""
    issued = Q(**{f"{field}__issue_date__isnull": True}) | Q(
        **{f"{field}__issue_date__year__lte": year}
    )
    current = (
        Q(**{f"{field}__horizon_year__isnull": True})
        | Q(**{f"{field}__horizon_year__gte": year})
        | Q(**{f"{field}__carried_forward": True})
    )
    return issued & current
