"""Writes for quarterly reporting: entry, submission, approval, locking and reopening (bulk
import is imports.py; reference values references.py).

Every state change happens here, in one transaction, with its audit entries; the pages, the
Excel upload and the API all call these functions. Concurrency is optimistic: each write
carries the submission's version and bumps it with a conditional UPDATE, so of two people
saving the same version one gets a ``Conflict`` and nothing of theirs is lost or half-saved.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    AuditAction,
    AuditEntry,
    DataElement,
    Period,
    Status,
    Submission,
    Value,
    WindowReopening,
)
from assessments.reporting import notify, selectors
from assessments.reporting.errors import Conflict, InvalidFigures, ReportingError
from assessments.reporting.validation import Outcome, as_typed, validate
from portal import periods
from portal.models import Region
from portal.scoping import can_approve_for, can_enter_for

# Hooks of a submission approved or unlocked (the scoring room registers its re-scoring here;
# reporting does not import it): ``in_decision`` ones run inside the decision's transaction (to
# record what is owed: committed or rolled back with the decision), ``after_decision`` ones once
# it has committed (to act on it).
in_decision: list[Callable[[Submission], None]] = []
after_decision: list[Callable[[Submission], None]] = []


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


def ensure_periods(*, year: int) -> list[Period]:
    """The four quarters of a year with their default windows (existing windows are kept)."""
    found = []
    for quarter in (1, 2, 3, 4):
        opens_on, closes_on = periods.default_window(year, quarter)
        period, _created = Period.objects.get_or_create(
            year=year, quarter=quarter, defaults={"opens_on": opens_on, "closes_on": closes_on}
        )
        found.append(period)
    return found


def _check_can_enter(user, region: Region) -> None:
    if not can_enter_for(user, region):
        raise PermissionDenied(_("只有本区划或上级区划的填报人可以填报本区划的数据。"))


def check_editable(submission: Submission, on: date | None = None) -> None:
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
class ValueWrite:
    """What one submission's write needs: the elements touched, their figures and comments."""

    submission: Submission
    elements: list[DataElement]
    outcome: Outcome
    comments: Mapping[str, str]


Stored = dict[tuple[int, int], Value]


def stored_values(submissions: list[Submission]) -> Stored:
    """The stored values of the submissions (saved ones), by (submission id, element id): one
    query, read once per save or import and shared by the comparison and the write."""
    ids = [s.pk for s in submissions if s.pk]
    return {(v.submission_id, v.element_id): v for v in Value.objects.filter(submission__in=ids)}


def _differences(write: ValueWrite, existing: Stored):
    """Each element of the write whose figure or comment differs from the stored one, as
    (element, stored Value or None, new figure or None, new comment)."""
    for element in write.elements:
        new = write.outcome.values.get(element.code)
        comment = (write.comments.get(element.code) or "").strip()[:500]
        old = existing.get((write.submission.pk, element.pk))
        if old is None and new is None:
            continue
        if old is not None and old.value == new and old.comment == comment:
            continue
        yield element, old, new, comment


def changed_elements(write: ValueWrite, existing: Stored) -> set[str]:
    """Codes of the elements whose figure or comment the write would change, and of those whose
    entry is refused by a hard rule (an entry that cannot be read is never "unchanged"): an
    unchanged row is accepted as it is, even in a submitted or locked quarter."""
    refused = {issue.element for issue in write.outcome.errors}
    return refused | {element.code for element, *_rest in _differences(write, existing)}


def write_values(writes: list[ValueWrite], user, source: str, existing: Stored) -> int:
    """Store the figures and comments that differ from the stored ones (``existing``, read by
    ``stored_values`` under the writes' version claim), with audit entries, for any number of
    submissions in a handful of queries."""
    to_create, to_update, to_delete, audit = [], [], [], []
    for write in writes:
        submission = write.submission
        for element, old, new, comment in _differences(write, existing):
            entry = {"element": element, "reason": comment, "source": source}
            if old is None:
                to_create.append(
                    Value(submission=submission, element=element, value=new, comment=comment)
                )
                audit.append(
                    _audit(submission, user, AuditAction.VALUE, new=as_typed(new), **entry)
                )
            elif new is None:
                to_delete.append(old.pk)
                audit.append(
                    _audit(submission, user, AuditAction.VALUE, old=as_typed(old.value), **entry)
                )
            else:
                if old.value != new:
                    audit.append(
                        _audit(submission, user, AuditAction.VALUE, old=as_typed(old.value),
                               new=as_typed(new), **entry)
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
    """Save a draft: blanks are allowed, hard errors are not (nothing is saved then). Figures
    identical to the stored ones are accepted as they are, whatever the quarter's state: nothing
    is written and the version stays."""
    comments = comments or {}
    _check_can_enter(user, submission.region)
    elements = selectors.elements_for_region(submission.region)
    outcome = validate(
        selectors.element_specs(elements),
        figures,
        selectors.rule_specs(elements),
        selectors.history_for(submission.region, submission.period),
    )
    write = ValueWrite(submission, elements, outcome, comments)
    existing = stored_values([submission])
    if not changed_elements(write, existing):
        return SaveResult(submission=submission, outcome=outcome, changed=0)
    check_editable(submission)
    if outcome.errors:
        raise InvalidFigures(_("数据有误，未保存：请按提示修改后再保存。"), outcome.errors)
    with transaction.atomic():
        _bump_version(submission, version)
        changed = write_values([write], user, source, existing)
    return SaveResult(submission=submission, outcome=outcome, changed=changed)


@transaction.atomic
def submit(*, user, submission: Submission, version: int, source: str = "form") -> Submission:
    """Send the stored figures for approval: all present, no hard error, warnings explained."""
    _check_can_enter(user, submission.region)
    check_editable(submission)
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
    notify.decision(submission, "approved")
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
    notify.decision(submission, "returned")
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
    notify.decision(submission, "unlocked")
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
    for hook in in_decision:
        hook(submission)
    for hook in after_decision:
        transaction.on_commit(lambda hook=hook: hook(submission))


@transaction.atomic
def reopen_window(*, user, period: Period, region: Region, until: date, reason: str):
    """Let a region (and those below it) enter the period after its window has closed."""
    if not can_approve_for(user, region):
        raise PermissionDenied(_("只有上级领导小组办公室可以为本区划延期开放填报。"))
    if not (reason or "").strip():
        raise ReportingError(_("延期开放必须填写原因。"))
    if until < periods.today():
        raise ReportingError(_("延期截止日期不能早于今天。"))
    if until > period.closes_on + timedelta(days=366):
        raise ReportingError(_("延期不能超过原截止日期后一年。"))
    return WindowReopening.objects.create(
        period=period, region=region, until=until, reason=reason.strip(), granted_by=user
    )
