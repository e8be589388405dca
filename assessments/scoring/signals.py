"""Reactions to reporting decisions: an approval or unlock re-scores the affected path.

Registered on services.after_decision, which runs hooks only after the transaction has
committed, so the task never reads figures that were rolled back."""


def enqueue_rescore(submission) -> None:
    from assessments.scoring.tasks import rescore_region

    rescore_region.delay(submission.period.year, submission.region_id)
