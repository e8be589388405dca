"""Celery task of the departments' workspace: the morning reminder of progress reports due.

Its name stays that of the first release (assessments.tasks.*): the beat schedule stored by
django-celery-beat refers to it by name."""

from celery import shared_task

from assessments.workspace import reminders


@shared_task(
    name="assessments.tasks.send_progress_reminders",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
)
def send_progress_reminders(self) -> int:
    """Celery beat, every morning: remind departments of the progress reports falling due or
    overdue. Safe to run twice (each item and quarter is reminded once); a mail server that
    failed for some departments is tried again later for those only."""
    outcome = reminders.send_due_reminders()
    if outcome.failed:
        raise self.retry(countdown=600)
    return outcome.items
