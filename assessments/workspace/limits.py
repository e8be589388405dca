"""The workspace's limits and due dates: defaults, each overridable in settings by name."""

from django.conf import settings

# Defaults; each can be overridden in settings under the same name.
PROGRESS_DUE_DAYS = 10
PROGRESS_REMIND_DAYS_AHEAD = 7
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024


def setting(name: str) -> int:
    """A workspace limit: ``settings.<NAME>`` when set, otherwise the default above."""
    return int(getattr(settings, name, globals()[name]))
