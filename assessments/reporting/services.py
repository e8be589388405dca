"""Writes for quarterly reporting: entry, submission, approval, locking, reopening and import.

Every state change happens here, in one transaction, with its audit entries; the pages, the
Excel upload and the API all call these functions. Concurrency is optimistic: each write
carries the submission's version and bumps it with a conditional UPDATE, so of two people
saving the same version one gets a ``Conflict`` and nothing of theirs is lost or half-saved.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import (
    AuditAction,
    AuditEntry,
    DataElement,
    Period,
    ReferenceValue,
    Status,
    Submission,
    Value,
    WindowReopening,
)
from assessments.reporting import selectors
from assessments.reporting.validation import Issue, Outcome, validate
from portal.models import Region, Role
from portal.scoping import can_approve_for, can_enter_for, can_see_region, is_unrestricted


class ReportingError(Exception):
    """A request the rules refuse; the message is for the official, in their language."""


class Conflict(ReportingError):
    """Somebody else saved the submission since this user loaded it."""


class InvalidFigures(ReportingError):
    """Figures that break hard rules (or warnings left unexplained at submission)."""

    def __init__(self, message: str, issues: list[Issue]):
        super().__init__(message)
        self.issues = issues


# Hooks run after a submission is approved or unlocked and the transaction has committed
# (the assessment app registers its re-scoring here; reporting does not import it).
after_decision: list[Callable[[Submission], None]] = []


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _audit(submission, user, action, *, element=None, old="", new="", reason="", source="form"):
    return AuditEntry(
        submission=submission,
        element=element,
        action=action,
        old=old,
        new=new,
        reason=reason[:500],
        source=source,
        user=user if user and user.is_authenticated else None,
    )


def default_window(year: int, quarter: int) -> tuple[date, date]:
    """Entry opens the first day after the quarter and closes on the 15th (20 January for Q4)."""
    if quarter == 4:
        return date(year + 1, 1, 1), date(year + 1, 1, 20)
    month = quarter * 3 + 1
    return date(year, month, 1), date(year, month, 15)


def ensure_periods(*, year: int) -> list[Period]:
    """The four quarters of a year with their default windows (existing windows are kept)."""
    periods = []
    for quarter in (1, 2, 3, 4):
        opens_on, closes_on = default_window(year, quarter)
        period, _created = Period.objects.get_or_create(
            year=year, quarter=quarter, defaults={"opens_on": opens_on, "closes_on": closes_on}
        )
        periods.append(period)
    return periods


def _check_can_enter(user, region: Region) -> None:
    if not can_enter_for(user, region):
        raise PermissionDenied(_("只有本区划或上级区划的填报人可以填报本区划的数据。"))


def _check_editable(submission: Submission, on: date | None = None) -> None:
    if submission.status == Status.SUBMITTED:
        raise ReportingError(
            _("该季度数据已提交，等待审核，不能修改；如需修改请联系审核单位退回。")
        )
    if submission.status == Status.APPROVED:
        raise ReportingError(_("该季度数据已审核锁定，不能修改；如需更正请联系审核单位解锁。"))
    if submission.status == Status.DRAFT and not selectors.window_open(
        submission.period, submission.region, on
    ):
        period = submission.period
        raise ReportingError(
            _(
                "%(period)s的填报时间为 %(opens)s 至 %(closes)s，现已不在填报期内；"
                "如需补报，请联系领导小组办公室延期开放。"
            )
            % {
                "period": selectors.period_name(period),
                "opens": selectors.long_date(period.opens_on),
                "closes": selectors.long_date(period.closes_on),
            }
        )


def _bump_version(submission: Submission, version: int, **changes) -> None:
    """Claim the submission for this write, or raise Conflict when somebody wrote first."""
    updated = Submission.objects.filter(pk=submission.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if not updated:
        current = Submission.objects.filter(pk=submission.pk).values_list("version", flat=True)
        raise Conflict(
            _(
                "保存冲突：在您编辑期间，其他人已修改并保存了这份数据"
                "（您编辑的是第 %(version)s 版，当前为第 %(current)s 版）。"
                "您填写的内容没有保存，也没有被覆盖；请刷新查看最新数据后重新填写。"
            )
            % {"version": version, "current": current.first()}
        )
    submission.version = version + 1
    for name, value in changes.items():
        setattr(submission, name, value)


@transaction.atomic
def open_submission(*, user, region: Region, period: Period) -> Submission:
    """The region's submission for the period, created as a draft when it does not exist yet."""
    _check_can_enter(user, region)
    if not selectors.elements_for_region(region):
        raise ReportingError(_("%(region)s本级没有需要填报的数据项。") % {"region": region.name})
    submission, _created = Submission.objects.get_or_create(region=region, period=period)
    return submission


@dataclass
class SaveResult:
    submission: Submission
    outcome: Outcome
    changed: int = 0


@dataclass
class _Write:
    """What one submission's write needs: the elements touched, their figures and comments."""

    submission: Submission
    elements: list[DataElement]
    outcome: Outcome
    comments: Mapping[str, str]


def _write_values(writes: list[_Write], user, source: str) -> int:
    """Store the figures and comments that differ from the stored ones, with audit entries,
    for any number of submissions in a handful of queries."""
    existing = {
        (v.submission_id, v.element_id): v
        for v in Value.objects.filter(submission__in=[w.submission.pk for w in writes])
    }
    to_create, to_update, to_delete, audit = [], [], [], []
    for write in writes:
        submission = write.submission
        for element in write.elements:
            new = write.outcome.values.get(element.code)
            comment = (write.comments.get(element.code) or "").strip()[:500]
            old = existing.get((submission.pk, element.pk))
            if old is None and new is None:
                continue
            entry = {"element": element, "reason": comment, "source": source}
            if old is None:
                to_create.append(
                    Value(submission=submission, element=element, value=new, comment=comment)
                )
                audit.append(_audit(submission, user, AuditAction.VALUE, new=_fmt(new), **entry))
            elif new is None:
                to_delete.append(old.pk)
                audit.append(
                    _audit(submission, user, AuditAction.VALUE, old=_fmt(old.value), **entry)
                )
            elif old.value != new or old.comment != comment:
                if old.value != new:
                    audit.append(
                        _audit(submission, user, AuditAction.VALUE, old=_fmt(old.value),
                               new=_fmt(new), **entry)
                    )  # fmt: skip
                old.value, old.comment = new, comment
                to_update.append(old)
    Value.objects.filter(pk__in=to_delete).delete()
    Value.objects.bulk_create(to_create, batch_size=2000)
    Value.objects.bulk_update(to_update, ["value", "comment"], batch_size=2000)
    AuditEntry.objects.bulk_create(audit, batch_size=2000)
    return len(audit)


def save_figures(
    *,
    user,
    submission: Submission,
    version: int,
    figures: Mapping[str, object],
    comments: Mapping[str, str] | None = None,
    source: str = "form",
) -> SaveResult:
    """Save a draft: blanks are allowed, hard errors are not (nothing is saved then)."""
    comments = comments or {}
    _check_can_enter(user, submission.region)
    _check_editable(submission)
    elements = selectors.elements_for_region(submission.region)
    outcome = validate(
        selectors.element_specs(elements),
        figures,
        selectors.rule_specs(elements),
        selectors.history_for(submission.region, submission.period),
    )
    if outcome.errors:
        raise InvalidFigures(_("数据有误，未保存：请按提示修改后再保存。"), outcome.errors)
    with transaction.atomic():
        _bump_version(submission, version)
        changed = _write_values([_Write(submission, elements, outcome, comments)], user, source)
    return SaveResult(submission=submission, outcome=outcome, changed=changed)


@transaction.atomic
def submit(*, user, submission: Submission, version: int, source: str = "form") -> Submission:
    """Send the stored figures for approval: all present, no hard error, warnings explained."""
    _check_can_enter(user, submission.region)
    _check_editable(submission)
    elements = selectors.elements_for_region(submission.region)
    stored = selectors.values_of(submission)
    outcome = validate(
        selectors.element_specs(elements),
        {code: v.value for code, v in stored.items()},
        selectors.rule_specs(elements),
        selectors.history_for(submission.region, submission.period),
        require_all=True,
    )
    unexplained = outcome.unexplained_warnings({code: v.comment for code, v in stored.items()})
    if outcome.errors or unexplained:
        raise InvalidFigures(
            _("不能提交：请补全数据、改正错误，并为提示异常的数据填写说明。"),
            outcome.errors + unexplained,
        )
    now = timezone.now()
    old = submission.status
    _bump_version(
        submission,
        version,
        status=Status.SUBMITTED,
        submitted_at=now,
        submitted_by_id=user.pk,
        first_submitted_at=submission.first_submitted_at or now,
    )
    _audit(
        submission, user, AuditAction.STATUS, old=old, new=Status.SUBMITTED, source=source
    ).save()
    return submission


def _decide(submission: Submission, user, *, version: int | None, status: str, reason: str):
    version = submission.version if version is None else version
    _bump_version(
        submission,
        version,
        status=status,
        decided_at=timezone.now(),
        decided_by_id=user.pk,
        return_reason=reason,
    )


def pending_below(submission: Submission) -> list[Region]:
    """Regions below the submission's that enter figures and are not yet approved."""
    expected = list(selectors.expected_regions(submission.region))
    approved = set(
        Submission.objects.filter(
            period=submission.period, region__in=[r.pk for r in expected], status=Status.APPROVED
        ).values_list("region_id", flat=True)
    )
    return [r for r in expected if r.pk not in approved]


@transaction.atomic
def approve(
    *, user, submission: Submission, version: int | None = None, source="form"
) -> Submission:
    """Approve and lock; a level approves only after every region below it is approved."""
    if not can_approve_for(user, submission.region):
        raise PermissionDenied(_("只有上级领导小组办公室可以审核本区划的数据。"))
    if submission.status != Status.SUBMITTED:
        raise ReportingError(
            _("只能审核已提交的数据（当前状态：%(status)s）。")
            % {"status": submission.get_status_display()}
        )
    pending = pending_below(submission)
    if pending:
        names = _("、").join(r.name for r in pending[:5]) + (_("等") if len(pending) > 5 else "")
        raise ReportingError(
            _("下级区划尚有 %(count)d 个未审核通过（%(names)s），请先审核下级数据。")
            % {"count": len(pending), "names": names}
        )
    _decide(submission, user, version=version, status=Status.APPROVED, reason="")
    AuditEntry.objects.bulk_create(
        [
            _audit(
                submission,
                user,
                AuditAction.STATUS,
                old=Status.SUBMITTED,
                new=Status.APPROVED,
                source=source,
            ),
            _audit(submission, user, AuditAction.LOCK, new="locked", source=source),
        ]
    )
    _after_commit(submission)
    return submission


@transaction.atomic
def return_to_official(
    *, user, submission: Submission, reason: str, version: int | None = None, source="form"
) -> Submission:
    """Send submitted figures back to the official with a reason they will see."""
    if not can_approve_for(user, submission.region):
        raise PermissionDenied(_("只有上级领导小组办公室可以退回本区划的数据。"))
    if submission.status != Status.SUBMITTED:
        raise ReportingError(
            _("只能退回已提交的数据（当前状态：%(status)s）。")
            % {"status": submission.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ReportingError(_("退回时必须填写原因，填报人会看到它。"))
    _decide(submission, user, version=version, status=Status.RETURNED, reason=reason)
    _audit(submission, user, AuditAction.STATUS, old=Status.SUBMITTED, new=Status.RETURNED,
           reason=reason, source=source).save()  # fmt: skip
    return submission


@transaction.atomic
def unlock(
    *, user, submission: Submission, reason: str, version: int | None = None, source="form"
) -> Submission:
    """Unlock approved figures for a correction; they go back to the official as returned."""
    if not can_approve_for(user, submission.region):
        raise PermissionDenied(_("只有审核单位可以解锁本区划的数据。"))
    if submission.status != Status.APPROVED:
        raise ReportingError(_("只有已审核锁定的数据需要解锁。"))
    reason = (reason or "").strip()
    if not reason:
        raise ReportingError(_("解锁更正必须填写原因。"))
    reason_text = f"解锁更正：{reason}"
    _decide(submission, user, version=version, status=Status.RETURNED, reason=reason_text)
    AuditEntry.objects.bulk_create(
        [
            _audit(submission, user, AuditAction.UNLOCK, old="locked", reason=reason,
                   source=source),
            _audit(submission, user, AuditAction.STATUS, old=Status.APPROVED, new=Status.RETURNED,
                   reason=reason, source=source),
        ]
    )  # fmt: skip
    _after_commit(submission)
    return submission


def _after_commit(submission: Submission) -> None:
    for hook in after_decision:
        transaction.on_commit(lambda hook=hook: hook(submission))


@transaction.atomic
def reopen_window(*, user, period: Period, region: Region, until: date, reason: str):
    """Let a region (and those below it) enter the period after its window has closed."""
    if not can_approve_for(user, region):
        raise PermissionDenied(_("只有上级领导小组办公室可以为本区划延期开放填报。"))
    if not (reason or "").strip():
        raise ReportingError(_("延期开放必须填写原因。"))
    if until < selectors.today():
        raise ReportingError(_("延期截止日期不能早于今天。"))
    if until > period.closes_on + timedelta(days=366):
        raise ReportingError(_("延期不能超过原截止日期后一年。"))
    return WindowReopening.objects.create(
        period=period, region=region, until=until, reason=reason.strip(), granted_by=user
    )


# --- Bulk import (Excel, API): all or nothing -------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    """One figure of an upload, with where it stands so that problems can name the cell."""

    sheet: str
    row: int
    region_code: str
    element_code: str
    value: object
    comment: str = ""
    version: int | None = None


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = (
            _("工作表“%(sheet)s”第 %(row)d 行") % {"sheet": self.sheet, "row": self.row}
            if self.row
            else _("工作表“%(sheet)s”") % {"sheet": self.sheet}
        )
        if self.column:
            return _("%(where)s【%(column)s】：%(message)s") % {
                "where": where,
                "column": self.column,
                "message": self.message,
            }
        return _("%(where)s：%(message)s") % {"where": where, "message": self.message}


class ImportRejected(ReportingError):
    def __init__(self, problems: list[ImportProblem]):
        count = len(problems)
        message = ngettext(
            "文件未导入：发现 %(count)d 处问题，已全部列出，没有保存任何数据。",
            "文件未导入：发现 %(count)d 处问题，已全部列出，没有保存任何数据。",
            count,
        )
        super().__init__(message % {"count": count})
        self.problems = problems


@dataclass
class ImportResult:
    rows: int = 0
    submissions: int = 0
    changed: int = 0
    warnings: list[ImportProblem] = field(default_factory=list)


# The template's column headers: part of the file format, so never translated (a problem names
# the column as it is headed in the file).
REGION_COLUMN, ELEMENT_COLUMN, VALUE_COLUMN, COMMENT_COLUMN, VERSION_COLUMN = (
    "区划代码",
    "数据项代码",
    "本季度数值",
    "说明",
    "版本",
)


def import_rows(
    *, user, period: Period, rows: Iterable[ImportRow], source: str = "excel"
) -> ImportResult:
    """Validate every row, then save all of them in one transaction, or none with every problem."""
    rows = list(rows)
    problems: list[ImportProblem] = []
    regions = {r.code: r for r in Region.objects.filter(code__in={row.region_code for row in rows})}
    elements = {e.code: e for e in DataElement.objects.filter(is_active=True)}
    by_region: dict[str, list[ImportRow]] = defaultdict(list)
    entered = {
        pk: {e.code for e in found}
        for pk, found in selectors.elements_by_region(list(regions.values())).items()
    }

    def entered_by(region: Region) -> set[str]:
        return entered[region.pk]

    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        region = regions.get(row.region_code)
        # Outside the user's scope a region is simply not there: no name, no confirmation.
        if region is None or not can_see_region(user, region):
            problems.append(
                ImportProblem(
                    row.sheet,
                    row.row,
                    REGION_COLUMN,
                    _("区划代码“%(code)s”不存在") % {"code": row.region_code},
                )
            )
            continue
        if not can_enter_for(user, region):
            problems.append(
                ImportProblem(
                    row.sheet,
                    row.row,
                    REGION_COLUMN,
                    _("您无权填报“%(region)s”的数据") % {"region": region.name},
                )
            )
            continue
        element = elements.get(row.element_code)
        if element is None:
            problems.append(ImportProblem(row.sheet, row.row, ELEMENT_COLUMN,
                _("数据项代码“%(code)s”不存在") % {"code": row.element_code}))  # fmt: skip
            continue
        if row.element_code not in entered_by(region):
            problems.append(ImportProblem(row.sheet, row.row, ELEMENT_COLUMN,
                _("“%(element)s”不由%(region)s填报")
                % {"element": element.name, "region": region.name}))  # fmt: skip
            continue
        key = (row.region_code, row.element_code)
        if key in seen:
            problems.append(
                ImportProblem(
                    row.sheet,
                    row.row,
                    ELEMENT_COLUMN,
                    _("与第 %(row)d 行重复（同一区划、同一数据项）") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.row
        by_region[row.region_code].append(row)

    submissions = {
        s.region.code: s
        for s in Submission.objects.filter(
            period=period, region__code__in=list(by_region)
        ).select_related("region", "period")
    }
    histories = selectors.histories_for([regions[code].pk for code in by_region], period)
    specs_by_set: dict[frozenset, tuple] = {}
    prepared = []
    for code, region_rows in by_region.items():
        region = regions[code]
        codes = frozenset(entered_by(region))
        if codes not in specs_by_set:
            level_elements = [e for e in elements.values() if e.code in codes]
            level_elements.sort(key=lambda e: (e.order, e.code))
            specs_by_set[codes] = (
                level_elements,
                selectors.element_specs(level_elements),
                selectors.rule_specs(level_elements),
            )
        level_elements, specs, rules = specs_by_set[codes]
        submission = submissions.get(code)
        first = region_rows[0]
        if submission is not None:
            try:
                _check_editable(submission)
            except ReportingError as error:
                problems.append(
                    ImportProblem(
                        first.sheet,
                        first.row,
                        REGION_COLUMN,
                        _("%(region)s：%(message)s") % {"region": region.name, "message": error},
                    )
                )
                continue
            # Version 0 in a template means "nothing had been entered when it was downloaded".
            versions = {row.version for row in region_rows if row.version is not None}
            if versions and versions != {submission.version}:
                problems.append(ImportProblem(first.sheet, first.row, VERSION_COLUMN,
                    _("%(region)s的数据在模板下载后已被修改（模板为第 %(template)d 版，"
                      "当前为第 %(current)d 版），请重新下载模板")
                    % {"region": region.name, "template": min(versions),
                       "current": submission.version}))  # fmt: skip
                continue
        elif any(row.version for row in region_rows):
            problems.append(ImportProblem(first.sheet, first.row, VERSION_COLUMN,
                _("%(region)s：模板中的版本号与系统不符，请重新下载模板")
                % {"region": region.name}))  # fmt: skip
            continue
        elif not selectors.window_open(period, region):
            problems.append(ImportProblem(first.sheet, first.row, REGION_COLUMN,
                _("%(region)s：%(period)s不在填报期内")
                % {"region": region.name, "period": selectors.period_name(period)}))  # fmt: skip
            continue
        raw = {row.element_code: row.value for row in region_rows}
        outcome = validate(specs, raw, rules, histories.get(region.pk, {}))
        row_of = {row.element_code: row for row in region_rows}
        for issue in outcome.issues:
            row = row_of.get(issue.element, first)
            column = VALUE_COLUMN
            message = _("%(region)s：%(message)s") % {
                "region": region.name,
                "message": issue.message,
            }
            problem = ImportProblem(row.sheet, row.row, column, message)
            if issue.is_error:
                problems.append(problem)
        prepared.append((region, submission, region_rows, outcome, level_elements))

    if problems:
        problems.sort(key=lambda p: (p.sheet, p.row))
        raise ImportRejected(problems)

    result = ImportResult(rows=len(rows), submissions=len(prepared))
    with transaction.atomic():
        try:
            with transaction.atomic():
                created = Submission.objects.bulk_create(
                    [
                        Submission(region=region, period=period, version=2)
                        for region, submission, *_rest in prepared
                        if submission is None
                    ]
                )
        except IntegrityError:
            raise Conflict(
                _(
                    "保存冲突：在您上传期间，其他人已为其中的区划创建了本季度数据。"
                    "您的文件没有保存任何内容，请重新下载模板。"
                )
            ) from None
        new_by_region = {s.region_id: s for s in created}
        _bump_versions(
            [submission for _region, submission, *_rest in prepared if submission is not None]
        )
        writes = []
        for region, submission, region_rows, outcome, level_elements in prepared:
            submission = submission or new_by_region[region.pk]
            present = {row.element_code for row in region_rows}
            # Only the elements present in the file are touched; others keep their figures.
            touched = [e for e in level_elements if e.code in present]
            comments = {row.element_code: row.comment for row in region_rows}
            writes.append(_Write(submission, touched, outcome, comments))
            row_of = {row.element_code: row for row in region_rows}
            for warning in outcome.warnings:
                row = row_of[warning.element]
                message = _("%(region)s：%(message)s") % {
                    "region": region.name,
                    "message": warning.message,
                }
                result.warnings.append(ImportProblem(row.sheet, row.row, VALUE_COLUMN, message))
        result.changed = _write_values(writes, user, source)
    return result


def _bump_versions(submissions: list[Submission]) -> None:
    """Claim many submissions at once (one UPDATE per distinct version), or raise Conflict."""
    by_version: dict[int, list[Submission]] = defaultdict(list)
    for submission in submissions:
        by_version[submission.version].append(submission)
    now = timezone.now()
    for version, group in by_version.items():
        updated = Submission.objects.filter(pk__in=[s.pk for s in group], version=version).update(
            version=F("version") + 1, updated_at=now
        )
        if updated != len(group):
            raise Conflict(
                _(
                    "保存冲突：在您上传期间，其他人修改了其中部分区划的数据。"
                    "您的文件没有保存任何内容，请重新下载模板后再上传。"
                )
            )
        for submission in group:
            submission.version = version + 1


@transaction.atomic
def record_reference_value(
    *, user, indicator, region: Region, year: int, value: Decimal, source: str
) -> ReferenceValue:
    """An office records a reference figure (全省平均水平) that its relative targets compare to:
    of its own region or a region above it, always with the source it was taken from."""
    if not (is_unrestricted(user) or (user.role == Role.OFFICE and user.region_id
                                      and user.region.is_within(region))):  # fmt: skip
        raise PermissionDenied(_("只有领导小组办公室可以录入本级或上级区划的参照值。"))
    if not (source or "").strip():
        raise ReportingError(_("请注明参照值的来源（如哪一份通报、哪一年）。"))
    if value < 0 or (indicator.unit == "%" and value > 100):
        raise ReportingError(
            _("%(indicator)s的参照值超出合理范围：%(value)s")
            % {"indicator": indicator.name, "value": value}
        )
    if not 1990 <= year <= 2100:
        raise ReportingError(_("年度无效。"))
    reference, _created = ReferenceValue.objects.update_or_create(
        indicator=indicator,
        region=region,
        year=year,
        defaults={"value": value, "source": source.strip()[:255], "entered_by": user},
    )
    return reference
