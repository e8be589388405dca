"""The reading pipeline: ``read_policy`` runs text, metadata, horizon, targets and tasks."""

from __future__ import annotations

from collections.abc import Sequence

from .horizons import doc_horizon
from .metadata import find_doc_number, find_title, issuer_and_date
from .results import DepartmentName, Reading
from .targets import find_targets
from .tasks import find_tasks
from .text import Doc


def read_policy(text: str, departments: Sequence[DepartmentName] = ()) -> Reading:
    """Read title, number, issuer, dates, horizon, quantitative targets and tasks of ``text``."""
    doc = Doc(text)
    title = find_title(doc)
    issuer, issue_date = issuer_and_date(doc, title)
    issue_year = int(issue_date[:4]) if issue_date else None
    horizon = doc_horizon(doc, title.title, issue_year)
    return Reading(
        title=title.title,
        doc_number=find_doc_number(doc),
        issuer=issuer,
        issue_date=issue_date,
        horizon_year=horizon,
        targets=find_targets(doc, horizon, issue_year),
        tasks=find_tasks(doc, departments),
    )
