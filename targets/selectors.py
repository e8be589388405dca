"""Reads for policy documents, always through the central scoping rules (portal.scoping)."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from portal.scoping import line_q
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
