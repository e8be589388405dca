"""Reactions to reporting decisions: an approval or unlock owes a re-score of the affected path.

Registered on services.in_decision, which runs inside the decision's transaction: the request is
recorded with the decision (outbox), and handed to the broker once the transaction commits; if
the broker is down the sweeper hands it over later (scoring.outbox)."""

from django.db import transaction

from assessments.scoring import outbox


def record_rescore(submission) -> None:
    from assessments.scoring.tasks import send_rescore

    request = outbox.record(submission)
    transaction.on_commit(lambda: outbox.dispatch(request.pk, send_rescore))
