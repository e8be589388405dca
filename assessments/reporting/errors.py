"""The refusals of the reporting services; each message is for the official, in their language."""

from assessments.reporting.validation import Issue


class ReportingError(Exception):
    """A request the rules refuse; the message is for the official, in their language."""


class Conflict(ReportingError):
    """Somebody else saved the submission since this user loaded it."""


class InvalidFigures(ReportingError):
    """Figures that break hard rules (or warnings left unexplained at submission)."""

    def __init__(self, message: str, issues: list[Issue]):
        super().__init__(message)
        self.issues = issues
