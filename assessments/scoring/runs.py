"""Writes: assessment runs. Roll a year's approved figures up the region tree, score every
rulebook of the year, raise warnings, and publish it all at once.

- A run is a recorded object (``AssessmentRun``) with status, progress, a fingerprint of its
  inputs and a summary. The database refuses a second running run of the same year; a run
  whose heartbeat stopped (its worker died) is marked failed by the next one.
- Everything is computed in memory from SQL set operations (sql.py) and pure modules
  (aggregation, rollup, scoring), then written in ONE transaction that replaces the previous
  results. Readers see the previous complete run until that transaction commits; a worker killed
  before the commit leaves nothing behind. The same inputs give the same rows.
- ``rescore_path`` re-scores after one approval: it recomputes the group of the approved region
  from SQL, climbs only the path above it using the published figures of the siblings, re-scores
  only the rulebooks on that path, and replaces only those rows.
"""

from collections.abc import Callable

from assessments.models import (
    AssessmentRun,
)
from assessments.scoring import full_run, lifecycle, outbox, path_run
from portal.models import Region


def run_year(*, year: int, trigger: str = "command", user=None, on_progress=None) -> AssessmentRun:
    """The full run of a year: every region, every rulebook, every warning."""
    run = lifecycle.start_run(year=year, trigger=trigger, user=user)
    return _carry_out(run, lambda: full_run.run_full(run, on_progress))


def rescore_path(*, year: int, region: Region, trigger: str = "approval") -> AssessmentRun:
    """Re-score after a change in ``region``: only the path above it and its rulebooks."""
    if lifecycle.latest_run(year) is None:
        return run_year(year=year, trigger=trigger)
    run = lifecycle.start_run(year=year, trigger=trigger, path_region=region)
    return _carry_out(run, lambda: path_run.run_path(run, region))


def _carry_out(run: AssessmentRun, work: Callable[[], None]) -> AssessmentRun:
    """Do a started run's work; any failure (a killed worker included) marks it failed."""
    try:
        with lifecycle.heartbeat(run):
            work()
    except BaseException as error:
        lifecycle.fail(run, error)
        raise
    outbox.settle(run)  # the re-scores it covered are no longer owed
    return run
