"""Celery task of quarterly reporting: the morning notices of reporting windows."""

from celery import shared_task

from assessments.reporting import notify


@shared_task(name="assessments.tasks.send_window_notices", acks_late=True)
def send_window_notices() -> int:
    """Celery beat, every morning: tell officials a window opens today, or closes within three
    days while their region has not submitted. Safe to run twice (one notice per event)."""
    return notify.windows()
