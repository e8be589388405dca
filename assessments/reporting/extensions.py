"""延期申请: an official whose quarter closed asks the office above to reopen it; the office
grants it (a reopening until a date, as the office's own 延期开放) or refuses it with a reason.
The gate decides both sides: the official enters for the region, the office approves it."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import ExtensionRequest, ExtensionState, Period
from assessments.reporting import notify, selectors, services
from assessments.reporting.errors import ReportingError
from portal import periods
from portal.models import Region
from portal.scoping import can_approve_for, can_enter_for

MAX_REASON = 500


def reviewing_office(region: Region) -> Region | None:
    """The region whose office reviews ``region``'s figures (and so can reopen its window):
    the office directly above, as the gate's ``can_approve_for`` says."""
    return region.parent


def may_request(user, period: Period, region: Region, on: date | None = None) -> bool:
    """The official of the region, once its window has closed, with nothing pending."""
    on = on or periods.today()
    return (
        can_enter_for(user, region)
        and not selectors.window_open(period, region, on)
        and not ExtensionRequest.objects.filter(
            period=period, region=region, state=ExtensionState.PENDING
        ).exists()
    )


def request_extension(*, user, period: Period, region: Region, until: date, reason: str
                      ) -> ExtensionRequest:  # fmt: skip
    if not can_enter_for(user, region):
        raise PermissionDenied(_("只有本区划的填报人可以申请延期。"))
    if selectors.window_open(period, region):
        raise ReportingError(_("填报窗口仍开放，无需申请延期。"))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ReportingError(_("请填写申请延期的理由。"))
    if len(reason) > MAX_REASON:
        raise ReportingError(_("申请理由不能超过 %(max)d 字。") % {"max": MAX_REASON})
    if until < periods.today():
        raise ReportingError(_("申请延至的日期不能早于今天。"))
    try:
        with transaction.atomic():
            return ExtensionRequest.objects.create(
                period=period, region=region, until=until, reason=reason, requested_by=user
            )
    except IntegrityError:
        raise ReportingError(_("已有一份延期申请在等待处理。")) from None


def pending_for(*, user):
    """Requests the user's office decides: those of the regions it approves."""
    found = ExtensionRequest.objects.filter(state=ExtensionState.PENDING).select_related(
        "region__parent", "period", "requested_by"
    )
    return [r for r in found if can_approve_for(user, r.region)]


def decide(*, user, request: ExtensionRequest, grant: bool, until: date | None, note: str) -> None:
    if not can_approve_for(user, request.region):
        raise PermissionDenied(_("只有审核该区划的领导小组办公室可以处理延期申请。"))
    if request.state != ExtensionState.PENDING:
        raise ReportingError(_("这份延期申请已经处理。"))
    note = (note or "").replace("\x00", "").strip()
    if not grant and not note:
        raise ReportingError(_("不批准时请填写理由，申请人可以看到。"))
    with transaction.atomic():
        if grant:
            request.reopening = services.reopen_window(
                user=user,
                period=request.period,
                region=request.region,
                until=until or request.until,
                reason=_("批准延期申请：%(reason)s") % {"reason": request.reason}
                if not note
                else note,
            )
        request.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
        request.note = note[:500]
        request.decided_by = user
        request.decided_at = timezone.now()
        request.save()
        notify.extension_decided(request)
