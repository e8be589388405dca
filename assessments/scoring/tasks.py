"""Celery tasks of the yearly assessment: thin, idempotent wrappers around scoring.runs.

Their names stay those of the first release (assessments.tasks.*): queued messages and the
beat schedule stored by django-celery-beat refer to tasks by name.

Delivery is at-least-once (acks late, reject on worker lost: see settings), so running a
task twice must be harmless: a run recomputes from the approved data and replaces its results,
which gives the same rows. A task that finds its year already running retries later instead
of overlapping it.
"""

import logging

from celery import shared_task

from assessments.scoring import lifecycle, outbox, runs
from portal import periods
from portal.models import Region, User

logger = logging.getLogger(__name__)


@shared_task(
    name="assessments.tasks.run_assessment",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=20,
)
def run_assessment(self, year: int, trigger: str = "manual", user_id: int | None = None) -> int:
    """The full run of a year."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        return runs.run_year(year=year, trigger=trigger, user=user).pk
    except lifecycle.RunInProgress as error:
        raise self.retry(exc=error, countdown=30) from error


@shared_task(
    name="assessments.tasks.rescore_region",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=40,
)
def rescore_region(self, year: int, region_id: int) -> int | None:
    """Re-score the path of one region after an approval or unlock."""
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        return None
    try:
        return runs.rescore_path(year=year, region=region).pk
    except lifecycle.RunInProgress as error:
        raise self.retry(exc=error, countdown=5) from error


@shared_task(
    name="assessments.tasks.nightly_assessment", acks_late=True, reject_on_worker_lost=True
)
def nightly_assessment() -> int | None:
    """Celery beat, every night: the full run of the current year (skipped if one is running)."""
    try:
        return runs.run_year(year=periods.today().year, trigger="nightly").pk
    except lifecycle.RunInProgress:
        logger.info("nightly assessment skipped: a run of this year is in progress")
        return None


@shared_task(name="assessments.tasks.dispatch_pending_rescores")
def dispatch_pending_rescores() -> int:
    """Celery beat, every minute: hand the broker the re-scores it missed (it was down when they
    were approved, or a task gave up)."""
    return outbox.sweep(send_rescore)


def send_rescore(year: int, region_id: int) -> None:
    """Hand a re-score to the broker, without publish retries: an approval waiting on a dead
    broker would hang its page (the outbox keeps the request for the sweeper instead)."""
    rescore_region.apply_async((year, region_id), retry=False)
