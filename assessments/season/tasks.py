"""Celery task of the assessment season: the morning reminder of windows closing soon."""

from celery import shared_task

from assessments.season import reminders


@shared_task(
    name="assessments.tasks.send_season_reminders",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
)
def send_season_reminders(self) -> int:
    """Celery beat, every morning: remind units and reviewers of the season's window closing
    within three days. Safe to run twice (each recipient once per window); recipients whose
    mail failed are tried again later."""
    outcome = reminders.send_season_reminders()
    if outcome.failed:
        raise self.retry(countdown=600)
    return outcome.sent
