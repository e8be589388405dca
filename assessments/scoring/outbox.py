"""The re-scores owed after approvals (a transactional outbox, RescoreRequest): recorded inside
the decision's transaction, dispatched to the broker after the commit, re-dispatched by the
sweeper while the broker was unreachable or a task gave up, and settled by the run that covers
them. An approval is never reported as failed because the broker is down, and its re-score is
never dropped: it runs when the broker is back, or merges into the next full run."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from assessments.models import AssessmentRun, RescoreRequest, Submission

logger = logging.getLogger(__name__)

# A request dispatched this long ago and still there was lost (a task that gave up, a message
# dropped with a dead broker): dispatch it again.
REDISPATCH_AFTER = timedelta(minutes=10)


def record(submission: Submission) -> RescoreRequest:
    """Inside the decision's transaction: the re-score its region is owed."""
    return RescoreRequest.objects.create(
        year=submission.period.year, region_id=submission.region_id
    )


Send = Callable[[int, int], None]  # (year, region id) to the broker


def dispatch(request_id: int, send: Send) -> bool:
    """Hand one request to the broker; False (logged, kept for the sweeper) when it is down."""
    request = RescoreRequest.objects.filter(pk=request_id).first()
    if request is None:
        return True  # already covered by a run
    try:
        send(request.year, request.region_id)
    except Exception:  # the broker's own errors vary (kombu, redis, socket)
        logger.warning("broker unreachable: re-score %s kept for the sweeper", request_id,
                       exc_info=True)  # fmt: skip
        return False
    RescoreRequest.objects.filter(pk=request_id).update(dispatched_at=timezone.now())
    return True


def sweep(send: Send) -> int:
    """Dispatch every request never dispatched, or dispatched long ago and still owed; the
    number handed to the broker."""
    stale = timezone.now() - REDISPATCH_AFTER
    pending = RescoreRequest.objects.filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale)
    ).values_list("pk", flat=True)
    sent = 0
    for request_id in list(pending):
        RescoreRequest.objects.filter(pk=request_id).update(attempts=F("attempts") + 1)
        if not dispatch(request_id, send):
            break  # the broker is still down: try again at the next sweep
        sent += 1
    return sent


def settle(run: AssessmentRun) -> int:
    """Delete the requests a successful run covers: those of its year requested before it
    started, of its path region (a path run) or of any region (a full run)."""
    covered = RescoreRequest.objects.filter(year=run.year, requested_at__lte=run.started_at)
    if run.path_region_id is not None:
        covered = covered.filter(region_id=run.path_region_id)
    deleted, _ = covered.delete()
    return deleted
