"""The dashboard's cache: what a page computes, kept until the data under it changes.

An office dashboard at national scale reads targets with their live status, completeness over
thousands of regions, rankings, trends and warnings: 20–60 ms of queries and Python per part.
Fifty offices looking at the same pages between two approvals would recompute the same answers,
so each part is cached under a key made of:

- what it is, the region, the year, the request's filter and sort parameters, the language;
- the user's scope key (portal.scoping.scope_key): users with the same key see the same data,
  so a cached answer is never shown outside the scope it was computed for;
- the data version: the latest assessment run and its completion, the latest change of any
  submission (each status change and each entry bumps ``Submission.updated_at``), and a
  generation counter that any edit of the reference data (documents, targets, rulebooks,
  regions, departments, periods…) increments through model signals (``connect``).

Entries also expire after TIMEOUT seconds: a backstop for bulk edits that send no signals (a
queryset ``update`` in a shell). The live parts of a page (the run's progress) are not cached.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from assessments.models import AssessmentRun, Submission
from portal import periods
from portal.scoping import scope_key

TIMEOUT = 300
GENERATION_KEY = "dashboard:definitions"

# Models whose edits change what a dashboard shows without a new run or submission.
DEFINITIONS = [
    "portal.Region",
    "portal.Department",
    "targets.PolicyDocument",
    "targets.Section",
    "targets.Target",
    "targets.Task",
    "targets.TaskAssignment",
    "targets.Duty",
    "targets.CampaignPhase",
    "assessments.DataElement",
    "assessments.Indicator",
    "assessments.TargetMeasure",
    "assessments.ReferenceValue",
    "assessments.Period",
    "assessments.WindowReopening",
    "assessments.Rulebook",
    "assessments.RuleItem",
    "assessments.VetoRule",
    "assessments.QualityIncident",
    "assessments.Publication",
]


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 0, timeout=None)


def bump(**_kwargs) -> None:
    """Reference data changed: every cached dashboard part is stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from what keys used
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


def connect() -> None:
    """Bump the generation on every save and delete of the reference models (apps.ready)."""
    for label in DEFINITIONS:
        model = apps.get_model(label)
        uid = f"dashboard-cache:{label}"
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump, sender=field.remote_field.through, weak=False, dispatch_uid=f"{uid}:{field}"
            )


def version() -> str:
    """The data version, in one query: latest run (started and finished), latest submission
    change; with the reference data's generation."""
    runs, submissions = AssessmentRun._meta.db_table, Submission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {runs}), (SELECT MAX(finished_at) FROM {runs}), "
            f"(SELECT MAX(updated_at) FROM {submissions})"
        )
        row = cursor.fetchone()
    return f"{row}|{generation()}"


class Reads:
    """The cached reads of one request: ``get(what, build)`` answers from the cache when the
    same part was computed for the same scope on the same data, else builds and keeps it.
    Parts that the filter and sort parameters shape say so with ``by_params``."""

    def __init__(self, *, user, region, year: int, params=None):
        # Today's date too: the current quarter and who is late follow the calendar.
        self.base = [
            scope_key(user),
            region.pk,
            year,
            translation.get_language(),
            periods.today(),
            version(),
        ]
        if hasattr(params, "lists"):  # a QueryDict: every value of every parameter
            self.params = sorted((k, sorted(v)) for k, v in params.lists())
        else:
            self.params = sorted((params or {}).items())

    def key(self, what: str, by_params: bool = False) -> str:
        parts = [what, *self.base, self.params if by_params else None]
        return f"dashboard:{what}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"

    def get(self, what: str, build: Callable[[], Any], *, by_params: bool = False) -> Any:
        key = self.key(what, by_params)
        found = cache.get(key)
        if found is None:
            found = build()
            cache.set(key, found, TIMEOUT)
        return found
