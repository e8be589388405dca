"""Who owes which progress report: every department involved in a task or duty of a document in
force owes one per quarter (reports on targets are welcome but never owed)."""

from collections import Counter
from collections.abc import Sequence
from datetime import date

from django.db.models import Q

from assessments.models import (
    ProgressUpdate,
    WorkKind,
)
from portal.periods import Quarter
from targets.models import Duty, TaskAssignment

Key = tuple[int, str, int]  # (department id, kind, item id)


def item_key(department_id: int, task_id, duty_id, target_id) -> Key:
    if task_id:
        return department_id, WorkKind.TASK, task_id
    if duty_id:
        return department_id, WorkKind.DUTY, duty_id
    return department_id, WorkKind.TARGET, target_id


def owes_for(issue_date: date | None, quarter: Quarter) -> bool:
    """A document's tasks and duties are reported on from the quarter it was issued in: a task
    accepted today is not overdue for a quarter that ended before its document existed."""
    return issue_date is None or issue_date <= quarter.end


def owed_items(
    department_ids: Sequence[int] | None = None, quarter: Quarter | None = None
) -> set[Key]:
    """Every (department, task or duty) of a document in force that an active department owes a
    report on each quarter (for ``quarter``: only those of documents issued by its end)."""
    tasks = TaskAssignment.objects.filter(task__document__in_force=True, department__is_active=True)
    duties = Duty.departments.through.objects.filter(
        duty__document__in_force=True, department__is_active=True
    )
    if quarter is not None:
        tasks = tasks.filter(
            Q(task__document__issue_date__isnull=True)
            | Q(task__document__issue_date__lte=quarter.end)
        )
        duties = duties.filter(
            Q(duty__document__issue_date__isnull=True)
            | Q(duty__document__issue_date__lte=quarter.end)
        )
    if department_ids is not None:
        tasks = tasks.filter(department_id__in=department_ids)
        duties = duties.filter(department_id__in=department_ids)
    return {(d, WorkKind.TASK, t) for d, t in tasks.values_list("department_id", "task_id")} | {
        (d, WorkKind.DUTY, i) for d, i in duties.values_list("department_id", "duty_id")
    }


def per_department(keys: set[Key], kind: str | None = None) -> Counter:
    """How many of ``keys`` (of one kind, or all) each department has."""
    return Counter(d for d, k, _i in keys if kind in (None, k))


def reported_items(quarter: Quarter, department_ids: Sequence[int] | None = None) -> set[Key]:
    """Every (department, item) with a report counted for the quarter."""
    rows = ProgressUpdate.objects.filter(year=quarter.year, quarter=quarter.quarter)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    return {
        item_key(*row)
        for row in rows.values_list("department_id", "task_id", "duty_id", "target_id")
    }
