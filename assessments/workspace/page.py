"""The workspace of one department (我的职责): what it leads, supports and answers for, where each
item's reporting stands, the timeline of due dates and the campaign's phases."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    ProgressUpdate,
    WorkKind,
)
from assessments.workspace.limits import setting
from assessments.workspace.owed import item_key, owes_for
from assessments.workspace.selectors import OWED_KINDS
from assessments.workspace.states import TargetState, status_year, target_states
from portal import periods
from portal.models import Department
from portal.periods import Quarter, open_quarter
from targets import status
from targets.models import AssignmentRole, CampaignPhase, Duty, Target, Task, TaskAssignment


@dataclass
class WorkItem:
    """One task, duty or target on a department's list, with where its reporting stands."""

    kind: str
    obj: Task | Duty | Target
    role: str = ""
    partners: list[TaskAssignment] = field(default_factory=list)
    last_update: datetime | None = None
    reported: set[Quarter] = field(default_factory=set)
    next_due: date | None = None
    overdue_reasons: list[str] = field(default_factory=list)
    state: TargetState | None = None

    @property
    def title(self) -> str:
        if self.kind == WorkKind.TASK:
            return self.obj.title
        if self.kind == WorkKind.DUTY:
            return f"{self.obj.holder}：{self.obj.text}"
        return f"{self.obj.indicator} {self.obj.describe()}"

    @property
    def deadline(self) -> date | None:
        return getattr(self.obj, "deadline", None)

    @property
    def overdue(self) -> bool:
        return bool(self.overdue_reasons)

    @property
    def url(self) -> str:
        return reverse("workspace:item", args=[self.kind, self.obj.pk])

    def sort_key(self):
        rank = {status.RED: 0, status.AMBER: 1, status.UNKNOWN: 2, status.GREEN: 3}
        standing = rank[self.state.status] if self.state else 0
        upcoming = min(d for d in (self.next_due, self.deadline, date.max) if d)
        return (not self.overdue, standing, upcoming, self.obj.document_id, self.obj.order)


@dataclass
class TimelineEntry:
    day: date
    label: str
    state: str  # "done", "overdue", "soon", "later", "today"
    url: str = ""


@dataclass
class PhaseBar:
    phase: CampaignPhase
    left: str
    width: str
    state: str  # "past", "current", "later"


@dataclass
class Workspace:
    """Everything the "my duties" page of one department shows."""

    department: Department
    on: date
    year: int
    open: Quarter
    previous: Quarter
    due_days: int
    led: list[WorkItem]
    supported: list[WorkItem]
    duties: list[WorkItem]
    targets: list[WorkItem]
    timeline: list[TimelineEntry]
    phases: list[PhaseBar]
    today_at: str

    @property
    def items(self) -> list[WorkItem]:
        return self.led + self.supported + self.duties + self.targets

    @property
    def overdue(self) -> list[WorkItem]:
        return sorted((i for i in self.items if i.overdue), key=WorkItem.sort_key)

    @property
    def open_due(self) -> date:
        return self.open.due(self.due_days)

    @property
    def previous_due(self) -> date:
        return self.previous.due(self.due_days)


def workspace(*, department: Department, on: date | None = None) -> Workspace:
    """The department's tasks, duties and targets with their reporting state, overdue first."""
    on = on or periods.today()
    days = setting("PROGRESS_DUE_DAYS")
    current = open_quarter(on, days)
    previous = current.previous()
    year = status_year(on)

    partners = Prefetch(
        "task__assignments",
        queryset=TaskAssignment.objects.select_related("department").order_by("role", "order"),
    )
    assignments = list(
        TaskAssignment.objects.filter(department=department, task__document__in_force=True)
        .select_related("task__document", "task__phase")
        .prefetch_related(partners)
        .order_by("task__document", "task__order")
    )
    duties = list(
        Duty.objects.filter(departments=department, document__in_force=True)
        .select_related("document")
        .order_by("document", "order")
    )
    targets = list(
        Target.objects.filter(responsible_departments=department, document__in_force=True)
        .select_related("document", "region", "measure")
        .order_by("document", "order")
    )

    last: dict[tuple[str, int], datetime] = {}
    reported: dict[tuple[str, int], set[Quarter]] = defaultdict(set)
    rows = ProgressUpdate.objects.filter(department=department).values_list(
        "task_id", "duty_id", "target_id", "year", "quarter", "created_at"
    )
    for task_id, duty_id, target_id, y, q, at in rows:
        key = item_key(department.pk, task_id, duty_id, target_id)[1:]
        reported[key].add(Quarter(y, q))
        last[key] = max(last.get(key, at), at)

    def item(kind, obj, **extra) -> WorkItem:
        found = WorkItem(
            kind=kind,
            obj=obj,
            last_update=last.get((kind, obj.pk)),
            reported=reported.get((kind, obj.pk), set()),
            **extra,
        )
        _judge(found, on=on, current=current, days=days)
        return found

    led, supported = [], []
    for assignment in assignments:
        others = [a for a in assignment.task.assignments.all() if a.department_id != department.pk]
        entry = item(WorkKind.TASK, assignment.task, role=assignment.role, partners=others)
        (led if assignment.role == AssignmentRole.LEAD else supported).append(entry)
    duty_items = [item(WorkKind.DUTY, duty) for duty in duties]
    states = target_states([(t, t.region) for t in targets], year)
    target_items = [item(WorkKind.TARGET, s.target, state=s) for s in states]

    documents = {a.task.document_id for a in assignments} | {d.document_id for d in duties}
    documents |= {t.document_id for t in targets}
    phases = list(CampaignPhase.objects.filter(document__in=documents).order_by("start", "order"))
    owed = led + supported + duty_items
    bars, today_at = _phase_bars(phases, on)
    return Workspace(
        department=department,
        on=on,
        year=year,
        open=current,
        previous=previous,
        due_days=days,
        led=sorted(led, key=WorkItem.sort_key),
        supported=sorted(supported, key=WorkItem.sort_key),
        duties=sorted(duty_items, key=WorkItem.sort_key),
        targets=sorted(target_items, key=WorkItem.sort_key),
        timeline=_timeline(owed, phases, on=on, current=current, days=days),
        phases=bars,
        today_at=today_at,
    )


def _judge(item: WorkItem, *, on: date, current: Quarter, days: int) -> None:
    """Set when the item's next report is due and why it is overdue, if it is."""
    if item.kind in OWED_KINDS:
        previous = current.previous()
        issued = item.obj.document.issue_date
        if not owes_for(issued, previous):
            # Issued after that quarter ended: the first report owed is of the quarter it was
            # issued in (the open one, or the next when it was issued after the open one ended).
            first = current if owes_for(issued, current) else current.next()
            item.next_due = (first if first not in item.reported else first.next()).due(days)
        elif previous not in item.reported:
            item.next_due = previous.due(days)
            item.overdue_reasons.append(
                _("%(quarter)s进展未报送（截止%(due)s）")
                % {"quarter": previous, "due": f"{item.next_due:%Y-%m-%d}"}
            )
        elif current not in item.reported:
            item.next_due = current.due(days)
        else:
            item.next_due = current.next().due(days)
    deadline = item.deadline
    if deadline and deadline < on:
        reported_since = (
            item.last_update and timezone.localtime(item.last_update).date() >= deadline
        )
        if not reported_since:
            item.overdue_reasons.append(
                _("已过完成时限（%(deadline)s），尚未报送完成情况")
                % {"deadline": f"{deadline:%Y-%m-%d}"}
            )


def _timeline(items: list[WorkItem], phases, *, on: date, current: Quarter, days: int):
    """Due dates of the two quarters in play, the tasks' deadlines and the phases, by date."""
    ahead = timedelta(days=setting("PROGRESS_REMIND_DAYS_AHEAD"))

    def state(day: date, done: bool) -> str:
        if done:
            return "done"
        if day < on:
            return "overdue"
        return "soon" if day <= on + ahead else "later"

    entries = []
    owed = [i for i in items if i.kind in OWED_KINDS]
    for quarter in (current.previous(), current):
        if not owed:
            break
        missing = sum(1 for i in owed if quarter not in i.reported)
        label = _("%(quarter)s工作进展报送截止（%(missing)d/%(total)d 项未报）") % {
            "quarter": quarter,
            "missing": missing,
            "total": len(owed),
        }
        entries.append(
            TimelineEntry(quarter.due(days), label, state(quarter.due(days), not missing))
        )
    for item in items:
        if item.deadline:
            done = bool(
                item.last_update and timezone.localtime(item.last_update).date() >= item.deadline
            )
            label = _("完成时限：%(title)s") % {"title": item.title}
            entries.append(
                TimelineEntry(item.deadline, label, state(item.deadline, done), item.url)
            )
    for phase in phases:
        label = _("阶段开始：%(name)s") % {"name": phase.name}
        entries.append(TimelineEntry(phase.start, label, "done" if phase.start <= on else "later"))
        label = _("阶段结束：%(name)s") % {"name": phase.name}
        entries.append(TimelineEntry(phase.end, label, "done" if phase.end < on else "later"))
    entries.append(TimelineEntry(on, _("今天"), "today"))
    return sorted(entries, key=lambda e: (e.day, e.state == "today"))


def _phase_bars(phases: list[CampaignPhase], on: date) -> tuple[list[PhaseBar], str]:
    """Each phase as a bar on one axis from the first start to the last end (today included)."""
    if not phases:
        return [], ""
    first = min([p.start for p in phases] + [on])
    last = max([p.end for p in phases] + [on])
    span = max((last - first).days, 1)

    def percent(days: int) -> str:
        return f"{100 * days / span:.2f}"

    bars = []
    for phase in phases:
        state = "past" if phase.end < on else "current" if phase.start <= on else "later"
        bars.append(
            PhaseBar(
                phase=phase,
                left=percent((phase.start - first).days),
                width=percent(max((phase.end - phase.start).days, 1)),
                state=state,
            )
        )
    return bars, percent((on - first).days)
