"""Who hears of what happens to a region's figures (notices, portal.notices): the officials who
enter for the region (its own and those of the regions above it that enter for it, as the gate's
``can_enter_for`` says) of each decision on its submission, and of its reporting window opening
and closing; the official who asked for an extension, of the answer."""

from datetime import timedelta

from django.urls import reverse

from assessments.models import ExtensionRequest, Period, Status, Submission
from assessments.reporting import selectors
from portal import notices, periods
from portal.models import Region, Role, User
from portal.scoping import can_enter_for

CLOSING_DAYS = 3


def officials_for(region: Region) -> list[User]:
    ancestors = [code for code in region.path.split("/") if code]
    found = User.objects.filter(role=Role.REGION_OFFICIAL, is_active=True,
                                region__code__in=ancestors).select_related("region")  # fmt: skip
    return [user for user in found if can_enter_for(user, region)]


def _entry(region: Region, period: Period) -> str:
    return reverse("assessments:entry", args=[region.code, period.year, period.quarter])


def decision(submission: Submission, kind: str) -> None:
    """A submission approved, returned or unlocked: once per decision (its version)."""
    region, period = submission.region, submission.period
    notices.notify(
        officials_for(region),
        kind=kind,
        params={
            "region": region.name,
            "period": period.label,
            "reason": submission.return_reason,
        },  # fmt: skip
        link=_entry(region, period),
        key=f"{kind}:{submission.pk}:{submission.version}",
    )


def extension_decided(request: ExtensionRequest) -> None:
    kind = "extension_granted" if request.state == "granted" else "extension_refused"
    until = request.reopening.until if request.reopening_id else request.until
    notices.notify(
        [request.requested_by],
        kind=kind,
        params={
            "region": request.region.name,
            "period": request.period.label,
            "until": f"{until:%Y-%m-%d}",
            "note": request.note,
        },  # fmt: skip
        link=_entry(request.region, request.period),
        key=f"{kind}:{request.pk}",
    )


def windows(on=None) -> int:
    """The daily notices of reporting windows, to each official about their own region: on the
    day a window opens; and in its last three days, when the region has not yet submitted."""
    on = on or periods.today()
    count = 0
    officials = list(
        User.objects.filter(
            role=Role.REGION_OFFICIAL, is_active=True, region__isnull=False
        ).select_related("region")
    )
    entering = selectors.elements_by_region(
        list({u.region_id: u.region for u in officials}.values())
    )
    for period in Period.objects.filter(opens_on__lte=on, closes_on__gte=on):
        opening = period.opens_on == on
        closing = period.closes_on <= on + timedelta(days=CLOSING_DAYS)
        if not (opening or closing):
            continue
        done = set(
            Submission.objects.filter(
                period=period, status__in=[Status.SUBMITTED, Status.APPROVED]
            ).values_list("region_id", flat=True)
        )
        closes = f"{period.closes_on:%Y-%m-%d}"
        for user in officials:
            region = user.region
            if not entering.get(region.pk):
                continue
            if opening:
                count += len(notices.notify(
                    [user], kind="window_open", params={"period": period.label, "closes": closes},
                    link=_entry(region, period), key=f"window_open:{period.pk}",
                ))  # fmt: skip
            if closing and region.pk not in done:
                count += len(notices.notify(
                    [user], kind="window_closing",
                    params={"period": period.label, "closes": closes, "region": region.name},
                    link=_entry(region, period), key=f"window_closing:{period.pk}",
                ))  # fmt: skip
    return count
