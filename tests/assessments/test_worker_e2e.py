"""End to end on the real services: an approval reaches a real `celery worker` process through
Redis, and the district's score changes in PostgreSQL without any manual step.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second pass); skipped, with the
reason, on the embedded default."""

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from assessments.models import RegionResult, Status
from assessments.reporting import services
from assessments.scoring import runs
from portal.celery import app
from portal.models import Region, Role

from .test_runs import GUSHAN, YEAR, approved

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs the real services: PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
)


@pytest.fixture
def worker(transactional_db):
    """A real worker process on a queue of its own, reading the test database."""
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "CELERY_EAGER": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--loglevel=INFO", "-Q", queue, "--without-heartbeat", "--without-gossip"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    yield process
    app.conf.task_always_eager, app.conf.task_default_queue = previous
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_an_approval_rescores_the_district_through_a_real_worker(
    restore_reference, worker, make_user
):
    from tests.assessments.test_runs import _make_periods, _make_rulebook

    periods = _make_periods()
    book = _make_rulebook()
    approved(GUSHAN, periods[1], {"prov_sampled": 100, "prov_qualified": 90,
                                  "food_sampled": 10, "food_qualified": 10})  # fmt: skip
    runs.run_year(year=YEAR)
    before = RegionResult.objects.get(rulebook=book, region__code=GUSHAN)
    office = make_user(role=Role.OFFICE, region="350111", username="e2e-office")
    submission = approved(GUSHAN, periods[2], {"prov_sampled": 900, "prov_qualified": 899,
                                               "food_sampled": 90, "food_qualified": 90},
                          status=Status.SUBMITTED)  # fmt: skip
    services.approve(user=office, submission=submission)  # commits; the hook enqueues the task

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        after = RegionResult.objects.get(rulebook=book, region__code=GUSHAN)
        if after.run_id != before.run_id:
            break
        assert worker.poll() is None, worker.stdout.read().decode(errors="replace")[-3000:]
        time.sleep(0.5)
    else:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
        pytest.fail(f"the worker did not re-score within 90 s:\n{output[-3000:]}")
    # 90/100 → 3 points short → 45 + 40; then 989/1000 = 98.9 % → 60 + 40
    assert before.total == Decimal("85.00")
    assert after.total == Decimal("100.00") and after.grade == "A"
    assert after.run.trigger == "approval" and after.run.path_region.code == GUSHAN


def test_a_run_whose_worker_was_killed_is_taken_over_by_a_real_worker(
    restore_reference, worker, make_user
):
    """A worker killed mid-run leaves its run "running" with a heartbeat that stopped. On
    PostgreSQL a minute of silence is death: the next task, in a real worker process, marks it
    failed and runs the year itself, and the re-score owed by an approval made meanwhile is
    settled (the outbox is empty afterwards)."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import AssessmentRun, RescoreRequest, RunStatus
    from assessments.scoring.tasks import run_assessment
    from tests.assessments.test_runs import _make_periods, _make_rulebook

    periods = _make_periods()
    _make_rulebook()
    approved(GUSHAN, periods[1], {"prov_sampled": 100, "prov_qualified": 95,
                                  "food_sampled": 10, "food_qualified": 10})  # fmt: skip
    killed = AssessmentRun.objects.create(
        year=YEAR, trigger="manual", status=RunStatus.RUNNING, progress=5,
        heartbeat_at=timezone.now() - timedelta(seconds=70),
    )  # fmt: skip
    # An approval made while the killed run held the year: its re-score is owed.
    RescoreRequest.objects.create(year=YEAR, region=Region.objects.get(code=GUSHAN))
    run_assessment.delay(YEAR, "manual")

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        done = AssessmentRun.objects.filter(year=YEAR, status=RunStatus.SUCCEEDED).first()
        if done is not None:
            break
        assert worker.poll() is None, worker.stdout.read().decode(errors="replace")[-3000:]
        time.sleep(0.5)
    else:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
        pytest.fail(f"no worker took the year over within 90 s:\n{output[-3000:]}")
    killed.refresh_from_db()
    assert killed.status == RunStatus.FAILED and "中断" in killed.error
    assert not RescoreRequest.objects.exists()
