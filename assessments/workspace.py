"""The departments' workspace (我的职责): the tasks a department leads or supports, its standing
duties and the targets it answers for, the progress it reports with evidence, and the quarterly
reminders.

- Pure helpers first (quarters and their due dates, the red/amber/green status of a target, the
  evidence check), tested without the database.
- Selectors read through ``portal.scoping``: a department sees its own work, and the lead of a
  task also reads its partners' reports on that task; an office reads the work of the
  departments of its region and below. Anything else is not found (404).
- Services write: ``post_update`` (a report with its files, all or nothing) and
  ``send_due_reminders`` (the daily job: one e-mail per department, once per item and quarter).

Every quarter a department owes a report on each task it leads or supports and each duty it
holds (documents in force only); the report of a quarter is due ``PROGRESS_DUE_DAYS`` days after
the quarter ends (default 10: the 10th of the month after the quarter). Reports on targets are
welcome but never owed.
"""

import hashlib
import io
import logging
import smtplib
import unicodedata
import uuid
import zipfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import (
    AssessmentRun,
    EvidenceFile,
    ProgressReminder,
    ProgressUpdate,
    ReferenceValue,
    RegionFigure,
    RunStatus,
    TargetWarning,
    WorkKind,
)
from portal.models import Department, Region
from portal.scoping import departments_q, progress_q, reporting_q
from portal.uploads import UploadRejected, ZipLimits, check_zip
from targets.models import AssignmentRole, CampaignPhase, Duty, Target, Task, TaskAssignment

logger = logging.getLogger(__name__)

MODELS = {WorkKind.TASK: Task, WorkKind.DUTY: Duty, WorkKind.TARGET: Target}
# How each kind of item names the departments involved in it.
DEPARTMENT_FIELD = {
    WorkKind.TASK: "assignments__department",
    WorkKind.DUTY: "departments",
    WorkKind.TARGET: "responsible_departments",
}
OWED_KINDS = (WorkKind.TASK, WorkKind.DUTY)
MAX_TEXT = 5000

# Defaults; each can be overridden in settings under the same name.
PROGRESS_DUE_DAYS = 10
PROGRESS_REMIND_DAYS_AHEAD = 7
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024


def setting(name: str) -> int:
    """A workspace limit: ``settings.<NAME>`` when set, otherwise the default above."""
    return int(getattr(settings, name, globals()[name]))


def today() -> date:
    return timezone.localdate()


# --- Quarters and due dates (pure) ----------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, the period a progress report is counted for."""

    year: int
    quarter: int

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, label: str) -> "Quarter | None":
        """``2026Q1`` → Quarter(2026, 1); None for anything else."""
        year, sep, quarter = (label or "").partition("Q")
        if not (sep and year.isdigit() and quarter in {"1", "2", "3", "4"}):
            return None
        return cls(int(year), int(quarter))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> "Quarter":
        return Quarter(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def due(self, days_after: int) -> date:
        return self.end + timedelta(days=days_after)

    def __str__(self) -> str:
        return _("%(year)d年第%(quarter)d季度") % {"year": self.year, "quarter": self.quarter}


def open_quarter(on: date, due_days: int) -> Quarter:
    """The quarter whose report is being written on ``on``: the earliest not yet past its due
    date (on 5 April with the default, the first quarter; on 11 April, the second)."""
    quarter = Quarter.of(on).previous().previous().previous()
    while quarter.due(due_days) < on:
        quarter = quarter.next()
    return quarter


def allowed_quarters(on: date, due_days: int) -> tuple[Quarter, Quarter]:
    """The quarters a report made on ``on`` may count for: the open one, and the one before it
    (a late report fills the gap)."""
    current = open_quarter(on, due_days)
    return current, current.previous()


def reminder_quarters(on: date, due_days: int, ahead: int) -> list[Quarter]:
    """The quarters reminders go out for on ``on``: the one before the open quarter (overdue)
    and the open one once its due date is ``ahead`` days away or less."""
    current = open_quarter(on, due_days)
    return [q for q in (current.previous(), current) if q.due(due_days) <= on + timedelta(ahead)]


# --- Target status (pure) -------------------------------------------------------------------------

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"
STATUS_LABELS = {
    GREEN: gettext_lazy("正常"),
    AMBER: gettext_lazy("预警"),
    RED: gettext_lazy("未达标"),
    UNKNOWN: gettext_lazy("暂无数据"),
}
LEVEL_KINDS = frozenset({"rate", "relative", "all"})  # targets that hold in every region below


def meets(value: float, comparator: str, threshold: float) -> bool:
    """Whether a value satisfies ``comparator threshold`` (the tolerance of scoring.meets)."""
    return {
        ">=": value >= threshold - 1e-9,
        ">": value > threshold + 1e-9,
        "<=": value <= threshold + 1e-9,
        "<": value < threshold - 1e-9,
        "=": abs(value - threshold) <= 1e-9,
    }[comparator]


def target_status(
    *,
    warning: str | None,
    actual: float | None,
    projected: float | None,
    threshold: float | None,
    comparator: str,
    own: bool,
    complete: bool,
) -> str:
    """红/黄/绿 of a target in a region. In the target's own region the assessment run has judged
    it: its red or yellow warning decides, and no warning means on track. Below it (a district's
    rate target read in one of its towns) the run raises none, so the figure decides: the year's
    value once all four quarters are in, the projection before."""
    if warning == "red":
        return RED
    if warning == "yellow":
        return AMBER
    if actual is None or threshold is None:
        return UNKNOWN
    if own:
        return GREEN
    outcome = actual if complete or projected is None else projected
    if meets(outcome, comparator, threshold):
        return GREEN
    return RED if complete else AMBER


# --- Evidence check (pure) ------------------------------------------------------------------------


class ProgressRefused(ValueError):
    """A progress report refused; the message is for the user."""


class EvidenceRejected(ProgressRefused):
    """An evidence file refused before anything is stored."""


@dataclass(frozen=True)
class EvidenceType:
    content_type: str
    label: str


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_TYPES = {
    ".pdf": EvidenceType("application/pdf", "PDF"),
    ".docx": EvidenceType(WORD, "Word"),
    ".xlsx": EvidenceType(EXCEL, "Excel"),
    ".jpg": EvidenceType("image/jpeg", "JPEG"),
    ".jpeg": EvidenceType("image/jpeg", "JPEG"),
    ".png": EvidenceType("image/png", "PNG"),
}
_MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    WORD: (b"PK\x03\x04",),
    EXCEL: (b"PK\x03\x04",),
}
# The part every genuine file of the kind holds (a renamed .xlsx is not a .docx).
_OFFICE_PART = {WORD: "word/document.xml", EXCEL: "xl/workbook.xml"}


@dataclass(frozen=True)
class CheckedEvidence:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def display_name(name: str) -> str:
    """The uploaded file's own name, reduced to something safe to show and to offer on download:
    no folders, no control characters, at most 120 characters (the extension kept)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(base) > 120:
        suffix = PurePath(base).suffix[:10]
        base = base[: 120 - len(suffix)] + suffix
    return base or _("附件")


def check_evidence(name: str, data: bytes, *, max_bytes: int, limits: ZipLimits) -> CheckedEvidence:
    """Refuse a file of the wrong type (by its extension AND its content), too big, empty, a zip
    bomb or an Office file with macros. The message names the file and says why, in Chinese."""
    shown = display_name(name)
    extension = PurePath(shown).suffix.lower()
    kind = EVIDENCE_TYPES.get(extension)
    if kind is None:
        raise EvidenceRejected(
            _("“%(name)s”的类型不受支持，只接受 %(types)s 文件。")
            % {"name": shown, "types": "PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG"}
        )
    if not data:
        raise EvidenceRejected(_("“%(name)s”是空文件。") % {"name": shown})
    if len(data) > max_bytes:
        raise EvidenceRejected(
            _("“%(name)s”过大（%(size).1f MB），单个文件上限为 %(limit)g MB。")
            % {"name": shown, "size": len(data) / 1024 / 1024, "limit": max_bytes / 1024 / 1024}
        )
    if not data.startswith(_MAGIC[kind.content_type]):
        raise EvidenceRejected(
            _("“%(name)s”的内容不是 %(kind)s 文件，与扩展名不符，已拒绝。")
            % {"name": shown, "kind": kind.label}
        )
    if kind.content_type in _OFFICE_PART:
        _check_office(shown, data, kind, limits)
    return CheckedEvidence(
        name=shown,
        extension=".jpg" if extension == ".jpeg" else extension,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _check_office(shown: str, data: bytes, kind: EvidenceType, limits: ZipLimits) -> None:
    try:
        check_zip(data, kind.label, limits)
    except UploadRejected as error:
        raise EvidenceRejected(
            _("“%(name)s”的压缩结构异常（解压后过大、压缩比异常或已损坏，疑似压缩炸弹），已拒绝。")
            % {"name": shown}
        ) from error
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = set(archive.namelist())
    if _OFFICE_PART[kind.content_type] not in parts or "[Content_Types].xml" not in parts:
        raise EvidenceRejected(
            _("“%(name)s”的内容不是 %(kind)s 文件，与扩展名不符，已拒绝。")
            % {"name": shown, "kind": kind.label}
        )
    if any(part.lower().endswith("vbaproject.bin") for part in parts):
        raise EvidenceRejected(_("“%(name)s”含有宏，已拒绝。") % {"name": shown})


def evidence_limits() -> ZipLimits:
    return ZipLimits(max_uncompressed=setting("EVIDENCE_MAX_UNCOMPRESSED_BYTES"))


# --- Selectors ------------------------------------------------------------------------------------


def _restrict(queryset: QuerySet, condition: Q) -> QuerySet:
    """``queryset`` narrowed by a scoping condition that may join a many-valued relation (a task's
    departments), without duplicate rows."""
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def kind_or_404(kind: str) -> WorkKind:
    if kind not in MODELS:
        raise Http404(_("没有这类工作事项。"))
    return WorkKind(kind)


def items_for(*, user, kind: str) -> QuerySet:
    """Tasks, duties or targets of documents in force that the user may open: those its own
    department is involved in; for an office, those of the departments of its region and below."""
    kind = kind_or_404(kind)
    queryset = MODELS[kind].objects.filter(document__in_force=True)
    return _restrict(queryset, departments_q(user, DEPARTMENT_FIELD[kind])).select_related(
        "document", "section"
    )


def item_for(*, user, kind: str, pk: int):
    """One task, duty or target; 404 when the user is not involved in it nor above it."""
    return get_object_or_404(items_for(user=user, kind=kind), pk=pk)


def may_report(*, user, kind: str, item) -> bool:
    """Whether the user's own department is involved in the item, so it reports on it."""
    queryset = MODELS[kind].objects.filter(pk=item.pk, document__in_force=True)
    return _restrict(queryset, reporting_q(user, DEPARTMENT_FIELD[kind])).exists()


def updates_for(*, user) -> QuerySet[ProgressUpdate]:
    """Progress reports the user may read (see portal.scoping.progress_q)."""
    return (
        _restrict(ProgressUpdate.objects.all(), progress_q(user))
        .select_related("department__region", "author", "task", "duty", "target")
        .prefetch_related("evidence")
    )


def updates_on(*, user, kind: str, item) -> QuerySet[ProgressUpdate]:
    return updates_for(user=user).filter(**{kind: item})


def evidence_for(*, user, pk: int) -> EvidenceFile:
    """One evidence file; 404 unless the user may read the report it backs."""
    queryset = _restrict(EvidenceFile.objects.all(), progress_q(user, "update"))
    return get_object_or_404(queryset.select_related("update"), pk=pk)


def departments_for(*, user) -> QuerySet[Department]:
    """Departments whose workspace the user may open."""
    return Department.objects.filter(departments_q(user)).select_related("region")


def department_for(*, user, pk: int) -> Department:
    return get_object_or_404(departments_for(user=user), pk=pk)


# --- Who owes what -----------------------------------------------------------------------------

Key = tuple[int, str, int]  # (department id, kind, item id)


def _key(department_id: int, task_id, duty_id, target_id) -> Key:
    if task_id:
        return department_id, WorkKind.TASK, task_id
    if duty_id:
        return department_id, WorkKind.DUTY, duty_id
    return department_id, WorkKind.TARGET, target_id


def owed_items(department_ids: Sequence[int] | None = None) -> set[Key]:
    """Every (department, task or duty) of a document in force that an active department owes a
    report on each quarter."""
    tasks = TaskAssignment.objects.filter(task__document__in_force=True, department__is_active=True)
    duties = Duty.departments.through.objects.filter(
        duty__document__in_force=True, department__is_active=True
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
        _key(*row) for row in rows.values_list("department_id", "task_id", "duty_id", "target_id")
    }


# --- Target states ----------------------------------------------------------------------------


@dataclass
class TargetState:
    """A target read in one region for one year: the published figure against the requirement."""

    target: Target
    region: Region
    year: int
    actual: float | None
    projected: float | None
    quarters: int
    threshold: float | None
    status: str
    warning: TargetWarning | None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def unit(self) -> str:
        return self.target.unit


def status_year(on: date | None = None) -> int:
    """The latest year up to ``on`` with a published assessment run (else ``on``'s year)."""
    on = on or today()
    year = AssessmentRun.objects.filter(status=RunStatus.SUCCEEDED, year__lte=on.year).aggregate(
        latest=Max("year")
    )["latest"]
    return year or on.year


def target_states(pairs: Sequence[tuple[Target, Region]], year: int) -> list[TargetState]:
    """The state of each (target, region) in ``year``, from the published run, in four queries."""
    if not pairs:
        return []
    measures = {t.pk: t.measure for t, _r in pairs if hasattr(t, "measure")}
    indicator_ids = {m.indicator_id for m in measures.values()}
    region_ids = {r.pk for _t, r in pairs}
    figures = {
        (f.region_id, f.indicator_id): f
        for f in RegionFigure.objects.filter(
            year=year, region__in=region_ids, indicator__in=indicator_ids
        )
    }
    warnings: dict[tuple[int, int], TargetWarning] = {}
    for warning in (
        TargetWarning.objects.filter(
            year=year, region__in=region_ids, target__in={t.pk for t, _r in pairs}
        )
        .select_related("region", "target")
        .order_by("level")
    ):  # "red" < "yellow": the red one is kept
        warnings.setdefault((warning.region_id, warning.target_id), warning)
    references = {
        (r.indicator_id, r.region_id): float(r.value)
        for r in ReferenceValue.objects.filter(year=year, indicator__in=indicator_ids)
    }
    states = []
    for target, region in pairs:
        measure = measures.get(target.pk)
        figure = figures.get((region.pk, measure.indicator_id)) if measure else None
        if target.value is not None:
            threshold = float(target.value)
        elif measure and measure.reference_region_id:
            threshold = references.get((measure.indicator_id, measure.reference_region_id))
        else:
            threshold = None
        warning = warnings.get((region.pk, target.pk))
        actual = figure.value if figure else None
        projected = figure.projected if figure else None
        quarters = figure.quarters if figure else 0
        states.append(
            TargetState(
                target=target,
                region=region,
                year=year,
                actual=actual,
                projected=projected,
                quarters=quarters,
                threshold=threshold,
                warning=warning,
                status=target_status(
                    warning=warning.level if warning else None,
                    actual=actual,
                    projected=projected,
                    threshold=threshold,
                    comparator=target.comparator,
                    own=region.pk == target.region_id,
                    complete=quarters >= 4,
                ),
            )
        )
    return states


# --- The workspace of one department -------------------------------------------------------------


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
        rank = {RED: 0, AMBER: 1, UNKNOWN: 2, GREEN: 3}
        status = rank[self.state.status] if self.state else 0
        upcoming = min(d for d in (self.next_due, self.deadline, date.max) if d)
        return (not self.overdue, status, upcoming, self.obj.document_id, self.obj.order)


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
    on = on or today()
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
        key = _key(department.pk, task_id, duty_id, target_id)[1:]
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
        if previous not in item.reported:
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


# --- The office's overview of its departments -----------------------------------------------------


@dataclass
class DepartmentRow:
    department: Department
    tasks: int
    duties: int
    targets: int
    owed: int
    reported_previous: int
    reported_open: int

    @property
    def overdue(self) -> int:
        return self.owed - self.reported_previous


def department_overview(*, user, on: date | None = None) -> tuple[list[DepartmentRow], Quarter]:
    """The departments the user follows, with how many items each owes and has reported for the
    quarter before the open one (overdue when missing) and the open one; most overdue first."""
    on = on or today()
    current = open_quarter(on, setting("PROGRESS_DUE_DAYS"))
    departments = list(departments_for(user=user).filter(is_active=True))
    ids = [d.pk for d in departments]
    owed = owed_items(ids)
    before = reported_items(current.previous(), ids) & owed
    now = reported_items(current, ids) & owed
    targets = Counter(
        Target.responsible_departments.through.objects.filter(
            department_id__in=ids, target__document__in_force=True
        ).values_list("department_id", flat=True)
    )
    tasks, duties = per_department(owed, WorkKind.TASK), per_department(owed, WorkKind.DUTY)
    owed_count, before_count, now_count = map(per_department, (owed, before, now))
    rows = [
        DepartmentRow(
            department=d,
            tasks=tasks[d.pk],
            duties=duties[d.pk],
            targets=targets[d.pk],
            owed=owed_count[d.pk],
            reported_previous=before_count[d.pk],
            reported_open=now_count[d.pk],
        )
        for d in departments
    ]
    rows = [r for r in rows if r.owed or r.targets]
    rows.sort(key=lambda r: (-r.overdue, r.department.region.path, r.department.name))
    return rows, current


# --- Services -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the service sees it: the name the user gave and its bytes."""

    name: str
    data: bytes


def post_update(
    *,
    user,
    kind: str,
    item,
    quarter: Quarter,
    text: str,
    files: Sequence[Upload] = (),
    on: date | None = None,
) -> ProgressUpdate:
    """Record the user's department's progress report on an item it is involved in, with its
    evidence files: everything is checked first, then the report and all its files are stored,
    or nothing is (a file written before a failure is removed again)."""
    on = on or today()
    if not may_report(user=user, kind=kind, item=item):
        raise ProgressRefused(_("只有承担该项工作的部门可以报送进展。"))
    text = (text or "").strip()
    if not text:
        raise ProgressRefused(_("请填写工作进展情况。"))
    if len(text) > MAX_TEXT:
        raise ProgressRefused(_("进展情况不能超过 %(max)d 字。") % {"max": MAX_TEXT})
    if quarter not in allowed_quarters(on, setting("PROGRESS_DUE_DAYS")):
        raise ProgressRefused(_("只能报送当前季度或上一季度的进展。"))
    if len(files) > setting("EVIDENCE_MAX_FILES"):
        raise ProgressRefused(
            _("每次最多上传 %(max)d 个佐证材料。") % {"max": setting("EVIDENCE_MAX_FILES")}
        )
    max_bytes, limits = setting("EVIDENCE_MAX_BYTES"), evidence_limits()
    checked = [
        (check_evidence(f.name, f.data, max_bytes=max_bytes, limits=limits), f.data) for f in files
    ]

    stored: list[str] = []
    try:
        with transaction.atomic():
            update = ProgressUpdate.objects.create(
                department=user.department,
                year=quarter.year,
                quarter=quarter.quarter,
                text=text,
                author=user,
                **{kind: item},
            )
            for evidence, data in checked:
                row = EvidenceFile(
                    update=update,
                    name=evidence.name,
                    content_type=evidence.content_type,
                    size=evidence.size,
                    sha256=evidence.sha256,
                )
                # A generated name: the user's file name never reaches the file system.
                row.file.save(
                    f"{uuid.uuid4().hex}{evidence.extension}", ContentFile(data), save=False
                )
                stored.append(row.file.name)
                row.save()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return update


@dataclass
class ReminderOutcome:
    """What one pass of the daily reminder job did."""

    emails: int = 0
    items: int = 0
    without_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send_due_reminders(*, on: date | None = None) -> ReminderOutcome:
    """The daily job: e-mail each department the tasks and duties whose quarterly report falls due
    within ``PROGRESS_REMIND_DAYS_AHEAD`` days or is overdue, and that it has not reported on.

    Each (item, department, quarter) is reminded once: the reminder row is created, under its
    unique constraint, in the same transaction that sends the e-mail. A second or concurrent run
    finds the row (or waits on it and then finds it) and skips the item; a failed send rolls the
    rows back so that the next run tries again (at-least-once)."""
    on = on or today()
    days = setting("PROGRESS_DUE_DAYS")
    outcome = ReminderOutcome()
    for quarter in reminder_quarters(on, days, setting("PROGRESS_REMIND_DAYS_AHEAD")):
        pending = _pending(quarter)
        if not pending:
            continue
        departments = Department.objects.filter(pk__in=pending).select_related("region")
        for department in departments.order_by("region__path", "name"):
            recipients = sorted(
                department.users.filter(is_active=True)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if not recipients:
                outcome.without_address.append(str(department))
                continue
            try:
                sent = _remind(
                    department,
                    quarter,
                    pending[department.pk],
                    recipients,
                    due_on=quarter.due(days),
                    on=on,
                )
            except (smtplib.SMTPException, OSError):
                logger.exception("progress reminder to %s failed", department)
                outcome.failed.append(str(department))
                continue
            if sent:
                outcome.emails += 1
                outcome.items += sent
    return outcome


def _pending(quarter: Quarter) -> dict[int, list[Task | Duty]]:
    """Per department, the items owed for the quarter, not reported and not yet reminded."""
    reminded = {
        _key(*row)
        for row in ProgressReminder.objects.filter(
            year=quarter.year, quarter=quarter.quarter
        ).values_list("department_id", "task_id", "duty_id", "target_id")
    }
    keys = owed_items() - reported_items(quarter) - reminded
    if not keys:
        return {}
    objects = {
        (kind, obj.pk): obj
        for kind in OWED_KINDS
        for obj in MODELS[kind]
        .objects.filter(pk__in={i for _d, k, i in keys if k == kind})
        .select_related("document")
    }
    pending: dict[int, list] = defaultdict(list)
    for department_id, kind, item_id in sorted(keys):
        pending[department_id].append(objects[(kind, item_id)])
    return pending


def _remind(
    department: Department,
    quarter: Quarter,
    items: list,
    recipients: list[str],
    *,
    due_on: date,
    on: date,
) -> int:
    """Claim each item's reminder row and send one e-mail for the claimed ones, atomically."""
    overdue = on > due_on
    with transaction.atomic():
        claimed = []
        for obj in items:
            kind = WorkKind.TASK if isinstance(obj, Task) else WorkKind.DUTY
            try:
                with transaction.atomic():
                    ProgressReminder.objects.create(
                        department=department,
                        year=quarter.year,
                        quarter=quarter.quarter,
                        due_on=due_on,
                        overdue=overdue,
                        recipients=", ".join(recipients),
                        **{kind: obj},
                    )
            except IntegrityError:
                continue  # another run reminded of it first
            claimed.append((kind, obj))
        if claimed:
            subject, body = _reminder_message(department, quarter, claimed, due_on, overdue)
            send_mail(subject, body, None, recipients)
    return len(claimed)


def _reminder_message(department, quarter, claimed, due_on: date, overdue: bool):
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "department": department.name,
            "quarter": str(quarter),
            "count": len(claimed),
            "due": f"{due_on:%Y-%m-%d}",
        }
        if overdue:
            subject = _("【工作进展逾期】%(department)s有 %(count)d 项%(quarter)s工作进展未报送")
            intro = _("以下工作的%(quarter)s进展应于%(due)s前报送，现已逾期：")
        else:
            subject = _("【工作进展提醒】%(department)s有 %(count)d 项%(quarter)s工作进展待报送")
            intro = _("以下工作的%(quarter)s进展请于%(due)s前报送：")
        lines = [f"{department.name}：", "", intro % values, ""]
        for number, (kind, obj) in enumerate(claimed, start=1):
            title = obj.title if kind == WorkKind.TASK else f"{obj.holder}：{obj.text[:60]}"
            label = WorkKind(kind).label
            lines.append(f"{number}. [{label}] {title}（{obj.document.title}）")
        lines += ["", _("请登录质量强区目标管理平台，在“我的职责”中报送进展并上传佐证材料。")]
        base = getattr(settings, "PORTAL_BASE_URL", "")
        if base:
            lines.append(base.rstrip("/") + reverse("workspace:home"))
        return subject % values, "\n".join(lines)
