"""The office's overview of the departments it follows: owed, reported and overdue per quarter."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from assessments.models import (
    WorkKind,
)
from assessments.workspace.limits import setting
from assessments.workspace.owed import owed_items, per_department, reported_items
from assessments.workspace.selectors import departments_for
from portal import periods
from portal.models import Department
from portal.periods import Quarter, open_quarter
from targets.models import Target


@dataclass
class DepartmentRow:
    department: Department
    tasks: int
    duties: int
    targets: int
    owed: int
    owed_previous: int  # owed for the quarter before the open one (documents issued by then)
    reported_previous: int
    reported_open: int

    @property
    def overdue(self) -> int:
        return self.owed_previous - self.reported_previous


def department_overview(*, user, on: date | None = None) -> tuple[list[DepartmentRow], Quarter]:
    """The departments the user follows, with how many items each owes and has reported for the
    quarter before the open one (overdue when missing) and the open one; most overdue first."""
    on = on or periods.today()
    current = open_quarter(on, setting("PROGRESS_DUE_DAYS"))
    departments = list(departments_for(user=user).filter(is_active=True))
    ids = [d.pk for d in departments]
    owed = owed_items(ids, current)
    owed_before = owed_items(ids, current.previous())
    before = reported_items(current.previous(), ids) & owed_before
    now = reported_items(current, ids) & owed
    targets = Counter(
        Target.responsible_departments.through.objects.filter(
            department_id__in=ids, target__document__in_force=True
        ).values_list("department_id", flat=True)
    )
    tasks, duties = per_department(owed, WorkKind.TASK), per_department(owed, WorkKind.DUTY)
    owed_count, before_count, now_count = map(per_department, (owed, before, now))
    owed_before_count = per_department(owed_before)
    rows = [
        DepartmentRow(
            department=d,
            tasks=tasks[d.pk],
            duties=duties[d.pk],
            targets=targets[d.pk],
            owed=owed_count[d.pk],
            owed_previous=owed_before_count[d.pk],
            reported_previous=before_count[d.pk],
            reported_open=now_count[d.pk],
        )
        for d in departments
    ]
    rows = [r for r in rows if r.owed or r.targets]
    rows.sort(key=lambda r: (-r.overdue, r.department.region.path, r.department.name))
    return rows, current
