"""The address a request comes from, for login throttling and logs.

Without a proxy it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT reverse proxies (nginx in
docker-compose appends the address it saw to X-Forwarded-For), the client is the entry that many
places from the right of X-Forwarded-For: entries further left were written by the client itself
and could be anything, so they are never trusted."""

import ipaddress

from django.conf import settings


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(chain) < proxies:
        return remote  # not through the proxies: a direct request
    return _address(chain[-proxies]) or remote
