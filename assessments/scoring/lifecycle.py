"""The life of a recorded run: start (one running run per year, stale ones reaped), heartbeat,
failure, and the latest published run."""

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.models import (
    AssessmentRun,
    RunStatus,
)

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
Progress = Callable[[int, str], None]


class RunInProgress(Exception):
    """Another run of the same year is still running."""


def reap_stale(year: int) -> None:
    """A running run whose heartbeat stopped belongs to a dead worker: mark it failed."""
    cutoff = timezone.now() - STALE_AFTER
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
    logger.exception("assessment run %s failed", run.pk)
    AssessmentRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED,
        error="".join(traceback.format_exception_only(type(error), error)).strip()[:2000],
        finished_at=timezone.now(),
    )
    run.status = RunStatus.FAILED


def latest_run(year: int) -> AssessmentRun | None:
    """The run whose results readers see: the latest successful one."""
    return (
        AssessmentRun.objects.filter(year=year, status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )
