"""What the office's button calls: queue a full run of the year, unless one is running."""

from django.db import transaction

from assessments.models import (
    AssessmentRun,
    RunStatus,
)
from assessments.scoring import lifecycle


def enqueue_year(*, year: int, user=None) -> bool:
    """Queue a full run of the year (the office's button); False when one is already running.

    The running row is created by the task itself; this only refuses a second click while a
    run is in progress, so that the office sees why nothing new starts."""
    from assessments.scoring.tasks import run_assessment

    lifecycle.reap_stale(year)
    if AssessmentRun.objects.filter(year=year, status=RunStatus.RUNNING).exists():
        return False
    user_id = user.pk if user is not None and user.is_authenticated else None
    transaction.on_commit(lambda: run_assessment.delay(year, "manual", user_id))
    return True
