"""The life of a recorded run: start (one running run per year, stale ones reaped), heartbeat,
failure, and the latest published run."""

import logging
import threading
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.models import (
    AssessmentRun,
    RunStatus,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]

# A run proves it is alive by its heartbeat. On PostgreSQL a thread beats every HEARTBEAT_EVERY
# while the run works, so a run silent for a minute is dead (its worker was killed) and the next
# task takes the year over. SQLite (the embedded demo) cannot write beside a running transaction:
# there the beats are the run's own stages, and a run is given STALE_AFTER_STAGES.
HEARTBEAT_EVERY = timedelta(seconds=15)
STALE_AFTER_BEATING = timedelta(minutes=1)
STALE_AFTER_STAGES = timedelta(minutes=15)


def stale_after() -> timedelta:
    return STALE_AFTER_BEATING if connection.vendor == "postgresql" else STALE_AFTER_STAGES


@contextmanager
def heartbeat(run: AssessmentRun, every: timedelta = HEARTBEAT_EVERY):
    """Beat for ``run`` from a thread of its own (its own database connection, outside the run's
    transaction) while the body works; PostgreSQL only (see above)."""
    if connection.vendor != "postgresql":
        yield
        return
    stop = threading.Event()

    def beat_forever() -> None:
        try:
            while not stop.wait(every.total_seconds()):
                AssessmentRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except DatabaseError:
            logger.warning("heartbeat of run %s stopped", run.pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's connection

    thread = threading.Thread(target=beat_forever, name=f"run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


class RunInProgress(Exception):
    """Another run of the same year is still running."""


def reap_stale(year: int) -> None:
    """A running run whose heartbeat stopped belongs to a dead worker: mark it failed."""
    cutoff = timezone.now() - stale_after()
    AssessmentRun.objects.filter(year=year, status=RunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    ).update(
        status=RunStatus.FAILED,
        error=gettext_noop("运行中断（工作进程已停止），已由后续计算标记为失败。"),
        finished_at=timezone.now(),
    )


def start_run(*, year: int, trigger: str, user=None, path_region=None) -> AssessmentRun:
    """Record a new running run, or raise RunInProgress when the year is already running."""
    reap_stale(year)
    try:
        with transaction.atomic():
            return AssessmentRun.objects.create(
                year=year,
                trigger=trigger,
                created_by=user if user is not None and user.is_authenticated else None,
                path_region=path_region,
                heartbeat_at=timezone.now(),
                message=gettext_noop("排队中"),
            )
    except IntegrityError:
        raise RunInProgress(
            _("%(year)s年的考核计算正在进行中，请稍后再试。") % {"year": year}
        ) from None


def beat(run: AssessmentRun, progress: int, message: str, on_progress: Progress | None) -> None:
    run.progress, run.message = progress, message
    AssessmentRun.objects.filter(pk=run.pk).update(
        progress=progress, message=message, heartbeat_at=timezone.now()
    )
    if on_progress:
        on_progress(progress, message)


def fail(run: AssessmentRun, error: BaseException) -> None:
    """Record the failure; on a fresh connection when the run's own died with the database (a
    restart mid-run), so that the year is never left "running"."""
    logger.exception("assessment run %s failed", run.pk)
    fields = {
        "status": RunStatus.FAILED,
        "error": "".join(traceback.format_exception_only(type(error), error)).strip()[:2000],
        "finished_at": timezone.now(),
    }
    try:
        AssessmentRun.objects.filter(pk=run.pk).update(**fields)
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        connection.close()  # the next query opens a new one
        AssessmentRun.objects.filter(pk=run.pk).update(**fields)
    run.status = RunStatus.FAILED


def latest_run(year: int) -> AssessmentRun | None:
    """The run whose results readers see: the latest successful one."""
    return (
        AssessmentRun.objects.filter(year=year, status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )
