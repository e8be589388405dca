"""Where a form sends its user back to: only a path of this portal, never another site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, candidate: str | None, fallback: str) -> str:
    """``candidate`` (a ``next`` field) when it is a URL of this host, else ``fallback``:
    ``//evil.example/phish`` and ``https://evil.example`` are refused, as Django's login does."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
